"""Functions never modify their arguments, and the same seed gives the same results."""

import numpy as np
import pytest

from qa.core import init, losses, optim, tasks
from qa.core.model import SequenceModel
from tests.core.cells import forward, make_params, make_state, module


def _snapshot(obj):
    if isinstance(obj, np.ndarray):
        return obj.copy()
    if isinstance(obj, dict):
        return {k: _snapshot(v) for k, v in obj.items()}
    if isinstance(obj, tuple):
        return tuple(_snapshot(v) for v in obj)
    return obj


def _assert_same(a, b):
    if isinstance(a, np.ndarray):
        np.testing.assert_array_equal(a, b)
    elif isinstance(a, dict):
        assert a.keys() == b.keys()
        for k in a:
            _assert_same(a[k], b[k])
    elif isinstance(a, tuple):
        for x, y in zip(a, b, strict=True):
            _assert_same(x, y)
    else:
        assert a == b


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_forward_does_not_modify_its_arguments(cell, rng):
    params = make_params(rng, cell, 3, 4)
    xs = rng.standard_normal((5, 2, 3))
    state = make_state(rng, cell, 2, 4)
    before = _snapshot((params, xs, state))
    forward(cell, params, xs, state)
    _assert_same(before, (params, xs, state))


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_backward_does_not_modify_its_inputs(cell, rng):
    params = make_params(rng, cell, 3, 4)
    _, cache = forward(cell, params, rng.standard_normal((5, 2, 3)), make_state(rng, cell, 2, 4))
    dhs = rng.standard_normal((5, 2, 4))
    before = _snapshot((dhs, tuple(cache), params))
    module(cell).backward(dhs, cache)
    module(cell).backward(dhs, cache)  # and a second backward on the same cache is identical
    _assert_same(before, (dhs, tuple(cache), params))


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_step_backward_does_not_modify_its_inputs(cell, rng):
    params = make_params(rng, cell, 3, 4)
    mod = module(cell)
    _, cache = mod.step_forward(params, rng.standard_normal((2, 3)), make_state(rng, cell, 2, 4))
    dout = (
        (rng.standard_normal((2, 4)), rng.standard_normal((2, 4)))
        if cell == "lstm"
        else rng.standard_normal((2, 4))
    )
    before = _snapshot((dout, tuple(cache)))
    mod.step_backward(dout, cache)
    _assert_same(before, (dout, tuple(cache)))


def test_losses_and_optimisers_do_not_modify_their_arguments(rng):
    logits, targets = rng.standard_normal((3, 2, 4)), rng.integers(0, 4, (3, 2))
    params = {"w": rng.standard_normal(3)}
    grads = {"w": rng.standard_normal(3)}
    before = _snapshot((logits, params, grads))
    losses.softmax_cross_entropy(logits, targets)
    losses.mse(logits, logits + 1)
    for opt in (optim.SGD(0.1), optim.Momentum(0.1), optim.Adagrad(0.1), optim.Adam(0.1)):
        state = opt.init(params)
        state_before = _snapshot(state)
        opt.step(params, grads, state)
        _assert_same(state_before, state)
    optim.clip_by_global_norm(grads, 1e-3)
    optim.clip_by_value(grads, 1e-3)
    _assert_same(before, (logits, params, grads))


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_the_same_seed_gives_identical_results(cell):
    def run(seed):
        rng = np.random.default_rng(seed)
        model = SequenceModel(cell=cell, readout="last", loss="mse")
        params = model.init(rng, 2, 5, 1)
        xs, y = tasks.adding_problem(rng, 12, 4)
        return model.loss_and_grads(params, xs, y)

    (loss_a, grads_a), (loss_b, grads_b) = run(3), run(3)
    assert loss_a == loss_b
    _assert_same(grads_a, grads_b)
    assert run(4)[0] != loss_a


@pytest.mark.parametrize(
    "make",
    [
        lambda rng: tasks.adding_problem(rng, 10, 3),
        lambda rng: tasks.copy_memory(rng, 5, 3),
        lambda rng: tuple(tasks.latch(rng, 8, 3)),
        lambda rng: tasks.embedded_reber(rng, 5),
        lambda rng: init.orthogonal(rng, 4),
        lambda rng: init.lstm_params(rng, 2, 3),
    ],
)
def test_generators_are_reproducible_from_the_seed(make):
    a, b = make(np.random.default_rng(5)), make(np.random.default_rng(5))
    if isinstance(a, list):
        assert a == b
    else:
        _assert_same(_snapshot(a), _snapshot(b))
