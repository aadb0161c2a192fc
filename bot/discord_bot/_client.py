"""EssayBot: the discord.py client that answers mentions and backs the slash commands."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import time
import zlib
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

import discord
from discord import app_commands

from bot.answer_buttons import PassageKeys
from bot.answering import Answerer, asks_nothing
from bot.discord_bot._answers import blank, looked_up, post_answer
from bot.discord_bot._buttons import BUTTONS, FORM
from bot.discord_bot._commands import _add_commands
from bot.discord_bot._follow_ups import answer_form, mention_target
from bot.discord_bot._menus import OWN_ANSWER, add_menus, text_of
from bot.discord_bot._replies import (
    _GONE,
    ACKNOWLEDGED,
    APOLOGY,
    AUTOMOD_BLOCKED,
    AUTOMOD_CODES,
    BUSY,
    MAX_QUESTION,
    NO_MENTIONS,
    NOT_PERMITTED,
    RATE_LIMIT_WAIT,
    SEND_ERRORS,
    SHUTTING_DOWN,
    UNKNOWN_CHANNEL,
    UNREADABLE,
    Halted,
    Halts,
    Send,
    Withheld,
    _given_up,
    _named,
    _reply,
    _too_quick,
    _try,
    cached_permissions,
    cap_webhook_waits,
    capped_rate_limits,
    log,
    log_failure,
    lost_twice,
    may_post,
    reply_to,
    request_sent,
    shutdown_apology,
    time_reads,
    too_long,
    unless_unwanted,
)
from bot.discord_bot._turns import DIRECT, Turns, server_of
from bot.discord_bot._views import TurnPage
from bot.embeds import SectionChoices, sections_messages
from bot.in_flight import Gathered, InFlight
from bot.permission_notes import PermissionNotes
from bot.question_log import QuestionLog
from bot.settings import Settings, SettingsError
from index import Document, find_sections

ANSWER_WORKERS = min(4, os.cpu_count() or 1)  # answering is mostly CPU-bound Python
# Answers one server may have waiting for a worker; a question beyond is told it is busy.
MOST_WAITING = 25
# Answers one channel may have made and waiting to be posted (about 10 s of Discord's rate
# of posts in a channel); a mention beyond is told it is busy.
MOST_POSTING = 10
# Requests open to Discord's API at once, across all channels (its global limit is 50 a
# second), an interaction's first response apart: one more waits for one to end, holding
# no connection (`capped_rate_limits`).
MOST_REQUESTS = 50
# A contents page may be turned this many times as often as a question may be asked.
PAGE_TURNS = 10
_MENTION = re.compile(r"<@[!&]?(\d+)>")  # a user's mention, or a role's
# A command renamed or removed, or its options changed, since Discord was told of them.
_STALE = (app_commands.CommandNotFound, app_commands.CommandSignatureMismatch)
OUT_OF_DATE = (
    "This command has changed in a newer version of essaybot; Discord will show the new one "
    "shortly. Try /help for the commands as they are now."
)
_THREAD_LOCKED = 50083  # Discord's code for a post refused in an archived or locked thread
_DM_CLOSED = 50007  # "Cannot send messages to this user": a DM the user closed


class UserCooldowns:
    """At most `rate` questions per user in any `per` seconds, shared by /ask and mentions.

    Users are kept in the order they last asked, so those whose last question is more than
    `per` seconds old (their window has passed) are forgotten from the front: each check
    costs the same however many users asked."""

    def __init__(self, rate: int, per: float) -> None:
        self.rate, self.per = rate, per
        self._buckets: OrderedDict[int, tuple[float, app_commands.Cooldown]] = OrderedDict()

    def retry_after(self, user_id: int, now: float | None = None) -> float | None:
        """Seconds until the user may ask again, or None (and the question is counted)."""
        now = time.monotonic() if now is None else now
        while self._buckets:
            last, _ = next(iter(self._buckets.values()))
            if now - last < self.per:
                break
            self._buckets.popitem(last=False)
        _, bucket = self._buckets.pop(user_id, (now, None))
        bucket = bucket or app_commands.Cooldown(self.rate, self.per)
        self._buckets[user_id] = (now, bucket)
        return bucket.update_rate_limit(now)

    def __len__(self) -> int:
        return len(self._buckets)


async def _apologise(channel: Hashable, askers: list[tuple[int, Send]]) -> None:
    """A shutdown's apology to the askers in `channel` whose answers it cut off: one reply to
    the last of their messages, naming them all (a channel takes five posts in five seconds:
    red-team round 23, E2, 86 of 100 askers in a raided channel had got none)."""
    _, reply = askers[-1]
    users = list(dict.fromkeys(user for user, _ in askers))
    await _try(reply(shutdown_apology(users), allowed_mentions=NO_MENTIONS))


def _automod(error: BaseException) -> bool:
    """Whether `error` is Discord refusing a post its AutoMod blocked: not a failure of
    essaybot's, and one asking again would meet again; logged as a warning, once per error."""
    if not (isinstance(error, discord.HTTPException) and error.code in AUTOMOD_CODES):
        return False
    log.warning("a post was blocked by the server's AutoMod (%s)", error.text)
    return True


def _who_acted(data: Any) -> None:
    """Raise unless an interaction names who acted (its member's user, or outside a server
    its user): discord.py reads one naming neither, and its `user` is a sentinel that fails
    later, in the middle of answering (red-team round 8); in a server it reads only the
    member (round 27, I2: a forged `user` alone had failed the command tree's check)."""
    member = data.get("member") or {}
    named = isinstance(member, dict) and member.get("user")
    if not named and (int(data.get("guild_id") or 0) or not data.get("user")):
        raise KeyError("user")


def _texts_are_text(data: Any) -> None:
    """Raise unless a message's content, and each of its text displays', is text where
    given: discord.py keeps a null as None, which failed in the middle of `on_message`
    (red-team round 21: a traceback at ERROR, the message unanswered)."""
    if not isinstance(data.get("content", ""), str):
        raise TypeError("content")
    for forwarded in data.get("message_snapshots") or ():  # a forward's copy, once
        if not isinstance(copy := forwarded.get("message"), dict) or not isinstance(
            copy.get("content", ""), str
        ):
            raise TypeError("message_snapshots")
    stack, seen = list(data.get("components") or ()), 0
    while stack and seen < _MOST_COMPONENTS:
        component, seen = stack.pop(), seen + 1
        if not isinstance(component, dict):
            raise TypeError("component")
        if component.get("type") == _TEXT_DISPLAY and not isinstance(component.get("content"), str):
            raise TypeError("content")
        stack.extend(component.get("components") or ())
        if isinstance(accessory := component.get("accessory"), dict):
            stack.append(accessory)


_TEXT_DISPLAY = 10
_MOST_COMPONENTS = 200  # Discord allows 40 in a message; a forged one is read no further


class _TolerantWebSocket(discord.gateway.DiscordWebSocket):
    """The gateway's connection, reconnecting (to resume, when it has a session) on a frame it
    cannot read: JSON cut short or no object, bytes that do not inflate, a READY without its
    session (red-team round 20: a KeyError, exit 1 and a 37-line traceback). discord.py's
    sharded client closed itself on one, and the bot stopped. Unreadable frames one after
    another are waited out longer each time, up to `_LONGEST_WAIT`: a READY that is never
    readable had made it log in afresh every 5 s, 720 times an hour, where Discord allows a
    bot 1,000 a day (red-team round 21)."""

    async def poll_event(self) -> None:
        try:
            await super().poll_event()
        except discord.gateway.ReconnectWebSocket as again:
            # the session invalidated (logging in again), or a RECONNECT, a resumable
            # INVALID_SESSION or a close: each paced when they come one after another
            if not getattr(again, "paced", False):
                await self._paced(resume=again.resume)
            raise

    async def received_message(self, msg: Any, /) -> None:
        try:
            await super().received_message(msg)
        except (*UNREADABLE, AttributeError, zlib.error) as error:  # nested 1,000 deep too (Q1)
            wait = _unreadable_wait(self._connection)
            said = f"waiting {wait:.0f} s, then reconnecting" if wait else "reconnecting"
            log.log(
                logging.ERROR if wait >= _LOUD_WAIT else logging.WARNING,
                "an unreadable gateway frame (%s): %s",
                type(error).__name__,
                said,
            )
            await self.close(code=4000)
            await _wait_unless_closed(self._connection._get_client(), wait)
            resume = self.session_id is not None
            again = discord.gateway.ReconnectWebSocket(self.shard_id or 0, resume=resume)
            again.paced = True  # type: ignore[attr-defined]  # waited out above
            raise again from None

    async def _paced(self, *, resume: bool) -> None:
        """Wait, the socket closed, before connecting again, each shard counting its own.

        Before logging in again after a session Discord ended: with discord.py's 5 s
        (`before_identify_hook`), the first few times within the hour nothing more, then 8,
        16, 32 ... s in all up to `_LONGEST_WAIT` (`identify_wait`). A gateway answering every
        log-in with INVALID_SESSION had made the bot log in every 5 s, 660 times an hour,
        where Discord allows 1,000 a day and then resets the token (red-team round 24, F2).
        Here, not in the hook: that runs within discord.py's 60 s to connect, which cancelled
        a longer wait and counted the try again, so a shard never logged in again (red-team
        round 25, G1). Before resuming: the first few times within five minutes at once,
        then 1, 2, 4 ... s up to half a minute (`resume_wait`); a gateway answering every
        RESUME with a RECONNECT, a resumable INVALID_SESSION or a close had had 341 to 704
        connections a second, logged at most at INFO (red-team round 26, H1)."""
        state = self._connection
        kind = "_essaybot_resumes" if resume else "_essaybot_identifies"
        shards: dict[int, list[float]] = getattr(state, kind, {})
        setattr(state, kind, shards)
        times = shards.setdefault(self.shard_id or 0, [])
        if resume:
            wait = extra = resume_wait(times, time.monotonic())
            said = "connections of shard %d within five minutes: resuming in %.0f s"
        else:
            wait = identify_wait(times, time.monotonic())
            extra = wait - _IDENTIFY_WAIT
            said = "sessions of shard %d within the hour: logging in again in %.0f s"
        if extra > 0:
            log.log(
                logging.ERROR if wait >= _LOUD_WAIT else logging.WARNING,
                "Discord's gateway ended %d " + said,
                len(times),
                self.shard_id or 0,
                wait,
            )
        await _wait_unless_closed(state._get_client(), extra)


# The largest gateway message read, inflated or not (Discord's largest, a big server's
# GUILD_CREATE, is a few MiB).
_MOST_MESSAGE = 16 << 20


class _CappedInflate:
    """discord.py's zlib-stream inflater, bounded: a message of more than `_MOST_MESSAGE`
    bytes, or frames never ending one, is an unreadable frame (ValueError), not inflated
    whole on the event loop (red-team round 22, D6: a 510 KiB frame inflating to 512 MB
    blocked it 3 s and took 1 GB; 256 MB of frames never ending a message were all kept)."""

    __slots__ = ("buffer", "context")
    COMPRESSION_TYPE = "zlib-stream"

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.context = zlib.decompressobj()

    def decompress(self, data: bytes, /) -> str | None:
        """The message `data` ends, inflated; None while it goes on."""
        self.buffer.extend(data)
        if len(self.buffer) > _MOST_MESSAGE:
            self.buffer = bytearray()
            raise ValueError(f"a gateway message of over {_MOST_MESSAGE >> 20} MiB")
        if data[-4:] != b"\x00\x00\xff\xff":  # Z_SYNC_FLUSH ends a message
            return None
        message = self.context.decompress(self.buffer, _MOST_MESSAGE)
        self.buffer = bytearray()
        if self.context.unconsumed_tail:
            raise ValueError(f"a gateway message inflating to over {_MOST_MESSAGE >> 20} MiB")
        return message.decode("utf-8")


class _SaneKeepAlive(discord.gateway.KeepAliveHandler):
    """discord.py's heartbeat, refusing an interval no gateway means (0, negative, NaN, or
    past an hour) as an unreadable frame: 0 had sent some 11,500 heartbeats a second, and
    1e300 killed the heartbeat's thread with a traceback (red-team round 24, F6)."""

    def __init__(self, *args: Any, interval: float | None = None, **kwargs: Any) -> None:
        if interval is None or not _SHORTEST_BEAT <= interval <= _LONGEST_BEAT:
            raise ValueError(f"a heartbeat interval of {interval!r} s")
        super().__init__(*args, interval=interval, **kwargs)


_SHORTEST_BEAT, _LONGEST_BEAT = 1.0, 3600.0  # seconds; Discord's is some 41


_LONGEST_WAIT = 900.0  # 15 minutes: 96 log-ins a day at most
_LOUD_WAIT = 60.0  # from this wait on, an error: Discord, or something between, is broken
_QUIET_AFTER = 1800.0  # unreadable frames this far apart are not one after another


def _unreadable_wait(state: Any) -> float:
    """How long to wait before reconnecting after an unreadable frame: nothing for the first
    in a while, then 4, 8, 16 ... seconds up to `_LONGEST_WAIT` (kept on the client's state)."""
    now = time.monotonic()
    last, count = getattr(state, "_essaybot_unreadable", (now, 0))
    count = count + 1 if now - last < _QUIET_AFTER else 1
    state._essaybot_unreadable = (now, count)
    return 0.0 if count == 1 else _backoff(count)


def _backoff(count: int) -> float:
    """The wait after `count` failures one after another: 2**count s, up to `_LONGEST_WAIT`."""
    return min(_LONGEST_WAIT, 2.0**count)


async def _wait_unless_closed(client: discord.Client, wait: float) -> None:
    """Sleep `wait` seconds, a second at a time, unless `client` closes: a shutdown does not
    wait for a reconnect or a log-in."""
    waited = 0.0
    while waited < wait and not client.is_closed():
        await asyncio.sleep(min(1.0, wait - waited))
        waited += 1.0


_IDENTIFY_WAIT = 5.0  # discord.py's own wait before logging in again
_IDENTIFIES_KEPT = 3600.0  # log-ins again within this long count as one after another
_FREE_IDENTIFIES = 3  # so many of them wait only discord.py's 5 s


_RESUMES_KEPT = 300.0  # reconnects to resume within this long count as one after another
_FREE_RESUMES = 3  # so many of them go at once
_LONGEST_RESUME_WAIT = 30.0  # within discord.py's 60 s to connect, should it come then


def resume_wait(times: list[float], now: float) -> float:
    """How long to wait before reconnecting to resume (`times`, of the reconnects so far,
    gains `now`): nothing for the first few within five minutes, then 1, 2, 4 ... seconds up
    to half a minute."""
    count = _counted_in(times, now, _RESUMES_KEPT) - _FREE_RESUMES
    return 0.0 if count <= 0 else min(_LONGEST_RESUME_WAIT, 2.0 ** (count - 1))


def _counted_in(times: list[float], now: float, kept: float) -> int:
    """How many of `times` are within `kept` seconds of `now`, which joins them (the older
    are dropped)."""
    times[:] = [t for t in times if now - t < kept] + [now]
    return len(times)


def identify_wait(times: list[float], now: float) -> float:
    """How long to wait before logging in again (`times`, of the log-ins again so far, gains
    `now`): discord.py's 5 s for the first few within the hour, then 8, 16, 32 ... seconds
    up to `_LONGEST_WAIT`."""
    count = _counted_in(times, now, _IDENTIFIES_KEPT) - _FREE_IDENTIFIES
    return _IDENTIFY_WAIT if count <= 0 else _backoff(count + 2)


def _tolerant(event: str, parse: Callable[[Any], None]) -> Callable[[Any], None]:
    """`parse`, a gateway event's parser, dropping an event it cannot read with a warning."""

    def parse_or_drop(data: Any) -> None:
        try:
            if event == "INTERACTION_CREATE":
                _who_acted(data)
            elif event in ("MESSAGE_CREATE", "MESSAGE_UPDATE"):
                _texts_are_text(data)
            parse(data)
        except Exception as error:  # any malformed payload, whatever it breaks
            log.warning("dropped a malformed %s event (%s)", event, type(error).__name__)

    return parse_or_drop


# A press on a button whose custom id no button of this version has: answered, not ignored
# (Discord would show "This interaction failed"); so is a form of another version's.
OLD_BUTTON = "That button is from an earlier version of essaybot; ask your question again."
OLD_FORM = "That form is from an earlier version of essaybot; ask your question again."


def _ours(data: Any) -> bool:
    """Whether a component's custom id is one of this version's buttons'."""
    custom_id = str(data.get("custom_id", ""))
    return any(
        item.__discord_ui_compiled_template__.fullmatch(custom_id) for item in (*BUTTONS, TurnPage)
    )


def _turn_gone_from(interaction: discord.Interaction, custom_id: str) -> TurnPage | None:
    """A contents page's button pressed on a message that no longer has it (Next pressed
    twice: the first press turned the page, so the second arrives with the page after it),
    which discord.py drops unanswered ("This interaction failed": red-team round 8)."""
    turn = TurnPage.__discord_ui_compiled_template__.fullmatch(custom_id)
    if turn is None or interaction.message is None:
        return None
    shown = {
        getattr(item, "custom_id", None)
        for row in interaction.message.components
        for item in getattr(row, "children", (row,))
    }
    return None if custom_id in shown else TurnPage(turn["way"], int(turn["page"]), 0)


def refusal(error: Exception) -> str:
    """What Discord answered, in one short line: "503 Service Unavailable", "rate limited for
    3600 s" (an HTML page's text is cut short)."""
    if isinstance(error, discord.RateLimited):
        return f"rate limited for {error.retry_after:.0f} s"
    if isinstance(error, discord.HTTPException):
        said = " ".join(str(error.text or error.code).split())
        said = said if len(said) <= 80 else said[:79] + "…"
        return f"{error.status} {error.response.reason}: {said}"
    return "its gateway's address was not given"


_BUSY = (429, 500, 502, 503, 504)  # statuses of a Discord busy or failing for now


class SeenIds:
    """The last `size` message (or interaction) ids handled: Discord may deliver an event
    more than once (after a resume), and a question is answered once."""

    def __init__(self, size: int = 4096) -> None:
        self._ids: OrderedDict[int, None] = OrderedDict()
        self.size = size

    def __contains__(self, event_id: object) -> bool:
        return event_id in self._ids

    def first(self, event_id: int) -> bool:
        """Whether `event_id` is new (it is remembered now)."""
        if event_id in self._ids:
            return False
        self._ids[event_id] = None
        if len(self._ids) > self.size:
            self._ids.popitem(last=False)
        return True


class SeenPerUser:
    """The last interaction ids handled, kept per user: the last `each` of each of the last
    `users` users. One account's flood of refused commands or presses forgets only its own
    (red-team round 23, E5: one account's 4,200 /ask past the cooldown had pushed another's
    answered follow-up form out of memory, and the form, delivered again after a resume, was
    answered twice in public)."""

    def __init__(self, users: int = 4096, each: int = 32) -> None:
        self._users: OrderedDict[int, SeenIds] = OrderedDict()
        self.users, self.each = users, each

    def __contains__(self, event_id: object) -> bool:
        return any(event_id in seen for seen in self._users.values())

    def holds(self, event_id: int, user_id: int) -> bool:
        """Whether `event_id` of `user_id`'s is remembered."""
        seen = self._users.get(user_id)
        return seen is not None and event_id in seen

    def first(self, event_id: int, user_id: int) -> bool:
        """Whether `event_id` of `user_id`'s is new (it is remembered now)."""
        seen = self._users.get(user_id)
        if seen is None:
            seen = self._users[user_id] = SeenIds(self.each)
            if len(self._users) > self.users:
                self._users.popitem(last=False)
        self._users.move_to_end(user_id)
        return seen.first(event_id)


# The Python types of an option's value by its type: string, integer, boolean, number.
_OPTION_VALUES: dict[int, type | tuple[type, ...]] = {3: str, 4: int, 5: bool, 10: (int, float)}


def _well_formed(tree: app_commands.CommandTree[Any], data: Any, *, typing: bool) -> bool:
    """Whether a slash command's options are this version's: each a parameter of it by name,
    of its type and with a value of that type, and (unless `typing`: a keystroke's options
    are the ones filled in so far) every required one given; a context menu's, whether it
    holds its target. Discord sends no other, but a command of an older version may differ,
    and discord.py took a string option's value of 123 to the command, and options that
    are no objects, or a target missing, to an exception of its own (and no answer)."""
    if not isinstance(data, dict) or not isinstance(data.get("name"), str):
        return False
    kind = data.get("type", 1)
    if type(kind) is not int or kind not in (1, 2, 3):  # discord.py's own lookup raised
        return False
    if kind in (2, 3):  # a context menu's: on a user or a message, sent with its target
        return _has_target(data, "users" if kind == 2 else "messages")
    command = tree.get_command(data["name"])
    if not isinstance(command, app_commands.Command):
        return True  # no slash command of this version's: the tree's own lookup says so
    options = data.get("options", [])
    if not isinstance(options, list) or not all(
        isinstance(o, dict) and isinstance(o.get("name"), str) for o in options
    ):  # a name of a list had raised TypeError, and no answer (red-team round 22)
        return False
    parameters = {p.display_name: p for p in command.parameters}
    given = [o.get("name") for o in options]
    if not typing and any(p.required and name not in given for name, p in parameters.items()):
        return False
    for option in options:
        parameter = parameters.get(option.get("name"))
        if parameter is None or option.get("type") != parameter.type.value:
            return False
        if typing and option.get("focused"):  # what is being typed comes as text,
            if isinstance(option.get("value"), str):  # whatever the option's type
                continue
            return False
        value, wanted = option.get("value"), _OPTION_VALUES.get(parameter.type.value)
        if wanted is not None and (
            not isinstance(value, wanted) or (isinstance(value, bool) and wanted is not bool)
        ):
            return False
    return len(set(given)) == len(given)


def _has_target(data: Any, kind: str) -> bool:
    """Whether a context menu's interaction holds its target, a user or message object (a
    message's poll made one discord.py reads, `_readable_poll`)."""
    resolved = data.get("resolved")
    found = resolved.get(kind) if isinstance(resolved, dict) else None
    target = found.get(str(data.get("target_id"))) if isinstance(found, dict) else None
    if not isinstance(target, dict):
        return False
    return kind == "users" or (isinstance(target.get("author"), dict) and _readable_poll(target))


def _readable_poll(message: dict[str, Any]) -> bool:
    """Whether `message`'s poll, if any, is one discord.py can read: one that never ends
    (Discord documents its `expiry` as nullable) is read as ending when it was posted, as
    discord.py's Poll needs an end and essaybot reads only its question (red-team round 34,
    P7: discord.py's TypeError had left a message command on it unanswered)."""
    poll = message.get("poll")
    if not isinstance(poll, dict) or isinstance(poll.get("expiry"), str):
        return True
    if not isinstance(message.get("timestamp"), str):
        return False
    poll["expiry"] = message["timestamp"]
    return True


def _completes(tree: app_commands.CommandTree[Any], data: Any) -> bool:
    """Whether a keystroke's focused option is one of this version's that offers choices."""
    if not _well_formed(tree, data, typing=True):
        return False
    command = tree.get_command(data["name"])
    focused = next((o.get("name") for o in data.get("options", []) if o.get("focused")), None)
    return isinstance(command, app_commands.Command) and any(
        p.display_name == focused and p.autocomplete for p in command.parameters
    )


class _LateChoices(logging.Filter):
    """discord.py logs choices Discord refused because they came after its 3 seconds (the
    user typed on), or after others for the same keystroke (delivered twice, as after a
    resume: red-team round 34, P6), or not sent at all (`Withheld`), as an ERROR with a
    traceback; nothing failed: one debug line instead."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        late = isinstance(error, discord.HTTPException) and error.code in _TAKEN
        if late or isinstance(error, Withheld):
            log.debug("choices for a keystroke were not taken (%s)", error)
            return False
        return True


_TAKEN = _GONE | {ACKNOWLEDGED}
_LATE_CHOICES = _LateChoices()


async def _out_of_date(interaction: discord.Interaction, why: str) -> None:
    """A command Discord still lists from an older version: one warning naming the fix, and
    the user told privately."""
    log.warning(
        "a command Discord still lists is not this version's (%s); run `essaybot discord "
        "--sync` (global commands take up to an hour to change)",
        why,
    )
    await _reply(interaction, OUT_OF_DATE)


# Commands answered in their first response, not after "thinking…".
_SHOWN_AT_ONCE = frozenset({"help", "sections", "section"})


class _Tree(app_commands.CommandTree["EssayBot"]):
    """The commands; one delivered twice is run once."""

    async def interaction_check(self, interaction: discord.Interaction[EssayBot], /) -> bool:
        if interaction.type is discord.InteractionType.autocomplete:
            # A keystroke: answering it twice is harmless, remembering it is not. One in an
            # option an older version had (Discord's copy lags a sync) takes no choices.
            # With as many first responses open as requests may be (Discord slow), it is
            # dropped: its choices would come too late, and each holds a connection
            # (red-team round 30, L4: one account's keystrokes had held 193).
            if self.client.halts.busy(interaction):
                log.debug("a keystroke dropped: first responses saturated, or its user's")
                return False
            if _completes(self, interaction.data):
                return True
            with contextlib.suppress(*SEND_ERRORS):
                await interaction.response.autocomplete([])
            return False
        command = interaction.type is discord.InteractionType.application_command
        name = interaction.data.get("name") if isinstance(interaction.data, dict) else None
        if command and name in _SHOWN_AT_ONCE and self.client.halts.busy(interaction):
            # /help and the contents answer in their first response: dropped, as a keystroke
            # is (red-team round 31: one account's /help had held 193 connections)
            log.debug("/%s dropped: first responses saturated, or its user's", name)
            return False
        if command and not _well_formed(self, interaction.data, typing=False):
            await _out_of_date(interaction, "its options are not this version's")
            return False
        return self.client.seen_interactions.first(interaction.id, interaction.user.id)


# Message ids of bulk deletes kept, newest last: a raid purged while its answers are made;
# and as many ids of channels deleted.
_PURGED_KEPT = 10_000


def _remember(table: OrderedDict[int, None], ids: Iterable[int]) -> None:
    """Add `ids` to `table`, newest last, keeping the last _PURGED_KEPT."""
    for kept in ids:
        table[kept] = None
    while len(table) > _PURGED_KEPT:
        table.popitem(last=False)


class EssayBot(discord.AutoShardedClient):
    """Answers slash commands and mentions from one Answerer; asks for no privileged intent."""

    def __init__(
        self,
        answerer: Answerer,
        settings: Settings,
        *,
        sync: bool = False,
        question_log: QuestionLog | None = None,
    ) -> None:
        # The bot has no voice: don't warn at start that voice libraries are missing.
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
        # Shards connect with the gateway class their module names: ours reads frames warily.
        discord.shard.DiscordWebSocket = _TolerantWebSocket  # type: ignore[misc]
        discord.gateway.KeepAliveHandler = _SaneKeepAlive  # type: ignore[misc]
        # ... and inflates them with a bound, over zlib even where discord.py would ask for
        # zstd (the zstandard package, Python 3.14), which it inflates unbounded: a 32 KiB
        # frame took 2 GB and blocked the event loop 7.4 s (red-team round 23)
        discord.utils._ActiveDecompressionContext = _CappedInflate
        super().__init__(
            intents=discord.Intents.default(),
            allowed_mentions=NO_MENTIONS,
            shard_count=settings.shard_count,
            # None (the library's default) means every shard; its stub types only lists.
            shard_ids=list(settings.shard_ids) or None,  # type: ignore[arg-type]
            max_ratelimit_timeout=RATE_LIMIT_WAIT,  # the bot's own requests
            # an interaction's; every one's
            http_trace=capped_rate_limits(halts := Halts(), MOST_REQUESTS),
        )
        self.halts = halts  # what stops every request of the bot's (its token refused)
        cap_webhook_waits()  # an interaction's, after a request that spent its bucket
        # A malformed event (a MESSAGE_CREATE of null, one without its author) is dropped
        # with a warning: discord.py's sharded client closed itself on any error parsing one.
        parsers = self._connection.parsers
        for event, parse in list(parsers.items()):
            parsers[event] = _tolerant(event, parse)
        self.answerer = answerer
        self.question_log = question_log
        self.settings = settings
        self.sync_globally = sync
        self.cooldowns = UserCooldowns(settings.cooldown_rate, settings.cooldown_seconds)
        # Prepared once per index: a keystroke or a /sections then costs next to nothing.
        self.section_choices = SectionChoices(self.documents)
        find_sections(self.documents, "")  # every heading folded once, not by a first /section
        self.contents_pages = sections_messages(self.documents)
        self.contents_cooldowns = UserCooldowns(settings.cooldown_rate, settings.cooldown_seconds)
        self.press_cooldowns = UserCooldowns(settings.cooldown_rate, settings.cooldown_seconds)
        # Turning the contents' pages is cheap (they are built) but each turn is a request.
        turns = PAGE_TURNS * settings.cooldown_rate
        self.page_cooldowns = UserCooldowns(turns, settings.cooldown_seconds)
        self.refusal_cooldowns = UserCooldowns(1, settings.cooldown_seconds)  # mentions refused
        self._purged: OrderedDict[int, None] = OrderedDict()  # message ids a moderator purged
        self._deleted: OrderedDict[int, None] = OrderedDict()  # channel and thread ids deleted
        # its own threads Discord says are locked, until it says unlocked: a note would be
        # forgotten at the parent channel's update or after 10 minutes (red-team round 31)
        self._locked: OrderedDict[int, None] = OrderedDict()
        self._removed: OrderedDict[int, None] = OrderedDict()  # servers that removed the bot
        self.passage_keys = PassageKeys(answerer.index)
        # Answers get their own threads: the default pool also resolves host names for
        # aiohttp, and a reply must never wait for an answer to finish. Servers take turns.
        self.answer_workers = Turns(ANSWER_WORKERS, MOST_WAITING, "answer")
        self.busy_notes = UserCooldowns(1, settings.cooldown_seconds)  # BUSY, by server
        # Votes write the question log one at a time, in their own thread: queued behind a
        # log another program held, they had taken every thread of the loop's default pool.
        self.vote_worker = ThreadPoolExecutor(1, thread_name_prefix="vote")
        self.in_flight = InFlight(before_apologies=self._global_limit_over)
        # A shutdown's apologies to mentions: one post per channel, naming its askers
        self.shutdown_apologies: Gathered[tuple[int, Send]] = Gathered(_apologise)
        self.permission_notes = PermissionNotes()
        self.seen = SeenIds()
        # The ids of its own posts, as Discord delivers them: a forward's copy names no
        # author, only the message it copies (red-team round 35, Q4: its own decline,
        # forwarded to it, was asked again). Forgotten at a restart.
        self.own_posts = SeenIds(65_536)
        # Mentions the cooldown refused, kept apart: one account's flood of them (4,200 in
        # 2 s cost one refusal post) had pushed every answered id out of `seen`, and a
        # mention delivered again after a resume was answered twice (red-team round 19, D12).
        self.refused_ids = SeenIds()
        # Interactions, kept apart from mentions too: presses of made-up buttons (answered
        # with no cooldown) and /ask past the cooldown had pushed an answered mention's id
        # out, and it was answered twice when delivered again (red-team round 22, D5);
        # by user, so that one account's refused ones push out only its own (round 23, E5).
        self.seen_interactions = SeenPerUser()
        # Follow-up forms answered, kept apart, and only once let through: the asker's own
        # presses of Ask a follow-up, page turns, another version's forms and forms refused
        # (none costing a turn) had pushed an answered form out of its asker's memory, and
        # the form, delivered again after a resume, was answered twice in the thread
        # (red-team round 25, G3: 33 of them).
        self.answered_forms = SeenPerUser()
        # ... and presses of buttons no essaybot of this version made apart from those: they
        # have no cooldown, and 4,200 of them had pushed an answered form's id out, which was
        # answered twice when Discord delivered it again (red-team round 23, E5)
        self.unknown_presses = SeenIds()
        self._posting: dict[int, int] = {}  # channel -> answers made, not yet posted there
        # Every command works in servers (guild install) and, installed to a user, anywhere.
        self.tree = _Tree(
            self,
            allowed_installs=app_commands.AppInstallationType(guild=True, user=True),
            allowed_contexts=app_commands.AppCommandContext(
                guild=True, dm_channel=True, private_channel=True
            ),
        )
        self.tree.on_error = self.on_command_error  # type: ignore[method-assign]
        logging.getLogger("discord.app_commands.tree").addFilter(_LATE_CHOICES)  # once
        _add_commands(self)
        add_menus(self)

    @property
    def documents(self) -> tuple[Document, ...]:
        """The essays answered from."""
        return self.answerer.index.documents

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """discord.py's 5 s before logging in again (the rest of a longer wait was waited
        before connecting: `_TolerantWebSocket._paced`); a shutdown does not wait."""
        if not initial:
            await _wait_unless_closed(self, _IDENTIFY_WAIT)

    async def setup_hook(self) -> None:
        """Listen for presses of the answers' buttons; sync commands only when asked: to the
        development guild, or globally with --sync. Time each request's reads, not its whole."""
        time_reads(self.http)
        self.add_dynamic_items(*BUTTONS, TurnPage)
        if self.settings.guild_id is not None:
            guild = discord.Object(id=self.settings.guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self._sync(guild)
            log.info("synced %d commands to guild %s", len(synced), guild.id)
        if self.sync_globally:
            synced = await self._sync(None)
            log.info("synced %d commands globally (may take up to an hour to appear)", len(synced))

    async def _sync(self, guild: discord.Object | None) -> list[app_commands.AppCommand]:
        """The commands synced to `guild`, or globally; a refusal is one line at start, not a
        traceback (red-team round 36, R2: a 429 asking for an hour, a 5xx, a 403)."""
        where = f"ESSAYBOT_GUILD_ID {guild.id}: " if guild else ""
        try:
            return await self.tree.sync(guild=guild)
        except (discord.HTTPException, discord.RateLimited) as error:
            busy = not isinstance(error, discord.HTTPException) or error.status in _BUSY
            if busy:
                advice = "start it again later"
            elif guild:  # 403 Missing Access: not in that server
                advice = "invite essaybot to that server, or unset ESSAYBOT_GUILD_ID"
            else:
                advice = "check the application in Discord's Developer Portal"
            there = "there" if guild else "globally"
            raise SettingsError(
                f"{where}Discord refused to sync the commands {there} ({refusal(error)}); {advice}"
            ) from None

    async def on_ready(self) -> None:
        """Log who we are once connected."""
        log.info("ready as %s in %d guild(s)", self.user, len(self.guilds))
        allowed = self.settings.allowed_channels
        # Only a process running every shard, every guild available, sees every channel: with
        # the shards split across processes, the channel may be another process's.
        every = self.shard_ids is None or len(self.shard_ids) >= (self.shard_count or 1)
        seen_all = every and not any(guild.unavailable for guild in self.guilds)
        if allowed and seen_all and not any(map(self.get_channel, allowed)):  # an id, a typo
            log.warning(
                "ESSAYBOT_ALLOWED_CHANNELS: essaybot sees no channel %s, so it answers nowhere; "
                "copy a channel's id (right-click it, Copy Channel ID)",
                ", ".join(map(str, allowed)),
            )

    def answers_in(self, channel: object) -> bool:
        """Whether the channel allowlist (if any) lets the bot answer in `channel` (a message's
        or an interaction's): one of its channels, or a thread in one (follow-ups are answered
        in threads), which names its parent, or the cache does (a private thread's does not);
        or a channel of a category it names, or a thread in one."""
        allowed = self.settings.allowed_channels
        channel_id = getattr(channel, "id", None)
        if not allowed or channel_id in allowed:
            return True
        cached = self.get_channel(channel_id or 0)  # the cache: lookups, no request
        parent = getattr(channel, "parent_id", None)
        if parent is None:
            parent = cached.parent_id if isinstance(cached, discord.Thread) else None
        if parent in allowed:
            return True
        holder = self.get_channel(parent) if parent is not None else cached
        category = getattr(holder, "category_id", None) or getattr(channel, "category_id", None)
        return category is not None and category in allowed

    def refusal(
        self,
        user_id: int,
        channel: object,
        *,
        queued: bool = True,
        posts: Iterable[int | None] = (),
    ) -> str | None:
        """Why this user may not ask in `channel` now, or None: then, when the question is
        `queued` for the answer workers, a place is held for it in its server's turn. One
        whose answer may be posted in one of the channels `posts` names (its own, or the
        thread on the answer it follows up) is told it is busy when `MOST_POSTING` answers
        are waiting to be posted there."""
        if self.in_flight.closing:
            return SHUTTING_DOWN
        if not self.answers_in(channel):
            return self._elsewhere(channel)
        if queued and any(self.posting(place) >= MOST_POSTING for place in posts):
            return BUSY
        return self._let_through(user_id, channel, self.cooldowns, queued=queued)

    def posting(self, channel_id: int | None) -> int:
        """How many posts are waiting to be sent in a channel (`posting_in`)."""
        return self._posting.get(channel_id or 0, 0)

    @contextlib.contextmanager
    def posting_in(self, channel_id: int) -> Iterator[None]:
        """Count an answer made, or a hint or refusal, as waiting to be posted in its channel
        until it is (or fails): Discord takes some five posts in five seconds in a channel,
        and a raid paced to keep the answer workers' queue short had queued 105 answers there,
        unbounded, a reader's waiting 122 s (red-team round 23, E1); 118 hints had done the
        same (round 24, F4)."""
        self._posting[channel_id] = self._posting.get(channel_id, 0) + 1
        try:
            yield
        finally:
            if left := self._posting.pop(channel_id) - 1:
                self._posting[channel_id] = left

    def server(self, channel: object) -> int:
        """Whose turn questions in `channel` wait for (bot/discord_bot/_turns.py): the
        channel's server's, or outside a server that of direct messages."""
        return server_of(_guild_id(channel))

    def _elsewhere(self, channel: object) -> str:
        """Where to ask instead: the allowlist's channels of this server only (red-team round
        12: another server's users had been given the first server's channel ids, which
        showed there as "#unknown" and named, say, its moderators' channel to strangers)."""
        guild = _guild_id(channel)
        if guild is None:
            return "I don't answer in direct messages; ask me in a server's channel."
        here = [
            c
            for c in self.settings.allowed_channels
            if getattr(getattr(self.get_channel(c), "guild", None), "id", None) == guild
        ]
        if not here:
            return "I don't answer in this server."
        return "I only answer in these channels: " + ", ".join(f"<#{c}>" for c in here)

    def press_refusal(self, user_id: int, channel: object = None) -> str | None:
        """Why this user's button press is not answered now, or None (and it is counted);
        a press in `channel` queues work for the answer workers, so it holds a place in its
        server's turn, as a question does (red-team round 21: presses were never refused)."""
        if self.in_flight.closing:
            return SHUTTING_DOWN
        queued = channel is not None
        return self._let_through(user_id, channel, self.press_cooldowns, queued=queued)

    def _let_through(
        self, user_id: int, channel: object, cooldowns: UserCooldowns, *, queued: bool
    ) -> str | None:
        """Why the user may not go on, by the server's queue (when the work is `queued` for
        the answer workers) and by `cooldowns` (counted only when the queue lets it through),
        or None: then a place is held for the work in its server's turn."""
        server = self.server(channel)
        if queued and self.answer_workers.full(server):  # not counted: not asked
            return BUSY
        if too_quick := _too_quick(cooldowns.retry_after(user_id)):
            return too_quick
        if queued and not self.answer_workers.hold(server):  # only another thread's job
            return BUSY
        return None

    def page_refusal(self, user_id: int) -> str | None:
        """Why this user's turn of a contents page is not made now, or None (it is counted)."""
        return _too_quick(self.page_cooldowns.retry_after(user_id))

    async def on_guild_channel_update(
        self, before: discord.abc.GuildChannel, after: discord.abc.GuildChannel
    ) -> None:
        """A channel's permissions may have changed: what it refused is tried again, in it
        and in its threads (and in a category's channels)."""
        changed = {after.id, *(thread.id for thread in getattr(after, "threads", ()))}
        for channel in getattr(after, "channels", ()):  # a category's
            changed |= {channel.id, *(thread.id for thread in getattr(channel, "threads", ()))}
        self.permission_notes.forget(changed)

    async def on_guild_role_update(self, before: discord.Role, after: discord.Role) -> None:
        """A role's permissions may have changed, the bot's among them: what its server
        refused is tried again (red-team round 13: not every server's, which Discord would
        refuse again, each refusal counting towards its limit of invalid requests)."""
        self.permission_notes.forget(_channels_of(after.guild))

    async def on_raw_thread_update(self, payload: discord.RawThreadUpdateEvent) -> None:
        """A thread unlocked (or renamed, or archived): what it refused is tried again
        (red-team round 11: an unlocked thread had been passed over for 10 minutes). A thread
        locked, where the bot may not manage threads, refuses its answers' follow-ups until
        unlocked: noted, not found out by a refused request, and not forgotten at the next
        update while it stays locked (red-team round 29, J2: a rename had forgotten it). Only
        a thread essaybot started, on an answer: any other locked is none of its business
        (round 31, M4: 200 unrelated threads locked gave 200 warnings, and 10,001 pushed a
        channel's refusal out of the notes)."""
        metadata = payload.data.get("thread_metadata")
        mine = self.user is not None and str(payload.data.get("owner_id")) == str(self.user.id)
        locked = isinstance(metadata, dict) and metadata.get("locked") is True
        if mine and locked and not _manages_threads(self.get_channel(payload.parent_id)):
            self.permission_notes.note(payload.thread_id, "threads", "the thread is locked")
            _remember(self._locked, [payload.thread_id])
            return
        self._locked.pop(payload.thread_id, None)
        self.permission_notes.forget({payload.thread_id})

    async def on_guild_join(self, guild: discord.Guild) -> None:
        """Invited (back) to a server, as a moderator may do to mend its permissions: what
        was refused there is tried again (red-team round 11: a channel where the bot had
        been kicked mid-answer stayed silent for 10 minutes). So too when a server is back
        after an outage: rare, and its permissions may have changed meanwhile."""
        self._removed.pop(guild.id, None)
        self.permission_notes.forget(_channels_of(guild))

    on_guild_available = on_guild_join

    async def on_guild_remove(self, guild: discord.Guild) -> None:
        """Kicked or banned from a server (or the server deleted; discord.py says so only of
        a removal, not of an outage): the answers still queued there are not made nor sent
        (red-team round 27, I1: each was made and refused, one warning per channel)."""
        _remember(self._removed, [guild.id])

    async def on_raw_bulk_message_delete(self, payload: discord.RawBulkMessageDeleteEvent) -> None:
        """Messages a moderator purged (a bulk delete is never the asker's own: it takes
        Manage Messages, or a ban): the mentions among them not yet answered are not (red-team
        round 13: a raid's purged mentions had all been answered into the cleaned channel).
        A question its asker deleted alone is still answered."""
        _remember(self._purged, payload.message_ids)

    async def on_guild_channel_delete(self, channel: discord.abc.GuildChannel) -> None:
        """A channel deleted: the answers still queued for it are not sent (`_unwanted`)."""
        _remember(self._deleted, [channel.id])

    async def on_raw_thread_delete(self, payload: discord.RawThreadDeleteEvent) -> None:
        """A thread deleted: the answers still queued for it are not sent (`_unwanted`)."""
        _remember(self._deleted, [payload.thread_id])

    def _unwanted(self, message: discord.Message) -> Withheld | None:
        """Why a reply to `message` (its answer, a hint, a refusal, an apology) is no longer
        to be posted, as the Withheld to raise: a moderator purged it, or its channel refuses
        posts (noted meanwhile, by another mention's reply), or was deleted (Discord said so,
        or refused a reply there 404 10003), or no request of the bot's may go (`Halts`).
        Checked as each request is about to go (red-team round 17; round 18: every answer
        queued for a deleted channel was sent and logged): a few lookups, however many wait."""
        if gone := self._gone(message.id, message.channel.id, _guild_id(message.channel)):
            return gone
        channel = message.channel.id
        refused = self.permission_notes.refused(channel, "posts")
        if not refused and not may_post(message.channel):  # not asked of Discord, which
            self.permission_notes.note(channel, "posts", "as the permissions cached say")
        if refused or self.permission_notes.refused(channel, "posts"):
            return Withheld(f"channel {channel} refuses posts: mention {message.id} unanswered")
        if self.permission_notes.refused(channel, "direct"):  # red-team round 29: one
            # refused request per message of a user who had closed their DMs to the bot
            return Withheld(f"DM {channel} is closed to essaybot: message {message.id} unanswered")
        if halted := self.halts.halted(bot_token=True):
            return Halted(f"{halted}: mention {message.id} unanswered")
        return None

    def _gone(self, message_id: int, channel_id: int, server: int | None) -> Withheld | None:
        """Why a mention is gone before its answer is made, as `_unwanted` says it: purged,
        its channel deleted, or the bot removed from its `server`. Read by an answer worker:
        lookups only."""
        if server in self._removed:
            return Halted(f"essaybot was removed from server {server}: mention {message_id}")
        if message_id in self._purged:
            return Withheld(f"a mention purged by a bulk delete is not answered ({message_id})")
        if channel_id in self._deleted:  # said by Discord, or the first 404's warning
            return Halted(f"channel {channel_id} was deleted: mention {message_id}")
        return None

    def refuses_follow_ups(self, thread_id: int, server: int) -> bool:
        """Whether a follow-up's answer is not to be tried in the thread `thread_id` of
        `server`: the thread deleted, or known to refuse posts (locked), or the bot removed
        from the server. Lookups, but for a lock Discord has since undone."""
        refused = self.locked(thread_id) or self.permission_notes.refused(thread_id, "threads")
        return refused or thread_id in self._deleted or server in self._removed

    def locked(self, thread_id: int) -> bool:
        """Whether the bot's thread `thread_id` is locked, as Discord last said, where the bot
        may not manage threads. The cache has Discord's last word, either way: a thread it
        gives unlocked is forgotten as locked, with its note (red-team round 32, N2: an unlock
        made while the bot logged in again reaches it only in the new session's server, and
        had left the thread passed over until its next update), and one it gives locked is
        locked (round 33, O1: a lock made then had its follow-ups refused, 2 x 403)."""
        thread = self.get_channel(thread_id)
        if isinstance(thread, discord.Thread):
            mine = self.user is not None and thread.owner_id == self.user.id
            if not (thread.locked and mine):
                if thread_id in self._locked:
                    del self._locked[thread_id]
                    self.permission_notes.forget({thread_id})
                return False
        elif thread_id not in self._locked:
            return False
        return not _manages_threads(getattr(thread, "parent", None))

    def thread_gone(self, thread_id: int) -> None:
        """A thread Discord says is gone (404): nothing more is tried there."""
        _remember(self._deleted, [thread_id])

    def _unless_unwanted(self, message: discord.Message, send: Send) -> Send:
        """`send` for a reply to `message`, which sends nothing once it is `_unwanted`."""
        return unless_unwanted(send, lambda: self._unwanted(message))

    async def on_member_update(self, before: discord.Member, after: discord.Member) -> None:
        """The bot's own member changed (Discord tells every bot, whatever its intents): given
        a role, or its timeout lifted, as a moderator mends its permissions; what was refused
        is tried again (red-team round 12: a role given had been ignored for 10 minutes)."""
        mine = self.user is not None and after.id == self.user.id
        # its roles or timeout, not its nickname (red-team round 13)
        mended = before.roles != after.roles or before.timed_out_until != after.timed_out_until
        if mine and mended:
            self.permission_notes.forget(_channels_of(after.guild))

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """Answer a submitted follow-up form, whenever it was opened (even before a restart):
        it is recognised by its custom id, not by an object kept in memory; and a press on
        a button no essaybot of this version made (an older one's), with a note."""
        data: Any = interaction.data if isinstance(interaction.data, dict) else {}
        if interaction.type is discord.InteractionType.component and not _ours(data):
            if self.unknown_presses.first(interaction.id):
                await _reply(interaction, OLD_BUTTON)
            return
        if interaction.type is discord.InteractionType.component and (
            turn := _turn_gone_from(interaction, str(data.get("custom_id", "")))
        ):
            await turn.callback(interaction)  # discord.py drops it: answered here, once
            return
        if interaction.type is discord.InteractionType.modal_submit:
            if data.get("custom_id") != FORM:  # another version's form: a private note
                if self.unknown_presses.first(interaction.id):
                    await _reply(interaction, OLD_FORM)
                return
            try:
                await answer_form(self, interaction)
            except Exception as error:
                if _automod(error):
                    await _reply(interaction, AUTOMOD_BLOCKED)
                    return
                if _given_up(error, "a follow-up form"):  # expired (after 3 s): one warning
                    return
                log_failure(error, "answering a follow-up")
                await _reply(interaction, APOLOGY)

    def is_own(self, message: discord.Message) -> bool:
        """Whether `message` is essaybot's own post, or a forward of one it remembers."""
        if self.user is not None and message.author.id == self.user.id:
            return True
        copied = message.reference
        if copied is None or not message.message_snapshots:
            return False
        return copied.message_id in self.own_posts

    async def on_message(self, message: discord.Message) -> None:
        """Answer a message that mentions the bot, or its own role (Discord offers both), or a
        direct message, as a reply."""
        if self.user is not None and message.author.id == self.user.id:
            self.own_posts.first(message.id)
            return
        if message.author.bot or self.user is None or message.is_system():
            return  # "X added essaybot to the thread" mentions it, and asks nothing
        if getattr(message.author, "system", False):  # Discord's own account, in a DM
            return
        # A DM has no guild; a guild's message does, even when the guild is not in the cache
        # (then `message.guild` is None too, and its channel a partial one naming the guild).
        direct = message.guild is None and getattr(message.channel, "guild_id", None) is None
        role = message.guild.self_role if message.guild else None
        if not direct and not (
            self.user in message.mentions or (role is not None and role in message.role_mentions)
        ):
            return
        if not self.answers_in(message.channel):
            return
        # Delivered again (Discord may, after a resume): answered once. Only what it answers
        # is remembered: every message of a busy server would push a mention out of memory.
        # (Remembered below, as refused or not, before anything is awaited.)
        if message.id in self.seen or message.id in self.refused_ids:
            return
        if self._unwanted(message):
            return  # it would be refused again, or not sent: logged when that began
        mine = {self.user.id, role.id if role else 0}
        question = _MENTION.sub(
            lambda m: " " if int(m.group(1)) in mine else m.group(0),
            text_of(message) if direct else message.content,  # a message forwarded to a DM too
        ).strip()
        # What is looked up: other mentions are left out, so they count for nothing.
        asked = looked_up(question)
        named = any(int(m.group(1)) in mine for m in _MENTION.finditer(message.content))
        if not (direct or named) and (blank(asked) or asks_nothing(asked)):
            return  # a reply to the bot pings it: "Thanks!" or a sticker asks nothing of it
        # Every reply to it, hints and refusals too, is checked as it is about to go.
        reply = self._unless_unwanted(message, reply_to(message, self.permission_notes))

        async def say(text: str) -> None:
            """A hint or refusal: a public post too, which a shutdown waits for, counted among
            the channel's posts waiting, and not made when `MOST_POSTING` wait there, but
            the note that it is busy (red-team round 24, F4: 40 accounts' 118 hints had
            queued ahead of a reader's answer, 128 s)."""
            channel_id = message.channel.id
            if text != BUSY and self.posting(channel_id) >= MOST_POSTING:
                return
            what = _named("reply", message.id, message.author.id, text)
            with self.posting_in(channel_id), self.in_flight.track(what, None):
                await reply(text, allowed_mentions=NO_MENTIONS)

        sent_at = self.permission_notes.now()
        try:
            # Counted first: every reply is a public post, hints and refusals too; a place is
            # held in the server's turn only for a question to answer (red-team round 22: 27
            # "@essaybot hi" from 9 accounts had held all 25 of a server's for 15 s)
            own = self.is_own(message)  # forwarded to it: no question
            unaskable = own or len(asked) > MAX_QUESTION or blank(asked) or asks_nothing(asked)
            # posted in its channel, or in the thread on the answer it replies to, whose id is
            # that answer's (red-team round 24, F1: a raid of replies to one answer had
            # queued 105 answers in its thread, the channel's count 0)
            replied = message.reference.message_id if message.reference else None
            refusal = self.refusal(
                message.author.id,
                message.channel,
                queued=not unaskable,
                posts=(message.channel.id, replied),
            )
            (self.refused_ids if refusal else self.seen).first(message.id)
            if refusal:
                # Said once per cooldown window: a user mentioning on and on gets one reply;
                # that the server is busy, once in it: a raid of many users gets one (in
                # direct messages, each user: no one else sees it)
                if refusal == BUSY:
                    server = self.server(message.channel)
                    noted = message.author.id if server == DIRECT else server
                    quiet = self.busy_notes.retry_after(noted) is not None
                else:
                    quiet = self.refusal_cooldowns.retry_after(message.author.id) is not None
                if not quiet:
                    await say(refusal)
                return
            if own:
                await say(OWN_ANSWER)
                return
            if len(asked) > MAX_QUESTION:  # refused before any work
                await say(too_long(asked))
                return
            if blank(asked) or asks_nothing(asked):
                await say("Ask me a question after the mention, or use /ask. /help explains more.")
                return
            with self.in_flight.track(
                _named("mention", message.id, message.author.id, asked),
                partial(
                    self.shutdown_apologies.add, message.channel.id, (message.author.id, reply)
                ),
            ):
                send, target, earlier = await mention_target(self, message)
                send = self._unless_unwanted(message, send)
                # A follow-up's thread may refuse it (locked): then a reply here instead.
                here = None if target == message.channel.id else (reply, message.channel.id)
                user = message.author.id
                server = self.server(message.channel)
                where = (message.channel.id, _guild_id(message.channel))
                gone = partial(self._gone, message.id, *where)
                await post_answer(
                    self, send, target, question, user, server, earlier, instead=here, gone=gone
                )
        except discord.Forbidden as error:  # not even plain text: nothing can be said there
            if error.code == _THREAD_LOCKED:  # no permission is missing; not kept: unlockable
                self.permission_notes.note(message.channel.id, "locked", error.text, remember=False)
            elif error.code == _DM_CLOSED:  # the user's choice, not a channel's permission
                self.permission_notes.note(message.channel.id, "direct", error.text)
            else:
                sent_at = request_sent(sent_at)
                self.permission_notes.note(message.channel.id, "posts", error.text, sent_at=sent_at)
        except Exception as error:
            if _automod(error):
                await _try(reply(AUTOMOD_BLOCKED, allowed_mentions=NO_MENTIONS), "a note")
                return
            if isinstance(error, discord.NotFound) and error.code == UNKNOWN_CHANNEL:
                _remember(self._deleted, [message.channel.id])  # nothing more sent there
            if _given_up(error, "a mention's answer"):
                return
            if isinstance(error, discord.DiscordServerError):  # sent twice, failed twice
                # the apology would go to the same channel, in the same outage (red-team
                # round 26, H3: each mention then cost four requests and an ERROR)
                log.warning(
                    "a mention's answer: Discord's servers answered %s twice; mention %s "
                    "unanswered, with no apology, which would meet the same outage",
                    error.status,
                    message.id,
                )
                return
            if lost_twice(error):  # it may be showing; an apology would meet the same network
                log.warning(
                    "a mention's answer: Discord's response was lost twice (%s); mention %s "
                    "given no apology, as the answer may be showing",
                    type(error).__name__,
                    message.id,
                )
                return
            log_failure(error, "answering a mention")
            await _try(reply(APOLOGY, allowed_mentions=NO_MENTIONS))

    async def _global_limit_over(self) -> None:
        """discord.py's lock for Discord's global rate limit, set again once the limit is
        over: the task waiting it out clears it, and sets it only when its wait is done; a
        shutdown cancelling that task (its answer cut off) had left it cleared, so that no
        request with the bot's token went again, the apologies among them (red-team round
        26, H2: 0 of 3 askers apologised to, the limit over 2.6 s before their time was up)."""
        lock = getattr(self.http, "_global_over", None)
        if not isinstance(lock, asyncio.Event) or lock.is_set():
            return
        await asyncio.sleep(max(self.halts.global_until - time.monotonic(), 0.0))
        lock.set()

    async def shutdown(self, signal_name: str) -> None:
        """Stop taking questions, give the answers in flight the grace period to finish,
        apologise to the rest, then close."""
        log.info("%s received: closing", signal_name)
        await self.in_flight.drain(self.settings.shutdown_grace_seconds)
        await self.close()

    async def close(self) -> None:
        """Close; when discord.py closes the bot itself (the token reset meanwhile: the gateway's
        4004), the answers in flight first get the grace period and their apologies, as at a
        shutdown: an interaction's token still works (red-team round 11: they had been
        dropped, their askers left with "thinking…")."""
        if not self.in_flight.closing and len(self.in_flight):
            log.warning("the connection to Discord is closing: finishing the answers in flight")
            await self.in_flight.drain(self.settings.shutdown_grace_seconds)
        await super().close()
        self.answer_workers.shutdown()  # its threads end once the jobs waiting are done

    async def on_command_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        """One place for command failures: log the traceback, apologise privately."""
        original = getattr(error, "original", error)
        if _automod(original):
            await _reply(interaction, AUTOMOD_BLOCKED)
            return
        if isinstance(original, discord.Forbidden):  # a permission: "try again" would mislead
            self.permission_notes.note(interaction.channel_id or 0, "responses", original.text)
            await _reply(interaction, NOT_PERMITTED)
            return
        if _given_up(original, f"command {interaction.command and interaction.command.name}"):
            return
        if isinstance(original, _STALE):  # Discord's copy of the commands is an older one's
            await _out_of_date(interaction, str(original))
            return
        log_failure(original, f"command {interaction.command and interaction.command.name}")
        await _reply(interaction, APOLOGY)


def _manages_threads(channel: object) -> bool:
    """Whether the bot may manage threads in `channel`, by the permissions cached (so may
    post in a locked one); not when unknown."""
    permissions = cached_permissions(channel)
    return permissions is not None and permissions.manage_threads


def _guild_id(channel: object) -> int | None:
    """The id of `channel`'s server (a cached channel's guild's, or a partial one's), or None
    for a DM."""
    guild = getattr(getattr(channel, "guild", None), "id", None)
    return guild or getattr(channel, "guild_id", None)


def _channels_of(guild: discord.Guild) -> set[int]:
    """The ids of `guild`'s channels and the threads the cache knows: what its permission
    changes concern."""
    return {channel.id for channel in guild.channels} | {thread.id for thread in guild.threads}
