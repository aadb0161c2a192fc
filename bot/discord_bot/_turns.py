"""Answers take turns between servers, and each server may keep only so many waiting.

The answer workers are few (the machine's cores). With one first-come queue, a raid of a
few hundred accounts in one server queued hundreds of answers, and a question from another
server waited behind all of them (red-team round 19: 0.01 s became 2.6 s). So each server
(a DM or a user-installed app's channel: its user) has its own queue, and the workers take
one job from each server with work in turn: another server's question waits for at most one
job per busy server. A server with `most_waiting` jobs queued is told it is busy instead of
queueing more (`full`), which bounds the memory a raid can take. A question let through
holds a place until its job is queued (`hold`): a slash command is queued only once Discord
has taken its deferral, and a burst of 120 had all been let through before any was queued
(red-team round 21: 118 waiting where 25 may). Direct messages and a user-installed app's
channels take one turn together, bounded at `DIRECT_SHARE` servers' worth: each its user's
own, a raid of 300 accounts' direct messages had queued 272 answers ahead of any server's
(red-team round 22). Places held and never used are dropped once lapsed, whoever held
them, so the table of them does not grow with the users who ever asked (round 22).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, defaultdict, deque
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

__all__ = ["DIRECT", "Turns", "server_of"]

T = TypeVar("T")

_Job = tuple[Future[Any], Callable[[], Any]]

# How long a place held for a question lasts unless its job is queued: a question let
# through may still be turned away (blank, too long) or fail before it is queued.
HOLD_SECONDS = 15.0


# The turn of every job outside a server (no Discord id is 0), and how many servers' worth
# of jobs it may keep waiting.
DIRECT = 0
DIRECT_SHARE = 4


def server_of(guild_id: int | None) -> int:
    """Whose turn a job is taken in: its server's, or outside a server `DIRECT`'s."""
    return guild_id if guild_id is not None else DIRECT


class Turns:
    """`workers` threads running jobs one server at a time in turn (round robin), first come
    first served within a server."""

    def __init__(self, workers: int, most_waiting: int, name: str) -> None:
        self.most_waiting = most_waiting
        # server -> its jobs not yet started, in turn order: a server moves to the end when
        # a job of it starts, and leaves when it has none waiting
        self._waiting: OrderedDict[int, deque[_Job]] = OrderedDict()
        # server -> when each place held for a job to come was taken (`hold`), oldest first
        self._held: defaultdict[int, deque[float]] = defaultdict(deque)
        # (when, server) of every place held, oldest first: lapsed ones are dropped from it
        self._holds: deque[tuple[float, int]] = deque()
        self._ready = threading.Condition()
        self._stopping = False
        self._threads = [
            threading.Thread(target=self._work, name=f"{name}_{n}", daemon=True)
            for n in range(workers)
        ]
        for thread in self._threads:
            thread.start()

    def full(self, server: int) -> bool:
        """Whether `server` has as many jobs waiting, or places held for jobs to come, as it
        may: a question now is refused."""
        with self._ready:
            return self._counted(server) >= self._most(server)

    def hold(self, server: int) -> bool:
        """Hold a place in `server`'s queue for a job to come (queued by `submit`, or given
        up after `HOLD_SECONDS`); False, and none held, when it is `full`."""
        with self._ready:
            self._drop_lapsed()
            if self._counted(server) >= self._most(server):
                return False
            now = time.monotonic()
            self._held[server].append(now)
            self._holds.append((now, server))
            return True

    def _most(self, server: int) -> int:
        """The jobs `server` may keep waiting: direct messages, many users' turn together,
        `DIRECT_SHARE` times a server's (red-team round 23: 30 accounts' DMs had made an
        unrelated user's DM busy); still one turn, so a server waits for one of theirs."""
        return self.most_waiting * (DIRECT_SHARE if server == DIRECT else 1)

    def _drop_lapsed(self) -> None:
        """Forget the places held that have lapsed, of every server."""
        expired = time.monotonic() - HOLD_SECONDS
        while self._holds and self._holds[0][0] < expired:
            self._counted(self._holds.popleft()[1])

    def _counted(self, server: int) -> int:
        held = self._held.get(server)
        if held is not None:
            expired = time.monotonic() - HOLD_SECONDS
            while held and held[0] < expired:
                held.popleft()
            if not held:
                del self._held[server]
        return len(self._waiting.get(server, ())) + len(held or ())

    def submit(self, server: int, job: Callable[[], T]) -> Future[T]:
        """Queue `job` in `server`'s turn, in the oldest place held for it if any; its future
        holds its result or its exception. A job is queued even when the server is `full`
        (that is checked when the question is let through)."""
        future: Future[T] = Future()
        with self._ready:
            if self._stopping:
                raise RuntimeError("the answer workers have stopped")
            if held := self._held.get(server):
                held.popleft()
                if not held:
                    del self._held[server]
            self._waiting.setdefault(server, deque()).append((future, job))
            self._ready.notify()
        return future

    def shutdown(self) -> None:
        """Stop the workers once the jobs waiting are done (the jobs in flight are the
        shutdown's to wait for, so this does not)."""
        with self._ready:
            self._stopping = True
            self._ready.notify_all()

    def _next(self) -> _Job | None:
        """The next job in turn, waiting for one; None once stopping with none left."""
        with self._ready:
            while not self._waiting:
                if self._stopping:
                    return None
                self._ready.wait()
            server, jobs = next(iter(self._waiting.items()))
            job = jobs.popleft()
            del self._waiting[server]
            if jobs:  # its next job waits for every other server's
                self._waiting[server] = jobs
            return job

    def _work(self) -> None:
        while (job := self._next()) is not None:
            future, run = job
            if not future.set_running_or_notify_cancel():  # cancelled while it waited
                continue
            try:
                result = run()
            except BaseException as error:  # the asker's to handle, as an executor's would be
                future.set_exception(error)
            else:
                future.set_result(result)
