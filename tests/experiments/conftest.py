"""Every experiment's quick run, once per test session, through the real runner and cache."""

import dataclasses

import pytest

from qa.experiments import NAMES
from qa.experiments.runner import run_experiment

# The heavier quick runs spread their independent trainings over two processes.
JOBS = {"clipping": 2, "adding": 2, "cnn_vs_rnn": 2, "copy_memory": 2}


@pytest.fixture(scope="session")
def experiment_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("experiment-cache")


@pytest.fixture(scope="session")
def quick(experiment_cache):
    """name -> Outcome of the quick run (run on first use)."""
    outcomes = {}

    def get(name):
        if name not in outcomes:
            outcomes[name] = run_experiment(
                name, quick=True, cache=experiment_cache, jobs=JOBS.get(name, 1)
            )
        return outcomes[name]

    return get


@pytest.fixture(scope="session")
def all_quick(quick):
    return [quick(name) for name in NAMES]


@pytest.fixture(scope="session")
def all_graded(all_quick):
    """The quick outcomes with the verdict their module gives their record, as a full run has.

    For tests of what is done with verdicts (the report, the CLI's table); a quick run itself is
    a smoke run and gets none."""
    return [dataclasses.replace(o, verdict=o.module.verdict(o.record)) for o in all_quick]
