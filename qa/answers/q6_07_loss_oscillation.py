r"""6.7 Why the loss of an RNN jumps: cliffs in the loss surface, and gradient clipping.

Back-propagation through time multiplies Jacobians
$\partial h_t/\partial h_k = \prod_{j=k+1}^{t} \operatorname{diag}(\phi'(a_j))\,W$. Where a small
change of the weights tips this product from shrinking to growing, the loss changes abruptly and
the gradient is huge: a *cliff* (Pascanu et al. 2013). One SGD step $\theta \leftarrow \theta -
\eta g$ taken there has length $\eta\lVert g\rVert$ and throws the parameters far away. Norm
clipping bounds the step and keeps its direction:

$$
g \leftarrow \min\Big(1, \frac{\theta}{\lVert g\rVert}\Big)\, g, \qquad
\lVert g\rVert = \Big(\sum_p \lVert g_p\rVert_F^2\Big)^{1/2};
$$

value clipping, $g_i \leftarrow \max(-v, \min(v, g_i))$, bounds each entry and can turn it.

`demonstrate` scans Pascanu et al.'s one-unit model
$x_t = w\,\sigma(x_{t-1}) + b$, $\mathcal E = (\sigma(x_{50}) - 0.7)^2$ across its wall
(`qa.experiments.cliff`, gradients by the engine's BPTT, checked by finite differences) and takes
one SGD step from its steepest point with and without clipping. Then it trains a tanh RNN with a
large recurrent matrix by plain SGD on the adding problem, once without clipping and once with
norm clipping at Pascanu et al.'s threshold (`qa.experiments.clipping`, one seed; the experiment
runs ten), at a learning rate the linear read-out tolerates, so that whatever jumps comes through
the recurrence. Last, the same two runs at a learning rate the read-out does *not* tolerate,
which blow up for a different reason.

Run it: `dl500 run 6.7`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from qa.core import optim
from qa.core.tasks import ADDING_TRIVIAL_MSE
from qa.experiments import cliff, clipping
from qa.experiments.base import map_units
from qa.numbers import Number
from qa.viz import COLORS, FigureSpec, new_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "Demo",
    "card_clipped_norm",
    "card_value_clip_cosine",
    "cosine",
    "demonstrate",
    "finite_difference_slope",
    "numbers",
    "sgd_step",
    "wall_scan",
]

SEED = 0
CLIFF = cliff.FULL  # w = 5, b from -2.72 to -2.58 in 2001 points, x_0 = 0.5, target 0.7, T = 50
CLIFF_LR = 0.01  # η of the single SGD step across the wall
CLIFF_THETA = 1.0  # the clipping threshold of that step
FD_STEP = 1e-7
# The runs of `qa.experiments.clipping` (adding problem T = 50, H = 32, W ~ N(0, 1.5²/H), plain
# SGD η = 0.02, batches of 32, θ = 2 × the mean ‖g‖ of the first 100 updates), shortened to fit a
# demonstration of a few seconds; the validation loss is measured every 100 updates.
RUNS = replace(clipping.FULL, steps=1500, val_every=100)
SIDE_STEPS = 400  # the side runs at η = RUNS.big_lr = 0.1
MODES = clipping.MODES  # ("none", "norm")


def wall_scan(config: cliff.Config = CLIFF) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""The loss $\mathcal E$ and its slope $\partial\mathcal E/\partial b$ across the wall.

    Returns:
        `(b, E, dE_db)`, each of shape `(config.scan_points,)`; the gradient by BPTT.

    Examples:
        >>> b, E, g = wall_scan(replace(CLIFF, scan_points=201))
        >>> round(float(E.max() - E.min()), 2), bool(np.abs(g).max() > 100 * np.median(np.abs(g)))
        (0.36, True)
    """
    b = np.linspace(*config.scan_b, config.scan_points)
    E, _, g = cliff.loss_and_grad(np.full(len(b), config.scan_w), b, config)
    return b, E, g


def finite_difference_slope(
    b: np.ndarray, config: cliff.Config = CLIFF, h: float = FD_STEP
) -> np.ndarray:
    r"""Central differences $(\mathcal E(b + h) - \mathcal E(b - h)) / 2h$ at every `b`.

    Examples:
        >>> b, _, g = wall_scan(replace(CLIFF, scan_points=5))
        >>> bool(np.allclose(finite_difference_slope(b), g, rtol=1e-6))
        True
    """
    w = np.full(len(b), config.scan_w)
    plus, _, _ = cliff.loss_and_grad(w, b + h, config)
    minus, _, _ = cliff.loss_and_grad(w, b - h, config)
    return (plus - minus) / (2 * h)


def sgd_step(value: float, grad: float, lr: float, theta: float | None = None) -> float:
    r"""One SGD step $b - \eta g$ on a single parameter, its gradient first clipped to norm θ.

    The clipping is the engine's `qa.core.optim.clip_by_global_norm`.

    Examples:
        >>> sgd_step(0.0, -5000.0, 0.01), sgd_step(0.0, -5000.0, 0.01, theta=1.0)
        (50.0, 0.01)
        >>> sgd_step(0.0, 0.2, 0.01, theta=1.0)           # below the threshold: unchanged
        -0.002
    """
    g = {"b": np.array([grad])}
    if theta is not None:
        g, _ = optim.clip_by_global_norm(g, theta)
    return float(value - lr * g["b"][0])


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    """Cosine of the angle between two vectors (any shapes of the same size).

    Examples:
        >>> round(cosine(np.array([3.0, 0.5]), np.array([1.0, 0.5])), 4)   # value-clipped at ±1
        0.9558
    """
    a, b = np.ravel(a), np.ravel(b)
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def _tenth(rng: np.random.Generator, low: float, high: float) -> float:
    """A uniform draw on the grid of tenths in [low, high]."""
    return float(rng.integers(round(low * 10), round(high * 10) + 1) / 10)


def card_clipped_norm(rng: np.random.Generator) -> dict:
    """Quiz solver: ‖clipped ∇W‖ after clipping U, W, V gradients of given norms together."""
    a, b, c = (_tenth(rng, 0.5, 20.0) for _ in range(3))
    theta = float(rng.choice([1.0, 2.0, 5.0]))
    shapes = {"U": (8, 3), "W": (8, 8), "V": (2, 8)}
    grads = {}
    for (name, shape), norm in zip(shapes.items(), (a, b, c), strict=True):
        g = rng.standard_normal(shape)
        grads[name] = norm * g / np.linalg.norm(g)
    clipped, _ = optim.clip_by_global_norm(grads, theta)
    return {
        "params": {"a": a, "b": b, "c": c, "theta": theta},
        "answer": float(np.linalg.norm(clipped["W"])),
    }


def card_value_clip_cosine(rng: np.random.Generator) -> dict:
    """Quiz solver: cosine between g = (g1, g2) and its element-wise clipped version."""
    v = float(rng.choice([1.0, 2.0, 5.0]))
    g1 = _tenth(rng, v + 0.1, 4 * v) * float(rng.choice([-1.0, 1.0]))  # beyond ±v: clipped
    g2 = _tenth(rng, 0.1, v) * float(rng.choice([-1.0, 1.0]))  # within ±v: kept
    g = np.array([g1, g2])
    clipped = optim.clip_by_value({"g": g}, v)["g"]
    return {"params": {"g1": g1, "g2": g2, "v": v}, "answer": cosine(g, clipped)}


@dataclass(frozen=True)
class Demo:
    """What `demonstrate` measured."""

    seed: int
    b: np.ndarray  # (N,) the scan across the wall, at w = CLIFF.scan_w
    loss: np.ndarray  # (N,) E(b)
    grad: np.ndarray  # (N,) ∂E/∂b by BPTT
    fd_grad: np.ndarray  # (N,) ∂E/∂b by central differences
    start: float  # b where |∂E/∂b| is largest: where the step is taken
    plain: tuple[float, float, float]  # (b, E, ∂E/∂b) after one unclipped step
    clipped: tuple[float, float, float]  # the same after the clipped step
    w_singular: float  # σ_max of the initial recurrent matrix
    w_radius: float  # its spectral radius
    theta: float  # the clipping threshold of the training runs
    runs: dict  # mode -> record of `clipping.train_one(..., trace=True)` at η = RUNS.lr
    side: dict  # mode -> the same at η = RUNS.big_lr, with `growth`


def _train(unit: tuple[str, str, int, float], progress: Callable[[float], None] | None = None):
    kind, mode, seed, theta = unit
    if kind == "main":
        return clipping.train_one(mode, seed, RUNS, progress, theta=theta, trace=True)
    run = clipping.train_one(
        mode, seed, RUNS, progress, lr=RUNS.big_lr, steps=SIDE_STEPS, theta=theta, trace=True
    )
    return {**run, "growth": clipping.readout_growth(run)}


def demonstrate(seed: int = SEED, *, progress: Callable[[float], None] | None = None) -> Demo:
    """The wall of the one-unit model, a step across it, and training with and without clipping."""
    from threadpoolctl import threadpool_limits  # only here: the quiz imports this module

    b, E, g = wall_scan()
    fd = finite_difference_slope(b)
    i = int(np.abs(g).argmax())
    after = []
    for theta in (None, CLIFF_THETA):
        new = sgd_step(float(b[i]), float(g[i]), CLIFF_LR, theta)
        e, _, gb = cliff.loss_and_grad(np.array([CLIFF.scan_w]), np.array([new]), CLIFF)
        after.append((new, float(e[0]), float(gb[0])))
    W = clipping.initial_params(seed, RUNS)["W"]
    with threadpool_limits(1):
        theta = clipping.threshold(seed, RUNS)
    if progress is not None:
        progress(0.05)

    def part(frac: float) -> None:
        if progress is not None:
            progress(0.05 + 0.95 * frac)

    units = [(kind, mode, seed, theta) for kind in ("main", "side") for mode in MODES]
    side_weight = 0.3 * SIDE_STEPS / RUNS.steps
    # Thousands of products of 32 × 32 matrices: extra BLAS threads only spin (5× slower on 2
    # cores), as in `qa.experiments.runner`.
    with threadpool_limits(1):
        out = map_units(_train, units, progress=part, weights=[1, 1, side_weight, side_weight])
    return Demo(
        seed=seed,
        b=b,
        loss=E,
        grad=g,
        fd_grad=fd,
        start=float(b[i]),
        plain=after[0],
        clipped=after[1],
        w_singular=float(np.linalg.norm(W, 2)),
        w_radius=float(np.abs(np.linalg.eigvals(W)).max()),
        theta=theta,
        runs=dict(zip(MODES, out[:2], strict=True)),
        side=dict(zip(MODES, out[2:], strict=True)),
    )


def _relative_errors(demo: Demo) -> np.ndarray:
    return np.abs(demo.fd_grad - demo.grad) / np.abs(demo.grad)


def _paired(demo: Demo) -> list[tuple[float, float]]:
    """(plain jump, clipped jump) from the same parameters, at every spike of both runs."""
    return [
        (s["jump_plain"], s["jump_clipped"])
        for r in demo.runs.values()
        for s in r["spikes"]
        if s.get("jump_plain") is not None and s.get("jump_clipped") is not None
    ]


def _side_outcome(run: dict) -> str:
    """What became of an unclipped run at the large learning rate, in words."""
    if run["diverged"]:
        text = f"reached inf or NaN at update {run['steps_done'] + 1}"
    else:
        text = (
            f"stayed finite for its {run['steps_done']} updates (largest batch loss "
            f"{run['max_loss']:.2g})"
        )
    if run["w_zero_from"] is not None:
        text += f"; from update {run['w_zero_from']} on the gradient of W, U and b was exactly zero"
        if run["diverged"]:  # a long enough tail for the growth to settle
            text += f" and ‖g‖ grew by ×{run['growth']:.2f} per update"
    return text


def _side_outcome_zh(run: dict) -> str:
    """`_side_outcome` in Chinese, for the Chinese page (`{{ run.side_outcome_zh }}`)."""
    if run["diverged"]:
        text = f"在第{run['steps_done'] + 1}次更新时出现inf或NaN"
    else:
        text = f"{run['steps_done']}次更新中始终有限（最大批量损失为{run['max_loss']:.2g}）"
    if run["w_zero_from"] is not None:
        text += f"；从第{run['w_zero_from']}次更新起，W、U和b的梯度恰好为零"
        if run["diverged"]:
            text += f"，‖g‖每次更新增长×{run['growth']:.2f}"
    return text


def numbers(demo: Demo) -> dict[str, Number]:
    """The measured numbers the page and the figure texts quote (`{{ run.NAME }}`)."""
    scan = np.abs(demo.grad)
    i = int(scan.argmax())
    (pb, pe, pg), (cb, ce, _) = demo.plain, demo.clipped
    none, norm = demo.runs["none"], demo.runs["norm"]
    paired = _paired(demo)
    seed = f"seed {demo.seed}"
    jumps = none["ordinary_jumps"]
    side_plain, side_clip = demo.side["none"], demo.side["norm"]
    median = float(np.median([p for p, _ in paired])) if paired else None
    return {
        "wall_width": Number(cliff.wall_width(demo.b, demo.loss), ".1e"),
        "max_slope": Number(float(scan.max()), ".0f"),
        "slope_ratio": Number(float(scan.max() / np.median(scan)), ".2g"),
        "start_loss": Number(float(demo.loss[i]), ".3f"),
        "fd_error": Number(float(np.median(_relative_errors(demo))), ".0e", "median over b"),
        "plain_db": Number(pb - demo.start, ".1f"),
        "plain_loss": Number(pe, ".3f"),
        "plain_slope": Number(abs(pg), ".1e"),
        "clipped_db": Number(cb - demo.start, ".2f"),
        "clipped_loss": Number(ce, ".3f"),
        "w_singular": Number(demo.w_singular, ".2f", seed),
        "w_radius": Number(demo.w_radius, ".2f", seed),
        "curvature": Number(max(r["head_curvature"] for r in demo.runs.values()), ".2f", seed),
        "theta": Number(demo.theta, ".2f", seed),
        "unclipped_test_mse": Number(none["test_mse"], ".3f", seed),
        "clipped_test_mse": Number(norm["test_mse"], ".3f", seed),
        "unclipped_spikes": Number(len(none["spikes"]), "d", seed),
        "clipped_spikes": Number(len(norm["spikes"]), "d", seed),
        "spikes": Number(len(paired), "d", f"{seed}, both runs"),
        "plain_worse": Number(sum(p > c for p, c in paired), "d", f"{seed}, both runs"),
        "plain_jump": Number(median, ".2f", f"{seed}, median over the spikes of both runs"),
        "clipped_jump": Number(
            float(np.median([c for _, c in paired])) if paired else None,
            ".2f",
            f"{seed}, median over the spikes of both runs",
        ),
        "ordinary_low": Number(min(jumps) if jumps else None, ".2f", seed),
        "ordinary_high": Number(max(jumps) if jumps else None, ".2f", seed),
        "clipped_fraction": Number(norm["clipped_fraction"], ".0%", seed),
        "side_outcome": Number(_side_outcome(side_plain), about=seed),
        "side_outcome_zh": Number(_side_outcome_zh(side_plain), about=seed),
        "side_clipped_max_loss": Number(side_clip["max_loss"], ".3g", seed),
        "side_clipped_curvature": Number(side_clip["head_curvature"], ".1f", seed),
        "side_clipped_test_mse": Number(side_clip["test_mse"], ".3f", seed),
    }


def _pct(x: float) -> str:
    return f"{100 * x:.0f} %" if x >= 0.01 else f"{100 * x:.1f} %"


def _spike_line(run: dict) -> str:
    spikes = run["spikes"]
    if not spikes:
        return "no spike"
    med = {k: float(np.median([s["shares"][k] for s in spikes])) for k in clipping.BLOCKS}
    plain = [s["jump_plain"] for s in spikes if s.get("jump_plain") is not None]
    clip = [s["jump_clipped"] for s in spikes if s.get("jump_clipped") is not None]
    return (
        f"{_count(len(spikes), 'spike')} (updates {', '.join(str(s['step']) for s in spikes[:6])}"
        f"{', …' if len(spikes) > 6 else ''}), up to {max(s['ratio'] for s in spikes):.0f}× the "
        f"running median; median shares of ‖g‖²: W {_pct(med['W'])}, U and b "
        f"{_pct(med['U'] + med['b'])}, V and c {_pct(med['head'])}; median backward gain "
        f"{np.median([s['gain'] for s in spikes]):.3g}; from the same parameters, validation "
        f"loss ×{np.median(plain):.2f} after a plain step, ×{np.median(clip):.2f} after a "
        f"clipped one (medians)"
    )


def summarize(demo: Demo) -> str:
    """The measured numbers, as plain text."""
    n = numbers(demo)
    rel = _relative_errors(demo)
    none, norm = demo.runs["none"], demo.runs["norm"]
    lines = [
        f"one-unit model, w = {CLIFF.scan_w:g}, b from {demo.b[0]:g} to {demo.b[-1]:g} "
        f"({len(demo.b)} points): E changes by more than 0.3 within Δb = {n['wall_width']}; "
        f"max |∂E/∂b| = {n['max_slope']} at b = {demo.start:.5f}, {n['slope_ratio']}× the "
        f"median",
        f"  BPTT vs central differences (h = {FD_STEP:g}): median relative error "
        f"{n['fd_error']}, largest {rel.max():.1e} (at b = {demo.b[rel.argmax()]:.5f}, next "
        f"to the wall)",
        f"  one SGD step (η = {CLIFF_LR:g}) from the steepest point (E = {n['start_loss']}): "
        f"unclipped Δb = {n['plain_db']}, to E = {n['plain_loss']} where |∂E/∂b| = "
        f"{n['plain_slope']}; clipped at θ = {CLIFF_THETA:g}: Δb = {n['clipped_db']}, to E = "
        f"{n['clipped_loss']}",
        f"tanh RNN, adding T = {RUNS.seq_len}, H = {RUNS.hidden}, W ~ N(0, "
        f"{RUNS.recurrent_scale:g}²/H) (σ_max(W) = {n['w_singular']}, spectral radius "
        f"{n['w_radius']}), plain SGD η = {RUNS.lr:g}, batch {RUNS.batch}, {RUNS.steps} "
        f"updates, seed {demo.seed}:",
        f"  read-out: η·λ_max of its Hessian ≤ {n['curvature']} on every batch (at most "
        f"η·2(H+1) = {RUNS.lr * clipping.readout_curvature_bound(RUNS.hidden):.2f} < 2): it "
        f"cannot blow up",
        f"  θ = {RUNS.threshold_multiple:g} × the mean ‖g‖ of the first "
        f"{RUNS.calibration_steps} updates = {n['theta']}",
        f"  no clipping: {_spike_line(none)}",
        f"  norm clipping: clipped {n['clipped_fraction']} of the updates; {_spike_line(norm)}",
        f"  at the {n['spikes']} spikes of both runs, from the same parameters: the plain step "
        f"left the higher validation loss at {n['plain_worse']}; median ×{n['plain_jump']} "
        f"(plain) vs ×{n['clipped_jump']} (clipped)",
        f"  other updates: backward gain ‖∂L/∂h₀‖/‖∂L/∂h_T‖ (median) {none['typical_gain']:.2g} "
        f"unclipped, {norm['typical_gain']:.2g} clipped; the validation loss after/before an "
        f"update, every {RUNS.val_every} updates of the unclipped run: "
        f"×{n['ordinary_low']} to ×{n['ordinary_high']}",
        f"  test MSE after {RUNS.steps} updates (1/6 = {ADDING_TRIVIAL_MSE:.3f} for predicting "
        f"1): {n['unclipped_test_mse']} unclipped, {n['clipped_test_mse']} clipped",
    ]
    cos = none["cosines"]
    if cos["norm"]["n"]:
        lines.append(
            f"  on the {cos['norm']['n']} unclipped gradients above θ: cos(g, norm-clipped g) ≥ "
            f"{cos['norm']['min']:.15f}; cos(g, value-clipped g), shortened as much, down to "
            f"{cos['value']['min']:.2f}"
        )
    big, bound = RUNS.big_lr, clipping.readout_curvature_bound(RUNS.hidden)
    lines += [
        f"the same at η = {big:g} (η·2(H+1) = {big * bound:.1f} > 2: the read-out's own step is "
        f"unstable; |1 − η·2(H+1)| = {abs(1 - big * bound):.2f}), {SIDE_STEPS} updates:",
        f"  no clipping: {n['side_outcome']}",
        f"  norm clipping: {'inf/NaN' if demo.side['norm']['diverged'] else 'finite'}, largest "
        f"batch loss {n['side_clipped_max_loss']}, η·λ_max up to "
        f"{n['side_clipped_curvature']}; test MSE {n['side_clipped_test_mse']}",
    ]
    return "\n".join(lines)


def plot_cliff(demo: Demo) -> Figure:
    """E(b) across the wall with one SGD step, plain and clipped; |∂E/∂b| on a log scale."""
    fig, (top, bottom) = new_figure(2, 1, width=6.4, height=5.0, sharex=True)
    top.plot(demo.b, demo.loss, color=COLORS["blue"])
    i = int(np.abs(demo.grad).argmax())
    x0, y0 = demo.start, demo.loss[i]
    cb, ce, _ = demo.clipped
    pb, pe, _ = demo.plain
    top.plot([x0], [y0], "o", color=COLORS["black"], ms=5)
    top.annotate(
        "",
        xy=(cb, ce),
        xytext=(x0, y0),
        arrowprops={"arrowstyle": "-|>", "color": COLORS["green"], "lw": 1.8},
    )
    top.annotate(
        f"clipped step: Δb = {cb - x0:+.2g},\nlands at E = {ce:.3f}",
        (x0, y0),
        xytext=(-10, -42),
        textcoords="offset points",
        color=COLORS["green"],
        ha="right",
        fontsize="small",
    )
    right = demo.b[-1]
    top.annotate(
        "",
        xy=(right, y0 + 0.04),
        xytext=(x0, y0 + 0.04),
        arrowprops={"arrowstyle": "-|>", "color": COLORS["red"], "lw": 1.8},
    )
    top.annotate(
        f"unclipped step: Δb = {pb - x0:+.3g},\noff the chart; lands at E = {pe:.3f}, flat",
        (right, y0 + 0.04),
        xytext=(-4, 6),
        textcoords="offset points",
        color=COLORS["red"],
        ha="right",
        fontsize="small",
    )
    top.set(ylabel=r"$\mathcal{E}$", ylim=(-0.02, 0.45))
    top.set_title(
        rf"One unit, $w = {CLIFF.scan_w:g}$: a wall in the loss; one step, $\eta = {CLIFF_LR:g}$"
    )
    bottom.semilogy(demo.b, np.abs(demo.grad), color=COLORS["red"], lw=1.0, label="BPTT")
    every = max(1, len(demo.b) // 50)
    bottom.semilogy(
        demo.b[::every],
        np.abs(demo.fd_grad[::every]),
        "o",
        mfc="none",
        color=COLORS["black"],
        ms=4,
        label="finite differences",
    )
    bottom.set(xlabel="$b$", ylabel=r"$|\partial\mathcal{E}/\partial b|$")
    bottom.legend(loc="upper left", fontsize="small")
    return fig


_MODE_COLORS = {"none": "red", "norm": "blue"}


def _titles(demo: Demo) -> dict[str, str]:
    return {"none": "No clipping", "norm": f"Norm clipping at θ = {demo.theta:.2f}"}


def _count(n: int, noun: str) -> str:
    """`n` and the noun, plural if needed.

    Examples:
        >>> _count(1, "spike"), _count(3, "spike")
        ('1 spike', '3 spikes')
    """
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _running_mean(x: np.ndarray, k: int) -> np.ndarray:
    """Mean of the last `k` values at every step (fewer at the start).

    Examples:
        >>> _running_mean(np.array([1.0, 3.0, 5.0, 7.0]), 2).tolist()
        [1.0, 2.0, 4.0, 6.0]
    """
    c = np.concatenate([[0.0], np.cumsum(x)])
    n = np.arange(1, len(x) + 1)
    lo = np.maximum(n - k, 0)
    return (c[n] - c[lo]) / (n - lo)


def plot_loss_with_and_without_clipping(demo: Demo) -> Figure:
    """The loss of both runs, and what the update at each spike did to the validation loss."""
    fig, (ax, ax2) = new_figure(1, 2, width=8.6, height=3.6, width_ratios=(1.6, 1))
    markers = {"none": "o", "norm": "s"}
    for mode in MODES:
        r = demo.runs[mode]
        color = COLORS[_MODE_COLORS[mode]]
        loss = r["trace"]["loss"]
        steps = np.arange(1, len(loss) + 1)
        label = "no clipping" if mode == "none" else f"norm clipping at θ = {demo.theta:.2f}"
        ax.plot(steps, _running_mean(loss, 50), color=color, lw=1.2, label=label)
        ax.plot(np.array(r["val_steps"]) + 1, r["val_mse"], markers[mode], color=color, ms=3.5)
        for s in r["spikes"]:
            ax.plot([s["step"]], [0.02 if mode == "none" else 0.045], "|", color=color, ms=9)
    ax.axhline(ADDING_TRIVIAL_MSE, color=COLORS["black"], ls="--", lw=0.8)
    ax.set(xlim=(0, RUNS.steps), ylim=(0, 0.4), xlabel="update", ylabel="MSE (dashed: 1/6)")
    ax.set_title("Loss: batch mean of 50 (lines), validation (dots)")
    ax.legend(loc="upper right", fontsize="small")
    ax.annotate("| spikes", (RUNS.steps, 0.032), ha="right", va="center", fontsize="small")
    paired = _paired(demo)
    groups = [
        ("other\nupdates", demo.runs["none"]["ordinary_jumps"], COLORS["grey"]),
        ("spikes:\nplain step", [p for p, _ in paired], COLORS["red"]),
        ("spikes:\nclipped step", [c for _, c in paired], COLORS["blue"]),
    ]
    for k, (_, values, color) in enumerate(groups):
        values = np.array([v for v in values if v is not None], dtype=float)
        spread_x = np.linspace(-0.2, 0.2, len(values)) if len(values) > 1 else np.zeros(len(values))
        ax2.plot(k + spread_x, values, "o", color=color, ms=4, alpha=0.8)
    for k, (p, c) in enumerate(paired):  # each spike's two steps, joined
        x = np.linspace(-0.2, 0.2, len(paired))[k] if len(paired) > 1 else 0.0
        ax2.plot([1 + x, 2 + x], [p, c], color=COLORS["grey"], lw=0.4, alpha=0.6)
    ax2.axhline(1, color=COLORS["black"], lw=0.8)
    ax2.set_xticks(range(len(groups)), [g[0] for g in groups])
    ax2.set(xlim=(-0.6, len(groups) - 0.4), yscale="log", ylabel="validation loss after / before")
    ax2.set_title("One step's effect")
    return fig


def plot_gradient_norm_trace(demo: Demo) -> Figure:
    """‖g‖ before clipping at every update, the spike line, and the spikes, for both runs."""
    fig, axes = new_figure(1, 2, width=8.4, height=3.5, sharey=True)
    window, factor = RUNS.spike_window, RUNS.spike_factor
    for ax, mode in zip(axes, MODES, strict=True):
        r = demo.runs[mode]
        norms = r["trace"]["norm"]
        steps = np.arange(1, len(norms) + 1)
        line = np.full(len(norms), np.nan)
        for t in range(window, len(norms)):
            line[t] = factor * np.median(norms[t - window : t])
        ax.plot(steps, norms, color=COLORS[_MODE_COLORS[mode]], lw=0.5)
        ax.plot(steps, line, color=COLORS["grey"], lw=0.8, label=f"{factor:g}× running median")
        ax.axhline(demo.theta, color=COLORS["black"], ls="--", lw=0.9, label="θ")
        spikes = r["spikes"]
        ax.plot(
            [s["step"] for s in spikes],
            [s["norm"] for s in spikes],
            "o",
            mfc="none",
            color=COLORS["black"],
            ms=7,
            label="spike",
        )
        ax.set(yscale="log", xlim=(0, RUNS.steps), ylim=(0.02, 3e4), xlabel="update")
        ax.set_title(f"{_titles(demo)[mode]}: {_count(len(spikes), 'spike')}")
    axes[0].set_ylabel("‖g‖ before clipping")
    axes[0].legend(loc="upper right", fontsize="small")
    return fig


def plot_large_learning_rate(demo: Demo) -> Figure:
    """At η = 0.1: ‖g‖ per update with and without clipping, and where ∂L/∂W becomes 0."""
    fig, ax = new_figure(width=6.8, height=3.6)
    big, bound = RUNS.big_lr, clipping.readout_curvature_bound(RUNS.hidden)
    factor = abs(1 - big * bound)
    for mode in MODES:
        r = demo.side[mode]
        norms = r["trace"]["norm"]
        label = "no clipping" if mode == "none" else f"norm clipping at θ = {demo.theta:.2f}"
        if r["diverged"]:
            label += f": inf/NaN at update {r['steps_done'] + 1}"
        ax.plot(
            np.arange(1, len(norms) + 1), norms, color=COLORS[_MODE_COLORS[mode]], lw=1, label=label
        )
    plain = demo.side["none"]
    if plain["w_zero_from"] is not None:
        start = plain["w_zero_from"]
        ax.axvline(start, color=COLORS["grey"], ls=":", lw=1)
        ax.annotate(
            f"∂L/∂W = 0 from update {start} on",
            (start, 1e100),
            xytext=(5, 0),
            textcoords="offset points",
            fontsize="small",
        )
        t = np.arange(start, plain["steps_done"] + 1)
        ref = plain["trace"]["norm"][start - 1] * 1e12 * factor ** (t - start)
        ax.plot(
            t,
            ref,
            color=COLORS["black"],
            ls="--",
            lw=0.8,
            label=f"slope |1 − η·2(H+1)| = {factor:.1f} per update (shifted up)",
        )
    ax.set(
        yscale="log",
        xlim=(0, SIDE_STEPS),
        ylim=(1e-3, 1e170),
        xlabel="update",
        ylabel="‖g‖ before clipping",
    )
    ax.set_yticks([1e0, 1e40, 1e80, 1e120, 1e160])
    ax.set_title(rf"$\eta = {big:g}$, $\eta\cdot 2(H+1) = {big * bound:.1f} > 2$")
    ax.legend(loc="center right", fontsize="small")
    return fig


FIGURES = (
    FigureSpec(
        name="cliff",
        build=plot_cliff,
        alt="Two panels sharing the b axis from -2.72 to -2.58. Top: the loss is flat at about "
        "0.34, then drops to almost 0 within Δb = {{ run.wall_width }} at about b = -2.612 and "
        "rises slowly afterwards; a green arrow shows the clipped step from the steepest point "
        "of the wall landing just past it, at a loss of {{ run.clipped_loss }}; a red arrow "
        "leaves the chart to the right, for the unclipped step of {{ run.plain_db }} in b. "
        "Bottom: the gradient magnitude on a log scale, low on both sides and a spike to "
        "{{ run.max_slope }} at the wall; finite-difference circles lie on the line.",
        caption="Pascanu et al.'s one-unit model across its wall. The gradient at the wall is "
        "{{ run.slope_ratio }} times its median on this scan; an ordinary step from its steepest "
        "point throws b to a flat plateau far away, the clipped step lands at the bottom of the "
        "wall. Gradients by BPTT; circles: central differences.",
    ),
    FigureSpec(
        name="loss-with-and-without-clipping",
        build=plot_loss_with_and_without_clipping,
        alt="Two panels. Left: the loss of the two runs over 1500 updates, as 50-update means of "
        "the batch loss (red-orange line: no clipping; blue line: norm clipping at θ = "
        "{{ run.theta }}) and validation losses every 100 updates (dots). Both fall from about "
        "0.4 to near the dashed 1/6 line within the first hundred updates and then stay close "
        "to it. Short ticks near the bottom mark the gradient spikes: "
        "{{ run.unclipped_spikes }} in the unclipped run and {{ run.clipped_spikes }} in the "
        "clipped run. Right, on a log scale: the validation loss after a step divided by the "
        "loss before it. For other updates of the unclipped run (grey) it lies between "
        "{{ run.ordinary_low }} and {{ run.ordinary_high }}. At each of the {{ run.spikes }} "
        "spikes, two steps are taken from the same parameters: the plain step (red, median "
        "{{ run.plain_jump }}) and the clipped step (blue, median {{ run.clipped_jump }}), "
        "joined by a grey line.",
        caption="A tanh RNN with a large recurrent matrix trained by plain SGD on the adding "
        "problem (T = 50, seed 0), without and with norm clipping, at a learning rate its "
        "read-out tolerates. Nothing blows up at this scale, and neither run learns the task in "
        "1500 updates. At a spike, a plain step and a clipped step from the same parameters "
        "show what clipping changes: the plain step left the higher loss at "
        "{{ run.plain_worse }} of the {{ run.spikes }} spikes.",
    ),
    FigureSpec(
        name="gradient-norm-trace",
        build=plot_gradient_norm_trace,
        alt="Two log-scale panels of the gradient norm before clipping at each of 1500 updates, "
        "with the threshold θ = {{ run.theta }} dashed and, in grey, ten times the median of the "
        "50 norms before each update. Left, no clipping, with {{ run.unclipped_spikes }} "
        "circled spikes; right, norm clipping, with {{ run.clipped_spikes }} circled spikes. "
        "Between spikes the norm stays in a band about an order of magnitude wide.",
        caption="The gradient norm before clipping, same runs. A spike is an update whose norm "
        "is at least ten times the median of the 50 before it (grey line). Clipping rescales "
        "every update above θ, spikes included; here that is {{ run.clipped_fraction }} of the "
        "updates, so it acts as a guard, not on every step. It does not stop spikes from "
        "occurring.",
    ),
    FigureSpec(
        name="large-learning-rate",
        build=plot_large_learning_rate,
        alt="The gradient norm on a log scale over at most 400 updates at learning rate 0.1, "
        "without clipping (red-orange) and with it (blue). The unclipped run "
        "{{ run.side_outcome }}. The clipped run stays finite, its largest batch loss "
        "{{ run.side_clipped_max_loss }}.",
        caption="Not every blow-up is an exploding gradient. At η = 0.1 the read-out's own "
        "step is unstable: η·2(H + 1) = 6.6 > 2. Once every unit saturates, W, U and b get no "
        "gradient at all, and what grows is the read-out's error, multiplied by "
        "1 − η·2(H + 1) = −5.6 at every update. Clipping keeps such a run finite as well, "
        "which says nothing about the recurrence.",
    ),
)
