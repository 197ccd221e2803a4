"""float64 by default; any floating dtype is accepted and kept."""

import numpy as np
import pytest

from tests.core.cells import forward, make_params, make_state, module


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.longdouble])
def test_cells_run_and_stay_in_the_given_dtype(cell, dtype, rng):
    params = make_params(rng, cell, 3, 4, dtype=dtype)
    xs = rng.standard_normal((6, 2, 3)).astype(dtype)
    hs, cache = forward(cell, params, xs)
    grads, dxs, _ = module(cell).backward(np.ones_like(hs), cache)
    assert hs.dtype == dtype and dxs.dtype == dtype
    assert all(g.dtype == dtype for g in grads.values())


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_float32_agrees_with_float64(cell, rng):
    params = make_params(rng, cell, 3, 8)
    xs = rng.standard_normal((20, 4, 3))
    state = make_state(rng, cell, 4, 8)
    dhs = rng.standard_normal((20, 4, 8))
    hs64, c64 = forward(cell, params, xs, state)
    g64, _, _ = module(cell).backward(dhs, c64)
    p32 = {k: v.astype(np.float32) for k, v in params.items()}
    s32 = tuple(s.astype(np.float32) for s in state) if cell == "lstm" else state.astype(np.float32)
    hs32, c32 = forward(cell, p32, xs.astype(np.float32), s32)
    g32, _, _ = module(cell).backward(dhs.astype(np.float32), c32)
    np.testing.assert_allclose(hs32, hs64, rtol=1e-4, atol=1e-5)
    for k in g64:
        np.testing.assert_allclose(g32[k], g64[k], rtol=1e-3, atol=1e-4, err_msg=k)
