r"""A whole model as one differentiable function: a recurrent cell, an output layer and a loss.

`SequenceModel` is a frozen configuration; its methods are pure functions of a parameter dict
that holds the cell's keys (`U`, `W`, `b`, and `b_hn` for a GRU) plus the output layer's `V`
and `c`:

- `readout="all"`: $o_t = V h_t + c$ at every step, loss summed (or averaged) over time —
  next-symbol prediction, copy memory;
- `readout="last"`: $o = V h_T + c$ only — adding problem, classification of a sequence.

The loss is `"ce"` (softmax cross-entropy against integer targets) or `"mse"`.

Examples:
    >>> import numpy as np
    >>> from qa.core import tasks
    >>> rng = np.random.default_rng(0)
    >>> model = SequenceModel(cell="lstm", readout="last", loss="mse")
    >>> params = model.init(rng, input_size=2, hidden_size=8, output_size=1)
    >>> xs, y = tasks.adding_problem(rng, seq_len=20, batch_size=16)
    >>> loss, grads = model.loss_and_grads(params, xs, y)
    >>> sorted(grads) == sorted(params), loss > 0
    (True, True)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from qa.core import gru, init, losses, lstm, output, rnn
from qa.core.activations import check_activation

__all__ = ["CELLS", "SequenceModel"]

CELLS = ("rnn", "lstm", "gru")
Params = dict[str, np.ndarray]


@dataclass(frozen=True, kw_only=True)
class SequenceModel:
    """Configuration of a one-layer recurrent model with a read-out and a loss.

    Attributes:
        cell: `"rnn"`, `"lstm"` or `"gru"`.
        activation: φ of the standard RNN cell (ignored by gated cells).
        readout: `"all"` (every step) or `"last"` (final state only).
        loss: `"ce"` (softmax cross-entropy) or `"mse"`.
        time_reduction: For `readout="all"` with `"ce"`: `"sum"` over steps or `"mean"`.
        forget_bias: Constant added to the LSTM forget gate (see `qa.core.lstm`).
    """

    cell: str = "rnn"
    activation: str = "tanh"
    readout: str = "all"
    loss: str = "ce"
    time_reduction: str = "mean"
    forget_bias: float = 0.0

    def __post_init__(self) -> None:
        if self.cell not in CELLS:
            raise ValueError(f"cell: expected one of {', '.join(CELLS)}, got {self.cell!r}")
        check_activation(self.activation)
        if self.readout not in ("all", "last"):
            raise ValueError(f"readout: expected 'all' or 'last', got {self.readout!r}")
        if self.loss not in ("ce", "mse"):
            raise ValueError(f"loss: expected 'ce' or 'mse', got {self.loss!r}")

    @property
    def cell_keys(self) -> tuple[str, ...]:
        """Keys of the cell's parameters."""
        return ("U", "W", "b", "b_hn") if self.cell == "gru" else ("U", "W", "b")

    def init(
        self,
        rng: np.random.Generator,
        input_size: int,
        hidden_size: int,
        output_size: int,
        *,
        dtype: type = np.float64,
        **cell_kwargs: Any,
    ) -> Params:
        """Fresh parameters: the cell's (from `qa.core.init`) and the output layer's.

        `cell_kwargs` go to `init.rnn_params` (e.g. `recurrent="identity"`),
        `init.lstm_params` (e.g. `forget_bias=1.0`) or `init.gru_params`.
        """
        maker = {"rnn": init.rnn_params, "lstm": init.lstm_params, "gru": init.gru_params}
        params = maker[self.cell](rng, input_size, hidden_size, dtype=dtype, **cell_kwargs)
        params.update(init.output_params(rng, hidden_size, output_size, dtype=dtype))
        return params

    def _cell_forward(self, params: Params, xs: np.ndarray) -> tuple[np.ndarray, Any]:
        cp = {k: params[k] for k in self.cell_keys}
        if self.cell == "rnn":
            return rnn.forward(cp, xs, activation=self.activation)
        if self.cell == "lstm":
            return lstm.forward(cp, xs, forget_bias=self.forget_bias)
        return gru.forward(cp, xs)

    def _cell_backward(self, dhs: np.ndarray, cache: Any) -> Params:
        module = {"rnn": rnn, "lstm": lstm, "gru": gru}[self.cell]
        grads, _, _ = module.backward(dhs, cache)
        return grads

    def _check(self, params: Params) -> None:
        expected = set(self.cell_keys) | {"V", "c"}
        if set(params) != expected:
            raise ValueError(
                f"params: expected keys {sorted(expected)} for a {self.cell} model, "
                f"got {sorted(params)}"
            )

    def states(self, params: Params, xs: np.ndarray) -> np.ndarray:
        r"""Hidden states $h_1 \dots h_T$, shape `(T, B, H)` (a new array)."""
        self._check(params)
        hs, _ = self._cell_forward(params, xs)
        return hs.copy()

    def predict(self, params: Params, xs: np.ndarray) -> np.ndarray:
        """Outputs $o_t$, `(T, B, O)`, or $o_T$, `(B, O)`: logits for "ce", values for "mse"."""
        self._check(params)
        hs, _ = self._cell_forward(params, xs)
        top = hs if self.readout == "all" else hs[-1]
        out, _ = output.forward({"V": params["V"], "c": params["c"]}, top)
        return out

    def loss_and_grads(
        self, params: Params, xs: np.ndarray, targets: np.ndarray
    ) -> tuple[float, Params]:
        """The loss on a batch and its gradient with respect to every parameter.

        Args:
            params: Parameter dict (cell keys plus `V`, `c`).
            xs: Inputs, shape `(T, B, D)`.
            targets: For `"ce"`: integer classes `(T, B)` (`readout="all"`, -1 = ignore) or
                `(B,)`; for `"mse"`: values `(T, B, O)` or `(B, O)`.

        Returns:
            `(loss, grads)`, `grads` with the keys of `params`.
        """
        self._check(params)
        hs, cache = self._cell_forward(params, xs)
        top = hs if self.readout == "all" else hs[-1]
        head = {"V": params["V"], "c": params["c"]}
        out, out_cache = output.forward(head, top)
        if self.loss == "ce":
            value, dout = losses.softmax_cross_entropy(
                out, targets, time_reduction=self.time_reduction
            )
        else:
            value, dout = losses.mse(out, np.asarray(targets, dtype=out.dtype))
        head_grads, dtop = output.backward(dout, out_cache)
        if self.readout == "all":
            dhs = dtop
        else:
            dhs = np.zeros_like(hs)
            dhs[-1] = dtop
        grads = self._cell_backward(dhs, cache)
        grads.update(head_grads)
        return value, grads
