r"""The standard (Elman) recurrent cell and backpropagation through time.

At each step $t = 1, \dots, T$ the cell computes

$$
a_t = U x_t + W h_{t-1} + b, \qquad h_t = \phi(a_t),
$$

with input $x_t \in \mathbb{R}^D$, state $h_t \in \mathbb{R}^H$, `U (H, D)`, `W (H, H)`, `b (H,)`
and $\phi$ one of `tanh`, `sigmoid`, `relu`, `identity`. A batch of `B` sequences is processed at
once, so in code $x_t$ is a `(B, D)` array and $U x_t$ is `x_t @ U.T`.

Backward pass. Let $g_t = \partial L / \partial h_t$ be the *total* gradient reaching $h_t$:
from the loss directly ($\bar g_t$, the `dhs` argument) and through $h_{t+1}$. Then

$$
\delta_t = \phi'(a_t) \odot g_t, \qquad g_{t-1} = \bar g_{t-1} + W^\top \delta_t,
$$

$$
\frac{\partial L}{\partial W} = \sum_t \delta_t h_{t-1}^\top, \qquad
\frac{\partial L}{\partial U} = \sum_t \delta_t x_t^\top, \qquad
\frac{\partial L}{\partial b} = \sum_t \delta_t .
$$

The step functions (`step_forward`, `step_backward`) do one step at a time, for teaching.
The sequence functions (`forward`, `backward`) give the same numbers (to about 1e-12 in
float64) but do the non-recurrent work for all steps at once: one matrix product for every
$U x_t$, one for all of $\partial L/\partial W$, one for $\partial L/\partial U$, one for
$\partial L/\partial x$. Only $W h_{t-1}$ and $W^\top \delta_t$ remain inside the time loop,
since each needs the previous step's result.

Examples:
    >>> import numpy as np
    >>> from qa.core import init
    >>> rng = np.random.default_rng(0)
    >>> params = init.rnn_params(rng, input_size=3, hidden_size=4)
    >>> xs = rng.standard_normal((5, 2, 3))            # T=5 steps, B=2 sequences, D=3
    >>> hs, cache = forward(params, xs)
    >>> hs.shape
    (5, 2, 4)
    >>> grads, dxs, dh0 = backward(np.ones_like(hs), cache)
    >>> sorted(grads), dxs.shape, dh0.shape
    (['U', 'W', 'b'], (5, 2, 3), (2, 4))
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from qa.core._checks import check_array, check_keys, check_same_dtype
from qa.core.activations import apply_, check_activation, derivative_from_output

__all__ = ["Cache", "StepCache", "backward", "forward", "step_backward", "step_forward"]

Params = dict[str, np.ndarray]
KEYS = ("U", "W", "b")


def _check_params(params: Params) -> tuple[int, int]:
    check_keys("params", params, KEYS)
    H, D = check_array("params['U']", params["U"], (None, None)).shape
    check_array("params['W']", params["W"], (H, H))
    check_array("params['b']", params["b"], (H,))
    check_same_dtype(U=params["U"], W=params["W"], b=params["b"])
    return D, H


# --------------------------------------------------------------------------- one step


class StepCache(NamedTuple):
    """What `step_backward` needs from `step_forward`."""

    x: np.ndarray  # (B, D) input at this step
    h_prev: np.ndarray  # (B, H) state entering the step
    h: np.ndarray  # (B, H) state leaving it; φ′ is computed from it
    U: np.ndarray
    W: np.ndarray
    activation: str


def step_forward(
    params: Params, x: np.ndarray, h_prev: np.ndarray, *, activation: str = "tanh"
) -> tuple[np.ndarray, StepCache]:
    r"""One step: $h_t = \phi(U x_t + W h_{t-1} + b)$.

    Args:
        params: `{"U": (H, D), "W": (H, H), "b": (H,)}`.
        x: Input at this step, shape `(B, D)`.
        h_prev: State entering the step, shape `(B, H)`.
        activation: `"tanh"`, `"sigmoid"`, `"relu"` or `"identity"`.

    Returns:
        `(h, cache)`: the new state, shape `(B, H)`, and what `step_backward` needs.

    Examples:
        >>> params = {"U": np.eye(2), "W": np.zeros((2, 2)), "b": np.zeros(2)}
        >>> h, _ = step_forward(params, np.array([[0.0, 1.0]]), np.zeros((1, 2)))
        >>> [round(v, 4) for v in h[0].tolist()]
        [0.0, 0.7616]
    """
    D, H = _check_params(params)
    check_activation(activation)
    check_array("x", x, (None, D))
    check_array("h_prev", h_prev, (x.shape[0], H))
    check_same_dtype(U=params["U"], x=x, h_prev=h_prev)
    h = apply_(activation, x @ params["U"].T + h_prev @ params["W"].T + params["b"])
    return h, StepCache(x, h_prev, h, params["U"], params["W"], activation)


def step_backward(dh: np.ndarray, cache: StepCache) -> tuple[Params, np.ndarray, np.ndarray]:
    r"""Backward through one step.

    Args:
        dh: $\partial L / \partial h_t$, the total gradient reaching this step's output,
            shape `(B, H)`.
        cache: From `step_forward`.

    Returns:
        `(grads, dx, dh_prev)`: `grads` has the keys of `params` (this step's contribution
        only), `dx` is `(B, D)` and `dh_prev` is $\partial L / \partial h_{t-1}$ through this
        step, `(B, H)`.

    Examples:
        >>> params = {"U": np.eye(2), "W": np.eye(2), "b": np.zeros(2)}
        >>> h, cache = step_forward(params, np.zeros((1, 2)), np.zeros((1, 2)))
        >>> grads, dx, dh_prev = step_backward(np.ones((1, 2)), cache)
        >>> grads["b"].tolist(), dh_prev.tolist()     # tanh'(0) = 1
        ([1.0, 1.0], [[1.0, 1.0]])
    """
    check_array("dh", dh, cache.h.shape)
    delta = derivative_from_output(cache.activation, cache.h)
    delta *= dh  # δ = φ′(a) ⊙ dh
    grads = {"U": delta.T @ cache.x, "W": delta.T @ cache.h_prev, "b": delta.sum(axis=0)}
    return grads, delta @ cache.U, delta @ cache.W


# --------------------------------------------------------------------------- a sequence


class Cache(NamedTuple):
    """What `backward` needs from `forward`."""

    xs: np.ndarray  # (T, B, D)
    hs: np.ndarray  # (T+1, B, H): h_0, h_1, ..., h_T
    U: np.ndarray
    W: np.ndarray
    activation: str


def forward(
    params: Params, xs: np.ndarray, h0: np.ndarray | None = None, *, activation: str = "tanh"
) -> tuple[np.ndarray, Cache]:
    r"""Run the cell over a batch of sequences.

    Args:
        params: `{"U": (H, D), "W": (H, H), "b": (H,)}`.
        xs: Inputs, shape `(T, B, D)`.
        h0: Initial state, shape `(B, H)`; zeros if None.
        activation: `"tanh"`, `"sigmoid"`, `"relu"` or `"identity"`.

    Returns:
        `(hs, cache)`: the states $h_1, \dots, h_T$, shape `(T, B, H)` (a view into the
        cache: copy it before writing to it), and what `backward` needs.

    Raises:
        ValueError: For wrong shapes or dtypes, or an unknown activation.

    Examples:
        >>> params = {"U": np.ones((1, 1)), "W": np.ones((1, 1)), "b": np.zeros(1)}
        >>> hs, _ = forward(params, np.ones((3, 1, 1)), activation="identity")
        >>> hs[:, 0, 0].tolist()      # h_t = x_t + h_{t-1}: a running sum
        [1.0, 2.0, 3.0]
    """
    D, H = _check_params(params)
    check_activation(activation)
    T, B, _ = check_array("xs", xs, (None, None, D)).shape
    if h0 is not None:
        check_array("h0", h0, (B, H))
    dtype = check_same_dtype(U=params["U"], xs=xs, h0=h0)
    U, W = params["U"], params["W"]

    # Every U x_t + b at once: one (T·B, D) × (D, H) product outside the loop.
    pre = (xs.reshape(T * B, D) @ U.T).reshape(T, B, H)
    pre += params["b"]

    hs = np.empty((T + 1, B, H), dtype=dtype)
    hs[0] = 0 if h0 is None else h0
    WT = W.T
    for t in range(T):
        a = np.dot(hs[t], WT, out=hs[t + 1])  # W h_{t-1}, written in place
        a += pre[t]
        apply_(activation, a)  # h_t = φ(a_t)
    return hs[1:], Cache(xs, hs, U, W, activation)


def backward(dhs: np.ndarray, cache: Cache) -> tuple[Params, np.ndarray, np.ndarray]:
    r"""Backpropagation through time over the whole sequence.

    Args:
        dhs: $\partial L / \partial h_t$ from the layers above only (not through time),
            shape `(T, B, H)`; e.g. $V^\top (\hat y_t - y_t)$ for a softmax output layer.
        cache: From `forward`.

    Returns:
        `(grads, dxs, dh0)`: `grads` with keys `U`, `W`, `b` (summed over time and batch),
        `dxs` shape `(T, B, D)`, and `dh0` = $\partial L / \partial h_0$, shape `(B, H)`.

    Examples:
        >>> params = {"U": np.ones((1, 1)), "W": np.full((1, 1), 0.5), "b": np.zeros(1)}
        >>> hs, cache = forward(params, np.ones((3, 1, 1)), activation="identity")
        >>> dhs = np.zeros_like(hs); dhs[-1] = 1.0     # L = h_3
        >>> grads, dxs, dh0 = backward(dhs, cache)
        >>> dxs[:, 0, 0].tolist()                      # ∂h_3/∂x_t = 0.5^(3-t)
        [0.25, 0.5, 1.0]
    """
    xs, hs, U, W, activation = cache
    T, B, D = xs.shape
    H = W.shape[0]
    check_array("dhs", dhs, (T, B, H))
    check_same_dtype(dhs=dhs, hs=hs)

    # φ′(a_t) for every step at once, from the cached outputs.
    deltas = derivative_from_output(activation, hs[1:])  # (T, B, H), becomes δ_t in the loop
    carry = np.zeros((B, H), dtype=hs.dtype)  # W^T δ_{t+1}: gradient reaching h_t through time
    for t in range(T - 1, -1, -1):
        g = np.add(dhs[t], carry, out=carry)  # g_t: total gradient at h_t
        delta = deltas[t]
        delta *= g  # δ_t = φ′(a_t) ⊙ g_t
        carry = np.dot(delta, W, out=g)  # W^T δ_t, as rows: δ_t W

    flat = deltas.reshape(T * B, H)
    grads = {
        "U": flat.T @ xs.reshape(T * B, D),
        "W": flat.T @ hs[:-1].reshape(T * B, H),
        "b": flat.sum(axis=0),
    }
    dxs = (flat @ U).reshape(T, B, D)
    return grads, dxs, carry
