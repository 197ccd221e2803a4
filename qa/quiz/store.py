"""The progress database: one SQLite file with card states and an append-only review log.

Where: `$DL500_HOME/progress.sqlite3` when the environment variable `DL500_HOME` is set (the
tests always set it), else `progress.sqlite3` in the user data directory that `platformdirs`
gives for `dl500-rnn` (`~/.local/share/dl500-rnn` on Linux, honouring `XDG_DATA_HOME`).

Tables (schema version `SCHEMA_VERSION`, kept in `PRAGMA user_version`):

- `card` — the current FSRS state of every card seen in study mode, keyed by the card's
  string id, with its due time copied out for fast `dl500 due` queries.
- `review` — one row per answer: when, mode (`study` or `exam`), rating, whether it was
  right, the typed answer, the expected answer, the drawn parameters and seed of a numeric
  card, and the card's FSRS state before and after. Triggers forbid UPDATE and DELETE.
- `undone` — the ids of reviews taken back by `undo` (the log itself is never rewritten).
- `setting` — learner settings (`retention`, `new`).

Safety: every answer is one `BEGIN IMMEDIATE … COMMIT` transaction that re-reads the card's
state, so a killed process loses at most the answer in flight and two sessions at once
serialise their writes. The journal is WAL where the file system allows it (else the default
rollback journal), with `synchronous=FULL`. A file that is not a SQLite database, fails
`PRAGMA quick_check`, belongs to another program, or has a newer schema raises `StoreError`
before anything is written to it.

Only the standard library is imported here (`platformdirs` lazily), so `dl500 due` is fast.
Messages for the learner (`StoreError`, a bad setting) go through `qa.i18n.tr`.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qa.i18n import tr

__all__ = [
    "APPLICATION_ID",
    "DB_NAME",
    "HOME_ENV",
    "SCHEMA_VERSION",
    "SETTINGS",
    "CardRow",
    "Store",
    "StoreError",
    "database_path",
]

HOME_ENV = "DL500_HOME"
DB_NAME = "progress.sqlite3"
SCHEMA_VERSION = 1
APPLICATION_ID = 0x444C3530  # "DL50": marks the file as ours (PRAGMA application_id)
BUSY_TIMEOUT_S = 15.0


@dataclass(frozen=True)
class Setting:
    """A learner setting: its default, meaning and accepted range."""

    default: float
    low: float
    high: float
    integer: bool
    help: str


SETTINGS = {
    "retention": Setting(
        0.9,
        0.7,
        0.97,
        False,
        "desired retention: the probability of recalling a card when it comes due "
        "(higher means more reviews)",
    ),
    "new": Setting(20, 0, 1000, True, "new cards introduced per quiz session"),
}

_SCHEMA = f"""
CREATE TABLE card (
    card_id     TEXT PRIMARY KEY,
    fsrs        TEXT NOT NULL,
    state       INTEGER NOT NULL,
    due         REAL NOT NULL,
    last_review REAL
);
CREATE INDEX card_due ON card(due);
CREATE TABLE review (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    session     TEXT NOT NULL,
    card_id     TEXT NOT NULL,
    question_id TEXT NOT NULL,
    card_type   TEXT NOT NULL,
    mode        TEXT NOT NULL CHECK (mode IN ('study', 'exam')),
    at          REAL NOT NULL,
    rating      INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
    correct     INTEGER NOT NULL CHECK (correct IN (0, 1)),
    duration_ms INTEGER,
    given       TEXT,
    expected    TEXT,
    params      TEXT,
    seed        INTEGER,
    card_before TEXT,
    card_after  TEXT
);
CREATE INDEX review_card ON review(card_id);
CREATE TRIGGER review_no_update BEFORE UPDATE ON review
    BEGIN SELECT RAISE(ABORT, 'the review log is append-only'); END;
CREATE TRIGGER review_no_delete BEFORE DELETE ON review
    BEGIN SELECT RAISE(ABORT, 'the review log is append-only'); END;
CREATE TABLE undone (
    review_id   INTEGER PRIMARY KEY REFERENCES review(id),
    at          REAL NOT NULL
);
CREATE TABLE setting (
    name        TEXT PRIMARY KEY,
    value       TEXT NOT NULL
);
PRAGMA application_id = {APPLICATION_ID};
PRAGMA user_version = {SCHEMA_VERSION};
"""
_TABLES = {"card", "review", "undone", "setting"}
_SQLITE_MAGIC = b"SQLite format 3\x00"


class StoreError(Exception):
    """The progress database cannot be used; the message says why and what to do."""


@dataclass(frozen=True)
class CardRow:
    """A card's stored scheduling state.

    Attributes:
        card_id: The card's string id.
        fsrs: The FSRS card as JSON (`fsrs.Card.to_json`).
        state: FSRS state: 1 learning, 2 review, 3 relearning.
        due: When the card is due, in POSIX seconds.
        last_review: When it was last reviewed, in POSIX seconds.
    """

    card_id: str
    fsrs: str
    state: int
    due: float
    last_review: float | None


def database_path() -> Path:
    """The progress database's path: `$DL500_HOME/progress.sqlite3` or the user data directory."""
    home = os.environ.get(HOME_ENV)
    if home:
        return Path(home).expanduser() / DB_NAME
    import platformdirs  # only when DL500_HOME is unset

    return Path(platformdirs.user_data_dir("dl500-rnn", appauthor=False)) / DB_NAME


def _damaged(path: Path, detail: str) -> StoreError:
    return StoreError(
        tr(
            "the progress database {path} is damaged or not a dl500 database ({detail}). "
            "It was left untouched: move it aside to start afresh, or restore a backup.",
            path=path,
            detail=detail,
        )
    )


class Store:
    """An open progress database. Use `Store.open`; close with `close()` or `with`."""

    def __init__(self, path: Path, con: sqlite3.Connection, *, empty: bool) -> None:
        self.path = path
        self.con = con
        self.empty = empty  # no schema yet (only possible for a read-only open)

    # -- opening ------------------------------------------------------------------------
    @classmethod
    def open(cls, path: Path | None = None, *, write: bool = True) -> Store | None:
        """Open (and with `write`, create or migrate) the database.

        Args:
            path: The file; default `database_path()`.
            write: Create the file and schema if needed, and check the file thoroughly.
                With False, a missing file gives None and nothing is ever written.

        Raises:
            StoreError: The file is unreadable, damaged, someone else's, or newer.
        """
        path = database_path() if path is None else path
        _check_header(path)
        if not path.exists():
            if not write:
                return None
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(
                    tr(
                        "cannot create {path}: {reason}",
                        path=path.parent,
                        reason=exc.strerror or exc,
                    )
                ) from None
        mode = "rwc" if write else "rw"
        try:
            con = sqlite3.connect(
                f"{path.absolute().as_uri()}?mode={mode}",
                uri=True,
                timeout=BUSY_TIMEOUT_S,
                isolation_level=None,  # autocommit; transactions are explicit
            )
        except sqlite3.Error as exc:
            raise StoreError(
                tr("cannot open the progress database {path}: {reason}", path=path, reason=exc)
            ) from None
        try:
            empty = cls._inspect(path, con, thorough=write)
            store = cls(path, con, empty=empty)
            if write:
                store._prepare()
                store.empty = False
        except BaseException:
            con.close()
            raise
        return store

    @staticmethod
    def _inspect(path: Path, con: sqlite3.Connection, *, thorough: bool) -> bool:
        """Read-only checks; return True when the file holds no schema yet."""
        try:
            # One read transaction, so that the version, the mark and the tables come from
            # the same snapshot even while another process is creating the schema.
            con.execute("BEGIN")
            try:
                version = con.execute("PRAGMA user_version").fetchone()[0]
                app_id = con.execute("PRAGMA application_id").fetchone()[0]
                tables = {
                    row[0]
                    for row in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
                } - {"sqlite_sequence"}
                if thorough:
                    problems = [row[0] for row in con.execute("PRAGMA quick_check")]
                    if problems != ["ok"]:
                        raise _damaged(path, "; ".join(problems[:3]))
            finally:
                if con.in_transaction:
                    con.execute("ROLLBACK")
        except sqlite3.DatabaseError as exc:
            if "locked" in str(exc):
                raise StoreError(
                    tr(
                        "the progress database {path} is locked by another program; "
                        "try again in a moment",
                        path=path,
                    )
                ) from None
            raise _damaged(path, str(exc)) from None
        if app_id not in (0, APPLICATION_ID) or (app_id == 0 and tables):
            raise StoreError(
                tr(
                    "{path} is a SQLite database of another program, not dl500 progress. "
                    "It was left untouched; point {env} elsewhere or move the file aside.",
                    path=path,
                    env=HOME_ENV,
                )
            )
        if version > SCHEMA_VERSION:
            raise StoreError(
                tr(
                    "the progress database {path} was written by a newer dl500-rnn (schema "
                    "{version}; this version reads up to {supported}). It was left "
                    "untouched: upgrade dl500-rnn to use it.",
                    path=path,
                    version=version,
                    supported=SCHEMA_VERSION,
                )
            )
        if app_id == APPLICATION_ID and not tables >= _TABLES:
            missing = tr(", ").join(sorted(_TABLES - tables))
            raise _damaged(path, tr("tables missing: {tables}", tables=missing))
        return version == 0

    def _prepare(self) -> None:
        con = self.con
        # Where WAL is not possible (a network file system), SQLite keeps its rollback
        # journal; if another process holds the file just now, its setting stands.
        with contextlib.suppress(sqlite3.OperationalError):
            con.execute("PRAGMA journal_mode = WAL")
        con.execute("PRAGMA synchronous = FULL")
        # Not executescript(): it would commit first and break the IMMEDIATE transaction that
        # makes two first runs at once create the schema exactly once.
        with self.transaction():
            if con.execute("PRAGMA user_version").fetchone()[0] == 0:
                for statement in _split_sql(_SCHEMA):
                    con.execute(statement)

    # -- basics -------------------------------------------------------------------------
    def close(self) -> None:
        """Close the connection."""
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """`BEGIN IMMEDIATE … COMMIT`, rolled back on any exception (Ctrl-C included)."""
        self.con.execute("BEGIN IMMEDIATE")
        try:
            yield self.con
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    # -- settings -----------------------------------------------------------------------
    def settings(self) -> dict[str, float]:
        """Every setting, stored or default."""
        values = {name: setting.default for name, setting in SETTINGS.items()}
        if not self.empty:
            for name, value in self.con.execute("SELECT name, value FROM setting"):
                if name in SETTINGS:
                    # An unusable stored value falls back to the default.
                    with contextlib.suppress(ValueError):
                        values[name] = _coerce(name, value)
        return values

    def set_setting(self, name: str, value: float) -> None:
        """Store a setting (validated with `_coerce`)."""
        value = _coerce(name, str(value))
        with self.transaction() as con:
            con.execute(
                "INSERT INTO setting(name, value) VALUES (?, ?) "
                "ON CONFLICT(name) DO UPDATE SET value = excluded.value",
                (name, repr(value)),
            )

    # -- cards --------------------------------------------------------------------------
    def cards(self) -> dict[str, CardRow]:
        """Every stored card state, keyed by card id."""
        if self.empty:
            return {}
        rows = self.con.execute("SELECT card_id, fsrs, state, due, last_review FROM card")
        return {row[0]: CardRow(*row) for row in rows}

    def due_counts(self, card_ids: set[str], now: float) -> tuple[int, int]:
        """(cards due now, cards never studied) among `card_ids`."""
        if self.empty:
            return 0, len(card_ids)
        seen = dict(self.con.execute("SELECT card_id, due FROM card"))
        due = sum(1 for card_id in card_ids if card_id in seen and seen[card_id] <= now)
        return due, sum(1 for card_id in card_ids if card_id not in seen)

    # -- answers ------------------------------------------------------------------------
    def record(
        self,
        review: dict[str, Any],
        update: Callable[[str | None], tuple[str, int, float, float]] | None,
    ) -> tuple[int, str | None, str | None]:
        """Append one answer, and in study mode update its card, in one transaction.

        Args:
            review: Columns of the `review` row except `id`, `card_before` and `card_after`
                (JSON-able values are serialised here).
            update: For study mode, a function from the card's current FSRS JSON (None for a
                new card) to `(new FSRS JSON, state, due, last_review)`; it runs inside the
                transaction, so it always sees the latest state even with two sessions open.
                None for exam mode (the schedule is not touched).

        Returns:
            The review id, and the card's FSRS JSON before and after.
        """
        with self.transaction() as con:
            before = after = None
            if update is not None:
                row = con.execute(
                    "SELECT fsrs FROM card WHERE card_id = ?", (review["card_id"],)
                ).fetchone()
                before = row[0] if row else None
                after, state, due, last = update(before)
                con.execute(
                    "INSERT INTO card(card_id, fsrs, state, due, last_review) "
                    "VALUES (?, ?, ?, ?, ?) ON CONFLICT(card_id) DO UPDATE SET "
                    "fsrs = excluded.fsrs, state = excluded.state, due = excluded.due, "
                    "last_review = excluded.last_review",
                    (review["card_id"], after, state, due, last),
                )
            row = dict(review, card_before=before, card_after=after)
            for key in ("expected", "params"):
                if row.get(key) is not None:
                    row[key] = json.dumps(row[key], ensure_ascii=False)
            columns = ", ".join(row)
            marks = ", ".join("?" for _ in row)
            cursor = con.execute(
                f"INSERT INTO review({columns}) VALUES ({marks})", tuple(row.values())
            )
            return int(cursor.lastrowid or 0), before, after

    def undo_last(self, now: float | None = None) -> dict[str, Any] | None:
        """Take back the latest answer that is not already taken back.

        A study answer restores the card's state from before it (or forgets a card that was
        new); an exam answer only leaves the statistics. Returns the review taken back, or
        None when there is nothing to undo.
        """
        if self.empty:
            return None
        with self.transaction() as con:
            row = con.execute(
                "SELECT * FROM review WHERE id NOT IN (SELECT review_id FROM undone) "
                "ORDER BY id DESC LIMIT 1"
            ).fetchone()
            if row is None:
                return None
            review = dict(
                zip(
                    [d[0] for d in con.execute("SELECT * FROM review LIMIT 0").description],
                    row,
                    strict=True,
                )
            )
            if review["mode"] == "study":
                before = review["card_before"]
                if before is None:
                    con.execute("DELETE FROM card WHERE card_id = ?", (review["card_id"],))
                else:
                    state, due, last = _card_fields(before)
                    con.execute(
                        "UPDATE card SET fsrs = ?, state = ?, due = ?, last_review = ? "
                        "WHERE card_id = ?",
                        (before, state, due, last, review["card_id"]),
                    )
            con.execute(
                "INSERT INTO undone(review_id, at) VALUES (?, ?)",
                (review["id"], time.time() if now is None else now),
            )
            return review

    def reviews(self) -> list[dict[str, Any]]:
        """The whole review log, oldest first, each row with an `undone` flag."""
        if self.empty:
            return []
        cursor = self.con.execute(
            "SELECT review.*, undone.review_id IS NOT NULL AS undone FROM review "
            "LEFT JOIN undone ON undone.review_id = review.id ORDER BY review.id"
        )
        names = [d[0] for d in cursor.description]
        rows = []
        for values in cursor:
            row = dict(zip(names, values, strict=True))
            row["undone"] = bool(row["undone"])
            for key in ("expected", "params"):
                if row[key] is not None:
                    row[key] = json.loads(row[key])
            rows.append(row)
        return rows


def _check_header(path: Path) -> None:
    """Refuse a file that is not SQLite before SQLite touches it."""
    try:
        with path.open("rb") as f:
            head = f.read(len(_SQLITE_MAGIC))
    except FileNotFoundError:
        return
    except IsADirectoryError:
        raise StoreError(
            tr("{path} is a directory, not the progress database", path=path)
        ) from None
    except OSError as exc:
        raise StoreError(
            tr(
                "cannot read the progress database {path}: {reason}",
                path=path,
                reason=exc.strerror or exc,
            )
        ) from None
    if head and head != _SQLITE_MAGIC:
        raise _damaged(path, tr("not a SQLite file"))


def _split_sql(script: str) -> list[str]:
    """The statements of a schema script (triggers kept whole)."""
    statements, current = [], []
    for line in script.strip().splitlines():
        current.append(line)
        joined = "\n".join(current).strip()
        if joined.endswith(";") and (
            not joined.upper().startswith("CREATE TRIGGER") or joined.upper().endswith("END;")
        ):
            statements.append(joined)
            current = []
    return statements


def _card_fields(fsrs_json: str) -> tuple[int, float, float | None]:
    """(state, due, last_review) of an FSRS card JSON, without importing fsrs."""
    from datetime import datetime

    data = json.loads(fsrs_json)
    last = data.get("last_review")
    return (
        int(data["state"]),
        datetime.fromisoformat(data["due"]).timestamp(),
        datetime.fromisoformat(last).timestamp() if last else None,
    )


def _coerce(name: str, text: str) -> float:
    """A setting's value from text, checked against its range.

    Raises:
        ValueError: Unknown setting, not a number, or out of range (message for the user).
    """
    if name not in SETTINGS:
        raise ValueError(
            tr(
                "unknown setting {name}; known: {known}",
                name=repr(name),
                known=tr(", ").join(SETTINGS),
            )
        )
    setting = SETTINGS[name]
    try:
        value = float(text)
    except ValueError:
        raise ValueError(
            tr("{name} must be a number, not {text}", name=name, text=repr(text))
        ) from None
    if setting.integer:
        if not value.is_integer():
            raise ValueError(
                tr("{name} must be a whole number, not {text}", name=name, text=repr(text))
            )
        value = int(value)
    if not setting.low <= value <= setting.high:
        low = int(setting.low) if setting.integer else setting.low
        high = int(setting.high) if setting.integer else setting.high
        raise ValueError(
            tr(
                "{name} must be between {low} and {high}, not {text}",
                name=name,
                low=low,
                high=high,
                text=text,
            )
        )
    return value
