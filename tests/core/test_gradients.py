"""Backward passes against central finite differences (float64, five-point stencil)."""

import numpy as np
import pytest

from qa.core import losses, output
from qa.core.gradcheck import (
    check_gradients,
    numerical_gradient,
    numerical_gradient_array,
    rel_error,
)
from qa.core.model import SequenceModel
from tests.core.cells import ACTIVATIONS, forward, make_params, make_state, module

TOL = 1e-7
T, B, D, H = 5, 3, 4, 6

CASES = [("rnn", act) for act in ACTIVATIONS] + [("lstm", "tanh"), ("gru", "tanh")]


def _loss_of(cell, activation, xs, state, G, forget_bias):
    def loss(p):
        hs, _ = forward(cell, p, xs, state, activation, forget_bias)
        return float(np.sum(hs * G))

    return loss


def _assert_away_from_relu_kinks(params, xs, state, margin=2e-3):
    """Finite differences are only valid if no ReLU pre-activation sits near 0 (the kink)."""
    _, cache = forward("rnn", params, xs, state, "relu")
    pre = xs @ params["U"].T + cache.hs[:-1] @ params["W"].T + params["b"]
    assert np.abs(pre).min() > margin, "pick another seed: a pre-activation is at the kink"


@pytest.mark.parametrize(("cell", "activation"), CASES)
def test_cell_parameter_gradients_match_finite_differences(cell, activation):
    rng = np.random.default_rng(7)
    params = make_params(rng, cell, D, H)
    xs = rng.standard_normal((T, B, D))
    state = make_state(rng, cell, B, H)
    G = rng.standard_normal((T, B, H))
    if activation == "relu":
        _assert_away_from_relu_kinks(params, xs, state)
    hs, cache = forward(cell, params, xs, state, activation, forget_bias=0.4)
    grads, _, _ = module(cell).backward(G, cache)
    errors = check_gradients(
        _loss_of(cell, activation, xs, state, G, 0.4), params, grads, step=1e-4
    )
    assert max(errors.values()) < TOL, errors


@pytest.mark.parametrize(("cell", "activation"), CASES)
def test_cell_input_and_initial_state_gradients_match_finite_differences(cell, activation):
    rng = np.random.default_rng(8)
    params = make_params(rng, cell, D, H)
    xs = rng.standard_normal((T, B, D))
    state = make_state(rng, cell, B, H)
    G = rng.standard_normal((T, B, H))
    if activation == "relu":
        _assert_away_from_relu_kinks(params, xs, state)
    _, cache = forward(cell, params, xs, state, activation)
    _, dxs, dstate = module(cell).backward(G, cache)

    def loss_x(x):
        return float(np.sum(forward(cell, params, x, state, activation)[0] * G))

    assert rel_error(dxs, numerical_gradient(loss_x, xs.copy(), step=1e-4)) < TOL
    states = state if cell == "lstm" else (state,)
    dstates = dstate if cell == "lstm" else (dstate,)
    for k, (s, ds) in enumerate(zip(states, dstates, strict=True)):

        def loss_s(v, k=k):
            st = list(states)
            st[k] = v
            st = tuple(st) if cell == "lstm" else st[0]
            return float(np.sum(forward(cell, params, xs, st, activation)[0] * G))

        assert rel_error(ds, numerical_gradient(loss_s, s.copy(), step=1e-4)) < TOL


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_step_backward_matches_finite_differences(cell):
    rng = np.random.default_rng(9)
    params = make_params(rng, cell, D, H)
    x = rng.standard_normal((B, D))
    state = make_state(rng, cell, B, H)
    mod = module(cell)
    new_state, cache = mod.step_forward(params, x, state)
    if cell == "lstm":
        dh, dc = rng.standard_normal((B, H)), rng.standard_normal((B, H))
        grads, dx, (dh_prev, dc_prev) = mod.step_backward((dh, dc), cache)

        def f(v):
            (h, c), _ = mod.step_forward(params, v, state)
            return np.concatenate([h, c], axis=1)

        dout = np.concatenate([dh, dc], axis=1)
    else:
        dout = rng.standard_normal((B, H))
        grads, dx, dh_prev = mod.step_backward(dout, cache)

        def f(v):
            return mod.step_forward(params, v, state)[0]

    assert rel_error(dx, numerical_gradient_array(f, x.copy(), dout, step=1e-4)) < TOL


@pytest.mark.parametrize(
    ("shape", "time_reduction"),
    [((4, 3, 5), "sum"), ((4, 3, 5), "mean"), ((3, 5), "sum")],
)
def test_softmax_cross_entropy_gradient_matches_finite_differences(shape, time_reduction):
    rng = np.random.default_rng(10)
    logits = 3 * rng.standard_normal(shape)
    targets = rng.integers(0, shape[-1], size=shape[:-1])
    if len(shape) == 3:
        targets[-1, 0] = -1  # a padded position contributes nothing
    loss, dlogits = losses.softmax_cross_entropy(logits, targets, time_reduction=time_reduction)
    numeric = numerical_gradient(
        lambda z: losses.softmax_cross_entropy(z, targets, time_reduction=time_reduction)[0],
        logits.copy(),
    )
    assert rel_error(dlogits, numeric) < TOL
    if len(shape) == 3:
        assert np.all(dlogits[-1, 0] == 0)


def test_mse_gradient_matches_finite_differences(rng):
    pred, target = rng.standard_normal((4, 2)), rng.standard_normal((4, 2))
    _, dpred = losses.mse(pred, target)
    numeric = numerical_gradient(lambda p: losses.mse(p, target)[0], pred.copy())
    assert rel_error(dpred, numeric) < TOL


def test_output_layer_gradients_match_finite_differences(rng):
    params = {"V": rng.standard_normal((3, 4)), "c": rng.standard_normal(3)}
    hs = rng.standard_normal((5, 2, 4))
    G = rng.standard_normal((5, 2, 3))
    out, cache = output.forward(params, hs)
    grads, dhs = output.backward(G, cache)
    errors = check_gradients(lambda p: float(np.sum(output.forward(p, hs)[0] * G)), params, grads)
    assert max(errors.values()) < TOL
    assert (
        rel_error(
            dhs, numerical_gradient_array(lambda h: output.forward(params, h)[0], hs.copy(), G)
        )
        < TOL
    )


MODELS = [
    SequenceModel(cell="rnn", activation="tanh", readout="all", loss="ce", time_reduction="sum"),
    SequenceModel(cell="rnn", activation="sigmoid", readout="last", loss="mse"),
    SequenceModel(cell="lstm", readout="all", loss="ce", forget_bias=0.5),
    SequenceModel(cell="lstm", readout="last", loss="mse"),
    SequenceModel(cell="gru", readout="all", loss="ce", time_reduction="mean"),
    SequenceModel(cell="gru", readout="last", loss="ce"),
]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: f"{m.cell}-{m.readout}-{m.loss}")
def test_whole_model_gradients_match_finite_differences(model):
    rng = np.random.default_rng(11)
    O = 3
    params = model.init(rng, D, H, O)
    params = {k: v + 0.1 * rng.standard_normal(v.shape) for k, v in params.items()}
    xs = rng.standard_normal((T, B, D))
    if model.loss == "ce":
        targets = rng.integers(0, O, size=(T, B) if model.readout == "all" else (B,))
    else:
        targets = rng.standard_normal((T, B, O) if model.readout == "all" else (B, O))
    _, grads = model.loss_and_grads(params, xs, targets)
    errors = check_gradients(lambda p: model.loss_and_grads(p, xs, targets)[0], params, grads)
    assert max(errors.values()) < TOL, errors
