"""Verdicts follow the criteria: a record that misses them is graded partly or not, never
reproduced; a verdict is the same for a record fresh from a run and one read back; and a quick
run, too small to grade, gets none.

The grading logic is tested on records whose criteria are set by the test (a quick run's record
with the numbers the verdict reads put in by hand), never on what a quick run happened to
produce: that depends on the seeds and, through rounding, on the machine."""

import copy
import json

import pytest

from qa.experiments import NAMES, load
from qa.experiments.base import STATUSES, Check, Verdict, grade


@pytest.mark.parametrize(
    ("checks", "status"),
    [
        ([Check("a", True, "", core=True), Check("b", True, "")], "reproduced"),
        ([Check("a", True, "", core=True), Check("b", False, "")], "partly"),
        ([Check("a", False, "", core=True), Check("b", True, "")], "not"),
        ([Check("a", True, ""), Check("b", False, "")], "not"),  # no core check: never partly
    ],
)
def test_grade_follows_the_core_checks(checks, status):
    assert grade(checks).status == status


def test_a_verdict_names_the_criteria_it_missed():
    v = grade(
        [Check("bound holds", True, "ok", core=True), Check("explodes", False, "no run grew")]
    )
    assert "explodes (no run grew)" in v.reason and "bound holds" not in v.reason


def test_unknown_status_is_refused():
    with pytest.raises(ValueError, match="status"):
        Verdict("probably", "")


def _set(record, path, value):
    node = record
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value


def _runs(record, value, key, **match):
    for r in record["runs"]:
        if all(r.get(k) == v for k, v in match.items()):
            r[key] = value


def _heal_clipping(record):
    """Set every number the clipping verdict reads so that each criterion is met with room.

    The quick record gives the structure (modes, seeds, runs); the spikes, gains, jumps,
    cosines and test errors are put in by hand, so the starting point does not depend on what
    the quick run happened to produce on this machine.
    """
    spike = {
        "step": 200,
        "norm": 30.0,
        "ratio": 20.0,
        "shares": {"W": 0.85, "U": 0.1, "b": 0.04, "head": 0.01},
        "gain": 50.0,
        "jump": 1.0,
        "jump_plain": 3.0,
        "jump_clipped": 1.0,
        "sat_before": 0.1,
        "sat_after": 0.1,
    }
    for r in record["runs"]:
        r["spikes"] = [
            dict(spike, step=200 + 10 * k, shares=dict(spike["shares"])) for k in range(8)
        ]
        r["typical_gain"] = 0.001
        r["head_curvature"] = 1.0
        clipped = r["mode"] == "norm"
        r["test_mse"], r["test_se"] = (0.05, 0.001) if clipped else (0.16, 0.001)
        if r["mode"] == "none":
            r["cosines"] = {
                "norm": {"median": 1.0, "min": 1.0, "max": 1.0, "n": 5},
                "value": {"median": 0.9, "min": 0.5, "max": 0.95, "n": 5},
            }
    return record


def _break_clipping_spikes(record):
    """Spikes carried by the read-out instead of the recurrence."""
    for r in record["runs"]:
        for s in r["spikes"]:
            s["shares"] = {"W": 0.05, "U": 0.0, "b": 0.05, "head": 0.9}
    return record


# Each case breaks one published criterion in a real quick record; the verdict must drop.
TAMPER = {
    "derivative_bounds": lambda r: _set(r, ("max", "sigmoid"), 0.3),
    "jacobian_bound": lambda r: [x.update(max_excess_log10=0.5) for x in r["runs"][:1]],
    "latch": lambda r: r.update(success_rate=list(reversed(r["success_rate"]))),
    "cliff": lambda r: r.update(grid_median_grad=r["grid_median_grad"] * 1e6),
    "clipping": lambda r: _break_clipping_spikes(_heal_clipping(r)),
    "vanishing_at_init": lambda r: _runs(r, 0.5, "ratio", model="tanh"),
    "adding": lambda r: _runs(r, 0.16, "test_mse", model="lstm"),
    "cnn_vs_rnn": lambda r: [x.update(test_mse=0.0, test_se=0.0) for x in r["runs"]],
    "copy_memory": lambda r: [b.update(rel_error=1e-3) for b in r["baseline"]],
    "normalization": lambda r: [row.update(quadrature=1.0) for row in r["tanh"]],
}


def test_every_experiment_has_a_tampering_case():
    assert set(TAMPER) == set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_a_record_that_misses_a_core_criterion_is_not_reproduced(name, quick):
    module = load(name)
    record = copy.deepcopy(quick(name).record)
    TAMPER[name](record)
    assert module.verdict(record).status == "not"


@pytest.mark.parametrize("name", NAMES)
def test_verdict_is_well_formed_and_stable_through_json(name, quick):
    outcome = quick(name)
    v = outcome.module.verdict(outcome.record)
    assert v.status in STATUSES and v.reason and v.checks
    assert any(c.core for c in v.checks)
    again = json.loads(json.dumps(outcome.record, allow_nan=False))
    assert outcome.module.verdict(again) == v


@pytest.mark.parametrize("name", NAMES)
def test_a_quick_run_is_a_smoke_run_without_a_verdict(name, quick):
    outcome = quick(name)
    assert outcome.verdict is None
    assert outcome.to_dict()["smoke"] is True and outcome.to_dict()["verdict"] is None


def test_a_missed_side_criterion_gives_partly_not_reproduced(quick):
    # cliff: the wall is there (core) but suppose clipping had not helped (side criterion).
    module = load("cliff")
    record = copy.deepcopy(quick("cliff").record)
    clipped = record["descent"]["clipped"]
    clipped["final_loss"] = [1.0] * len(clipped["final_loss"])
    v = module.verdict(record)
    assert v.status == "partly" and "clipped runs end lower" in v.reason


def test_a_known_non_reproduction_is_reported_not_hidden(quick):
    # Cooijmans et al.'s Fig. 1(a) does not reproduce in our set-up: the verdict must say so.
    v = load("normalization").verdict(quick("normalization").record)
    assert v.status == "partly"
    assert "did not reproduce" in v.reason
    assert not next(c for c in v.checks if "Fig. 1(a)" in c.name).passed


def _set_runs(record, mode, **values):
    for r in record["runs"]:
        if r["mode"] == mode:
            r.update(values)


def _set_spikes(record, mode, **values):
    for r in record["runs"]:
        if r["mode"] == mode:
            for s in r["spikes"]:
                s.update(values)


CLIPPING_BREAKS = {
    # core: the verdict must be "not"
    "the read-out is stable": (lambda r: _set_runs(r, "norm", head_curvature=3.0), "not"),
    "the gradient spikes": (lambda r: [x.update(spikes=[]) for x in r["runs"]], "not"),
    "the spikes come through the recurrence": (_break_clipping_spikes, "not"),
    "they grow through the Jacobian product": (
        lambda r: [_set_spikes(r, mode, gain=0.0) for mode in ("none", "norm")],
        "not",
    ),
    "a plain step at a spike throws the parameters onto a higher loss": (
        lambda r: [_set_spikes(r, mode, jump_plain=1.0) for mode in ("none", "norm")],
        "not",
    ),
    "norm clipping keeps the direction": (
        lambda r: [x["cosines"]["norm"].update(min=0.5) for x in r["runs"] if x["mode"] == "none"],
        "not",
    ),
    # side: the verdict must be "partly", naming the criterion
    "value clipping to the same length turns the gradient": (
        lambda r: [x["cosines"]["value"].update(min=1.0) for x in r["runs"] if x["mode"] == "none"],
        "partly",
    ),
    "clipping makes training succeed where it fails without": (
        lambda r: _set_runs(r, "norm", test_mse=0.16),
        "partly",
    ),
}


def test_the_healed_clipping_record_meets_every_criterion(quick):
    v = load("clipping").verdict(_heal_clipping(copy.deepcopy(quick("clipping").record)))
    assert v.status == "reproduced", v.reason
    assert all(c.passed for c in v.checks)


def test_the_paired_criterion_reads_the_same_spikes_in_both_modes(quick):
    # Spikes of the clipped runs count too: with none in the unclipped runs, the paired
    # comparison still decides on the clipped runs' spikes.
    record = _heal_clipping(copy.deepcopy(quick("clipping").record))
    _set_runs(record, "none", spikes=[])
    v = load("clipping").verdict(record)
    assert v.status == "reproduced", v.reason


@pytest.mark.parametrize("criterion", CLIPPING_BREAKS)
def test_clipping_verdict_drops_when_a_criterion_is_broken(criterion, quick):
    record = _heal_clipping(copy.deepcopy(quick("clipping").record))
    breaks, status = CLIPPING_BREAKS[criterion]
    breaks(record)
    v = load("clipping").verdict(record)
    assert v.status == status
    assert criterion in v.reason
