r"""The clipping experiment's runs: one SGD run on the adding problem, and what it measures.

`train_one` trains a tanh RNN with a large recurrent matrix by plain SGD, without (`"none"`) or
with (`"norm"`) norm clipping, through the engine's loop (`qa.core.train.train`) and its
per-step callbacks: before each update it records the gradient's norm and where it sits, the
backward gain, the read-out's curvature, and at a spike a plain and a clipped step taken from
the same parameters; after it, the validation loss. `qa.experiments.clipping` runs it over the
seeds and grades the record.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from qa.core import losses, optim, output, rnn, tasks
from qa.core.optim import clip_by_global_norm, clip_by_value
from qa.core.train import Step, train
from qa.experiments.base import cast, finite, spread, thin
from qa.experiments.training import adding_test_set, init_params

MODES = ("none", "norm")
BLOCKS = ("W", "U", "b", "head")  # the read-out V and c together as "head"
SATURATED = 0.99  # |h| above this: tanh'(a) = 1 - h² < 0.02, the unit passes almost nothing


@dataclass(frozen=True, kw_only=True)
class Config:
    r"""Sizes, seeds, and the definitions the measurements use.

    Attributes:
        seq_len: `T` of the adding problem.
        hidden: `H`.
        recurrent_scale: $W \sim \mathcal N(0, s^2/H)$.
        lr: SGD learning rate of the main runs.
        batch: Sequences per update.
        steps: Updates of the main runs.
        calibration_steps: Unclipped updates whose mean gradient norm sets the threshold.
        threshold_multiple: $\theta$ = this × that mean.
        spike_window: Updates before a step whose median norm it is compared with.
        spike_factor: A spike's norm is at least this × that median.
        jump_factor: A loss jump multiplies the validation loss by at least this.
        val_size: Validation sequences (fixed per seed) for the loss jumps.
        val_every: The validation loss (and an ordinary step's jump) is measured this often.
        test_size: Test sequences for the final MSE.
        big_lr: Learning rate of the side runs where the read-out is unstable.
        big_lr_steps: Updates of the side runs.
        big_lr_runs: Side runs: the first this many seeds, with and without clipping.
        seeds: One unclipped and one clipped run per seed (same initialisation and batches).
        dtype: The floating type of the runs: float64, not the other experiments' float32.
            In float32 the paired comparison's median ratio came out at 1.3 to 1.8 under
            three BLAS kernels (1.5 to 2.1 in float64) against a threshold of 1.2: too close
            to be true on every machine; and the side runs follow a blow-up until it
            overflows, which depends on the type. A run's cost is mostly its bookkeeping, so
            float32 would save a fifth of the time at most.
    """

    seq_len: int = 50
    hidden: int = 32
    recurrent_scale: float = 1.5
    lr: float = 0.02
    batch: int = 32
    steps: int = 4000
    calibration_steps: int = 100
    threshold_multiple: float = 2.0
    spike_window: int = 50
    spike_factor: float = 10.0
    jump_factor: float = 2.0
    val_size: int = 256
    val_every: int = 50
    test_size: int = 1000
    big_lr: float = 0.1
    big_lr_steps: int = 800
    big_lr_runs: int = 4
    seeds: tuple[int, ...] = tuple(range(10))
    dtype: str = "float64"


def readout_curvature_bound(hidden: int) -> float:
    r"""Largest possible eigenvalue of the MSE read-out's Hessian in $(V, c)$: $2(H + 1)$.

    The Hessian is $\frac{2}{B}\sum_i z_i z_i^\top$ with $z_i = (h_{T,i}, 1)$ and $|h| \le 1$,
    so its top eigenvalue is at most $2\max_i\lVert z_i\rVert^2 = 2(H+1)$, reached when every
    unit is saturated the same way in every sequence. SGD is stable on it when
    $\eta\lambda_{\max} < 2$; when it is not, the read-out's error is multiplied by
    $1 - \eta\lambda_{\max}$ at every step.

    Examples:
        >>> readout_curvature_bound(32), round(0.02 * readout_curvature_bound(32), 2)
        (66.0, 1.32)
        >>> round(abs(1 - 0.1 * readout_curvature_bound(32)), 2)   # growth per step at η = 0.1
        5.6
    """
    return 2.0 * (hidden + 1)


def initial_params(seed: int, config: Config) -> dict[str, np.ndarray]:
    """The initialisation of a seed (the same as `qa.experiments.training.train_adding`'s)."""
    rng = np.random.default_rng(seed)
    params = init_params(
        "tanh", rng, 2, config.hidden, recurrent="gaussian", recurrent_scale=config.recurrent_scale
    )
    return cast(params, config.dtype)


def loss_and_grads(
    params: dict[str, np.ndarray], xs: np.ndarray, y: np.ndarray
) -> tuple[float, dict[str, np.ndarray], np.ndarray, float]:
    r"""The MSE of $o = V h_T + c$, its gradients by BPTT, the states, and the backward gain.

    Args:
        params: `U (H, 2)`, `W (H, H)`, `b (H,)`, `V (1, H)`, `c (1,)`.
        xs: Inputs `(T, B, 2)`.
        y: Targets `(B, 1)`.

    Returns:
        `(loss, grads, hs, gain)`: `hs` of shape `(T, B, H)`; `gain` is
        $\lVert\partial L/\partial h_0\rVert_F / \lVert\partial L/\partial h_T\rVert_F$, how much
        the backward signal grows or shrinks through the $T$ Jacobians
        $\operatorname{diag}(1 - h_t^2)\,W$.

    Examples:
        >>> config = Config(seq_len=10, hidden=4)
        >>> xs, y = tasks.adding_problem(np.random.default_rng(1), 10, 3)
        >>> loss, grads, hs, gain = loss_and_grads(initial_params(0, config), xs, y)
        >>> sorted(grads), hs.shape, loss > 0 and gain > 0
        (['U', 'V', 'W', 'b', 'c'], (10, 3, 4), True)
    """
    cell = {k: params[k] for k in ("U", "W", "b")}
    hs, cache = rnn.forward(cell, xs, activation="tanh")
    out, out_cache = output.forward({"V": params["V"], "c": params["c"]}, hs[-1])
    loss, dout = losses.mse(out, y)
    grads, dtop = output.backward(dout, out_cache)
    dhs = np.zeros_like(hs)
    dhs[-1] = dtop
    cell_grads, _, dh0 = rnn.backward(dhs, cache)
    grads.update(cell_grads)
    top = float(np.linalg.norm(dtop))
    gain = float(np.linalg.norm(dh0)) / top if top > 0 else 0.0
    return loss, grads, hs, gain


def _evaluate(params: dict[str, np.ndarray], xs: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """MSE on a fixed set, and the fraction of saturated units over its steps and sequences."""
    with np.errstate(all="ignore"):
        hs, _ = rnn.forward({k: params[k] for k in ("U", "W", "b")}, xs, activation="tanh")
        out, _ = output.forward({"V": params["V"], "c": params["c"]}, hs[-1])
        return losses.mse(out, y)[0], float(np.mean(np.abs(hs) > SATURATED))


def _block_norms(grads: dict[str, np.ndarray]) -> dict[str, float]:
    """The norms of the blocks W, U, b and the read-out (V, c), summed in float64."""
    g = {k: v.astype(np.float64, copy=False) for k, v in grads.items()}
    head = np.sqrt(np.sum(g["V"] ** 2) + np.sum(g["c"] ** 2))
    return {
        "W": float(np.linalg.norm(g["W"])),
        "U": float(np.linalg.norm(g["U"])),
        "b": float(np.linalg.norm(g["b"])),
        "head": float(head),
    }


def _shares(blocks: dict[str, float]) -> dict[str, float]:
    """Each block's share of the squared gradient norm (they add up to 1)."""
    total = sum(v * v for v in blocks.values())
    return {k: v * v / total for k, v in blocks.items()}


def _ratio(after: float, before: float) -> float | None:
    """The quotient after / before, or None where it is not a finite number."""
    return finite(after / before) if before > 0 else None


def _cosine(a: np.ndarray, b: np.ndarray) -> float:
    """cos(a, b), in float64 on max-scaled copies so that huge entries cannot overflow."""
    a = a.astype(np.float64) / np.abs(a).max()
    b = b.astype(np.float64) / np.abs(b).max()
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def threshold(seed: int, config: Config) -> float:
    r"""The clipping threshold of a seed, by Pascanu et al.'s heuristic.

    `threshold_multiple` × the mean $\lVert g\rVert$ over the first `calibration_steps` updates
    of unclipped SGD from the seed's initialisation and batches.

    Examples:
        >>> small = Config(seq_len=10, hidden=4, calibration_steps=5)
        >>> theta = threshold(0, small)
        >>> theta > 0 and theta == threshold(0, small)
        True
    """
    run = train_one("none", seed, config, steps=config.calibration_steps, theta=np.inf, trace=True)
    return config.threshold_multiple * float(np.mean(run["trace"]["norm"]))


def train_one(
    mode: str,
    seed: int,
    config: Config,
    progress: Callable[[float], None] | None = None,
    *,
    lr: float | None = None,
    steps: int | None = None,
    theta: float | None = None,
    trace: bool = False,
    params: dict[str, np.ndarray] | None = None,
) -> dict[str, Any]:
    r"""One SGD run on the adding problem, without (`"none"`) or with (`"norm"`) norm clipping.

    Args:
        mode: `"none"` or `"norm"`.
        seed: Seed of the initialisation, the batches and the validation set.
        config: Sizes and definitions.
        progress: Called with the fraction of updates done.
        lr: Learning rate (default `config.lr`).
        steps: Updates (default `config.steps`).
        theta: Clipping threshold; default `threshold(seed, config)`. Unclipped runs use it to
            say where clipping would have acted.
        trace: Also return every update's numbers as arrays under `"trace"` (not JSON).
        params: Initial parameters; default `initial_params(seed, config)`.

    Returns:
        Plain data: `spikes` (one dict per spike: `step` from 1, `norm`, `ratio` to the running
        median, `shares` of $\lVert g\rVert^2$ per block, `gain`, `jump` (of the step the run
        took), `jump_plain` and `jump_clipped` (of a plain and of a norm-clipped step from the
        same parameters and batch), `sat_before`, `sat_after`), `ordinary_jumps` (the jump of
        every `val_every`-th update that is no spike), `val_steps` and `val_mse` (the validation
        curve), `norm_curve` (window maxima of $\lVert g\rVert$), `typical_shares` and
        `typical_gain` (medians over the updates that are no spike), `clipped_fraction`
        (updates with $\lVert g\rVert > \theta$), `head_curvature` (largest
        $\eta\lambda_{\max}$ of the read-out's Hessian), `w_zero_from`
        (the update from which $\partial L/\partial W$ is exactly 0 to the end, or None),
        `test_mse`, `diverged`, `steps_done`, and for unclipped runs `cosines`.

    Raises:
        ValueError: For an unknown mode.
    """
    if mode not in MODES:
        raise ValueError(f"mode: expected one of {', '.join(MODES)}, got {mode!r}")
    lr = config.lr if lr is None else lr
    steps = config.steps if steps is None else steps
    if theta is None:
        theta = threshold(seed, config)
    params = initial_params(seed, config) if params is None else dict(params)
    sgd = optim.SGD(lr=lr)
    state = sgd.init(params)  # plain SGD keeps no state: a step from any parameters is pure
    data = np.random.default_rng([seed, 104729])
    val = tasks.adding_problem(
        np.random.default_rng([seed, 31337]), config.seq_len, config.val_size, dtype=config.dtype
    )
    log = _Log()
    last: dict[str, Any] = {}  # what the objective computed beyond the loss and gradients

    def objective(p: dict[str, np.ndarray], step: int) -> tuple[float, dict[str, np.ndarray]]:
        xs, y = tasks.adding_problem(data, config.seq_len, config.batch, dtype=config.dtype)
        loss, grads, last["hs"], last["gain"] = loss_and_grads(p, xs, y)
        return loss, grads

    def on_step(s: Step) -> dict[str, np.ndarray] | None:
        hs, gain, norm = last["hs"], last["gain"], s.norm
        z = np.concatenate([hs[-1], np.ones((len(hs[-1]), 1))], axis=1)  # (B, H + 1)
        top = np.linalg.eigvalsh(z.T @ z)[-1]
        log.curvature = max(log.curvature, lr * 2 * top / len(z))
        recent = log.norms[-config.spike_window :]
        median = float(np.median(recent)) if len(recent) == config.spike_window else None
        spike = median is not None and norm >= config.spike_factor * median
        sampled = s.index % config.val_every == 0
        log.norms.append(norm)
        log.losses.append(s.loss)
        log.blocks.append(_block_norms(s.grads))
        log.gains.append(gain)
        if mode == "none":
            _measure_cosines(s.grads, norm, theta, log.cosines)
        last["before"] = _evaluate(s.params, *val) if spike or sampled else None
        clipped, _ = clip_by_global_norm(s.grads, theta)
        last["spike"] = None
        if spike:
            # Both steps from the same parameters and batch: the comparison does not depend on
            # where each run's trajectory went, only on the step.
            plain_after = _evaluate(sgd.step(s.params, s.grads, state)[0], *val)
            clipped_after = _evaluate(sgd.step(s.params, clipped, state)[0], *val)
            before = last["before"][0]
            last["spike"] = {
                "step": s.index + 1,
                "norm": norm,
                "ratio": norm / median,
                "shares": _shares(log.blocks[-1]),
                "gain": finite(gain),
                "jump_plain": _ratio(plain_after[0], before),
                "jump_clipped": _ratio(clipped_after[0], before),
            }
        last["sampled"] = sampled
        return clipped if mode == "norm" else None

    def after_step(s: Step, new: dict[str, np.ndarray]) -> None:
        before, spike = last["before"], last["spike"]
        if before is None:
            return
        after = _evaluate(new, *val)
        jump = _ratio(after[0], before[0])
        if last["sampled"]:
            log.val_steps.append(s.index)
            log.val_mse.append(finite(before[0]))
        if spike is not None:
            log.spikes.append(
                {**spike, "jump": jump, "sat_before": before[1], "sat_after": after[1]}
            )
        elif jump is not None:
            log.ordinary.append(jump)

    # The side runs overflow on purpose: a non-finite loss is a finding, checked, not warned about.
    with np.errstate(all="ignore"):
        result = train(
            objective, params, sgd, steps, progress=progress, on_step=on_step, after_step=after_step
        )
        log.diverged = result.diverged
        test = None if log.diverged else _evaluate_test(result.params, seed, config)
    out = _run_record(log, test, mode=mode, seed=seed, lr=lr, theta=theta, steps=steps)
    if trace:
        out["trace"] = {
            "norm": np.array(log.norms),
            "loss": np.array(log.losses),
            "blocks": {k: np.array([b[k] for b in log.blocks]) for k in BLOCKS},
        }
    return out


@dataclass
class _Log:
    """What a run accumulates, update by update."""

    norms: list[float] = field(default_factory=list)
    losses: list[float] = field(default_factory=list)
    blocks: list[dict[str, float]] = field(default_factory=list)
    gains: list[float] = field(default_factory=list)
    spikes: list[dict[str, Any]] = field(default_factory=list)
    ordinary: list[float] = field(default_factory=list)
    val_steps: list[int] = field(default_factory=list)
    val_mse: list[float | None] = field(default_factory=list)
    cosines: dict[str, list[float]] = field(default_factory=lambda: {"norm": [], "value": []})
    curvature: float = 0.0
    diverged: bool = False


def value_bound_for_norm(flat: np.ndarray, theta: float) -> float:
    r"""The element-wise bound $v$ for which value clipping shortens `flat` to norm `theta`.

    $\lVert \operatorname{clip}(g, \pm v)\rVert^2 = \sum_{|g_i| < v} g_i^2 + v^2\,\#\{|g_i| \ge v\}$
    grows with $v$; with the entries sorted by size it is solved exactly, piece by piece. Value
    clipping with this $v$ shortens the gradient exactly as much as norm clipping at `theta`, so
    the two can be compared on direction alone.

    Args:
        flat: The gradient, all parameters concatenated, shape `(P,)`, with norm > `theta`.
        theta: The norm to reach.

    Examples:
        >>> g = np.array([3.0, 0.5])
        >>> v = value_bound_for_norm(g, 1.0)
        >>> round(v, 6), round(float(np.linalg.norm(np.clip(g, -v, v))), 12)
        (0.866025, 1.0)
    """
    a = np.sort(np.abs(flat))
    below = np.concatenate([[0.0], np.cumsum(a * a)])  # below[k]: sum of the k smallest squared
    above = len(a) - np.arange(len(a) + 1)  # entries at or above the k-th
    lower = np.concatenate([[0.0], a])  # v ranges over [lower[k], a[k]] in piece k
    k = int(np.searchsorted(below[:-1] + above[:-1] * lower[:-1] ** 2, theta**2, side="right")) - 1
    return float(np.sqrt((theta**2 - below[k]) / above[k]))


def _measure_cosines(
    grads: dict[str, np.ndarray], norm: float, theta: float, into: dict[str, list[float]]
) -> None:
    """Where norm clipping would act, cos(g, norm-clipped g) and cos(g, value-clipped g).

    Value clipping uses the bound that shortens g just as much (`value_bound_for_norm`).
    """
    if not norm > theta:
        return
    flat = np.concatenate([g.ravel() for g in grads.values()])
    clipped, _ = clip_by_global_norm(grads, theta)
    into["norm"].append(_cosine(flat, np.concatenate([clipped[k].ravel() for k in grads])))
    scale = np.abs(flat).max()  # the bound is found on a rescaled copy: huge entries overflow
    v = value_bound_for_norm(flat / scale, theta / scale) * scale
    clipped = clip_by_value(grads, v)
    into["value"].append(_cosine(flat, np.concatenate([clipped[k].ravel() for k in grads])))


def _evaluate_test(
    params: dict[str, np.ndarray], seed: int, config: Config
) -> tuple[float | None, float | None]:
    """Test MSE and its standard error, on the test set `qa.experiments.adding` uses too."""
    xs, y = adding_test_set(config.seq_len, config.test_size, seed, config.dtype)
    hs, _ = rnn.forward({k: params[k] for k in ("U", "W", "b")}, xs, activation="tanh")
    pred, _ = output.forward({"V": params["V"], "c": params["c"]}, hs[-1])
    err = (pred - y) ** 2
    return finite(err.mean()), finite(err.std() / np.sqrt(err.size))


def _zero_from(values: np.ndarray) -> int | None:
    """The step (from 1) from which `values` is exactly 0 to the end, or None.

    Examples:
        >>> _zero_from(np.array([3.0, 0.0, 1.0, 0.0, 0.0])), _zero_from(np.array([1.0, 0.0, 2.0]))
        (4, None)
    """
    nonzero = np.flatnonzero(values != 0)
    if not len(values) or (len(nonzero) and nonzero[-1] == len(values) - 1):
        return None
    return int(nonzero[-1] + 2) if len(nonzero) else 1


def _run_record(
    log: _Log,
    test: tuple[float | None, float | None] | None,
    *,
    mode: str,
    seed: int,
    lr: float,
    theta: float,
    steps: int,
) -> dict[str, Any]:
    done = len(log.norms)
    norms = np.array(log.norms)
    spike_steps = {s["step"] - 1 for s in log.spikes}
    calm = [i for i in range(done) if i not in spike_steps and norms[i] > 0]
    out: dict[str, Any] = {
        "mode": mode,
        "seed": seed,
        "lr": lr,
        "theta": finite(theta),
        "steps": steps,
        "steps_done": done,
        "diverged": log.diverged,
        "test_mse": test[0] if test else None,
        "test_se": test[1] if test else None,
        "max_loss": finite(max(log.losses)) if done else None,
        "spikes": log.spikes,
        "ordinary_jumps": log.ordinary,
        "val_steps": log.val_steps,
        "val_mse": log.val_mse,
        "norm_curve": thin(log.norms, 400, how="max"),
        "median_norm": finite(np.median(norms)) if done else None,
        "typical_shares": {
            k: float(np.median([(log.blocks[i][k] / norms[i]) ** 2 for i in calm])) for k in BLOCKS
        }
        if calm
        else None,
        "typical_gain": finite(np.median([log.gains[i] for i in calm])) if calm else None,
        "clipped_fraction": float(np.mean(norms > theta)) if done else 0.0,
        "head_curvature": float(log.curvature),
        "w_zero_from": _zero_from(np.array([b["W"] for b in log.blocks])),
    }
    if mode == "none":
        out["cosines"] = {k: spread(v) for k, v in log.cosines.items()}
    return out


def readout_growth(run: dict[str, Any]) -> float | None:
    r"""Median factor by which $\lVert g\rVert$ grows per update once $\partial L/\partial W = 0$.

    Needs a run made with `trace=True`; None if $\partial L/\partial W$ never stays 0.
    """
    start = run["w_zero_from"]
    if start is None:
        return None
    tail = run["trace"]["norm"][start - 1 :]
    tail = tail[tail > 0]
    return float(np.median(tail[1:] / tail[:-1])) if len(tail) > 1 else None


def _main_unit(unit: tuple[str, int, Config], progress: Any = None) -> dict[str, Any]:
    mode, seed, config = unit
    return train_one(mode, seed, config, progress)


def _side_unit(unit: tuple[str, int, Config], progress: Any = None) -> dict[str, Any]:
    mode, seed, config = unit
    run = train_one(
        mode, seed, config, progress, lr=config.big_lr, steps=config.big_lr_steps, trace=True
    )
    run["growth"] = readout_growth(run)
    del run["trace"]
    return run


def unit(work: tuple[str, str, int, Config], progress: Any = None) -> dict[str, Any]:
    """One run of `qa.experiments.clipping.run`: `("main" | "side", mode, seed, config)`."""
    kind, *rest = work
    return (_main_unit if kind == "main" else _side_unit)(tuple(rest), progress)
