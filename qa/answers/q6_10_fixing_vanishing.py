r"""6.10 Fixing vanishing gradients: what each remedy does to the backward pass, measured.

Every remedy targets the factor that back-propagation applies once per step,

$$
\frac{\partial h_t}{\partial h_{t-1}} = \operatorname{diag}\big(\phi'(a_t)\big)\,W,
\qquad \Big\lVert \frac{\partial h_t}{\partial h_{t-1}} \Big\rVert \le \gamma\,\sigma_{\max}(W).
$$

- **Gated cells.** The LSTM's cell update $c_t = f_t \odot c_{t-1} + i_t \odot g_t$ is additive, so
  along the cell $\partial c_t / \partial c_{t-1} = \operatorname{diag}(f_t)$: no $W$, no slope.
  The GRU's $h_t = (1 - z_t) \odot n_t + z_t \odot h_{t-1}$ has the direct term
  $\operatorname{diag}(z_t)$.
- **Identity or orthogonal $W$.** With ReLU and $W = I$ (IRNN, Le et al. 2015),
  $\partial h_t / \partial h_{t-1} = \operatorname{diag}(\mathbb 1[a_t > 0])$: gain exactly 1
  through every active unit.
- **Normalisation with a small gain.** For $x \sim \mathcal N(0, s^2)$ the expected slope
  $\mathbb E[\tanh'(x)]$ falls as $s$ grows; a normalised pre-activation has spread $\gamma$,
  hence the gain $\gamma = 0.1$ of recurrent batch norm (Cooijmans et al. 2017).

`demonstrate` measures, at initialisation, the fraction
$r = \operatorname{mean}_b \lVert \partial L / \partial h_1 \rVert /
\operatorname{mean}_b \lVert \partial L / \partial h_T \rVert$ of the error signal that reaches the
first of $T = 100$ steps for seven networks (`qa.experiments.vanishing_at_init`); computes
$\mathbb E[\tanh'(x)]$ by quadrature and checks it by Monte Carlo
(`qa.experiments.normalization`); and trains a tanh RNN, an IRNN, an LSTM (forget bias 1) and a
GRU of about the same number of parameters on the adding problem with the same optimiser,
clipping and number of steps (`qa.experiments.training`).

Run it: `dl500 run 6.10`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from qa.core import init, tasks
from qa.core.activations import derivative_from_output
from qa.experiments import normalization, vanishing_at_init
from qa.experiments.base import TRAINING_DTYPE, map_units
from qa.experiments.training import MODEL_LABELS, RunSpec, init_params, train_adding
from qa.numbers import Number
from qa.viz import COLORS, FigureSpec, new_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "Demo",
    "card_gru_parameter_count",
    "card_lstm_parameter_count",
    "demonstrate",
    "expected_tanh_slope",
    "gradient_ratio",
    "monte_carlo_tanh_slope",
    "numbers",
    "parameter_count",
]

SEED = 0

# Gradient flow at initialisation: the sizes of the spec (T = 100, H = 64, B = 64).
RATIO_MODELS = vanishing_at_init.ORDER
RATIO_SIZES = {"seq_len": 100, "hidden": 64, "batch": 64}
RATIO_SEEDS = 3

# E[tanh′(x)], x ~ N(0, s²).
SIGMAS = np.geomspace(0.05, 4.0, 81)
MC_SIGMAS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 4.0)
MC_SAMPLES = 200_000

# The adding problem: the same optimiser (Adam), clipping (global norm 1), batch (32) and number
# of steps for every network, each with about 1,150–1,250 parameters. Learning rates were set
# once by hand for this budget: at 3e-3 most LSTM runs had not left the 1/6 plateau after 800
# steps, and at 1e-2 some IRNN runs blew up or never left it.
SEQ_LEN = 100
STEPS = 800
RUNS = 2  # training runs per network, seeds s, s + 1
REMEDIES: dict[str, dict[str, Any]] = {
    "tanh": {"hidden": 32, "lr": 3e-3},
    "irnn": {"hidden": 32, "lr": 3e-3},
    "lstm": {"hidden": 16, "lr": 1e-2},
    "gru": {"hidden": 18, "lr": 3e-3},
}
TRIVIAL_MSE = tasks.ADDING_TRIVIAL_MSE
# A run has left the 1/6 baseline where its smoothed batch MSE (the plotted curve) first falls
# below this: far outside the batch noise of a network that predicts about 1 (tanh RNN: 0.15 to
# 0.19 over the second half of training).
LEFT_BASELINE = 0.1
LATE_STEPS = 200  # "late in training": the last 200 steps


def gradient_ratio(
    model: str, seed: int, *, seq_len: int = 100, hidden: int = 64, batch: int = 64
) -> float:
    r"""The fraction of the error signal at step T that reaches step 1, at initialisation.

    $r = \operatorname{mean}_b\lVert\partial L/\partial h_1\rVert \,/\,
    \operatorname{mean}_b\lVert\partial L/\partial h_T\rVert$. The loss is the squared error of a
    linear read-out of $h_T$ on a batch of the adding problem; for the LSTM the gradient is the
    one at $h$, not at the cell $c$.

    Args:
        model: A key of `qa.experiments.training.MODELS` (`"tanh"`, `"irnn"`, `"lstm"`, ...).
        seed: Seed of the initialisation and of the batch.
        seq_len: `T`.
        hidden: `H`.
        batch: `B`.

    Returns:
        The ratio $r$; 1 means that the signal reaches the first step undiminished.

    Examples:
        >>> r = gradient_ratio("irnn", 0, seq_len=30, hidden=16, batch=8)
        >>> bool(0.1 < r <= 1.0)                  # W = I: active units pass it back with gain 1
        True
        >>> gradient_ratio("tanh", 0, seq_len=30, hidden=16, batch=8) < 1e-2
        True
    """
    config = vanishing_at_init.Config(seq_len=seq_len, hidden=hidden, batch=batch)
    norms = vanishing_at_init.gradient_norms(model, seed, config)["h"]
    return float(norms[0] / norms[-1])


def expected_tanh_slope(sigma: float) -> float:
    r"""$\mathbb E[\tanh'(x)]$ for $x \sim \mathcal N(0, \sigma^2)$, by Gauss–Hermite quadrature.

    Examples:
        >>> round(expected_tanh_slope(0.1), 3), round(expected_tanh_slope(1.0), 3)
        (0.99, 0.606)
    """
    return normalization.expected_tanh_derivative(sigma)


def monte_carlo_tanh_slope(rng: np.random.Generator, sigma: float, samples: int) -> float:
    r"""The same expectation estimated from `samples` draws of $x \sim \mathcal N(0, \sigma^2)$.

    Examples:
        >>> est = monte_carlo_tanh_slope(np.random.default_rng(0), 1.0, 100_000)
        >>> abs(est - expected_tanh_slope(1.0)) < 0.005
        True
    """
    x = sigma * rng.standard_normal(samples)
    return float(derivative_from_output("tanh", np.tanh(x)).mean())


def parameter_count(cell: str, input_size: int, hidden_size: int) -> int:
    r"""Weights and biases of one recurrent layer built by `qa.core.init` (no output layer).

    $H(D + H + 1)$ for the standard RNN, $4H(D + H + 1)$ for the LSTM and $3H(D + H + 1) + H$
    for the GRU (its extra $b_{hn}$).

    Args:
        cell: `"rnn"`, `"lstm"` or `"gru"`.
        input_size: `D`.
        hidden_size: `H`.

    Examples:
        >>> [parameter_count(c, 2, 16) for c in ("rnn", "lstm", "gru")]
        [304, 1216, 928]
    """
    make = {"rnn": init.rnn_params, "lstm": init.lstm_params, "gru": init.gru_params}[cell]
    params = make(np.random.default_rng(0), input_size, hidden_size)
    return int(sum(p.size for p in params.values()))


def _sizes(rng: np.random.Generator) -> tuple[int, int]:
    return int(rng.integers(2, 65)), int(rng.integers(2, 129))


def card_lstm_parameter_count(rng: np.random.Generator) -> dict:
    """Quiz solver: count the entries of an LSTM layer built by `init.lstm_params`."""
    D, H = _sizes(rng)
    params = init.lstm_params(rng, D, H)
    return {"params": {"D": D, "H": H}, "answer": float(sum(p.size for p in params.values()))}


def card_gru_parameter_count(rng: np.random.Generator) -> dict:
    """Quiz solver: count the entries of a GRU layer built by `init.gru_params`."""
    D, H = _sizes(rng)
    params = init.gru_params(rng, D, H)
    return {"params": {"D": D, "H": H}, "answer": float(sum(p.size for p in params.values()))}


@dataclass(frozen=True)
class Demo:
    """What `demonstrate` measured."""

    seed: int
    ratios: dict  # model -> (RATIO_SEEDS,) gradient ratio r at initialisation, one per seed
    sigmas: np.ndarray  # (N,) spreads s
    slopes: np.ndarray  # (N,) E[tanh′(x)], x ~ N(0, s²), by quadrature
    mc_slopes: np.ndarray  # (len(MC_SIGMAS),) the same by Monte Carlo
    runs: dict  # model -> list of RUNS training records (see `_train`)


def _train(unit: tuple[str, int], progress: Callable[[float], None] | None = None) -> dict:
    name, seed = unit
    cfg = REMEDIES[name]
    spec = RunSpec(
        model=name,
        seed=seed,
        seq_len=SEQ_LEN,
        hidden=cfg["hidden"],
        steps=STEPS,
        lr=cfg["lr"],
        dtype=TRAINING_DTYPE,
    )
    out = train_adding(spec, progress)
    params = init_params(name, np.random.default_rng(0), 2, cfg["hidden"])
    out["parameters"] = int(sum(p.size for p in params.values()))
    return out


def demonstrate(seed: int = SEED, *, progress: Callable[[float], None] | None = None) -> Demo:
    """Gradient ratios at initialisation, the expected tanh slope, and training on adding."""
    ratios = {
        m: np.array([gradient_ratio(m, seed + i, **RATIO_SIZES) for i in range(RATIO_SEEDS)])
        for m in RATIO_MODELS
    }
    slopes = np.array([expected_tanh_slope(s) for s in SIGMAS])
    mc_rng = np.random.default_rng([seed, 11])
    mc = np.array([monte_carlo_tanh_slope(mc_rng, s, MC_SAMPLES) for s in MC_SIGMAS])
    if progress is not None:
        progress(0.05)

    def part(frac: float) -> None:
        if progress is not None:
            progress(0.05 + 0.95 * frac)

    units = [(m, seed + i) for m in REMEDIES for i in range(RUNS)]
    cost = {"tanh": 1.0, "irnn": 1.0, "lstm": 2.5, "gru": 3.0}  # relative time per step
    records = map_units(_train, units, progress=part, weights=[cost[m] for m, _ in units])
    runs = {
        m: [r for (name, _), r in zip(units, records, strict=True) if name == m] for m in REMEDIES
    }
    return Demo(seed, ratios, SIGMAS.copy(), slopes, mc, runs)


def _ratio_spec(model: str) -> str:
    return ".2f" if model == "irnn" else ".1e"


def _smoothed_curve(run: dict) -> tuple[np.ndarray, np.ndarray]:
    """(steps, smoothed batch MSE) of a training run, as the figure plots them."""
    loss = _smooth(run["loss"])
    return np.linspace(0, run["steps_done"], len(loss) + 1)[1:], loss


def _left_baseline_at(run: dict) -> int | None:
    """The first plotted step whose smoothed batch MSE is below `LEFT_BASELINE` (None: never)."""
    steps, loss = _smoothed_curve(run)
    below = np.flatnonzero(loss < LEFT_BASELINE)
    return round(float(steps[below[0]])) if below.size else None


def _late_losses(runs: list[dict]) -> np.ndarray:
    """The smoothed batch MSEs of `runs` over their last `LATE_STEPS` steps, pooled."""
    parts = []
    for run in runs:
        steps, loss = _smoothed_curve(run)
        parts.append(loss[steps > run["steps_done"] - LATE_STEPS])
    return np.concatenate(parts)


def numbers(demo: Demo) -> dict[str, Number]:
    """The measured numbers the page, its captions and alt texts quote, by name (`{{ run.NAME }}`).

    Gradient ratios at initialisation (`ratio_<model>_min`, `_max` over the seeds; no training,
    so a machine moves only their last digits), the expected tanh slope (`slope_*`, quadrature),
    parameter counts (`params_*`, exact) and, per training run on the adding problem, its test
    MSE (`mse_<model>_<i>`) and the step where it left the baseline (`left_<model>_<i>`). Those
    two come from 800 steps of training, whose trajectory another machine can change.
    """
    s = demo.seed
    seeds = f"seeds {s}–{s + RATIO_SEEDS - 1}, at initialisation"
    out: dict[str, Number] = {}
    for m, r in demo.ratios.items():
        spec = _ratio_spec(m)
        out[f"ratio_{m}_min"] = Number(float(r.min()), spec, f"lowest of {seeds}")
        out[f"ratio_{m}_max"] = Number(float(r.max()), spec, f"highest of {seeds}")
    orders = np.log10(demo.ratios["lstm"] / demo.ratios["lstm_fb0"])
    per_seed = f"{seeds}: log10 of the LSTM's ratio with forget bias 1 over bias 0, seed by seed"
    out["lstm_bias_orders_min"] = Number(float(orders.min()), ".1f", f"lowest of {per_seed}")
    out["lstm_bias_orders_max"] = Number(float(orders.max()), ".1f", f"highest of {per_seed}")

    quadrature = "E[tanh′(x)], x ~ N(0, s²), by Gauss–Hermite quadrature"
    out["slope_01"] = Number(expected_tanh_slope(0.1), ".3f", f"{quadrature}, s = 0.1")
    out["slope_01_share"] = Number(expected_tanh_slope(0.1), ".0%", f"{quadrature}, s = 0.1")
    out["slope_1"] = Number(expected_tanh_slope(1.0), ".3f", f"{quadrature}, s = 1")
    out["slope_1_share"] = Number(expected_tanh_slope(1.0), ".0%", f"{quadrature}, s = 1")
    out["slope_4"] = Number(expected_tanh_slope(4.0), ".2f", f"{quadrature}, s = 4")
    quadrature_at = np.array([expected_tanh_slope(x) for x in MC_SIGMAS])
    out["mc_error"] = Number(
        float(np.max(np.abs(demo.mc_slopes - quadrature_at))),
        ".1e",
        f"largest |Monte Carlo − quadrature| over {len(MC_SIGMAS)} spreads, "
        f"{MC_SAMPLES:,} samples each, seed {s}",
    )

    sizes = {m: runs[0]["parameters"] for m, runs in demo.runs.items()}
    for m, p in sizes.items():
        out[f"params_{m}"] = Number(p, ",d", "exact, from the sizes, with the read-out")
    out["params_min"] = Number(min(sizes.values()), ",d", "exact: the smallest of the four")
    out["params_max"] = Number(max(sizes.values()), ",d", "exact: the largest of the four")

    trained = f"after {STEPS} training steps; another machine can end elsewhere"
    for m, runs in demo.runs.items():
        for i, r in enumerate(runs):
            run = f"seed {s + i}"
            out[f"mse_{m}_{i}"] = Number(r["test_mse"], ".2g", f"{run}, test MSE {trained}")
            out[f"left_{m}_{i}"] = Number(
                _left_baseline_at(r),
                "d",
                f"{run}: first step where the smoothed batch MSE is below {LEFT_BASELINE:g} "
                f"(— if never); a trained trajectory",
            )
    late = _late_losses(demo.runs["irnn"])
    about = f"smoothed batch MSE of both IRNN runs over their last {LATE_STEPS} steps"
    out["irnn_late_min"] = Number(float(np.nanmin(late)), ".2g", f"lowest {about}")
    out["irnn_late_max"] = Number(float(np.nanmax(late)), ".2g", f"highest {about}")
    return out


def summarize(demo: Demo) -> str:
    """The measured numbers, as plain text."""
    n = numbers(demo)
    T, H, B = RATIO_SIZES["seq_len"], RATIO_SIZES["hidden"], RATIO_SIZES["batch"]
    lines = [
        f"‖∂L/∂h_1‖ / ‖∂L/∂h_T‖ at initialisation (T = {T}, H = {H}, B = {B}; seeds "
        f"{demo.seed}..{demo.seed + RATIO_SEEDS - 1}):"
    ]
    for m, r in demo.ratios.items():
        per_seed = ", ".join(format(v, _ratio_spec(m)) for v in r)
        lines.append(
            f"  {MODEL_LABELS[m]:<24} {per_seed}  "
            f"(from {n[f'ratio_{m}_min']} to {n[f'ratio_{m}_max']})"
        )
    lines.append(
        f"  forget bias 1 over forget bias 0, seed by seed: {n['lstm_bias_orders_min']} to "
        f"{n['lstm_bias_orders_max']} orders of magnitude"
    )
    lines.append(
        f"E[tanh′(x)], x ~ N(0, s²): {n['slope_01']} ({n['slope_01_share']}) at s = 0.1, "
        f"{n['slope_1']} ({n['slope_1_share']}) at s = 1, {n['slope_4']} at s = 4 "
        f"(quadrature; Monte Carlo with {MC_SAMPLES:,} samples agrees to {n['mc_error']})"
    )
    lines.append(
        f"adding problem, T = {SEQ_LEN}: test MSE on 1000 sequences after {STEPS} Adam steps "
        f"(batch 32, clipped at norm 1); predicting 1 scores {TRIVIAL_MSE:.3f}. "
        f"Networks of {n['params_min']} to {n['params_max']} parameters; 'left' is the first "
        f"step where the smoothed batch MSE is below {LEFT_BASELINE:g}:"
    )
    for m, runs in demo.runs.items():
        cfg = REMEDIES[m]
        scores = ", ".join(
            "diverged" if r["test_mse"] is None else str(n[f"mse_{m}_{i}"])
            for i, r in enumerate(runs)
        )
        left = ", ".join(str(n[f"left_{m}_{i}"]) for i in range(len(runs)))
        seconds = sum(r["seconds"] for r in runs)
        lines.append(
            f"  {MODEL_LABELS[m]:<24} H = {cfg['hidden']:>2} ({n[f'params_{m}']} parameters), "
            f"lr {cfg['lr']:g}: {scores}; left at step {left}  ({seconds:.1f} s)"
        )
    lines.append(
        f"  IRNN, smoothed batch MSE over the last {LATE_STEPS} steps: from "
        f"{n['irnn_late_min']} to {n['irnn_late_max']}"
    )
    return "\n".join(lines)


def plot_gradient_ratio_at_init(demo: Demo) -> Figure:
    """The gradient ratio r of each network at initialisation, one dot per seed, log scale."""
    fig, ax = new_figure(width=7.0, height=3.4)
    names = list(demo.ratios)[::-1]  # first model on top
    for i, m in enumerate(names):
        r = demo.ratios[m]
        ax.plot(r, np.full(len(r), i), "o", color=COLORS["blue"], alpha=0.8, ms=6)
    ax.axvline(1.0, color=COLORS["black"], ls="--", lw=1)
    ax.set_yticks(range(len(names)), [MODEL_LABELS[m] for m in names])
    ax.set(xscale="log", xlim=(1e-20, 10))
    ax.set_xlabel(r"$\|\partial L/\partial h_1\| \,/\, \|\partial L/\partial h_T\|$ at init")
    ax.set_title(f"Gradient reaching step 1 of {RATIO_SIZES['seq_len']}, one dot per seed")
    ax.grid(axis="y", visible=False)
    return fig


def plot_expected_tanh_derivative(demo: Demo) -> Figure:
    """E[tanh′(x)] against the spread s of x, by quadrature (line) and Monte Carlo (dots)."""
    fig, ax = new_figure(height=3.2)
    ax.plot(demo.sigmas, demo.slopes, color=COLORS["blue"], label="quadrature")
    ax.plot(MC_SIGMAS, demo.mc_slopes, "o", color=COLORS["orange"], ms=5, label="Monte Carlo")
    for s, offset in ((0.1, (10, -18)), (1.0, (10, 4))):
        v = expected_tanh_slope(s)
        ax.plot([s], [v], "s", color=COLORS["black"], ms=6, mfc="none")
        ax.annotate(f"$s = {s:g}$: {v:.3f}", (s, v), xytext=offset, textcoords="offset points")
    ax.set(xscale="log", ylim=(0, 1.05), xlabel="spread $s$ of the pre-activation")
    ax.set_ylabel(r"$\mathbb{E}[\tanh'(x)]$, $x \sim \mathcal{N}(0, s^2)$")
    ax.set_title("The expected tanh slope falls as the pre-activation spreads")
    ax.legend(loc="lower left")
    return fig


def plot_adding_problem_remedies(demo: Demo) -> Figure:
    """Batch MSE during training on the adding problem; test MSE at the end as dots."""
    fig, ax = new_figure(width=6.6, height=3.6)
    colors = {
        "tanh": COLORS["red"],
        "irnn": COLORS["green"],
        "lstm": COLORS["blue"],
        "gru": COLORS["purple"],
    }
    for m, runs in demo.runs.items():
        for i, r in enumerate(runs):
            x, loss = _smoothed_curve(r)
            ax.plot(
                x,
                loss,
                color=colors[m],
                lw=1.1,
                ls="-" if i == 0 else ":",
                label=MODEL_LABELS[m] if i == 0 else None,
            )
            if r["test_mse"] is not None:
                ax.plot([r["steps_done"]], [r["test_mse"]], "o", color=colors[m], ms=5)
    ax.axhline(TRIVIAL_MSE, color=COLORS["black"], ls="--", lw=1, label="1/6: predict 1")
    ax.set(yscale="log", ylim=(3e-4, 1.0), xlim=(0, STEPS * 1.02))
    ax.set(xlabel="training step", ylabel="MSE (batch, smoothed; dots: test)")
    ax.set_title(f"Adding problem, T = {SEQ_LEN}: {RUNS} runs per network")
    ax.legend(fontsize="small", loc="lower left")
    return fig


def _smooth(values: list, window: int = 5) -> np.ndarray:
    """Means over consecutive groups of `window` of an already thinned curve."""
    v = np.array([np.nan if x is None else x for x in values], dtype=float)
    n = len(v) // window * window
    return v[:n].reshape(-1, window).mean(axis=1)


FIGURES = (
    FigureSpec(
        name="gradient-ratio-at-init",
        build=plot_gradient_ratio_at_init,
        alt="Dot plot, log scale from 1e-20 to 10, of the gradient ratio for seven freshly "
        "initialised networks, three seeds each. The IRNN's dots sit just below 1 (from "
        "{{ run.ratio_irnn_min }} to {{ run.ratio_irnn_max }}); the LSTM with forget bias 1 is "
        "between {{ run.ratio_lstm_min }} and {{ run.ratio_lstm_max }}; the tanh RNN with "
        "Gaussian W between {{ run.ratio_tanh_min }} and {{ run.ratio_tanh_max }}, with "
        "orthogonal W between {{ run.ratio_tanh_orthogonal_min }} and "
        "{{ run.ratio_tanh_orthogonal_max }}; the GRU between {{ run.ratio_gru_min }} and "
        "{{ run.ratio_gru_max }}; the LSTM with forget bias 0 between {{ run.ratio_lstm_fb0_min }} "
        "and {{ run.ratio_lstm_fb0_max }}; and the ReLU RNN with Gaussian W lowest, from "
        "{{ run.ratio_relu_min }} to {{ run.ratio_relu_max }}.",
        caption="The fraction of the error signal at the last of 100 steps that reaches the "
        "first, at initialisation (H = 64, 64 sequences of the adding problem; the LSTM's is "
        "measured at h, not at the cell). Only W = I keeps it near 1; seed by seed, a forget "
        "bias of 1 raises the LSTM's by {{ run.lstm_bias_orders_min }} to "
        "{{ run.lstm_bias_orders_max }} orders of magnitude over a bias of 0.",
    ),
    FigureSpec(
        name="expected-tanh-derivative",
        build=plot_expected_tanh_derivative,
        alt="Line chart on a log x-axis from 0.05 to 4: the expected tanh slope falls from "
        "nearly 1 at small spreads to {{ run.slope_1 }} at s = 1 and {{ run.slope_4 }} at "
        "s = 4. Monte Carlo dots lie on the line. The values at s = 0.1 ({{ run.slope_01 }}) "
        "and s = 1 ({{ run.slope_1 }}) are marked.",
        caption="The expected slope of tanh when its input is normally distributed with "
        "spread s. A normalised pre-activation has spread about γ: with γ = 1 the average unit "
        "passes back only {{ run.slope_1_share }} of the gradient per step, and with γ = 0.1 "
        "as much as {{ run.slope_01_share }}.",
    ),
    FigureSpec(
        name="adding-problem-remedies",
        build=plot_adding_problem_remedies,
        alt="Log-scale training curves of the batch MSE over 800 steps for four networks, two "
        "runs each, with a dashed line at 1/6. The tanh RNN's curves stay on the line. In this "
        "build's run the others' smoothed curves first fall below 0.1 (a dash: never) at "
        "steps {{ run.left_irnn_0 }} and {{ run.left_irnn_1 }} (IRNN), {{ run.left_lstm_0 }} "
        "and {{ run.left_lstm_1 }} (LSTM) and {{ run.left_gru_0 }} and {{ run.left_gru_1 }} "
        "(GRU); over the last 200 steps the IRNN's curves lie between {{ run.irnn_late_min }} "
        "and {{ run.irnn_late_max }}. Dots at the end mark the test MSE of each run: "
        "{{ run.mse_tanh_0 }} and {{ run.mse_tanh_1 }} for the tanh RNN, {{ run.mse_irnn_0 }} "
        "and {{ run.mse_irnn_1 }} for the IRNN, {{ run.mse_lstm_0 }} and {{ run.mse_lstm_1 }} "
        "for the LSTM, {{ run.mse_gru_0 }} and {{ run.mse_gru_1 }} for the GRU.",
        caption="The adding problem with T = 100: tanh RNN and IRNN (H = 32), LSTM with forget "
        "bias 1 (H = 16) and GRU (H = 18), {{ run.params_min }} to {{ run.params_max }} "
        "parameters each, Adam with norm clipping at 1. The tanh RNN stays at the 1/6 of "
        "predicting the mean; the IRNN, the LSTM and the GRU can learn the task. When a run "
        "leaves the line, and how low it ends, changes from seed to seed.",
    ),
)
