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


@pytest.fixture(autouse=True)
def _english_unless_asked(monkeypatch):
    """Every test starts in English, whatever the machine's locale; a test that wants Chinese
    says so (`--lang zh`, or its own `LANG`)."""
    from qa.i18n import set_language

    for name in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    set_language("en")
    yield
    set_language("en")


@pytest.fixture
def rng():
    return np.random.default_rng(20261127)
