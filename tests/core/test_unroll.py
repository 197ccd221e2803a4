"""The unrolled cell with one copy of W per step: same numbers as the tied cell, split by step."""

import numpy as np
import pytest

from qa.core import init, rnn, unroll
from qa.core.gradcheck import numerical_gradient, rel_error

T, B, D, H = 6, 3, 2, 4
ACTIVATIONS = ("tanh", "sigmoid", "identity")


def _setup(rng, activation):
    params = init.rnn_params(rng, D, H, recurrent="gaussian", recurrent_scale=1.1)
    params["b"] = 0.2 * rng.standard_normal(H)
    xs = rng.standard_normal((T, B, D))
    h0 = 0.5 * rng.standard_normal((B, H))
    dhs = rng.standard_normal((T, B, H))
    return params, xs, h0, dhs


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_tied_copies_reproduce_the_sequence_forward(activation, rng):
    params, xs, h0, _ = _setup(rng, activation)
    hs, _ = unroll.forward(params, unroll.copies(params["W"], T), xs, h0, activation=activation)
    expected, _ = rnn.forward(params, xs, h0, activation=activation)
    np.testing.assert_allclose(hs, expected, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_per_step_contributions_sum_to_the_bptt_gradient(activation, rng):
    params, xs, h0, dhs = _setup(rng, activation)
    _, caches = unroll.forward(params, unroll.copies(params["W"], T), xs, h0, activation=activation)
    per_step, dxs, dh0 = unroll.backward(dhs, caches)
    grads, dxs_ref, dh0_ref = rnn.backward(
        dhs, rnn.forward(params, xs, h0, activation=activation)[1]
    )
    assert per_step["W"].shape == (T, H, H)
    assert per_step["U"].shape == (T, H, D) and per_step["b"].shape == (T, H)
    for k in ("U", "W", "b"):
        np.testing.assert_allclose(per_step[k].sum(axis=0), grads[k], rtol=1e-11, atol=1e-13)
    np.testing.assert_allclose(dxs, dxs_ref, rtol=1e-11, atol=1e-13)
    np.testing.assert_allclose(dh0, dh0_ref, rtol=1e-11, atol=1e-13)


@pytest.mark.parametrize("step", [0, 2, T - 1])
def test_each_contribution_is_the_gradient_of_its_own_copy(step, rng):
    params, xs, h0, dhs = _setup(rng, "tanh")
    Ws = unroll.copies(params["W"], T)
    _, caches = unroll.forward(params, Ws, xs, h0)
    per_step, _, _ = unroll.backward(dhs, caches)

    def loss(_):
        hs, _ = unroll.forward(params, Ws, xs, h0)
        return float(np.sum(hs * dhs))

    numeric = numerical_gradient(loss, Ws[step])
    assert rel_error(per_step["W"][step], numeric) < 1e-7


def test_copies_are_independent_arrays(rng):
    W = rng.standard_normal((H, H))
    Ws = unroll.copies(W, 3)
    Ws[1] += 1.0
    np.testing.assert_array_equal(Ws[0], W)
    np.testing.assert_array_equal(Ws[2], W)


def test_wrong_number_of_copies_is_a_clear_error(rng):
    params, xs, _, _ = _setup(rng, "tanh")
    with pytest.raises(ValueError, match="Ws: expected shape"):
        unroll.forward(params, unroll.copies(params["W"], T - 1), xs)
