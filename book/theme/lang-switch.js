// The language switch lands on the same page (its href is written at build time);
// here it also keeps the section the reader is looking at (#id is the same in both languages)
// and moves into the menu bar.
(function () {
    'use strict';
    function keepSection() {
        document.querySelectorAll('a.lang-switch-link').forEach(function (link) {
            link.hash = window.location.hash;
        });
    }
    keepSection();
    window.addEventListener('hashchange', keepSection);

    // into the menu bar, before the print button: visible at the top, and still there
    // when the bar sticks to the top of a scrolled page
    var nav = document.querySelector('.page > .lang-switch');
    var buttons = document.querySelector('#mdbook-menu-bar .right-buttons');
    if (nav && buttons) {
        buttons.insertBefore(nav, buttons.firstChild);
    }
})();
