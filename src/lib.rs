//! Builds the book — Korean from `book/*.md`, English through `book/po/en.po` — with the mdBook
//! crates as libraries, and fails on anything mdBook would only log: a missing include file or
//! anchor, a missing transcript snapshot, any mdBook warning or error.
//!
//! `cargo run` builds both languages into `target/book/{ko,en}`; `cargo run -- pot` writes the
//! POT for translators; `cargo run -- serve` serves `target/book` on 127.0.0.1:3000 with
//! chapter 11's static file server (src/serve.rs).

pub mod checks;
pub mod logging;
pub mod search;
pub mod serve;
pub mod transcript;

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use mdbook_driver::MDBook;
use mdbook_driver::book::BookItem;
use mdbook_driver::config::Config;
use mdbook_i18n_helpers::preprocessors::Gettext;
use mdbook_i18n_helpers::renderers::Xgettext;
use mdbook_renderer::RenderContext;
use polib::catalog::Catalog;

use crate::logging::{Problems, push, take};
use crate::transcript::Transcript;

/// The source language first, then the translations (each one has `book/po/<lang>.po`).
pub const LANGUAGES: [&str; 2] = ["ko", "en"];

/// Problem lines: each one is a complete sentence for the reader.
pub type ProblemLines = Vec<String>;

/// Where `cargo run` puts the site: `<root>/target/book/<lang>/`.
pub fn default_out_dir(root: &Path) -> PathBuf {
    root.join("target").join("book")
}

/// Loads `book.toml` for `language`: sets the language, its title and the build folder, and
/// forbids creating missing pages.
pub fn load_config(root: &Path, language: &str, build_dir: &Path) -> Result<Config, String> {
    let path = root.join("book.toml");
    let mut config = Config::from_disk(&path)
        .map_err(|err| format!("cannot read {}: {err:#}", path.display()))?;
    config.book.language = Some(language.to_string());
    if language != LANGUAGES[0] {
        let key = format!("preprocessor.gettext.titles.{language}");
        let title = config
            .get::<String>(&key)
            .map_err(|err| format!("{}: {key}: {err:#}", path.display()))?
            .ok_or_else(|| format!("{}: no title for `{language}` ({key})", path.display()))?;
        config.book.title = Some(title);
    }
    config.build.build_dir = build_dir.to_path_buf();
    config.build.create_missing = false;
    // mdBook's 404 page loads its CSS and scripts from `site-url` (default `/`), and each
    // language lives in its own folder: without this the 404 page of /ko/ is unstyled
    let site_url = "output.html.site-url";
    if config.get::<String>(site_url).ok().flatten().is_none() {
        config
            .set(site_url, format!("/{language}/"))
            .map_err(|err| format!("{}: {site_url}: {err:#}", path.display()))?;
    }
    Ok(config)
}

/// Loads the book with our preprocessors registered and checks every include.
fn load_book(root: &Path, language: &str, build_dir: &Path, problems: &Problems) -> Option<MDBook> {
    let config = match load_config(root, language, build_dir) {
        Ok(config) => config,
        Err(line) => {
            push(problems, format!("{language}: {line}"));
            return None;
        }
    };
    let src_dir = root.join(&config.book.src);
    let mut md = match MDBook::load_with_config(root, config) {
        Ok(md) => md,
        Err(err) => {
            push(
                problems,
                format!("{language}: cannot load the book: {err:#}"),
            );
            return None;
        }
    };
    for item in md.iter() {
        let BookItem::Chapter(chapter) = item else {
            continue;
        };
        let Some(path) = &chapter.path else {
            continue;
        };
        let page = src_dir.join(path);
        let page_dir = page.parent().unwrap_or(&src_dir);
        for include in checks::includes(&chapter.content, page_dir) {
            if let Some(line) = checks::check_include(&include) {
                let line = line.replace(&format!("{}/", root.display()), "");
                push(
                    problems,
                    format!(
                        "{language}: {}: {}: {line}",
                        shown(root, &page),
                        include.directive
                    ),
                );
            }
        }
    }
    // replace the command-line preprocessors book.toml names (same position, same order)
    md.with_preprocessor(Transcript {
        problems: problems.clone(),
    });
    md.with_preprocessor(Gettext);
    Some(md)
}

/// A path as the reader knows it: relative to the repository root when it is inside it.
pub fn shown(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// Builds one language into `out_dir/<language>` and returns that folder.
pub fn build_language(
    root: &Path,
    language: &str,
    out_dir: &Path,
) -> Result<PathBuf, ProblemLines> {
    let problems: Problems = Arc::new(Mutex::new(Vec::new()));
    let dest = out_dir.join(language);
    logging::collect(language, &problems, || {
        let Some(md) = load_book(root, language, &dest, &problems) else {
            return;
        };
        if let Err(err) = md.build() {
            push(&problems, format!("{language}: the build failed: {err:#}"));
            return;
        }
        // mdBook copies every non-Markdown file of book/; the PO files and theme sources are
        // not part of the site
        for folder in ["po", "theme"] {
            let copied = dest.join(folder);
            if copied.is_dir()
                && let Err(err) = fs::remove_dir_all(&copied)
            {
                push(
                    &problems,
                    format!("{language}: cannot remove {}: {err}", copied.display()),
                );
            }
        }
        if let Err(line) = give_toc_an_icon(&dest) {
            push(&problems, format!("{language}: {line}"));
        }
        if let Err(line) = link_language_switch(&dest, language) {
            push(&problems, format!("{language}: {line}"));
        }
        if let Err(line) = search::add_hangul_tokens(&dest.join("searchindex.js")) {
            push(&problems, format!("{language}: {line}"));
        }
    });
    let problems = take(&problems);
    if problems.is_empty() {
        Ok(dest)
    } else {
        Err(problems)
    }
}

/// Builds every language; all problems of all languages are returned together.
pub fn build_all(root: &Path, out_dir: &Path) -> Result<Vec<PathBuf>, ProblemLines> {
    let mut built = Vec::new();
    let mut problems = Vec::new();
    // the languages side by side, one thread each (each collects its own problems), reported
    // in LANGUAGES' order
    let results: Vec<Result<PathBuf, ProblemLines>> = std::thread::scope(|scope| {
        let builds: Vec<_> = LANGUAGES
            .iter()
            .map(|language| scope.spawn(move || build_language(root, language, out_dir)))
            .collect();
        builds
            .into_iter()
            .zip(LANGUAGES)
            .map(|(build, language)| {
                build
                    .join()
                    .unwrap_or_else(|_| Err(vec![format!("{language}: the build panicked")]))
            })
            .collect()
    });
    for result in results {
        match result {
            Ok(dest) => built.push(dest),
            Err(lines) => problems.extend(lines),
        }
    }
    if let Err(line) = write_root_index(out_dir) {
        problems.push(line);
    }
    if problems.is_empty() {
        Ok(built)
    } else {
        Err(problems)
    }
}

/// `<out>/index.html`: the site's `/` leads to the Korean book, a static page any server (or
/// `file://`) shows the same way: a refresh at once, and a link for a reader without it; the
/// book's icon, so a browser asks for no `/favicon.ico`.
fn write_root_index(out_dir: &Path) -> Result<(), String> {
    let first = LANGUAGES[0];
    let page = format!(
        "<!DOCTYPE html>\n<html lang=\"{first}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"refresh\" content=\"0; url={first}/\">\n<title>{first}/</title>\n\
         <link rel=\"icon\" href=\"{first}/favicon.png\">\n\
         </head>\n<body>\n<p><a href=\"{first}/\">한국어</a> · <a href=\"{other}/\">English</a></p>\n\
         </body>\n</html>\n",
        other = other_language(first)
    );
    let path = out_dir.join("index.html");
    fs::create_dir_all(out_dir)
        .and_then(|()| fs::write(&path, page))
        .map_err(|err| format!("cannot write {}: {err}", path.display()))
}

/// The other language's folder name, for the switch.
pub fn other_language(language: &str) -> &'static str {
    if language == LANGUAGES[0] {
        LANGUAGES[1]
    } else {
        LANGUAGES[0]
    }
}

/// mdBook's `toc.html` (the sidebar's frame without JavaScript) names no icon, so a browser
/// opening it asks the server for `/favicon.ico`, which the site does not have: it gets the
/// book's icon, as every other page does.
fn give_toc_an_icon(dest: &Path) -> Result<(), String> {
    let page = dest.join("toc.html");
    let html = fs::read_to_string(&page)
        .map_err(|err| format!("cannot read {}: {err}", page.display()))?;
    if html.contains("rel=\"icon\"") {
        return Ok(());
    }
    let html = html.replacen(
        "<head>",
        "<head>\n        <link rel=\"icon\" href=\"favicon.svg\">",
        1,
    );
    fs::write(&page, html).map_err(|err| format!("cannot write {}: {err}", page.display()))
}

/// `header.hbs` links to `../<other>/SAME_PAGE`; write each page's own path there, so the
/// switch lands on the same page without JavaScript (lang-switch.js adds the `#section`).
fn link_language_switch(dest: &Path, language: &str) -> Result<(), String> {
    let mut pages = Vec::new();
    html_files(dest, &mut pages).map_err(|err| format!("cannot list {}: {err}", dest.display()))?;
    let marker = format!("../{}/SAME_PAGE\"", other_language(language));
    for page in pages {
        let html = fs::read_to_string(&page)
            .map_err(|err| format!("cannot read {}: {err}", page.display()))?;
        if !html.contains(&marker) {
            continue;
        }
        let relative = page_path(dest, &page);
        let html = html.replace(
            &marker,
            &format!("../{}/{relative}\"", other_language(language)),
        );
        fs::write(&page, html).map_err(|err| format!("cannot write {}: {err}", page.display()))?;
    }
    Ok(())
}

/// A page's path inside its language folder, with `/` separators (`ch01-raw-server.html`).
pub fn page_path(dest: &Path, page: &Path) -> String {
    let relative = page.strip_prefix(dest).unwrap_or(page);
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Every `.html` file under `dir`.
pub fn html_files(dir: &Path, found: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            html_files(&path, found)?;
        } else if path.extension().is_some_and(|ext| ext == "html") {
            found.push(path);
        }
    }
    found.sort();
    Ok(())
}

/// Extracts the messages of the Korean sources exactly as `cargo run -- pot` writes them:
/// includes and transcripts expanded, `<!-- i18n:skip -->` blocks and `txt` blocks left out.
pub fn extract_catalog(root: &Path) -> Result<Catalog, ProblemLines> {
    let problems: Problems = Arc::new(Mutex::new(Vec::new()));
    let language = LANGUAGES[0];
    let scratch = root.join("target").join("i18n");
    let catalogs = logging::collect("pot", &problems, || {
        let md = load_book(root, language, &scratch, &problems)?;
        let (book, _) = match md.preprocess_book(&Xgettext) {
            Ok(done) => done,
            Err(err) => {
                push(
                    &problems,
                    format!("pot: cannot preprocess the book: {err:#}"),
                );
                return None;
            }
        };
        let ctx = RenderContext::new(root, book, md.config.clone(), &scratch);
        match mdbook_i18n_helpers::xgettext::create_catalogs(&ctx, fs::read_to_string) {
            Ok(catalogs) => Some(catalogs),
            Err(err) => {
                push(&problems, format!("pot: cannot extract messages: {err:#}"));
                None
            }
        }
    });
    let problems = take(&problems);
    match catalogs {
        Some(catalogs) if problems.is_empty() => merge(catalogs),
        _ => Err(problems),
    }
}

/// One catalog: the extractor writes a single `messages.pot` unless `output.xgettext.depth`
/// is set, which this book does not do.
fn merge(catalogs: HashMap<PathBuf, Catalog>) -> Result<Catalog, ProblemLines> {
    let count = catalogs.len();
    let mut catalogs = catalogs.into_values();
    match (catalogs.next(), count) {
        (Some(catalog), 1) => Ok(catalog),
        _ => Err(vec![format!(
            "pot: expected one message catalog, the extractor made {count} (is output.xgettext.depth set?)"
        )]),
    }
}

/// Writes the POT for translators (`msgmerge --update book/po/en.po <path>`).
pub fn write_pot(root: &Path, path: &Path) -> Result<(), ProblemLines> {
    let catalog = extract_catalog(root)?;
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)
            .map_err(|err| vec![format!("pot: cannot create {}: {err}", dir.display())])?;
    }
    polib::po_file::write(&catalog, path)
        .map_err(|err| vec![format!("pot: cannot write {}: {err}", path.display())])
}
