"""The `due`, `stats`, `undo`, `export` and `settings` commands, errors, and argument fuzzing."""

from __future__ import annotations

import hashlib
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qa.quiz.store import DB_NAME, SCHEMA_VERSION, Store

from .test_session import SEED, lines, right_answers


def test_due_counts_new_cards_before_any_session(dl500, isolated):
    run = dl500("due")
    assert run.status == 0
    assert run.out == "8 cards due: 0 to review, 8 new. Run 'dl500 quiz'.\n"
    assert not (isolated / DB_NAME).exists()  # asking does not create the database


def test_due_respects_the_new_card_setting(dl500, isolated):
    assert dl500("settings", "new", "3").status == 0
    assert json.loads(dl500("due", "--json").out) == {
        "due": 3,
        "review": 0,
        "new": 3,
        "never_studied": 8,
    }


def test_due_quiet_prints_only_the_number(dl500):
    assert dl500("due", "-q").out == "8\n"


def test_stats_before_and_after_a_session(dl500):
    assert "No card studied yet" in dl500("stats").out
    dl500("quiz", "--question", "6.9", stdin=lines("", "1", "f", "a"))
    run = dl500("stats")
    assert run.status == 0
    assert "today 3, last 7 days 3, in all 3" in run.out
    weakest = run.out.split("Weakest cards")[1].splitlines()[1]
    assert "6.9-fixture-recall" in weakest  # the one failed
    assert "docs/answers/q6_09_bptt.md#the-math" in weakest


def test_stats_json_is_one_document(dl500):
    dl500("quiz", "--seed", str(SEED), stdin=lines(*right_answers()))
    data = json.loads(dl500("stats", "--json").out)
    assert data["reviews"]["total"] == 8
    assert data["cards"] == {"total": 8, "new": 0, "learning": 0, "review": 8}
    assert [q["id"] for q in data["weakest_questions"]] in (["6.8", "6.9"], ["6.9", "6.8"])
    assert data["forecast"][0].keys() == {"date", "due"}


def test_undo_takes_back_the_last_answer_and_then_the_one_before(dl500, isolated):
    dl500("quiz", "--question", "6.9", stdin=lines("", "3", "f"))
    assert dl500("due", "-q").out == "6\n"
    run = dl500("undo")
    assert run.status == 0
    assert "Took back your answer to 6.9-fixture-truefalse (right" in run.out
    assert dl500("due", "-q").out == "7\n"
    assert json.loads(dl500("undo", "--json").out)["undone"]["card_id"] == "6.9-fixture-recall"
    assert dl500("due", "-q").out == "8\n"
    assert dl500("undo").out == "Nothing to undo.\n"


def test_export_json_holds_the_whole_review_log(dl500, tmp_path):
    dl500("quiz", "--question", "6.9", stdin=lines("", "3", "f"))
    dl500("undo")
    target = tmp_path / "progress.json"
    run = dl500("export", "--json", str(target))
    assert run.status == 0 and "wrote your progress (2 reviews)" in run.err
    document = json.loads(target.read_text())
    assert [r["undone"] for r in document["reviews"]] == [False, True]
    assert document["cards"][0]["fsrs"]["card_id"] > 0
    assert document["settings"] == {"retention": 0.9, "new": 20}


def test_export_json_to_stdout(dl500):
    run = dl500("export", "--json", "-")
    assert json.loads(run.out)["reviews"] == []


def test_export_anki_writes_a_package_of_the_cards(dl500, tmp_path):
    import sqlite3
    import zipfile

    target = tmp_path / "cards.apkg"
    run = dl500("export", "--anki", str(target))
    assert run.status == 0 and "wrote 12 notes for Anki" in run.err  # 6 cards, 2 numeric × 3
    with zipfile.ZipFile(target) as z:
        (tmp_path / "c.anki2").write_bytes(z.read("collection.anki2"))
    with sqlite3.connect(tmp_path / "c.anki2") as con:
        notes = [row[0].split("\x1f") for row in con.execute("select flds from notes")]
    cards = {note[5]: note for note in notes}
    assert r"\(h_t = \tanh(U x_t + W h_{t-1} + b)\)" in cards["6.8-fixture-recall"][1]
    assert "the numbers change at every review" in cards["6.8-fixture-count#1"][1]


def test_export_needs_a_target(dl500):
    run = dl500("export")
    assert run.status == 2 and "--json FILE ('-' for stdout) and/or --anki FILE.apkg" in run.err


def test_export_to_an_unwritable_place_is_a_clear_error(dl500, tmp_path):
    run = dl500("export", "--json", str(tmp_path / "missing-dir" / "x.json"))
    assert run.status == 1 and "cannot write" in run.err and "Traceback" not in run.err


def test_settings_show_and_change(dl500):
    assert "retention = 0.9" in dl500("settings").out
    assert dl500("settings", "retention", "0.85").status == 0
    assert json.loads(dl500("settings", "--json").out) == {"retention": 0.85, "new": 20}
    run = dl500("settings", "retention", "2")
    assert run.status == 2 and "between 0.7 and 0.97" in run.err
    assert dl500("settings", "colour", "1").status == 2


@pytest.mark.parametrize(
    "command", [["quiz"], ["due"], ["stats"], ["undo"], ["export", "--json", "-"], ["settings"]]
)
def test_a_damaged_database_gives_a_clear_message_and_exit_1(dl500, isolated, command):
    isolated.mkdir(parents=True)
    path = isolated / DB_NAME
    path.write_bytes(b"not a database\n" * 100)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    run = dl500(*command)
    assert run.status == 1
    assert "damaged or not a dl500 database" in run.err and "left untouched" in run.err
    assert "Traceback" not in run.err
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


@pytest.mark.parametrize("command", [["quiz"], ["due"], ["stats"], ["undo"]])
def test_a_newer_database_gives_a_clear_message_and_exit_1(dl500, isolated, command):
    import sqlite3

    Store.open().close()
    path = isolated / DB_NAME
    con = sqlite3.connect(path)
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    con.close()
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    run = dl500(*command)
    assert run.status == 1 and "newer dl500-rnn" in run.err
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["quiz", "--question", "6.99"], "did you mean 6.9?"),
        (["quiz", "--tag", "lstn"], "did you mean lstm?"),
        (["quiz", "--new", "-1"], "expected a number ≥ 0"),
        (["quiz", "--limit", "0"], "expected a number ≥ 1"),
        (["quiz", "--retention", "0.3"], "between 0.7 and 0.97"),
        (["quiz", "--retention", "high"], "expected a number such as 0.9"),
        (["due", "-q", "--json"], "not allowed with"),
    ],
)
def test_bad_arguments_are_usage_errors(dl500, argv, message):
    run = dl500(*argv)
    assert run.status == 2
    assert message in run.err


ARG_WORDS = [
    "quiz",
    "due",
    "stats",
    "undo",
    "export",
    "settings",
    "--question",
    "--tag",
    "--new",
    "--limit",
    "--exam",
    "--retention",
    "--seed",
    "--json",
    "--anki",
    "-q",
    "6.8",
    "6.9b",
    "bptt",
    "0",
    "-1",
    "0.9",
    "1e9",
    "retention",
    "new",
    "-",
    "x.txt",
    "",
    "--",
    "--help",
]


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    argv=st.lists(
        st.one_of(
            st.sampled_from(ARG_WORDS),
            st.text(alphabet=st.characters(blacklist_characters="/\x00"), max_size=12),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_no_command_line_ends_in_a_traceback(dl500, tmp_path, monkeypatch, argv):
    monkeypatch.chdir(tmp_path)
    run = dl500(*argv, stdin="")
    assert run.status in (0, 1, 2), (argv, run.err)
    assert "Traceback" not in run.err


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    answers=st.lists(
        st.text(max_size=20).filter(lambda s: "\n" not in s and "\r" not in s), max_size=25
    )
)
def test_no_typed_answers_end_in_a_traceback(dl500, answers):
    run = dl500("quiz", "--exam", "--seed", "3", stdin=lines(*answers))
    assert run.status == 0, run.err
    assert "Traceback" not in run.err
    assert "answer" in run.out
