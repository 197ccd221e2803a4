r"""Optimisers and gradient clipping, as pure functions of parameter and gradient dicts.

An optimiser is a frozen configuration with two pure methods:
`state = opt.init(params)` and `params, state = opt.step(params, grads, state)`. Nothing is
updated in place, so a training run can be replayed or forked from any step.

Updates of each parameter $\theta$ with gradient $g$ and learning rate $\eta$:

- `SGD`: $\theta \leftarrow \theta - \eta g$.
- `Momentum`: $v \leftarrow \mu v + g$, then $\theta \leftarrow \theta - \eta v$.
- `Adagrad`: $s \leftarrow s + g^2$, then
  $\theta \leftarrow \theta - \eta g / (\sqrt{s} + \epsilon)$.
- `Adam`: $m \leftarrow \beta_1 m + (1-\beta_1) g$ and $v \leftarrow \beta_2 v + (1-\beta_2) g^2$,
  then $\theta \leftarrow \theta - \eta \hat m / (\sqrt{\hat v} + \epsilon)$,

with Adam's bias corrections $\hat m = m / (1-\beta_1^k)$, $\hat v = v / (1-\beta_2^k)$ at step $k$
(Kingma & Ba 2015). Adagrad and Adam adapt the step size of each parameter separately.

Clipping (Pascanu et al. 2013; Goodfellow et al. 2016, §10.11.1):

- `clip_by_global_norm` rescales *all* gradients together when their joint norm
  $\lVert g\rVert = \sqrt{\sum_k \lVert g_k\rVert^2}$ exceeds a threshold: the direction of the
  update is kept, only its length is capped.
- `clip_by_value` clamps each entry to $[-v, v]$ (as in Karpathy's min-char-rnn); it can change
  the direction.

Examples:
    >>> import numpy as np
    >>> grads = {"a": np.array([3.0]), "b": np.array([4.0])}      # global norm 5
    >>> clipped, norm = clip_by_global_norm(grads, 1.0)
    >>> norm, clipped["a"].round(12).tolist(), clipped["b"].round(12).tolist()
    (5.0, [0.6], [0.8])
    >>> opt = SGD(lr=0.1)
    >>> params, _ = opt.step({"w": np.array([1.0])}, {"w": np.array([2.0])}, opt.init({}))
    >>> params["w"].tolist()
    [0.8]
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "SGD",
    "Adagrad",
    "Adam",
    "Momentum",
    "Optimizer",
    "clip_by_global_norm",
    "clip_by_value",
    "global_norm",
]

Arrays = Mapping[str, np.ndarray]


def _check_grads(params: Arrays, grads: Arrays) -> None:
    if set(params) != set(grads):
        raise ValueError(
            f"grads: expected the keys of params {sorted(params)}, got {sorted(grads)}"
        )
    for k in params:
        if np.shape(params[k]) != np.shape(grads[k]):
            raise ValueError(
                f"grads[{k!r}]: expected shape {np.shape(params[k])}, got {np.shape(grads[k])}"
            )


def global_norm(grads: Arrays) -> float:
    r"""$\sqrt{\sum_k \lVert g_k \rVert_2^2}$ over every array in the dict (inf/nan propagate).

    Examples:
        >>> global_norm({"a": np.array([3.0]), "b": np.array([[4.0]])})
        5.0
    """
    with np.errstate(over="ignore", invalid="ignore"):
        return math.sqrt(sum(float(np.vdot(g, g)) for g in grads.values()))


def clip_by_global_norm(grads: Arrays, max_norm: float) -> tuple[dict[str, np.ndarray], float]:
    """Rescale all gradients together so that their global norm is at most `max_norm`.

    Args:
        grads: Gradient dict.
        max_norm: Threshold, > 0.

    Returns:
        `(clipped, norm)`: new arrays (the input is not modified), and the global norm
        *before* clipping, which training loops log.

    Raises:
        ValueError: If `max_norm` is not positive.

    Examples:
        >>> clipped, norm = clip_by_global_norm({"g": np.array([0.3, 0.4])}, 1.0)
        >>> norm, clipped["g"].tolist()            # below the threshold: unchanged
        (0.5, [0.3, 0.4])
    """
    if not max_norm > 0:
        raise ValueError(f"max_norm: expected a positive threshold, got {max_norm!r}")
    norm = global_norm(grads)
    scale = max_norm / norm if norm > max_norm else 1.0
    return {k: g * g.dtype.type(scale) for k, g in grads.items()}, norm


def clip_by_value(grads: Arrays, limit: float) -> dict[str, np.ndarray]:
    """Clamp every gradient entry to `[-limit, limit]` (new arrays).

    Raises:
        ValueError: If `limit` is not positive.

    Examples:
        >>> clip_by_value({"g": np.array([-7.0, 0.5, 9.0])}, 5.0)["g"].tolist()
        [-5.0, 0.5, 5.0]
    """
    if not limit > 0:
        raise ValueError(f"limit: expected a positive bound, got {limit!r}")
    return {k: np.clip(g, -limit, limit) for k, g in grads.items()}


class Optimizer:
    """Interface of the optimisers: `init(params) -> state`, `step(params, grads, state)`."""

    def init(self, params: Arrays) -> dict[str, Any]:
        """The initial optimiser state for these parameters."""
        raise NotImplementedError

    def step(
        self, params: Arrays, grads: Arrays, state: Mapping[str, Any]
    ) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
        """One update: returns new parameters and a new state; the inputs are not modified."""
        raise NotImplementedError


def _positive(name: str, value: float) -> None:
    if not value > 0:
        raise ValueError(f"{name}: expected a positive number, got {value!r}")


@dataclass(frozen=True)
class SGD(Optimizer):
    """Plain stochastic gradient descent."""

    lr: float = 0.01

    def __post_init__(self) -> None:
        _positive("lr", self.lr)

    def init(self, params: Arrays) -> dict[str, Any]:  # noqa: D102
        return {}

    def step(self, params, grads, state):  # noqa: D102
        _check_grads(params, grads)
        return {k: params[k] - self.lr * grads[k] for k in params}, dict(state)


@dataclass(frozen=True)
class Momentum(Optimizer):
    """SGD with heavy-ball momentum `mu`."""

    lr: float = 0.01
    mu: float = 0.9

    def __post_init__(self) -> None:
        _positive("lr", self.lr)
        if not 0 <= self.mu < 1:
            raise ValueError(f"mu: expected 0 ≤ mu < 1, got {self.mu!r}")

    def init(self, params: Arrays) -> dict[str, Any]:  # noqa: D102
        return {"v": {k: np.zeros_like(p) for k, p in params.items()}}

    def step(self, params, grads, state):  # noqa: D102
        _check_grads(params, grads)
        v = {k: self.mu * state["v"][k] + grads[k] for k in params}
        return {k: params[k] - self.lr * v[k] for k in params}, {"v": v}


@dataclass(frozen=True)
class Adagrad(Optimizer):
    """Adagrad (Duchi et al. 2011): per-parameter steps shrinking with the summed squares."""

    lr: float = 0.1
    eps: float = 1e-8

    def __post_init__(self) -> None:
        _positive("lr", self.lr)
        _positive("eps", self.eps)

    def init(self, params: Arrays) -> dict[str, Any]:  # noqa: D102
        return {"s": {k: np.zeros_like(p) for k, p in params.items()}}

    def step(self, params, grads, state):  # noqa: D102
        _check_grads(params, grads)
        s = {k: state["s"][k] + grads[k] * grads[k] for k in params}
        new = {k: params[k] - self.lr * grads[k] / (np.sqrt(s[k]) + self.eps) for k in params}
        return new, {"s": s}


@dataclass(frozen=True)
class Adam(Optimizer):
    """Adam (Kingma & Ba 2015) with bias correction."""

    lr: float = 1e-3
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8

    def __post_init__(self) -> None:
        _positive("lr", self.lr)
        _positive("eps", self.eps)
        for name in ("beta1", "beta2"):
            if not 0 <= getattr(self, name) < 1:
                raise ValueError(f"{name}: expected 0 ≤ {name} < 1, got {getattr(self, name)!r}")

    def init(self, params: Arrays) -> dict[str, Any]:  # noqa: D102
        zeros = {k: np.zeros_like(p) for k, p in params.items()}
        return {"k": 0, "m": zeros, "v": {k: z.copy() for k, z in zeros.items()}}

    def step(self, params, grads, state):  # noqa: D102
        _check_grads(params, grads)
        k = state["k"] + 1
        m = {n: self.beta1 * state["m"][n] + (1 - self.beta1) * grads[n] for n in params}
        v = {n: self.beta2 * state["v"][n] + (1 - self.beta2) * grads[n] ** 2 for n in params}
        c1, c2 = 1 - self.beta1**k, 1 - self.beta2**k
        new = {
            n: params[n] - self.lr * (m[n] / c1) / (np.sqrt(v[n] / c2) + self.eps) for n in params
        }
        return new, {"k": k, "m": m, "v": v}
