"""What every experiment shares: verdicts, statistics over seeds, and parallel independent runs.

A verdict is graded from named checks, each a criterion written in the experiment module and
evaluated on its record: **reproduced** if every check passes, **partly** if the checks marked
`core` pass but another does not, **not** otherwise.

Examples:
    >>> checks = [Check("bound holds", True, "max ratio 0.98", core=True),
    ...           Check("explodes above 1/γ", False, "no seed grew")]
    >>> v = grade(checks)
    >>> v.status, v.reason
    ('partly', 'Missed: explodes above 1/γ (no seed grew)')
    >>> spread([0.3, 0.1, 0.2])
    {'median': 0.2, 'min': 0.1, 'max': 0.3, 'n': 3}
"""

from __future__ import annotations

import itertools
import math
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from typing import Any

__all__ = [
    "STATUSES",
    "TRAINING_DTYPE",
    "Check",
    "Verdict",
    "cast",
    "config_dict",
    "finite",
    "grade",
    "in_language",
    "map_units",
    "module_text",
    "say_in",
    "spread",
    "thin",
]

STATUSES = ("reproduced", "partly", "not")

#: The floating type the experiments train in. Single precision, as the papers they reproduce
#: trained (Theano's and PyTorch's default on the GPU); it is about twice as fast here as double
#: (half the memory traffic, SIMD twice as wide), and a verdict must not depend on last bits
#: anyway. The engine's default stays float64: the gradient checks and the exact
#: demonstrations need it, and exact quantities (a baseline's formula) are computed in it.
TRAINING_DTYPE = "float32"

Progress = Callable[[float], None]


@dataclass(frozen=True)
class Check:
    """One criterion of a verdict.

    Attributes:
        name: The criterion, as a short sentence ("bound holds for every t").
        passed: Whether the record meets it.
        detail: The numbers it was judged on.
        core: Whether the experiment's main claim rests on it (see `grade`).
    """

    name: str
    passed: bool
    detail: str
    core: bool = False

    def __post_init__(self) -> None:
        # Criteria are often NumPy comparisons: keep a plain bool, which JSON can hold.
        object.__setattr__(self, "passed", bool(self.passed))
        object.__setattr__(self, "core", bool(self.core))


@dataclass(frozen=True)
class Verdict:
    """The outcome of comparing our numbers with the published result.

    Attributes:
        status: `"reproduced"`, `"partly"` or `"not"`.
        reason: One sentence: what failed, or that every criterion held.
        checks: The criteria and how each came out.
    """

    status: str
    reason: str
    checks: tuple[Check, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"status: expected one of {', '.join(STATUSES)}, got {self.status!r}")

    def to_dict(self) -> dict[str, Any]:
        """Plain data, for JSON."""
        return asdict(self)


#: The words of a verdict's reason, per language: all met, the list of misses, how a missed
#: check is named, the separator between misses, and between the reason and a note.
_REASON = {
    "en": ("Every criterion met", "Missed: ", "{name} ({detail})", "; ", ". "),
    "zh": ("所有判据都满足", "未满足：", "{name}（{detail}）", "；", "。"),
}


def grade(checks: Sequence[Check], *, note: str = "", lang: str = "en") -> Verdict:
    """Reproduced if all checks pass, partly if all `core` checks pass, not otherwise.

    Args:
        checks: The criteria, evaluated.
        note: Appended to the reason (e.g. why a known part does not reproduce).
        lang: The language of the reason, `"en"` or `"zh"` (the checks and the note come in
            it already); the status does not depend on it.

    Returns:
        The verdict, its reason naming the checks that failed.

    Examples:
        >>> checks = [Check("界成立", True, "", core=True), Check("爆炸", False, "无")]
        >>> grade(checks, lang="zh").reason
        '未满足：爆炸（无）'
    """
    met, missed, item, separator, before_note = _REASON[lang]
    failed = [c for c in checks if not c.passed]
    if not failed:
        status, reason = "reproduced", met
    else:
        core_ok = all(c.passed for c in checks if c.core) and any(c.core for c in checks)
        status = "partly" if core_ok else "not"
        reason = missed + separator.join(item.format(name=c.name, detail=c.detail) for c in failed)
    if note:
        reason = f"{reason}{before_note}{note}"
    return Verdict(status, reason, tuple(checks))


def say_in(lang: str) -> Callable[[Any, Any], Any]:
    """`say(english, chinese)`, which gives the text of `lang` (`"en"` or `"zh"`).

    For the text functions of an experiment (`summary`, `headline`, `verdict`): the logic is
    written once, and each text beside its Chinese.

    Examples:
        >>> say = say_in("zh")
        >>> say("median 0.5", "中位数0.5"), say_in("en")("median 0.5", "中位数0.5")
        ('中位数0.5', 'median 0.5')
    """
    if lang not in _REASON:
        raise ValueError(f"lang: expected one of {', '.join(_REASON)}, got {lang!r}")

    def say(english: Any, chinese: Any) -> Any:
        return chinese if lang == "zh" else english

    return say


def spread(values: Sequence[float]) -> dict[str, Any]:
    """Median, min, max and count of a list of per-seed numbers (non-finite values kept as None).

    Examples:
        >>> spread([1.0, float("nan")])
        {'median': 1.0, 'min': 1.0, 'max': 1.0, 'n': 2, 'non_finite': 1}
    """
    good = sorted(v for v in values if v is not None and math.isfinite(v))
    out: dict[str, Any] = {"median": None, "min": None, "max": None, "n": len(values)}
    if good:
        mid = len(good) // 2
        median = good[mid] if len(good) % 2 else (good[mid - 1] + good[mid]) / 2
        out.update(median=median, min=good[0], max=good[-1])
    if len(good) < len(values):
        out["non_finite"] = len(values) - len(good)
    return out


def finite(value: float) -> float | None:
    """`value` as a float, or None if it is not finite (JSON has no inf or NaN).

    Examples:
        >>> finite(2), finite(float("inf"))
        (2.0, None)
    """
    value = float(value)
    return value if math.isfinite(value) else None


def thin(values: Sequence[float], points: int = 200, *, how: str = "mean") -> list[float | None]:
    """A long per-step series reduced to at most `points` windows, for records and plots.

    Args:
        values: The series.
        points: Most values to keep.
        how: `"mean"` of each window, or `"max"` (keeps spikes visible).

    Examples:
        >>> thin([1.0, 3.0, 5.0, 7.0], points=2)
        [2.0, 6.0]
        >>> thin([1.0, 3.0, 5.0, 7.0], points=2, how="max")
        [3.0, 7.0]
    """
    n = len(values)
    if n <= points:
        return [finite(v) for v in values]
    edges = [round(i * n / points) for i in range(points + 1)]
    out = []
    for a, b in itertools.pairwise(edges):
        window = [float(v) for v in values[a:b]]
        out.append(finite(max(window) if how == "max" else sum(window) / len(window)))
    return out


def config_dict(config: Any) -> dict[str, Any]:
    """A config dataclass as plain data (tuples become lists), for records and cache keys.

    Examples:
        >>> from dataclasses import dataclass
        >>> @dataclass(frozen=True)
        ... class C:
        ...     seeds: tuple = (0, 1)
        >>> config_dict(C())
        {'seeds': [0, 1]}
    """
    if not is_dataclass(config):
        raise TypeError(f"config: expected a dataclass instance, got {type(config).__name__}")

    def plain(v: Any) -> Any:
        if isinstance(v, (tuple, list)):
            return [plain(x) for x in v]
        if isinstance(v, dict):
            return {str(k): plain(x) for k, x in v.items()}
        return v

    return {f.name: plain(getattr(config, f.name)) for f in fields(config)}


def cast(params: dict[str, Any], dtype: str) -> dict[str, Any]:
    """A copy of `params` with every array in `dtype` (arrays already in it are not copied).

    Examples:
        >>> import numpy as np
        >>> p = cast({"W": np.eye(2)}, "float32")
        >>> p["W"].dtype
        dtype('float32')
    """
    return {k: v.astype(dtype, copy=False) for k, v in params.items()}


# --------------------------------------------------------------------------- parallel runs


def _init_worker() -> None:
    # Each worker is one of `jobs` processes: BLAS threads would only fight over the cores (and
    # OpenBLAS's idle threads spin). A fresh spawned process has not loaded NumPy yet, so the
    # environment decides its BLAS's thread count; threadpoolctl then checks what did load.
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = "1"
    import numpy  # noqa: F401  (loads the BLAS, so that the limit below has something to hold)
    from threadpoolctl import threadpool_limits

    from qa.machine import keep_freed_memory

    keep_freed_memory()
    threadpool_limits(1)


def map_units(
    fn: Callable[..., Any],
    units: Sequence[Any],
    *,
    jobs: int = 1,
    progress: Progress | None = None,
    weights: Sequence[float] | None = None,
) -> list[Any]:
    """`[fn(u) for u in units]`, in order, in `jobs` processes; results do not depend on `jobs`.

    With `jobs == 1` everything runs here, and `fn` is called as `fn(unit, progress=sub)` with
    a callback covering its share of the bar. With more jobs, `fn` must be a module-level
    function of picklable units; workers are spawned fresh and limited to one BLAS thread.

    Args:
        fn: The work for one unit: `fn(unit, progress=None) -> result`.
        units: Independent pieces of work (e.g. one model and seed each).
        jobs: Number of processes.
        progress: Called with the overall fraction done.
        weights: Relative cost of each unit, for the progress bar (default: equal).

    Returns:
        The results, in the order of `units`.
    """
    n = len(units)
    w = [1.0] * n if weights is None else [float(x) for x in weights]
    total = sum(w) or 1.0
    starts = [sum(w[:i]) / total for i in range(n)]
    if jobs <= 1 or n <= 1:
        results = []
        for i, unit in enumerate(units):
            sub = None
            if progress is not None:
                share = w[i] / total

                def sub(frac: float, start: float = starts[i], share: float = share) -> None:
                    progress(start + share * min(max(frac, 0.0), 1.0))

            results.append(fn(unit, progress=sub))
            if progress is not None:
                progress(starts[i] + w[i] / total)
        return results

    context = multiprocessing.get_context("spawn")
    out: list[Any] = [None] * n
    done = 0.0
    with ProcessPoolExecutor(
        max_workers=min(jobs, n), mp_context=context, initializer=_init_worker
    ) as pool:
        # The costliest units first, so that the last one to finish is a short one.
        order = sorted(range(n), key=lambda i: -w[i])
        futures = {pool.submit(fn, units[i]): i for i in order}
        for future in as_completed(futures):
            i = futures[future]
            out[i] = future.result()
            done += w[i]
            if progress is not None:
                progress(done / total)
    return out


def module_text(module: Any, name: str, lang: str = "en") -> str:
    """An experiment's text constant in `lang`: `TITLE`, or `TITLE_ZH` in Chinese."""
    english = getattr(module, name)
    return english if lang == "en" else getattr(module, f"{name}_{lang.upper()}", "") or english


def in_language(function: Any, record: Any, lang: str) -> Any:
    """`summary`, `headline` or `verdict` of a record, in `lang`."""
    return function(record) if lang == "en" else function(record, lang=lang)
