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
import sys
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["FIELDS", "OVERRIDES", "cores", "describe", "keep_freed_memory", "summary"]

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


def cores() -> int:
    """The CPU cores this process may run on (a container's limit, not the host's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


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


# glibc's mallopt parameters (malloc.h) and the largest mmap threshold it accepts on 64 bits.
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
_MMAP_THRESHOLD_MAX = 32 * 1024 * 1024
_TRIM_THRESHOLD = 512 * 1024 * 1024


@cache
def keep_freed_memory() -> bool:
    """Make glibc's malloc keep freed memory for reuse in this process; whether it could.

    Training allocates and frees arrays of the same few megabytes at every step (a sequence's
    forward cache, its gradients). By default glibc serves such blocks with fresh `mmap`ed pages,
    or trims the heap after they are freed, so each step makes the kernel fault in zeroed pages
    again. On the project's 2-core build machine (2026-12) that was more than half the time of
    an LSTM's forward pass at T = 100 with 32 units (9.0 ms; 3.6 ms without it). Serving blocks
    up to 32 MiB from the heap, and trimming it only past 512 MiB of free memory, removes that.
    It changes where arrays live, never what is computed. Elsewhere than on glibc (macOS, musl)
    nothing is done.

    The processes that train call this once: the experiments' workers, the figure drawing and
    the command line.
    """
    if not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc":
        return False
    import ctypes  # here: the quiz's start-up imports this module and needs none of it

    try:
        mallopt = ctypes.CDLL(None).mallopt  # the process's own C library
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return bool(
        mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD_MAX)
        and mallopt(_M_TRIM_THRESHOLD, _TRIM_THRESHOLD)
    )
