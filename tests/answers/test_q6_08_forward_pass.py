"""6.8: the forward pass computes what the equations say, and the trained network shows it."""

import numpy as np
import pytest

from qa.answers import q6_08_forward_pass as m
from qa.core import init, tasks

NAME = "qa.answers.q6_08_forward_pass"


def test_forward_pass_follows_the_equations_step_by_step(rng):
    params = {**init.rnn_params(rng, 7, 5), **init.output_params(rng, 5, 7)}
    params["b"] = rng.standard_normal(5)
    params["c"] = rng.standard_normal(7)
    xs, _ = tasks.encode_symbols(["BTBTXSETE", "BPBPVVEPE"])
    out = m.forward_pass(params, xs)
    h = np.zeros((2, 5))
    for t in range(xs.shape[0]):
        h = np.tanh(xs[t] @ params["U"].T + h @ params["W"].T + params["b"])
        o = h @ params["V"].T + params["c"]
        y = np.exp(o) / np.exp(o).sum(axis=1, keepdims=True)
        np.testing.assert_allclose(out.hs[t], h, rtol=1e-12)
        np.testing.assert_allclose(out.os[t], o, rtol=1e-12)
        np.testing.assert_allclose(out.probs[t], y, rtol=1e-12)


def test_sequence_loss_is_the_summed_negative_log_likelihood(rng):
    probs = rng.dirichlet(np.ones(4), size=(3, 2))
    targets = np.array([[0, 1], [2, 3], [1, -1]])
    expected = (
        -(
            np.log(probs[0, 0, 0])
            + np.log(probs[1, 0, 2])
            + np.log(probs[2, 0, 1])
            + np.log(probs[0, 1, 1])
            + np.log(probs[1, 1, 3])
        )
        / 2
    )
    assert m.sequence_loss(probs, targets) == pytest.approx(expected)


@pytest.mark.parametrize(("D", "H", "O"), [(1, 1, 1), (7, 16, 7), (300, 128, 10)])
def test_parameter_count_matches_the_engine(D, H, O, rng):
    params = {**init.rnn_params(rng, D, H), **init.output_params(rng, H, O)}
    assert m.parameter_count(D, H, O) == sum(p.size for p in params.values())


@pytest.mark.parametrize("seed", range(5))
def test_forward_macs_solver_matches_the_closed_form(seed):
    card = m.card_forward_macs(np.random.default_rng(seed))
    p = card["params"]
    assert card["answer"] == p["T"] * p["B"] * (p["H"] * p["D"] + p["H"] ** 2 + p["O"] * p["H"])


def test_trained_network_gets_close_to_the_grammar_floor(demo_of):
    demo = demo_of(NAME)
    assert demo.eval_losses[0] > 1.5  # untrained: close to ln 7 ≈ 1.95
    assert demo.eval_losses[-1] - demo.floor < 0.05
    assert demo.choice_accuracy > 0.98
    assert demo.linear_readout_accuracy > 0.9


def test_figure_rows_are_distributions_over_the_grammar(demo_of):
    demo = demo_of(NAME)
    np.testing.assert_allclose(demo.probs.sum(axis=1), 1.0)
    assert demo.probs.shape == demo.allowed.shape == (len(demo.string) - 1, 7)
    mass_inside = (demo.probs * demo.allowed).sum(axis=1)
    assert mass_inside.min() > 0.9  # the network bets on grammatical symbols at every step


def test_dl500_run_writes_every_figure(tmp_path, capsys):
    from qa.cli.main import main

    assert main(["run", "6.8", "--out", str(tmp_path), "--seed", "1"]) == 0
    written = sorted(p.name for p in (tmp_path / "q6_08_forward_pass").iterdir())
    assert written == sorted(f"{s.name}.svg" for s in m.FIGURES)
    assert "best achievable" in capsys.readouterr().out
