"""Bad input raises ValueError naming what was expected and what was given."""

import numpy as np
import pytest

from qa.core import gru, init, losses, lstm, optim, output, rnn, tasks
from qa.core.model import SequenceModel

rng0 = np.random.default_rng(0)
RNN = init.rnn_params(rng0, 3, 4)
LSTM = init.lstm_params(rng0, 3, 4)
GRU = init.gru_params(rng0, 3, 4)
XS = rng0.standard_normal((5, 2, 3))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: rnn.forward(RNN, XS[:, :, :2]),
            r"xs: expected shape \(\?, \?, 3\), got \(5, 2, 2\)",
        ),
        (lambda: rnn.forward(RNN, XS[0]), r"xs: expected shape \(\?, \?, 3\), got \(2, 3\)"),
        (
            lambda: rnn.forward(RNN, XS, np.zeros((2, 5))),
            r"h0: expected shape \(2, 4\), got \(2, 5\)",
        ),
        (lambda: rnn.forward(RNN, XS.astype(np.float32)), r"one floating dtype.*float64.*float32"),
        (lambda: rnn.forward(RNN, XS.astype(int)), r"xs: expected a floating-point dtype, got int"),
        (lambda: rnn.forward(RNN, XS.tolist()), r"xs: expected a NumPy array, got list"),
        (
            lambda: rnn.forward(RNN, XS, activation="softmax"),
            r"activation: expected one of tanh, sigmoid, relu, identity, got 'softmax'",
        ),
        (
            lambda: rnn.forward({"U": RNN["U"], "W": RNN["W"]}, XS),
            r"params: expected keys \['U', 'W', 'b'\]; missing \['b'\]",
        ),
        (lambda: rnn.forward({**RNN, "V": RNN["W"]}, XS), r"unexpected \['V'\]"),
        (
            lambda: rnn.forward({**RNN, "W": np.zeros((4, 3))}, XS),
            r"params\['W'\]: expected shape \(4, 4\), got \(4, 3\)",
        ),
        (
            lambda: rnn.backward(np.zeros((5, 2, 3)), rnn.forward(RNN, XS)[1]),
            r"dhs: expected shape \(5, 2, 4\)",
        ),
        (
            lambda: lstm.forward({**LSTM, "U": LSTM["U"][:-1]}, XS),
            r"expected 4H rows \(gate blocks i, f, g, o\), got 15 rows",
        ),
        (
            lambda: lstm.forward({**LSTM, "W": LSTM["W"][:, :3]}, XS),
            r"params\['W'\]: expected shape \(16, 4\), got \(16, 3\)",
        ),
        (lambda: lstm.forward(LSTM, XS, np.zeros((2, 4))), r"state0: expected a pair \(h, c\)"),
        (
            lambda: gru.forward({**GRU, "U": GRU["U"][:-2]}, XS),
            r"expected 3H rows \(gate blocks r, z, n\), got 10 rows",
        ),
        (
            lambda: gru.forward({k: v for k, v in GRU.items() if k != "b_hn"}, XS),
            r"missing \['b_hn'\]",
        ),
        (
            lambda: output.forward({"V": np.zeros((2, 3)), "c": np.zeros(2)}, np.zeros((5, 2, 4))),
            r"hs: expected shape \(\?, \?, 3\)",
        ),
        (
            lambda: losses.softmax_cross_entropy(np.zeros((3, 4)), np.array([0, 1, 4])),
            r"targets: expected values in \[0, 4\) or -1",
        ),
        (
            lambda: losses.softmax_cross_entropy(np.zeros((3, 4)), np.zeros(3)),
            r"targets: expected integer class indices",
        ),
        (
            lambda: losses.softmax_cross_entropy(np.zeros((3, 4)), np.zeros(2, int)),
            r"targets: expected shape \(3,\), got \(2,\)",
        ),
        (
            lambda: losses.mse(np.zeros(3), np.zeros(2)),
            r"target: expected shape \(3,\), got \(2,\)",
        ),
        (
            lambda: optim.clip_by_global_norm({"g": np.ones(2)}, 0.0),
            r"max_norm: expected a positive threshold",
        ),
        (lambda: optim.Adam(lr=-1.0), r"lr: expected a positive number, got -1.0"),
        (
            lambda: optim.SGD(0.1).step({"w": np.ones(2)}, {"v": np.ones(2)}, {}),
            r"grads: expected the keys of params",
        ),
        (lambda: tasks.adding_problem(rng0, 1, 2), r"seq_len: expected an integer ≥ 2, got 1"),
        (lambda: tasks.copy_memory(rng0, 0, 2), r"gap: expected an integer ≥ 1, got 0"),
        (lambda: tasks.reber_next_distributions("BTBTXSEPE"), r"not an embedded Reber string"),
        (
            lambda: init.recurrent_matrix(rng0, 3, "random"),
            r"recurrent init: expected one of gaussian, orthogonal, identity, xavier",
        ),
        (
            lambda: SequenceModel(cell="transformer"),
            r"cell: expected one of rnn, lstm, gru, got 'transformer'",
        ),
        (
            lambda: SequenceModel(cell="gru").loss_and_grads(RNN, XS, np.zeros(2, int)),
            r"params: expected keys",
        ),
    ],
)
def test_bad_input_raises_a_clear_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()
