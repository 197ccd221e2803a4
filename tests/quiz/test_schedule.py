"""The FSRS layer: learning steps, desired retention, the forgetting curve."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from qa.quiz.schedule import Rating, retrievability, review, scheduler

T0 = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("rating", "state", "minutes"),
    [(Rating.AGAIN, 1, 10), (Rating.HARD, 1, 15)],
)
def test_a_shaky_new_card_comes_back_within_the_session(rating, state, minutes):
    after = review(scheduler(0.9, fuzz=False), None, 1, rating, T0)
    assert after.state == state
    assert after.due - T0 == timedelta(minutes=minutes)


@pytest.mark.parametrize("rating", [Rating.GOOD, Rating.EASY])
def test_a_known_new_card_goes_straight_to_review_days_later(rating):
    after = review(scheduler(0.9, fuzz=False), None, 1, rating, T0)
    assert after.state == 2
    assert after.due_in_days(T0) >= 1


def test_a_lapse_in_review_relearns_in_ten_minutes():
    sched = scheduler(0.9, fuzz=False)
    card = review(sched, None, 1, Rating.GOOD, T0)
    later = card.due + timedelta(days=1)
    lapsed = review(sched, card.fsrs_json, 1, Rating.AGAIN, later)
    assert lapsed.state == 3
    assert lapsed.due - later == timedelta(minutes=10)


def history_interval(retention: float) -> float:
    sched = scheduler(retention, fuzz=False)
    card, now = None, T0
    for _ in range(4):
        reviewed = review(sched, card, 1, Rating.GOOD, now)
        card, now = reviewed.fsrs_json, reviewed.due
    return reviewed.due_in_days(reviewed.last_review)


def test_a_higher_desired_retention_gives_shorter_intervals():
    assert history_interval(0.95) < history_interval(0.9) < history_interval(0.8)


def test_review_returns_a_new_state_and_leaves_the_old_one_alone():
    sched = scheduler(0.9, fuzz=False)
    first = review(sched, None, 1, Rating.GOOD, T0)
    snapshot = first.fsrs_json
    review(sched, first.fsrs_json, 1, Rating.AGAIN, first.due)
    assert first.fsrs_json == snapshot


def test_recall_probability_is_ninety_percent_after_one_stability():
    sched = scheduler(0.9, fuzz=False)
    card = review(sched, None, 1, Rating.GOOD, T0)
    stability = json.loads(card.fsrs_json)["stability"]
    assert retrievability(sched, card.fsrs_json, T0) == pytest.approx(1.0)
    at_s = T0 + timedelta(days=stability)
    assert retrievability(sched, card.fsrs_json, at_s) == pytest.approx(0.9, abs=1e-9)
    hours = [retrievability(sched, card.fsrs_json, T0 + timedelta(hours=h)) for h in (1, 5, 25)]
    assert hours == sorted(hours, reverse=True)
    assert hours[0] < 1.0  # not rounded to whole days
