// MathJax 3 for the math that pymdownx.arithmatex (generic mode) wraps in .arithmatex
// elements. The bundle itself is served from assets/vendor/mathjax/ (qa/site/mathjax.py).

// Display math wider than its column scrolls sideways; a keyboard user can scroll it only if it
// can take the focus (WCAG 2.1.1, axe's scrollable-region-focusable). Checked after every
// typesetting and whenever the window changes size.
function focusableWideMath() {
  for (const el of document.querySelectorAll(".md-typeset div.arithmatex")) {
    if (el.scrollWidth > el.clientWidth) {
      el.tabIndex = 0;
    } else {
      el.removeAttribute("tabindex");
    }
  }
}
window.addEventListener("resize", focusableWideMath);

window.MathJax = {
  startup: {
    pageReady: () => MathJax.startup.defaultPageReady().then(focusableWideMath),
  },
  tex: {
    inlineMath: [["\\(", "\\)"]],
    displayMath: [["\\[", "\\]"]],
    processEscapes: true,
    processEnvironments: true,
  },
  options: {
    ignoreHtmlClass: ".*|",
    processHtmlClass: "arithmatex",
    // The menu's speech and explorer tools load components and data that the site does not
    // serve (from a CDN by default). Screen readers still get MathML (assistive-mml).
    enableMenu: false,
  },
};

// Material's document$ emits for every page shown without a reload (instant navigation, if it
// is on). MathJax typesets the first page when it starts; typeset every later one.
if (typeof document$ !== "undefined") {
  let firstPage = true;
  document$.subscribe(() => {
    if (firstPage) {
      firstPage = false;
      return;
    }
    MathJax.startup.promise = MathJax.startup.promise.then(() => {
      MathJax.startup.output.clearCache();
      MathJax.typesetClear();
      MathJax.texReset();
      return MathJax.typesetPromise().then(focusableWideMath);
    });
  });
}
