r"""Experiment 1 — the derivative bounds: $\max \sigma' = 1/4$ and $\max \tanh' = 1$, both at 0.

Every step of backpropagation through time multiplies the gradient by $\operatorname{diag}
(\phi'(a_t))\,W$, so $\gamma = \sup|\phi'|$ caps how much a step can pass on. For the logistic
sigmoid $\sigma'(x) = \sigma(x)(1-\sigma(x)) \le 1/4$ and for tanh $\tanh'(x) = 1 - \tanh^2 x
\le 1$, with equality only at $x = 0$; they are related by $\tanh'(x) = 4\sigma'(2x)$.

We evaluate both derivatives through the engine (`qa.core.activations`, which computes them
from the activation's output, as the backward passes do) on a fine grid that contains 0 and at
random points, and check the maxima, where they occur, the bounds and the identity.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from qa.core.activations import apply, derivative_from_output, sigmoid
from qa.experiments.base import Check, Verdict, grade
from qa.viz import FigureSpec

TITLE = "Derivative bounds of sigmoid and tanh"
CLAIM = (
    "The logistic sigmoid's derivative never exceeds 1/4 and tanh's never exceeds 1, both "
    "maxima being reached only at 0 (Hochreiter & Schmidhuber 1997, §3.1; Pascanu et al. 2013, "
    "§2.1)."
)
SOURCE = "Hochreiter & Schmidhuber 1997 §3.1; Pascanu, Mikolov & Bengio 2013 §2.1"
PUBLISHED = (
    "“the maximal value of f′ is 0.25” for the logistic sigmoid (Hochreiter & Schmidhuber); "
    "“For tanh we have γ = 1 while for sigmoid we have γ = 1/4” (Pascanu et al.). Exact "
    "statements, read in the papers' full text."
)
PUBLISHED_SHORT = "max σ′ = 1/4 and max tanh′ = 1 (stated exactly)"
QUESTIONS = ("6.9b",)

TITLE_ZH = "sigmoid和tanh的导数上界"
CLAIM_ZH = (
    "logistic sigmoid的导数从不超过1/4，tanh的导数从不超过1，两者都只在0处取到最大值"
    "（Hochreiter和Schmidhuber，1997，§3.1；Pascanu等，2013，§2.1）。"
)
PUBLISHED_ZH = (
    "对logistic sigmoid，“f′的最大值是0.25”（原文：“the maximal value of f′ is 0.25”；"
    "Hochreiter和Schmidhuber）；“对tanh有γ = 1，而对sigmoid有γ = 1/4”（原文：“For tanh we "
    "have γ = 1 while for sigmoid we have γ = 1/4”；Pascanu等）。两处都是论文的确切表述，"
    "读自论文全文。"
)
PUBLISHED_SHORT_ZH = "max σ′ = 1/4，max tanh′ = 1（论文确切给出）"


@dataclass(frozen=True, kw_only=True)
class Config:
    r"""Sizes and seeds of the experiment.

    Attributes:
        x_max: The grid covers $[-x_{max}, x_{max}]$.
        points: Grid points (odd, so that 0 is one of them).
        probes: Random points per seed, drawn from $\mathcal N(0, 5^2)$.
        seeds: Seeds of the random probes.
    """

    x_max: float = 10.0
    points: int = 400_001
    probes: int = 1_000_000
    seeds: tuple[int, ...] = (0, 1, 2)


QUICK = Config(points=20_001, probes=20_000, seeds=(0, 1))
FULL = Config()


def _derivatives(x: np.ndarray) -> dict[str, np.ndarray]:
    return {
        "sigmoid": derivative_from_output("sigmoid", sigmoid(x)),
        "tanh": derivative_from_output("tanh", apply("tanh", x)),
        "relu": derivative_from_output("relu", apply("relu", x)),
    }


BOUNDS = {"sigmoid": 0.25, "tanh": 1.0, "relu": 1.0}


def run(config: Config, *, progress: Any = None, jobs: int = 1) -> dict[str, Any]:
    r"""Evaluate the derivatives on the grid and at random points.

    Returns:
        A record: per activation the maximum, where it is reached, and the largest excess over
        the bound; the worst error of $\tanh'(x) = 4\sigma'(2x)$; a thinned curve to plot.

    Examples:
        >>> r = run(Config(points=2001, probes=1000, seeds=(0,)))
        >>> r["max"]["sigmoid"], r["argmax"]["tanh"]
        (0.25, 0.0)
    """
    if config.points % 2 == 0:
        raise ValueError(
            f"points: expected an odd number (so the grid holds 0), got {config.points}"
        )
    x = np.linspace(-config.x_max, config.x_max, config.points)
    d = _derivatives(x)
    record: dict[str, Any] = {
        "grid_step": float(x[1] - x[0]),
        "max": {k: float(v.max()) for k, v in d.items()},
        "argmax": {k: float(x[int(v.argmax())]) for k, v in d.items()},
        "value_at_zero": {k: float(v[config.points // 2]) for k, v in d.items()},
        # Largest amount by which φ′ exceeds its bound anywhere (≤ 0 when the bound holds).
        "excess": {k: float((v - BOUNDS[k]).max()) for k, v in d.items()},
        "identity_error": float(np.abs(d["tanh"] - 4 * _derivatives(2 * x)["sigmoid"]).max()),
    }
    probe_excess = dict.fromkeys(d, -np.inf)
    for i, seed in enumerate(config.seeds):
        xs = 5.0 * np.random.default_rng(seed).standard_normal(config.probes)
        for k, v in _derivatives(xs).items():
            probe_excess[k] = max(probe_excess[k], float((v - BOUNDS[k]).max()))
        if progress is not None:
            progress((i + 1) / len(config.seeds))
    record["probe_excess"] = probe_excess
    step = max(1, config.points // 400)
    record["curve"] = {"x": x[::step].tolist(), **{k: v[::step].tolist() for k, v in d.items()}}
    return record


def summary(record: dict[str, Any], lang: str = "en") -> str:
    """Our numbers in one line, in `lang` ("en" or "zh")."""
    m, a = record["max"], record["argmax"]
    excess = max(max(record["excess"].values()), max(record["probe_excess"].values()))
    if lang == "zh":
        bounds = "网格点和随机点都没有超过上界" if excess <= 0 else f"某个点超过上界达{excess:.1e}"
        return (
            f"max σ′ = {m['sigmoid']:.6g}，在x = {a['sigmoid']:g}处；max tanh′ = {m['tanh']:.6g}，"
            f"在x = {a['tanh']:g}处；{bounds}；tanh′(x) = 4σ′(2x)成立，误差在"
            f"{record['identity_error']:.1e}以内"
        )
    bounds = (
        "no grid or random point exceeds a bound"
        if excess <= 0
        else f"a point exceeds a bound by {excess:.1e}"
    )
    return (
        f"max σ′ = {m['sigmoid']:.6g} at x = {a['sigmoid']:g}; max tanh′ = {m['tanh']:.6g} at "
        f"x = {a['tanh']:g}; {bounds}; tanh′(x) = 4σ′(2x) to {record['identity_error']:.1e}"
    )


def headline(record: dict[str, Any], lang: str = "en") -> str:
    """Our result in a few words, for the report's table."""
    m, a = record["max"], record["argmax"]
    if lang == "zh":
        return (
            f"max σ′ = {m['sigmoid']:g}，在{a['sigmoid']:g}处；max tanh′ = {m['tanh']:g}，"
            f"在{a['tanh']:g}处"
        )
    return (
        f"max σ′ = {m['sigmoid']:g} at {a['sigmoid']:g}, max tanh′ = {m['tanh']:g} at {a['tanh']:g}"
    )


def verdict(record: dict[str, Any], lang: str = "en") -> Verdict:
    """Reproduced if the maxima are 1/4 and 1, at 0, and no point exceeds them.

    `lang` ("en" or "zh") is the language of the criteria and the reason; the checks and the
    status do not depend on it.
    """
    zh = lang == "zh"
    m, a, h = record["max"], record["argmax"], record["grid_step"]
    excess = {k: max(record["excess"][k], record["probe_excess"][k]) for k in BOUNDS}
    checks = [
        Check(
            "σ′的最大值为1/4" if zh else "max σ′ = 1/4",
            abs(m["sigmoid"] - 0.25) < 1e-15,
            f"{m['sigmoid']!r}",
            core=True,
        ),
        Check(
            "tanh′的最大值为1" if zh else "max tanh′ = 1",
            abs(m["tanh"] - 1.0) < 1e-15,
            f"{m['tanh']!r}",
            core=True,
        ),
        Check(
            "两个最大值都在x = 0处" if zh else "both maxima at x = 0",
            abs(a["sigmoid"]) < h / 2 and abs(a["tanh"]) < h / 2,
            f"最大值点：σ′为{a['sigmoid']:g}，tanh′为{a['tanh']:g}"
            if zh
            else f"argmax σ′ {a['sigmoid']:g}, tanh′ {a['tanh']:g}",
            core=True,
        ),
        Check(
            "没有任何点超过上界（γ = 1/4、1、1）"
            if zh
            else "no point exceeds the bounds (γ = 1/4, 1, 1)",
            all(v <= 0.0 for v in excess.values()),
            ("，" if zh else ", ").join(f"{k} {v:+.1e}" for k, v in excess.items()),
            core=True,
        ),
        Check(
            "tanh′(x) = 4σ′(2x)",
            record["identity_error"] < 1e-12,
            f"最大误差{record['identity_error']:.1e}"
            if zh
            else f"worst error {record['identity_error']:.1e}",
        ),
    ]
    return grade(checks, lang=lang)


def _figure(record: dict[str, Any]):
    from qa.viz import COLORS, new_figure

    c = record["curve"]
    fig, ax = new_figure(width=6.4, height=3.4)
    ax.plot(c["x"], c["tanh"], color=COLORS["blue"], label="tanh′(x)")
    ax.plot(c["x"], c["sigmoid"], color=COLORS["orange"], label="σ′(x)")
    ax.plot(c["x"], c["relu"], color=COLORS["grey"], lw=1, label="ReLU′(x)")
    for bound, color in ((1.0, "blue"), (0.25, "orange")):
        ax.axhline(bound, color=COLORS[color], ls="--", lw=0.8)
    ax.set_xlim(-6, 6)
    ax.set_xlabel("pre-activation x")
    ax.set_ylabel("derivative")
    ax.set_title("γ = sup|φ′|: 1 for tanh and ReLU, 1/4 for the sigmoid")
    ax.legend(loc="center right")
    return fig


FIGURES = (
    FigureSpec(
        name="derivatives",
        build=_figure,
        alt="Curves of tanh′, σ′ and ReLU′ over x from −6 to 6. tanh′ peaks at 1 and σ′ at 0.25, "
        "both at x = 0, and both fall towards 0 as |x| grows; ReLU′ is 0 then 1.",
        caption="The derivatives of three activations; dashed lines mark the bounds γ = 1 "
        "and γ = 1/4.",
        alt_zh="tanh′、σ′和ReLU′在x从−6到6上的曲线。tanh′的峰值为1，σ′的峰值为0.25，都在x = 0处；"
        "|x|增大时两者都趋向0。ReLU′先为0，后为1。",
        caption_zh="三种激活函数的导数；虚线标出上界γ = 1和γ = 1/4",
    ),
)

#: The English texts of the figure, in Chinese (`qa.viz.translate_figure`).
FIGURE_WORDS_ZH = {
    "pre-activation x": "预激活x",
    "derivative": "导数",
    "γ = sup|φ′|: 1 for tanh and ReLU, 1/4 for the sigmoid": (
        "γ = sup|φ′|：tanh和ReLU为1，sigmoid为1/4"
    ),
}
