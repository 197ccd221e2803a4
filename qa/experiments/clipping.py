r"""Experiment 5 — gradient clipping: a tanh RNN trained by plain SGD, with and without it.

The set-up of the project's pilot, after Pascanu et al. (2013): the adding problem with
$T = 50$, a tanh RNN with $H = 32$ and a large recurrent matrix $W \sim \mathcal N(0, 1.5^2/H)$
(so $\sigma_{\max}(W) \approx 3$, well above $1/\gamma = 1$), plain SGD with learning rate 0.1 and
batches of 32, for several seeds, three ways:

- **no clipping** — the gradient is used as it is;
- **norm clipping** (Pascanu et al., Algorithm 1): if $\lVert g\rVert > 1$, $g \leftarrow g /
  \lVert g\rVert$, the global norm over all parameters;
- **value clipping**: every entry clamped to $[-1, 1]$ (Mikolov's element-wise clipping; the
  bound of the uRNN code of Arjovsky et al.).

A run *diverges* when its loss or gradient stops being finite, or its batch loss exceeds
$10^3$ (the trivial predictor's loss is $1/6$). On every gradient the unclipped runs compute
we also measure the cosine between $g$ and each clipped version of it: norm clipping only
rescales, so the cosine is 1; value clipping clamps some coordinates and not others, which
turns the direction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from qa.answers import FigureSpec
from qa.core.optim import clip_by_global_norm, clip_by_value, global_norm
from qa.experiments._base import Check, Verdict, grade, map_units, spread
from qa.experiments._training import RunSpec, train_adding

TITLE = "Gradient clipping against exploding gradients"
CLAIM = (
    "Without clipping, SGD on a recurrent net with a large recurrent matrix hits gradient "
    "spikes that blow the parameters up; rescaling the gradient when its norm exceeds a "
    "threshold keeps training finite while keeping the gradient's direction "
    "(Pascanu, Mikolov & Bengio 2013, §3.2, Algorithm 1)."
)
SOURCE = "Pascanu, Mikolov & Bengio 2013 §3.2, Algorithm 1, §4; their code's training log"
PUBLISHED = (
    "Algorithm 1 rescales ĝ to threshold·ĝ/‖ĝ‖ when ‖ĝ‖ ≥ threshold; “when using just the "
    "regularization term, without clipping, learning usually fails due to exploding "
    "gradients”; the authors' log shows gradient-norm averages from 0.27 up to 33,367 and "
    "validation error jumping between 0.5 % and 78 % (full text and code read; their success "
    "rates of Fig. 7 could not be read)."
)
PUBLISHED_SHORT = "without clipping, learning usually fails from exploding gradients"
QUESTIONS = ("6.7", "6.6")

MODES = ("none", "norm", "value")
BLOW_UP = 1e3


@dataclass(frozen=True, kw_only=True)
class Config:
    r"""Sizes and seeds.

    Attributes:
        seq_len: `T` of the adding problem.
        hidden: `H`.
        recurrent_scale: $W \sim \mathcal N(0, s^2/H)$.
        lr: SGD learning rate.
        steps: Updates.
        clip: Threshold of norm clipping and bound of value clipping.
        test_size: Test sequences.
        seeds: One run per seed and mode (the same initialisation across modes).
    """

    seq_len: int = 50
    hidden: int = 32
    recurrent_scale: float = 1.5
    lr: float = 0.1
    steps: int = 800
    clip: float = 1.0
    test_size: int = 1000
    seeds: tuple[int, ...] = tuple(range(10))


QUICK = Config(steps=400, test_size=300, seeds=(0, 1, 2, 3))
FULL = Config()


def _cosine(a: np.ndarray, b: np.ndarray) -> float:
    """cos(a, b), computed on max-scaled copies so that huge entries cannot overflow."""
    a = a / np.abs(a).max()
    b = b / np.abs(b).max()
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def train_one(
    mode: str,
    seed: int,
    config: Config,
    progress: Any = None,
    *,
    on_gradient: Callable[[dict[str, np.ndarray]], None] | None = None,
) -> dict[str, Any]:
    """One training run with clipping `mode` (`"none"`, `"norm"` or `"value"`).

    Args:
        mode: Which clipping, if any.
        seed: Seed of the initialisation and of the batches.
        config: Sizes and learning rate.
        progress: Called with the fraction of steps done.
        on_gradient: Also called with every raw gradient (before clipping).

    Returns:
        The record of `qa.experiments._training.train_adding`, plus `mode`, `blew_up`
        (non-finite, or a batch loss above `BLOW_UP`), `spike_ratio` (largest window maximum of
        the gradient norm over its median) and, for `"none"`, the spread of the cosines between
        each raw gradient and its clipped versions (`cosines`).
    """
    spec = RunSpec(
        model="tanh",
        seed=seed,
        seq_len=config.seq_len,
        hidden=config.hidden,
        steps=config.steps,
        optimizer="sgd",
        lr=config.lr,
        clip_norm=config.clip if mode == "norm" else None,
        clip_value=config.clip if mode == "value" else None,
        test_size=config.test_size,
        init=(("recurrent", "gaussian"), ("recurrent_scale", config.recurrent_scale)),
    )
    cosines: dict[str, list[float]] = {"norm": [], "value": []}

    def measure(grads: dict[str, np.ndarray]) -> None:
        if on_gradient is not None:
            on_gradient(grads)
        # On the raw gradients of the unclipped runs, wherever each kind of clipping would act.
        with np.errstate(all="ignore"):
            flat = np.concatenate([g.ravel() for g in grads.values()])
            if not np.all(np.isfinite(flat)):
                return
            norm = global_norm(grads)
            if not np.isfinite(norm):
                return  # its square overflowed: the rescaled gradient would be all zeros
            acting = {"norm": norm > config.clip, "value": float(np.abs(flat).max()) > config.clip}
            for kind, clip in (("norm", clip_by_global_norm), ("value", clip_by_value)):
                if not acting[kind]:
                    continue
                clipped = clip(grads, config.clip)
                clipped = clipped[0] if kind == "norm" else clipped
                c = np.concatenate([clipped[k].ravel() for k in grads])
                cosines[kind].append(_cosine(flat, c))

    if mode == "none":
        out = train_adding(spec, progress, on_gradient=measure)
    else:
        out = train_adding(spec, progress, on_gradient=on_gradient)
    out["mode"] = mode
    out["blew_up"] = out["diverged"] or (out["max_loss"] is not None and out["max_loss"] > BLOW_UP)
    norms = [g for g in out["grad_norm"] if g is not None]
    # Spike statistic over the finite part of the run: the largest window max over the median.
    out["spike_ratio"] = float(max(norms) / np.median(norms)) if norms else None
    out["cosines"] = {k: spread(v) for k, v in cosines.items()}
    return out


def _unit(unit: tuple[str, int, Config], progress: Any = None) -> dict[str, Any]:
    return train_one(*unit, progress=progress)


def run(config: Config, *, progress: Any = None, jobs: int = 1) -> dict[str, Any]:
    """Every mode × seed.

    Returns:
        A record with one entry per run (`runs`, each with its loss and gradient-norm curves).
    """
    units = [(mode, seed, config) for mode in MODES for seed in config.seeds]
    runs = map_units(_unit, units, jobs=jobs, progress=progress)
    return {"seeds": list(config.seeds), "steps": config.steps, "clip": config.clip, "runs": runs}


def _by_mode(record: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    return {m: [r for r in record["runs"] if r["mode"] == m] for m in MODES}


def _stats(runs: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "n": len(runs),
        "non_finite": sum(r["diverged"] for r in runs),
        "blew_up": sum(r["blew_up"] for r in runs),
        "test_mse": spread(
            [r["test_mse"] if r["test_mse"] is not None else float("nan") for r in runs]
        ),
        "max_loss": spread(
            [r["max_loss"] if r["max_loss"] is not None else float("nan") for r in runs]
        ),
    }


def summary(record: dict[str, Any]) -> str:
    """Our numbers in one line."""
    by = {m: _stats(rs) for m, rs in _by_mode(record).items()}
    cos = _cosines(record)

    def mse(s: dict[str, Any]) -> str:
        t = s["test_mse"]
        if t["median"] is None:
            return "no finite test MSE"
        return f"test MSE {t['median']:.3g} [{t['min']:.3g}, {t['max']:.3g}]"

    return (
        f"diverged (inf/NaN or loss > 10³): no clipping {by['none']['blew_up']}/{by['none']['n']} "
        f"({by['none']['non_finite']} inf/NaN); norm clipping {by['norm']['blew_up']}/"
        f"{by['norm']['n']}, {mse(by['norm'])}; value clipping {by['value']['blew_up']}/"
        f"{by['value']['n']}, {mse(by['value'])}; cosine(g, clipped g) where clipping acts: "
        f"norm ≥ {cos['norm']['min']:.15f}, value down to {cos['value']['min']:.2f} (median "
        f"{cos['value']['median']:.3f})"
    )


def _cosines(record: dict[str, Any]) -> dict[str, dict[str, float]]:
    """Per kind of clipping: the lowest cosine, and medians over runs of lowest and median."""
    runs = [r for r in record["runs"] if r["mode"] == "none"]
    out = {}
    for kind in ("norm", "value"):
        mins = [r["cosines"][kind]["min"] for r in runs if r["cosines"][kind]["min"] is not None]
        meds = [
            r["cosines"][kind]["median"] for r in runs if r["cosines"][kind]["median"] is not None
        ]
        nan = float("nan")
        out[kind] = {
            "min": min(mins) if mins else nan,
            "median_min": float(np.median(mins)) if mins else nan,
            "median": float(np.median(meds)) if meds else nan,
        }
    return out


def headline(record: dict[str, Any]) -> str:
    """Our result in a few words, for the report's table."""
    by = {m: _stats(rs) for m, rs in _by_mode(record).items()}
    cos = _cosines(record)
    return (
        f"diverged: {by['none']['blew_up']}/{by['none']['n']} unclipped, "
        f"{by['norm']['blew_up']}/{by['norm']['n']} norm-clipped; cosine 1 (norm) vs down to "
        f"{cos['value']['min']:.2f} (value)"
    )


def verdict(record: dict[str, Any]) -> Verdict:
    """Criteria (from the project's pilot and Algorithm 1)."""
    by = {m: _stats(rs) for m, rs in _by_mode(record).items()}
    none, norm = by["none"], by["norm"]
    cos = _cosines(record)
    spikes = [r["spike_ratio"] for r in _by_mode(record)["none"] if r["spike_ratio"] is not None]
    checks = [
        Check(
            "without clipping ≥ 3/4 of the runs diverge",
            none["blew_up"] >= 0.75 * none["n"],
            f"{none['blew_up']}/{none['n']}",
            core=True,
        ),
        Check(
            "with norm clipping no run diverges",
            norm["blew_up"] == 0,
            f"{norm['blew_up']}/{norm['n']}",
            core=True,
        ),
        Check(
            "norm clipping keeps the direction (cosine 1 to 1e-12)",
            np.isfinite(cos["norm"]["min"]) and cos["norm"]["min"] > 1 - 1e-12,
            f"min cosine {cos['norm']['min']:.15f}",
            core=True,
        ),
        Check(
            "value clipping turns it (in most runs some step has cosine < 0.9)",
            np.isfinite(cos["value"]["median_min"]) and cos["value"]["median_min"] < 0.9,
            f"median over runs of the lowest cosine {cos['value']['median_min']:.3f}",
        ),
        Check(
            "unclipped runs spike (max/median gradient norm ≥ 10)",
            bool(spikes) and float(np.median(spikes)) >= 10,
            f"median spike ratio {float(np.median(spikes)) if spikes else float('nan'):.3g}",
        ),
    ]
    t = norm["test_mse"]["median"]
    note = ""
    if t is not None and t > 0.1:
        note = (
            f"Clipping kept every run finite but did not make them learn the task (median test "
            f"MSE {t:.3f} vs 1/6 for predicting 1): it is a guard against blow-ups, not a cure "
            "for the long-range problem"
        )
    return grade(checks, note=note)


LOSS_CAP, NORM_CAP = 1e4, 1e30  # plotted values are capped here (runs that blow up go far past)


def _figure(record: dict[str, Any]):
    from qa.viz import COLORS, new_figure

    fig, (ax, ax2) = new_figure(1, 2, width=8.8, height=3.4)
    colors = {"none": COLORS["red"], "norm": COLORS["blue"], "value": COLORS["purple"]}
    labels = {"none": "no clipping", "norm": "norm clipping", "value": "value clipping"}
    steps = record["steps"]
    for mode, runs in _by_mode(record).items():
        for i, r in enumerate(runs):
            n = len(r["loss"])
            x = np.linspace(0, r["steps_done"], n) if n else np.array([])
            loss = np.array([np.nan if v is None else v for v in r["loss"]], dtype=float)
            gn = np.array([np.nan if v is None else v for v in r["grad_norm"]], dtype=float)
            kw = {
                "color": colors[mode],
                "lw": 0.8,
                "alpha": 0.7,
                "label": labels[mode] if i == 0 else None,
            }
            ax.semilogy(x, np.minimum(loss, LOSS_CAP), **kw)
            ax2.semilogy(x, np.minimum(gn, NORM_CAP), **kw)
            if r["diverged"] and n:
                ax.plot([r["steps_done"]], [min(loss[-1], LOSS_CAP)], "x", color=colors[mode])
    ax.axhline(1 / 6, color=COLORS["grey"], ls="--", lw=0.8)
    ax.set_ylim(1e-2, LOSS_CAP * 2)
    ax.set_xlim(0, steps)
    ax.set_xlabel("step")
    ax.set_ylabel("batch loss (MSE)")
    ax.set_title("Loss (capped at 10⁴; × = stopped at inf/NaN)")
    ax.legend(fontsize="small", loc="upper right")
    ax2.axhline(record["clip"], color=COLORS["grey"], ls="--", lw=0.8)
    ax2.set_ylim(1e-3, NORM_CAP * 10)
    ax2.set_xlim(0, steps)
    ax2.set_xlabel("step")
    ax2.set_ylabel("‖g‖ before clipping")
    ax2.set_title("Gradient norm (window max, capped at 10³⁰)")
    return fig


FIGURES = (
    FigureSpec(
        name="training",
        build=_figure,
        alt="Two log-scale panels over training steps. Left: batch loss; unclipped runs (red) "
        "rise by many orders of magnitude and stop with inf or NaN, norm-clipped runs (blue) "
        "stay near the 1/6 line, value-clipped runs (orange) stay finite but higher. Right: "
        "gradient norms before clipping, with spikes in every setting.",
        caption="A tanh RNN on the adding problem (T = 50) trained by plain SGD, one line per "
        "seed: without clipping, with norm clipping at 1, with value clipping at ±1.",
    ),
)
