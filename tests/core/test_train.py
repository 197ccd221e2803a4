"""The training loop: records, clipping, and a clean stop when training diverges."""

import numpy as np
import pytest

from qa.core import optim, tasks
from qa.core.model import SequenceModel
from qa.core.train import train


def test_a_diverging_run_stops_at_the_step_it_blew_up_without_warnings():
    # Gradient descent with a step too large for f(w) = w⁴ overshoots further every step.
    def objective(p, step):
        return float(np.sum(p["w"] ** 4)), {"w": 4 * p["w"] ** 3}

    result = train(objective, {"w": np.array([3.0])}, optim.SGD(lr=1.0), steps=50)
    assert result.diverged
    assert result.stop_reason.startswith("non-finite")
    stopped_at = int(result.stop_reason.rsplit(" ", 1)[1])
    assert result.steps == stopped_at - 1 == len(result.losses) == len(result.grad_norms)
    assert np.all(np.isfinite(result.losses))


def test_a_non_finite_gradient_is_reported_as_such():
    def objective(p, step):
        return 1.0, {"w": np.array([np.nan]) if step == 2 else np.array([1.0])}

    result = train(objective, {"w": np.array([0.0])}, optim.SGD(0.1), steps=10)
    assert result.stop_reason == "non-finite gradient at step 3"
    assert result.steps == 2


def test_records_the_loss_and_the_gradient_norm_before_clipping():
    def objective(p, step):
        return float(p["w"] @ p["w"]), {"w": 2 * p["w"]}

    result = train(objective, {"w": np.array([3.0, 4.0])}, optim.SGD(0.1), steps=3, clip_norm=1.0)
    assert result.grad_norms[0] == pytest.approx(10.0)  # ‖2w‖, not the clipped 1.0
    assert np.linalg.norm(result.params["w"]) == pytest.approx(5.0 - 3 * 0.1)
    assert result.stop_reason is None and not result.diverged


def test_an_lstm_learns_the_adding_problem_at_a_short_length():
    rng = np.random.default_rng(0)
    model = SequenceModel(cell="lstm", readout="last", loss="mse")
    params = model.init(rng, 2, 16, 1)

    def objective(p, step):
        xs, y = tasks.adding_problem(rng, 15, 32)
        return model.loss_and_grads(p, xs, y)

    result = train(objective, params, optim.Adam(lr=1e-2), steps=300, clip_norm=1.0)
    xs, y = tasks.adding_problem(np.random.default_rng(1), 15, 1000)
    test_mse = float(np.mean((model.predict(result.params, xs) - y) ** 2))
    assert test_mse < 0.1 * tasks.ADDING_TRIVIAL_MSE


def test_progress_is_reported_and_bad_arguments_are_refused():
    seen = []
    objective = lambda p, step: (0.0, {"w": np.zeros(1)})  # noqa: E731
    train(objective, {"w": np.zeros(1)}, optim.SGD(0.1), steps=4, progress=seen.append)
    assert seen == [0.25, 0.5, 0.75, 1.0]
    with pytest.raises(ValueError, match="steps: expected an integer"):
        train(objective, {"w": np.zeros(1)}, optim.SGD(0.1), steps=-1)
    with pytest.raises(ValueError, match="at most one of them"):
        train(objective, {"w": np.zeros(1)}, optim.SGD(0.1), steps=1, clip_norm=1.0, clip_value=1.0)


def test_on_step_sees_each_update_before_it_and_may_replace_the_gradients():
    from qa.core.optim import SGD
    from qa.core.train import train

    seen = []

    def objective(p, step):
        return float(p["w"] @ p["w"]), {"w": 2 * p["w"]}

    def on_step(s):
        seen.append((s.index, s.params["w"].copy(), s.loss, s.norm))
        return {"w": np.zeros_like(s.grads["w"])} if s.index == 1 else None  # skip update 2

    result = train(objective, {"w": np.array([1.0, 0.0])}, SGD(lr=0.25), 3, on_step=on_step)
    assert [i for i, *_ in seen] == [0, 1, 2]
    np.testing.assert_array_equal(seen[0][1], [1.0, 0.0])
    np.testing.assert_array_equal(seen[1][1], [0.5, 0.0])  # after one plain step
    np.testing.assert_array_equal(seen[2][1], [0.5, 0.0])  # the replaced step did nothing
    assert seen[0][3] == 2.0 and result.steps == 3


def test_after_step_sees_the_new_parameters_and_can_stop_the_run():
    from qa.core.optim import SGD
    from qa.core.train import train

    after = []

    def stop_when_small(s, params):
        after.append(float(params["w"][0]))
        return params["w"][0] < 0.3

    result = train(
        lambda p, step: (float(p["w"] @ p["w"]), {"w": 2 * p["w"]}),
        {"w": np.array([1.0])},
        SGD(lr=0.25),
        10,
        after_step=stop_when_small,
    )
    assert after == [0.5, 0.25] and result.steps == 2
    assert result.stop_reason == "stopped by after_step at step 2" and not result.diverged
