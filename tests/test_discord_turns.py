"""The answer workers take turns between servers (bot/discord_bot/_turns.py)."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import CancelledError

import pytest

from bot.discord_bot._turns import DIRECT, DIRECT_SHARE, HOLD_SECONDS, Turns, server_of

A, B, C = 1, 2, 3


def held(workers: int = 1, most_waiting: int = 100) -> tuple[Turns, threading.Event, list[str]]:
    """Turns whose workers are each held by a job of server A until the event is set; and
    the jobs' names, in the order they ran."""
    turns = Turns(workers, most_waiting, "test")
    release, ran, started = threading.Event(), [], threading.Semaphore(0)

    def hold() -> None:
        started.release()
        release.wait(10)

    for _ in range(workers):
        turns.submit(A, hold)
    for _ in range(workers):
        assert started.acquire(timeout=10)
    return turns, release, ran


def job(ran: list[str], name: str) -> Callable[[], str]:
    def run() -> str:
        ran.append(name)
        return name

    return run


def test_servers_take_turns_and_each_server_keeps_its_order() -> None:
    turns, release, ran = held()
    futures = [turns.submit(A, job(ran, f"a{n}")) for n in range(4)]
    futures += [turns.submit(B, job(ran, "b0")), turns.submit(C, job(ran, "c0"))]
    futures.append(turns.submit(B, job(ran, "b1")))
    release.set()
    assert [f.result(10) for f in futures] == ["a0", "a1", "a2", "a3", "b0", "c0", "b1"]
    # first come first served would be a0 a1 a2 a3 b0 c0 b1: a raid's every job first
    assert ran == ["a0", "b0", "c0", "a1", "b1", "a2", "a3"]
    turns.shutdown()


def test_a_server_is_full_with_its_most_waiting_and_others_are_not() -> None:
    turns, release, ran = held(most_waiting=3)
    for n in range(2):
        turns.submit(A, job(ran, f"a{n}"))
    assert not turns.full(A)
    turns.submit(A, job(ran, "a2"))
    assert turns.full(A) and not turns.full(B)
    release.set()
    turns.submit(A, job(ran, "last")).result(10)
    assert not turns.full(A)
    turns.shutdown()


def test_a_jobs_failure_is_its_futures_and_the_worker_goes_on() -> None:
    turns, release, ran = held()

    def fail() -> None:
        raise ValueError("no")

    failed = turns.submit(B, fail)
    after = turns.submit(B, job(ran, "after"))
    release.set()
    with pytest.raises(ValueError, match="no"):
        failed.result(10)
    assert after.result(10) == "after"
    turns.shutdown()


def test_a_job_cancelled_while_it_waits_never_runs() -> None:
    turns, release, ran = held()
    cancelled = turns.submit(B, job(ran, "cancelled"))
    assert cancelled.cancel()
    kept = turns.submit(B, job(ran, "kept"))
    release.set()
    assert kept.result(10) == "kept"
    with pytest.raises(CancelledError):
        cancelled.result(0)
    assert ran == ["kept"]
    turns.shutdown()


def test_shutdown_finishes_the_jobs_waiting_then_refuses_more() -> None:
    turns, release, ran = held(workers=2)
    waiting = [turns.submit(B, job(ran, f"b{n}")) for n in range(3)]
    turns.shutdown()
    release.set()
    assert [f.result(10) for f in waiting] == ["b0", "b1", "b2"]
    with pytest.raises(RuntimeError, match="stopped"):
        turns.submit(B, job(ran, "late"))
    for thread in turns._threads:
        thread.join(10)
        assert not thread.is_alive()


def test_outside_a_server_every_user_takes_one_turn_together() -> None:
    # Red-team round 22 (D3): each DM had been its user's own turn, so 300 raiders' DMs
    # queued 272 answers ahead of a server's question; together they are bounded as one.
    assert server_of(200) == 200
    assert server_of(None) == DIRECT
    # ... and may keep DIRECT_SHARE servers' worth waiting (round 23, E7: 30 accounts' DMs
    # had made an unrelated user's DM busy)
    turns = Turns(1, 3, "test")
    assert all(turns.hold(DIRECT) for _ in range(3 * DIRECT_SHARE))
    assert turns.full(DIRECT) and not turns.hold(DIRECT)
    assert all(turns.hold(A) for _ in range(3)) and turns.full(A)
    turns.shutdown()


def test_a_place_held_counts_until_its_job_is_queued_or_it_lapses(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Red-team round 21 (D1): a slash command is queued only after Discord takes its
    # deferral; the place it holds meanwhile is counted, so a burst cannot all get through.
    turns, release, ran = held(most_waiting=2)
    assert turns.hold(A) and turns.hold(A)
    assert turns.full(A) and not turns.hold(A) and not turns.full(B)
    turns.submit(A, job(ran, "a0"))  # in the place held for it: still two counted
    assert turns.full(A)
    now = [1000.0]
    monkeypatch.setattr("bot.discord_bot._turns.time.monotonic", lambda: now[0])
    turns._held[A] = deque([now[0]])  # the other place, held now
    assert turns.full(A)
    now[0] += HOLD_SECONDS + 1  # never queued (a blank question): it lapses
    assert not turns.full(A) and turns.hold(A)
    release.set()
    turns.shutdown()


def test_places_held_and_never_used_are_forgotten_whoever_held_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Red-team round 22 (D4): a place held for a question turned away was dropped only when
    # its own server (a DM's user) was counted again, so each such user left one behind.
    turns = Turns(1, 25, "test")
    now = [1000.0]
    monkeypatch.setattr("bot.discord_bot._turns.time.monotonic", lambda: now[0])
    for server in range(100, 3100):
        assert turns.hold(server)
    assert len(turns._held) == 3000
    now[0] += HOLD_SECONDS + 1
    assert turns.hold(A)
    assert list(turns._held) == [A] and len(turns._holds) == 1
    turns.shutdown()
