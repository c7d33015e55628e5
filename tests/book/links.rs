//! Every internal link, heading anchor and resource resolves in both languages, both languages
//! have the same pages and heading ids, and every page's language switch lands on the same page.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Component, Path, PathBuf};
use std::sync::OnceLock;

use tcp_http_book::other_language;

use crate::book::html::{Page, parse};
use crate::book::support::{languages, pages, site};

/// Every page of a language, parsed once for all the checks here.
fn parsed(language: &str) -> &'static BTreeMap<String, Page> {
    static PARSED: OnceLock<[BTreeMap<String, Page>; 2]> = OnceLock::new();
    let all = PARSED.get_or_init(|| {
        languages().map(|language| {
            pages(language)
                .into_iter()
                .map(|(path, file)| (path, parse(&fs::read_to_string(file).unwrap())))
                .collect()
        })
    });
    let index = languages().iter().position(|l| *l == language).unwrap();
    &all[index]
}

/// `dir` + a relative `href` path, `..` resolved.
fn resolve(dir: &Path, href: &str) -> PathBuf {
    let mut out = dir.to_path_buf();
    for component in Path::new(href).components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::Normal(part) => out.push(part),
            _ => {}
        }
    }
    out
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(hex) = std::str::from_utf8(&bytes[i + 1..i + 3])
            && let Ok(byte) = u8::from_str_radix(hex, 16)
        {
            out.push(byte);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[test]
fn every_internal_link_and_anchor_resolves() {
    let site = site();
    let mut ids: BTreeMap<PathBuf, BTreeSet<String>> = BTreeMap::new();
    let mut all = Vec::new();
    for language in languages() {
        for (path, page) in parsed(language) {
            let file = site.join(language).join(path);
            ids.insert(file.clone(), page.ids.iter().cloned().collect());
            all.push((file, path, page));
        }
    }
    let mut problems = Vec::new();
    for (file, path, page) in &all {
        // 404.html is served from the site root by a web server; its links are absolute
        if *path == "404.html" {
            continue;
        }
        for (tag, link) in &page.links {
            let external = ["http:", "https:", "mailto:", "data:", "javascript:"]
                .iter()
                .any(|scheme| link.starts_with(scheme));
            if external {
                if tag != "a" {
                    problems.push(format!(
                        "{}: <{tag}> loads {link} from outside the site",
                        file.display()
                    ));
                }
                continue;
            }
            let (target, fragment) = match link.split_once('#') {
                Some((target, fragment)) => (target, Some(percent_decode(fragment))),
                None => (link.as_str(), None),
            };
            let target = target.split('?').next().unwrap_or("");
            let target_file = if target.is_empty() {
                file.clone()
            } else {
                resolve(file.parent().unwrap(), &percent_decode(target))
            };
            if !target_file.starts_with(site) || !target_file.exists() {
                problems.push(format!("{}: <{tag}> {link}: no such file", file.display()));
                continue;
            }
            if let Some(fragment) = fragment.filter(|f| !f.is_empty()) {
                let known = ids
                    .get(&target_file)
                    .is_some_and(|ids| ids.contains(&fragment));
                if !known {
                    problems.push(format!(
                        "{}: {link}: no element with id `{fragment}`",
                        file.display()
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The same pages exist in both languages and every heading keeps its id, so
/// `ch01-raw-server.html#run-it` means the same section in Korean and English.
#[test]
fn both_languages_have_the_same_pages_and_heading_ids() {
    let [source, translation] = languages();
    let ko = parsed(source);
    let en = parsed(translation);
    assert_eq!(ko.keys().collect::<Vec<_>>(), en.keys().collect::<Vec<_>>());
    for (path, page) in ko {
        assert_eq!(
            page.heading_ids, en[path].heading_ids,
            "{path}: heading ids differ"
        );
    }
    let chapter = &ko["ch01-raw-server.html"].heading_ids;
    assert!(
        chapter.contains(&"raw-tcp-server".to_string()),
        "explicit {{#id}} lost: {chapter:?}"
    );
}

/// Every page (but the sidebar frame) has one switch, and it points at the same page in the
/// other language.
#[test]
fn every_page_switches_to_the_same_page_in_the_other_language() {
    let site = site();
    for language in languages() {
        let other = other_language(language);
        for (path, page) in parsed(language) {
            if path == "toc.html" {
                continue;
            }
            assert_eq!(
                page.switch.len(),
                1,
                "{language}/{path}: {} language switches",
                page.switch.len()
            );
            let href = &page.switch[0];
            if path == "404.html" {
                assert!(
                    href.ends_with(&format!("/{other}/404.html")),
                    "{language}/{path}: {href}"
                );
                continue;
            }
            let file = site.join(language).join(path);
            let target = resolve(file.parent().unwrap(), href);
            assert_eq!(
                target,
                site.join(other).join(path),
                "{language}/{path}: switch is {href}"
            );
            assert!(target.is_file(), "{language}/{path}: {href} does not exist");
        }
    }
}

/// Every page of a language (but toc.html, the sidebar's no-script fallback) loads exactly the
/// scripts and style sheets print.html loads, from the same paths. print.html holds every
/// chapter's content: so when Chromium reads print.html (without its scripts) and a chapter page
/// (with them) with nothing broken (`book::browser::book`), every page's scripts, styles and
/// content have been read.
#[test]
fn every_page_loads_the_scripts_and_styles_print_html_loads() {
    for language in languages() {
        let pages = parsed(language);
        let theme = |page: &Page| -> Vec<(String, String)> {
            page.links
                .iter()
                .filter(|(tag, _)| tag == "script" || tag == "link")
                .cloned()
                .collect()
        };
        let print = theme(&pages["print.html"]);
        assert!(
            print.iter().any(|(tag, _)| tag == "script")
                && print.iter().any(|(tag, _)| tag == "link"),
            "{language}/print.html: no script or style sheet: {print:?}"
        );
        for (path, page) in pages {
            if path != "toc.html" {
                assert_eq!(
                    theme(page),
                    print,
                    "{language}/{path}: not print.html's scripts and styles"
                );
            }
        }
    }
}
