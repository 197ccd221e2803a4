"""Shared fixtures. Figures are drawn off-screen; every test gets a fresh seeded generator."""

import os

import numpy as np
import pytest

os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture
def rng():
    return np.random.default_rng(20261127)
