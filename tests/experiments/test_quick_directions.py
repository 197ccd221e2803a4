"""Each experiment's quick (smoke) run is well formed and shows the properties that hold by
construction (bounds, exact identities) or with margins far wider than what the seeds and the
machine's rounding move. Nothing here depends on one trajectory: the quick runs are too small to
grade, and their verdicts are not asserted (see test_verdicts.py)."""

import itertools
import statistics

import numpy as np
import pytest

from qa.experiments import NAMES


def _median(values):
    return statistics.median(values)


def derivative_bounds(r):
    assert r["max"]["sigmoid"] == 0.25 and r["argmax"]["sigmoid"] == 0.0
    assert r["max"]["tanh"] == 1.0 and r["argmax"]["tanh"] == 0.0
    assert max(r["excess"].values()) <= 0 and max(r["probe_excess"].values()) <= 0


def jacobian_bound(r):
    runs = r["runs"]
    assert len({x["seed"] for x in runs}) >= 3
    assert all(x["max_excess_log10"] <= 1e-9 for x in runs)  # the bound, every run
    assert all(x["final_log10"] < -2 for x in runs if x["gain"] < 1)  # vanishing below 1/γ
    above = [x for x in runs if x["gain"] > 1]
    assert any(x["final_log10"] < -2 for x in above)  # not sufficient ...
    assert any(x["final_log10"] > 2 for x in above)  # ... but explosion needs it
    assert all(x["rel_error"] < 1e-10 for x in r["linear"])


def latch(r):
    rate = r["success_rate"]
    assert r["trials"] >= 10
    assert rate[0] >= rate[-1] + 0.5  # short spans train, long ones do not


def cliff(r):
    from qa.experiments.cliff import _wall

    wall = _wall(r)
    assert wall["ratio"] >= 1e3 and wall["drop_width"] < 0.02
    plain, clipped = r["descent"]["plain"], r["descent"]["clipped"]
    assert sum(plain["left_region"]) >= 1 and not any(clipped["left_region"])
    assert max(clipped["max_step"]) <= r["descent"]["lr"] * r["descent"]["clip"] + 1e-12


def clipping(r):
    from qa.experiments.clipping import readout_curvature_bound

    by = {m: [x for x in r["runs"] if x["mode"] == m] for m in ("none", "norm")}
    assert len(by["none"]) >= 3 and len(by["norm"]) == len(by["none"])
    # η·2(H+1) < 2 bounds the read-out's curvature on every batch: it cannot blow up.
    bound = r["lr"] * readout_curvature_bound(r["hidden"])
    assert all(0 < x["head_curvature"] <= bound < 2 for x in r["runs"])
    # Norm clipping keeps the direction of every gradient it shortens; value clipping does not.
    cosines = [x["cosines"] for x in by["none"] if x["cosines"]["norm"]["n"]]
    assert all(abs(c["norm"]["min"] - 1) < 1e-12 for c in cosines)
    assert all(c["value"]["max"] < 1 - 1e-9 for c in cosines)
    # Every spike's shares of ‖g‖² add up, and each paired step was measured.
    for s in (s for x in r["runs"] for s in x["spikes"]):
        assert sum(s["shares"].values()) == pytest.approx(1.0, abs=1e-12)
        assert s["jump_plain"] > 0 and s["jump_clipped"] > 0
    # At the read-out's unstable rate, a clipped run's steps are bounded: none diverges. Where
    # an unclipped one does, it does so through the read-out: W gets exactly no gradient, and
    # ‖g‖ grows by |1 - η·2(H+1)| per update. (Whether one diverges within the quick run's few
    # updates depends on its trajectory; tests/experiments/test_clipping.py forces the case.)
    predicted = abs(1 - r["big_lr"] * readout_curvature_bound(r["hidden"]))
    for x in r["readout_runs"]:
        if x["mode"] == "norm":
            assert not x["diverged"]
        elif x["diverged"]:
            assert x["w_zero_from"] < x["steps_done"]
            assert abs(x["growth"] / predicted - 1) < 0.01


def vanishing_at_init(r):
    def ratios(m):
        return [x["ratio"] for x in r["runs"] if x["model"] == m]

    assert len(ratios("tanh")) >= 3
    assert max(ratios("tanh")) < 1e-3
    assert min(ratios("irnn")) > 0.1
    assert _median(ratios("irnn")) > 1e4 * _median(ratios("relu"))
    assert _median(ratios("lstm")) > 1e2 * _median(ratios("lstm_fb0"))


def adding(r):
    def mses(m):
        return [x["test_mse"] for x in r["runs"] if x["model"] == m]

    assert len(mses("lstm")) >= 3 and None not in mses("lstm") + mses("tanh")
    assert _median(mses("lstm")) < _median(mses("tanh")) / 3
    assert _median(mses("irnn")) < _median(mses("tanh")) / 3
    assert _median(mses("tanh")) > 0.5 * r["trivial_mse"]


def cnn_vs_rnn(r):
    runs = r["runs"]
    wide = [x["test_mse"] for x in runs if x["field"] >= r["seq_len"]]
    short = [x for x in runs if x["field"] < r["seq_len"] / 2]
    assert len(wide) >= 2 and len(short) >= 2
    assert max(wide) < min(x["test_mse"] for x in short) / 3  # seeing the markers is what counts
    assert all(x["test_mse"] > x["floor"] - 3 * x["test_se"] for x in short)
    one = r["timing"]
    assert one[-1]["tanh_1"] > 2 * one[0]["tanh_1"]  # the RNN's time grows with T


def copy_memory(r):
    assert all(b["rel_error"] < 1e-12 for b in r["baseline"])
    longest = max(r["gaps"])
    ratios = [x["ratio"] for x in r["runs"] if x["gap"] == longest]
    assert len(ratios) >= 6 and None not in ratios
    assert min(ratios) > 0.9  # nobody learns to copy across the longest gap


def normalization(r):
    q = [row["quadrature"] for row in r["tanh"]]
    assert all(a > b for a, b in itertools.pairwise(q))
    for s in r["statistics"]:
        assert np.allclose(s["per_step"][1:], 1.0, atol=1e-3)
        assert max(s["shared"]) / min(s["shared"]) > 5
    assert all(
        x["layer_batch_dependence"] < 1e-12 and x["batch_memory"] == 0 for x in r["batch_of_one"]
    )

    def ratios(variant, gamma):
        return [x["ratio"] for x in r["flow"] if x["variant"] == variant and x["gamma"] == gamma]

    assert all(0.1 <= v <= 10 for v in ratios("batch", 0.1))
    # What we report instead of Cooijmans et al.'s Fig. 1(a): large γ explodes here.
    assert min(ratios("batch", 1.0)) > 10 * max(ratios("batch", 0.1))


DIRECTIONS = {
    f.__name__: f
    for f in (
        derivative_bounds,
        jacobian_bound,
        latch,
        cliff,
        clipping,
        vanishing_at_init,
        adding,
        cnn_vs_rnn,
        copy_memory,
        normalization,
    )
}


def test_every_experiment_has_a_direction_check():
    assert set(DIRECTIONS) == set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_quick_run_shows_the_published_direction(name, quick):
    DIRECTIONS[name](quick(name).record)


@pytest.mark.parametrize("name", NAMES)
def test_quick_run_uses_several_seeds(name, quick):
    seeds = quick(name).config.seeds
    assert len(seeds) >= 2 and len(set(seeds)) == len(seeds)
