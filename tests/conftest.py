"""Shared fixtures. Figures are drawn off-screen; every test gets a fresh seeded generator."""

import os

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(scope="session", autouse=True)
def _single_threaded_blas():
    """Tests multiply small matrices, for which BLAS threads only add contention."""
    with threadpool_limits(1):
        yield


@pytest.fixture
def rng():
    return np.random.default_rng(20261127)
