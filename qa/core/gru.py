r"""The gated recurrent unit (GRU) and its backward pass through time.

Convention: PyTorch's and cuDNN's, with the gate blocks stacked **r, z, n** and the reset gate
applied *after* the recurrent matrix product:

$$
\begin{aligned}
r_t &= \sigma(U_r x_t + W_r h_{t-1} + b_r), \\
z_t &= \sigma(U_z x_t + W_z h_{t-1} + b_z), \\
n_t &= \tanh\big(U_n x_t + b_n + r_t \odot (W_n h_{t-1} + b_{hn})\big), \\
h_t &= (1 - z_t) \odot n_t + z_t \odot h_{t-1},
\end{aligned}
$$

with `U (3H, D)`, `W (3H, H)`, `b (3H,)` and `b_hn (H,)`. The extra bias `b_hn` sits inside the
reset gate's product, so it cannot be merged into `b`; PyTorch's `bias_ih + bias_hh` gives `b`
except in the n block, where `b = bias_ih[n]` and `b_hn = bias_hh[n]`.

Cho et al. (2014) apply the reset gate *before* the product, $U_n x_t + W_n (r_t \odot h_{t-1})$,
and Chung et al. (2014) swap the roles of $z$ and $1 - z$. The variants train alike but their
weights are not interchangeable. Applying $r$ after the product lets one matrix product
$W h_{t-1}$ serve all three blocks at each step.

Examples:
    >>> import numpy as np
    >>> from qa.core import init
    >>> rng = np.random.default_rng(0)
    >>> params = init.gru_params(rng, input_size=3, hidden_size=4)
    >>> hs, cache = forward(params, rng.standard_normal((6, 2, 3)))
    >>> grads, dxs, dh0 = backward(np.ones_like(hs), cache)
    >>> hs.shape, sorted(grads), dh0.shape
    ((6, 2, 4), ['U', 'W', 'b', 'b_hn'], (2, 4))
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from qa.core._checks import check_array, check_keys, check_same_dtype
from qa.core.activations import sigmoid

__all__ = ["GATES", "Cache", "StepCache", "backward", "forward", "step_backward", "step_forward"]

Params = dict[str, np.ndarray]
KEYS = ("U", "W", "b", "b_hn")
GATES = ("r", "z", "n")


def _check_params(params: Params) -> tuple[int, int]:
    check_keys("params", params, KEYS)
    rows, D = check_array("params['U']", params["U"], (None, None)).shape
    if rows % 3:
        raise ValueError(f"params['U']: expected 3H rows (gate blocks r, z, n), got {rows} rows")
    H = rows // 3
    check_array("params['W']", params["W"], (3 * H, H))
    check_array("params['b']", params["b"], (3 * H,))
    check_array("params['b_hn']", params["b_hn"], (H,))
    check_same_dtype(U=params["U"], W=params["W"], b=params["b"], b_hn=params["b_hn"])
    return D, H


# --------------------------------------------------------------------------- one step


class StepCache(NamedTuple):
    """What `step_backward` needs from `step_forward`."""

    x: np.ndarray  # (B, D)
    h_prev: np.ndarray  # (B, H)
    r: np.ndarray  # (B, H)
    z: np.ndarray  # (B, H)
    n: np.ndarray  # (B, H)
    hn: np.ndarray  # (B, H): W_n h_{t-1} + b_hn, before the reset gate
    U: np.ndarray
    W: np.ndarray


def step_forward(params: Params, x: np.ndarray, h_prev: np.ndarray) -> tuple[np.ndarray, StepCache]:
    """One GRU step, written gate by gate for reading.

    Args:
        params: `{"U": (3H, D), "W": (3H, H), "b": (3H,), "b_hn": (H,)}`, blocks r, z, n.
        x: Input, shape `(B, D)`.
        h_prev: State entering the step, shape `(B, H)`.

    Returns:
        `(h, cache)`.

    Examples:
        >>> params = {"U": np.zeros((3, 1)), "W": np.zeros((3, 1)), "b": np.zeros(3),
        ...           "b_hn": np.zeros(1)}
        >>> h, _ = step_forward(params, np.zeros((1, 1)), np.ones((1, 1)))
        >>> h.item()              # z = 1/2, n = 0: half of h_prev survives
        0.5
    """
    D, H = _check_params(params)
    check_array("x", x, (None, D))
    check_array("h_prev", h_prev, (x.shape[0], H))
    check_same_dtype(U=params["U"], x=x, h_prev=h_prev)
    ax = x @ params["U"].T + params["b"]  # (B, 3H)
    ah = h_prev @ params["W"].T  # (B, 3H)
    r = sigmoid(ax[:, :H] + ah[:, :H])
    z = sigmoid(ax[:, H : 2 * H] + ah[:, H : 2 * H])
    hn = ah[:, 2 * H :] + params["b_hn"]
    n = np.tanh(ax[:, 2 * H :] + r * hn)
    h = (1 - z) * n + z * h_prev
    return h, StepCache(x, h_prev, r, z, n, hn, params["U"], params["W"])


def step_backward(dh: np.ndarray, cache: StepCache) -> tuple[Params, np.ndarray, np.ndarray]:
    """Backward through one GRU step.

    Args:
        dh: Total gradient reaching this step's output, shape `(B, H)`.
        cache: From `step_forward`.

    Returns:
        `(grads, dx, dh_prev)`.

    Examples:
        >>> rng = np.random.default_rng(0)
        >>> params = {"U": rng.normal(size=(6, 3)), "W": rng.normal(size=(6, 2)),
        ...           "b": np.zeros(6), "b_hn": np.zeros(2)}
        >>> h, cache = step_forward(params, rng.normal(size=(1, 3)), np.zeros((1, 2)))
        >>> grads, dx, dh_prev = step_backward(np.ones((1, 2)), cache)
        >>> sorted(grads), dx.shape
        (['U', 'W', 'b', 'b_hn'], (1, 3))
    """
    check_array("dh", dh, cache.h_prev.shape)
    r, z, n, hn = cache.r, cache.z, cache.n, cache.hn
    dn = dh * (1 - z) * (1 - n**2)  # through tanh: gradient of n's pre-activation
    dz = dh * (cache.h_prev - n) * z * (1 - z)
    dr = dn * hn * r * (1 - r)
    dhn = dn * r  # gradient of W_n h_{t-1} + b_hn
    dax = np.concatenate([dr, dz, dn], axis=1)  # pre-activations on the input side
    dah = np.concatenate([dr, dz, dhn], axis=1)  # and on the recurrent side
    grads = {
        "U": dax.T @ cache.x,
        "W": dah.T @ cache.h_prev,
        "b": dax.sum(axis=0),
        "b_hn": dhn.sum(axis=0),
    }
    return grads, dax @ cache.U, dah @ cache.W + dh * z


# --------------------------------------------------------------------------- a sequence


class Cache(NamedTuple):
    """What `backward` needs from `forward`."""

    xs: np.ndarray  # (T, B, D)
    hs: np.ndarray  # (T+1, B, H): h_0 ... h_T
    gates: np.ndarray  # (T, B, 3H): r, z, n after their nonlinearities
    hns: np.ndarray  # (T, B, H): W_n h_{t-1} + b_hn
    U: np.ndarray
    W: np.ndarray


def forward(
    params: Params, xs: np.ndarray, h0: np.ndarray | None = None
) -> tuple[np.ndarray, Cache]:
    r"""Run the GRU over a batch of sequences.

    Args:
        params: `{"U": (3H, D), "W": (3H, H), "b": (3H,), "b_hn": (H,)}`, blocks r, z, n.
        xs: Inputs, shape `(T, B, D)`.
        h0: Initial state, shape `(B, H)`; zeros if None.

    Returns:
        `(hs, cache)`: states $h_1 \dots h_T$, shape `(T, B, H)` (a view into the cache).

    Raises:
        ValueError: For wrong shapes, dtypes or gate layout.

    Examples:
        >>> params = {"U": np.zeros((3, 1)), "W": np.zeros((3, 1)), "b": np.zeros(3),
        ...           "b_hn": np.zeros(1)}
        >>> params["b"][1] = 100.0                      # z ≈ 1: the state is copied forward
        >>> hs, _ = forward(params, np.ones((3, 1, 1)), h0=np.full((1, 1), 0.7))
        >>> [round(v, 6) for v in hs[:, 0, 0].tolist()]
        [0.7, 0.7, 0.7]
    """
    D, H = _check_params(params)
    T, B, _ = check_array("xs", xs, (None, None, D)).shape
    if h0 is not None:
        check_array("h0", h0, (B, H))
    dtype = check_same_dtype(U=params["U"], xs=xs, h0=h0)
    U, W = params["U"], params["W"]

    pre = (xs.reshape(T * B, D) @ U.T).reshape(T, B, 3 * H)
    pre += params["b"]
    pre[:, :, : 2 * H] *= 0.5  # σ(a) = ½ + ½ tanh(a/2) for the r and z blocks
    WT = W.T.copy()
    WT[:, : 2 * H] *= 0.5
    b_hn = params["b_hn"]

    hs = np.empty((T + 1, B, H), dtype=dtype)
    hs[0] = 0 if h0 is None else h0
    gates = np.empty((T, B, 3 * H), dtype=dtype)
    hns = np.empty((T, B, H), dtype=dtype)
    ah = np.empty((B, 3 * H), dtype=dtype)
    for t in range(T):
        np.dot(hs[t], WT, out=ah)
        gt = gates[t]
        rz = np.add(pre[t, :, : 2 * H], ah[:, : 2 * H], out=gt[:, : 2 * H])
        np.tanh(rz, out=rz)
        rz *= 0.5
        rz += 0.5
        r, z, n = gt[:, :H], gt[:, H : 2 * H], gt[:, 2 * H :]
        hn = np.add(ah[:, 2 * H :], b_hn, out=hns[t])
        np.multiply(r, hn, out=n)
        n += pre[t, :, 2 * H :]
        np.tanh(n, out=n)
        h = np.subtract(hs[t], n, out=hs[t + 1])  # h_t = n + z ⊙ (h_{t-1} - n)
        h *= z
        h += n
    return hs[1:], Cache(xs, hs, gates, hns, U, W)


def backward(dhs: np.ndarray, cache: Cache) -> tuple[Params, np.ndarray, np.ndarray]:
    r"""Backpropagation through time for the GRU.

    Args:
        dhs: $\partial L/\partial h_t$ from the layers above only, shape `(T, B, H)`.
        cache: From `forward`.

    Returns:
        `(grads, dxs, dh0)`: `grads` with keys `U`, `W`, `b`, `b_hn`; `dxs` `(T, B, D)`;
        `dh0` `(B, H)`.

    Examples:
        >>> from qa.core import init
        >>> rng = np.random.default_rng(2)
        >>> params = init.gru_params(rng, 2, 3)
        >>> hs, cache = forward(params, rng.normal(size=(4, 1, 2)))
        >>> grads, dxs, dh0 = backward(np.ones_like(hs), cache)
        >>> grads["W"].shape, grads["b_hn"].shape
        ((9, 3), (3,))
    """
    xs, hs, gates, hns, U, W = cache
    T, B, D = xs.shape
    H = hs.shape[2]
    check_array("dhs", dhs, (T, B, H))
    check_same_dtype(dhs=dhs, hs=hs)

    dax = np.empty_like(gates)  # ∂L/∂(input-side pre-activations), blocks r, z, n
    dah = np.empty_like(gates)  # ∂L/∂(recurrent-side pre-activations)
    dh = np.zeros((B, H), dtype=hs.dtype)
    carry = np.zeros((B, H), dtype=hs.dtype)
    tmp = np.empty((B, H), dtype=hs.dtype)
    for t in range(T - 1, -1, -1):
        gt = gates[t]
        r, z, n = gt[:, :H], gt[:, H : 2 * H], gt[:, 2 * H :]
        np.add(dhs[t], carry, out=dh)
        dr, dz, dn = dax[t, :, :H], dax[t, :, H : 2 * H], dax[t, :, 2 * H :]
        # n's pre-activation: dh ⊙ (1 - z) ⊙ (1 - n²)
        np.multiply(n, n, out=tmp)
        np.subtract(1, tmp, out=tmp)
        np.multiply(dh, tmp, out=dn)
        np.subtract(1, z, out=tmp)
        dn *= tmp
        # z's pre-activation: dh ⊙ (h_{t-1} - n) ⊙ z(1 - z)
        np.subtract(hs[t], n, out=dz)
        dz *= dh
        dz *= z
        dz *= tmp
        # r's pre-activation: dn ⊙ hn ⊙ r(1 - r)
        np.multiply(dn, hns[t], out=dr)
        dr *= r
        np.subtract(1, r, out=tmp)
        dr *= tmp
        dah[t, :, : 2 * H] = dax[t, :, : 2 * H]
        np.multiply(dn, r, out=dah[t, :, 2 * H :])  # into W_n h_{t-1} + b_hn
        np.dot(dah[t], W, out=carry)
        carry += np.multiply(dh, z, out=tmp)  # the direct path h_{t-1} → h_t

    fx = dax.reshape(T * B, 3 * H)
    fh = dah.reshape(T * B, 3 * H)
    grads = {
        "U": fx.T @ xs.reshape(T * B, D),
        "W": fh.T @ hs[:-1].reshape(T * B, H),
        "b": fx.sum(axis=0),
        "b_hn": fh[:, 2 * H :].sum(axis=0),
    }
    dxs = (fx @ U).reshape(T, B, D)
    return grads, dxs, carry
