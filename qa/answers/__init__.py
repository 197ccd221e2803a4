"""One runnable answer module per question, each beside a data file and a page.

For a question with slug `<slug>` (see `qa.questions`):

- `qa/answers/<slug>.py` — the code. It defines
    - `SEED`, the seed its figures are made with;
    - `demonstrate(seed=SEED, *, progress=None)`, a pure function that runs the demonstration
      and returns its data (it never prints or plots; `progress`, if given, is called with the
      fraction done);
    - `numbers(result) -> dict[str, qa.numbers.Number]`, every measured number that the page,
      a caption or an alt text quotes, by name (`{{ run.NAME }}` in their text);
    - `summarize(result) -> str`, the plain-text report that `dl500 run` prints (it prints the
      quoted numbers through `numbers`, so that the terminal and the page agree);
    - `FIGURES`, a tuple of `qa.viz.FigureSpec`: each builds a `matplotlib.figure.Figure` from
      the result of `demonstrate`, with its alt text and caption.

  It is library code: it has no `main`; `dl500 run ID` runs any answer.
- `qa/answers/<slug>.toml` — the data: `interview_answer` (Markdown) and the self-check
  `cards` that the page and the quiz share.
- `docs/answers/<slug>.md` — the page.

`run(module)` runs a demonstration the one way the CLI, the site build and the tests all run it:
with one BLAS thread, so that the numbers a page shows are those `dl500 run` prints on the same
machine.

This package imports only the standard library; answer modules import NumPy themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

__all__ = ["run"]


def run(
    module: ModuleType, seed: int | None = None, *, progress: Callable[[float], None] | None = None
) -> Any:
    """`module.demonstrate(seed)` with one BLAS thread (the module's `SEED` by default).

    The demonstrations multiply small matrices, for which BLAS threads cost more than they save;
    and one thread everywhere means one order of summation, so the CLI, the site build and the
    tests compute the same numbers on the same machine. The process's allocator is set to keep
    freed memory (`qa.machine.keep_freed_memory`), which training needs to be fast.
    """
    from threadpoolctl import threadpool_limits

    from qa.machine import keep_freed_memory

    keep_freed_memory()

    with threadpool_limits(1):
        return module.demonstrate(module.SEED if seed is None else seed, progress=progress)
