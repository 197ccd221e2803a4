r"""Gradient checking by central finite differences.

A backward pass is only believed once it agrees with a numerical derivative. For a scalar
function $f$ and a small step $\varepsilon$, the central difference

$$
\frac{f(\theta + \varepsilon e_i) - f(\theta - \varepsilon e_i)}{2\varepsilon}
  = \frac{\partial f}{\partial \theta_i} + O(\varepsilon^2)
$$

is accurate to about $\varepsilon^2$ (truncation) plus $u \lvert f\rvert / \varepsilon$ (rounding,
with unit roundoff $u \approx 1.1\cdot10^{-16}$ in float64). `order=4` uses the five-point
stencil, whose truncation error is $O(\varepsilon^4)$, so a larger step can be taken and the
rounding error shrinks too; it is the default because it separates a correct gradient
(relative error ~1e-10) from a wrong one far more clearly.

The relative error between an analytic gradient $a$ and a numerical one $n$ is
$\lvert a - n\rvert / \max(\lvert a\rvert + \lvert n\rvert, \text{floor})$, element by element.
The floor keeps entries that are zero in both from dividing by zero; it is an absolute
tolerance, so keep it far below the size of the gradients being checked.

Examples:
    >>> import numpy as np
    >>> f = lambda x: float(np.sum(x ** 3))
    >>> x = np.array([1.0, -2.0])
    >>> numerical_gradient(f, x).round(8).tolist()       # 3 x²
    [3.0, 12.0]
    >>> rel_error(np.array([3.0]), np.array([3.0000003])) < 1e-7
    True
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

__all__ = [
    "check_gradients",
    "numerical_gradient",
    "numerical_gradient_array",
    "rel_error",
]

# Central stencils for the first derivative: pairs (k, w) meaning w · (f(x + kε) − f(x − kε)) / ε.
# Differencing symmetric pairs first makes the estimate exactly 0 where f does not depend on x.
_STENCILS = {
    2: ((1.0, 0.5),),
    4: ((1.0, 8 / 12), (2.0, -1 / 12)),
}
_DEFAULT_STEP = {2: 1e-6, 4: 1e-3}


def rel_error(a: np.ndarray, b: np.ndarray, floor: float = 1e-12) -> float:
    r"""Largest element-wise relative error, $|a-b| / \max(|a|+|b|, \text{floor})$.

    Args:
        a: An array.
        b: An array of the same shape.
        floor: Lower bound of the denominator.

    Returns:
        The maximum over all elements, as a Python float (0.0 for empty arrays).

    Examples:
        >>> rel_error(np.array([1.0, 0.0]), np.array([1.0, 0.0]))
        0.0
        >>> rel_error(np.array([1.0]), np.array([3.0]))
        0.5
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"rel_error: shapes differ, {a.shape} and {b.shape}")
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), floor)))


def _stencil(order: int, step: float | None) -> tuple[tuple[tuple[float, float], ...], float]:
    if order not in _STENCILS:
        raise ValueError(f"order: expected 2 or 4, got {order!r}")
    if step is not None and not step > 0:
        raise ValueError(f"step: expected a positive number, got {step!r}")
    return _STENCILS[order], _DEFAULT_STEP[order] if step is None else step


def numerical_gradient(
    f: Callable[[np.ndarray], float],
    x: np.ndarray,
    *,
    step: float | None = None,
    order: int = 4,
) -> np.ndarray:
    """The gradient of a scalar function by central differences.

    `x` is perturbed in place one entry at a time and always restored, so `f` must read its
    argument (it may also close over `x` itself). `x` is unchanged on return, even on error.

    Args:
        f: Scalar function of `x`.
        x: Point of evaluation; a float array.
        step: Finite-difference step ε (default 1e-6 for order 2, 1e-3 for order 4).
        order: 2 (three-point) or 4 (five-point) central stencil.

    Returns:
        An array shaped like `x`.

    Examples:
        >>> numerical_gradient(lambda v: float(v @ v), np.array([1.0, 2.0])).round(9).tolist()
        [2.0, 4.0]
    """
    pairs, eps = _stencil(order, step)
    grad = np.zeros(x.shape, dtype=np.float64)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    if not np.shares_memory(flat, x):
        raise ValueError("numerical_gradient: x must be contiguous so it can be perturbed in place")
    for i in range(flat.size):
        old = flat[i]
        try:
            total = 0.0
            for k, w in pairs:
                flat[i] = old + k * eps
                ahead = float(f(x))
                flat[i] = old - k * eps
                total += w * (ahead - float(f(x)))
        finally:
            flat[i] = old
        gflat[i] = total / eps
    return grad


def numerical_gradient_array(
    f: Callable[[np.ndarray], np.ndarray],
    x: np.ndarray,
    dout: np.ndarray,
    *,
    step: float | None = None,
    order: int = 4,
) -> np.ndarray:
    """The vector–Jacobian product `dout · ∂f/∂x` of an array-valued `f`, numerically.

    Checks a layer's backward pass without writing a loss: the numerical gradient of
    `sum(f(x) * dout)` with respect to `x`.

    Args:
        f: Array-valued function of `x`.
        x: Point of evaluation.
        dout: Upstream gradient, shaped like `f(x)`.
        step: Finite-difference step.
        order: 2 or 4.

    Returns:
        An array shaped like `x`.

    Examples:
        >>> x = np.array([1.0, 2.0])
        >>> vjp = numerical_gradient_array(np.sin, x, np.ones(2))
        >>> bool(np.allclose(vjp, np.cos(x)))
        True
    """
    return numerical_gradient(lambda v: float(np.sum(f(v) * dout)), x, step=step, order=order)


def check_gradients(
    loss: Callable[[Mapping[str, np.ndarray]], float],
    params: Mapping[str, np.ndarray],
    grads: Mapping[str, np.ndarray],
    *,
    step: float | None = None,
    order: int = 4,
    floor: float = 1e-12,
) -> dict[str, float]:
    """Compare analytic gradients with numerical ones for every parameter of a scalar loss.

    The caller's arrays are never modified: the check perturbs private copies.

    Args:
        loss: Scalar function of a parameter dict.
        params: The point of evaluation.
        grads: Analytic gradients, with the same keys and shapes as `params`.
        step: Finite-difference step.
        order: 2 or 4.
        floor: Denominator floor of `rel_error`.

    Returns:
        `{name: worst relative error}` for each parameter.

    Raises:
        ValueError: If `grads` does not have the keys and shapes of `params`.

    Examples:
        >>> params = {"w": np.array([1.0, -1.0]), "b": np.array([0.5])}
        >>> loss = lambda p: float(np.sum(p["w"] ** 2) + 3 * p["b"][0])
        >>> errors = check_gradients(loss, params, {"w": 2 * params["w"], "b": np.array([3.0])})
        >>> all(e < 1e-9 for e in errors.values())
        True
    """
    if set(grads) != set(params):
        raise ValueError(f"grads: expected keys {sorted(params)}, got {sorted(grads)}")
    work = {k: np.array(v, dtype=np.float64, copy=True) for k, v in params.items()}
    errors = {}
    for name in params:
        if np.shape(grads[name]) != np.shape(params[name]):
            raise ValueError(
                f"grads[{name!r}]: expected shape {np.shape(params[name])}, "
                f"got {np.shape(grads[name])}"
            )
        numeric = numerical_gradient(lambda _: loss(work), work[name], step=step, order=order)
        errors[name] = rel_error(grads[name], numeric, floor=floor)
    return errors
