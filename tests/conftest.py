"""Shared fixtures. Figures are drawn off-screen; every test gets a fresh seeded generator."""

import os

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from qa.machine import keep_freed_memory

os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(scope="session", autouse=True)
def _single_threaded_blas():
    """Tests multiply small matrices, for which BLAS threads only add contention.

    The allocator keeps freed memory, as in every process of the project that trains.
    """
    keep_freed_memory()
    with threadpool_limits(1):
        yield


@pytest.fixture
def rng():
    return np.random.default_rng(20261127)
