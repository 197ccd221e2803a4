r"""Experiment 8 — a convolutional network on the adding problem, and its speed (Bai et al. 2018).

A temporal convolutional network (`qa.core.conv`: causal convolutions with kernel 2 and
dilations 1, 2, 4, …, ReLU, residual connections, 16 channels) reads the adding problem at
$T = 100$ through a linear read-out of its last output, trained like the recurrent nets of the
adding experiment (2000 Adam steps, norm clipping at 1, batches of 32; learning rate 2e-3, Bai et
al.'s default). Its taps start at half the usual spread (`init_scale`): every residual level adds
to its input, and with the usual spread the initial outputs were about ten times too large and
one of three seeds was still far from converged after 2000 steps.

- With 7 levels its receptive field is $2^7 = 128 \ge T$: it sees both marked values and
  should solve the task.
- With 5 levels the field is 32. The first marker lies in the first half, never in view; the
  second is in view with probability $p = 32/50$. The best any predictor can do then is guess
  0.5 for each unseen value, so its MSE cannot go below
  $\big((1 - p_1) + (1 - p_2)\big)/12 = 1.36/12 \approx 0.113$ — the floor its field implies.

Then the wall-clock time of one forward and backward pass per sequence, against $T$, for the
TCN (levels $\lceil\log_2 T\rceil$, so that the field covers $T$) and for a tanh RNN and an LSTM
with 32 hidden units: the convolution computes every step of a level in one matrix product, the
recurrent nets take $T$ steps one after another. Times are the best of several repeats, on one
BLAS thread, measured as the CPU time of that thread (which equals the wall-clock time on an idle
machine and is not inflated by other processes).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from qa.core import conv, init, losses, output, tasks
from qa.experiments.base import (
    TRAINING_DTYPE,
    Check,
    Verdict,
    grade,
    map_units,
    say_in,
    spread,
)
from qa.experiments.training import MODELS, RunSpec, init_params, train_adding
from qa.viz import FigureSpec

TITLE = "A dilated causal CNN against RNNs on sequences"
CLAIM = (
    "A dilated causal convolutional network whose receptive field covers the sequence solves the "
    "adding problem, and one whose field is too short cannot beat the floor its field implies "
    "(Bai, Kolter & Koltun 2018). Timed beside it, not graded: the convolution processes all "
    "time steps of a level at once where an RNN must go step by step."
)
SOURCE = "Bai, Kolter & Koltun 2018 §3.5, §4, Table 1"
PUBLISHED = (
    "Adding problem at T = 600: TCN test MSE 5.8e-5 against LSTM 0.164, GRU 5.3e-5, RNN 0.177; "
    "“TCNs quickly converged to a virtually perfect solution” (§4); convolutions “can be done "
    "in parallel since the same filter is used in each layer” (§3.5). Read in the full text; "
    "their TCN has two convolutions per block, weight normalisation and dropout, ours one plain "
    "convolution."
)
PUBLISHED_SHORT = "TCN 5.8e-5 vs LSTM 0.164 at T = 600; convolutions run in parallel"
QUESTIONS = ("6.4",)

TITLE_ZH = "序列上的空洞因果卷积网络与RNN"
CLAIM_ZH = (
    "感受野覆盖整个序列的空洞因果卷积网络（时间卷积网络，temporal convolutional network，TCN）"
    "能解决加法问题（adding problem），感受野太短的则无法低于其感受野所决定的下限"
    "（Bai、Kolter和Koltun，2018）。"
    "另外计时，但不评判：卷积一次算完一层的所有时间步，而RNN必须一步一步地算。"
)
PUBLISHED_ZH = (
    "T = 600的加法问题：TCN的测试MSE为5.8e-5，LSTM为0.164，GRU为5.3e-5，RNN为0.177；"
    "“TCN很快收敛到几乎完美的解”（原文“TCNs quickly converged to a virtually perfect "
    "solution”，§4）；卷积“可以并行完成，因为每一层用的是同一个滤波器”（原文“can be done in "
    "parallel since the same filter is used in each layer”，§3.5）。读的是全文；他们的TCN每个块"
    "有两个卷积，并带权重归一化和暂退法（dropout），我们的只有一个普通卷积。"
)
PUBLISHED_SHORT_ZH = "T = 600时TCN 5.8e-5，LSTM 0.164；卷积可以并行"


@dataclass(frozen=True, kw_only=True)
class Config:
    """Sizes and seeds.

    Attributes:
        seq_len: `T` of the adding problem.
        channels: Width of every level.
        kernel: Kernel size.
        levels: Levels of the wide-field TCN (field $2^{L}$ for kernel 2).
        short_levels: Levels of the short-field control.
        init_scale: Scale of the convolution taps' initial spread (`qa.core.conv.tcn_params`).
        steps: Adam updates.
        lr: Adam's learning rate.
        test_size: Test sequences.
        timing_lengths: Values of `T` for the timing.
        timing_batch: Sequences per timed pass.
        timing_repeats: Repeats per timing (the minimum is kept).
        timing_hidden: Hidden units of the timed RNNs.
        seeds: One training run per seed and network.
        dtype: The floating type the TCNs train in (the timings use float64, like the engine).
    """

    seq_len: int = 100
    channels: int = 16
    kernel: int = 2
    levels: int = 7
    short_levels: int = 5
    init_scale: float = 0.5
    steps: int = 2000
    lr: float = 2e-3
    test_size: int = 1000
    timing_lengths: tuple[int, ...] = (32, 64, 128, 256, 512, 1024)
    timing_batch: int = 32
    timing_repeats: int = 5
    timing_hidden: int = 32
    seeds: tuple[int, ...] = (0, 1, 2)
    dtype: str = TRAINING_DTYPE


QUICK = Config(
    seq_len=32,
    levels=5,
    short_levels=2,
    steps=800,
    test_size=300,
    timing_lengths=(32, 128, 512),
    timing_repeats=2,
    seeds=(0, 1, 2),
)
FULL = Config()


def adding_floor(seq_len: int, field: int) -> float:
    r"""Least MSE on the adding problem for a predictor that sees only the last `field` steps.

    Each marker in view is added exactly; each one out of view is guessed as 0.5, costing its
    variance 1/12. With the first marker uniform on the first half of the steps and the second
    on the second half (`qa.core.tasks.adding_problem`), the floor is
    $\big((1 - p_1) + (1 - p_2)\big) / 12$ with $p_i$ the chance that marker $i$ is in view.

    Examples:
        >>> round(adding_floor(100, 32), 4)
        0.1133
        >>> adding_floor(100, 128)
        0.0
    """
    half = seq_len // 2
    first = max(0, min(half, half - (seq_len - field)))  # positions of [0, half) in view
    second = max(0, min(seq_len - half, field))  # positions of [half, T) in view
    p1, p2 = first / half, second / (seq_len - half)
    return ((1 - p1) + (1 - p2)) / 12


def tcn_model(levels: int, config: Config):
    """`(loss_and_grads, predict, init)` of a TCN with a linear read-out of its last output."""

    def split(params):
        body = {k: v for k, v in params.items() if k not in ("V", "c")}
        return body, {"V": params["V"], "c": params["c"]}

    def loss_and_grads(params, xs, y):
        body, head = split(params)
        hs, cache = conv.tcn_forward(body, xs)
        pred, out_cache = output.forward(head, hs[-1])
        loss, dpred = losses.mse(pred, y)
        grads, dh_last = output.backward(dpred, out_cache)
        dhs = np.zeros_like(hs)
        dhs[-1] = dh_last
        body_grads, _ = conv.tcn_backward(dhs, cache)
        grads.update(body_grads)
        return loss, grads

    def predict(params, xs):
        body, head = split(params)
        hs, _ = conv.tcn_forward(body, xs)
        return output.forward(head, hs[-1])[0]

    def make(rng):
        params = conv.tcn_params(
            rng, 2, config.channels, levels, kernel_size=config.kernel, scale=config.init_scale
        )
        params.update(init.output_params(rng, config.channels, 1))
        return params

    return loss_and_grads, predict, make


def train_tcn(levels: int, seed: int, config: Config, progress: Any = None) -> dict[str, Any]:
    """Train one TCN of `levels` levels on the adding problem, like the recurrent nets.

    Returns:
        The record of `qa.experiments.training.train_adding`, plus the TCN's `levels`, its
        receptive `field`, the MSE `floor` that field implies (`adding_floor`) and its number
        of `parameters`.
    """
    loss_and_grads, predict, make = tcn_model(levels, config)
    spec = RunSpec(
        model=f"tcn{levels}",
        seed=seed,
        seq_len=config.seq_len,
        hidden=config.channels,
        steps=config.steps,
        lr=config.lr,
        test_size=config.test_size,
        dtype=config.dtype,
    )
    params = make(np.random.default_rng(seed))
    out = train_adding(
        spec, progress, loss_and_grads=loss_and_grads, predict=predict, params=params
    )
    field = conv.receptive_field(config.kernel, [2**i for i in range(levels)])
    out.update(
        levels=levels,
        field=field,
        floor=adding_floor(config.seq_len, field),
        parameters=int(sum(v.size for v in params.values())),
    )
    return out


def _train_unit(unit: tuple[int, int, Config], progress: Any = None) -> dict[str, Any]:
    return train_tcn(*unit, progress=progress)


def _time(fn, repeats: int) -> float:
    # CPU time of this thread: on one BLAS thread it is the wall-clock time of an idle machine,
    # and other processes competing for the cores do not inflate it.
    best = math.inf
    for _ in range(repeats):
        start = time.thread_time()
        fn()
        best = min(best, time.thread_time() - start)
    return best


def timings(
    config: Config, nets: tuple[str, ...] = ("tcn", "tanh", "lstm")
) -> list[dict[str, Any]]:
    """Seconds per sequence of one forward + backward pass, for each T and network.

    Two regimes: one sequence at a time (`"<net>_1"`, where the only parallelism there is to
    use is across time steps) and batches of `timing_batch` (`"<net>_B"`, time per sequence).

    Args:
        config: Uses the `timing_*` fields, `channels`, `kernel` and `init_scale`.
        nets: `"tcn"` (with ceil(log2 T) levels, so that its field covers `T`) and keys of
            `qa.experiments.training.MODELS` (with `timing_hidden` units).

    Returns:
        One row per `T`: `{"T", "tcn_levels", "<net>_1", "<net>_B", ...}`.
    """
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        return _timings(config, nets)


def _timings(config: Config, names: tuple[str, ...]) -> list[dict[str, Any]]:
    rng = np.random.default_rng(0)
    rows = []
    for T in config.timing_lengths:
        levels = max(1, math.ceil(math.log2(T)))
        nets = {}
        if "tcn" in names:
            tcn_loss, _, make = tcn_model(levels, config)
            nets["tcn"] = (tcn_loss, make(rng))
        for name in (n for n in names if n != "tcn"):
            nets[name] = (
                MODELS[name][0].loss_and_grads,
                init_params(name, rng, 2, config.timing_hidden),
            )
        row: dict[str, Any] = {"T": T, "tcn_levels": levels}
        for suffix, batch in (("1", 1), ("B", config.timing_batch)):
            xs, y = tasks.adding_problem(rng, T, batch)
            for name, (fn, params) in nets.items():
                seconds = _time(lambda f=fn, p=params, x=xs, t=y: f(p, x, t), config.timing_repeats)
                row[f"{name}_{suffix}"] = seconds / batch
        rows.append(row)
    return rows


def run(config: Config, *, progress: Any = None, jobs: int = 1) -> dict[str, Any]:
    """Train both TCNs over the seeds, then time the three networks.

    Returns:
        A record with the training runs (`runs`) and the timings (`timing`).
    """
    units = [(lv, s, config) for lv in (config.levels, config.short_levels) for s in config.seeds]

    def part(frac: float) -> None:
        if progress is not None:
            progress(0.9 * frac)

    runs = map_units(_train_unit, units, jobs=jobs, progress=part)
    timing = timings(config)
    return {"seq_len": config.seq_len, "runs": runs, "timing": timing, "trivial_mse": 1 / 6}


def _by_levels(record: dict[str, Any]) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = {}
    for r in record["runs"]:
        out.setdefault(r["levels"], []).append(r)
    return out


def _slope(xs: list[float], ys: list[float]) -> float:
    """Least-squares slope of log y against log x."""
    lx, ly = np.log(xs), np.log(ys)
    return float(np.polyfit(lx, ly, 1)[0])


def summary(record: dict[str, Any], lang: str = "en") -> str:
    """Our numbers in one line, in `lang` (`"en"` or `"zh"`)."""
    say = say_in(lang)
    parts = []
    for _, runs in sorted(_by_levels(record).items(), reverse=True):
        s = spread([r["test_mse"] if r["test_mse"] is not None else float("nan") for r in runs])
        field, floor, n = runs[0]["field"], runs[0]["floor"], len(runs)
        mse = f"{s['median']:.3g} [{s['min']:.3g}, {s['max']:.3g}]"
        parts.append(
            say(
                f"TCN field {field} (floor {floor:.3f}): test MSE {mse} over {n} seeds",
                f"感受野为{field}的TCN（下限{floor:.3f}）：{n}个种子的测试MSE {mse}",
            )
        )
    big = record["timing"][-1]
    for suffix, what in (
        ("1", say("one sequence at a time", "一次一个序列")),
        ("B", say("in batches", "成批处理")),
    ):
        T = big["T"]
        tcn, tanh, lstm = (big[f"{net}_{suffix}"] * 1e3 for net in ("tcn", "tanh", "lstm"))
        parts.append(
            say(
                f"ms per sequence at T = {T}, {what}: TCN {tcn:.3g}, tanh RNN {tanh:.3g}, "
                f"LSTM {lstm:.3g}",
                f"T = {T}时每个序列的毫秒数，{what}：TCN {tcn:.3g}，tanh RNN {tanh:.3g}，"
                f"LSTM {lstm:.3g}",
            )
        )
    return say(
        f"adding, T = {record['seq_len']}: " + "; ".join(parts),
        f"加法问题，T = {record['seq_len']}：" + "；".join(parts),
    )


def headline(record: dict[str, Any], lang: str = "en") -> str:
    """Our result in a few words, for the report's table, in `lang`."""
    say = say_in(lang)
    parts = []
    for _, runs in sorted(_by_levels(record).items(), reverse=True):
        s = spread([r["test_mse"] if r["test_mse"] is not None else float("nan") for r in runs])
        field, floor = runs[0]["field"], runs[0]["floor"]
        parts.append(
            say(
                f"field {field}: {s['median']:.2g} (floor {floor:.2g})",
                f"感受野{field}：{s['median']:.2g}（下限{floor:.2g}）",
            )
        )
    last = record["timing"][-1]
    tcn, tanh = last["tcn_1"] * 1e3, last["tanh_1"] * 1e3
    return say(
        f"TCN {'; '.join(parts)}; one sequence of {last['T']}: TCN {tcn:.2g} ms, "
        f"tanh RNN {tanh:.2g} ms",
        f"TCN{'；'.join(parts)}；长{last['T']}的单个序列：TCN {tcn:.2g} ms，tanh RNN {tanh:.2g} ms",
    )


def verdict(record: dict[str, Any], lang: str = "en") -> Verdict:
    """Criteria: the wide field solves it; the short field stays above its floor.

    The timings are reported in the summary but graded by no criterion: they depend on the CPU,
    the BLAS and the machine's load, and a verdict must not.

    In Chinese (`lang="zh"`) the same checks, with their names, numbers and the note in Chinese.
    """
    say = say_in(lang)
    groups = _by_levels(record)
    T = record["seq_len"]
    wide = [r for rs in groups.values() for r in rs if r["field"] >= T]
    short = [r for rs in groups.values() for r in rs if r["field"] < T / 2]
    checks = []
    if wide:
        # A claim about the typical run: the median over seeds. One seed's end point moves
        # with the machine's rounding (seed 0 of the 6.4 demonstration: 0.002 to 0.010).
        mses = [r["test_mse"] if r["test_mse"] is not None else math.inf for r in wide]
        median = float(np.median(mses))
        checks.append(
            Check(
                say(
                    "TCN with field ≥ T solves it (median test MSE over seeds ≤ 0.02)",
                    "感受野≥T的TCN能解决该任务（各种子测试MSE的中位数≤0.02）",
                ),
                median <= 0.02,
                say(
                    f"median {median:.3g}, worst seed {max(mses):.3g}",
                    f"中位数{median:.3g}，最差的种子{max(mses):.3g}",
                ),
                core=True,
            )
        )
    if short:
        # Beating the floor would need test MSE below it by more than sampling noise.
        beats = [
            r
            for r in short
            if r["test_mse"] is not None and r["test_mse"] < r["floor"] - 3 * r["test_se"]
        ]
        best = min(r["test_mse"] if r["test_mse"] is not None else math.inf for r in short)
        checks.append(
            Check(
                say(
                    "TCN with field < T/2 never beats its floor (by 3 standard errors)",
                    "感受野<T/2的TCN从不低于它的下限（低出3个标准误以上才算）",
                ),
                not beats,
                say(
                    f"best {best:.3g} vs floor {short[0]['floor']:.3g}",
                    f"最好{best:.3g}，下限{short[0]['floor']:.3g}",
                ),
                core=True,
            )
        )
    if not checks:
        return Verdict(
            "not", say("no TCN run had a field ≥ T or < T/2", "没有一次TCN运行的感受野≥T或<T/2")
        )
    # Wall-clock times depend on the machine and on what else it runs: reported, not graded.
    tim = record["timing"]
    last = tim[-1]
    note = ""
    if last["tcn_B"] > last["tanh_B"]:
        tanh, tcn = last["tanh_B"] * 1e3, last["tcn_B"] * 1e3
        note = say(
            f"In batches the tanh RNN is faster per sequence ({tanh:.3g} ms "
            f"against the TCN's {tcn:.3g} ms at T = {last['T']}): with many "
            "sequences side "
            "by side each of its steps is already one matrix product, the TCN does several times "
            "more arithmetic, and one CPU thread has no spare units to run the convolution's "
            "independent steps at once — the advantage Bai et al. describe needs such hardware",
            f"成批处理时，tanh RNN每个序列反而更快（T = {last['T']}时{tanh:.3g} ms，TCN为"
            f"{tcn:.3g} ms）：许多序列并排时，它的每一步已经是一次矩阵乘法；TCN的运算量要多好几倍，"
            "而单个CPU线程没有空闲的运算单元来同时计算卷积中彼此独立的各步——Bai等人所说的优势"
            "需要这样的硬件",
        )
    return grade(checks, note=note, lang=lang)


def _training_figure(record: dict[str, Any]):
    from qa.viz import COLORS, new_figure

    fig, ax = new_figure(width=6.4, height=3.4)
    colors = [COLORS["blue"], COLORS["red"]]
    groups = sorted(_by_levels(record).items(), reverse=True)
    for (_, runs), color in zip(groups, colors, strict=False):
        for i, r in enumerate(runs):
            y = np.array([np.nan if v is None else v for v in r["loss"]], dtype=float)
            x = np.linspace(0, r["steps_done"], len(y))
            ax.semilogy(
                x,
                y,
                color=color,
                lw=0.8,
                alpha=0.8,
                label=f"TCN, field {r['field']}" if i == 0 else None,
            )
        ax.axhline(runs[0]["floor"], color=color, ls=":", lw=1)
    ax.axhline(1 / 6, color=COLORS["grey"], ls="--", lw=0.8, label="predict 1 (1/6)")
    ax.set_xlabel("step")
    ax.set_ylabel("batch MSE")
    ax.set_title(f"Adding problem, T = {record['seq_len']} (dotted: floor of each field)")
    ax.legend(fontsize="small")
    return fig


def _timing_figure(record: dict[str, Any]):
    from qa.viz import new_figure

    fig, axes = new_figure(1, 2, width=8.6, height=3.4, sharey=True)
    tim = record["timing"]
    lengths = [r["T"] for r in tim]
    for ax, suffix, title in (
        (axes[0], "1", "One sequence at a time"),
        (axes[1], "B", "Batches (time per sequence)"),
    ):
        for key, label in (("tcn", "TCN (field ≥ T)"), ("tanh", "tanh RNN"), ("lstm", "LSTM")):
            ax.loglog(lengths, [r[f"{key}_{suffix}"] * 1e3 for r in tim], "o-", label=label)
        ax.set_xlabel("sequence length T")
        ax.set_title(title)
    axes[0].set_ylabel("ms per sequence (forward + backward)")
    axes[0].legend(fontsize="small")
    return fig


FIGURES = (
    FigureSpec(
        name="training",
        build=_training_figure,
        alt="Batch MSE on a log scale over training steps. The TCN whose receptive field covers "
        "the sequence falls far below the 1/6 line; the TCN with a 32-step field levels off "
        "above its dotted floor near 0.11.",
        caption="Two dilated causal CNNs on the adding problem, one line per seed; dotted lines "
        "are the floors their receptive fields imply.",
        alt_zh="对数坐标下小批量MSE随训练步的变化。感受野覆盖整个序列的TCN远远降到1/6线以下；"
        "感受野为32步的TCN停在它的点线下限（约0.11）之上。",
        caption_zh="加法问题上的两个空洞因果CNN，每个种子一条线；点线是各自感受野所决定的下限",
    ),
    FigureSpec(
        name="timing",
        build=_timing_figure,
        alt="Two log-log panels of milliseconds per sequence against sequence length for a TCN, "
        "a tanh RNN and an LSTM: one sequence at a time (left) and in batches (right).",
        caption="Wall-clock time of one forward and backward pass per sequence, best of several "
        "repeats on one BLAS thread: one sequence at a time, and in batches.",
        alt_zh="两幅双对数坐标的子图：TCN、tanh RNN和LSTM处理每个序列的毫秒数随序列长度的变化；"
        "左图一次一个序列，右图成批处理。",
        caption_zh="每个序列一次前向加反向传播的实际耗时，在单个BLAS线程上重复多次取最短：一次一个"
        "序列，以及成批处理",
    ),
)

#: The words of the figures in Chinese (`qa.viz.translate_figure`).
FIGURE_WORDS_ZH = {
    "step": "训练步",
    "batch MSE": "小批量MSE",
    "Adding problem, T = ": "加法问题，T = ",
    " (dotted: floor of each field)": "（点线：各感受野的下限）",
    "TCN, field ": "TCN，感受野",
    "predict 1 (1/6)": "预测1（1/6）",
    "sequence length T": "序列长度T",
    "ms per sequence (forward + backward)": "每个序列的毫秒数（前向+反向）",
    "One sequence at a time": "一次一个序列",
    "Batches (time per sequence)": "成批（按每个序列计）",
    "TCN (field ≥ T)": "TCN（感受野≥T）",
}
