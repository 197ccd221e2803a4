"""The hand-written BPTT against an independent reverse-mode autodiff, on random shapes."""

import zlib

import numpy as np
import pytest

from tests.core import autodiff as ad
from tests.core.cells import ACTIVATIONS, forward, make_params, make_state, module

SHAPES = [(1, 1, 1, 1), (3, 2, 5, 4), (7, 4, 3, 8), (12, 1, 2, 3)]  # (T, B, D, H)


def _reference(cell, params, xs, state, G, activation, forget_bias):
    p = {k: ad.Var(v) for k, v in params.items()}
    x = ad.Var(xs)
    if cell == "lstm":
        h0, c0 = ad.Var(state[0]), ad.Var(state[1])
        hs = ad.lstm_states(p, x, h0, c0, forget_bias)
        inits = (h0, c0)
    else:
        h0 = ad.Var(state)
        hs = ad.rnn_states(p, x, h0, activation) if cell == "rnn" else ad.gru_states(p, x, h0)
        inits = (h0,)
    loss = None
    for t, h in enumerate(hs):
        term = (h * G[t]).sum()
        loss = term if loss is None else loss + term
    ad.backprop(loss)
    return (
        np.stack([h.value for h in hs]),
        {k: v.grad for k, v in p.items()},
        x.grad,
        [s.grad for s in inits],
    )


CASES = [("rnn", a) for a in ACTIVATIONS] + [("lstm", "tanh"), ("gru", "tanh")]


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: "T{}-B{}-D{}-H{}".format(*s))
@pytest.mark.parametrize(("cell", "activation"), CASES)
def test_bptt_matches_reference_autodiff(cell, activation, shape):
    T, B, D, H = shape
    rng = np.random.default_rng(zlib.crc32(repr((cell, activation, shape)).encode()))
    params = make_params(rng, cell, D, H)
    xs = rng.standard_normal((T, B, D))
    state = make_state(rng, cell, B, H)
    G = rng.standard_normal((T, B, H))
    hs, cache = forward(cell, params, xs, state, activation, forget_bias=0.25)
    grads, dxs, dstate = module(cell).backward(G, cache)

    ref_hs, ref_grads, ref_dxs, ref_dstate = _reference(
        cell, params, xs, state, G, activation, 0.25
    )
    np.testing.assert_allclose(hs, ref_hs, rtol=1e-12, atol=1e-12)
    for k in params:
        np.testing.assert_allclose(grads[k], ref_grads[k], rtol=1e-10, atol=1e-12, err_msg=k)
    np.testing.assert_allclose(dxs, ref_dxs, rtol=1e-10, atol=1e-12)
    dstates = dstate if cell == "lstm" else (dstate,)
    for got, want in zip(dstates, ref_dstate, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)
