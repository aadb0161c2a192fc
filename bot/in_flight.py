"""Questions being answered, so that a shutdown lets them finish or apologises for them.

Pure asyncio (no discord import): the Discord module tracks each answer's task here with
the apology to send if the shutdown's grace period runs out before the answer is sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
from collections.abc import Awaitable, Callable, Hashable, Iterator
from functools import partial
from typing import Any, Generic, TypeVar

__all__ = ["APOLOGY_SECONDS", "Gathered", "InFlight", "noting_sent", "posted", "sent"]

log = logging.getLogger(__name__)

# At most this long, after the grace period, to send the apologies: more than a channel's
# window of five posts in five seconds, which an answer posted just before may have spent
# (red-team round 26, H4: with 5 s the apology went out at its deadline to the millisecond).
APOLOGY_SECONDS = 8.0
_LISTED = 10  # questions named in the log line of those not answered, at most

Apology = Callable[[], Awaitable[None]]
T = TypeVar("T")

# What says that the answer this task is sending has been posted (`InFlight.posting`).
_POSTED: contextvars.ContextVar[Callable[[], None] | None] = contextvars.ContextVar(
    "essaybot_posted", default=None
)


def posted() -> None:
    """Say, as a response to one of this task's requests comes back carried out, that the
    answer it is sending within `InFlight.posting` is posted (nothing, outside one)."""
    if (done := _POSTED.get()) is not None:
        done()


# What says that a post of this task (an answer's, an apology's) has gone to Discord whole.
_SENT: contextvars.ContextVar[Callable[[bool], None] | None] = contextvars.ContextVar(
    "essaybot_sent", default=None
)


def sent(whole: bool = True) -> None:
    """Say, as one of this task's posts has gone whole to Discord, its response not yet
    back, that what it posts may show (red-team round 28, J1: Discord slow to respond at a
    shutdown, answers that showed were apologised for, and logged as not answered); or,
    not `whole`, that Discord refused it (what it posts is tried otherwise, or not shown)."""
    if (went := _SENT.get()) is not None:
        went(whole)


@contextlib.contextmanager
def noting_sent(note: Callable[[bool], None]) -> Iterator[None]:
    """Within the block, `sent` calls `note` too (whether a post went whole), as well as
    what it called outside it."""
    outer = _SENT.get()

    def both(whole: bool) -> None:
        note(whole)
        if outer is not None:
            outer(whole)

    token = _SENT.set(both)
    try:
        yield
    finally:
        _SENT.reset(token)


class InFlight:
    """The answers in flight, each with its apology; `closing` once a shutdown has begun."""

    def __init__(self, before_apologies: Callable[[], Awaitable[None]] | None = None) -> None:
        # what to do once the cut-off answers are cancelled, before their apologies go
        self._before_apologies = before_apologies
        self.closing = False
        self._tasks: dict[asyncio.Task[Any], tuple[str, Apology | None]] = {}
        self._sent: set[asyncio.Task[Any]] = set()  # whose answer went whole, unconfirmed
        self._hurry = asyncio.Event()

    def __len__(self) -> int:
        """How many answers are in flight."""
        return len(self._tasks)

    @contextlib.contextmanager
    def track(self, what: str, apology: Apology | None) -> Iterator[None]:
        """Count the current task as an answer in flight (`what` names it in the log), or
        with no `apology` a post that answers nothing (a hint, a refusal): a shutdown waits
        for it too, but cut off it is no question left unanswered (red-team round 24: 36
        refusals cut off had been logged as questions "sent an apology")."""
        task = asyncio.current_task()
        if task is None:  # not inside a task: nothing a shutdown could wait for
            yield
            return
        self._tasks[task] = (what, apology)
        try:
            yield
        finally:
            self._tasks.pop(task, None)
            self._sent.discard(task)

    @contextlib.contextmanager
    def posting(self) -> Iterator[None]:
        """A block sending the current task's answer: once Discord says a request of it was
        carried out (`posted`), the answer is no longer in flight, and a shutdown neither
        waits for the task nor cancels it, nor apologises for it (red-team round 25, G2: a
        task whose post had spent its channel's rate limit stayed in discord.py's wait for
        the limit's reset, its answer showing; cut off at the grace's end, it was logged as
        not answered, and the reset it was to announce never came, so the channel's apology
        waited past its time and was not sent)."""
        task = asyncio.current_task()

        def done() -> None:
            if task is not None:
                self._tasks.pop(task, None)

        def went(whole: bool) -> None:
            if task is not None and task in self._tasks and whole:
                self._sent.add(task)
            elif task is not None:
                self._sent.discard(task)

        token, went_token = _POSTED.set(done), _SENT.set(went)
        try:
            yield
        finally:
            _POSTED.reset(token)
            _SENT.reset(went_token)

    def hurry(self) -> None:
        """Stop waiting for the answers in flight (a second signal): apologise now."""
        self._hurry.set()

    async def drain(self, grace: float) -> list[str]:
        """Wait up to `grace` seconds for the answers in flight; cancel the rest, send their
        apologies, log them, and return what they were."""
        self.closing = True
        log.info("%d answer(s) in flight have %g s to finish", len(self._tasks), grace)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + grace
        hurry = loop.create_task(self._hurry.wait())
        try:
            # Re-read the tasks each time: one that started just before `closing` was set
            # may be tracked after the drain began.
            while self._tasks and not self._hurry.is_set() and loop.time() < deadline:
                await asyncio.wait(
                    [*self._tasks, hurry],
                    timeout=deadline - loop.time(),
                    return_when=asyncio.FIRST_COMPLETED,
                )
        finally:
            hurry.cancel()
        cut_off = list(self._tasks.items())
        for task, _ in cut_off:
            task.cancel()  # so that a late answer does not follow its apology
        dropped: list[tuple[str, Apology]] = [
            (what, apology) for _, (what, apology) in cut_off if apology is not None
        ]
        # an answer sent whole, Discord's response not back, may show: it is apologised for
        # all the same (no answer may show with none), and the log says it may show
        unconfirmed = sum(task in self._sent for task, (_, apology) in cut_off if apology)
        if not cut_off:
            return []
        deadline = loop.time() + APOLOGY_SECONDS  # for the cancelling and the apologies
        await asyncio.wait([task for task, _ in cut_off], timeout=APOLOGY_SECONDS)
        if dropped and self._before_apologies is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._before_apologies(), max(deadline - loop.time(), 0))
        if dropped:
            went: set[int] = set()  # the apologies sent whole, Discord's response not back
            sending = [
                _started(apology, partial(_note, went, n)) for n, (_, apology) in enumerate(dropped)
            ]
            done, late = await asyncio.wait(sending, timeout=max(deadline - loop.time(), 0))
            for saying in late:
                saying.cancel()
            failed = [saying.exception() for saying in done if saying.exception() is not None]
            for failure in failed:
                log.warning("could not send an apology", exc_info=failure)
            unsent = [n for n, saying in enumerate(sending) if saying in late and n not in went]
            if unsent:
                log.warning("not every apology was sent within %g s", APOLOGY_SECONDS)
            # what was said, as it was: a raid's channel takes five posts in five seconds, and
            # the rest of its apologies are not sent (red-team round 23: "each sent an
            # apology" had been logged for 133, of whom 86 got none), in a line of bounded size
            log.warning(
                "%d question(s) not answered within %g s%s, %d sent an apology: %s",
                len(dropped),
                grace,
                f" ({unconfirmed} sent, unconfirmed by Discord: they may show)"
                if unconfirmed
                else "",
                len(sending) - len(failed) - len(unsent),
                _listed([what for what, _ in dropped]),
            )
        return [what for what, _ in dropped]


def _listed(whats: list[str]) -> str:
    """`whats` for a log line of bounded size: the first `_LISTED`, and how many more."""
    more = f"; and {len(whats) - _LISTED} more" if len(whats) > _LISTED else ""
    return "; ".join(whats[:_LISTED]) + more


def _note(went: set[int], number: int, whole: bool) -> None:
    """Note in `went` whether apology `number` has gone whole to Discord (`sent`)."""
    (went.add if whole else went.discard)(number)


def _started(apology: Apology, went: Callable[[bool], None]) -> asyncio.Future[None]:
    """`apology` sending in a task of its own, which calls `went` once its post has gone
    whole to Discord (`sent`)."""
    token = _SENT.set(went)
    try:
        return asyncio.ensure_future(apology())  # its task copies this context
    finally:
        _SENT.reset(token)


class Gathered(Generic[T]):
    """Items added under one key in the same turn of the event loop, sent together by one
    call of `send(key, items)`: a shutdown's apologies to the askers of one channel, which
    takes five posts in five seconds (red-team round 23, E2: of 100 askers in a raided
    channel 86 got no apology). Each `add` returns when its batch is posted (`posted`; its
    sending may still wait for the channel's rate limit to reset, red-team round 25, G2) or
    its sending ends."""

    def __init__(self, send: Callable[[Hashable, list[T]], Awaitable[None]]) -> None:
        self._send = send
        self._gathering: dict[
            Hashable,
            tuple[list[T], asyncio.Task[None], asyncio.Event, list[Callable[[bool], None]]],
        ] = {}

    async def add(self, key: Hashable, item: T) -> None:
        """Add `item` to `key`'s batch and wait until the batch is posted or its sending
        ends (raising what that raised)."""
        if key in self._gathering:
            items, sending, said, went = self._gathering[key]
            items.append(item)
        else:
            items, said, went = [item], asyncio.Event(), []
            sending = asyncio.get_running_loop().create_task(
                self._send_gathered(key, items, said, went)
            )
            self._gathering[key] = (items, sending, said, went)
        if (adder_went := _SENT.get()) is not None:
            went.append(adder_went)  # the batch's post, sent whole, is each adder's
        saying = asyncio.ensure_future(said.wait())
        try:
            await asyncio.wait([sending, saying], return_when=asyncio.FIRST_COMPLETED)
        except asyncio.CancelledError:
            if not said.is_set():  # one add cancelled (its apology late) cancels the batch
                sending.cancel()
            raise
        finally:
            saying.cancel()
        if sending.done() and not said.is_set():
            sending.result()  # its failure, raised

    async def _send_gathered(
        self,
        key: Hashable,
        items: list[T],
        said: asyncio.Event,
        went: list[Callable[[bool], None]],
    ) -> None:
        try:
            await asyncio.sleep(0)  # the adds of this turn of the loop join the batch
        finally:
            del self._gathering[key]  # a later add starts a batch of its own
        _POSTED.set(said.set)  # this task's own context: its post, once carried out

        def each_went(whole: bool) -> None:
            for adder_went in went:
                adder_went(whole)

        _SENT.set(each_went)
        await self._send(key, items)
