"""Scaled-down reproductions of the published results behind the answers of chapter 6.

Each experiment turns one claim of the answers into a run of a few seconds to a minute on a
2-core machine, compares its outcome with the published result, and grades it: reproduced,
partly, or not. One module per experiment, in the order of `NAMES`; each defines

- `TITLE`, `CLAIM` (one sentence with its citation), `SOURCE`, `PUBLISHED` (the published
  result, with how it was verified), `PUBLISHED_SHORT` (the same in a few words) and
  `QUESTIONS` (the ids of the answers that rely on it);
- `Config`, a frozen dataclass with every size and the seeds, and two instances `QUICK` (what
  the tests run) and `FULL` (what `dl500 reproduce` and the site run);
- `run(config, *, progress=None, jobs=1) -> dict`, a record of plain numbers and lists (JSON);
- `summary(record) -> str`, our numbers in a line, and `headline(record) -> str`, in a few words;
- `verdict(record) -> Verdict`, computed from the record against criteria written in the module;
- `FIGURES`, a tuple of `qa.answers.FigureSpec` built from the record.

`qa.experiments.runner` runs them with a cache keyed by the code that produced them;
`dl500 reproduce` is the command line (`qa.cli.reproduce`) and `qa.site.report` renders
the site's reproducibility report.

This package imports only the standard library; the experiment modules import NumPy.

Examples:
    >>> NAMES[:3]
    ('derivative_bounds', 'jacobian_bound', 'latch')
    >>> closest("adding_problem")
    'adding'
"""

from __future__ import annotations

import difflib
import importlib
from types import ModuleType

__all__ = ["NAMES", "UnknownExperimentError", "closest", "load"]

#: The experiments, in the order of the issue that asked for them (and of the report).
NAMES = (
    "derivative_bounds",
    "jacobian_bound",
    "latch",
    "cliff",
    "clipping",
    "vanishing_at_init",
    "adding",
    "cnn_vs_rnn",
    "copy_memory",
    "normalization",
)


class UnknownExperimentError(LookupError):
    """An experiment name that is not in `NAMES`; the message lists them."""


def closest(name: str) -> str | None:
    """The known experiment name most like `name`, or None if none is close."""
    lowered = name.strip().lower().replace("-", "_")
    for known in NAMES:
        if known.startswith(lowered) or lowered.startswith(known):
            return known
    match = difflib.get_close_matches(lowered, NAMES, n=1, cutoff=0.5)
    return match[0] if match else None


def load(name: str) -> ModuleType:
    """Import the module of an experiment.

    Raises:
        UnknownExperimentError: Naming the known experiments and the closest match.
    """
    if name not in NAMES:
        hint = closest(name)
        suggestion = f" (did you mean {hint!r}?)" if hint else ""
        raise UnknownExperimentError(
            f"unknown experiment {name!r}{suggestion}; known: {', '.join(NAMES)}"
        )
    return importlib.import_module(f"qa.experiments.{name}")
