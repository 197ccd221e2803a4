"""`dl500 quiz` driven in-process through piped stdin, against the fixture bank."""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from qa.quiz.bank import load_bank
from qa.quiz.session import MAX_SHOWS, Options, Session
from qa.quiz.store import Store

from .conftest import FIXTURE_BANK, numeric_answer

SEED = 7
ORDER = [  # the fixture bank's cards, in the order a first session asks them
    "6.8-fixture-recall",
    "6.8-fixture-choice",
    "6.8-fixture-truefalse",
    "6.8-fixture-count",
    "6.8-fixture-tanh",
    "6.9-fixture-recall",
    "6.9-fixture-truefalse",
    "6.9-fixture-choice",
]


def right_answers(seed: int = SEED) -> list[str]:
    """One right answer per card of a first session, as lines to pipe in."""
    return [
        "my attempt",
        "3",  # recall: an attempt, then the self-grade
        "b",
        "false",
        f"{numeric_answer('6.8-fixture-count', seed):,.0f}",  # with a thousands comma
        f"{numeric_answer('6.8-fixture-tanh', seed):.4f}",
        "",
        "good",  # recall: no attempt (Enter), grade as a word
        "f",
        "a",
    ]


def lines(*answers: str) -> str:
    return "".join(f"{a}\n" for a in answers)


def db_rows(home, sql):
    with sqlite3.connect(home / "progress.sqlite3") as con:
        return con.execute(sql).fetchall()


def test_a_full_session_of_right_answers_saves_every_review(dl500, isolated):
    run = dl500("quiz", "--seed", str(SEED), stdin=lines(*right_answers()))
    assert run.status == 0, run.err
    assert run.out.count("✓") == len(ORDER)
    assert "✗" not in run.out
    assert "8 answers, 8 right (100%)" in run.out
    reviews = db_rows(isolated, "SELECT card_id, correct, mode FROM review ORDER BY id")
    assert reviews == [(card_id, 1, "study") for card_id in ORDER]
    assert dl500("due", "-q").out.strip() == "0"


def test_numeric_variants_are_stored_with_their_parameters(dl500, isolated):
    dl500("quiz", "--seed", str(SEED), stdin=lines(*right_answers()))
    rows = db_rows(
        isolated,
        "SELECT params, expected, seed, given FROM review WHERE card_id = '6.8-fixture-count'",
    )
    params, expected, seed, given = rows[0]
    params, expected = json.loads(params), json.loads(expected)
    D, H, O = params["D"], params["H"], params["O"]
    assert expected["value"] == H * D + H * H + H + O * H + O
    assert seed is not None
    assert given.replace(",", "") == str(int(expected["value"]))


def test_the_prompt_shows_the_drawn_parameters(dl500, isolated):
    run = dl500("quiz", "--seed", str(SEED), stdin=lines(*right_answers()))
    params = json.loads(
        db_rows(isolated, "SELECT params FROM review WHERE card_id = '6.8-fixture-count'")[0][0]
    )
    assert f"D = {params['D']}, H = {params['H']}, O = {params['O']}." in run.out


@pytest.mark.parametrize(
    ("card_index", "bad", "hint"),
    [
        (1, "z", "a letter a–c, a number 1–3"),
        (1, "4", "a letter a–c, a number 1–3"),
        (2, "maybe", "true or false"),
        (3, "lots", "a number such as 19200, 19,200, 1.92e4"),
        (3, "1,5", "use a point for decimals"),
        (0, "7", "1 again (forgot), 2 hard, 3 good or 4 easy"),
    ],
)
def test_an_invalid_answer_reprompts_with_the_accepted_forms(
    dl500, isolated, card_index, bad, hint
):
    answers = right_answers()
    position = {0: 1, 1: 2, 2: 3, 3: 4}[card_index]  # where that card's (last) answer goes
    answers.insert(position, bad)
    run = dl500("quiz", "--seed", str(SEED), stdin=lines(*answers))
    assert run.status == 0
    assert hint in run.out
    assert "8 answers, 8 right" in run.out  # the invalid line was not taken as an answer
    assert "Traceback" not in run.out + run.err


def test_wrong_answers_are_explained_and_the_card_returns_in_the_session(dl500, isolated):
    answers = right_answers()
    answers[2] = "a"  # the choice card, wrongly: sigmoid
    answers += ["c", "b"]  # it comes back at the end: wrong again, then right
    run = dl500("quiz", "--seed", str(SEED), stdin=lines(*answers))
    assert "✗ Wrong. The answer is b)" in run.out
    assert "Sigmoid squashes each output on its own" in run.out  # the option's own feedback
    assert run.out.count("once more") == 2
    ratings = db_rows(
        isolated, "SELECT rating FROM review WHERE card_id = '6.8-fixture-choice' ORDER BY id"
    )
    assert ratings == [(1,), (1,), (3,)]


def test_a_failed_card_is_not_asked_more_than_max_shows_times(dl500, isolated):
    run = dl500("quiz", "--new", "1", stdin=lines(*["", "1"] * (MAX_SHOWS + 2)))
    assert run.status == 0
    assert db_rows(isolated, "SELECT count(*) FROM review")[0][0] == MAX_SHOWS


def test_end_of_input_midway_keeps_the_answers_given(dl500, isolated):
    run = dl500("quiz", "--seed", str(SEED), stdin=lines(*right_answers()[:4]))
    assert run.status == 0
    assert "3 answers, 3 right" in run.out
    assert db_rows(isolated, "SELECT count(*) FROM review")[0][0] == 3
    assert dl500("due", "--json").out.strip() == json.dumps(
        {"due": 5, "review": 0, "new": 5, "never_studied": 5}
    )


def test_a_second_session_resumes_with_the_cards_not_yet_answered(dl500, isolated):
    dl500("quiz", "--seed", str(SEED), stdin=lines(*right_answers()[:4]))
    run = dl500("quiz", "--seed", str(SEED), stdin=lines("", "3"))
    assert "5 cards: 0 to review, 5 new." in run.out
    first = re.search(r"\[1/\d+\] (.*)\n(.*)", run.out)
    # The next unanswered card is numeric; a quick card goes first while NumPy loads.
    assert first is not None
    assert "6.9 · free recall · new" in first[1]
    assert "An RNN has D =" in run.out.split("[2/")[1]


def test_json_output_is_one_document_on_stdout_with_prompts_on_stderr(dl500, isolated):
    run = dl500("quiz", "--seed", str(SEED), "--json", stdin=lines(*right_answers()))
    document = json.loads(run.out)
    assert document["answered"] == 8 and document["correct"] == 8
    assert [a["card"] for a in document["answers"]] == ORDER
    assert document["answers"][3]["params"].keys() == {"D", "H", "O"}
    assert "answer (a–c) >" in run.err


def test_exam_mode_logs_answers_but_leaves_the_schedule_alone(dl500, isolated):
    run = dl500(
        "quiz", "--exam", "--limit", "3", "--seed", "1", stdin=lines("x", "3", "b", "t", "1", "4")
    )
    assert run.status == 0
    assert "schedule was not changed" in run.out
    assert db_rows(isolated, "SELECT count(*) FROM card")[0][0] == 0
    modes = db_rows(isolated, "SELECT DISTINCT mode FROM review")
    assert modes == [("exam",)]
    assert dl500("due", "-q").out.strip() == "8"


def test_only_the_selected_question_is_asked(dl500, isolated):
    run = dl500("quiz", "--question", "6.9", stdin=lines("", "3", "f", "a"))
    assert "3 answers, 3 right" in run.out
    assert {r[0] for r in db_rows(isolated, "SELECT question_id FROM review")} == {"6.9"}


def test_the_tag_filter_selects_questions_by_tag(dl500, isolated):
    run = dl500("quiz", "--tag", "bptt", "--exam", "--seed", "0", stdin="")
    assert "exam of 3 cards" in run.out  # 6.9 is tagged bptt; 6.8 is not


def test_the_new_card_limit_caps_a_session(dl500, isolated):
    run = dl500("quiz", "--new", "2", stdin=lines("", "3", "b"))
    assert "2 cards: 0 to review, 2 new." in run.out
    assert db_rows(isolated, "SELECT count(*) FROM review")[0][0] == 2


def test_nothing_due_says_when_the_next_card_is_due(dl500, isolated):
    dl500("quiz", "--question", "6.9", stdin=lines("", "3", "f", "a"))
    run = dl500("quiz", "--question", "6.9")
    assert run.status == 0
    assert "Nothing is due. The next card is due in 2 days" in run.out
    assert "dl500 quiz --exam" in run.out


@pytest.mark.parametrize(("typed", "shown"), [(":skip", "Skipped"), (":s", "Skipped")])
def test_skip_leaves_the_card_unanswered(dl500, isolated, typed, shown):
    run = dl500("quiz", "--question", "6.9", stdin=lines(typed, "f", "a"))
    assert shown in run.out
    assert [r[0] for r in db_rows(isolated, "SELECT card_id FROM review ORDER BY id")] == [
        "6.9-fixture-truefalse",
        "6.9-fixture-choice",
    ]


def test_undo_in_a_session_takes_back_the_answer_and_asks_again(dl500, isolated):
    run = dl500("quiz", "--question", "6.9", stdin=lines("", "1", ":undo", "", "4", "f", "a"))
    assert "Took back your answer to 6.9-fixture-recall" in run.out
    assert "3 answers, 3 right" in run.out
    rows = db_rows(isolated, "SELECT id, rating FROM review WHERE card_id = '6.9-fixture-recall'")
    assert [r[1] for r in rows] == [1, 4]
    undone = db_rows(isolated, "SELECT review_id FROM undone")
    assert undone == [(rows[0][0],)]


def test_quit_ends_the_session_with_a_summary(dl500, isolated):
    run = dl500("quiz", "--question", "6.9", stdin=lines("", "3", ":quit", "never read"))
    assert run.status == 0
    assert "1 answer, 1 right" in run.out


def test_help_lists_the_commands_and_the_accepted_forms(dl500, isolated):
    run = dl500("quiz", "--question", "6.9", stdin=lines("", "?"))
    assert ":undo" in run.out and ":skip" in run.out and ":quit" in run.out
    assert "1 again (forgot)" in run.out


def test_piped_output_has_no_colour_codes_and_marks_right_and_wrong_in_words(dl500, monkeypatch):
    monkeypatch.delenv("NO_COLOR")
    run = dl500("quiz", "--question", "6.9", stdin=lines("", "3", "t", "a"))
    assert "\033[" not in run.out
    assert "✓ Recalled." in run.out and "✗ Wrong: it is false." in run.out


def test_a_failing_solver_skips_its_card_with_a_warning(dl500, tmp_path, monkeypatch):
    bank = tmp_path / "bank"
    bank.mkdir()
    (bank / "q6_08_forward_pass.toml").write_text(
        (FIXTURE_BANK / "q6_08_forward_pass.toml").read_text()
    )
    (bank / "q6_08_forward_pass.py").write_text(
        "def card_parameter_count(rng):\n    raise RuntimeError('boom')\n"
        "def card_tanh(rng):\n    return {'params': {'x': 0.5}, 'answer': float('nan')}\n"
    )
    monkeypatch.setenv("DL500_BANK", str(bank))
    run = dl500("quiz", stdin=lines("", "3", "b", "f"))
    assert run.status == 0
    assert "raised RuntimeError: boom" in run.err
    assert "'answer' is nan" in run.err
    assert "3 answers, 3 right" in run.out


def test_a_card_failed_today_comes_back_first_and_a_known_one_waits(isolated, monkeypatch, capsys):
    import io
    import sys

    from qa.questions import get

    start = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    bank = load_bank(FIXTURE_BANK)
    monkeypatch.setattr(sys, "stdin", io.StringIO(lines("", "1", "f", "a")))
    with Store.open() as store:
        Session(bank, store, Options(questions=[get("6.9")]), clock=lambda: start).run()
        states = store.cards()
        ids = set(states)

        def due_ids(when: datetime) -> set[str]:
            return {cid for cid, row in states.items() if row.due <= when.timestamp()}

        assert due_ids(start + timedelta(hours=1)) == {"6.9-fixture-recall"}
        assert store.due_counts(ids, (start + timedelta(hours=1)).timestamp()) == (1, 0)
        assert due_ids(start + timedelta(days=30)) == ids
    capsys.readouterr()
