"""6.9: the five-step BPTT is right, each kept mistake is caught, and each unrolled term checks."""

import numpy as np
import pytest

from qa.answers import q6_09_bptt as m
from qa.core import init, losses, rnn
from qa.core.gradcheck import check_gradients, numerical_gradient
from qa.core.model import SequenceModel

NAME = "qa.answers.q6_09_bptt"
WRONG = [v for v in m.VARIANTS if v != "correct"]
RECURRENT = ("U", "W", "b")
T, B, D, H, O = 5, 2, 3, 4, 3


def _problem(seed):
    rng = np.random.default_rng(seed)
    params = {**init.rnn_params(rng, D, H), **init.output_params(rng, H, O)}
    params["b"] = 0.2 * rng.standard_normal(H)
    params["c"] = 0.2 * rng.standard_normal(O)
    xs = rng.standard_normal((T, B, D))
    targets = rng.integers(0, O, size=(T, B))
    return params, xs, targets, np.zeros((B, H))


def _check(params, xs, targets, h0, variant):
    grads = m.bptt(params, xs, targets, h0, variant)
    return check_gradients(
        lambda p: m.sequence_loss(p, xs, targets, h0), params, grads, order=2, step=1e-5
    )


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_five_steps_agree_with_the_engine(seed):
    params, xs, targets, h0 = _problem(seed)
    model = SequenceModel(cell="rnn", readout="all", loss="ce", time_reduction="sum")
    loss, expected = model.loss_and_grads(params, xs, targets)
    assert m.sequence_loss(params, xs, targets, h0) == pytest.approx(loss, rel=1e-14)
    grads = m.bptt(params, xs, targets, h0)
    for k in m.PARAMS:
        np.testing.assert_allclose(grads[k], expected[k], rtol=1e-11, atol=1e-14, err_msg=k)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_correct_bptt_passes_the_finite_difference_check(seed):
    errors = _check(*_problem(seed), "correct")
    assert max(errors.values()) < 1e-7


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("variant", WRONG)
def test_kept_mistake_fails_the_check_in_the_recurrent_parameters(variant, seed):
    errors = _check(*_problem(seed), variant)
    for k in RECURRENT:
        assert errors[k] > 1e-2, (variant, k, errors[k])


@pytest.mark.parametrize("variant", WRONG)
def test_kept_mistake_leaves_the_output_layer_correct(variant):
    errors = _check(*_problem(0), variant)
    assert errors["V"] < 1e-7 and errors["c"] < 1e-7


def test_misordered_jacobian_is_only_wrong_because_the_factors_do_not_commute():
    params, xs, targets, h0 = _problem(0)
    params["W"] = np.diag([0.9, -0.5, 0.3, 0.7])  # diag(1 - h²) W = W diag(1 - h²)
    right = m.bptt(params, xs, targets, h0)
    wrong = m.bptt(params, xs, targets, h0, "w-diag-order")
    for k in m.PARAMS:
        np.testing.assert_allclose(wrong[k], right[k], rtol=1e-12, atol=1e-15)


def test_total_derivative_variant_is_the_unrolled_formula_read_with_total_derivatives():
    # Σ_t Σ_k (∂L_t/∂h_k) · (d h_k/dθ), with d h_k/dθ through every earlier use (engine BPTT).
    params, xs, targets, h0 = _problem(1)
    cell = {k: params[k] for k in RECURRENT}
    hs, _ = rnn.forward(cell, xs, h0)
    logits = hs @ params["V"].T + params["c"]
    eps = m.output_error(losses.softmax(logits), targets)
    expected = {k: np.zeros_like(cell[k]) for k in RECURRENT}
    for t in range(T):
        for k in range(t + 1):
            g = eps[t] @ params["V"]  # ∂L_t/∂h at step t (rows: batch)
            for j in range(t, k, -1):
                g = (g * (1 - hs[j] ** 2)) @ params["W"]
            dhs = np.zeros((k + 1, B, H))
            dhs[k] = g
            grads, _, _ = rnn.backward(dhs, rnn.forward(cell, xs[: k + 1], h0)[1])
            for name in RECURRENT:
                expected[name] += grads[name]
    wrong = m.bptt(params, xs, targets, h0, "total-derivative")
    for name in RECURRENT:
        np.testing.assert_allclose(wrong[name], expected[name], rtol=1e-10, atol=1e-13)


def test_unknown_variant_is_a_clear_error():
    with pytest.raises(ValueError, match="variant: expected one of"):
        m.bptt(*_problem(0), "transposed")


def test_step_jacobian_matches_finite_differences(rng):
    params = init.rnn_params(rng, D, H, recurrent="gaussian", recurrent_scale=1.3)
    x, h_prev = rng.standard_normal((1, D)), rng.standard_normal((1, H))
    h, _ = rnn.step_forward(params, x, h_prev)
    numeric = np.stack(
        [
            numerical_gradient(
                lambda v, a=a: float(rnn.step_forward(params, x, v)[0][0, a]), h_prev
            )[0]
            for a in range(H)
        ]
    )
    np.testing.assert_allclose(m.step_jacobian(h[0], params["W"]), numeric, rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_unrolled_terms_sum_to_the_last_step_gradient(seed):
    rng = np.random.default_rng(seed)
    params = {**init.rnn_params(rng, D, H), **init.output_params(rng, H, O)}
    xs, h0 = rng.standard_normal((8, 1, D)), np.tanh(rng.standard_normal((1, H)))
    terms, factors = m.unrolled_terms(params, xs, 2, h0)
    expected = m._engine_last_step_grad(params, xs, 2, h0)
    np.testing.assert_allclose(terms.sum(axis=0), expected, rtol=1e-11, atol=1e-14)
    assert factors == 8 * 7 // 2


@pytest.mark.parametrize("seed", range(6))
def test_scalar_linear_card_is_T_w_to_the_T_minus_1_times_h0(seed):
    card = m.card_scalar_linear_bptt(np.random.default_rng(seed))
    p = card["params"]
    assert p["h0"] in (0.5, 1.0, 2.0) and p["w"] in (0.5, 0.8, 0.9, 1.1, 1.2, 1.5)
    assert 3 <= p["T"] <= 8
    assert card["answer"] == pytest.approx(p["T"] * p["w"] ** (p["T"] - 1) * p["h0"], rel=1e-12)


@pytest.mark.parametrize("seed", range(6))
def test_naive_jacobian_count_card_is_t_times_t_minus_1_over_2(seed):
    card = m.card_naive_jacobian_count(np.random.default_rng(seed))
    t = card["params"]["t"]
    assert 3 <= t <= 30
    assert card["answer"] == t * (t - 1) / 2


def test_demonstration_correct_bptt_is_far_below_tolerance(demo_of):
    # The page states "below 1e-8 on every machine". The errors are the truncation error of the
    # step-1e-5 central difference plus rounding, 7e-11 to 3.1e-10 under every kernel we tried.
    errors = demo_of(NAME).errors["correct"]
    assert max(errors.values()) < 1e-8


@pytest.mark.parametrize("variant", WRONG)
def test_demonstration_mistakes_miss_by_order_one_in_U_W_b_only(variant, demo_of):
    errors = demo_of(NAME).errors
    for k in RECURRENT:
        assert errors[variant][k] > 0.1
    for k in ("V", "c"):
        assert errors[variant][k] == errors["correct"][k]


def test_demonstration_each_term_matches_its_own_copy(demo_of):
    # The page and the alt text state these two bounds as what holds on every machine. The term
    # errors are rounding in the five-point difference (step 1e-3), of the order of
    # eps · L_T / step / ‖term_1‖ ≈ 6e-10 at k = 1, and 1.5e-10 to 1.7e-10 under the kernels we
    # tried: 1e-8 keeps a margin of ten or more. The sum is exact up to rounding, about 1e-15.
    demo = demo_of(NAME)
    assert demo.term_errors.max() < 1e-8
    assert demo.terms_vs_engine < 1e-12
    np.testing.assert_allclose(demo.term_norms, demo.numeric_norms, rtol=1e-6)


def test_demonstration_terms_shrink_with_distance(demo_of):
    norms = demo_of(NAME).term_norms  # index k - 1; W = 0.9·Q
    assert norms[0] < 0.1 * norms[-1]
    assert norms[: len(norms) // 2].max() < norms[len(norms) // 2 :].min()


@pytest.mark.parametrize("T", [1, 2, 5, 9])
def test_naive_factor_count_is_the_sum_of_unrolled_terms_counts_and_cubic(T):
    rng = np.random.default_rng(T)
    params = {**init.rnn_params(rng, 1, 2), **init.output_params(rng, 2, 2)}
    xs = rng.standard_normal((T, 1, 1))
    counted = sum(m.unrolled_terms(params, xs[:t], 0, np.zeros((1, 2)))[1] for t in range(1, T + 1))
    assert counted == m.naive_jacobian_factors(T) == (T**3 - T) // 6
