// The language switch lands on the same page (its href is written at build time);
// here it also keeps the section the reader is looking at (#id is the same in both languages).
(function () {
    'use strict';
    function keepSection() {
        document.querySelectorAll('a.lang-switch-link').forEach(function (link) {
            link.hash = window.location.hash;
        });
    }
    keepSection();
    window.addEventListener('hashchange', keepSection);
})();
