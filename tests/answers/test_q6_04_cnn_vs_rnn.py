"""6.4: a TCN sees exactly its receptive field; an RNN sees everything, faintly; what trains."""

import math

import numpy as np
import pytest

from qa.answers import q6_04_cnn_vs_rnn as m
from qa.core import conv
from qa.experiments import cnn_vs_rnn
from qa.experiments.training import init_params

NAME = "qa.answers.q6_04_cnn_vs_rnn"


def _formula(levels, k):
    return 1 + (k - 1) * (2**levels - 1)


@pytest.mark.parametrize("k", [2, 3, 4])
@pytest.mark.parametrize("levels", [1, 2, 3, 5, 8])
def test_gradient_of_the_engine_tcn_reaches_exactly_the_formula_field(levels, k, rng):
    field = m.receptive_field_from_gradient(levels, k, rng)
    assert field == _formula(levels, k) == conv.receptive_field(k, [2**i for i in range(levels)])


@pytest.mark.parametrize("seed", range(8))
def test_receptive_field_card_is_the_formula(seed):
    card = m.card_receptive_field(np.random.default_rng(seed))
    L, k = card["params"]["L"], card["params"]["k"]
    assert 2 <= L <= 8 and k in (2, 3, 4)
    assert card["answer"] == _formula(L, k)


@pytest.mark.parametrize("seed", range(8))
def test_copy_baseline_card_is_ten_ln8_over_T_plus_20(seed):
    card = m.card_copy_baseline(np.random.default_rng(seed))
    T = card["params"]["T"]
    assert T in (10, 20, 50, 100, 200, 500, 1000)
    assert card["answer"] == pytest.approx(10 * math.log(8) / (T + 20), rel=1e-14)


@pytest.mark.parametrize("seed", range(8))
def test_adding_baseline_card_is_k_over_12(seed):
    card = m.card_adding_baseline(np.random.default_rng(seed))
    k = card["params"]["k"]
    assert 2 <= k <= 6
    assert card["answer"] == pytest.approx(k / 12, rel=1e-14)


@pytest.mark.parametrize("k", [2, 5])
def test_adding_baseline_is_the_variance_of_the_sum(k, rng):
    sums = rng.uniform(size=(400_000, k)).sum(axis=1)
    assert np.mean((sums - k / 2) ** 2) == pytest.approx(k / 12, rel=0.01)


@pytest.mark.parametrize("levels", [2, 3])
def test_tcn_sensitivity_is_exactly_zero_outside_the_field(levels, rng):
    params = cnn_vs_rnn.tcn_model(levels, m.TCN)[2](rng)
    field = conv.receptive_field(2, [2**i for i in range(levels)])
    T = field + 6
    s = m.last_output_sensitivity("tcn", params, rng.uniform(size=(T, 5, 2)))
    assert np.all(s[: T - field] == 0.0)
    assert np.all(s[T - field :] > 0.0)


def _finite_difference_sensitivity(kind, params, xs, h=1e-6):
    def y_last(x):
        if kind == "tcn":
            body = {k: v for k, v in params.items() if k not in ("V", "c")}
            hs, _ = conv.tcn_forward(body, x)
        else:
            from qa.core import rnn

            hs, _ = rnn.forward({k: params[k] for k in ("U", "W", "b")}, x)
        return (hs[-1] @ params["V"].T + params["c"])[:, 0]

    T, B, D = xs.shape
    grads = np.zeros_like(xs)
    for t in range(T):
        for d in range(D):
            plus, minus = xs.copy(), xs.copy()
            plus[t, :, d] += h
            minus[t, :, d] -= h
            grads[t, :, d] = (y_last(plus) - y_last(minus)) / (2 * h)
    return np.linalg.norm(grads, axis=2).mean(axis=1)


@pytest.mark.parametrize("kind", ["tcn", "rnn"])
def test_sensitivity_matches_finite_differences(kind, rng):
    if kind == "tcn":
        params = cnn_vs_rnn.tcn_model(3, m.TCN)[2](rng)
    else:
        params = init_params("tanh", rng, 2, 6)
    xs = rng.uniform(size=(10, 3, 2))
    expected = _finite_difference_sensitivity(kind, params, xs)
    got = m.last_output_sensitivity(kind, params, xs)
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-10)


def test_sensitivity_rejects_an_unknown_kind(rng):
    with pytest.raises(ValueError, match="kind"):
        m.last_output_sensitivity("lstm", {"V": np.ones((1, 2))}, np.zeros((3, 1, 2)))


@pytest.mark.parametrize("T", [2, 3, 64, 65, 100, 128, 129, 2000])
@pytest.mark.parametrize("k", [2, 3])
def test_tcn_stages_are_the_fewest_levels_whose_field_covers_T(T, k):
    rnn_stages, levels = m.sequential_stages(T, k)
    assert rnn_stages == T
    assert _formula(levels, k) >= T
    assert levels == 1 or _formula(levels - 1, k) < T


def test_rnn_multiply_adds_are_T_times_HD_plus_H_squared(rng):
    params = init_params("tanh", rng, 2, 7)
    assert m.multiply_adds(params, 30) == 30 * (7 * 2 + 7 * 7) + 7


def test_tcn_multiply_adds_skip_the_taps_that_reach_before_the_start(rng):
    # k = 2, C = 4, 3 levels: level i applies tap 0 at T positions and tap 1 at T - 2^i.
    config = cnn_vs_rnn.Config(channels=4, kernel=2)
    params = cnn_vs_rnn.tcn_model(3, config)[2](rng)
    T = 20
    expected = (2 * T - 1) * 4 * 2 + (2 * T - 2) * 16 + (2 * T - 4) * 16 + T * 4 * 2 + 4
    assert m.multiply_adds(params, T) == expected


# --------------------------------------------------------------------------- the demonstration


def test_tcn_whose_field_covers_the_sequence_solves_adding(demo_of):
    # When a run leaves the 1/6 plateau, and how low it ends, depends on its trajectory, which
    # differs between machines (seed 0 ends at 0.0030 on one, 0.0101 on another). What does not:
    # every run beats, with a wide margin, the best that any model seeing only the last 32 steps
    # can do, so it uses the first marker, which the field-32 control cannot see. Over seeds
    # 0-7 the runs ended between 0.0010 and 0.035 (at least 3x below that floor, 0.113) and
    # crossed it between steps 510 and 1200 of 1500; the mean of two runs was at most 0.018.
    runs = demo_of(NAME).runs["tcn_wide"]
    floor = cnn_vs_rnn.adding_floor(m.SEQ_LEN, 32)
    assert len(runs) >= 2
    assert all(r["field"] >= m.SEQ_LEN and r["floor"] == 0.0 for r in runs)
    for r in runs:
        assert r["test_mse"] + 3 * r["test_se"] < floor / 2
        assert m._first_step_below(r, floor) is not None  # the plotted curve crosses the floor
    assert np.mean([r["test_mse"] for r in runs]) < 0.05  # far below 1/6


def test_tcn_with_a_short_field_never_beats_the_floor_it_implies(demo_of):
    runs = demo_of(NAME).runs["tcn_short"]
    floor = cnn_vs_rnn.adding_floor(m.SEQ_LEN, 32)
    assert floor > 0.1
    for r in runs:
        assert r["floor"] == floor
        assert r["test_mse"] >= floor - 3 * r["test_se"]


def test_tanh_rnn_stays_near_the_trivial_baseline(demo_of):
    # Over seeds 0-7 the tanh RNN ended between 0.154 and 0.176 (1/6 = 0.167, standard error
    # 0.006), never leaving the plateau; 0.12 would need it to start solving the task.
    runs = demo_of(NAME).runs["rnn"]
    assert len(runs) >= 2
    assert all(r["test_mse"] > 0.12 for r in runs)


def test_demonstrated_sensitivity_is_zero_exactly_outside_each_field(demo_of):
    demo = demo_of(NAME)
    for name, field in demo.fields.items():
        s = demo.sensitivity[name]
        assert np.all(s[: m.SENSITIVITY_LEN - field] == 0.0)
        assert np.all(s[m.SENSITIVITY_LEN - field :] > 0.0)


def test_demonstrated_rnn_sensitivity_is_nonzero_everywhere_and_decays(demo_of):
    s = demo_of(NAME).sensitivity["rnn"]
    assert np.all(s > 0)
    assert s[0] < 1e-6 * s[-1]


def test_demonstrated_stages_are_T_against_log_T(demo_of):
    demo = demo_of(NAME)
    np.testing.assert_array_equal(demo.stages["rnn"], m.STAGE_LENGTHS)
    assert list(demo.stages["tcn"]) == [m.sequential_stages(T)[1] for T in m.STAGE_LENGTHS]
    assert demo.stages["tcn"].max() <= 11


def test_work_is_linear_in_T_for_the_rnn_and_T_times_L_for_the_tcn(demo_of):
    demo = demo_of(NAME)
    T = np.array(m.STAGE_LENGTHS)
    H, D = m.TIMING_HIDDEN, 2
    np.testing.assert_array_equal(demo.macs["rnn"], T * (H * D + H * H) + H)
    per_step = (demo.macs["tcn"] - m.TCN.channels) / T  # without the read-out
    L, C, k = demo.stages["tcn"], m.TCN.channels, m.TCN.kernel
    assert np.all(np.diff(per_step) > 0)  # more levels for longer sequences ...
    assert np.all((per_step >= (L - 1) * C * C) & (per_step <= L * k * C * C))  # ... ∝ L


def test_parameter_counts_quoted_on_the_page(demo_of):
    # The page types these: exact, from the sizes alone.
    demo = demo_of(NAME)
    assert [demo.runs[k][0]["parameters"] for k in m.MODELS] == [3297, 2241, 1153]
    assert demo.timing_parameters["rnn"][0] == 3361  # the timed RNN, H = 56
    at_100 = m.STAGE_LENGTHS.index(100)
    assert demo.timing_parameters["tcn"][at_100] == 3297  # the 7-level TCN


def test_the_tcn_does_more_work_than_the_rnn_from_T_200_on(demo_of):
    demo = demo_of(NAME)
    more = [bool(t > r) for t, r in zip(demo.macs["tcn"], demo.macs["rnn"], strict=True)]
    assert more == [T >= 200 for T in m.STAGE_LENGTHS]


def test_numbers_are_the_measured_values(demo_of):
    demo = demo_of(NAME)
    n = m.numbers(demo)
    assert n["tcn_wide_mse_1"].value == demo.runs["tcn_wide"][1]["test_mse"]
    assert n["floor_short"].value == cnn_vs_rnn.adding_floor(m.SEQ_LEN, 32)
    assert (n["tcn_wide_zeros"].value, n["tcn_short_zeros"].value) == (72, 168)
    assert n["rnn_sens_first"].value == demo.sensitivity["rnn"][0]
    assert n["ms_rnn_batch_2000"].value == demo.timing[-1]["tanh_B"] * 1e3
    assert str(n["floor_short"]) in m.summarize(demo)
