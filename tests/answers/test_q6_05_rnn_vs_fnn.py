"""6.5: a window MLP sees exactly w inputs back, an RNN sees the whole past, and is a tied FNN."""

import numpy as np
import pytest

from qa.answers import q6_05_rnn_vs_fnn as m
from qa.core import init, rnn
from qa.core.gradcheck import check_gradients

NAME = "qa.answers.q6_05_rnn_vs_fnn"
CHANCE = 1 / m.ALPHABET


@pytest.mark.parametrize("delay", [0, 1, 5])
def test_delayed_recall_targets_are_the_input_k_steps_back(delay, rng):
    xs, targets = m.delayed_recall(rng, delay, 12, 3)
    symbols = xs.argmax(axis=-1)
    np.testing.assert_array_equal(targets[delay:], symbols[: 12 - delay])
    assert (targets[:delay] == -1).all()


@pytest.mark.parametrize("width", [1, 3])
def test_window_inputs_hold_the_last_w_inputs_oldest_first(width, rng):
    xs = rng.standard_normal((7, 2, 3))
    windows = m.window_inputs(xs, width)
    assert windows.shape == (7, 2, 3 * width)
    for t in range(7):
        for i in range(width):
            s = t - width + 1 + i
            expected = xs[s] if s >= 0 else np.zeros((2, 3))
            np.testing.assert_array_equal(windows[t, :, 3 * i : 3 * (i + 1)], expected)


def test_window_mlp_gradients_match_finite_differences(rng):
    params = m.window_mlp_params(rng, 3, 4, 6, 4)
    params["b"] = 0.1 * rng.standard_normal(6)
    xs, targets = m.delayed_recall(rng, 2, 8, 3)
    _, grads = m.window_mlp_loss_and_grads(params, xs, targets, 3)
    errors = check_gradients(
        lambda p: m.window_mlp_loss_and_grads(p, xs, targets, 3)[0], params, grads
    )
    assert max(errors.values()) < 1e-7


@pytest.mark.parametrize(("width", "D", "H", "O"), [(1, 4, 32, 4), (4, 4, 32, 4), (7, 3, 5, 2)])
def test_window_mlp_parameter_count_is_kDH_plus_H_plus_HO_plus_O(width, D, H, O, rng):
    params = m.window_mlp_params(rng, width, D, H, O)
    assert sum(p.size for p in params.values()) == width * D * H + H + H * O + O


def test_rnn_parameter_count_does_not_depend_on_context():
    D, H = m.ALPHABET, m.HIDDEN
    assert m.parameter_count("RNN") == H * D + H * H + H + D * H + D


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_window_mlp_card_solver_matches_the_closed_form(seed):
    card = m.card_window_mlp_parameters(np.random.default_rng(seed))
    p = card["params"]
    assert 2 <= p["k"] <= 10 and 2 <= p["D"] <= 32 and 4 <= p["H"] <= 64 and 2 <= p["O"] <= 16
    assert card["answer"] == p["k"] * p["D"] * p["H"] + p["H"] + p["H"] * p["O"] + p["O"]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_unrolled_tied_layers_compute_the_rnn(seed):
    rng = np.random.default_rng(seed)
    params = init.rnn_params(rng, 4, 8)
    params["b"] = rng.standard_normal(8)
    xs = rng.standard_normal((30, 5, 4))
    hs, _ = rnn.forward(params, xs)
    np.testing.assert_allclose(m.unrolled_forward(params, xs), hs, rtol=0, atol=1e-14)


def test_demonstration_unrolled_network_equals_the_rnn(demo_of):
    assert demo_of(NAME).unrolled_max_diff <= 1e-14


def test_per_step_mlp_only_solves_zero_delay(demo_of):
    demo = demo_of(NAME)
    acc = demo.accuracy["per-step MLP"]
    assert acc[0] > 0.99
    assert np.all(np.abs(acc[1:] - CHANCE) < 0.05)


def test_window_mlp_is_perfect_inside_its_window_and_at_chance_beyond(demo_of):
    demo = demo_of(NAME)
    acc = demo.accuracy["window MLP"]
    inside = demo.delays < m.WINDOW
    assert np.all(acc[inside] > 0.99)
    assert np.all(np.abs(acc[~inside] - CHANCE) < 0.05)


def test_rnn_recalls_beyond_the_window(demo_of):
    demo = demo_of(NAME)
    beyond = (demo.delays >= m.WINDOW) & (demo.delays < 2 * m.WINDOW)
    assert np.all(demo.accuracy["RNN"][beyond] > 0.9)
    assert np.all(demo.accuracy["window MLP"][beyond] < 0.35)


def test_parameter_curve_is_linear_for_the_mlp_and_flat_for_the_rnn(demo_of):
    demo = demo_of(NAME)
    steps = np.diff(demo.mlp_counts)
    assert np.all(steps == m.ALPHABET * m.HIDDEN)
    assert demo.mlp_counts[0] < demo.rnn_count < demo.mlp_counts[-1]


def test_rnn_fails_at_the_longest_delays(demo_of):
    # The page: what training finds has a limit. One run per delay can be lucky (seed 0 scores
    # 0.367 at k = 20, against chance 0.25), so this asserts the median over k >= 20, which
    # was 0.249 on every OpenBLAS kernel we tried; 0.4 would need most of them to recall.
    demo = demo_of(NAME)
    far = demo.accuracy["RNN"][demo.delays >= 20]
    assert np.median(far) < m.FAILED


def test_parameter_counts_typed_on_the_page():
    # The page types 128w + 164, 1316 and "equal at w = 9": exact, from the sizes alone.
    for w in (1, 4, 9, 40):
        assert m.parameter_count("window MLP", w) == 128 * w + 164
    assert m.parameter_count("RNN") == m.parameter_count("window MLP", 9) == 1316


def test_failed_from_is_the_start_of_the_tail_below_the_threshold():
    delays = np.arange(6)
    assert m._failed_from(np.array([1.0, 0.9, 0.3, 0.5, 0.2, 0.3]), delays) == 4
    assert m._failed_from(np.array([1.0, 0.9, 0.3, 0.2, 0.2, 0.5]), delays) is None
    assert m._failed_from(np.full(6, 0.25), delays) == 0


def test_numbers_are_the_measured_values(demo_of):
    demo = demo_of(NAME)
    n = m.numbers(demo)
    acc = demo.accuracy["RNN"]
    solved, failed = n["rnn_solved_up_to"].value, n["rnn_failed_from"].value
    assert np.all(acc[demo.delays <= solved] >= m.SOLVED) and acc[solved + 1] < m.SOLVED
    assert np.all(acc[demo.delays >= failed] < m.FAILED) and acc[failed - 1] >= m.FAILED
    assert n["rnn_failed_max"].value == acc[demo.delays >= failed].max()
    assert n["unrolled_max_diff"].value == demo.unrolled_max_diff


@pytest.mark.parametrize("max_len", [10, 14, 18])
def test_two_last_symbols_fix_what_may_follow_in_the_reber_grammar(max_len):
    assert m.reber_window(max_len) == 2


@pytest.mark.parametrize("window", [1, 5, 25, 60])
def test_no_window_predicts_the_embedded_reber_grammar(window):
    from qa.core import tasks

    a, b = m.embedded_reber_lookalikes(window)
    assert a[-window:] == b[-window:]
    # Both are prefixes of grammatical strings, whose next symbols differ.
    nxt = [tasks.reber_next_distributions(s + s[1] + "E")[len(s) - 1] for s in (a, b)]
    assert not np.allclose(nxt[0], nxt[1])
