r"""The unrolled RNN with one dummy copy of the recurrent matrix per step.

Goodfellow et al. (2016, §10.2.2) explain the gradient of a shared weight by giving every step
its own copy $W^{(t)}$, constrained to equal $W$:

$$
\begin{aligned}
h_t &= \phi\big(U x_t + W^{(t)} h_{t-1} + b\big),\\
\nabla_W L &= \sum_{t=1}^{T} \nabla_{W^{(t)}} L \quad\text{at } W^{(1)} = \dots = W^{(T)} = W .
\end{aligned}
$$

`forward` runs the cell with a separate `W` for each step (built from the engine's teaching
step functions, `qa.core.rnn.step_forward`), and `backward` returns each step's gradient
contribution separately instead of their sum. With all copies equal, the sums are what
`qa.core.rnn.backward` returns. Answer modules use this to show the contribution of each use of
$W$ (6.6), to check one term of the unrolled BPTT sum at a time by perturbing one copy (6.9), and
to split a gradient by time distance (6.9b).

Examples:
    >>> import numpy as np
    >>> from qa.core import init, rnn
    >>> rng = np.random.default_rng(0)
    >>> params = init.rnn_params(rng, input_size=2, hidden_size=3)
    >>> xs = rng.standard_normal((4, 1, 2))
    >>> hs, caches = forward(params, copies(params["W"], 4), xs)
    >>> per_step, _, _ = backward(np.ones_like(hs), caches)
    >>> per_step["W"].shape                              # one (H, H) contribution per step
    (4, 3, 3)
    >>> grads, _, _ = rnn.backward(np.ones_like(hs), rnn.forward(params, xs)[1])
    >>> bool(np.allclose(per_step["W"].sum(axis=0), grads["W"], rtol=1e-12, atol=1e-15))
    True
"""

from __future__ import annotations

import numpy as np

from qa.core import rnn
from qa.core._checks import check_array

__all__ = ["backward", "copies", "forward"]

Params = dict[str, np.ndarray]


def copies(W: np.ndarray, steps: int) -> np.ndarray:
    """`steps` independent copies of `W`, shape `(T, H, H)` (a new array).

    Examples:
        >>> copies(np.eye(2), 3).shape
        (3, 2, 2)
    """
    return np.repeat(np.asarray(W)[None], steps, axis=0)


def forward(
    params: Params,
    Ws: np.ndarray,
    xs: np.ndarray,
    h0: np.ndarray | None = None,
    *,
    activation: str = "tanh",
) -> tuple[np.ndarray, list[rnn.StepCache]]:
    r"""Run the cell with the copy `Ws[t]` as the recurrent matrix of step `t`.

    Args:
        params: `{"U": (H, D), "W": (H, H), "b": (H,)}`; `params["W"]` is not used.
        Ws: One recurrent matrix per step, shape `(T, H, H)`.
        xs: Inputs, shape `(T, B, D)`.
        h0: Initial state, shape `(B, H)`; zeros if None.
        activation: As in `qa.core.rnn`.

    Returns:
        `(hs, caches)`: the states $h_1, \dots, h_T$, shape `(T, B, H)`, and one
        `rnn.StepCache` per step for `backward`.

    Raises:
        ValueError: For wrong shapes, e.g. a number of copies different from `T`.
    """
    T, B, _ = check_array("xs", xs, (None, None, None)).shape
    H = params["W"].shape[0]
    check_array("Ws", Ws, (T, H, H))
    h = np.zeros((B, H), dtype=xs.dtype) if h0 is None else h0
    hs, caches = [], []
    for t in range(T):
        step_params = {"U": params["U"], "W": Ws[t], "b": params["b"]}
        h, cache = rnn.step_forward(step_params, xs[t], h, activation=activation)
        hs.append(h)
        caches.append(cache)
    return np.stack(hs), caches


def backward(
    dhs: np.ndarray, caches: list[rnn.StepCache]
) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    r"""BPTT that keeps the contribution of every step apart.

    Args:
        dhs: $\partial L / \partial h_t$ from the layers above only, shape `(T, B, H)`.
        caches: From `forward`.

    Returns:
        `(per_step, dxs, dh0)`: `per_step["W"][t]` is $\nabla_{W^{(t)}} L$, shape `(T, H, H)`;
        likewise `per_step["U"]` `(T, H, D)` and `per_step["b"]` `(T, H)` for the step-`t` uses
        of `U` and `b`. `dxs` is `(T, B, D)` and `dh0` is $\partial L/\partial h_0$, `(B, H)`.
    """
    T = len(caches)
    check_array("dhs", dhs, (T, *caches[0].h.shape))
    per_step: dict[str, list[np.ndarray]] = {"U": [], "W": [], "b": []}
    dxs = []
    carry = np.zeros_like(dhs[0])
    for t in range(T - 1, -1, -1):
        grads, dx, carry = rnn.step_backward(dhs[t] + carry, caches[t])
        for k in per_step:
            per_step[k].append(grads[k])
        dxs.append(dx)
    stacked = {k: np.stack(v[::-1]) for k, v in per_step.items()}
    return stacked, np.stack(dxs[::-1]), carry
