"""The teaching step functions and the fast sequence functions compute the same numbers."""

import numpy as np
import pytest

from tests.core.cells import (
    ACTIVATIONS,
    forward,
    make_params,
    make_state,
    module,
    step_loop,
    step_loop_backward,
)

CASES = [("rnn", a) for a in ACTIVATIONS] + [("lstm", "tanh"), ("gru", "tanh")]


@pytest.mark.parametrize(("cell", "activation"), CASES)
def test_step_and_sequence_forward_agree(cell, activation, rng):
    params = make_params(rng, cell, 3, 5)
    xs = rng.standard_normal((9, 4, 3))
    state = make_state(rng, cell, 4, 5)
    hs, _ = forward(cell, params, xs, state, activation, forget_bias=0.3)
    hs_steps, _ = step_loop(cell, params, xs, state, activation, forget_bias=0.3)
    np.testing.assert_allclose(hs, hs_steps, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(("cell", "activation"), CASES)
def test_step_and_sequence_backward_agree(cell, activation, rng):
    params = make_params(rng, cell, 3, 5)
    xs = rng.standard_normal((9, 4, 3))
    state = make_state(rng, cell, 4, 5)
    dhs = rng.standard_normal((9, 4, 5))
    _, cache = forward(cell, params, xs, state, activation, forget_bias=0.3)
    grads, dxs, dstate = module(cell).backward(dhs, cache)
    _, caches = step_loop(cell, params, xs, state, activation, forget_bias=0.3)
    grads_s, dxs_s, dstate_s = step_loop_backward(cell, dhs, caches)
    for k in params:
        np.testing.assert_allclose(grads[k], grads_s[k], rtol=1e-12, atol=1e-12, err_msg=k)
    np.testing.assert_allclose(dxs, dxs_s, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(np.asarray(dstate), np.asarray(dstate_s), rtol=1e-12, atol=1e-12)
