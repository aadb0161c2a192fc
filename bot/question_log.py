"""A local log of the questions asked and how they fared, to find what the essays miss.

One SQLite file. A user is stored only as a salted hash of their id (the salt is made once,
at random, and kept in the file), and rows older than the retention period are deleted.
"""

from __future__ import annotations

import hashlib
import logging
import math
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.errors import EssaybotError

if TYPE_CHECKING:
    from bot.answering import Answer
    from index import PassageIndex

__all__ = [
    "Gap",
    "LogError",
    "LogHeld",
    "LoggedQuestion",
    "QuestionLog",
    "group_gaps",
    "record_terminal",
]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS questions (
    id INTEGER PRIMARY KEY,
    at REAL NOT NULL,
    source TEXT NOT NULL,
    user_hash TEXT,
    question TEXT NOT NULL,
    terms TEXT NOT NULL,
    outcome TEXT NOT NULL,
    confidence REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS questions_at ON questions (at);
CREATE TABLE IF NOT EXISTS votes (
    question_id INTEGER NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
    user_hash TEXT NOT NULL,
    up INTEGER NOT NULL,
    at REAL NOT NULL,
    PRIMARY KEY (question_id, user_hash)
);
"""
_log = logging.getLogger(__name__)
_LARGEST_ID = 2**63 - 1  # SQLite's largest integer
_DAY = 86_400.0
_PRUNE_EVERY = 3_600.0  # seconds between deletions of expired rows
_BUSY_SECONDS = 0.5  # how long a write waits for a lock held elsewhere
# After a write found the file held elsewhere, questions go unlogged this long without
# waiting: thirty answers had each waited 0.5 s behind the one before (red-team round 10).
_HELD_PAUSE = 10.0
# Two questions are one gap when they share at least this share of their terms (Jaccard).
_SAME_GAP = 0.5


class LogError(EssaybotError):
    """The question log cannot be opened or written; the message names the file and the fix."""


class LogHeld(LogError):
    """A question not logged, at once, because the file was held elsewhere moments ago."""


@dataclass(frozen=True)
class LoggedQuestion:
    """A question the essays did not answer, or whose answer was voted down."""

    question: str
    terms: frozenset[str]
    at: float
    declined: bool
    down_votes: int


@dataclass(frozen=True)
class Gap:
    """Questions that share their main terms, most asked wording first."""

    terms: tuple[str, ...]  # the terms most of its questions share
    questions: tuple[str, ...]  # distinct wordings, most asked first
    asked: int
    declined: int
    down_votes: int
    last_asked: float


class QuestionLog:
    """Questions, outcomes, confidence and votes in one SQLite file; safe across threads."""

    def __init__(
        self,
        path: Path,
        *,
        retention_days: float,
        clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.path = path
        self.retention = retention_days * _DAY
        self._clock = clock
        self._monotonic = monotonic
        self._held_until = -math.inf  # questions are logged again from then on
        self._lock = threading.Lock()
        self._pruned = 0.0
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # A lock held elsewhere (an admin's sqlite3 shell, a backup) is waited for briefly:
            # an answer is sent unlogged rather than late.
            self._db = sqlite3.connect(
                path, timeout=_BUSY_SECONDS, check_same_thread=False, isolation_level=None
            )
            self._db.execute("PRAGMA foreign_keys = ON")
            self._db.executescript(_SCHEMA)
            self._salt = self._meta("salt", secrets.token_hex(16))
        except (OSError, sqlite3.Error) as error:
            raise LogError(
                f"cannot use the question log {path} ({error}); set ESSAYBOT_QUESTION_LOG to "
                "a writable file, or to 'off'"
            ) from None
        self._prune()

    def _meta(self, key: str, default: str) -> str:
        self._db.execute("INSERT OR IGNORE INTO meta VALUES (?, ?)", (key, default))
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return str(row[0])

    def user_hash(self, user_id: int) -> str:
        """The salted hash a user is stored as; the id itself is never written."""
        return hashlib.sha256(f"{self._salt}:{user_id}".encode()).hexdigest()[:32]

    def record(
        self,
        question: str,
        terms: Iterable[str],
        *,
        outcome: str,
        confidence: float,
        source: str,
        user_id: int | None = None,
    ) -> int:
        """Append one asked question; returns its id (what a vote refers to)."""
        user = None if user_id is None else self.user_hash(user_id)
        # Half an emoji (a lone surrogate, "\ud83d") is no UTF-8: SQLite refuses it; kept as "?"
        question, said = _storable(question), _storable(" ".join(terms))
        # A random id, not the next row's: a vote button carries it, and a row number is
        # used again once the rows after it are gone (retention, a new log after a restart),
        # so a 👎 on an old answer had been counted against a newer, unrelated question.
        row_id = secrets.randbelow(_LARGEST_ID) + 1
        row = (row_id, self._clock(), source, user, question, said, outcome, confidence)
        if self._monotonic() < self._held_until:
            raise LogHeld(f"the question log {self.path} is held by another program")
        try:
            with self._locked() as db:
                self._prune()
                db.execute(
                    "INSERT INTO questions (id, at, source, user_hash, question, terms, "
                    "outcome, confidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    row,
                )
        except LogError as error:
            if "locked" in str(error):  # another program's lock: not waited for again soon
                self._held_until = self._monotonic() + _HELD_PAUSE
            raise
        return row_id

    def record_answer(
        self, answer: Answer, index: PassageIndex, *, source: str, user_id: int | None = None
    ) -> int:
        """Append how `answer` fared, with the terms its question was looked up by."""
        return self.record(
            answer.question,
            index.query(answer.read_as or answer.question),
            outcome=answer.outcome.value,
            confidence=answer.confidence,
            source=source,
            user_id=user_id,
        )

    def vote(self, question_id: int, user_id: int, *, up: bool) -> bool:
        """Count one user's vote on an answer; False if they had voted on it already
        (or the question is no longer logged); LogError when the log is busy or unwritable."""
        with self._locked(most=2 * _BUSY_SECONDS) as db:
            known = db.execute("SELECT 1 FROM questions WHERE id = ?", (question_id,))
            if known.fetchone() is None:
                return False
            cursor = db.execute(
                "INSERT OR IGNORE INTO votes VALUES (?, ?, ?, ?)",
                (question_id, self.user_hash(user_id), int(up), self._clock()),
            )
        return cursor.rowcount == 1

    def gaps(self, since_days: float | None = None) -> list[LoggedQuestion]:
        """The questions not answered, or voted down, asked in the last `since_days` days."""
        since = 0.0 if since_days is None else self._clock() - since_days * _DAY
        with self._locked() as db:
            rows = db.execute(
                "SELECT q.question, q.terms, q.at, q.outcome = 'not_covered', "
                "COALESCE(SUM(v.up = 0), 0) AS down FROM questions q "
                "LEFT JOIN votes v ON v.question_id = q.id WHERE q.at >= ? "
                "GROUP BY q.id HAVING q.outcome = 'not_covered' OR down > 0 "
                "ORDER BY q.at, q.question",  # ids are random: no order of their own
                (since,),
            ).fetchall()
        return [
            LoggedQuestion(question, frozenset(terms.split()), at, bool(declined), int(down))
            for question, terms, at, declined, down in rows
        ]

    @contextmanager
    def _locked(self, *, most: float = -1) -> Iterator[sqlite3.Connection]:
        """The database, to this thread alone; its errors (locked, disk full, read-only) as
        LogError, which the front ends tell of and answer on. With `most` (seconds), LogError
        when other threads keep it that long (votes: sixty queued behind a log another
        program held, at 0.5 s each, had kept every worker thread waiting for 30 s)."""
        if not self._lock.acquire(timeout=most):
            raise LogError(f"the question log {self.path} is busy; try again in a moment")
        try:
            yield self._db
        except sqlite3.Error as error:
            raise LogError(f"cannot write the question log {self.path} ({error})") from None
        finally:
            self._lock.release()

    def _prune(self) -> None:
        """Delete what is older than the retention period (at most once an hour)."""
        now = self._clock()
        if now - self._pruned < _PRUNE_EVERY:
            return
        self._pruned = now
        self._db.execute("DELETE FROM questions WHERE at < ?", (now - self.retention,))

    def close(self) -> None:
        """Close the file."""
        with self._lock:
            self._db.close()


def _storable(text: str) -> str:
    """`text` as UTF-8 can hold it: a lone surrogate becomes "?"."""
    return text.encode("utf-8", "replace").decode("utf-8")


def record_terminal(log: QuestionLog, answer: Answer, index: PassageIndex) -> None:
    """Log a terminal's `answer`; when the log cannot be written, warn and go on: the answer
    matters more than its record."""
    try:
        log.record_answer(answer, index, source="terminal")
    except LogError as error:
        _log.warning("%s; this answer is not logged", error)


def group_gaps(logged: Iterable[LoggedQuestion]) -> list[Gap]:
    """Logged questions grouped when they share their main terms, most asked first.

    A question joins the first group (in order of size) whose terms it shares at least half
    of (Jaccard similarity); otherwise it starts one. The same wording counts once per time
    asked.
    """
    groups: list[list[LoggedQuestion]] = []
    keys: list[frozenset[str]] = []
    # The groups whose key holds each term: only they can share half a question's terms
    # (red-team round 15: comparing each question with every group took 17 s for 8,000
    # distinct ones). The first of them that does is the one the question joins, as before.
    holding: dict[str, list[int]] = {"": []}  # "": the group of no terms, if any
    for item in logged:
        # no terms: all shared with a group of none, none with another
        terms = item.terms or frozenset({""})
        candidates = sorted({g for term in terms for g in holding.get(term, ())})
        joined = next((g for g in candidates if _jaccard(item.terms, keys[g]) >= _SAME_GAP), None)
        if joined is not None:
            groups[joined].append(item)
            continue
        for term in terms:
            holding.setdefault(term, []).append(len(groups))
        groups.append([item])
        keys.append(item.terms)
    gaps = [_gap(group) for group in groups]
    return sorted(gaps, key=lambda g: (-g.asked, -g.down_votes, -g.last_asked))


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    union = a | b
    return len(a & b) / len(union) if union else 1.0


def _gap(group: list[LoggedQuestion]) -> Gap:
    wordings: dict[str, tuple[str, int]] = {}  # casefolded wording -> (as first asked, count)
    for item in group:
        shown = " ".join(item.question.split())
        first, count = wordings.get(shown.casefold(), (shown, 0))
        wordings[shown.casefold()] = (first, count + 1)
    counts: dict[str, int] = {}
    for item in group:
        for term in item.terms:
            counts[term] = counts.get(term, 0) + 1
    shared = tuple(sorted(t for t, n in counts.items() if 2 * n >= len(group)))
    return Gap(
        terms=shared,
        questions=tuple(w for w, _ in sorted(wordings.values(), key=lambda w: -w[1])),
        asked=len(group),
        declined=sum(item.declined for item in group),
        down_votes=sum(item.down_votes for item in group),
        last_asked=max(item.at for item in group),
    )
