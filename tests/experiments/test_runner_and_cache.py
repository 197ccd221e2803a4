"""The runner: results cached by a hash of the code and config, written atomically, read back
exactly; and results that do not depend on how many processes ran them."""

import dataclasses
import json

import pytest

from qa.experiments import NAMES, UnknownExperimentError, load
from qa.experiments.base import config_dict, map_units
from qa.experiments.runner import CACHE_ENV, cache_dir, cache_key, run_experiment, source_files

CHEAP = "derivative_bounds"


def test_first_run_misses_then_hits(tmp_path):
    first = run_experiment(CHEAP, quick=True, cache=tmp_path)
    second = run_experiment(CHEAP, quick=True, cache=tmp_path)
    assert not first.from_cache and second.from_cache
    assert second.record == first.record and second.verdict == first.verdict
    assert [p.name for p in tmp_path.iterdir()] == [f"{CHEAP}-{first.key[:24]}.json"]


def test_force_reruns_and_no_cache_stores_nothing(tmp_path):
    run_experiment(CHEAP, quick=True, cache=tmp_path)
    assert not run_experiment(CHEAP, quick=True, cache=tmp_path, force=True).from_cache
    other = tmp_path / "other"
    assert not run_experiment(CHEAP, quick=True, cache=other, use_cache=False).from_cache
    assert not other.exists()


def test_another_config_is_another_entry(tmp_path):
    module = load(CHEAP)
    a = run_experiment(CHEAP, quick=True, cache=tmp_path)
    b = run_experiment(
        CHEAP, config=dataclasses.replace(module.QUICK, seeds=(5, 6)), cache=tmp_path
    )
    assert a.key != b.key and not b.from_cache
    assert len(list(tmp_path.glob("*.json"))) == 2


def test_a_corrupt_or_foreign_entry_is_run_again(tmp_path):
    a = run_experiment(CHEAP, quick=True, cache=tmp_path)
    entry = tmp_path / f"{CHEAP}-{a.key[:24]}.json"
    entry.write_text("{not json", encoding="utf-8")
    assert not run_experiment(CHEAP, quick=True, cache=tmp_path).from_cache
    data = json.loads(entry.read_text(encoding="utf-8"))
    data["key"] = "0" * 64  # a prefix collision must not be mistaken for a hit
    entry.write_text(json.dumps(data), encoding="utf-8")
    assert not run_experiment(CHEAP, quick=True, cache=tmp_path).from_cache


def test_writes_leave_no_temporary_files(tmp_path):
    run_experiment(CHEAP, quick=True, cache=tmp_path)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_key_covers_the_module_the_core_and_the_config():
    module = load("latch")
    labels = list(source_files(module))
    assert "qa/experiments/latch.py" in labels and "qa/experiments/base.py" in labels
    assert "qa/core/rnn.py" in labels
    assert "qa/site/report.py" not in labels  # presentation does not change results
    other = dataclasses.replace(module.QUICK, epochs=module.QUICK.epochs + 1)
    assert cache_key(module, module.QUICK) != cache_key(module, other)
    assert cache_key(module, module.QUICK) == cache_key(module, dataclasses.replace(module.QUICK))


def test_cache_directory_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "here"))
    assert cache_dir() == (tmp_path / "here").resolve()


def test_unknown_experiment_names_the_known_ones():
    with pytest.raises(
        UnknownExperimentError, match=r"did you mean 'cliff'.*known: derivative_bounds"
    ):
        load("clif")


@pytest.mark.parametrize("name", NAMES)
def test_configs_are_explicit_frozen_and_seeded(name):
    module = load(name)
    for config in (module.QUICK, module.FULL):
        assert dataclasses.is_dataclass(config)
        with pytest.raises(dataclasses.FrozenInstanceError):
            config.seeds = ()  # type: ignore[misc]
        assert config_dict(config)["seeds"]
    assert module.QUICK != module.FULL


def _square(x, progress=None):
    return x * x


def _blas_threads(_, progress=None):
    from threadpoolctl import threadpool_info

    return {i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"}


def test_worker_processes_use_one_blas_thread():
    # Two processes with two spinning BLAS threads each would fight over two cores.
    assert map_units(_blas_threads, [0, 1], jobs=2) == [{1}, {1}]


def test_results_do_not_depend_on_the_number_of_processes():
    assert (
        map_units(_square, [1, 2, 3], jobs=2) == map_units(_square, [1, 2, 3], jobs=1) == [1, 4, 9]
    )
    module = load("vanishing_at_init")
    config = dataclasses.replace(module.QUICK, seeds=(0, 1), seq_len=30)
    serial, parallel = module.run(config, jobs=1), module.run(config, jobs=2)
    assert serial == parallel


def test_progress_reaches_one(tmp_path):
    seen = []
    run_experiment("latch", quick=True, cache=tmp_path, progress=seen.append)
    assert seen and seen[-1] == pytest.approx(1.0) and seen == sorted(seen)


def test_cached_reads_a_result_without_running_anything(tmp_path):
    from qa.experiments.runner import cached

    assert cached(CHEAP, load(CHEAP).QUICK, cache=tmp_path) is None
    ran = run_experiment(CHEAP, quick=True, cache=tmp_path)
    again = cached(CHEAP, load(CHEAP).QUICK, cache=tmp_path)
    assert again.from_cache and again.record == ran.record and again.verdict is None
