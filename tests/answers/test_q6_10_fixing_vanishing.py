"""6.10: what each remedy does to gradient flow at init, the tanh slope, and who trains."""

import numpy as np
import pytest

from qa.answers import q6_10_fixing_vanishing as m

NAME = "qa.answers.q6_10_fixing_vanishing"


@pytest.mark.parametrize(("D", "H"), [(2, 16), (3, 1), (64, 128)])
def test_parameter_counts_match_the_closed_forms(D, H):
    assert m.parameter_count("rnn", D, H) == H * (D + H + 1)
    assert m.parameter_count("lstm", D, H) == 4 * H * (D + H + 1)
    assert m.parameter_count("gru", D, H) == 3 * H * (D + H + 1) + H


@pytest.mark.parametrize("seed", range(8))
def test_lstm_card_is_4H_times_D_plus_H_plus_1(seed):
    card = m.card_lstm_parameter_count(np.random.default_rng(seed))
    D, H = card["params"]["D"], card["params"]["H"]
    assert 2 <= D <= 64 and 2 <= H <= 128
    assert card["answer"] == 4 * H * (D + H + 1)


@pytest.mark.parametrize("seed", range(8))
def test_gru_card_is_3H_times_D_plus_H_plus_1_plus_H(seed):
    card = m.card_gru_parameter_count(np.random.default_rng(seed))
    D, H = card["params"]["D"], card["params"]["H"]
    assert card["answer"] == 3 * H * (D + H + 1) + H


@pytest.mark.parametrize("seed", range(4))
def test_irnn_can_only_lose_gradient_through_dead_units(seed):
    # W = I and ReLU: each step multiplies dL/dh by a 0/1 diagonal, so no norm can grow.
    assert m.gradient_ratio("irnn", seed, seq_len=40, hidden=16, batch=8) <= 1 + 1e-12


def test_expected_tanh_slope_matches_its_series_for_small_spread():
    # E[1 - tanh(x)²] = 1 - σ² + 2σ⁴ - ... for x ~ N(0, σ²).
    for sigma in (0.01, 0.03):
        assert m.expected_tanh_slope(sigma) == pytest.approx(1 - sigma**2 + 2 * sigma**4, abs=1e-8)


@pytest.mark.parametrize("sigma", [0.3, 1.0, 4.0])
def test_expected_tanh_slope_agrees_with_monte_carlo(sigma, rng):
    samples = 400_000
    estimate = m.monte_carlo_tanh_slope(rng, sigma, samples)
    x = sigma * rng.standard_normal(samples)
    se = np.std(1 - np.tanh(x) ** 2) / np.sqrt(samples)
    assert abs(estimate - m.expected_tanh_slope(sigma)) < 5 * se


# --------------------------------------------------------------------------- the demonstration


def test_identity_keeps_the_gradient_and_gaussian_w_loses_it(demo_of):
    r = demo_of(NAME).ratios
    assert all(len(v) == m.RATIO_SEEDS for v in r.values())
    assert np.all((r["irnn"] >= 0.1) & (r["irnn"] <= 1.0))
    assert np.all(r["tanh"] < 1e-4) and np.all(r["relu"] < 1e-4)


def test_forget_bias_one_raises_the_lstm_ratio_by_orders_of_magnitude(demo_of):
    r = demo_of(NAME).ratios
    assert np.median(r["lstm"]) >= 1e2 * np.median(r["lstm_fb0"])
    assert r["lstm"].min() > r["lstm_fb0"].max()


def test_expected_tanh_slope_falls_with_spread(demo_of):
    demo = demo_of(NAME)
    assert np.all(np.diff(demo.slopes) < 0)
    assert m.expected_tanh_slope(0.1) > 0.98 and m.expected_tanh_slope(1.0) < 0.65
    quadrature = np.array([m.expected_tanh_slope(s) for s in m.MC_SIGMAS])
    np.testing.assert_allclose(demo.mc_slopes, quadrature, atol=3e-3)


def test_tanh_rnn_stays_at_the_baseline_on_adding(demo_of):
    # At initialisation its ratio r is below 1e-4 (above), so no signal from the two marked
    # steps reaches the weights and it can only predict about the mean. Over seeds 0-7 it ended
    # between 0.155 and 0.179 (1/6 = 0.167) on every OpenBLAS kernel we tried; 0.14 would need
    # it to start solving the task.
    runs = demo_of(NAME).runs["tanh"]
    assert len(runs) == m.RUNS
    assert all(r["test_mse"] >= 0.14 for r in runs)
    assert all(m._left_baseline_at(r) is None for r in runs)


def test_the_remedies_learn_adding_in_most_runs(demo_of):
    # When a trained run leaves the 1/6 plateau, and how low it ends, depends on its trajectory,
    # which another machine can change (the IRNN's seed 0 ends at 0.016 with one OpenBLAS kernel
    # and 0.08 with another). So this asserts a count over the six runs of the IRNN, the LSTM
    # and the GRU, not any one run. Over seeds 0-7 (24 runs) only one ended above 0.05, an LSTM
    # that never left the plateau (0.164): at least three of six failing is then very unlikely,
    # while remedies that did not work would fail all six.
    runs = demo_of(NAME).runs
    scores = [r["test_mse"] for name in ("irnn", "lstm", "gru") for r in runs[name]]
    assert len(scores) == 3 * m.RUNS
    learned = [s is not None and s < 0.05 for s in scores]  # below a third of 1/6
    assert sum(learned) >= 4, scores


def test_the_compared_networks_have_about_the_same_size(demo_of):
    sizes = [runs[0]["parameters"] for runs in demo_of(NAME).runs.values()]
    assert max(sizes) < 1.1 * min(sizes)


def test_numbers_are_the_measured_values(demo_of):
    demo = demo_of(NAME)
    n = m.numbers(demo)
    assert n["ratio_irnn_min"].value == demo.ratios["irnn"].min()
    assert n["ratio_lstm_max"].value == demo.ratios["lstm"].max()
    orders = np.log10(demo.ratios["lstm"] / demo.ratios["lstm_fb0"])
    assert n["lstm_bias_orders_min"].value == pytest.approx(orders.min())
    assert n["mse_irnn_0"].value == demo.runs["irnn"][0]["test_mse"]
    assert n["mse_gru_1"].value == demo.runs["gru"][1]["test_mse"]
    assert str(n["slope_1"]) == "0.606" and str(n["slope_1_share"]) == "61 %"
    sizes = [n[f"params_{k}"].value for k in m.REMEDIES]
    assert sizes == [1153, 1153, 1233, 1171]  # H(D + H + 1) etc. plus the read-out's H + 1
    assert (n["params_min"].value, n["params_max"].value) == (1153, 1233)


def test_a_run_leaves_the_baseline_where_its_plotted_curve_first_drops_below_the_level():
    thinned = [0.17] * 50 + [0.05] * 150  # 200 points over 800 steps, 4 steps apart
    run = {"loss": thinned, "steps_done": 800}
    assert m._left_baseline_at(run) == 220  # the 11th smoothed point (5 per point, 20 steps)
    assert m._left_baseline_at({"loss": [0.17] * 200, "steps_done": 800}) is None
