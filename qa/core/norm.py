r"""Batch and layer normalisation, and a tanh RNN whose pre-activation is normalised.

Both normalisations map an activation $a$ to
$\gamma \odot \hat a + \beta$ with $\hat a = (a - \mu) / \sqrt{\sigma^2 + \epsilon}$; they differ
in what the mean $\mu$ and variance $\sigma^2$ are taken over:

| normalisation | $\mu, \sigma$ taken over | one pair per |
|---|---|---|
| batch norm, `stats="per_step"` | the batch, at each time step separately | feature and step |
| batch norm, `stats="shared"` | the batch and all time steps together | feature |
| layer norm (Ba et al. 2016) | the $C$ features of one example at one step | example and step |

Layer norm needs no batch: it works with batch size 1. Batch norm with batch size 1 has
$\sigma^2 = 0$ and $\hat a = 0$, so its output is $\beta$ whatever the input.

Backward pass (the same for both):

$$
\frac{\partial L}{\partial a} = \frac{1}{\sqrt{\sigma^2 + \epsilon}}
\Big(g - \overline{g} - \hat a \, \overline{g \hat a}\Big), \qquad g = \gamma \odot
\frac{\partial L}{\partial y},
$$

where the bars are means over the values each statistic averages.

The normalised RNN (`rnn_step_forward`, `rnn_forward`) puts a normalisation inside the tanh:

- `norm="batch"`: $h_t = \tanh(\mathrm{BN}_t(W h_{t-1}; \gamma, \beta) + U x_t)$, batch
  statistics of step $t$ — the recurrent term of Cooijmans et al. (2017), whose input term is
  left unnormalised here. (Statistics shared over time cannot be used inside the recurrence:
  step $t$ would need the states of later steps.)
- `norm="layer"`: $h_t = \tanh(\mathrm{LN}(W h_{t-1} + U x_t; \gamma, \beta))$ (Ba et al. 2016).

In both, $\beta$ plays the part of the bias $b$. Parameters: `U (H, D)`, `W (H, H)`,
`gamma (H,)`, `beta (H,)`.

Examples:
    >>> import numpy as np
    >>> params = {"gamma": np.ones(2), "beta": np.zeros(2)}
    >>> a = np.array([[1.0, 10.0], [3.0, 30.0]])               # B=2, C=2
    >>> y, _ = batch_norm_forward(params, a, eps=0.0)
    >>> y.tolist()                                               # each column to mean 0, std 1
    [[-1.0, -1.0], [1.0, 1.0]]
    >>> y, _ = layer_norm_forward(params, a, eps=0.0)
    >>> y.tolist()                                               # each row to mean 0, std 1
    [[-1.0, 1.0], [-1.0, 1.0]]
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from qa.core._checks import check_array, check_keys, check_same_dtype

__all__ = [
    "NORMS",
    "STATS",
    "NormCache",
    "RNNCache",
    "RNNStepCache",
    "batch_norm_backward",
    "batch_norm_forward",
    "layer_norm_backward",
    "layer_norm_forward",
    "rnn_backward",
    "rnn_forward",
    "rnn_step_backward",
    "rnn_step_forward",
]

Params = dict[str, np.ndarray]
STATS = ("per_step", "shared")
NORMS = ("batch", "layer")
EPS = 1e-5


class NormCache(NamedTuple):
    """What the backward passes need from the forward passes."""

    xhat: np.ndarray  # normalised input, shaped like the input
    inv_std: np.ndarray  # 1 / sqrt(var + eps), broadcastable to the input
    gamma: np.ndarray  # (C,)
    axes: tuple[int, ...]  # the axes the statistics were taken over


def _check_affine(params: Params, C: int) -> None:
    check_keys("params", params, ("gamma", "beta"))
    check_array("params['gamma']", params["gamma"], (C,))
    check_array("params['beta']", params["beta"], (C,))


def _normalize(params: Params, xs: np.ndarray, axes: tuple[int, ...], eps: float):
    mean = xs.mean(axis=axes, keepdims=True)
    centred = xs - mean
    var = np.mean(centred * centred, axis=axes, keepdims=True)
    inv_std = 1.0 / np.sqrt(var + eps)
    xhat = centred * inv_std
    return params["gamma"] * xhat + params["beta"], NormCache(xhat, inv_std, params["gamma"], axes)


def _normalize_backward(dys: np.ndarray, cache: NormCache) -> tuple[Params, np.ndarray]:
    xhat, inv_std, gamma, axes = cache
    check_array("dys", dys, xhat.shape)
    lead = tuple(range(dys.ndim - 1))
    grads = {"gamma": np.sum(dys * xhat, axis=lead), "beta": dys.sum(axis=lead)}
    g = dys * gamma
    # The mean and variance depend on every input they average: two correction terms.
    dxs = g - g.mean(axis=axes, keepdims=True)
    dxs -= xhat * np.mean(g * xhat, axis=axes, keepdims=True)
    dxs *= inv_std
    return grads, dxs


def batch_norm_forward(
    params: Params, xs: np.ndarray, *, stats: str = "per_step", eps: float = EPS
) -> tuple[np.ndarray, NormCache]:
    r"""Batch normalisation $\gamma \odot (a - \mu_B)/\sqrt{\sigma_B^2 + \epsilon} + \beta$.

    Args:
        params: `{"gamma": (C,), "beta": (C,)}`.
        xs: Activations, shape `(T, B, C)` (time-major) or `(B, C)` (one step).
        stats: `"per_step"`: statistics over the batch at each step (Cooijmans et al. 2017);
            `"shared"`: over the batch and all steps together (for `(B, C)` the two agree).
        eps: $\epsilon$, added to the variance.

    Returns:
        `(ys, cache)`, `ys` shaped like `xs`.

    Raises:
        ValueError: For wrong shapes or an unknown `stats`.

    Examples:
        >>> params = {"gamma": np.ones(1), "beta": np.full(1, 0.5)}
        >>> y, _ = batch_norm_forward(params, np.array([[7.0]]))   # batch size 1
        >>> y.tolist()                                             # only β is left
        [[0.5]]
    """
    if stats not in STATS:
        raise ValueError(f"stats: expected one of {', '.join(STATS)}, got {stats!r}")
    if not isinstance(xs, np.ndarray) or xs.ndim not in (2, 3):
        raise ValueError(f"xs: expected shape (T, B, C) or (B, C), got {np.shape(xs)}")
    check_array("xs", xs, (None,) * xs.ndim)
    _check_affine(params, xs.shape[-1])
    check_same_dtype(gamma=params["gamma"], beta=params["beta"], xs=xs)
    axes = (xs.ndim - 2,) if stats == "per_step" else tuple(range(xs.ndim - 1))
    return _normalize(params, xs, axes, eps)


def batch_norm_backward(dys: np.ndarray, cache: NormCache) -> tuple[Params, np.ndarray]:
    r"""Backward through `batch_norm_forward`.

    Args:
        dys: $\partial L/\partial y$, shaped like the input.
        cache: From `batch_norm_forward`.

    Returns:
        `(grads, dxs)`: `{"gamma": (C,), "beta": (C,)}` and $\partial L/\partial a$.

    Examples:
        >>> params = {"gamma": np.ones(1), "beta": np.zeros(1)}
        >>> y, cache = batch_norm_forward(params, np.array([[1.0], [2.0], [4.0]]))
        >>> grads, dxs = batch_norm_backward(np.ones_like(y), cache)
        >>> bool(abs(dxs.sum()) < 1e-12)             # shifting all inputs changes nothing
        True
    """
    return _normalize_backward(dys, cache)


def layer_norm_forward(
    params: Params, xs: np.ndarray, *, eps: float = EPS
) -> tuple[np.ndarray, NormCache]:
    r"""Layer normalisation over the last axis (Ba et al. 2016).

    Args:
        params: `{"gamma": (C,), "beta": (C,)}` (Ba et al.'s gain $g$ and bias $b$).
        xs: Activations, shape `(..., C)`; each `C`-vector is normalised on its own.
        eps: $\epsilon$, added to the variance.

    Returns:
        `(ys, cache)`, `ys` shaped like `xs`.

    Examples:
        >>> params = {"gamma": np.ones(3), "beta": np.zeros(3)}
        >>> a = np.array([[1.0, 2.0, 6.0]])
        >>> y1, _ = layer_norm_forward(params, a)
        >>> y2, _ = layer_norm_forward(params, 10 * a + 4)      # invariant to scale and shift
        >>> bool(np.allclose(y1, y2))
        True
    """
    if not isinstance(xs, np.ndarray) or xs.ndim < 1:
        raise ValueError(f"xs: expected an array of shape (..., C), got {np.shape(xs)}")
    check_array("xs", xs, (None,) * xs.ndim)
    _check_affine(params, xs.shape[-1])
    check_same_dtype(gamma=params["gamma"], beta=params["beta"], xs=xs)
    return _normalize(params, xs, (xs.ndim - 1,), eps)


def layer_norm_backward(dys: np.ndarray, cache: NormCache) -> tuple[Params, np.ndarray]:
    """Backward through `layer_norm_forward`; returns `(grads, dxs)` as `batch_norm_backward`.

    Examples:
        >>> params = {"gamma": np.ones(2), "beta": np.zeros(2)}
        >>> y, cache = layer_norm_forward(params, np.array([[1.0, 3.0]]))
        >>> grads, dxs = layer_norm_backward(np.ones_like(y), cache)
        >>> grads["beta"].tolist()
        [1.0, 1.0]
    """
    return _normalize_backward(dys, cache)


# --------------------------------------------------------------------------- normalised RNN

RNN_KEYS = ("U", "W", "gamma", "beta")


class RNNStepCache(NamedTuple):
    """What `rnn_step_backward` needs from `rnn_step_forward`."""

    x: np.ndarray  # (B, D)
    h_prev: np.ndarray  # (B, H)
    h: np.ndarray  # (B, H)
    norm_cache: NormCache
    U: np.ndarray
    W: np.ndarray
    norm: str


def _check_rnn(params: Params, norm: str) -> tuple[int, int]:
    if norm not in NORMS:
        raise ValueError(f"norm: expected one of {', '.join(NORMS)}, got {norm!r}")
    check_keys("params", params, RNN_KEYS)
    H, D = check_array("params['U']", params["U"], (None, None)).shape
    check_array("params['W']", params["W"], (H, H))
    _check_affine({"gamma": params["gamma"], "beta": params["beta"]}, H)
    return D, H


def rnn_step_forward(
    params: Params, x: np.ndarray, h_prev: np.ndarray, *, norm: str = "layer", eps: float = EPS
) -> tuple[np.ndarray, RNNStepCache]:
    r"""One step of the normalised tanh RNN (see the module docstring for the two variants).

    Args:
        params: `{"U": (H, D), "W": (H, H), "gamma": (H,), "beta": (H,)}`.
        x: Input, shape `(B, D)`.
        h_prev: State entering the step, shape `(B, H)`.
        norm: `"batch"` (recurrent term, this step's batch statistics) or `"layer"`.
        eps: Added to the variance.

    Returns:
        `(h, cache)`.

    Examples:
        >>> params = {"U": np.ones((2, 1)), "W": np.eye(2), "gamma": np.ones(2),
        ...           "beta": np.zeros(2)}
        >>> h, _ = rnn_step_forward(params, np.zeros((1, 1)), np.array([[1.0, 3.0]]), eps=0.0)
        >>> [round(v, 4) for v in h[0].tolist()]          # tanh(-1), tanh(+1)
        [-0.7616, 0.7616]
    """
    D, H = _check_rnn(params, norm)
    check_array("x", x, (None, D))
    check_array("h_prev", h_prev, (x.shape[0], H))
    affine = {"gamma": params["gamma"], "beta": params["beta"]}
    if norm == "batch":
        n, ncache = batch_norm_forward(affine, h_prev @ params["W"].T, eps=eps)
        pre = n + x @ params["U"].T
    else:
        pre, ncache = layer_norm_forward(
            affine, h_prev @ params["W"].T + x @ params["U"].T, eps=eps
        )
    h = np.tanh(pre)
    return h, RNNStepCache(x, h_prev, h, ncache, params["U"], params["W"], norm)


def rnn_step_backward(dh: np.ndarray, cache: RNNStepCache) -> tuple[Params, np.ndarray, np.ndarray]:
    """Backward through one step of the normalised RNN.

    Args:
        dh: Total gradient reaching this step's output, shape `(B, H)`.
        cache: From `rnn_step_forward`.

    Returns:
        `(grads, dx, dh_prev)`, `grads` with keys `U`, `W`, `gamma`, `beta`.

    Examples:
        >>> rng = np.random.default_rng(0)
        >>> params = {"U": rng.normal(size=(3, 2)), "W": rng.normal(size=(3, 3)),
        ...           "gamma": np.ones(3), "beta": np.zeros(3)}
        >>> h, cache = rnn_step_forward(params, rng.normal(size=(4, 2)), rng.normal(size=(4, 3)))
        >>> grads, dx, dh_prev = rnn_step_backward(np.ones((4, 3)), cache)
        >>> sorted(grads), dx.shape, dh_prev.shape
        (['U', 'W', 'beta', 'gamma'], (4, 2), (4, 3))
    """
    check_array("dh", dh, cache.h.shape)
    dpre = dh * (1 - cache.h**2)  # through tanh
    if cache.norm == "batch":
        affine_grads, dr = batch_norm_backward(dpre, cache.norm_cache)
        da_x = dpre  # the input term is added after the normalisation
    else:
        affine_grads, dr = layer_norm_backward(dpre, cache.norm_cache)
        da_x = dr  # the input term is normalised together with the recurrent term
    grads = {"U": da_x.T @ cache.x, "W": dr.T @ cache.h_prev, **affine_grads}
    return grads, da_x @ cache.U, dr @ cache.W


class RNNCache(NamedTuple):
    """What `rnn_backward` needs from `rnn_forward`: one step cache per step."""

    steps: tuple[RNNStepCache, ...]


def rnn_forward(
    params: Params,
    xs: np.ndarray,
    h0: np.ndarray | None = None,
    *,
    norm: str = "layer",
    eps: float = EPS,
) -> tuple[np.ndarray, RNNCache]:
    r"""Run the normalised RNN over a batch of sequences (a loop over `rnn_step_forward`).

    Args:
        params: `{"U": (H, D), "W": (H, H), "gamma": (H,), "beta": (H,)}`.
        xs: Inputs, shape `(T, B, D)`.
        h0: Initial state, shape `(B, H)`; zeros if None. (With `norm="batch"` a zero `h0`
            gives the first step's recurrent term zero variance; Cooijmans et al. add noise.)
        norm: `"batch"` or `"layer"`.
        eps: Added to every variance.

    Returns:
        `(hs, cache)`: states $h_1 \dots h_T$, shape `(T, B, H)`.

    Examples:
        >>> rng = np.random.default_rng(0)
        >>> params = {"U": rng.normal(size=(4, 2)), "W": rng.normal(size=(4, 4)),
        ...           "gamma": np.ones(4), "beta": np.zeros(4)}
        >>> hs, cache = rnn_forward(params, rng.normal(size=(5, 1, 2)))   # batch size 1
        >>> hs.shape, bool(np.all(np.abs(hs[-1].mean(axis=-1)) < 1))
        ((5, 1, 4), True)
    """
    D, H = _check_rnn(params, norm)
    T, B, _ = check_array("xs", xs, (None, None, D)).shape
    h = np.zeros((B, H), dtype=xs.dtype) if h0 is None else check_array("h0", h0, (B, H))
    hs, steps = [], []
    for t in range(T):
        h, cache = rnn_step_forward(params, xs[t], h, norm=norm, eps=eps)
        hs.append(h)
        steps.append(cache)
    return np.stack(hs), RNNCache(tuple(steps))


def rnn_backward(dhs: np.ndarray, cache: RNNCache) -> tuple[Params, np.ndarray, np.ndarray]:
    r"""Backpropagation through time for the normalised RNN.

    Args:
        dhs: $\partial L/\partial h_t$ from the layers above only, shape `(T, B, H)`.
        cache: From `rnn_forward`.

    Returns:
        `(grads, dxs, dh0)` as `qa.core.rnn.backward`.

    Examples:
        >>> rng = np.random.default_rng(1)
        >>> params = {"U": rng.normal(size=(3, 2)), "W": rng.normal(size=(3, 3)),
        ...           "gamma": np.ones(3), "beta": np.zeros(3)}
        >>> hs, cache = rnn_forward(params, rng.normal(size=(4, 5, 2)), norm="batch")
        >>> grads, dxs, dh0 = rnn_backward(np.ones_like(hs), cache)
        >>> grads["W"].shape, dxs.shape, dh0.shape
        ((3, 3), (4, 5, 2), (5, 3))
    """
    steps = cache.steps
    check_array("dhs", dhs, (len(steps), *steps[0].h.shape))
    carry = np.zeros_like(dhs[0])
    total: Params | None = None
    dxs = [None] * len(steps)
    for t in range(len(steps) - 1, -1, -1):
        grads, dxs[t], carry = rnn_step_backward(dhs[t] + carry, steps[t])
        total = grads if total is None else {k: total[k] + grads[k] for k in grads}
    return total, np.stack(dxs), carry
