r"""The long short-term memory cell (LSTM) and its backward pass through time.

With the four gate blocks stacked in the order **i, f, g, o** (as PyTorch does):

$$
\begin{aligned}
\begin{bmatrix} \tilde\imath_t \\ \tilde f_t \\ \tilde g_t \\ \tilde o_t \end{bmatrix}
  &= U x_t + W h_{t-1} + b, \\
i_t = \sigma(\tilde\imath_t), \quad f_t &= \sigma(\tilde f_t + \beta_f), \quad
g_t = \tanh(\tilde g_t), \quad o_t = \sigma(\tilde o_t), \\
c_t &= f_t \odot c_{t-1} + i_t \odot g_t, \\
h_t &= o_t \odot \tanh(c_t),
\end{aligned}
$$

with `U (4H, D)`, `W (4H, H)`, `b (4H,)` and $\beta_f$ the optional constant `forget_bias`
(0 by default, so that the parameters alone define the cell; `init.lstm_params` instead puts a
1 in the forget block of `b`). PyTorch's two bias vectors add up to our `b`.

Why it helps with long spans: along the cell path $\partial c_t / \partial c_{t-1} =
\operatorname{diag}(f_t)$, a gate the network controls, instead of a product of $W$ and a
squashing derivative. With $f_t \approx 1$ the error flows back many steps almost unchanged.

The sequence functions reorder the gate blocks internally to i, f, o, g so that the three
sigmoid gates are contiguous, and compute $\sigma(a) = \tfrac12 + \tfrac12\tanh(a/2)$ with one
`tanh` over all four blocks (the 1/2 is folded into the weights exactly, being a power of two).
The public layout and the results are unchanged.

Examples:
    >>> import numpy as np
    >>> from qa.core import init
    >>> rng = np.random.default_rng(0)
    >>> params = init.lstm_params(rng, input_size=3, hidden_size=4)
    >>> hs, cache = forward(params, rng.standard_normal((6, 2, 3)))
    >>> grads, dxs, (dh0, dc0) = backward(np.ones_like(hs), cache)
    >>> hs.shape, grads["W"].shape, dc0.shape
    ((6, 2, 4), (16, 4), (2, 4))
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from qa.core._checks import check_array, check_keys, check_same_dtype
from qa.core.activations import sigmoid

__all__ = ["GATES", "Cache", "StepCache", "backward", "forward", "step_backward", "step_forward"]

Params = dict[str, np.ndarray]
KEYS = ("U", "W", "b")
GATES = ("i", "f", "g", "o")


def _check_params(params: Params) -> tuple[int, int]:
    check_keys("params", params, KEYS)
    rows, D = check_array("params['U']", params["U"], (None, None)).shape
    if rows % 4:
        raise ValueError(f"params['U']: expected 4H rows (gate blocks i, f, g, o), got {rows} rows")
    H = rows // 4
    check_array("params['W']", params["W"], (4 * H, H))
    check_array("params['b']", params["b"], (4 * H,))
    check_same_dtype(U=params["U"], W=params["W"], b=params["b"])
    return D, H


def _check_state(state: tuple[np.ndarray, np.ndarray] | None, B: int, H: int, name: str) -> None:
    if state is None:
        return
    if not (isinstance(state, tuple) and len(state) == 2):
        raise ValueError(f"{name}: expected a pair (h, c) of (B, H) arrays, got {type(state)}")
    check_array(f"{name}[0] (h)", state[0], (B, H))
    check_array(f"{name}[1] (c)", state[1], (B, H))


# --------------------------------------------------------------------------- one step


class StepCache(NamedTuple):
    """What `step_backward` needs from `step_forward`."""

    x: np.ndarray  # (B, D)
    h_prev: np.ndarray  # (B, H)
    c_prev: np.ndarray  # (B, H)
    i: np.ndarray  # (B, H) gates after their nonlinearity
    f: np.ndarray
    g: np.ndarray
    o: np.ndarray
    tanh_c: np.ndarray  # (B, H)
    U: np.ndarray
    W: np.ndarray


def step_forward(
    params: Params,
    x: np.ndarray,
    state_prev: tuple[np.ndarray, np.ndarray],
    *,
    forget_bias: float = 0.0,
) -> tuple[tuple[np.ndarray, np.ndarray], StepCache]:
    """One LSTM step, written gate by gate for reading.

    Args:
        params: `{"U": (4H, D), "W": (4H, H), "b": (4H,)}`, blocks i, f, g, o.
        x: Input, shape `(B, D)`.
        state_prev: `(h_prev, c_prev)`, each `(B, H)`.
        forget_bias: Constant added to the forget gate's pre-activation.

    Returns:
        `((h, c), cache)`.

    Examples:
        >>> H, D = 1, 1
        >>> params = {"U": np.zeros((4, 1)), "W": np.zeros((4, 1)), "b": np.zeros(4)}
        >>> (h, c), _ = step_forward(params, np.zeros((1, 1)), (np.zeros((1, 1)), np.ones((1, 1))))
        >>> c.item()              # f = σ(0) = 1/2 keeps half of c_prev; g = tanh(0) = 0
        0.5
    """
    D, H = _check_params(params)
    check_array("x", x, (None, D))
    _check_state(state_prev, x.shape[0], H, "state_prev")
    h_prev, c_prev = state_prev
    check_same_dtype(U=params["U"], x=x, h_prev=h_prev, c_prev=c_prev)
    a = x @ params["U"].T + h_prev @ params["W"].T + params["b"]  # (B, 4H)
    i = sigmoid(a[:, :H])
    f = sigmoid(a[:, H : 2 * H] + forget_bias)
    g = np.tanh(a[:, 2 * H : 3 * H])
    o = sigmoid(a[:, 3 * H :])
    c = f * c_prev + i * g
    tanh_c = np.tanh(c)
    h = o * tanh_c
    return (h, c), StepCache(x, h_prev, c_prev, i, f, g, o, tanh_c, params["U"], params["W"])


def step_backward(
    dstate: tuple[np.ndarray, np.ndarray], cache: StepCache
) -> tuple[Params, np.ndarray, tuple[np.ndarray, np.ndarray]]:
    """Backward through one LSTM step.

    Args:
        dstate: `(dh, dc)`: total gradients reaching this step's `h` and `c`, each `(B, H)`.
        cache: From `step_forward`.

    Returns:
        `(grads, dx, (dh_prev, dc_prev))`.

    Examples:
        >>> rng = np.random.default_rng(0)
        >>> params = {"U": rng.normal(size=(8, 3)), "W": rng.normal(size=(8, 2)), "b": np.zeros(8)}
        >>> state, cache = step_forward(params, rng.normal(size=(1, 3)), (np.zeros((1, 2)),) * 2)
        >>> dstate = (np.ones((1, 2)), np.zeros((1, 2)))
        >>> grads, dx, (dh_prev, dc_prev) = step_backward(dstate, cache)
        >>> grads["U"].shape, dx.shape
        ((8, 3), (1, 3))
    """
    dh, dc_next = dstate
    check_array("dh", dh, cache.h_prev.shape)
    check_array("dc", dc_next, cache.c_prev.shape)
    i, f, g, o, tanh_c = cache.i, cache.f, cache.g, cache.o, cache.tanh_c
    do = dh * tanh_c
    dc = dc_next + dh * o * (1 - tanh_c**2)  # the cell receives from h_t and from c_{t+1}
    di = dc * g
    df = dc * cache.c_prev
    dg = dc * i
    da = np.concatenate(  # back through each gate's nonlinearity, blocks i, f, g, o
        [di * i * (1 - i), df * f * (1 - f), dg * (1 - g**2), do * o * (1 - o)], axis=1
    )
    grads = {"U": da.T @ cache.x, "W": da.T @ cache.h_prev, "b": da.sum(axis=0)}
    return grads, da @ cache.U, (da @ cache.W, dc * f)


# --------------------------------------------------------------------------- a sequence


class Cache(NamedTuple):
    """What `backward` needs from `forward` (gate blocks in the internal order i, f, o, g)."""

    xs: np.ndarray  # (T, B, D)
    hs: np.ndarray  # (T+1, B, H): h_0 ... h_T
    cs: np.ndarray  # (T+1, B, H): c_0 ... c_T
    tanh_cs: np.ndarray  # (T, B, H)
    gates: np.ndarray  # (T, B, 4H): i, f, o, g after their nonlinearities
    U: np.ndarray  # (4H, D) rows permuted to i, f, o, g
    W: np.ndarray  # (4H, H) rows permuted to i, f, o, g


def _internal_order(H: int) -> np.ndarray:
    """Row permutation from the public gate order i, f, g, o to the internal i, f, o, g.

    Swapping two blocks is its own inverse, so the same permutation maps back.
    """
    return np.r_[0 : 2 * H, 3 * H : 4 * H, 2 * H : 3 * H]


def forward(
    params: Params,
    xs: np.ndarray,
    state0: tuple[np.ndarray, np.ndarray] | None = None,
    *,
    forget_bias: float = 0.0,
) -> tuple[np.ndarray, Cache]:
    r"""Run the LSTM over a batch of sequences.

    Args:
        params: `{"U": (4H, D), "W": (4H, H), "b": (4H,)}`, gate blocks i, f, g, o.
        xs: Inputs, shape `(T, B, D)`.
        state0: Initial `(h0, c0)`, each `(B, H)`; zeros if None.
        forget_bias: Constant added to the forget gate's pre-activation.

    Returns:
        `(hs, cache)`: hidden states $h_1 \dots h_T$, shape `(T, B, H)` (a view into the cache),
        and what `backward` needs. The cell states are in `cache.cs[1:]`.

    Raises:
        ValueError: For wrong shapes, dtypes or gate layout.

    Examples:
        >>> params = {"U": np.zeros((4, 1)), "W": np.zeros((4, 1)), "b": np.zeros(4)}
        >>> hs, cache = forward(params, np.zeros((2, 1, 1)), forget_bias=100.0)
        >>> cache.cs[1:, 0, 0].tolist()      # f = 1, g = 0: the cell keeps c0 = 0
        [0.0, 0.0]
    """
    D, H = _check_params(params)
    T, B, _ = check_array("xs", xs, (None, None, D)).shape
    _check_state(state0, B, H, "state0")
    h0, c0 = (None, None) if state0 is None else state0
    dtype = check_same_dtype(U=params["U"], xs=xs, h0=h0, c0=c0)

    order = _internal_order(H)
    U, W = params["U"][order], params["W"][order]
    b = params["b"][order]
    b[H : 2 * H] += forget_bias
    # σ(a) = ½ + ½ tanh(a/2): halve the sigmoid rows once, then one tanh covers all four blocks.
    half = np.ones(4 * H, dtype=dtype)
    half[: 3 * H] = 0.5
    Us, WsT, bs = U * half[:, None], (W * half[:, None]).T, b * half

    pre = (xs.reshape(T * B, D) @ Us.T).reshape(T, B, 4 * H)
    pre += bs
    hs = np.empty((T + 1, B, H), dtype=dtype)
    cs = np.empty((T + 1, B, H), dtype=dtype)
    hs[0] = 0 if h0 is None else h0
    cs[0] = 0 if c0 is None else c0
    tanh_cs = np.empty((T, B, H), dtype=dtype)
    gates = np.empty((T, B, 4 * H), dtype=dtype)
    ig = np.empty((B, H), dtype=dtype)
    for t in range(T):
        z = np.dot(hs[t], WsT, out=gates[t])
        z += pre[t]
        np.tanh(z, out=z)
        sig = z[:, : 3 * H]
        sig *= 0.5
        sig += 0.5
        i, f, o, g = z[:, :H], z[:, H : 2 * H], z[:, 2 * H : 3 * H], z[:, 3 * H :]
        c = np.multiply(f, cs[t], out=cs[t + 1])  # c_t = f ⊙ c_{t-1} + i ⊙ g
        c += np.multiply(i, g, out=ig)
        np.multiply(o, np.tanh(c, out=tanh_cs[t]), out=hs[t + 1])  # h_t = o ⊙ tanh(c_t)
    return hs[1:], Cache(xs, hs, cs, tanh_cs, gates, U, W)


def backward(
    dhs: np.ndarray, cache: Cache
) -> tuple[Params, np.ndarray, tuple[np.ndarray, np.ndarray]]:
    r"""Backpropagation through time for the LSTM.

    Args:
        dhs: $\partial L/\partial h_t$ from the layers above only, shape `(T, B, H)`.
        cache: From `forward`.

    Returns:
        `(grads, dxs, (dh0, dc0))`: `grads` with keys `U`, `W`, `b` in the public gate order
        i, f, g, o; `dxs` shape `(T, B, D)`; gradients with respect to the initial state.

    Examples:
        >>> rng = np.random.default_rng(1)
        >>> from qa.core import init
        >>> params = init.lstm_params(rng, 2, 3)
        >>> hs, cache = forward(params, rng.normal(size=(4, 1, 2)))
        >>> grads, dxs, _ = backward(np.ones_like(hs), cache)
        >>> sorted(grads) == ["U", "W", "b"] and grads["b"].shape == (12,)
        True
    """
    xs, hs, cs, tanh_cs, gates, U, W = cache
    T, B, D = xs.shape
    H = hs.shape[2]
    check_array("dhs", dhs, (T, B, H))
    check_same_dtype(dhs=dhs, hs=hs)

    dgates = np.empty_like(gates)  # ∂L/∂(pre-activations), internal order i, f, o, g
    dh = np.zeros((B, H), dtype=hs.dtype)  # total gradient at h_t
    carry_h = np.zeros((B, H), dtype=hs.dtype)  # part of it arriving through time
    dc = np.zeros((B, H), dtype=hs.dtype)  # total gradient at c_t
    tmp = np.empty((B, H), dtype=hs.dtype)
    fac = np.empty((B, 4 * H), dtype=hs.dtype)
    for t in range(T - 1, -1, -1):
        z = gates[t]
        i, f, o, g = z[:, :H], z[:, H : 2 * H], z[:, 2 * H : 3 * H], z[:, 3 * H :]
        tc = tanh_cs[t]
        np.add(dhs[t], carry_h, out=dh)
        # The cell gets o ⊙ tanh'(c_t) ⊙ dh from h_t, on top of f_{t+1} ⊙ dc_{t+1} (already in dc).
        np.multiply(tc, tc, out=tmp)
        np.subtract(1, tmp, out=tmp)
        tmp *= o
        tmp *= dh
        dc += tmp
        d = dgates[t]
        np.multiply(dc, g, out=d[:, :H])  # ∂L/∂i
        np.multiply(dc, cs[t], out=d[:, H : 2 * H])  # ∂L/∂f
        np.multiply(dh, tc, out=d[:, 2 * H : 3 * H])  # ∂L/∂o
        np.multiply(dc, i, out=d[:, 3 * H :])  # ∂L/∂g
        # Back through the nonlinearities: σ' = s(1 - s) for i, f, o and tanh' = 1 - g² for g.
        np.multiply(z, z, out=fac)
        np.subtract(z, fac, out=fac)
        fg = fac[:, 3 * H :]
        np.multiply(g, g, out=fg)
        np.subtract(1, fg, out=fg)
        d *= fac
        dc *= f  # what flows on to c_{t-1}
        np.dot(d, W, out=carry_h)

    flat = dgates.reshape(T * B, 4 * H)
    order = _internal_order(H)  # self-inverse: maps the rows back to i, f, g, o
    grads = {
        "U": (flat.T @ xs.reshape(T * B, D))[order],
        "W": (flat.T @ hs[:-1].reshape(T * B, H))[order],
        "b": flat.sum(axis=0)[order],
    }
    dxs = (flat @ U).reshape(T, B, D)
    return grads, dxs, (carry_h, dc)
