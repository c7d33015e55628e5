// Runs queries through mdBook's real searcher stack (elasticlunr.min.js + search-hangul.js +
// searchindex.js) without a browser: `node tests/book/search-check.js target/book/ko 연결 …`.
// Prints one JSON line per query: {"query": …, "pages": [doc urls]}.
'use strict';
const fs = require('fs');
const vm = require('vm');
const dir = process.argv[2];
const ctx = { console };
ctx.window = ctx;
ctx.search = {};
vm.createContext(ctx);
for (const file of ['elasticlunr.min.js', 'book/theme/search-hangul.js', 'searchindex.js']) {
    vm.runInContext(fs.readFileSync(dir + '/' + file, 'utf8'), ctx);
}
vm.runInContext('var index = elasticlunr.Index.load(window.search.index);', ctx);
for (const query of process.argv.slice(3)) {
    const pages = vm.runInContext(
        'index.search(' + JSON.stringify(query) + ', window.search.search_options)' +
        '.map(function (r) { return window.search.doc_urls[r.ref]; })', ctx);
    console.log(JSON.stringify({ query: query, pages: pages }));
}
