r"""The activation functions φ of a recurrent cell, and φ′ expressed through φ's output.

Writing the derivative through the output $h = \phi(a)$ lets the backward pass reuse the
cached states instead of the pre-activations:

| name | $\phi(a)$ | $\phi'(a)$ from $h$ | $\gamma = \sup \lvert\phi'\rvert$ |
|---|---|---|---|
| `tanh` | $\tanh a$ | $1 - h^2$ | 1 |
| `sigmoid` | $1 / (1 + e^{-a})$ | $h (1 - h)$ | 1/4 |
| `relu` | $\max(a, 0)$ | $[h > 0]$ | 1 |
| `identity` | $a$ | $1$ | 1 |

The sigmoid is computed as $\tfrac12 + \tfrac12 \tanh(a/2)$, which is exact and never overflows.

Examples:
    >>> import numpy as np
    >>> a = np.array([-2.0, 0.0, 2.0])
    >>> [round(v, 4) for v in sigmoid(a).tolist()]
    [0.1192, 0.5, 0.8808]
    >>> derivative_from_output("sigmoid", sigmoid(a)).max().item()
    0.25
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "ACTIVATIONS",
    "GAMMA",
    "apply",
    "apply_",
    "check_activation",
    "derivative_from_output",
    "sigmoid",
]

ACTIVATIONS = ("tanh", "sigmoid", "relu", "identity")

#: Supremum of |φ′| for each activation (Pascanu et al. 2013 call it γ).
GAMMA = {"tanh": 1.0, "sigmoid": 0.25, "relu": 1.0, "identity": 1.0}


def check_activation(name: object) -> str:
    """Return `name` if it is a known activation.

    Raises:
        ValueError: Listing the known activations.
    """
    if name not in ACTIVATIONS:
        raise ValueError(f"activation: expected one of {', '.join(ACTIVATIONS)}, got {name!r}")
    return name  # type: ignore[return-value]


def sigmoid(a: np.ndarray) -> np.ndarray:
    r"""The logistic function $\sigma(a) = 1 / (1 + e^{-a})$, computed without overflow.

    Args:
        a: Any float array.

    Returns:
        An array of the same shape and dtype, with values in $[0, 1]$.

    Examples:
        >>> sigmoid(np.array([-1000.0, 1000.0])).tolist()
        [0.0, 1.0]
    """
    out = np.multiply(a, 0.5)
    np.tanh(out, out=out)
    out *= 0.5
    out += 0.5
    return out


def apply_(name: str, a: np.ndarray) -> np.ndarray:
    """Apply the activation to `a` in place and return it (for buffers the engine owns)."""
    if name == "tanh":
        np.tanh(a, out=a)
    elif name == "sigmoid":
        a *= 0.5
        np.tanh(a, out=a)
        a *= 0.5
        a += 0.5
    elif name == "relu":
        np.maximum(a, 0, out=a)
    elif name != "identity":
        check_activation(name)
    return a


def apply(name: str, a: np.ndarray) -> np.ndarray:
    """The activation of `a`, as a new array.

    Examples:
        >>> apply("relu", np.array([-1.0, 2.0])).tolist()
        [0.0, 2.0]
    """
    return apply_(check_activation(name), np.array(a, copy=True))


def derivative_from_output(name: str, h: np.ndarray) -> np.ndarray:
    r"""$\phi'(a)$ computed from $h = \phi(a)$, as a new array of the same shape.

    For ReLU the derivative at $a = 0$ is taken as 0 (the usual subgradient choice).

    Examples:
        >>> derivative_from_output("tanh", np.array([0.0, 0.5])).tolist()
        [1.0, 0.75]
        >>> derivative_from_output("relu", np.array([0.0, 3.0])).tolist()
        [0.0, 1.0]
    """
    check_activation(name)
    if name == "tanh":
        out = np.multiply(h, h)
        np.subtract(1, out, out=out)
        return out
    if name == "sigmoid":
        out = np.subtract(1, h)
        out *= h
        return out
    if name == "relu":
        return (h > 0).astype(h.dtype)
    return np.ones_like(h)
