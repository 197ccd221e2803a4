r"""Experiment 9 — the copy-memory task and its memoryless baseline (Arjovsky et al. 2016).

The input is 10 symbols drawn from 8, then $T$ steps of blanks with a delimiter at the end of
the gap, then 10 more blanks; the target is blank everywhere except the last 10 steps, which must
reproduce the first 10 symbols (`qa.core.tasks.copy_memory`, the variant of Arjovsky et al.).
The loss is the cross-entropy averaged over all $T + 20$ steps.

A predictor without memory can still be certain of the blanks, and on the last 10 steps guess
uniformly among the 8 symbols; its loss is exactly $10 \ln 8 / (T + 20)$. We build that predictor
as logits and score it with the engine's loss on generated data, then train a tanh RNN, an LSTM
and a GRU at several small gaps and ask which of them beat the baseline, i.e. remember something.
Arjovsky et al. report that, except in the simplest case, tanh RNNs and LSTMs land almost exactly
on the baseline; Bai et al. (2018) find the same for LSTM, GRU and RNN at $T = 1000$.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from qa.core import losses, optim, tasks
from qa.core.model import SequenceModel
from qa.core.train import train
from qa.experiments.base import (
    TRAINING_DTYPE,
    Check,
    Verdict,
    cast,
    grade,
    map_units,
    say_in,
    spread,
    thin,
)
from qa.viz import FigureSpec

TITLE = "Copy memory: who beats the memoryless baseline"
CLAIM = (
    "On the copy-memory task a predictor without memory scores exactly 10·ln 8/(T + 20), and "
    "standard recurrent nets end almost exactly there except on the simplest, shortest gaps "
    "(Arjovsky, Shah & Bengio 2016; Bai, Kolter & Koltun 2018)."
)
SOURCE = "Arjovsky, Shah & Bengio 2016 §4.1; Bai, Kolter & Koltun 2018 Table 1"
PUBLISHED = (
    "Baseline 10 log 8/(T + 20) (authors' LaTeX draft); “except in the simplest case both the "
    "RNN with tanh and more surprisingly the LSTMs get almost exactly the same cost as the "
    "memoryless strategy” (same draft; T = 100…500); at T = 1000, LSTM 0.0204, GRU 0.0197, "
    "RNN 0.0202 against the baseline 0.0204 (Bai et al., Table 1). Read in the draft's and "
    "Bai et al.'s text."
)
PUBLISHED_SHORT = "nets land on 10·ln 8/(T+20) except in the simplest case"
QUESTIONS = ("6.4", "6.10")

TITLE_ZH = "复制记忆任务：谁能胜过无记忆基线"
CLAIM_ZH = (
    "在复制记忆（copy memory）任务上，没有记忆的预测器的损失恰好是10·ln 8/(T + 20)；"
    "除了最简单、间隔最短的情形，标准的循环神经网络最后几乎正好停在这个值上"
    "（Arjovsky、Shah和Bengio，2016；Bai、Kolter和Koltun，2018）。"
)
PUBLISHED_ZH = (
    "基线为10 log 8/(T + 20)（作者的LaTeX草稿）；“除了最简单的情形，tanh RNN以及更令人意外的"
    "LSTM得到的代价都几乎与无记忆策略完全相同”（原文“except in the simplest case both the "
    "RNN with tanh and more surprisingly the LSTMs get almost exactly the same cost as the "
    "memoryless strategy”；同一草稿；T = 100…500）；在T = 1000时，LSTM 0.0204、GRU 0.0197、"
    "RNN 0.0202，基线为0.0204（Bai等，表1）。读的是草稿和Bai等人论文的正文。"
)
PUBLISHED_SHORT_ZH = "除最简单的情形外，网络都停在10·ln 8/(T+20)上"

CELLS = ("rnn", "lstm", "gru")
LABELS = {"rnn": "tanh RNN", "lstm": "LSTM", "gru": "GRU"}


@dataclass(frozen=True, kw_only=True)
class Config:
    """Sizes and seeds.

    Attributes:
        gaps: Values of `T` (the blank stretch) to train at.
        baseline_gaps: Values of `T` at which the memoryless predictor is scored.
        baseline_batch: Sequences it is scored on.
        hidden: `H` of the trained nets.
        steps: Adam updates.
        lr: Adam's learning rate.
        batch: Sequences per update.
        test_size: Test sequences.
        beat: A net "beats" the baseline when its test loss is below `beat` × baseline.
        seeds: One run per seed, gap and net.
        dtype: The floating type the nets train in (the baseline is scored in float64).
    """

    gaps: tuple[int, ...] = (5, 20, 50)
    baseline_gaps: tuple[int, ...] = (10, 100, 200, 500, 1000)
    baseline_batch: int = 64
    hidden: int = 32
    steps: int = 1500
    lr: float = 3e-3
    batch: int = 32
    test_size: int = 500
    beat: float = 0.9
    seeds: tuple[int, ...] = (0, 1, 2)
    dtype: str = TRAINING_DTYPE


QUICK = Config(gaps=(5,), baseline_gaps=(10, 100, 1000), steps=300, test_size=200, seeds=(0, 1))
FULL = Config()


def memoryless_logits(gap: int, batch: int) -> np.ndarray:
    """Logits `(T + 20, B, 10)` of the best predictor that remembers nothing.

    Certain blanks until the last 10 steps, then a uniform guess among the 8 data symbols.
    (Impossible classes get a logit of -1e4, whose softmax probability is exactly 0.)

    Examples:
        >>> z = memoryless_logits(5, 1)
        >>> z.shape, int(z[0, 0].argmax()), int((z[-1, 0] == 0).sum())
        ((25, 1, 10), 0, 8)
    """
    length = gap + 2 * tasks.COPY_LENGTH
    logits = np.full((length, batch, tasks.COPY_ALPHABET), -1e4)
    logits[: gap + tasks.COPY_LENGTH, :, 0] = 0.0
    logits[gap + tasks.COPY_LENGTH :, :, 1:9] = 0.0
    return logits


def baseline_check(config: Config) -> list[dict[str, Any]]:
    r"""The memoryless predictor's loss on generated data against $10 \ln 8 / (T + 20)$."""
    rows = []
    for gap in config.baseline_gaps:
        for seed in config.seeds:
            _, targets = tasks.copy_memory(
                np.random.default_rng([seed, gap]), gap, config.baseline_batch
            )
            loss, _ = losses.softmax_cross_entropy(
                memoryless_logits(gap, config.baseline_batch), targets, time_reduction="mean"
            )
            formula = tasks.copy_memory_baseline(gap)
            rows.append(
                {
                    "gap": gap,
                    "seed": seed,
                    "loss": loss,
                    "formula": formula,
                    "rel_error": abs(loss - formula) / formula,
                }
            )
    return rows


def _unit(unit: tuple[str, int, int, Config], progress: Any = None) -> dict[str, Any]:
    cell, gap, seed, config = unit
    model = SequenceModel(
        cell=cell, activation="tanh", readout="all", loss="ce", time_reduction="mean"
    )
    rng = np.random.default_rng(seed)
    params = model.init(rng, tasks.COPY_ALPHABET, config.hidden, tasks.COPY_ALPHABET)
    params = cast(params, config.dtype)
    data = np.random.default_rng([seed, gap, 31])

    def objective(p: dict[str, np.ndarray], step: int):
        xs, targets = tasks.copy_memory(data, gap, config.batch, dtype=config.dtype)
        return model.loss_and_grads(p, xs, targets)

    result = train(
        objective, params, optim.Adam(lr=config.lr), config.steps, clip_norm=1.0, progress=progress
    )
    test_loss = None
    if not result.diverged:
        xs, targets = tasks.copy_memory(
            np.random.default_rng([seed, gap, 97]), gap, config.test_size, dtype=config.dtype
        )
        logits = model.predict(result.params, xs)
        test_loss, _ = losses.softmax_cross_entropy(logits, targets, time_reduction="mean")
        # Accuracy on the 10 steps that matter: the recalled symbols.
        recalled = logits[-tasks.COPY_LENGTH :].argmax(axis=-1) == targets[-tasks.COPY_LENGTH :]
        accuracy = float(recalled.mean())
    baseline = tasks.copy_memory_baseline(gap)
    return {
        "cell": cell,
        "gap": gap,
        "seed": seed,
        "test_loss": test_loss,
        "baseline": baseline,
        "ratio": None if test_loss is None else test_loss / baseline,
        "recall_accuracy": None if test_loss is None else accuracy,
        "diverged": result.diverged,
        "loss": thin(result.losses, 150),
    }


def run(config: Config, *, progress: Any = None, jobs: int = 1) -> dict[str, Any]:
    """The baseline check and every net × gap × seed.

    Returns:
        A record with `baseline` rows and training `runs`.
    """
    units = [(c, g, s, config) for g in config.gaps for c in CELLS for s in config.seeds]
    weights = [(g + 20) * {"rnn": 1, "lstm": 4, "gru": 5}[c] for c, g, _, _ in units]
    runs = map_units(_unit, units, jobs=jobs, progress=progress, weights=weights)
    return {
        "baseline": baseline_check(config),
        "runs": runs,
        "beat": config.beat,
        "gaps": list(config.gaps),
    }


def _ratios(record: dict[str, Any], cell: str, gap: int) -> list[float]:
    return [
        r["ratio"] if r["ratio"] is not None else float("inf")
        for r in record["runs"]
        if r["cell"] == cell and r["gap"] == gap
    ]


def summary(record: dict[str, Any], lang: str = "en") -> str:
    """Our numbers in one line, in `lang` (`"en"` or `"zh"`)."""
    zh = lang == "zh"
    worst = max(b["rel_error"] for b in record["baseline"])
    parts = []
    for gap in record["gaps"]:
        cells = []
        for cell in CELLS:
            s = spread(_ratios(record, cell, gap))
            if s["median"] is None:
                cells.append(f"{LABELS[cell]}发散" if zh else f"{LABELS[cell]} diverged")
            else:
                cells.append(f"{LABELS[cell]} {s['median']:.2f} [{s['min']:.2f}, {s['max']:.2f}]")
        parts.append(f"T={gap}：" + "，".join(cells) if zh else f"T={gap}: " + ", ".join(cells))
    gaps = sorted({b["gap"] for b in record["baseline"]})
    if zh:
        return (
            f"在T = {'、'.join(str(g) for g in gaps)}时，无记忆预测器的损失等于10·ln 8/(T+20)，"
            f"相对误差在{worst:.0e}以内；测试损失/基线，各种子的中位数[最小值, 最大值]——"
            + "；".join(parts)
        )
    return (
        f"memoryless predictor = 10·ln 8/(T+20) to {worst:.0e} (relative) at T = "
        f"{', '.join(str(g) for g in gaps)}; "
        "test loss / baseline, median [min, max] over seeds — " + "; ".join(parts)
    )


def headline(record: dict[str, Any], lang: str = "en") -> str:
    """Our result in a few words, for the report's table, in `lang`."""
    zh = lang == "zh"
    worst = max(b["rel_error"] for b in record["baseline"])
    runs = [r for r in record["runs"] if r["ratio"] is not None]
    best = min(runs, key=lambda r: r["ratio"]) if runs else None
    longest = [r["ratio"] for r in runs if r["gap"] == record["gaps"][-1]]
    text = f"基线精确到{worst:.0e}" if zh else f"baseline exact to {worst:.0e}"
    if best is not None:
        ratio, cell, gap = best["ratio"], LABELS[best["cell"]], best["gap"]
        text += (
            f"；最好的网络是基线的{ratio:.2f}倍（{cell}，T={gap}）"
            if zh
            else f"; best net {ratio:.2f}× it ({cell}, T={gap})"
        )
    if longest:
        last = record["gaps"][-1]
        text += (
            f"；T={last}时不低于{min(longest):.2f}倍"
            if zh
            else f"; ≥ {min(longest):.2f}× at T={last}"
        )
    return text


def verdict(record: dict[str, Any], lang: str = "en") -> Verdict:
    """Criteria: an exact formula, no learning at the longest gap, the simplest case excepted.

    "Beats the baseline" means the same at every gap: below `beat` × the baseline in most seeds
    of a net. A majority over seeds, not the single lowest run, so that one seed that learns a
    little more under another machine's rounding does not change the verdict.

    In Chinese (`lang="zh"`) the same checks, with their names, numbers and the note in Chinese.
    """
    worst = max(b["rel_error"] for b in record["baseline"])
    beat = record["beat"]
    gaps = record["gaps"]

    def beaten(gap: int) -> dict[str, bool]:
        """Per net: does it beat the baseline in the majority of seeds?"""
        out = {}
        for cell in CELLS:
            r = _ratios(record, cell, gap)
            out[cell] = bool(r) and sum(x < beat for x in r) > len(r) / 2
        return out

    first = beaten(gaps[0])
    last = beaten(gaps[-1])
    longest = [x for cell in CELLS for x in _ratios(record, cell, gaps[-1])]
    say = say_in(lang)
    comma, nobody = say((", ", "none"), ("、", "无"))
    names = comma.join(LABELS[c] for c, v in first.items() if v) or nobody
    recalled = comma.join(LABELS[c] for c, v in last.items() if v) or nobody
    checks = [
        Check(
            say(
                "the memoryless predictor scores exactly 10·ln 8/(T+20)",
                "无记忆预测器的损失恰好是10·ln 8/(T+20)",
            ),
            worst < 1e-12,
            say(f"worst relative error {worst:.1e}", f"最大相对误差{worst:.1e}"),
            core=True,
        ),
        Check(
            say(
                f"at the longest gap (T = {gaps[-1]}) no net beats the baseline (< {beat:g}× in "
                "most seeds) and none ends above 1.1× it",
                f"在最长的间隔（T = {gaps[-1]}）上，没有网络胜过基线（多数种子中低于其"
                f"{beat:g}倍），也没有网络最后高于其1.1倍",
            ),
            bool(longest) and not any(last.values()) and max(longest) < 1.1,
            say(
                f"beat it: {recalled}; loss / baseline {min(longest):.2f}…{max(longest):.2f}",
                f"胜过基线的：{recalled}；损失/基线{min(longest):.2f}…{max(longest):.2f}",
            ),
            core=True,
        ),
        Check(
            say(
                f"the simplest case is the exception: at T = {gaps[0]} some net beats the "
                f"baseline (< {beat:g}× in most seeds)",
                f"最简单的情形是例外：T = {gaps[0]}时有网络胜过基线（多数种子中低于其{beat:g}倍）",
            ),
            any(first.values()),
            say(f"beat it: {names}", f"胜过基线的：{names}"),
        ),
        Check(
            say("measured at a gap the papers used (T ≥ 100)", "在论文用过的间隔上测量（T ≥ 100）"),
            max(gaps) >= 100,
            say(f"longest gap run: T = {max(gaps)}", f"跑过的最长间隔：T = {max(gaps)}"),
        ),
    ]
    note = ""
    if max(gaps) < 100:
        note = say(
            "Our gaps are shorter than the published 100–1000 steps and our training far "
            "briefer (a 2-core budget), so this shows the direction of the effect, not the "
            "published setting; at our sizes even the shortest gap is learned only partly, so "
            "the training budget, not only the gap, limits what the nets recall",
            "我们的间隔比论文的100–1000步短，训练也短得多（只有2个核的预算），所以这里显示的是"
            "效应的方向，而不是论文的设定；在我们的规模下，连最短的间隔也只学会了一部分，所以"
            "限制网络记住多少的不只是间隔，还有训练预算",
        )
    return grade(checks, note=note, lang=lang)


def _figure(record: dict[str, Any]):
    from qa.viz import new_figure

    gaps = record["gaps"]
    fig, axes = new_figure(1, len(gaps), width=3.2 * len(gaps), height=3.2, sharey=True)
    axes = np.atleast_1d(axes)
    for ax, gap in zip(axes, gaps, strict=True):
        base = None
        for i, cell in enumerate(CELLS):
            runs = [r for r in record["runs"] if r["cell"] == cell and r["gap"] == gap]
            for j, r in enumerate(runs):
                y = np.array([np.nan if v is None else v for v in r["loss"]], dtype=float)
                base = r["baseline"]
                ax.semilogy(
                    np.linspace(0, 1, len(y)),
                    y / base,
                    color=f"C{i}",
                    lw=0.8,
                    label=LABELS[cell] if j == 0 else None,
                )
        ax.axhline(1.0, color="black", ls="--", lw=0.8)
        ax.set_title(f"T = {gap} (baseline {base:.3f})" if base else f"T = {gap}")
        ax.set_xlabel("fraction of training")
    axes[0].set_ylabel("batch loss / memoryless baseline")
    axes[-1].legend(fontsize="small")
    return fig


FIGURES = (
    FigureSpec(
        name="training",
        build=_figure,
        alt="One panel per gap length showing each net's training loss divided by the "
        "memoryless baseline on a log scale; a dashed line at 1 marks the baseline.",
        caption="Copy memory: training loss relative to the memoryless baseline 10·ln 8/(T+20), "
        "one line per seed.",
        alt_zh="每种间隔长度一幅子图，画出各网络的训练损失除以无记忆基线的值，对数坐标；"
        "1处的虚线标出基线。",
        caption_zh="复制记忆任务：训练损失相对于无记忆基线10·ln 8/(T+20)的比值，每个种子一条线",
    ),
)

#: The words of the figure in Chinese (`qa.viz.translate_figure`). The titles'
#: parentheses, "T = 5 (baseline 0.458)", become full-width.
FIGURE_WORDS_ZH = {
    "fraction of training": "训练进度",
    "batch loss / memoryless baseline": "小批量损失 / 无记忆基线",
    " (baseline ": "（基线",
    ")": "）",
}
