"""Optimiser updates against hand computations, and the two kinds of clipping."""

import math

import numpy as np
import pytest

from qa.core import optim


@pytest.mark.parametrize("max_norm", [0.1, 1.0, 4.99, 5.0, 100.0])
def test_norm_clipping_keeps_the_direction_and_caps_the_norm(max_norm, rng):
    grads = {"a": rng.standard_normal((3, 4)), "b": rng.standard_normal(5)}
    scale = 5.0 / optim.global_norm(grads)
    grads = {k: v * scale for k, v in grads.items()}  # global norm exactly 5
    clipped, norm = optim.clip_by_global_norm(grads, max_norm)
    assert norm == pytest.approx(5.0)
    assert optim.global_norm(clipped) == pytest.approx(min(5.0, max_norm))
    flat = np.concatenate([grads[k].ravel() for k in grads])
    flat_c = np.concatenate([clipped[k].ravel() for k in grads])
    cosine = flat @ flat_c / (np.linalg.norm(flat) * np.linalg.norm(flat_c))
    assert cosine == pytest.approx(1.0, abs=1e-12)


def test_value_clipping_can_change_the_direction():
    grads = {"g": np.array([10.0, 0.1])}
    clipped = optim.clip_by_value(grads, 1.0)["g"]
    np.testing.assert_array_equal(clipped, [1.0, 0.1])
    cosine = grads["g"] @ clipped / (np.linalg.norm(grads["g"]) * np.linalg.norm(clipped))
    assert cosine < 0.996  # the small component now weighs ten times more


def test_one_adam_step_matches_a_hand_computation():
    opt = optim.Adam(lr=0.1, beta1=0.9, beta2=0.999, eps=1e-8)
    params, grads = {"w": np.array([1.0, -2.0])}, {"w": np.array([0.5, -4.0])}
    new, state = opt.step(params, grads, opt.init(params))
    # m = 0.1 g, v = 0.001 g²; bias-corrected: m̂ = g, v̂ = g², so the step is lr · g / (|g| + eps)
    expected = [1.0 - 0.1 * 0.5 / (0.5 + 1e-8), -2.0 - 0.1 * -4.0 / (4.0 + 1e-8)]
    np.testing.assert_allclose(new["w"], expected, rtol=0, atol=1e-15)
    assert state["k"] == 1
    np.testing.assert_allclose(state["m"]["w"], [0.05, -0.4])
    np.testing.assert_allclose(state["v"]["w"], [0.00025, 0.016])


def test_two_adam_steps_match_a_hand_computation():
    opt = optim.Adam(lr=0.01)
    p, s = {"w": np.array([0.0])}, opt.init({"w": np.array([0.0])})
    p, s = opt.step(p, {"w": np.array([1.0])}, s)
    p, s = opt.step(p, {"w": np.array([3.0])}, s)
    m = 0.9 * 0.1 + 0.1 * 3.0
    v = 0.999 * 0.001 + 0.001 * 9.0
    m_hat, v_hat = m / (1 - 0.9**2), v / (1 - 0.999**2)
    step2 = 0.01 * m_hat / (math.sqrt(v_hat) + 1e-8)
    assert p["w"][0] == pytest.approx(-0.01 * 1 / (1 + 1e-8) - step2, abs=1e-14)


def test_momentum_and_adagrad_match_hand_computations():
    g = {"w": np.array([2.0])}
    mom = optim.Momentum(lr=0.1, mu=0.5)
    p, s = mom.step({"w": np.array([0.0])}, g, mom.init({"w": np.zeros(1)}))
    p, s = mom.step(p, g, s)
    assert p["w"][0] == pytest.approx(-0.1 * 2 - 0.1 * (0.5 * 2 + 2))
    ada = optim.Adagrad(lr=1.0, eps=0.0 + 1e-12)
    p, s = ada.step({"w": np.array([0.0])}, g, ada.init({"w": np.zeros(1)}))
    p, s = ada.step(p, g, s)
    assert p["w"][0] == pytest.approx(-1.0 - 2 / math.sqrt(8))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_optimisers_keep_the_parameter_dtype(dtype):
    params = {"w": np.ones(3, dtype=dtype)}
    grads = {"w": np.full(3, 0.5, dtype=dtype)}
    for opt in (optim.SGD(0.1), optim.Momentum(0.1), optim.Adagrad(0.1), optim.Adam(0.1)):
        new, _ = opt.step(params, grads, opt.init(params))
        assert new["w"].dtype == dtype
    clipped, _ = optim.clip_by_global_norm(grads, 0.1)
    assert clipped["w"].dtype == dtype
