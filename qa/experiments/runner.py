"""Running experiments, with results cached by a hash of the code that produced them.

A result is stored as JSON under the cache directory (`.cache/experiments/` in a source
checkout, else the user cache directory; `$DL500_EXPERIMENT_CACHE` overrides both), in a file
named after the experiment and its key. The key is `qa.cache.key`: the code of the experiment's
module and of every project module it imports, the configuration, and the NumPy and Python
versions. Change any of them and the experiment runs again; change nothing (or only prose) and
it is read back. Writes are atomic (`qa.cache.atomic_write`), so an interrupted run never leaves
a half-written result.

Examples:
    >>> from qa.experiments import derivative_bounds as exp
    >>> len(cache_key(exp, exp.QUICK))
    64
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from qa import cache as results_cache
from qa.experiments import load
from qa.experiments.base import Verdict, config_dict

__all__ = [
    "CACHE_ENV",
    "Outcome",
    "cache_dir",
    "cache_key",
    "cached",
    "is_smoke",
    "run_experiment",
    "source_files",
]

CACHE_ENV = "DL500_EXPERIMENT_CACHE"
KEY_VERSION = "dl500-experiments-3"  # bump when the record format changes


@dataclass(frozen=True)
class Outcome:
    """One experiment's result, where it came from and how it was graded."""

    name: str
    module: ModuleType
    config: Any
    record: dict[str, Any]
    verdict: Verdict | None  # None for a smoke run (`is_smoke`): no verdict at that size
    from_cache: bool
    seconds: float  # time the run took when it was made (also for a cached result)
    key: str
    machine: dict[str, Any] = field(default_factory=dict)  # qa.machine.describe() of the run

    def to_dict(self) -> dict[str, Any]:
        """Plain data for `dl500 reproduce --json` and the report."""
        m = self.module
        return {
            "name": self.name,
            "title": m.TITLE,
            "claim": m.CLAIM,
            "source": m.SOURCE,
            "published": m.PUBLISHED,
            "published_short": m.PUBLISHED_SHORT,
            "ours": m.summary(self.record),
            "headline": m.headline(self.record),
            "verdict": None if self.verdict is None else self.verdict.to_dict(),
            "smoke": self.verdict is None,
            "from_cache": self.from_cache,
            "seconds": round(self.seconds, 2),
            "key": self.key,
            "config": config_dict(self.config),
            "machine": self.machine,
            "record": self.record,
        }


def _project_root() -> Path | None:
    import qa

    root = Path(qa.__file__).resolve().parent.parent
    return root if (root / "pyproject.toml").is_file() else None


def cache_dir() -> Path:
    """Where results are kept: `$DL500_EXPERIMENT_CACHE`, else `.cache/experiments/`."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env).expanduser().resolve()
    root = _project_root()
    if root is not None:
        return root / ".cache" / "experiments"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("dl500-rnn")) / "experiments"


def source_files(module: ModuleType) -> dict[str, Path]:
    """The source files an experiment's results depend on (`qa.cache.dependencies`)."""
    return results_cache.dependencies([module.__name__])


def cache_key(module: ModuleType, config: Any) -> str:
    """Hex SHA-256 of the code, configuration and library versions behind a result."""
    return results_cache.key(
        [module.__name__], params=config_dict(config), libraries=("numpy",), salt=KEY_VERSION
    )


def _entry(cache: Path, name: str, key: str) -> Path:
    return cache / f"{name}-{key[:24]}.json"


def _read(path: Path, key: str) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("key") == key else None


def _write(path: Path, data: dict[str, Any]) -> None:
    results_cache.atomic_write(path, json.dumps(data, allow_nan=False))
    if data["variant"] == "custom":
        return
    # Older results of the same experiment and variant can never be read again: remove them.
    for old in path.parent.glob(f"{data['name']}-*.json"):
        if old != path and old.stem[len(data["name"]) + 1 :].isalnum():
            try:
                if json.loads(old.read_text(encoding="utf-8")).get("variant") == data["variant"]:
                    old.unlink()
            except (OSError, ValueError):
                pass


def is_smoke(module: ModuleType, config: Any) -> bool:
    """Whether `config` is the experiment's quick size (whatever its seeds): a smoke run.

    A quick run checks that the code runs and its record is well formed, in seconds. It is too
    small to decide anything: its outcome depends on the seeds and, through rounding, on the
    machine, so it gets no verdict. Verdicts are given at the full size only.

    Examples:
        >>> from dataclasses import replace
        >>> from qa.experiments import latch
        >>> is_smoke(latch, replace(latch.QUICK, seeds=(7, 8))), is_smoke(latch, latch.FULL)
        (True, False)
    """
    from dataclasses import replace

    return replace(config, seeds=module.QUICK.seeds) == module.QUICK


def cached(name: str, config: Any = None, *, cache: Path | None = None) -> Outcome | None:
    """The cached result of an experiment (its full size by default), or None: nothing runs."""
    module = load(name)
    config = module.FULL if config is None else config
    key = cache_key(module, config)
    data = _read(_entry(cache or cache_dir(), name, key), key)
    if data is None:
        return None
    verdict = None if is_smoke(module, config) else module.verdict(data["record"])
    return Outcome(
        name, module, config, data["record"], verdict, True, float(data.get("seconds", 0.0)),
        key, data.get("machine") or {},
    )  # fmt: skip


def run_experiment(
    name: str,
    *,
    quick: bool = False,
    config: Any = None,
    use_cache: bool = True,
    force: bool = False,
    jobs: int = 1,
    progress: Callable[[float], None] | None = None,
    cache: Path | None = None,
) -> Outcome:
    """Run one experiment (or read its cached result) and grade it.

    Args:
        name: One of `qa.experiments.NAMES`.
        quick: Use the module's `QUICK` config instead of `FULL` (when `config` is None).
        config: An explicit config (e.g. `dataclasses.replace(module.FULL, seeds=(7, 8))`).
        use_cache: Read and write the cache. False: run, and store nothing.
        force: Run even if a cached result exists, and overwrite it.
        jobs: Processes to spread independent runs over (results do not depend on it).
        progress: Called with the fraction done.
        cache: Cache directory (default `cache_dir()`).

    Returns:
        An `Outcome`.

    Raises:
        qa.experiments.UnknownExperimentError: For a name not in `NAMES`.
    """
    module = load(name)
    if config is None:
        config = module.QUICK if quick else module.FULL
    key = cache_key(module, config)
    path = _entry(cache or cache_dir(), name, key)
    graded = not is_smoke(module, config)
    if use_cache and not force and (hit := cached(name, config, cache=cache)) is not None:
        return hit

    from threadpoolctl import threadpool_limits

    from qa.machine import describe, keep_freed_memory

    keep_freed_memory()  # in this process, for `jobs == 1`; each worker does it too
    started = time.perf_counter()
    # Small matrices: one BLAS thread is several times faster than two fighting over 2 cores.
    with threadpool_limits(1):
        machine = describe()
        record = module.run(config, progress=progress, jobs=jobs)
    if progress is not None:
        progress(1.0)
    seconds = time.perf_counter() - started
    # Through JSON and back: a fresh record is then exactly what the cache would give, and a
    # value JSON cannot hold (a NumPy scalar, NaN) fails here rather than in a later reader.
    record = json.loads(json.dumps(record, allow_nan=False))
    if use_cache:
        variant = {module.QUICK: "quick", module.FULL: "full"}.get(config, "custom")
        data = {
            "key": key,
            "name": name,
            "variant": variant,
            "seconds": seconds,
            "config": config_dict(config),
            "machine": machine,
            "record": record,
        }
        _write(path, data)
    verdict = module.verdict(record) if graded else None
    return Outcome(name, module, config, record, verdict, False, seconds, key, machine)
