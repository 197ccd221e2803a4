"""The clipping experiment's own pieces: the value bound, the read-out's curvature bound, and
that the clipped run departs from the unclipped one exactly where clipping first acts."""

from dataclasses import replace

import numpy as np
import pytest

from qa.core.optim import clip_by_value
from qa.experiments import clipping

SMALL = replace(clipping.QUICK, seq_len=12, hidden=6, steps=60, calibration_steps=10, val_size=16)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("fraction", [0.01, 0.3, 0.99])
def test_value_bound_shortens_the_gradient_to_theta(seed, fraction):
    rng = np.random.default_rng(seed)
    g = rng.standard_normal(200) * rng.choice([0.01, 1.0, 100.0], size=200)
    theta = fraction * np.linalg.norm(g)
    v = clipping.value_bound_for_norm(g, theta)
    assert 0 < v < np.abs(g).max()
    clipped = clip_by_value({"g": g}, v)["g"]
    assert np.linalg.norm(clipped) == pytest.approx(theta, rel=1e-12)


@pytest.mark.parametrize("hidden", [1, 8, 32])
def test_the_readout_curvature_bound_is_reached_when_every_unit_saturates_alike(hidden):
    rng = np.random.default_rng(hidden)
    B = 16
    signs = rng.choice([-1.0, 1.0], size=hidden)
    saturated = np.concatenate([np.tile(signs, (B, 1)), np.ones((B, 1))], axis=1)  # z = (h_T, 1)
    top = np.linalg.eigvalsh(2 * saturated.T @ saturated / B)[-1]
    assert top == pytest.approx(clipping.readout_curvature_bound(hidden), rel=1e-12)
    states = np.concatenate([rng.uniform(-1, 1, (B, hidden)), np.ones((B, 1))], axis=1)
    assert np.linalg.eigvalsh(2 * states.T @ states / B)[-1] <= top


@pytest.mark.parametrize("seed", [0, 1])
def test_a_clipped_run_leaves_the_unclipped_one_right_after_the_first_norm_above_theta(seed):
    norms = clipping.train_one("none", seed, SMALL, theta=np.inf, trace=True)["trace"]["norm"]
    never = clipping.train_one("norm", seed, SMALL, theta=1.01 * norms.max(), trace=True)
    np.testing.assert_array_equal(never["trace"]["norm"], norms)
    theta = 0.99 * norms.max()
    first = int(np.argmax(norms > theta))
    clipped = clipping.train_one("norm", seed, SMALL, theta=theta, trace=True)["trace"]["norm"]
    np.testing.assert_array_equal(clipped[: first + 1], norms[: first + 1])
    assert clipped[first + 1] != norms[first + 1]


def test_spikes_are_updates_ten_times_above_the_running_median():
    run = clipping.train_one("none", 0, replace(SMALL, steps=300), theta=np.inf, trace=True)
    norms, w = run["trace"]["norm"], SMALL.spike_window
    expected = [t + 1 for t in range(w, len(norms)) if norms[t] >= 10 * np.median(norms[t - w : t])]
    assert [s["step"] for s in run["spikes"]] == expected
    for s in run["spikes"]:
        assert sum(s["shares"].values()) == pytest.approx(1.0, abs=1e-12)


def test_an_unknown_mode_is_refused():
    with pytest.raises(ValueError, match="mode: expected one of none, norm"):
        clipping.train_one("value", 0, SMALL)


@pytest.mark.parametrize("seed", [0, 1])
def test_at_the_large_learning_rate_a_saturated_network_blows_up_through_the_readout(seed):
    # A bias of 50 saturates every unit at exactly h = 1 for every input (tanh(a) rounds to 1
    # for a > 19.1), whatever the machine: the case the side runs reach by chance, forced. Then
    # W, U and b get exactly no gradient, every sequence has the same z = (h_T, 1), the
    # read-out's Hessian has λmax = 2(H + 1), and at η·2(H + 1) = 6.6 the error grows by
    # |1 - 6.6| = 5.6 per update until it overflows. Clipping bounds every step: finite.
    config = clipping.FULL
    params = clipping.initial_params(seed, config)
    params["b"] = np.full_like(params["b"], 50.0)
    # 5.6^n overflows a float64 after about 410 updates: 500 are enough to see it.
    kw = {"lr": config.big_lr, "steps": 500, "theta": 1.0, "trace": True}
    plain = clipping.train_one("none", seed, config, params=params, **kw)
    assert plain["diverged"] and plain["w_zero_from"] == 1
    blocks = plain["trace"]["blocks"]
    assert all(np.all(blocks[name] == 0) for name in ("W", "U", "b"))
    predicted = abs(1 - config.big_lr * clipping.readout_curvature_bound(config.hidden))
    assert clipping.readout_growth(plain) == pytest.approx(predicted, rel=1e-3)
    clipped = clipping.train_one("norm", seed, config, params=params, **kw)
    assert not clipped["diverged"] and clipped["steps_done"] == kw["steps"]
