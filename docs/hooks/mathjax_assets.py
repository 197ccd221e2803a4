"""Serves MathJax 3 from the site itself, taken from the PyPI package django-static-mathjax.

Nothing is copied into the repository and no page asks a CDN: the hook adds the TeX-to-CHTML
bundle, its web fonts and the TeX extensions it may load on demand (e.g. for `\\require`) as
generated files under `assets/vendor/mathjax/`. docs/javascripts/mathjax.js configures it.
"""

from __future__ import annotations

from pathlib import Path

import mathjax
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

ES5 = Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"
LICENSE = ES5.parent / "LICENSE"
SITE_DIR = "assets/vendor/mathjax"
NEEDED = ("tex-chtml.js", "output/chtml/fonts/woff-v2", "input/tex/extensions")


@event_priority(100)  # before the privacy plugin scans the file list
def on_files(files: Files, config: MkDocsConfig) -> Files:
    for path in mathjax_files():
        dest = f"{SITE_DIR}/{path.relative_to(ES5).as_posix()}"
        files.append(File.generated(config, dest, abs_src_path=str(path)))
    files.append(File.generated(config, f"{SITE_DIR}/LICENSE", abs_src_path=str(LICENSE)))
    return files


def mathjax_files() -> list[Path]:
    """The files of the es5 tree the site needs, in a stable order."""
    found = []
    for item in NEEDED:
        path = ES5 / item
        if not path.exists():
            raise PluginError(f"mathjax: {path} is missing; is django-static-mathjax installed?")
        found.extend(sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path])
    return found
