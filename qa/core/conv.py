r"""Dilated causal 1-D convolution, and a temporal convolutional network (TCN) built from it.

A causal convolution with kernel size $k$ and dilation $d$ maps an input sequence
$x_1, \dots, x_T \in \mathbb{R}^{C_{in}}$ to

$$
y_t = \sum_{j=0}^{k-1} W_j \, x_{t - j d} + b, \qquad x_s = 0 \text{ for } s < 1,
$$

with taps `W (k, C_out, C_in)` ($W_j$ multiplies the input $j d$ steps back) and `b (C_out,)`.
The output at step $t$ depends only on inputs up to $t$ (causality), and every $y_t$ is
computed at once: $k$ matrix products over all $T \cdot B$ positions, no loop over time.
That is the parallelism Bai et al. (2018) contrast with a recurrent cell, whose step $t$ must
wait for step $t-1$.

A TCN stacks $L$ levels with dilations $d_i = 2^i$ (by default) and residual connections:

$$
h^{(0)} = x, \qquad
h^{(i+1)} = \operatorname{relu}\big(\operatorname{conv}_{d_i}(h^{(i)})\big) + s_i(h^{(i)}),
$$

where $s_i$ is the identity, except at the first level when $C_{in} \ne C$, where it is a
1×1 convolution `P (1, C, C_in)` (no bias). Its receptive field, the number of past steps
$y_T$ can see, is $1 + (k-1)\sum_i d_i$: $2^L$ for $k = 2$. (Bai et al.'s blocks also hold
two convolutions, weight normalisation and dropout; this is the plain version.)

Backward pass of one convolution, with $\delta_t = \partial L / \partial y_t$:

$$
\frac{\partial L}{\partial W_j} = \sum_t \delta_t \, x_{t-jd}^\top, \qquad
\frac{\partial L}{\partial b} = \sum_t \delta_t, \qquad
\frac{\partial L}{\partial x_s} = \sum_{j} W_j^\top \delta_{s + jd}.
$$

Examples:
    >>> import numpy as np
    >>> params = {"W": np.ones((2, 1, 1)), "b": np.zeros(1)}          # y_t = x_t + x_{t-2}
    >>> ys, cache = forward(params, np.arange(1.0, 6.0).reshape(5, 1, 1), dilation=2)
    >>> ys[:, 0, 0].tolist()
    [1.0, 2.0, 4.0, 6.0, 8.0]
    >>> grads, dxs = backward(np.ones_like(ys), cache)
    >>> dxs[:, 0, 0].tolist()                      # x_s feeds y_s and y_{s+2}
    [2.0, 2.0, 2.0, 1.0, 1.0]
    >>> receptive_field(2, (1, 2, 4, 8, 16, 32, 64))
    128
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from qa.core._checks import check_array, check_keys, check_same_dtype
from qa.core.activations import apply_, derivative_from_output

__all__ = [
    "Cache",
    "TCNCache",
    "backward",
    "forward",
    "receptive_field",
    "tcn_backward",
    "tcn_forward",
    "tcn_levels",
    "tcn_params",
]

Params = dict[str, np.ndarray]


def _check_dilation(dilation: object) -> int:
    if not isinstance(dilation, (int, np.integer)) or isinstance(dilation, bool) or dilation < 1:
        raise ValueError(f"dilation: expected an integer ≥ 1, got {dilation!r}")
    return int(dilation)


def receptive_field(kernel_size: int, dilations: tuple[int, ...] | list[int]) -> int:
    r"""How many steps back a stack of causal convolutions sees: $1 + (k-1)\sum_i d_i$.

    Args:
        kernel_size: `k` ≥ 1, the same at every level.
        dilations: Dilation of each level.

    Returns:
        The number of input steps $x_{T-R+1}, \dots, x_T$ that $y_T$ depends on.

    Examples:
        >>> receptive_field(2, (1, 2, 4, 8, 16))
        32
        >>> receptive_field(3, (1, 2))
        7
    """
    if kernel_size < 1:
        raise ValueError(f"kernel_size: expected an integer ≥ 1, got {kernel_size!r}")
    return 1 + (kernel_size - 1) * sum(_check_dilation(d) for d in dilations)


# --------------------------------------------------------------------------- one convolution


class Cache(NamedTuple):
    """What `backward` needs from `forward`."""

    xs: np.ndarray  # (T, B, C_in)
    W: np.ndarray  # (k, C_out, C_in)
    dilation: int


def forward(params: Params, xs: np.ndarray, *, dilation: int = 1) -> tuple[np.ndarray, Cache]:
    r"""Causal convolution $y_t = \sum_j W_j x_{t-jd} + b$ of a batch of sequences.

    Args:
        params: `{"W": (k, C_out, C_in), "b": (C_out,)}`; `W[j]` multiplies $x_{t - j d}$.
        xs: Inputs, shape `(T, B, C_in)`.
        dilation: `d` ≥ 1, the spacing between taps.

    Returns:
        `(ys, cache)`: outputs of shape `(T, B, C_out)`, and what `backward` needs.

    Raises:
        ValueError: For wrong shapes, dtypes or dilation.

    Examples:
        >>> params = {"W": np.array([[[1.0]], [[10.0]]]), "b": np.zeros(1)}
        >>> ys, _ = forward(params, np.array([1.0, 2.0, 3.0]).reshape(3, 1, 1))
        >>> ys[:, 0, 0].tolist()                   # x_t + 10 x_{t-1}, with x_0 = 0
        [1.0, 12.0, 23.0]
    """
    check_keys("params", params, ("W", "b"))
    k, C_out, C_in = check_array("params['W']", params["W"], (None, None, None)).shape
    check_array("params['b']", params["b"], (C_out,))
    T, B, _ = check_array("xs", xs, (None, None, C_in)).shape
    d = _check_dilation(dilation)
    check_same_dtype(W=params["W"], b=params["b"], xs=xs)
    W = params["W"]

    ys = (xs.reshape(T * B, C_in) @ W[0].T).reshape(T, B, C_out)
    for j in range(1, k):
        s = j * d
        if s >= T:
            break  # every later tap reaches before the start: zero padding
        ys[s:] += xs[: T - s] @ W[j].T  # tap j: the input s steps back
    ys += params["b"]
    return ys, Cache(xs, W, d)


def backward(dys: np.ndarray, cache: Cache) -> tuple[Params, np.ndarray]:
    r"""Backward through a causal convolution.

    Args:
        dys: $\partial L/\partial y_t$, shape `(T, B, C_out)`.
        cache: From `forward`.

    Returns:
        `(grads, dxs)`: `{"W": (k, C_out, C_in), "b": (C_out,)}` and $\partial L/\partial x$,
        shape `(T, B, C_in)`.

    Examples:
        >>> params = {"W": np.ones((1, 2, 3)), "b": np.zeros(2)}
        >>> ys, cache = forward(params, np.ones((4, 1, 3)))
        >>> grads, dxs = backward(np.ones_like(ys), cache)
        >>> grads["W"].shape, grads["b"].tolist(), dxs.shape
        ((1, 2, 3), [4.0, 4.0], (4, 1, 3))
    """
    xs, W, d = cache
    T, B, C_in = xs.shape
    k, C_out, _ = W.shape
    check_array("dys", dys, (T, B, C_out))
    check_same_dtype(dys=dys, xs=xs)

    dflat = dys.reshape(T * B, C_out)
    dW = np.zeros_like(W)
    dW[0] = dflat.T @ xs.reshape(T * B, C_in)
    dxs = (dflat @ W[0]).reshape(T, B, C_in)
    for j in range(1, k):
        s = j * d
        if s >= T:
            break
        n = (T - s) * B
        dW[j] = dys[s:].reshape(n, C_out).T @ xs[: T - s].reshape(n, C_in)
        dxs[: T - s] += dys[s:] @ W[j]  # x_t fed y_{t+s} through tap j
    return {"W": dW, "b": dflat.sum(axis=0)}, dxs


# --------------------------------------------------------------------------- a TCN


def tcn_levels(params: Params) -> int:
    """Number of levels of a TCN parameter dict (keys `W0, b0, W1, b1, ...` and maybe `P`).

    Raises:
        ValueError: If the keys are not those of a TCN.

    Examples:
        >>> tcn_levels({"W0": np.zeros((2, 4, 4)), "b0": np.zeros(4)})
        1
    """
    L = sum(1 for k in params if k.startswith("W"))
    expected = {f"W{i}" for i in range(L)} | {f"b{i}" for i in range(L)}
    extra = {"P"} & set(params)
    check_keys("params", params, expected | extra)
    if L == 0:
        raise ValueError("params: expected at least one level (keys W0, b0)")
    return L


class TCNCache(NamedTuple):
    """What `tcn_backward` needs from `tcn_forward`."""

    convs: tuple[Cache, ...]  # one per level
    acts: tuple[np.ndarray, ...]  # relu outputs, (T, B, C) per level
    proj: Cache | None  # the 1×1 projection of the first level's skip path, if any


def tcn_forward(
    params: Params, xs: np.ndarray, *, dilations: tuple[int, ...] | None = None
) -> tuple[np.ndarray, TCNCache]:
    r"""Run a TCN: $L$ residual levels $h \leftarrow \mathrm{relu}(\mathrm{conv}(h)) + s(h)$.

    Args:
        params: `{"W0": (k, C, C_in), "b0": (C,), "W1": (k, C, C), "b1": (C,), ...}`, plus
            `"P": (1, C, C_in)` when `C_in != C` (the first level's skip projection).
        xs: Inputs, shape `(T, B, C_in)`.
        dilations: Dilation of each level; default $1, 2, 4, \dots, 2^{L-1}$.

    Returns:
        `(hs, cache)`: the last level's output, shape `(T, B, C)`.

    Raises:
        ValueError: For wrong keys, shapes or a dilation per level missing.

    Examples:
        >>> rng = np.random.default_rng(0)
        >>> params = tcn_params(rng, input_size=2, channels=4, levels=3)
        >>> hs, cache = tcn_forward(params, rng.standard_normal((10, 5, 2)))
        >>> hs.shape, sorted(params)
        ((10, 5, 4), ['P', 'W0', 'W1', 'W2', 'b0', 'b1', 'b2'])
    """
    L = tcn_levels(params)
    dil = tuple(2**i for i in range(L)) if dilations is None else tuple(dilations)
    if len(dil) != L:
        raise ValueError(f"dilations: expected {L} values (one per level), got {len(dil)}")
    C_in = xs.shape[-1] if isinstance(xs, np.ndarray) else None
    C = params["W0"].shape[1]
    if C_in != C and "P" not in params:
        raise ValueError(f"params: expected a projection 'P' of shape (1, {C}, {C_in}), got none")

    h = xs
    convs, acts = [], []
    proj = None
    for i in range(L):
        z, cache = forward({"W": params[f"W{i}"], "b": params[f"b{i}"]}, h, dilation=dil[i])
        a = apply_("relu", z)  # z is ours: reuse its buffer
        if i == 0 and "P" in params:
            skip, proj = forward({"W": params["P"], "b": np.zeros(C, dtype=h.dtype)}, h)
        else:
            skip = h
        convs.append(cache)
        acts.append(a)
        h = a + skip
    return h, TCNCache(tuple(convs), tuple(acts), proj)


def tcn_backward(dhs: np.ndarray, cache: TCNCache) -> tuple[Params, np.ndarray]:
    r"""Backward through a TCN.

    Args:
        dhs: $\partial L/\partial h^{(L)}$, shape `(T, B, C)`.
        cache: From `tcn_forward`.

    Returns:
        `(grads, dxs)`: gradients with the keys of the parameters, and $\partial L/\partial x$,
        shape `(T, B, C_in)`.

    Examples:
        >>> rng = np.random.default_rng(1)
        >>> params = tcn_params(rng, input_size=3, channels=3, levels=2)
        >>> hs, cache = tcn_forward(params, rng.standard_normal((6, 2, 3)))
        >>> grads, dxs = tcn_backward(np.ones_like(hs), cache)
        >>> sorted(grads) == sorted(params), dxs.shape
        (True, (6, 2, 3))
    """
    convs, acts, proj = cache
    check_array("dhs", dhs, acts[-1].shape)
    grads: Params = {}
    g = dhs
    for i in range(len(convs) - 1, -1, -1):
        dz = derivative_from_output("relu", acts[i])
        dz *= g  # through the relu
        conv_grads, dh = backward(dz, convs[i])
        grads[f"W{i}"], grads[f"b{i}"] = conv_grads["W"], conv_grads["b"]
        if i == 0 and proj is not None:
            proj_grads, dskip = backward(g, proj)
            grads["P"] = proj_grads["W"]
            g = dh + dskip
        else:
            g = dh + g  # the identity skip passes the gradient on unchanged
    return grads, g


def tcn_params(
    rng: np.random.Generator,
    input_size: int,
    channels: int,
    levels: int,
    *,
    kernel_size: int = 2,
    scale: float = 1.0,
    dtype: type = np.float64,
) -> Params:
    r"""Fresh TCN parameters: Gaussian taps, zero biases, and a 1×1 projection if needed.

    Each level's taps are $\mathcal N(0, s^2/(k\,C_{in}))$: with $s = 1$ a convolution roughly
    keeps the scale of its input. Every residual level *adds* its output to its input, so the
    scale grows with depth; a smaller $s$ tempers that. The projection `P` (present when
    `input_size != channels`) is $\mathcal N(0, 1/C_{in})$.

    Args:
        rng: Source of randomness.
        input_size: `C_in`.
        channels: `C`, the width of every level.
        levels: `L` ≥ 1.
        kernel_size: `k` ≥ 1.
        scale: `s`, multiplying the standard deviation of every level's taps.
        dtype: Floating dtype.

    Returns:
        `{"W0": (k, C, C_in), "b0": (C,), ..., "P": (1, C, C_in)}`.

    Examples:
        >>> p = tcn_params(np.random.default_rng(0), input_size=2, channels=8, levels=2)
        >>> {k: v.shape for k, v in sorted(p.items())}
        {'P': (1, 8, 2), 'W0': (2, 8, 2), 'W1': (2, 8, 8), 'b0': (8,), 'b1': (8,)}
    """
    if levels < 1 or kernel_size < 1:
        raise ValueError(f"levels, kernel_size: expected ≥ 1, got {levels!r}, {kernel_size!r}")
    params: Params = {}
    fan_in = input_size
    for i in range(levels):
        std = scale / np.sqrt(kernel_size * fan_in)
        params[f"W{i}"] = (std * rng.standard_normal((kernel_size, channels, fan_in))).astype(dtype)
        params[f"b{i}"] = np.zeros(channels, dtype=dtype)
        fan_in = channels
    if input_size != channels:
        std = 1.0 / np.sqrt(input_size)
        params["P"] = (std * rng.standard_normal((1, channels, input_size))).astype(dtype)
    return params
