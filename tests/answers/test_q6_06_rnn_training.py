"""6.6: shared weights get one gradient term per use; truncation drops terms; memory is O(T)."""

import numpy as np
import pytest

from qa.answers import q6_06_rnn_training as m
from qa.core import init, rnn

NAME = "qa.answers.q6_06_rnn_training"
T, B, D, H = 7, 2, 3, 4


def _problem(rng, scale=1.0):
    params = init.rnn_params(rng, D, H, recurrent="orthogonal", recurrent_scale=scale)
    params["b"] = 0.1 * rng.standard_normal(H)
    return params, rng.standard_normal((T, B, D)), rng.standard_normal((T, B, H))


def _flat(grads):
    return np.concatenate([grads[k].ravel() for k in m.CELL_KEYS])


def test_per_step_gradients_sum_to_the_engine_gradient(rng):
    params, xs, dhs = _problem(rng)
    per_step = m.per_step_weight_gradients(params, xs, dhs)
    grads, _, _ = rnn.backward(dhs, rnn.forward(params, xs)[1])
    np.testing.assert_allclose(per_step.sum(axis=0), grads["W"], rtol=1e-12, atol=1e-14)


def test_full_window_gives_the_full_bptt_gradient(rng):
    params, xs, dhs = _problem(rng)
    C = m.contributions_by_loss(params, xs, dhs)
    grads, _, _ = rnn.backward(dhs, rnn.forward(params, xs)[1])
    np.testing.assert_allclose(m.truncated_gradient(C, T), _flat(grads), rtol=1e-11, atol=1e-13)


@pytest.mark.parametrize("window", [1, 2, 4])
def test_truncated_gradient_treats_the_state_k_steps_back_as_a_constant(window, rng):
    # Reference: for each L_t, a fresh BPTT over steps t-k+1..t started from the stored state.
    params, xs, dhs = _problem(rng)
    hs, _ = rnn.forward(params, xs)
    hs = np.concatenate([np.zeros((1, B, H)), hs])  # h_0 ... h_T
    expected = np.zeros(sum(params[k].size for k in m.CELL_KEYS))
    for t in range(T):
        start = max(0, t - window + 1)
        local = np.zeros((t + 1 - start, B, H))
        local[-1] = dhs[t]
        _, cache = rnn.forward(params, xs[start : t + 1], hs[start])
        grads, _, _ = rnn.backward(local, cache)
        expected += _flat(grads)
    C = m.contributions_by_loss(params, xs, dhs)
    np.testing.assert_allclose(m.truncated_gradient(C, window), expected, rtol=1e-11, atol=1e-13)


def test_contributions_to_earlier_losses_are_zero(rng):
    C = m.contributions_by_loss(*_problem(rng))
    later = np.triu(np.ones((T, T), dtype=bool), k=1)  # s > t
    assert np.all(C[later] == 0)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_bptt_memory_card_is_T_times_B_times_H(seed):
    card = m.card_bptt_memory(np.random.default_rng(seed))
    p = card["params"]
    assert 8 <= p["H"] <= 128 and 1 <= p["B"] <= 64 and 10 <= p["T"] <= 200
    assert card["answer"] == p["T"] * p["B"] * p["H"]


def test_cache_bytes_counts_the_returned_view_once(rng):
    params = init.rnn_params(rng, D, H)
    hs, cache = rnn.forward(params, rng.standard_normal((T, B, D)))
    assert np.shares_memory(hs, cache.hs)
    expected = 8 * (T * B * D + (T + 1) * B * H + H * D + H * H)
    assert m.cache_bytes(cache) == expected
    assert m.cache_bytes((*cache, hs)) == expected


def test_demonstration_sum_of_contributions_is_the_gradient(demo_of):
    # The page and the caption state these bounds as what holds on every machine; the values
    # themselves are rounding (about 6e-15 to 8e-15, and 7e-11 to 1.5e-10 across the OpenBLAS
    # kernels and thread counts we tried), so each bound keeps a margin of 6x or more.
    demo = demo_of(NAME)
    assert demo.sum_vs_engine < 1e-12
    assert demo.sum_vs_numeric < 1e-9


def test_early_contributions_are_smaller_when_jacobians_contract(demo_of):
    norms = demo_of(NAME).per_step_norms  # W = 0.9·Q, loss at the last step
    assert norms[0] == 0.0  # multiplies h_0 = 0
    assert norms[1:10].max() < 1e-2 * norms[-10:].min()


def test_truncation_is_exact_at_full_window_only(demo_of):
    demo = demo_of(NAME)
    for scale in m.SCALES:
        assert demo.error[scale][-1] == 0.0
        assert demo.cosine[scale][-1] == pytest.approx(1.0, abs=1e-12)
        assert np.all(demo.error[scale][:-1] > 0)


def test_truncation_bias_is_small_for_contracting_and_large_for_expanding_jacobians(demo_of):
    demo = demo_of(NAME)
    small, large = min(m.SCALES), max(m.SCALES)
    assert demo.error[small][0] > demo.error[small][9] > demo.error[small][19]
    assert demo.error[small][9] < 0.01
    assert demo.error[large][9] > 0.5
    assert demo.cosine[large][9] < demo.cosine[small][9]
    # The page: "up to k = 10 the truncated gradient is nearly orthogonal to the full one".
    # Seed 0 gives at most 0.14; the dynamics over 50 steps move it only at rounding level.
    assert demo.cosine[large][:10].max() < 0.3


def test_memory_kept_for_backward_is_linear_in_T(demo_of):
    demo = demo_of(NAME)
    sizes = m.MEMORY_SIZES
    for name, memory in demo.memory.items():
        per_step = np.diff(memory) / np.diff(demo.lengths)
        assert np.all(per_step == per_step[0]), name
    rnn_per_step = (demo.memory["RNN"][1] - demo.memory["RNN"][0]) / np.diff(demo.lengths)[0]
    assert rnn_per_step == 8 * sizes["B"] * (sizes["D"] + sizes["H"])
    assert demo.memory["RNN"][-1] < demo.memory["GRU"][-1] < demo.memory["LSTM"][-1]


def test_quoted_memory_numbers_are_exact_byte_counts(demo_of):
    quoted = m.numbers(demo_of(NAME))
    rnn_step = 8 * m.MEMORY_SIZES["B"] * (m.MEMORY_SIZES["D"] + m.MEMORY_SIZES["H"])
    for cell, ratio in (("gru", "gru_over_rnn"), ("lstm", "lstm_over_rnn")):
        per_step = quoted[f"{cell}_bytes_per_step"].value
        assert isinstance(per_step, int) and per_step % 8 == 0
        assert quoted[ratio].value == per_step / rnn_step


@pytest.mark.parametrize("k", [1, 3, 7, 50])
def test_non_overlapping_windows_keep_a_subset_of_the_sliding_terms(k):
    T = 50
    t, s = np.arange(T)[:, None], np.arange(T)[None, :]
    chunked, sliding = m.SCHEMES["chunked"](t, s, k), m.SCHEMES["sliding"](t, s, k)
    assert np.all(sliding[chunked]) and (k == 1 or k == T or chunked.sum() < sliding.sum())


@pytest.mark.parametrize("k", [2, 5, 25])
def test_a_one_step_dependency_across_a_window_boundary_gets_no_gradient(k):
    # The loss at the first step of the second window and the parameter use one step before it.
    assert not m.SCHEMES["chunked"](np.array(k), np.array(k - 1), k)
    assert m.SCHEMES["sliding"](np.array(k), np.array(k - 1), k)


def test_both_schemes_give_the_full_gradient_at_k_equal_to_T(rng):
    C = rng.standard_normal((6, 6, 3)) * np.tril(np.ones((6, 6)))[..., None]
    full = C.sum(axis=(0, 1))
    for scheme in m.SCHEMES:
        np.testing.assert_allclose(m.truncated_gradient(C, 6, scheme), full, rtol=1e-12)
