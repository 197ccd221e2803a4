"""`dl500 reproduce`: the table, --json, --out, the cache, and clear errors for bad input."""

import json

import pytest

from qa.cli.main import main
from qa.experiments import NAMES
from qa.experiments.runner import CACHE_ENV

FAST = ["derivative_bounds", "latch", "normalization"]


@pytest.fixture
def cached(monkeypatch, experiment_cache, quick):
    """The CLI pointed at the session's cache, holding the quick results of FAST."""
    for name in FAST:
        quick(name)
    monkeypatch.setenv(CACHE_ENV, str(experiment_cache))
    return experiment_cache


def test_unknown_name_exits_2_and_lists_the_known_ones(capsys):
    assert main(["reproduce", "derivative_bounds", "clipp"]) == 2
    err = capsys.readouterr().err
    assert "unknown experiment 'clipp'" in err and "did you mean 'clipping'" in err
    assert all(name in err for name in NAMES)
    assert "Traceback" not in err


@pytest.mark.parametrize("args", [["--seeds", "a,b"], ["--seeds", "-1"], ["--jobs", "0"]])
def test_bad_options_exit_2(args, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["reproduce", "--quick", *args])
    assert exc.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_json_output_is_only_json(cached, capsys):
    assert main(["reproduce", *FAST, "--quick", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [d["name"] for d in data] == FAST
    for d in data:
        assert d["from_cache"] is True
        assert d["smoke"] is True and d["verdict"] is None  # too small to grade
        assert {"claim", "source", "published", "ours", "record", "config", "machine"} <= set(d)


def test_table_shows_claim_source_published_ours_verdict(cached, capsys):
    assert main(["reproduce", "latch", "--quick"]) == 0
    out = capsys.readouterr().out
    for label in ("claim", "source", "published", "ours", "verdict"):
        assert f"    {label}" in out
    assert "(cached," in out and "1 experiment(s):" in out


def test_a_quick_run_says_it_is_a_smoke_run_and_gives_no_verdict(cached, capsys):
    assert main(["reproduce", "latch", "normalization", "--quick"]) == 0
    out = capsys.readouterr().out
    assert out.count("SMOKE RUN") == 4  # each block and each summary row
    for word in ("REPRODUCED", "PARTLY"):
        assert word not in out
    assert "too small to grade" in out and "`dl500 reproduce latch` grades it" in out


def test_out_writes_figures_and_records(cached, tmp_path, capsys):
    assert main(["reproduce", "latch", "--quick", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "latch" / "success.svg").read_bytes().startswith(b"<?xml")
    record = json.loads((tmp_path / "latch" / "record.json").read_text(encoding="utf-8"))
    assert record["name"] == "latch"


def test_no_cache_leaves_the_cache_alone(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    assert main(["reproduce", "derivative_bounds", "--quick", "--no-cache", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["from_cache"] is False
    assert not (tmp_path / "cache").exists()


def test_other_seeds_are_a_new_run(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    assert main(["reproduce", "latch", "--quick", "--seeds", "40,41", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)[0]
    assert data["config"]["seeds"] == [40, 41] and data["record"]["trials"] == 2
