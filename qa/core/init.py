r"""Initialisers for weight matrices, and ready-made parameter dicts for each cell.

Matrix initialisers (each random one takes an explicit `np.random.Generator`):

- `gaussian(rng, shape, std)` — i.i.d. $\mathcal N(0, \text{std}^2)$ entries.
- `xavier(rng, shape)` — Glorot & Bengio (2010): $U[-r, r]$, $r = \sqrt{6/(n_{in}+n_{out})}$.
- `orthogonal(rng, n)` — a Haar-random orthogonal matrix (all singular values 1).
- `identity(n, scale)` — $s I$, the recurrent initialisation of the IRNN (Le et al. 2015).
- `scale_to_singular_value(M, s)` and `scale_to_spectral_radius(M, rho)` — rescale a matrix so
  its largest singular value, or its largest eigenvalue modulus, is the one chosen.

The largest singular value $\sigma_{\max}(W)$ bounds how much one step can stretch a gradient
($\lVert W^\top v\rVert \le \sigma_{\max} \lVert v\rVert$); the spectral radius $\rho(W)$ sets the
long-run growth rate of $W^n$. For a normal matrix (e.g. symmetric or orthogonal) they coincide.

Examples:
    >>> rng = np.random.default_rng(0)
    >>> Q = orthogonal(rng, 4)
    >>> bool(np.allclose(Q.T @ Q, np.eye(4)))
    True
    >>> W = scale_to_singular_value(gaussian(rng, (4, 4), 1.0), 0.9)
    >>> round(float(np.linalg.norm(W, 2)), 12)
    0.9
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "RECURRENT_INITS",
    "gaussian",
    "gru_params",
    "identity",
    "lstm_params",
    "orthogonal",
    "output_params",
    "recurrent_matrix",
    "rnn_params",
    "scale_to_singular_value",
    "scale_to_spectral_radius",
    "xavier",
]

RECURRENT_INITS = ("gaussian", "orthogonal", "identity", "xavier")


def gaussian(
    rng: np.random.Generator, shape: tuple[int, ...], std: float, *, dtype: type = np.float64
) -> np.ndarray:
    """Entries drawn i.i.d. from N(0, std²).

    Examples:
        >>> gaussian(np.random.default_rng(0), (2, 3), 0.1).shape
        (2, 3)
    """
    return (std * rng.standard_normal(shape)).astype(dtype, copy=False)


def xavier(
    rng: np.random.Generator, shape: tuple[int, int], *, dtype: type = np.float64
) -> np.ndarray:
    r"""Glorot & Bengio (2010) uniform initialisation for a `(fan_out, fan_in)` matrix.

    Entries are $U[-r, r]$ with $r = \sqrt{6 / (\text{fan\_in} + \text{fan\_out})}$, so their
    variance is $2 / (\text{fan\_in} + \text{fan\_out})$.

    Examples:
        >>> M = xavier(np.random.default_rng(0), (3, 5))
        >>> bool(np.abs(M).max() <= np.sqrt(6 / 8))
        True
    """
    fan_out, fan_in = shape
    r = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-r, r, size=shape).astype(dtype, copy=False)


def orthogonal(rng: np.random.Generator, n: int, *, dtype: type = np.float64) -> np.ndarray:
    """A random `(n, n)` orthogonal matrix, uniform over the orthogonal group.

    The QR decomposition of a Gaussian matrix, with the signs of R's diagonal moved into Q so
    that the distribution is Haar (Mezzadri 2007).

    Examples:
        >>> Q = orthogonal(np.random.default_rng(1), 3)
        >>> [round(s, 12) for s in np.linalg.svd(Q, compute_uv=False).tolist()]
        [1.0, 1.0, 1.0]
    """
    q, r = np.linalg.qr(rng.standard_normal((n, n)))
    q *= np.sign(np.diag(r))
    return q.astype(dtype, copy=False)


def identity(n: int, scale: float = 1.0, *, dtype: type = np.float64) -> np.ndarray:
    """`scale` times the `(n, n)` identity: the IRNN's recurrent initialisation (Le et al. 2015).

    Examples:
        >>> identity(2, 0.5).tolist()
        [[0.5, 0.0], [0.0, 0.5]]
    """
    return scale * np.eye(n, dtype=dtype)


def scale_to_singular_value(M: np.ndarray, s: float) -> np.ndarray:
    """`M` rescaled so that its largest singular value is `s` (a new array).

    Raises:
        ValueError: If `M` is zero.

    Examples:
        >>> M = scale_to_singular_value(np.diag([3.0, 1.0]), 1.5)
        >>> np.diag(M).tolist()
        [1.5, 0.5]
    """
    top = float(np.linalg.norm(M, 2))
    if top == 0.0:
        raise ValueError("scale_to_singular_value: expected a nonzero matrix, got all zeros")
    return M * (s / top)


def scale_to_spectral_radius(M: np.ndarray, rho: float) -> np.ndarray:
    """`M` rescaled so that its largest eigenvalue modulus is `rho` (a new array).

    Raises:
        ValueError: If `M` is nilpotent (spectral radius 0), e.g. strictly triangular.

    Examples:
        >>> M = scale_to_spectral_radius(np.array([[0.0, 2.0], [2.0, 0.0]]), 0.5)
        >>> np.round(M, 12).tolist()
        [[0.0, 0.5], [0.5, 0.0]]
    """
    radius = float(np.abs(np.linalg.eigvals(M)).max())
    if radius < np.finfo(np.float64).eps * max(1.0, float(np.abs(M).max())):
        raise ValueError("scale_to_spectral_radius: expected a matrix with a nonzero eigenvalue")
    return M * (rho / radius)


def recurrent_matrix(
    rng: np.random.Generator,
    hidden_size: int,
    kind: str = "orthogonal",
    *,
    scale: float = 1.0,
    dtype: type = np.float64,
) -> np.ndarray:
    """A `(H, H)` recurrent matrix of the given kind.

    Args:
        rng: Source of randomness.
        hidden_size: `H`.
        kind: `"gaussian"` (entries N(0, scale²/H), so σ_max ≈ 2·scale for large H),
            `"orthogonal"` (scale × a random orthogonal matrix: every singular value = scale),
            `"identity"` (scale × I) or `"xavier"` (Glorot uniform, times scale).
        scale: See `kind`.
        dtype: Floating dtype of the result.

    Raises:
        ValueError: For an unknown kind.

    Examples:
        >>> W = recurrent_matrix(np.random.default_rng(0), 3, "identity", scale=0.5)
        >>> np.diag(W).tolist()
        [0.5, 0.5, 0.5]
    """
    if kind == "gaussian":
        return gaussian(rng, (hidden_size, hidden_size), scale / np.sqrt(hidden_size), dtype=dtype)
    if kind == "orthogonal":
        return (scale * orthogonal(rng, hidden_size)).astype(dtype, copy=False)
    if kind == "identity":
        return identity(hidden_size, scale, dtype=dtype)
    if kind == "xavier":
        return (scale * xavier(rng, (hidden_size, hidden_size))).astype(dtype, copy=False)
    raise ValueError(f"recurrent init: expected one of {', '.join(RECURRENT_INITS)}, got {kind!r}")


def rnn_params(
    rng: np.random.Generator,
    input_size: int,
    hidden_size: int,
    *,
    recurrent: str = "orthogonal",
    recurrent_scale: float = 1.0,
    input_std: float | None = None,
    dtype: type = np.float64,
) -> dict[str, np.ndarray]:
    r"""Parameters `{"U", "W", "b"}` of a standard RNN cell.

    Args:
        rng: Source of randomness.
        input_size: `D`.
        hidden_size: `H`.
        recurrent: Kind of `W`, see `recurrent_matrix`.
        recurrent_scale: Scale of `W`, see `recurrent_matrix`.
        input_std: Standard deviation of `U`'s entries; default $1/\sqrt{D}$.
        dtype: Floating dtype.

    Returns:
        `{"U": (H, D), "W": (H, H), "b": (H,) zeros}`.

    Examples:
        >>> p = rnn_params(np.random.default_rng(0), input_size=3, hidden_size=5)
        >>> {k: v.shape for k, v in p.items()}
        {'U': (5, 3), 'W': (5, 5), 'b': (5,)}
    """
    std = 1.0 / np.sqrt(input_size) if input_std is None else input_std
    return {
        "U": gaussian(rng, (hidden_size, input_size), std, dtype=dtype),
        "W": recurrent_matrix(rng, hidden_size, recurrent, scale=recurrent_scale, dtype=dtype),
        "b": np.zeros(hidden_size, dtype=dtype),
    }


def lstm_params(
    rng: np.random.Generator,
    input_size: int,
    hidden_size: int,
    *,
    forget_bias: float = 1.0,
    dtype: type = np.float64,
) -> dict[str, np.ndarray]:
    """Parameters `{"U", "W", "b"}` of an LSTM cell, gate blocks in the order i, f, g, o.

    Input weights are Xavier-uniform per gate block, recurrent weights orthogonal per gate block,
    biases zero except the forget gate's, which starts at `forget_bias` so the cell remembers by
    default (Gers et al. 2000; Jozefowicz et al. 2015).

    Returns:
        `{"U": (4H, D), "W": (4H, H), "b": (4H,)}`.

    Examples:
        >>> p = lstm_params(np.random.default_rng(0), input_size=3, hidden_size=2)
        >>> p["U"].shape, p["b"].tolist()
        ((8, 3), [0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0])
    """
    H = hidden_size
    U = np.concatenate([xavier(rng, (H, input_size), dtype=dtype) for _ in range(4)])
    W = np.concatenate([orthogonal(rng, H, dtype=dtype) for _ in range(4)])
    b = np.zeros(4 * H, dtype=dtype)
    b[H : 2 * H] = forget_bias
    return {"U": U, "W": W, "b": b}


def gru_params(
    rng: np.random.Generator, input_size: int, hidden_size: int, *, dtype: type = np.float64
) -> dict[str, np.ndarray]:
    """Parameters `{"U", "W", "b", "b_hn"}` of a GRU cell, gate blocks in the order r, z, n.

    Returns:
        `{"U": (3H, D), "W": (3H, H), "b": (3H,), "b_hn": (H,)}`; see `qa.core.gru`.

    Examples:
        >>> p = gru_params(np.random.default_rng(0), input_size=3, hidden_size=2)
        >>> {k: v.shape for k, v in p.items()}
        {'U': (6, 3), 'W': (6, 2), 'b': (6,), 'b_hn': (2,)}
    """
    H = hidden_size
    return {
        "U": np.concatenate([xavier(rng, (H, input_size), dtype=dtype) for _ in range(3)]),
        "W": np.concatenate([orthogonal(rng, H, dtype=dtype) for _ in range(3)]),
        "b": np.zeros(3 * H, dtype=dtype),
        "b_hn": np.zeros(H, dtype=dtype),
    }


def output_params(
    rng: np.random.Generator, hidden_size: int, output_size: int, *, dtype: type = np.float64
) -> dict[str, np.ndarray]:
    """Parameters `{"V", "c"}` of the output layer $o_t = V h_t + c$.

    Returns:
        `{"V": (O, H)` with entries N(0, 1/H)`, "c": (O,) zeros}`.

    Examples:
        >>> p = output_params(np.random.default_rng(0), hidden_size=4, output_size=2)
        >>> p["V"].shape, p["c"].shape
        ((2, 4), (2,))
    """
    return {
        "V": gaussian(rng, (output_size, hidden_size), 1.0 / np.sqrt(hidden_size), dtype=dtype),
        "c": np.zeros(output_size, dtype=dtype),
    }
