// Korean search. mdBook's searcher trims every token with /\W/, which is ASCII-only, so a Hangul
// query became the empty string and found nothing. Here the query trimmer keeps letters and
// digits of every script and drops one trailing Korean particle (조사) from a Hangul word, so
// `연결을` searches for `연결`. The index side is in src/search.rs: it adds every Hangul word and
// its prefixes (연결, 연결을, ...) as tokens, so a stem finds 연결을, 연결이 and 연결하고.
// Loaded after searcher.js and before the index (which is fetched when search is opened).
(function () {
    'use strict';
    if (typeof elasticlunr === 'undefined') {
        return;
    }
    var HANGUL_WORD = /^[\uAC00-\uD7A3]+$/;
    // longest first; only stripped when at least two syllables remain
    var PARTICLES = ['에서는', '으로는', '에게서', '에서', '으로', '에게', '부터', '까지', '처럼',
        '보다', '하고', '하는', '하면', '이나', '은', '는', '이', '가', '을', '를', '에', '의',
        '로', '와', '과', '도', '만'];

    function stripParticle(word) {
        if (!HANGUL_WORD.test(word)) {
            return word;
        }
        for (var i = 0; i < PARTICLES.length; i++) {
            var p = PARTICLES[i];
            if (word.length - p.length >= 2 && word.endsWith(p)) {
                return word.slice(0, word.length - p.length);
            }
        }
        return word;
    }

    function trimmer(token) {
        if (token === null || token === undefined) {
            throw new Error('token should not be undefined');
        }
        var trimmed = token.replace(/^[^\p{L}\p{N}_]+/u, '').replace(/[^\p{L}\p{N}_]+$/u, '');
        return stripParticle(trimmed);
    }
    trimmer.label = 'trimmer';
    elasticlunr.trimmer = trimmer;
    // replace the registered function by label (no "overwriting" console warning)
    elasticlunr.Pipeline.registeredFunctions.trimmer = trimmer;
    window.hangulSearch = { trimmer: trimmer, stripParticle: stripParticle };
})();
