"""One runnable answer module per question, each beside a data file and a page.

For a question with slug `<slug>` (see `qa.questions`):

- `qa/answers/<slug>.py` — the code. It defines
    - `SEED`, the seed its figures are made with;
    - `demonstrate(seed=SEED, *, progress=None)`, a pure function that runs the demonstration
      and returns its data (it never prints or plots; `progress`, if given, is called with the
      fraction done);
    - `summarize(result) -> str`, the plain-text report that `dl500 run` prints;
    - `FIGURES`, a tuple of `FigureSpec`: each builds a `matplotlib.figure.Figure` from the
      result of `demonstrate`, with its alt text and caption;
    - `main(argv=None) -> int`, so that `python -m qa.answers.<slug>` works like `dl500 run`.
- `qa/answers/<slug>.toml` — the data: `interview_answer` (Markdown) and the self-check
  `cards` that the page and the quiz share.
- `docs/answers/<slug>.md` — the page.

This package imports only the standard library; answer modules import NumPy themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["FigureSpec"]


@dataclass(frozen=True, kw_only=True)
class FigureSpec:
    """A figure an answer module can draw from its demonstration's result.

    Attributes:
        name: File stem of the figure, e.g. `"hidden-states"`; unique within the module.
        build: Function taking the result of `demonstrate` and returning a Figure.
        alt: Alternative text: what the figure shows, for someone who cannot see it.
        caption: One or two sentences shown under the figure.
    """

    name: str
    build: Callable[[Any], Figure]
    alt: str
    caption: str
