r"""MathJax 3 served from the site itself, taken from the PyPI package django-static-mathjax.

Nothing is copied into the repository and no page asks a CDN: the build adds the TeX-to-CHTML
bundle, its web fonts and the TeX extensions it may load on demand (e.g. for `\require`) under
`assets/vendor/mathjax/`. docs/javascripts/mathjax.js configures it.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["SITE_DIR", "files"]

SITE_DIR = "assets/vendor/mathjax"
NEEDED = ("tex-chtml.js", "output/chtml/fonts/woff-v2", "input/tex/extensions")


def files() -> dict[str, Path]:
    """Path in the site -> file, for every MathJax file the site needs, in a stable order.

    Raises:
        FileNotFoundError: If the package or one of its parts is missing.
    """
    import mathjax

    es5 = Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"
    found: dict[str, Path] = {}
    for item in NEEDED:
        path = es5 / item
        if not path.exists():
            raise FileNotFoundError(f"{path} is missing; is django-static-mathjax installed?")
        for p in sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]:
            found[f"{SITE_DIR}/{p.relative_to(es5).as_posix()}"] = p
    found[f"{SITE_DIR}/LICENSE"] = es5.parent / "LICENSE"
    return found
