import importlib

import pytest

_RESULTS = {}


@pytest.fixture(scope="session")
def demo_of():
    """Run a module's demonstration once per test session (they take seconds each)."""

    def get(module_name):
        if module_name not in _RESULTS:
            module = importlib.import_module(module_name)
            _RESULTS[module_name] = module.demonstrate(module.SEED)
        return _RESULTS[module_name]

    return get
