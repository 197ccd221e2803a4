"""Draw one answer module's figures into a directory, in a process of its own.

Usage:
    python -m qa.site.draw MODULE OUT_DIR

Runs the demonstration once (`qa.answers.run`: `MODULE.demonstrate(MODULE.SEED)` with one BLAS
thread, as `dl500 run` does), builds each `FigureSpec` of `MODULE.FIGURES` from the result and
writes `OUT_DIR/<name>.svg` (deterministic bytes, `qa.viz.to_svg`) and its Chinese copy
`OUT_DIR/zh/<name>.svg` (the same figure, its words replaced from the data file's
`[figure_words_zh]`), then `OUT_DIR/figures.json`: the figures (name, alt text, caption and the
texts drawn in each language, in FIGURES order, their `{{ run.NAME }}` markers still
unfilled), the numbers the page may quote (`MODULE.numbers(result)`), the seed, and the machine
that computed them (`qa.machine.describe`).

`qa.site.figures` runs this in a fresh process per module: the build then always runs the code
as it is on disk (also under `mkdocs serve`, whose process keeps modules imported), modules
cannot leak state into one another, and several modules can be drawn at once.
"""

from __future__ import annotations

import importlib
import json
import sys
import tomllib
from pathlib import Path
from typing import Any

__all__ = ["check_specs", "draw", "figure_words_zh"]


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
    if not callable(getattr(module, "numbers", None)):
        problems.append("no numbers(result) (see qa.answers)")
    if problems:
        raise SystemExit(f"{module.__name__}: " + "; ".join(problems))
    return [{"name": s.name, "alt": s.alt, "caption": s.caption} for s in specs]


def figure_words_zh(module: Any) -> dict[str, str]:
    """The `[figure_words_zh]` table of the module's data file: English words -> Chinese."""
    path = Path(module.__file__).with_suffix(".toml")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    words = data.get("figure_words_zh", {})
    if not isinstance(words, dict) or not all(isinstance(v, str) for v in words.values()):
        raise SystemExit(f"{path.name}: [figure_words_zh] must map strings to strings")
    return words


def draw(module_name: str, out: Path) -> dict[str, Any]:
    """Write the module's figures and their manifest into `out`; return the manifest."""
    from threadpoolctl import threadpool_limits

    from qa import answers
    from qa.machine import describe
    from qa.viz import figure_texts, to_svg, translate_figure

    module = importlib.import_module(module_name)
    figures = check_specs(module)
    words = figure_words_zh(module)
    result = answers.run(module)
    (out / "zh").mkdir(parents=True, exist_ok=True)
    for spec, entry in zip(module.FIGURES, figures, strict=True):
        fig = spec.build(result)
        (out / f"{spec.name}.svg").write_bytes(to_svg(fig))
        entry["texts"] = figure_texts(fig)
        # The Chinese copy is the same figure with other words: nothing is computed again.
        translate_figure(fig, words)
        (out / "zh" / f"{spec.name}.svg").write_bytes(to_svg(fig, cjk=True))
        entry["texts_zh"] = figure_texts(fig)  # after drawing: tick labels are made then
    with threadpool_limits(1):  # the machine as the demonstration ran on it
        machine = describe()
    manifest = {
        "figures": figures,
        "numbers": {name: n.to_dict() for name, n in module.numbers(result).items()},
        "seed": module.SEED,
        "machine": machine,
    }
    text = json.dumps(manifest, ensure_ascii=False, indent=1, allow_nan=False)
    (out / "figures.json").write_text(text + "\n", encoding="utf-8")
    return manifest


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    draw(sys.argv[1], Path(sys.argv[2]))
