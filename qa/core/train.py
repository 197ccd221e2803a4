"""A small training loop that records what went on and stops cleanly when training blows up.

`train` repeatedly asks an *objective* for the loss and gradients at the current parameters,
optionally clips the gradients, and lets an optimiser update the parameters. It records the
loss and the (pre-clipping) global gradient norm of every step, so that loss spikes and
exploding gradients can be plotted. If the loss or the gradient norm stops being finite, the
loop stops at that step and says so, without letting NumPy's overflow warnings escape:
divergence is an outcome to report, not a crash.

Examples:
    >>> import numpy as np
    >>> from qa.core.optim import SGD
    >>> objective = lambda p, step: (float(p["w"] @ p["w"]), {"w": 2 * p["w"]})
    >>> result = train(objective, {"w": np.array([1.0, -2.0])}, SGD(lr=0.25), steps=5)
    >>> result.steps, result.diverged, result.losses.round(4).tolist()
    (5, False, [5.0, 1.25, 0.3125, 0.0781, 0.0195])
    >>> blowup = train(objective, {"w": np.array([1e200])}, SGD(lr=1.0), steps=5)
    >>> blowup.diverged, blowup.stop_reason
    (True, 'non-finite loss at step 1')
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from qa.core.optim import Optimizer, clip_by_global_norm, clip_by_value, global_norm

__all__ = ["Step", "TrainResult", "train"]

Params = dict[str, np.ndarray]
Objective = Callable[[Params, int], tuple[float, Mapping[str, np.ndarray]]]


@dataclass(frozen=True)
class Step:
    """One update as the loop sees it, handed to the callbacks of `train`.

    Attributes:
        index: The update's number, from 0.
        params: The parameters before the update.
        loss: The loss at `params` (finite).
        grads: The gradients at `params`, before any clipping.
        norm: Their global norm (finite).
    """

    index: int
    params: Params
    loss: float
    grads: Mapping[str, np.ndarray]
    norm: float


@dataclass(frozen=True)
class TrainResult:
    """What a training run produced.

    Attributes:
        params: Parameters after the last successful update (the initial ones if none).
        losses: Loss at each completed step, shape `(steps,)`.
        grad_norms: Global gradient norm at each completed step, before clipping.
        steps: Number of completed updates.
        stop_reason: None if all requested steps ran, else why the run stopped
            (e.g. `"non-finite gradient at step 37"`; steps are counted from 1).
    """

    params: Params
    losses: np.ndarray
    grad_norms: np.ndarray
    steps: int
    stop_reason: str | None = None
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def diverged(self) -> bool:
        """True if the run stopped on a non-finite loss or gradient."""
        return self.stop_reason is not None and self.stop_reason.startswith("non-finite")


def train(
    objective: Objective,
    params: Mapping[str, np.ndarray],
    optimizer: Optimizer,
    steps: int,
    *,
    clip_norm: float | None = None,
    clip_value: float | None = None,
    progress: Callable[[float], None] | None = None,
    on_step: Callable[[Step], Mapping[str, np.ndarray] | None] | None = None,
    after_step: Callable[[Step, Params], bool | None] | None = None,
) -> TrainResult:
    """Run `steps` updates of `optimizer` on `objective`.

    Args:
        objective: `objective(params, step) -> (loss, grads)`; `step` counts from 0, so the
            objective can draw the step's batch from its own generator.
        params: Initial parameters (not modified).
        optimizer: From `qa.core.optim`.
        steps: Number of updates, ≥ 0.
        clip_norm: If set, clip the gradients to this global norm before each update.
        clip_value: If set, clamp each gradient entry to `[-clip_value, clip_value]`.
        progress: Called with the fraction done after each step.
        on_step: Called before each update, once loss and gradients are known to be finite;
            it may record what it likes, and may return the gradients to use instead (to clip
            them its own way, say). `clip_norm` and `clip_value` then apply to those.
        after_step: Called after each update with the new parameters; returning True stops
            the run there (`stop_reason` says so).

    Returns:
        A `TrainResult`.

    Raises:
        ValueError: If `steps` is negative or both clipping modes are given.
    """
    if not isinstance(steps, int) or steps < 0:
        raise ValueError(f"steps: expected an integer ≥ 0, got {steps!r}")
    if clip_norm is not None and clip_value is not None:
        raise ValueError("clip_norm and clip_value: expected at most one of them, got both")
    current: Params = dict(params)
    state = optimizer.init(current)
    losses: list[float] = []
    norms: list[float] = []
    reason = None
    for step in range(steps):
        # Overflow here is a finding (the run diverged), so it is checked, not warned about.
        with np.errstate(all="ignore"):
            loss, grads = objective(current, step)
            loss = float(loss)
            norm = global_norm(grads)
            if not math.isfinite(loss):
                reason = f"non-finite loss at step {step + 1}"
                break
            if not math.isfinite(norm):
                reason = f"non-finite gradient at step {step + 1}"
                break
            seen = Step(step, current, loss, grads, norm)
            if on_step is not None and (replaced := on_step(seen)) is not None:
                grads = replaced
            if clip_norm is not None:
                grads, _ = clip_by_global_norm(grads, clip_norm)
            elif clip_value is not None:
                grads = clip_by_value(grads, clip_value)
            current, state = optimizer.step(current, grads, state)
            stop = after_step is not None and after_step(seen, current)
        losses.append(loss)
        norms.append(norm)
        if progress is not None:
            progress((step + 1) / steps)
        if stop:
            reason = f"stopped by after_step at step {step + 1}"
            break
    return TrainResult(
        params=current,
        losses=np.asarray(losses, dtype=np.float64),
        grad_norms=np.asarray(norms, dtype=np.float64),
        steps=len(losses),
        stop_reason=reason,
    )
