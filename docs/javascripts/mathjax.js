// MathJax 3 for the math that pymdownx.arithmatex (generic mode) wraps in .arithmatex
// elements. The bundle itself is served from assets/vendor/mathjax/ (docs/hooks/mathjax_assets.py).
window.MathJax = {
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

// Material's instant navigation swaps the page content without reloading scripts, and emits
// document$ each time. MathJax typesets the first page when it starts; typeset every later one.
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
      return MathJax.typesetPromise();
    });
  });
}
