"""6.7: a wall of huge gradient; clipping bounds the step, keeps the direction, stops blow-ups."""

import math
from dataclasses import replace

import numpy as np
import pytest

from qa.answers import q6_07_loss_oscillation as m
from qa.core import optim
from qa.experiments import cliff, clipping

NAME = "qa.answers.q6_07_loss_oscillation"


@pytest.mark.parametrize("seed", range(8))
def test_clipped_norm_card_is_b_times_min_1_theta_over_global_norm(seed):
    card = m.card_clipped_norm(np.random.default_rng(seed))
    p = card["params"]
    for name in ("a", "b", "c"):
        assert 0.5 <= p[name] <= 20 and p[name] == round(p[name], 1)
    assert p["theta"] in (1.0, 2.0, 5.0)
    norm = math.sqrt(p["a"] ** 2 + p["b"] ** 2 + p["c"] ** 2)
    assert card["answer"] == pytest.approx(p["b"] * min(1.0, p["theta"] / norm), rel=1e-12)


@pytest.mark.parametrize("seed", range(8))
def test_value_clip_card_clips_g1_keeps_g2_and_gives_the_closed_form_cosine(seed):
    card = m.card_value_clip_cosine(np.random.default_rng(seed))
    g1, g2, v = card["params"]["g1"], card["params"]["g2"], card["params"]["v"]
    assert v in (1.0, 2.0, 5.0)
    assert abs(g1) > v and 0 < abs(g2) <= v
    assert g1 == round(g1, 1) and g2 == round(g2, 1)
    expected = (abs(g1) * v + g2**2) / (math.hypot(g1, g2) * math.hypot(v, g2))
    assert card["answer"] == pytest.approx(expected, rel=1e-12)
    assert card["answer"] < 1


@pytest.mark.parametrize("grad", [-5000.0, -3.0, 0.5, 1.0, 40.0])
def test_a_clipped_step_is_never_longer_than_lr_times_theta(grad):
    lr, theta = 0.01, 1.0
    step = m.sgd_step(0.0, grad, lr, theta)
    assert abs(step) <= lr * theta * (1 + 1e-15)
    assert np.sign(step) == -np.sign(grad)  # same direction as the plain step
    if abs(grad) <= theta:
        assert step == m.sgd_step(0.0, grad, lr)


def test_norm_clipping_keeps_the_direction_of_every_gradient(rng):
    grads = {"U": 50 * rng.standard_normal((4, 3)), "W": rng.standard_normal((4, 4))}
    clipped, _ = optim.clip_by_global_norm(grads, 1.0)
    flat = np.concatenate([g.ravel() for g in grads.values()])
    flat_clipped = np.concatenate([clipped[k].ravel() for k in grads])
    assert m.cosine(flat, flat_clipped) == pytest.approx(1.0, abs=1e-14)
    value_clipped = optim.clip_by_value(grads, 1.0)
    assert m.cosine(flat, np.concatenate([value_clipped[k].ravel() for k in grads])) < 0.99


def test_scan_gradient_matches_finite_differences_away_from_the_wall():
    config = replace(m.CLIFF, scan_b=(-2.72, -2.62), scan_points=41)
    b, _, g = m.wall_scan(config)
    np.testing.assert_allclose(m.finite_difference_slope(b, config), g, rtol=1e-6)


# --------------------------------------------------------------------------- the demonstration


def test_the_loss_has_a_wall(demo_of):
    demo = demo_of(NAME)
    assert cliff.wall_width(demo.b, demo.loss) < 0.02  # > 0.3 change within Δb < 0.02
    slope = np.abs(demo.grad)
    assert slope.max() >= 1e3 * np.median(slope)


def test_bptt_gradients_agree_with_finite_differences(demo_of):
    demo = demo_of(NAME)
    rel = np.abs(demo.fd_grad - demo.grad) / np.abs(demo.grad)
    assert np.median(rel) < 1e-7
    assert rel.max() < 1e-2  # the worst point sits next to the wall, where curvature is huge


def test_the_clipped_step_lands_below_the_wall_and_the_plain_one_far_away(demo_of):
    demo = demo_of(NAME)
    (pb, pe, pg), (cb, ce, _) = demo.plain, demo.clipped
    assert demo.start == demo.b[np.abs(demo.grad).argmax()]  # from the steepest point
    assert cb - demo.start == pytest.approx(m.CLIFF_LR * m.CLIFF_THETA, rel=1e-12)
    assert abs(pb - demo.start) > 1000 * abs(cb - demo.start)
    assert ce < 0.05 < pe  # the clipped step ends lower ...
    assert abs(pg) < 1e-6  # ... and the plain one on a plateau with no gradient to come back


def test_the_recurrent_matrix_is_past_the_explosion_threshold(demo_of):
    demo = demo_of(NAME)
    assert demo.w_singular > 2 and demo.w_radius > 1  # above 1/γ = 1 for tanh


def test_the_readout_cannot_blow_up_at_the_main_learning_rate(demo_of):
    bound = m.RUNS.lr * clipping.readout_curvature_bound(m.RUNS.hidden)
    assert bound < 2
    for r in demo_of(NAME).runs.values():
        assert 0 < r["head_curvature"] <= bound
        assert not r["diverged"] and r["test_mse"] is not None


@pytest.mark.parametrize("mode", m.MODES)
def test_each_recorded_spike_is_ten_times_its_running_median_and_no_other_update_is(demo_of, mode):
    run = demo_of(NAME).runs[mode]
    norms, w = run["trace"]["norm"], m.RUNS.spike_window
    expected = [t + 1 for t in range(w, len(norms)) if norms[t] >= 10 * np.median(norms[t - w : t])]
    assert [s["step"] for s in run["spikes"]] == expected


def test_every_spike_is_measured_with_both_steps_from_the_same_parameters(demo_of):
    # Which updates spike depends on the trajectory; what is recorded at a spike does not.
    for r in demo_of(NAME).runs.values():
        for s in r["spikes"]:
            assert sum(s["shares"].values()) == pytest.approx(1.0, abs=1e-12)
            assert s["jump_plain"] > 0 and s["jump_clipped"] > 0
            taken = s["jump_clipped"] if r["mode"] == "norm" else s["jump_plain"]
            assert s["jump"] == pytest.approx(taken, rel=1e-12)  # the step the run took


def test_clipping_acts_on_the_updates_above_theta_and_only_there(demo_of):
    demo = demo_of(NAME)
    for r in demo.runs.values():
        norms = r["trace"]["norm"]
        assert r["clipped_fraction"] == pytest.approx(np.mean(norms > demo.theta), abs=1e-15)
        assert r["clipped_fraction"] < 0.2  # a guard here, not a rescaling of every step


def test_only_value_clipping_turns_the_unclipped_gradients(demo_of):
    cos = demo_of(NAME).runs["none"]["cosines"]
    assert cos["norm"]["n"] == cos["value"]["n"] > 0
    assert cos["norm"]["min"] == pytest.approx(1.0, abs=1e-12)
    assert cos["value"]["max"] < 1 - 1e-6


def test_at_the_large_learning_rate_a_blowup_is_the_readouts(demo_of):
    # Whether seed 0 reaches inf/NaN within the demonstration's updates depends on its
    # trajectory (tests/experiments/test_clipping.py forces the case); if it does, it does so
    # through the read-out, and the page's sentence about it says which happened.
    demo = demo_of(NAME)
    plain = demo.side["none"]
    if plain["w_zero_from"] is not None:
        blocks = plain["trace"]["blocks"]
        for name in ("W", "U", "b"):  # every unit saturated: all the norm is in V and c
            assert np.all(blocks[name][plain["w_zero_from"] - 1 :] == 0)
    if plain["diverged"]:
        assert plain["w_zero_from"] is not None and plain["w_zero_from"] < plain["steps_done"]
        predicted = abs(1 - m.RUNS.big_lr * clipping.readout_curvature_bound(m.RUNS.hidden))
        assert plain["growth"] == pytest.approx(predicted, rel=1e-3)
    outcome = str(m.numbers(demo)["side_outcome"])
    assert ("inf or NaN" in outcome) == plain["diverged"]
    assert not demo.side["norm"]["diverged"]  # a clipped step is at most η·θ long


@pytest.mark.parametrize("kind", ["runs", "side"])
def test_a_norm_is_recorded_for_every_update(demo_of, kind):
    for r in getattr(demo_of(NAME), kind).values():
        norms = r["trace"]["norm"]
        assert len(norms) == r["steps_done"]
        assert np.all(np.isfinite(norms))


@pytest.mark.parametrize(
    ("dtype", "fits", "overflows"),
    [(np.float64, 709.0, 710.0), (np.float32, 88.0, 89.0)],
)
def test_exp_overflows_where_the_page_says(dtype, fits, overflows):
    with np.errstate(over="ignore"):
        assert np.isfinite(np.exp(dtype(fits))) and np.isinf(np.exp(dtype(overflows)))


def test_float16_overflows_above_65504():
    assert float(np.finfo(np.float16).max) == 65504.0
    with np.errstate(over="ignore"):
        assert np.isinf(np.float16(65504.0) * np.float16(2.0))


def test_a_naive_log_softmax_overflows_where_the_engine_s_stays_finite():
    from qa.core.losses import log_softmax

    logits = np.array([1000.0, 0.0])
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        naive = logits - np.log(np.exp(logits).sum())
    assert not np.all(np.isfinite(naive))
    assert np.allclose(log_softmax(logits), [0.0, -1000.0])


def test_an_unbounded_relu_state_overflows_by_itself():
    # W = 2I doubles the state at every step: 2**1024 is past float64's largest number.
    from qa.core import rnn

    params = {"U": np.ones((1, 1)), "W": np.full((1, 1), 2.0), "b": np.zeros(1)}
    with np.errstate(over="ignore", invalid="ignore"):
        hs, _ = rnn.forward(params, np.ones((1100, 1, 1)), activation="relu")
    assert np.isfinite(hs[1000, 0, 0]) and np.isinf(hs[-1, 0, 0])
