"""The progress database: schema, safety checks, the append-only log, undo, concurrency."""

from __future__ import annotations

import hashlib
import itertools
import json
import multiprocessing
import sqlite3
import time
from datetime import UTC, datetime

import pytest

from qa.quiz.store import (
    APPLICATION_ID,
    DB_NAME,
    SCHEMA_VERSION,
    Store,
    StoreError,
    database_path,
)


def review_row(card_id: str = "6.8-a", **extra) -> dict:
    row = {
        "session": "s",
        "card_id": card_id,
        "question_id": "6.8",
        "card_type": "recall",
        "mode": "study",
        "at": 1.0,
        "rating": 3,
        "correct": 1,
        "duration_ms": 10,
        "given": "x",
        "expected": {"answer": "a"},
        "params": None,
        "seed": None,
    }
    row.update(extra)
    return row


def fake_fsrs(n: int) -> str:
    return json.dumps(
        {
            "card_id": 1,
            "state": 2,
            "step": None,
            "stability": float(n),
            "difficulty": 5.0,
            "due": f"2026-01-{n:02d}T00:00:00+00:00",
            "last_review": "2026-01-01T00:00:00+00:00",
        }
    )


def bump(before: str | None) -> tuple[str, int, float, float]:
    """A stand-in for a review: stability counts the reviews."""
    n = 1 if before is None else int(json.loads(before)["stability"]) + 1
    return fake_fsrs(n), 2, due_of(n), 1.0


def due_of(n: int) -> float:
    return datetime(2026, 1, n, tzinfo=UTC).timestamp()


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_database_lives_in_dl500_home(isolated):
    assert database_path() == isolated / DB_NAME


def test_without_dl500_home_it_lives_in_the_user_data_directory(monkeypatch, tmp_path):
    monkeypatch.delenv("DL500_HOME")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert database_path() == tmp_path / "xdg" / "dl500-rnn" / DB_NAME


def test_a_new_database_gets_the_schema_wal_and_our_marks(isolated):
    with Store.open() as store:
        con = store.con
        assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert con.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_read_only_open_of_a_missing_database_creates_nothing(isolated):
    assert Store.open(write=False) is None
    assert not (isolated / DB_NAME).exists()


def test_the_review_log_is_append_only(isolated):
    with Store.open() as store:
        store.record(review_row(), bump)
        for sql in ("UPDATE review SET rating = 4", "DELETE FROM review"):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                store.con.execute(sql)


def test_undo_restores_the_state_before_each_answer_in_turn(isolated):
    with Store.open() as store:
        for _ in range(3):
            store.record(review_row(), bump)
        assert json.loads(store.cards()["6.8-a"].fsrs)["stability"] == 3
        store.undo_last()
        assert json.loads(store.cards()["6.8-a"].fsrs)["stability"] == 2
        assert store.cards()["6.8-a"].due == due_of(2)
        store.undo_last()
        store.undo_last()
        assert store.cards() == {}  # the card was new before its first answer
        assert store.undo_last() is None
        assert [r["undone"] for r in store.reviews()] == [True, True, True]


def test_undo_of_an_exam_answer_leaves_the_schedule_alone(isolated):
    with Store.open() as store:
        store.record(review_row(), bump)
        store.record(review_row(mode="exam"), None)
        before = store.cards()
        undone = store.undo_last()
        assert undone is not None and undone["mode"] == "exam"
        assert store.cards() == before


def test_an_exception_inside_an_answer_rolls_it_back_whole(isolated):
    def broken(before):
        raise KeyboardInterrupt

    with Store.open() as store:
        store.record(review_row(), bump)
        with pytest.raises(KeyboardInterrupt):
            store.record(review_row(), broken)
        assert len(store.reviews()) == 1
        assert json.loads(store.cards()["6.8-a"].fsrs)["stability"] == 1


@pytest.mark.parametrize(
    "content",
    [b"this is not a database at all" * 40, b"SQLite format 3\x00" + b"\xff" * 4000],
    ids=["text", "mangled-sqlite"],
)
def test_a_damaged_file_is_refused_and_left_untouched(isolated, content):
    isolated.mkdir(parents=True)
    path = isolated / DB_NAME
    path.write_bytes(content)
    for write in (True, False):
        with pytest.raises(StoreError, match=r"damaged or not a dl500 database.*untouched"):
            Store.open(write=write)
    assert path.read_bytes() == content


def test_a_database_with_a_corrupt_page_is_refused_and_left_untouched(isolated):
    with Store.open() as store:
        for i in range(300):
            store.record(review_row(f"6.8-card-{i}", given="x" * 200), bump)
    path = isolated / DB_NAME
    data = bytearray(path.read_bytes())
    page_size = 4096
    data[3 * page_size : 3 * page_size + 64] = b"\xa5" * 64  # scribble over a b-tree page
    path.write_bytes(bytes(data))
    before = digest(path)
    with pytest.raises(StoreError, match="damaged"):
        Store.open()
    assert digest(path) == before


def test_a_database_from_a_newer_version_is_refused_and_left_untouched(isolated):
    Store.open().close()
    path = isolated / DB_NAME
    with sqlite3.connect(path) as con:
        con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    con.close()
    before = digest(path)
    with pytest.raises(StoreError, match=r"newer dl500-rnn.*untouched"):
        Store.open()
    assert digest(path) == before


def test_another_programs_database_is_refused(isolated):
    isolated.mkdir(parents=True)
    path = isolated / DB_NAME
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE notes (x)")
    con.close()
    before = digest(path)
    with pytest.raises(StoreError, match="another program"):
        Store.open()
    assert digest(path) == before


def test_an_empty_file_becomes_a_fresh_database(isolated):
    isolated.mkdir(parents=True)
    (isolated / DB_NAME).write_bytes(b"")
    with Store.open() as store:
        assert store.cards() == {}


def test_settings_are_validated_and_persist(isolated):
    with Store.open() as store:
        assert store.settings() == {"retention": 0.9, "new": 20}
        store.set_setting("retention", "0.85")
        store.set_setting("new", "5")
        for name, bad in [
            ("retention", "0.5"),
            ("retention", "x"),
            ("new", "2.5"),
            ("new", "-1"),
            ("colour", "1"),
        ]:
            with pytest.raises(ValueError):
                store.set_setting(name, bad)
    with Store.open() as store:
        assert store.settings() == {"retention": 0.85, "new": 5}


def _writer(home: str, worker: int, count: int, barrier) -> None:
    import os

    os.environ["DL500_HOME"] = home
    with Store.open() as store:
        barrier.wait(30)  # both processes write at the same time
        for i in range(count):
            store.record(review_row("6.8-shared", session=f"w{worker}", given=str(i)), bump)
            time.sleep(0.01)  # a learner reading the feedback


def test_two_processes_answering_at_once_lose_nothing(isolated):
    Store.open().close()
    count = 14
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    workers = [
        context.Process(target=_writer, args=(str(isolated), w, count, barrier)) for w in (1, 2)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    with Store.open() as store:
        reviews = store.reviews()
        assert len(reviews) == 2 * count
        # Each answer saw the state the previous one left: the chain has no gaps or forks.
        assert json.loads(store.cards()["6.8-shared"].fsrs)["stability"] == 2 * count
        for earlier, later in itertools.pairwise(reviews):
            assert later["card_before"] == earlier["card_after"]
        switches = sum(a["session"] != b["session"] for a, b in itertools.pairwise(reviews))
        assert switches >= 2, "the two sessions did not overlap"
        assert store.con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
