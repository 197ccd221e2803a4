"""The process settings of `qa.machine`: they change how fast, never what is computed."""

from __future__ import annotations

import platform
import subprocess
import sys

import pytest

from qa.machine import keep_freed_memory

GLIBC = sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"

# A few training steps of an LSTM, printed to the last bit.
TRAIN = """
import sys
import numpy as np
from threadpoolctl import threadpool_limits
from qa.experiments.training import RunSpec, train_adding
if sys.argv[1] == "keep":
    from qa.machine import keep_freed_memory
    assert keep_freed_memory()
with threadpool_limits(1):
    run = train_adding(RunSpec(model="lstm", seed=3, seq_len=40, hidden=16, steps=30, test_size=64))
print(repr(run["test_mse"]), [float(x).hex() for x in run["loss"]])
"""


@pytest.mark.skipif(not GLIBC, reason="the allocator setting exists on glibc only")
def test_keep_freed_memory_applies_on_glibc():
    assert keep_freed_memory() is True


@pytest.mark.skipif(not GLIBC, reason="the allocator setting exists on glibc only")
def test_keeping_freed_memory_leaves_every_bit_of_a_training_run_unchanged():
    def run(mode: str) -> str:
        proc = subprocess.run(
            [sys.executable, "-c", TRAIN, mode], capture_output=True, text=True, check=True
        )
        return proc.stdout

    assert run("keep") == run("default")
