"""Draw one answer module's figures into a directory (figures.py runs this in a fresh process).

Usage:
    python docs/hooks/draw_figures.py MODULE OUT_DIR

Calls `MODULE.demonstrate(MODULE.SEED)` once, builds each `FigureSpec` of `MODULE.FIGURES`
from the result and writes `OUT_DIR/<name>.svg` (deterministic bytes, `qa.viz.to_svg`), then
`OUT_DIR/figures.json`: the name, alt text and caption of each figure, in FIGURES order.

A fresh process per module means the build always runs the code as it is on disk (also under
`mkdocs serve`, whose process keeps modules imported), modules cannot leak state into one
another, and several modules can be drawn at once.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import Any


def check_specs(module: Any) -> list[dict[str, str]]:
    """Name, alt text and caption of each figure; SystemExit saying what is wrong, if anything."""
    specs = getattr(module, "FIGURES", None)
    if specs is None:
        raise SystemExit(f"{module.__name__} defines no FIGURES")
    names = [spec.name for spec in specs]
    problems = [f"duplicate figure name {n!r}" for n in sorted(set(names)) if names.count(n) > 1]
    for spec in specs:
        if not spec.alt.strip():
            problems.append(f"figure {spec.name!r} has no alt text")
        if not spec.caption.strip():
            problems.append(f"figure {spec.name!r} has no caption")
    if problems:
        raise SystemExit(f"{module.__name__}: " + "; ".join(problems))
    return [{"name": s.name, "alt": s.alt, "caption": s.caption} for s in specs]


def draw(module_name: str, out: Path) -> list[dict[str, str]]:
    """Write the module's figures and their manifest into `out`; return the manifest."""
    from qa.viz import to_svg

    module = importlib.import_module(module_name)
    manifest = check_specs(module)
    result = module.demonstrate(module.SEED)
    out.mkdir(parents=True, exist_ok=True)
    for spec in module.FIGURES:
        (out / f"{spec.name}.svg").write_bytes(to_svg(spec.build(result)))
    text = json.dumps(manifest, ensure_ascii=False, indent=1)
    (out / "figures.json").write_text(text + "\n", encoding="utf-8")
    return manifest


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    draw(sys.argv[1], Path(sys.argv[2]))
