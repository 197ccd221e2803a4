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
(`qa.experiments.cliff`, gradients by the engine's BPTT, checked by finite differences), takes
one SGD step from the wall with and without clipping, and trains a tanh RNN with a large
recurrent matrix by plain SGD on the adding problem, without clipping and with norm clipping,
over four seeds (`qa.experiments.clipping`).

Run it: `dl500 run 6.7` (or `python -m qa.answers.q6_07_loss_oscillation`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from qa.answers import FigureSpec
from qa.core import optim
from qa.core.tasks import ADDING_TRIVIAL_MSE
from qa.experiments import cliff, clipping
from qa.experiments._base import map_units
from qa.viz import COLORS, new_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "Demo",
    "card_clipped_norm",
    "card_value_clip_cosine",
    "cosine",
    "demonstrate",
    "finite_difference_slope",
    "sgd_step",
    "wall_scan",
]

SEED = 0
CLIFF = cliff.FULL  # w = 5, b from -2.72 to -2.58 in 2001 points, x_0 = 0.5, target 0.7, T = 50
CLIFF_LR = 0.01  # η of the single SGD step across the wall
THETA = 1.0  # clipping threshold, here and in the training runs
FD_STEP = 1e-7
# The training runs of `qa.experiments.clipping`: adding problem T = 50, H = 32,
# W ~ N(0, 1.5²/H), plain SGD with lr 0.1, batches of 32, 800 steps.
RUNS = replace(clipping.FULL, steps=800, clip=THETA, test_size=1000)
SEEDS = 4  # runs per mode: seeds s, ..., s + 3
MODES = ("none", "norm")


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
    runs: dict  # mode -> list of SEEDS records of `clipping.train_one`
    norms: dict  # mode -> list of (steps,) global gradient norms before clipping, per step
    w_norms: dict  # mode -> list of (steps,) ‖∂L/∂W‖ per step


def _train(unit: tuple[str, int], progress: Callable[[float], None] | None = None) -> dict:
    mode, seed = unit
    total, w = [], []

    def record(grads: dict) -> None:
        total.append(optim.global_norm(grads))
        with np.errstate(all="ignore"):
            w.append(float(np.linalg.norm(grads["W"])))

    out = clipping.train_one(mode, seed, RUNS, progress, on_gradient=record)
    # The run's last gradient is the non-finite one it stopped on, if it diverged.
    return {**out, "norms": np.array(total[: out["steps_done"]]), "w": np.array(w)}


def demonstrate(seed: int = SEED, *, progress: Callable[[float], None] | None = None) -> Demo:
    """The wall of the one-unit model, a step across it, and training with and without clipping."""
    b, E, g = wall_scan()
    fd = finite_difference_slope(b)
    i = int(np.abs(g).argmax())
    after = []
    for theta in (None, THETA):
        new = sgd_step(float(b[i]), float(g[i]), CLIFF_LR, theta)
        e, _, gb = cliff.loss_and_grad(np.array([CLIFF.scan_w]), np.array([new]), CLIFF)
        after.append((new, float(e[0]), float(gb[0])))
    if progress is not None:
        progress(0.05)

    def part(frac: float) -> None:
        if progress is not None:
            progress(0.05 + 0.95 * frac)

    units = [(mode, seed + k) for mode in MODES for k in range(SEEDS)]
    out = map_units(_train, units, progress=part)
    by_mode = {m: [r for (mode, _), r in zip(units, out, strict=True) if mode == m] for m in MODES}
    runs = {
        m: [{k: v for k, v in r.items() if k not in ("norms", "w")} for r in rs]
        for m, rs in by_mode.items()
    }
    norms = {m: [r["norms"] for r in rs] for m, rs in by_mode.items()}
    w_norms = {m: [r["w"] for r in rs] for m, rs in by_mode.items()}
    return Demo(seed, b, E, g, fd, float(b[i]), after[0], after[1], runs, norms, w_norms)


def _relative_errors(demo: Demo) -> np.ndarray:
    return np.abs(demo.fd_grad - demo.grad) / np.abs(demo.grad)


def _saturation(w_norm: np.ndarray) -> int | None:
    """First step (from 1) from which ‖∂L/∂W‖ stays exactly 0 to the end of the run, if any."""
    nonzero = np.flatnonzero(w_norm != 0)
    if len(nonzero) and nonzero[-1] == len(w_norm) - 1:
        return None
    return int(nonzero[-1] + 2) if len(nonzero) else 1


def _growth(norms: np.ndarray, start: int) -> float:
    """Median factor by which the gradient norm grows per step from `start` (counted from 1)."""
    tail = norms[start - 1 :]
    tail = tail[np.isfinite(tail) & (tail > 0)]
    return float(np.median(tail[1:] / tail[:-1])) if len(tail) > 1 else float("nan")


def summarize(demo: Demo) -> str:
    """The measured numbers, as plain text."""
    scan = np.abs(demo.grad)
    rel = _relative_errors(demo)
    width = cliff.wall_width(demo.b, demo.loss)
    (pb, pe, pg), (cb, ce, _) = demo.plain, demo.clipped
    i = int(scan.argmax())
    lines = [
        f"one-unit model, w = {CLIFF.scan_w:g}, b from {demo.b[0]:g} to {demo.b[-1]:g} "
        f"({len(demo.b)} points): E changes by more than 0.3 within Δb = {width:.1e}; "
        f"max |∂E/∂b| = {scan.max():.4g} at b = {demo.start:.5f}, "
        f"{scan.max() / np.median(scan):.2g}× the median ({np.median(scan):.3g})",
        f"  BPTT vs central differences (h = {FD_STEP:g}): median relative error "
        f"{np.median(rel):.1e}, largest {rel.max():.1e} (at b = {demo.b[rel.argmax()]:.5f}, "
        f"next to the wall)",
        f"  one SGD step (η = {CLIFF_LR:g}) from b = {demo.start:.5f} (E = {demo.loss[i]:.3f}): "
        f"unclipped Δb = {pb - demo.start:+.4g}, to E = {pe:.4f} where ∂E/∂b = {pg:.1e}; "
        f"clipped at θ = {THETA:g}: Δb = {cb - demo.start:+.4g}, to E = {ce:.4f}",
        f"tanh RNN, adding T = {RUNS.seq_len}, H = {RUNS.hidden}, W ~ N(0, "
        f"{RUNS.recurrent_scale:g}²/H), SGD lr {RUNS.lr:g}, batch 32, {RUNS.steps} steps, seeds "
        f"{demo.seed}..{demo.seed + SEEDS - 1}:",
    ]
    for mode, label in (("none", "no clipping"), ("norm", f"norm clipping at θ = {THETA:g}")):
        runs = demo.runs[mode]
        blew = sum(r["blew_up"] for r in runs)
        stopped = [r["steps_done"] + 1 for r in runs if r["diverged"]]
        peak = max(r["max_loss"] for r in runs)
        mse = ", ".join("—" if r["test_mse"] is None else f"{r['test_mse']:.3g}" for r in runs)
        line = (
            f"  {label}: {blew}/{len(runs)} blew up (batch loss > {clipping.BLOW_UP:g} or "
            f"inf/NaN); largest batch loss {peak:.2g}; test MSE {mse}"
        )
        if stopped:
            line += f"; stopped at inf/NaN at step {', '.join(map(str, stopped))}"
        lines.append(line)
    clipped = np.concatenate(demo.norms["norm"])
    lines.append(
        f"  with clipping, ‖g‖ > θ on {np.mean(clipped > THETA):.0%} of the steps (median ‖g‖ "
        f"{np.median(clipped):.2f}): every such step has length η·θ = {RUNS.lr * THETA:g}"
    )
    for k, (r, w, n) in enumerate(
        zip(demo.runs["none"], demo.w_norms["none"], demo.norms["none"], strict=True)
    ):
        start = _saturation(w[: r["steps_done"]])
        if r["blew_up"] and start is not None:
            lines.append(
                f"  no clipping, seed {demo.seed + k}: ∂L/∂W = 0 exactly from step {start} on "
                f"(every unit saturated); then ‖g‖ grows ×{_growth(n, start):.2f} per step, "
                f"all of it in V and c"
            )
    cos = [r["cosines"] for r in demo.runs["none"]]
    norm_min = min(c["norm"]["min"] for c in cos if c["norm"]["min"] is not None)
    value_min = min(c["value"]["min"] for c in cos if c["value"]["min"] is not None)
    lines.append(
        f"  on the unclipped runs' gradients: cos(g, norm-clipped g) ≥ {norm_min:.15f}; "
        f"cos(g, value-clipped g) down to {value_min:.2f}"
    )
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


def _curve(values: list) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in values], dtype=float)


def plot_loss_with_and_without_clipping(demo: Demo) -> Figure:
    """Batch loss of every run, log scale: the whole range, and up to 10⁵."""
    fig, axes = new_figure(1, 2, width=7.8, height=3.5)
    colors = {"none": COLORS["red"], "norm": COLORS["blue"]}
    labels = {"none": "no clipping", "norm": f"norm clipping at θ = {THETA:g}"}
    full, zoom = axes
    # Limits before the data: autoscaling a log axis to 1e305 would overflow.
    full.set(yscale="log", ylim=(1e-2, 1e306), ylabel="batch loss (MSE)")
    zoom.set(yscale="log", ylim=(5e-2, 1e5))
    for ax in axes:
        for mode in MODES:
            for k, r in enumerate(demo.runs[mode]):
                loss = _curve(r["loss"])
                x = np.linspace(0, r["steps_done"], len(loss) + 1)[1:]
                label = labels[mode] if k == 0 else None
                ax.plot(x, loss, color=colors[mode], lw=0.9, alpha=0.8, label=label)
                if r["diverged"]:
                    ax.plot([x[-1]], [loss[-1]], "x", color=colors[mode], ms=9, mew=2)
        ax.axhline(ADDING_TRIVIAL_MSE, color=COLORS["black"], ls="--", lw=0.8)
        ax.set(xlim=(0, RUNS.steps), xlabel="training step")
    full.set_yticks([1e0, 1e50, 1e100, 1e150, 1e200, 1e250, 1e300])
    full.set_title("All runs; × = loss became inf or NaN")
    zoom.set_title("The same, up to 10⁵ (dashed: 1/6)")
    zoom.legend(loc="upper right", fontsize="small")
    return fig


def plot_gradient_norm_trace(demo: Demo) -> Figure:
    """The global gradient norm before clipping at every step, without and with clipping."""
    fig, axes = new_figure(1, 2, width=7.8, height=3.4)
    colors = (COLORS["blue"], COLORS["orange"], COLORS["green"], COLORS["purple"])
    titles = {"none": "No clipping", "norm": f"Clipped at θ = {THETA:g} (‖g‖ before clipping)"}
    axes[0].set(yscale="log", ylim=(1e-2, 1e160))  # before the data, as above
    for ax, mode in zip(axes, MODES, strict=True):
        for k, n in enumerate(demo.norms[mode]):
            steps = np.arange(1, len(n) + 1)
            ax.plot(steps, n, color=colors[k], lw=0.6, alpha=0.8, label=f"seed {demo.seed + k}")
        ax.axhline(THETA, color=COLORS["black"], ls="--", lw=1)
        ax.set(yscale="log", xlabel="training step", xlim=(0, RUNS.steps))
        ax.set_title(titles[mode])
    axes[0].set_yticks([1e0, 1e25, 1e50, 1e75, 1e100, 1e125, 1e150])
    axes[0].set_ylabel("global gradient norm ‖g‖ (dashed: θ)")
    axes[1].legend(fontsize="small", loc="upper right")
    return fig


FIGURES = (
    FigureSpec(
        name="cliff",
        build=plot_cliff,
        alt="Two panels sharing the b axis from -2.72 to -2.58. Top: the loss is flat near 0.34, "
        "then drops to almost 0 within a fraction of a thousandth of b at about -2.612 and "
        "rises slowly to 0.015; a green arrow shows the clipped step from the wall landing just "
        "past it near 0.01; a red arrow leaves the chart to the right, for the unclipped step "
        "of about +57 in b. Bottom: the gradient magnitude on a log scale, about 0.2 on both "
        "sides and a spike to about 6000 at the wall; finite-difference circles lie on the line.",
        caption="Pascanu et al.'s one-unit model across its wall. The gradient at the wall is "
        "tens of thousands of times its median on this scan; an ordinary step from there throws "
        "b to a flat plateau far away, the clipped step lands at the bottom of the wall. "
        "Gradients by BPTT; circles: central differences.",
    ),
    FigureSpec(
        name="loss-with-and-without-clipping",
        build=plot_loss_with_and_without_clipping,
        alt="Two log-scale panels of the batch loss over 800 steps, four unclipped runs (red) "
        "and four clipped runs (blue). Left, the whole range up to 1e306: two red runs climb "
        "in straight lines to about 1e305 and end with a cross near step 215, a third climbs "
        "more slowly to about 1e150 by step 800, the fourth stays low. Right, up to 1e5: that "
        "fourth red run shoots off the chart in the first 50 steps and comes back to about 0.2 "
        "by step 230; the blue runs stay between about 0.15 and 0.3, just above the dashed 1/6 "
        "line, from the first steps on.",
        caption="A tanh RNN with a large recurrent matrix trained by plain SGD (adding problem, "
        "T = 50, four seeds): without clipping every run blows up, three of them for good; with "
        "norm clipping none does. Clipping does not make them learn the task: they stay near "
        "1/6, the loss of predicting 1.",
    ),
    FigureSpec(
        name="gradient-norm-trace",
        build=plot_gradient_norm_trace,
        alt="Two log-scale panels of the global gradient norm at every step, with the threshold "
        "1 dashed. Left, without clipping: two runs rise in straight lines to about 1e150 by "
        "step 210; a third rises, jumps to about 1e65 near step 160 and keeps rising to about "
        "1e75; the fourth stays within 1 to 1e3 and settles near 1. Right, with clipping: the "
        "norms before clipping start near 10 to 30 and then jump about between 0.2 and 30, "
        "above the threshold on most steps.",
        caption="The gradient norm before clipping, same runs. Without clipping, early spikes "
        "drive every hidden unit into saturation; W then gets no gradient at all, and the "
        "read-out's plain steps, too long for its curvature, overshoot by a constant factor "
        "each step. With clipping the norm is above θ = 1 on most steps, which then all have "
        "the same length ηθ (`dl500 run 6.7` prints how often).",
    ),
)


def main(argv: list[str] | None = None) -> int:
    """Command line: the same as `dl500 run 6.7`."""
    from qa.cli.questions import module_main

    return module_main("q6_07_loss_oscillation", argv)


if __name__ == "__main__":
    raise SystemExit(main())
