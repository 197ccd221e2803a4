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
import logging
import os
from collections.abc import Callable, Mapping
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
        alt_zh: The alt text in Chinese (an experiment's figure; an answer's figures keep
            their Chinese in the question's data file, `[figures_zh.NAME]`).
        caption_zh: The caption in Chinese (likewise).

    A measured number in `alt` or `caption` is never typed: it is a marker, `{{ run.NAME }}`,
    filled at build time from the numbers of the result that drew the figure (`qa.numbers`).
    """

    name: str
    build: Callable[[Any], Figure]
    alt: str
    caption: str
    alt_zh: str = ""
    caption_zh: str = ""


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


def to_svg(fig: Figure, *, cjk: bool = False) -> bytes:
    """The figure as deterministic SVG bytes (no date, stable ids).

    Args:
        fig: The figure.
        cjk: Whether its text holds Chinese: glyphs missing from the Latin font then come from
            Noto Sans CJK SC (`cjk_font`); a glyph missing from both fails instead of being
            drawn as an empty box.
    """
    import warnings

    import matplotlib

    if cjk:
        from matplotlib.text import Text

        # A generic family ("sans-serif") resolves to one font; a list of named fonts falls back
        # glyph by glyph, so Latin text keeps the Latin font and looks as in the English figure.
        # Text around math ("时间步 $t$") is set by mathtext with the first font alone, so there
        # the CJK font comes first (its Latin glyphs are close to DejaVu's).
        cjk_name = _register_cjk_font()
        for artist in fig.findobj(Text):
            mixed = "$" in artist.get_text()
            artist.set_fontfamily([cjk_name] if mixed else ["DejaVu Sans", cjk_name])
    rc = _rc()
    buffer = io.BytesIO()
    missing = _GlyphLog()
    mathtext = logging.getLogger("matplotlib.mathtext")
    mathtext.addHandler(missing)
    try:
        with matplotlib.rc_context(rc), warnings.catch_warnings():
            warnings.filterwarnings("error", message=".*Glyph .* missing from font")
            fig.savefig(buffer, format="svg", metadata={"Date": None})
    finally:
        mathtext.removeHandler(missing)
    if missing.messages:  # mathtext logs a missing glyph and draws a box: fail instead
        raise ValueError("; ".join(dict.fromkeys(missing.messages)))
    return buffer.getvalue()


class _GlyphLog(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if "does not have a glyph" in (message := record.getMessage()):
            self.messages.append(message)


CJK_FONT = "NotoSansCJKsc-Regular.otf"  # SIL Open Font Licence; shipped by the mplfonts wheel


def cjk_font() -> Path:
    """The file of the CJK font the Chinese figures use (from the `mplfonts` distribution).

    Raises:
        FileNotFoundError: When mplfonts is not installed (it is in the `docs` extra).
    """
    import importlib.util

    spec = importlib.util.find_spec("mplfonts")
    for location in (spec.submodule_search_locations or []) if spec else []:
        path = Path(location) / "fonts" / CJK_FONT
        if path.is_file():
            return path
    raise FileNotFoundError(
        f"the CJK font {CJK_FONT} was not found: install the docs extra (pip install -e '.[docs]')"
    )


@cache
def _register_cjk_font() -> str:
    from matplotlib import font_manager

    path = cjk_font()
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def figure_texts(fig: Figure) -> list[str]:
    """Every non-empty text of the figure (titles, labels, ticks, legends, annotations)."""
    from matplotlib.text import Text

    texts = (t.get_text() for t in fig.findobj(Text))
    return list(dict.fromkeys(t for t in texts if t.strip()))


def translate_figure(fig: Figure, words: Mapping[str, str]) -> None:
    """Replace the figure's English words in place, for a copy in another language.

    A text equal to a key of `words` becomes its value; otherwise every key found inside the
    text is replaced, longest first (so a phrase wins over a word inside it). Numbers, curves
    and layout are untouched: the figure is the same computation with other words.

    Examples:
        >>> fig, ax = new_figure()
        >>> _ = ax.set_xlabel("time step"); _ = ax.set_title("loss, T = 100")
        >>> translate_figure(fig, {"time step": "时间步", "loss": "损失"})
        >>> ax.get_xlabel(), ax.get_title()
        ('时间步', '损失, T = 100')
    """
    from matplotlib.text import Text
    from matplotlib.ticker import FixedFormatter, FuncFormatter

    order = sorted(words, key=len, reverse=True)

    def translated(text: str) -> str:
        if text in words:
            return words[text]
        for key in order:
            if key in text:
                text = text.replace(key, words[key])
        return text

    for artist in fig.findobj(Text):
        text = artist.get_text()
        if text.strip() and (new := translated(text)) != text:
            artist.set_text(new)
    # Tick labels given as words (`set_yticks(ticks, labels)`, a function formatter) are made
    # anew from the axis's formatter at every draw, so they are translated there.
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            formatter = axis.get_major_formatter()
            if isinstance(formatter, FixedFormatter):
                formatter.seq = [translated(str(label)) for label in formatter.seq]
            elif isinstance(formatter, FuncFormatter):
                formatter.func = _translating(formatter.func, translated)


def _translating(func: Callable[..., Any], translated: Callable[[str], str]) -> Callable[..., str]:
    def call(*args: Any) -> str:
        return translated(str(func(*args)))

    return call


def save_svg(fig: Figure, path: str | os.PathLike[str]) -> Path:
    """Write the figure as deterministic SVG, atomically; returns the path written."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.write_bytes(to_svg(fig))
    tmp.replace(target)
    return target
