r"""Experiment 6 — how much gradient reaches the first step, at initialisation.

For each model we take freshly initialised parameters, run a batch of adding-problem sequences
($T = 100$) through the engine's *step* functions, put a mean-squared-error read-out on the last
state, and back-propagate one step at a time, recording the total gradient
$\partial L / \partial h_t$ that reaches every state. The number reported is

$$
r = \frac{\operatorname{mean}_b \lVert \partial L / \partial h_1 \rVert}
         {\operatorname{mean}_b \lVert \partial L / \partial h_T \rVert},
$$

the fraction of the error signal that survives the trip back through $T - 1$ steps. For the LSTM
this is the gradient at $h$, which is what the project's pilot measured; the cell path $c$ is
recorded as well.

Models: tanh RNN with Gaussian $W \sim \mathcal N(0, 1/H)$ and with orthogonal $W$; ReLU RNN with
Gaussian $W$; the IRNN ($W = I$, Le et al. 2015); LSTM with forget-gate bias 0 and 1; GRU (all
biases 0). See `qa.experiments.training.MODELS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from qa.core import gru, lstm, output, rnn, tasks
from qa.experiments.base import Check, Verdict, grade, map_units, spread
from qa.experiments.training import MODEL_LABELS, MODEL_LABELS_ZH, MODELS, init_params
from qa.numbers import Number
from qa.viz import FigureSpec

TITLE = "Vanishing gradients at initialisation"
CLAIM = (
    "At initialisation the error signal reaching the first of 100 steps is vanishingly small "
    "for tanh and Gaussian-initialised ReLU RNNs, but survives with an identity recurrent matrix "
    "(Le et al. 2015) and, far better than with a zero bias, in an LSTM whose forget gate is "
    "biased to 1 (Hochreiter & Schmidhuber 1997; Gers et al. 2000)."
)
SOURCE = "Hochreiter & Schmidhuber 1997 §3.1; Le, Jaitly & Hinton 2015; Gers et al. 2000"
PUBLISHED = (
    "Error flow through q steps scales like a product of q factors |f′·w| and “vanishes” when "
    "they are below 1 (Hochreiter & Schmidhuber, full text); identity initialisation is “key” "
    "to training ReLU RNNs on long-range tasks (Le et al., abstract only); a forget-gate bias of "
    "1 makes the LSTM as strong as the best variants (Jozefowicz et al. 2015, quoted by "
    "Goodfellow et al.). None of them publishes this ratio, so the criteria are orders of "
    "magnitude: vanishing means several orders lost over 100 steps, surviving means about 1."
)
PUBLISHED_SHORT = "error flow vanishes; W = I and forget bias 1 keep it (no numbers published)"
QUESTIONS = ("6.9b", "6.7", "6.10")

TITLE_ZH = "初始化时的梯度消失"
CLAIM_ZH = (
    "初始化时，到达100步中第1步的误差信号，对tanh RNN和高斯初始化的ReLU RNN来说小到几乎为零；"
    "循环矩阵取单位矩阵（单位矩阵初始化，identity initialisation，IRNN）时它能保留下来"
    "（Le等，2015）；遗忘门（forget gate）偏置为1的长短期记忆网络（LSTM）也能保留它，远好于"
    "偏置为0时（Hochreiter和Schmidhuber，1997；Gers等，2000）。"
)
PUBLISHED_ZH = (
    "经过q步的误差流按q个因子|f′·w|之积缩放，这些因子小于1时误差流就会“消失”（原文："
    "“vanishes”；Hochreiter和Schmidhuber，读自全文）；在长程任务上训练ReLU RNN，单位矩阵"
    "初始化是“关键”（原文：“key”；Le等，只读了摘要）；遗忘门偏置为1使LSTM与最好的变体一样强"
    "（Jozefowicz等，2015，经Goodfellow等转引）。这些论文都没有发表这个比值，所以判据只看"
    "数量级：消失指100步中损失好几个数量级，保留指比值约为1。"
)
PUBLISHED_SHORT_ZH = "误差流会消失；W = I和遗忘门偏置1能保住它（没有发表的数字）"

ORDER = ("tanh", "tanh_orthogonal", "relu", "irnn", "lstm_fb0", "lstm", "gru")


@dataclass(frozen=True, kw_only=True)
class Config:
    """Sizes and seeds.

    Attributes:
        seq_len: `T`.
        hidden: `H`.
        batch: `B`.
        models: Keys of `qa.experiments.training.MODELS`.
        seeds: One initialisation and batch per seed and model.
    """

    seq_len: int = 100
    hidden: int = 64
    batch: int = 64
    models: tuple[str, ...] = ORDER
    seeds: tuple[int, ...] = (0, 1, 2, 3, 4)


QUICK = Config(hidden=32, batch=16, seeds=(0, 1, 2))
FULL = Config()


def gradient_norms(model_name: str, seed: int, config: Config) -> dict[str, list[float]]:
    r"""$\operatorname{mean}_b\lVert\partial L/\partial h_t\rVert$ for $t = 1..T$, step by step.

    Returns:
        `{"h": [...], "c": [...]}` (the `c` list only for the LSTM), index 0 being $t = 1$.

    Examples:
        >>> out = gradient_norms("irnn", 0, Config(seq_len=5, hidden=4, batch=2))
        >>> len(out["h"])
        5
    """
    model, _ = MODELS[model_name]
    rng = np.random.default_rng(seed)
    params = init_params(model_name, rng, 2, config.hidden)
    xs, y = tasks.adding_problem(rng, config.seq_len, config.batch)
    cell = {"rnn": rnn, "lstm": lstm, "gru": gru}[model.cell]
    cp = {k: params[k] for k in model.cell_keys}
    B, H = config.batch, config.hidden
    state: Any = (np.zeros((B, H)), np.zeros((B, H))) if model.cell == "lstm" else np.zeros((B, H))
    caches = []
    for t in range(config.seq_len):
        if model.cell == "rnn":
            state, cache = cell.step_forward(cp, xs[t], state, activation=model.activation)
        else:
            state, cache = cell.step_forward(cp, xs[t], state)
        caches.append(cache)
    h_last = state[0] if model.cell == "lstm" else state
    pred, out_cache = output.forward({"V": params["V"], "c": params["c"]}, h_last)
    _, dh = output.backward(2 * (pred - y) / B, out_cache)  # L = mean squared error
    norms_h = [0.0] * config.seq_len
    norms_c = [0.0] * config.seq_len
    dc = np.zeros((B, H))
    for t in range(config.seq_len - 1, -1, -1):
        norms_h[t] = float(np.linalg.norm(dh, axis=1).mean())
        norms_c[t] = float(np.linalg.norm(dc, axis=1).mean())
        if t == 0:
            break
        if model.cell == "lstm":
            _, _, (dh, dc) = cell.step_backward((dh, dc), caches[t])
        else:
            _, _, dh = cell.step_backward(dh, caches[t])
    out = {"h": norms_h}
    if model.cell == "lstm":
        out["c"] = norms_c
    return out


def _unit(unit: tuple[str, int, Config], progress: Any = None) -> dict[str, Any]:
    name, seed, config = unit
    norms = gradient_norms(name, seed, config)
    h = np.array(norms["h"])
    with np.errstate(divide="ignore"):
        curve = np.log10(h / h[-1])
    out = {
        "model": name,
        "seed": seed,
        "ratio": float(h[0] / h[-1]),
        "log10_curve": [float(v) if np.isfinite(v) else None for v in curve],
    }
    if "c" in norms:
        c = np.array(norms["c"])
        out["cell_ratio"] = float(c[0] / h[-1])  # ‖∂L/∂c_1‖ relative to ‖∂L/∂h_T‖
    return out


def run(config: Config, *, progress: Any = None, jobs: int = 1) -> dict[str, Any]:
    """Every model × seed.

    Returns:
        A record with one entry per model and seed (`runs`) and the per-model spread (`ratios`).
    """
    units = [(m, s, config) for m in config.models for s in config.seeds]
    runs = map_units(_unit, units, jobs=jobs, progress=progress)
    ratios = {m: spread([r["ratio"] for r in runs if r["model"] == m]) for m in config.models}
    return {
        "seq_len": config.seq_len,
        "models": list(config.models),
        "runs": runs,
        "ratios": ratios,
    }


def _fmt(s: dict[str, Any], lang: str = "en") -> str:
    if s["median"] is None:
        return "无" if lang == "zh" else "n/a"
    return f"{s['median']:.1e} [{s['min']:.1e}, {s['max']:.1e}]"


def summary(record: dict[str, Any], lang: str = "en") -> str:
    """Our numbers in one line, in `lang` ("en" or "zh")."""
    n = len({r["seed"] for r in record["runs"]})
    if lang == "zh":
        parts = [
            f"{MODEL_LABELS_ZH[m]}：{_fmt(record['ratios'][m], lang)}" for m in record["models"]
        ]
        return (
            f"T = {record['seq_len']}时的‖∂L/∂h_1‖/‖∂L/∂h_T‖，{n}个种子上的中位数"
            "[最小值, 最大值]：" + "；".join(parts)
        )
    parts = [f"{MODEL_LABELS[m]} {_fmt(record['ratios'][m])}" for m in record["models"]]
    return (
        f"‖∂L/∂h_1‖/‖∂L/∂h_T‖ at T = {record['seq_len']}, median [min, max] over {n} seeds: "
        + "; ".join(parts)
    )


def headline(record: dict[str, Any], lang: str = "en") -> str:
    """Our result in a few words, for the report's table."""
    r = record["ratios"]
    if lang == "zh":
        short = {"tanh": "tanh", "irnn": "IRNN", "lstm": "LSTM遗忘门偏置1", "lstm_fb0": "偏置0"}
        label_sep, sep, head = "：", "，", "‖∂L/∂h_1‖/‖∂L/∂h_T‖："
    else:
        short = {"tanh": "tanh", "irnn": "IRNN", "lstm": "LSTM fb 1", "lstm_fb0": "fb 0"}
        label_sep, sep, head = " ", ", ", "‖∂L/∂h_1‖/‖∂L/∂h_T‖: "
    parts = [
        f"{label}{label_sep}{r[m]['median']:.2g}"
        for m, label in short.items()
        if m in r and r[m]["median"] is not None
    ]
    return head + sep.join(parts)


def numbers(record: dict[str, Any]) -> dict[str, Number]:
    """Per model, the median ratio r over seeds (`{{ exp.vanishing_at_init.<model>_ratio }}`)."""
    out = {}
    for model in record["models"]:
        ratios = [r["ratio"] for r in record["runs"] if r["model"] == model]
        seeds = len(ratios)
        out[f"{model}_ratio"] = Number(float(np.median(ratios)), ".1e", f"median of {seeds} seeds")
    return out


def verdict(record: dict[str, Any], lang: str = "en") -> Verdict:
    """Criteria from the error-flow analysis and the pilot's ranges.

    `lang` ("en" or "zh") is the language of the criteria and the reason; the checks and the
    status do not depend on it.
    """
    zh = lang == "zh"
    runs = record["runs"]

    def values(m: str) -> list[float]:
        return [r["ratio"] for r in runs if r["model"] == m]

    def med(m: str) -> float:
        v = values(m)
        return float(np.median(v)) if v else float("nan")

    checks = []
    if values("tanh"):
        checks.append(
            Check(
                "tanh RNN（高斯W）：每个种子都有r < 10⁻⁴"
                if zh
                else "tanh RNN (Gaussian W): r < 10⁻⁴ in every seed",
                max(values("tanh")) < 1e-4,
                f"最大值{max(values('tanh')):.1e}" if zh else f"max {max(values('tanh')):.1e}",
                core=True,
            )
        )
    if values("irnn"):
        v = values("irnn")
        checks.append(
            Check(
                "IRNN：每个种子都有0.1 ≤ r ≤ 10（既不消失也不爆炸）"
                if zh
                else "IRNN: 0.1 ≤ r ≤ 10 in every seed (neither vanishes nor explodes)",
                min(v) >= 0.1 and max(v) <= 10,
                f"{min(v):.2f}…{max(v):.2f}",
                core=True,
            )
        )
    if values("irnn") and values("relu"):
        checks.append(
            Check(
                "对ReLU RNN，单位矩阵初始化比高斯初始化高出至少10⁴倍（中位数）"
                if zh
                else "identity beats Gaussian init for ReLU by ≥ 10⁴ (medians)",
                med("irnn") >= 1e4 * med("relu"),
                f"单位矩阵{med('irnn'):.1e}，高斯{med('relu'):.1e}"
                if zh
                else f"{med('irnn'):.1e} vs {med('relu'):.1e}",
                core=True,
            )
        )
    if values("lstm") and values("lstm_fb0"):
        checks.append(
            Check(
                "LSTM遗忘门偏置为1比偏置为0高出至少10²倍（中位数）"
                if zh
                else "LSTM forget bias 1 beats bias 0 by ≥ 10² (medians)",
                med("lstm") >= 1e2 * med("lstm_fb0"),
                f"偏置1为{med('lstm'):.1e}，偏置0为{med('lstm_fb0'):.1e}"
                if zh
                else f"{med('lstm'):.1e} vs {med('lstm_fb0'):.1e}",
                core=True,
            )
        )
    if values("lstm"):
        checks.append(
            Check(
                "遗忘门偏置为1的LSTM在h处仍丢掉大部分信号（r < 10⁻²）"
                if zh
                else "LSTM forget bias 1 still loses most of the signal at h (r < 10⁻²)",
                max(values("lstm")) < 1e-2,
                f"最大值{max(values('lstm')):.1e}" if zh else f"max {max(values('lstm')):.1e}",
            )
        )
    if not checks:
        return Verdict(
            "not",
            "判据所需的模型一个都没有运行"
            if zh
            else "none of the models the criteria need was run",
        )
    return grade(checks, lang=lang)


def _figure(record: dict[str, Any]):
    from qa.viz import new_figure

    fig, ax = new_figure(width=6.8, height=3.8)
    T = record["seq_len"]
    t = np.arange(1, T + 1)
    for i, m in enumerate(record["models"]):
        curves = np.array(
            [
                [np.nan if v is None else v for v in r["log10_curve"]]
                for r in record["runs"]
                if r["model"] == m
            ]
        )
        ax.plot(
            t,
            np.nanmedian(curves, axis=0),
            label=MODEL_LABELS[m],
            color=f"C{i % 7}",
            ls="--" if m in ("tanh_orthogonal", "lstm_fb0") else "-",
        )
    ax.set_xlabel("step t")
    ax.set_ylabel("log₁₀ ‖∂L/∂h_t‖ / ‖∂L/∂h_T‖")
    ax.set_title(f"Gradient reaching each step at initialisation (T = {T}, median over seeds)")
    ax.legend(fontsize="small", loc="lower right")
    return fig


FIGURES = (
    FigureSpec(
        name="ratios",
        build=_figure,
        alt="Log-scale gradient norm against the step index for seven models. The IRNN's line "
        "stays near 0 (its median ratio at step 1 is {{ run.irnn_ratio }}); the LSTM with "
        "forget bias 1 falls to {{ run.lstm_ratio }}; the tanh RNN to {{ run.tanh_ratio }}, "
        "the GRU to {{ run.gru_ratio }}, the bias-0 LSTM to {{ run.lstm_fb0_ratio }} and the "
        "Gaussian ReLU RNN to {{ run.relu_ratio }} (medians over seeds).",
        caption="How much of the gradient at the last state reaches each earlier state, for "
        "freshly initialised models on the adding problem.",
        alt_zh="七个模型的梯度范数（对数刻度）随时间步的变化。IRNN的线一直在0附近（它在第1步的"
        "比值中位数为{{ run.irnn_ratio }}）；遗忘门偏置为1的LSTM降到{{ run.lstm_ratio }}；"
        "tanh RNN降到{{ run.tanh_ratio }}，GRU降到{{ run.gru_ratio }}，偏置为0的LSTM降到"
        "{{ run.lstm_fb0_ratio }}，高斯W的ReLU RNN降到{{ run.relu_ratio }}（均为各种子的中位数）。",
        caption_zh="刚初始化的模型在加法问题上：最后一个状态处的梯度有多少到达每个更早的状态",
    ),
)

#: The English texts of the figure, in Chinese (`qa.viz.translate_figure`): the axes, the
#: title (`f"Gradient reaching ... (T = {T}, median over seeds)"`, piece by piece) and the
#: legend's model labels.
FIGURE_WORDS_ZH = {
    "step t": "时间步t",
    "Gradient reaching each step at initialisation (T = ": "初始化时到达各时间步的梯度（T = ",
    ", median over seeds)": "，各种子的中位数）",
    **{MODEL_LABELS[m]: MODEL_LABELS_ZH[m] for m in ORDER},
}
