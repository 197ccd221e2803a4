"""Task generators: definitions and the statistics their baselines rest on."""

import math

import numpy as np
import pytest

from qa.core import losses, tasks


def test_adding_problem_trivial_predictor_has_mse_one_sixth(rng):
    xs, y = tasks.adding_problem(rng, seq_len=20, batch_size=100_000)
    mse = float(np.mean((y - 1.0) ** 2))
    assert abs(mse - tasks.ADDING_TRIVIAL_MSE) < 0.005
    assert pytest.approx(1 / 6) == tasks.ADDING_TRIVIAL_MSE


@pytest.mark.parametrize("seq_len", [2, 3, 50, 101])
def test_adding_problem_marks_one_value_in_each_half(seq_len, rng):
    xs, y = tasks.adding_problem(rng, seq_len=seq_len, batch_size=500)
    markers = xs[:, :, 1]
    half = seq_len // 2
    assert np.all(markers[:half].sum(axis=0) == 1)
    assert np.all(markers[half:].sum(axis=0) == 1)
    np.testing.assert_allclose(y[:, 0], (xs[:, :, 0] * markers).sum(axis=0))
    assert xs[:, :, 0].min() >= 0 and xs[:, :, 0].max() <= 1


@pytest.mark.parametrize("gap", [1, 10, 100, 1000])
def test_memoryless_predictor_scores_exactly_the_copy_baseline(gap, rng):
    xs, targets = tasks.copy_memory(rng, gap=gap, batch_size=64)
    length = gap + 20
    probs = np.zeros((length, 64, 10))
    probs[:-10, :, 0] = 1.0  # blank, with certainty, until the recall phase
    probs[-10:, :, 1:9] = 1 / 8  # a uniform guess over the 8 data symbols
    with np.errstate(divide="ignore"):
        logits = np.log(probs)
    loss, _ = losses.softmax_cross_entropy(
        np.where(np.isfinite(logits), logits, -1e9), targets, time_reduction="mean"
    )
    assert loss == pytest.approx(tasks.copy_memory_baseline(gap), rel=1e-12)
    assert tasks.copy_memory_baseline(gap) == pytest.approx(10 * math.log(8) / (gap + 20))


def test_copy_memory_layout(rng):
    xs, targets = tasks.copy_memory(rng, gap=7, batch_size=5)
    symbols = xs.argmax(axis=2)
    assert xs.shape == (27, 5, 10) and np.all(xs.sum(axis=2) == 1)
    assert np.all((symbols[:10] >= 1) & (symbols[:10] <= 8))
    assert np.all(symbols[10:16] == 0) and np.all(symbols[16] == 9) and np.all(symbols[17:] == 0)
    assert np.all(targets[:17] == 0)
    np.testing.assert_array_equal(targets[17:], symbols[:10])


def test_latch_batches(rng):
    batch = tasks.latch(rng, seq_len=30, batch_size=10_000, prefix=3, noise_std=0.2)
    assert np.all(batch.noise[:3] == 0)
    assert batch.noise[3:].std() == pytest.approx(0.2, rel=0.02)
    np.testing.assert_array_equal(batch.targets, np.where(batch.labels == 1, 0.8, -0.8))
    assert 0.48 < batch.labels.mean() < 0.52


def test_reber_strings_are_grammatical_and_the_distributions_are_exact(rng):
    strings = tasks.embedded_reber(rng, 300)
    xs, targets = tasks.encode_symbols(strings)
    for b, s in enumerate(strings):
        dist = tasks.reber_next_distributions(s)
        assert dist.shape == (len(s) - 1, 7)
        np.testing.assert_allclose(dist.sum(axis=1), 1.0)
        actual = [tasks.REBER_SYMBOLS.index(c) for c in s[1:]]
        assert np.all(dist[np.arange(len(s) - 1), actual] > 0)  # every observed symbol is allowed
        np.testing.assert_array_equal(targets[: len(s) - 1, b], actual)
        assert np.all(targets[len(s) - 1 :, b] == -1)
    # the two-way choices are fair: about half the strings take each embedded branch
    assert 0.4 < np.mean([s[1] == "T" for s in strings]) < 0.6


@pytest.mark.parametrize("bad", ["BTBTXSETX", "BPBTXSETE", "BTBTXSE", "XTBTXSETE", "BTBTXXETE"])
def test_reber_distributions_reject_ungrammatical_strings(bad):
    with pytest.raises(ValueError, match="not an embedded Reber string"):
        tasks.reber_next_distributions(bad)
