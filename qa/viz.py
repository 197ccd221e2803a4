"""House style for figures: built without pyplot, saved as deterministic SVG.

Figures are made with the `matplotlib.figure.Figure` constructor (no global pyplot state, no
leaks in a long build) and saved with no date and a fixed hash salt, so that two builds of the
same figure give byte-identical files.

Examples:
    >>> fig, ax = new_figure()
    >>> _ = ax.plot([0, 1], [0, 1])
    >>> svg = to_svg(fig)
    >>> svg.startswith(b"<?xml") and svg == to_svg(fig)
    True
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["COLORS", "STYLE", "FigureSpec", "new_figure", "save_svg", "to_svg"]


@dataclass(frozen=True, kw_only=True)
class FigureSpec:
    """A figure that an answer module or an experiment can draw from its result.

    Attributes:
        name: File stem of the figure, e.g. `"hidden-states"`; unique within its module.
        build: Function taking the result (a demonstration's, or an experiment's record) and
            returning a Figure.
        alt: Alternative text: what the figure shows, for someone who cannot see it.
        caption: One or two sentences shown under the figure.

    A measured number in `alt` or `caption` is never typed: it is a marker, `{{ run.NAME }}`,
    filled at build time from the numbers of the result that drew the figure (`qa.numbers`).
    """

    name: str
    build: Callable[[Any], Figure]
    alt: str
    caption: str


# Okabe–Ito palette: distinguishable with the common colour-vision deficiencies.
COLORS = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "red": "#D55E00",
    "purple": "#CC79A7",
    "sky": "#56B4E9",
    "yellow": "#F0E442",
    "black": "#000000",
    "grey": "#999999",
}

# Matplotlib is imported only when a figure is made: modules that define figures stay cheap to
# import (the quiz loads answer modules for their numeric solvers, and must start fast).
STYLE: dict[str, Any] = {
    "axes.prop_cycle": [
        COLORS[k] for k in ("blue", "orange", "green", "red", "purple", "sky", "black")
    ],
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.titlesize": "medium",
    "axes.titleweight": "bold",
    "figure.dpi": 100,
    "legend.frameon": False,
    "font.size": 10,
    "svg.fonttype": "path",  # text as paths: no dependence on the viewer's fonts
    "svg.hashsalt": "dl500-rnn",  # stable element ids across builds
}


@cache
def _rc() -> dict[str, Any]:
    import matplotlib

    return {**STYLE, "axes.prop_cycle": matplotlib.cycler(color=STYLE["axes.prop_cycle"])}


def new_figure(
    nrows: int = 1, ncols: int = 1, *, width: float = 6.4, height: float = 3.6, **kwargs: Any
) -> tuple[Figure, Any]:
    """A new figure in the house style, with its axes (as `Figure.subplots` returns them).

    Args:
        nrows: Rows of axes.
        ncols: Columns of axes.
        width: Figure width in inches.
        height: Figure height in inches.
        **kwargs: Passed to `Figure.subplots` (e.g. `sharey=True`).

    Returns:
        `(figure, axes)`; `axes` is one Axes for a 1×1 grid, else an array of Axes.
    """
    import matplotlib
    from matplotlib.figure import Figure

    with matplotlib.rc_context(_rc()):
        fig = Figure(figsize=(width, height), layout="constrained")
        axes = fig.subplots(nrows, ncols, **kwargs)
    return fig, axes


def to_svg(fig: Figure) -> bytes:
    """The figure as deterministic SVG bytes (no date, stable ids)."""
    import matplotlib

    buffer = io.BytesIO()
    with matplotlib.rc_context(_rc()):
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def save_svg(fig: Figure, path: str | os.PathLike[str]) -> Path:
    """Write the figure as deterministic SVG, atomically; returns the path written."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.write_bytes(to_svg(fig))
    tmp.replace(target)
    return target
