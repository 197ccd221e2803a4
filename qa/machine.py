"""Which machine computed a result: CPU, Python, NumPy, the BLAS and the kernel it ran.

Floating-point results depend on the CPU, on the BLAS kernel (OpenBLAS picks one for the CPU,
or takes `OPENBLAS_CORETYPE`), on the SIMD code NumPy dispatches to (`NPY_DISABLE_CPU_FEATURES`
turns some off) and on the number of threads. The site states, beside every number it renders
from a run and on the reproducibility report, the machine that computed it; caches record it
with each result.

This module imports NumPy and threadpoolctl only inside `describe`.

Examples:
    >>> m = describe()
    >>> sorted(m) == sorted(FIELDS) and m["python"].count(".") == 2
    True
    >>> summary({"cpu": "AMD EPYC", "arch": "x86_64", "python": "3.11.7", "numpy": "2.4.6",
    ...          "blas": "OpenBLAS 0.3.31", "kernel": "SkylakeX", "threads": 1, "settings": ""})
    'AMD EPYC (x86_64), Python 3.11.7, NumPy 2.4.6, OpenBLAS 0.3.31 (SkylakeX kernel, 1 thread)'
"""

from __future__ import annotations

import os
import platform
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["FIELDS", "OVERRIDES", "describe", "summary"]

FIELDS = ("cpu", "arch", "python", "numpy", "blas", "kernel", "threads", "settings")

#: Environment variables that change which code computes a float, recorded when set. (Thread
#: counts are recorded as `threads`, the limit in force, whatever set it.)
OVERRIDES = ("OPENBLAS_CORETYPE", "MKL_ENABLE_INSTRUCTIONS", "NPY_DISABLE_CPU_FEATURES")


@cache
def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").split("\n"):
            key, _, value = line.partition(":")
            if key.strip() in ("model name", "Hardware", "cpu model") and value.strip():
                return " ".join(value.split())
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def describe() -> dict[str, Any]:
    """The machine as this process computes: a dict with the keys of `FIELDS`.

    `threads` is the BLAS's current thread limit (1 inside `threadpool_limits(1)`); `settings`
    lists the `OVERRIDES` that are set, e.g. `"OPENBLAS_CORETYPE=Prescott"`.
    """
    import numpy as np
    from threadpoolctl import threadpool_info

    blas = next((i for i in threadpool_info() if i.get("user_api") == "blas"), {})
    name = {"openblas": "OpenBLAS", "mkl": "MKL", "blis": "BLIS"}.get(
        blas.get("internal_api", ""), blas.get("internal_api", "unknown BLAS")
    )
    version = blas.get("version") or ""
    # OpenBLAS reports e.g. "0.3.31.188.0" for SciPy's build of 0.3.31: keep the release.
    release = ".".join(version.split(".")[:3]) if version else ""
    return {
        "cpu": _cpu(),
        "arch": platform.machine() or "unknown",
        "python": platform.python_version(),
        "numpy": np.__version__,
        "blas": f"{name} {release}".strip(),
        "kernel": blas.get("architecture") or "",
        "threads": int(blas.get("num_threads") or 1),
        "settings": " ".join(f"{v}={os.environ[v]}" for v in OVERRIDES if os.environ.get(v)),
    }


def summary(machine: dict[str, Any]) -> str:
    """One line naming the machine, for a page or a report."""
    threads = machine.get("threads", 1)
    kernel = machine.get("kernel")
    blas = machine.get("blas", "unknown BLAS")
    inner = ", ".join(
        filter(
            None, [f"{kernel} kernel" if kernel else "", f"{threads} thread" + "s" * (threads != 1)]
        )
    )
    text = (
        f"{machine.get('cpu', 'unknown CPU')} ({machine.get('arch', '?')}), Python "
        f"{machine.get('python', '?')}, NumPy {machine.get('numpy', '?')}, {blas} ({inner})"
    )
    if machine.get("settings"):
        text += f"; set: {machine['settings']}"
    return text
