import importlib

import pytest

from qa import answers

_RESULTS = {}


@pytest.fixture(scope="session")
def demo_of():
    """Run a module's demonstration once per test session, as the CLI and the site do."""

    def get(module_name):
        if module_name not in _RESULTS:
            _RESULTS[module_name] = answers.run(importlib.import_module(module_name))
        return _RESULTS[module_name]

    return get
