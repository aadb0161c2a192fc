"""What the bot says: reply texts and limits, embeds, and best-effort ephemeral replies."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import json
import logging
import math
import re
import secrets
import time
import traceback
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import aiohttp
import discord
from multidict import CIMultiDict, CIMultiDictProxy

from bot.embeds import CONTENT_CHARS, EmbedSpec, clip
from bot.in_flight import noting_sent, posted, sent
from bot.permission_notes import PermissionNotes

log = logging.getLogger("bot.discord_bot")  # one logger for the package, named as before

Send = Callable[..., Awaitable[Any]]  # a channel's send, a reply, a webhook's post
MAX_QUESTION = 300  # /ask's option limit; Discord enforces it in the client
NO_MENTIONS = discord.AllowedMentions.none()
COLOUR = discord.Colour.dark_teal()
APOLOGY = "Sorry, something went wrong while answering. It has been logged; please try again."
# Said privately in its place when the answer was sent twice and Discord's response to each
# was lost: it may be showing (red-team round 30, K3).
UNCONFIRMED = (
    "Discord did not confirm that your answer was posted; if none shows, please ask again."
)
SHUTTING_DOWN = "essaybot is shutting down; please ask again in a minute."
BUSY = "Many questions are waiting to be answered here; please ask again in a minute."
# Said also of an answer sent whole but not yet confirmed by Discord, which may show.
SHUTDOWN_APOLOGY = (
    "Sorry, essaybot had to shut down before it could be sure your answer was posted; if "
    "none shows, please ask again in a minute."
)
NO_EMBEDS = "I can't post embeds here: ask a moderator to give me Embed Links."
# Discord's codes for a post its AutoMod blocked: the message, or a thread's title.
AUTOMOD_CODES = frozenset({200000, 200001})
AUTOMOD_BLOCKED = (
    "This server's AutoMod blocked my answer (a quote matched one of its rules), so asking "
    "again would not help; a moderator can exempt essaybot from the rule."
)
NOT_PERMITTED = (
    "Discord refused my reply here: ask a moderator to give me View Channel, Send Messages "
    "and Embed Links in this channel."
)
MISSING_PERMISSIONS = 50013  # Discord's error code for a permission the bot lacks
CANNOT_REPLY = 160002  # Discord's error code for a reply without Read Message History


class Withheld(Exception):
    """A post not sent because it is no longer wanted (`unless_unwanted` says why)."""


class Halted(Withheld):
    """A request not sent because every request like it is refused now (`Halts`): logged at
    debug level, as it was said once when that began."""


# What an apology may fail with: Discord's refusal, or the network (which discord.py passes on).
# What a send can fail with; RuntimeError too: aiohttp's "Session is closed", at shutdown;
# and Withheld: a request stopped as it starts (an interaction's too, red-team round 18).
SEND_ERRORS = (
    discord.HTTPException,
    aiohttp.ClientError,
    OSError,
    asyncio.TimeoutError,
    RuntimeError,
    Withheld,
)


def reply_to(
    message: discord.Message, notes: PermissionNotes
) -> Callable[..., Awaitable[discord.Message]]:
    """`message.reply`, except that a message deleted meanwhile still gets its answer, as
    a plain post (Discord refuses a reply to a missing message by default), and so does one
    where Discord refuses replies (no Read Message History: found out once, then remembered,
    and read as each request is about to go: red-team round 18, answers queued when it was
    taken away had each tried a reply first, each refusal counted by Cloudflare); sent once
    more, with its nonce, when the response is lost (`resent_if_lost`)."""
    channel = message.channel

    def refused() -> bool:
        return notes.refused(channel.id, "replies")

    async def send(*args: Any, **kwargs: Any) -> discord.Message:
        if not refused():
            reference = message.to_reference(fail_if_not_exists=False)
            sent_at = notes.now()
            try:
                with checked_as_sent("replies", refused):  # stopped: a plain post below
                    return await channel.send(*args, reference=reference, **kwargs)
            except discord.Forbidden as error:
                if error.code != CANNOT_REPLY:
                    raise
                notes.note(channel.id, "replies", error.text, sent_at=request_sent(sent_at))
        return await channel.send(*args, **kwargs)

    return resent_if_lost(send, nonce=True)


def to_embeds(specs: list[EmbedSpec]) -> list[discord.Embed]:
    """discord.Embed objects for specs that already respect every limit."""
    embeds = []
    for spec in specs:
        embed = discord.Embed(title=spec.title, description=spec.description or None, colour=COLOUR)
        if spec.footer:
            embed.set_footer(text=spec.footer)
        embeds.append(embed)
    return embeds


def too_long(question: str) -> str:
    """The refusal of a mentioned question longer than /ask allows."""
    return (
        f"Please keep questions to {MAX_QUESTION} characters, as /ask does (that one has "
        f"{len(question):,}); a few of the essays' own words work best."
    )


# Askers named in one apology at most: 20 mentions of ~22 characters and the words fit
# Discord's 2,000 characters many times over (a channel has about 10 answers in flight).
_NAMED_AT_MOST = 20


def shutdown_apology(users: list[int]) -> str:
    """The apology to a channel's askers whose answers a shutdown cut off: one post for all
    of them, naming each (not pinging: it is sent with no mentions allowed)."""
    if len(users) <= 1:
        return SHUTDOWN_APOLOGY
    named = [f"<@{user}>" for user in users[:_NAMED_AT_MOST]]
    more = len(users) - len(named)
    if more:
        named.append(f"{more} more")
    return (
        "Sorry, essaybot had to shut down before it could be sure its answers to "
        f"{', '.join(named[:-1])} and {named[-1]} were posted; if yours does not show, please "
        "ask again in a minute."
    )


def _too_quick(wait: float | None) -> str | None:
    if wait is None:
        return None
    # Whole seconds up, at least 1 (red-team round 12: 0.3 s left had read "try again in 0 s")
    return f"You're asking quickly; please try again in {max(1, math.ceil(wait))} s."


def _named(kind: str, item_id: int, user_id: int, question: str) -> str:
    """How an answer in flight is named in the log."""
    return f"{kind} {item_id} from user {user_id} ({clip(question, 80)!r})"


async def _try(coroutine: object, what: str = "the apology") -> None:
    """Await a best-effort send of `what`; a failure is only logged, even the network's (it
    must not escape an error handler, unretrieved): as one plain warning when nothing could
    have been said (`_given_up`: red-team round 18, a note to an interaction past Discord's
    3 seconds had been logged as a failed apology, with a traceback), else with its traceback.
    Any failure: a response discord.py could not read ("X-RateLimit-Reset-After: soon", from
    a proxy) had raised a ValueError past the handler (red-team round 19, D11)."""
    try:
        await coroutine  # type: ignore[misc]
    except Exception as error:
        if isinstance(error, discord.DiscordServerError):  # one line, as for the answer
            log.warning("could not send %s: Discord's servers answered %s", what, error.status)
        elif not _given_up(error, what):
            log.warning("could not send %s", what, exc_info=True)


# "Unknown channel", "Unknown message", "Unknown webhook", "Unknown interaction", "Invalid
# webhook token" (401, an interaction's token past its 15 minutes): what the bot answered is
# gone (a channel deleted, an interaction expired): nothing more can be said.
UNKNOWN_CHANNEL = 10003
_GONE = frozenset({UNKNOWN_CHANNEL, 10008, 10015, 10062, 50027})


# Discord may ask essaybot to wait before sending again (a 429). Past this many seconds the
# answer is given up with a warning: a reply waiting hours would hold its channel's queue,
# and an interaction's follow-ups die with its token at 15 minutes (red-team round 8).
RATE_LIMIT_WAIT = 60.0
_TOO_MANY_REQUESTS = 429
_UNAUTHORIZED = 401
_EXPIRED_TOKEN = 50027  # an interaction's token, past its 15 minutes (in _GONE)
_INTERACTION_PATH = re.compile(r"/api/v\d+/(webhooks|interactions)/")
_API_PATH = re.compile(r"/api/v\d+/")


# The status of the last request this task sent, as its response ended (0 before): read by
# `_unreadable_success`.
_LAST_STATUS: contextvars.ContextVar[int] = contextvars.ContextVar("last_status", default=0)
# When the last request this task sent went (PermissionNotes' clock, time.monotonic): read by
# `request_sent`.
_LAST_SENT: contextvars.ContextVar[float | None] = contextvars.ContextVar("last_sent", default=None)


def request_sent(fallback: float) -> float:
    """When this task's last request to Discord went (a refusal caught now is of that one),
    else `fallback`: a refusal is dropped as out of date when sent before a channel's change
    (`PermissionNotes.note`), and an answer waits its turn and the channel's rate limit after
    its question came (red-team round 20, D16: every queued answer's refusal was dropped so,
    after the channel's update Discord sends when Send Messages is taken away)."""
    sent = _LAST_SENT.get()
    return fallback if sent is None else max(sent, fallback)


_DISCORD_PY = Path(discord.__file__).parent
# What discord.py raises reading JSON it cannot use: a field missing or of another type, and
# JSON nested past Python's recursion limit or a number past a float's (red-team round 35,
# Q1-Q3: "[[[...]]]" 5,000 deep, "id": 1e999)
UNREADABLE = (ValueError, KeyError, TypeError, RecursionError, OverflowError)


def _unreadable_success(error: BaseException) -> bool:
    """Whether `error` is discord.py failing to read a response that says Discord carried the
    request out (its headers, "X-RateLimit-Reset-After: soon", from a proxy, or its body): the
    answer is showing, and an apology under it would be wrong (red-team round 19, D11).
    Raised within one of discord.py's `request`s, the bot's own (`http.py`) or an
    interaction's (`webhook/async_.py`), where an /ask's shown answer had been deleted as
    if it were "thinking…", and apologised for; or making the message posted of the body."""
    if not isinstance(error, UNREADABLE):
        return False
    if not 200 <= _LAST_STATUS.get() < 300:
        return False
    frames = traceback.extract_tb(error.__traceback__)
    return any(
        frame.name in _READING_AN_ANSWER and Path(frame.filename).is_relative_to(_DISCORD_PY)
        for frame in frames
    )


# discord.py's functions reading Discord's answer to a request: the request's own, and those
# making the message posted of its body (red-team round 35, Q2: "id": 1e999, an embed that is
# a number); not what raises before anything is sent, a wrong argument of essaybot's own
_READING_AN_ANSWER = frozenset({"request", "create_message", "_create_message"})


def _given_up(error: BaseException, what: str) -> bool:
    """Whether `error` leaves nothing to say, logged as one warning: what the bot was
    answering is gone (no failure of essaybot's: an apology would be refused too), or Discord
    asks it to wait longer than RATE_LIMIT_WAIT, or Cloudflare refuses it for sending too
    many invalid requests (a 429 without Discord's JSON: each request more lengthens it), or
    the bot's token was reset meanwhile (red-team round 11: a traceback, then an apology
    refused the same way); or it was not sent at all (`Withheld`)."""
    if isinstance(error, Withheld):
        not_sent(error)
        return True
    if _unreadable_success(error):
        log.warning("%s: Discord carried it out, but its response could not be read", what)
        return True
    if isinstance(error, discord.RateLimited):
        log.warning("%s: Discord asks essaybot to wait %.0f s; given up", what, error.retry_after)
        return True
    if not isinstance(error, discord.HTTPException):
        return False
    if error.status == _UNAUTHORIZED and error.code != _EXPIRED_TOKEN:  # reset meanwhile
        log.warning("%s: Discord no longer accepts essaybot's token (401); given up", what)
        return True  # an apology would be refused too, and Discord counts each refusal
    if error.status == _TOO_MANY_REQUESTS and not _still_limited(error):
        pause = cloudflare_pause(error.response.headers)
        log.warning(
            "%s: Discord's Cloudflare refuses essaybot for now; given up, and nothing is sent "
            "for %.0f s",
            what,
            pause,
        )
        return True
    if error.code not in _GONE:
        return False
    log.warning("%s: Discord no longer knows where to answer (%s)", what, error.text)
    return True


def _still_limited(error: BaseException) -> bool:
    """Whether `error` is Discord's own 429 (its API's Via header), not Cloudflare's: discord.py
    waits out each, but gives up after five in a row (short waits asked again and again)."""
    return (
        isinstance(error, discord.HTTPException)
        and error.status == _TOO_MANY_REQUESTS
        and "Via" in error.response.headers
    )


def patient(send: Send) -> Send:
    """`send`, tried once more when Discord asked essaybot to wait five times in a row
    (discord.py's last try): a short limit met again and again is over within seconds, and
    a 429 made nothing, so nothing shows twice (red-team round 11: the answer was lost)."""

    async def again(*args: Any, **kwargs: Any) -> Any:
        try:
            return await send(*args, **kwargs)
        except discord.HTTPException as error:
            if not _still_limited(error):
                raise
            log.warning("Discord asked essaybot to wait five times in a row; trying once more")
            return await send(*args, **kwargs)

    return again


# A response lost: the connection dropped, or its body cut short; with no status, Discord may
# have made the message or edit all the same. Or Discord's 5xx, which it may answer to what it
# carried out (discord.py retries 500, 502, 504 and 524 five times, and not 503 at all: red-team
# round 16 lost an answer to one 503, and deleted one made but answered 502 five times). Or
# no response within aiohttp's 300 s, a builtin TimeoutError (round 29, K3: a shown /ask
# answer had been deleted, an apology posted under a mention's, each with an ERROR).
LOST = (aiohttp.ClientError, json.JSONDecodeError, discord.DiscordServerError, TimeoutError)
_MAYBE_SHOWN = "essaybot_maybe_shown"  # an interaction's `extras`: its answer may be showing


def resent_if_lost(send: Send, *, nonce: bool) -> Send:
    """`send`, sent once more when its response was lost: an edit repeated is the same edit,
    and a channel post repeated with its `nonce` (discord.py sends it with `enforce_nonce`)
    gets the first message back, so nothing shows twice (red-team round 13: the shown answer
    had been deleted as if it were "thinking…", or a public apology posted under it)."""

    async def again(*args: Any, **kwargs: Any) -> Any:
        if nonce:
            kwargs.setdefault("nonce", secrets.randbits(63))  # the same on both tries
        try:
            return await send(*args, **kwargs)
        except LOST as error:
            failed = getattr(error, "status", None) or type(error).__name__
            log.warning("Discord's response was lost or failed (%s); sending once more", failed)
            try:
                return await send(*args, **kwargs)
            except LOST as twice:
                twice.add_note(_LOST_TWICE)
                raise

    return again


_LOST_TWICE = "sent twice by essaybot, its response lost or failed both times: it may show"


def lost_twice(error: BaseException) -> bool:
    """Whether `error` ended a send tried twice (`resent_if_lost`): what it sent may be
    showing, so an apology telling the asker to try again would be wrong under it, and
    would meet the same network (red-team round 30, K3: an ERROR with its traceback and
    "please try again" under the answer that showed; at scale 260 ERRORs, 399 apologies)."""
    return _LOST_TWICE in getattr(error, "__notes__", ())


def log_failure(error: BaseException, what: str) -> None:
    """Log that answering `what` failed, before an apology: as one warning when Discord kept
    asking essaybot to wait (red-team round 11: it had been logged as Cloudflare's refusal,
    and nothing said), as one line when Discord's servers failed it (5xx after discord.py's
    retries and essaybot's one more: an outage, red-team round 18's O6 had two tracebacks per
    mention), else with its traceback."""
    if _still_limited(error):
        log.warning("%s failed: Discord asked essaybot to wait five times in a row", what)
    elif isinstance(error, discord.DiscordServerError):  # Discord's outage, not a fault here
        log.error("%s failed: Discord's servers answered %s", what, error.status)
    elif lost_twice(error):  # the network's, not a fault here; what was sent may show
        log.warning("%s: Discord's response was lost twice (%s)", what, type(error).__name__)
    else:
        log.error("%s failed", what, exc_info=error)


# Why the request about to go is no longer wanted, or None: set by `unless_unwanted` for the
# task sending, read by the trace of `capped_rate_limits` as each request starts.
_UNWANTED: contextvars.ContextVar[Callable[[], Withheld | None] | None] = contextvars.ContextVar(
    "essaybot_unwanted", default=None
)


def not_sent(withheld: Withheld) -> None:
    """Log a request not sent: at debug level when it was `Halted` (said when that began)."""
    log.log(
        logging.DEBUG if isinstance(withheld, Halted) else logging.INFO, "not sent: %s", withheld
    )


def unless_unwanted(send: Send, unwanted: Callable[[], Withheld | None]) -> Send:
    """`send`, which sends nothing (logged, and returns None) once `unwanted` gives the reason
    to withhold it: checked as it is called, and again as each of its requests is about to
    go, after discord.py's wait for the channel's rate limit (red-team round 17: a raid's
    answers and hints waiting there were posted after a moderator had purged the raid, and
    answers queued when Send Messages was taken away were each still tried twice, embeds then
    plain text, every 403 counted by Cloudflare towards its ban). A request stopped as it
    starts has had its turn in discord.py's bucket, which cannot be given back: a purged
    raid's queue drains at the channel's rate, as it would have, but posts nothing."""

    async def sending(*args: Any, **kwargs: Any) -> Any:
        token = _UNWANTED.set(unwanted)
        try:
            if withheld := unwanted():  # not queued behind the channel's rate limit at all
                raise withheld
            return await send(*args, **kwargs)
        except Withheld as withheld:
            not_sent(withheld)
            return None
        finally:
            _UNWANTED.reset(token)

    return sending


# Seconds nothing is sent after Discord's Cloudflare refused a request without saying how
# long (no Retry-After): its bans last about an hour, so this asks again every 10 minutes.
CLOUDFLARE_PAUSE = 600.0
# ... and the longest wait a Retry-After of Cloudflare's is taken for: a proxy's 1e8 had
# stopped every request for three years (red-team round 34, P5).
CLOUDFLARE_LONGEST = 3600.0
# Seconds the bot's token is not used after Discord refused it (401), unless the gateway's
# close (4004) ends the bot first; then one request asks again: one 401 (an edge's blip)
# had stopped every mention's answer for good, the gateway still open (round 34, P4).
TOKEN_RECHECK = 60.0


def cloudflare_pause(headers: Mapping[str, str]) -> float:
    """How long to send nothing after Cloudflare's refusal: its Retry-After, if it gives one
    in seconds (CLOUDFLARE_LONGEST at most), else CLOUDFLARE_PAUSE."""
    try:
        pause = float(headers.get("Retry-After", ""))
    except ValueError:  # none, or an HTTP date
        return CLOUDFLARE_PAUSE
    return min(pause, CLOUDFLARE_LONGEST) if 0 <= pause < math.inf else CLOUDFLARE_PAUSE


class Halts:
    """What stops every request of the bot's, learnt from one response: Discord refused the
    bot's token (401: reset meanwhile), and every later request with it would be refused
    too, each counted towards Cloudflare's ban (red-team round 18: 12 queued answers each
    sent theirs; an interaction's own token still works: its requests go on), for
    TOKEN_RECHECK seconds, unless the gateway's close ends the bot first; or Discord's
    Cloudflare refused a request (a 429 without Discord's Via header), and each request more
    lengthens its ban: none is sent for `cloudflare_pause` (red-team round 18: every new
    question sent one more, 25 in 2.6 s)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._token_refused_at = -math.inf  # when Discord last refused the bot's token
        self._paused_until = -math.inf
        self.global_until = -math.inf  # when Discord's last global rate limit is over
        self.first_responses_open = 0  # interactions' first responses sent, not yet ended
        self.most_open = math.inf  # requests open at once, at most (`capped_rate_limits`)
        self.users: dict[int, int] = {}  # interaction id -> user, of first responses to come
        self.open_of: Counter[int] = Counter()  # user -> first responses open

    def saturated(self) -> bool:
        """Whether as many interactions' first responses are open as requests may be
        (Discord slow to take them): one more would hold one more connection."""
        return self.first_responses_open >= self.most_open

    def busy(self, interaction: discord.Interaction[Any]) -> bool:
        """Whether a first response to `interaction` that is dropped if need be (a keystroke's
        choices, /help, a form, a private note) is to be dropped: `saturated`, or its user
        has MOST_OPEN_OF_ONE open (red-team round 33, N1's remainder: one account's 50 forms
        open had dropped every other user's). If not, its response is counted as its user's
        when it is sent (`capped_rate_limits`)."""
        user = interaction.user.id
        if self.saturated() or self.open_of[user] >= MOST_OPEN_OF_ONE:
            return True
        if len(self.users) >= _USERS_KEPT:  # those never sent, forgotten
            self.users.clear()
        self.users[interaction.id] = user
        return False

    def why(self, path: str) -> str | None:
        """Why a request to `path` (its URL's) is not to be sent now, or None."""
        if not _API_PATH.match(path):  # the gateway's connection: discord.py's own affair
            return None
        return self.halted(bot_token=not _INTERACTION_PATH.match(path))

    def halted(self, *, bot_token: bool) -> str | None:
        """Why a request (with the bot's token, or an interaction's) is not to be sent now."""
        if self._clock() < self._paused_until:
            return "Discord's Cloudflare refuses essaybot for now"
        if bot_token and self._clock() < self._token_refused_at + TOKEN_RECHECK:
            return "Discord no longer accepts essaybot's token"
        return None

    def learn(self, path: str, status: int, headers: Mapping[str, str]) -> None:
        """Take note of a response that dooms every request like its own."""
        bot_token = _API_PATH.match(path) and not _INTERACTION_PATH.match(path)
        if status == _UNAUTHORIZED and bot_token:
            self._token_refused_at = self._clock()
        if status == _TOO_MANY_REQUESTS and "Via" not in headers and _API_PATH.match(path):
            until = self._clock() + cloudflare_pause(headers)
            self._paused_until = max(self._paused_until, until)
        if status == _TOO_MANY_REQUESTS and headers.get("X-RateLimit-Global", "") == "true":
            with contextlib.suppress(ValueError):
                self.limited_globally(float(headers.get("Retry-After", "")))

    def limited_globally(self, wait: float) -> None:
        """Take note of Discord's global rate limit for `wait` seconds (at most
        RATE_LIMIT_WAIT; a wait no finite number, or none, is no note)."""
        if math.isfinite(wait) and wait > 0:
            until = self._clock() + min(wait, RATE_LIMIT_WAIT)
            self.global_until = max(self.global_until, until)


async def _withhold_unwanted(
    session: aiohttp.ClientSession, context: Any, params: aiohttp.TraceRequestStartParams
) -> None:
    """Stop a request as it starts, when the post it makes is no longer wanted."""
    unwanted = _UNWANTED.get()
    if unwanted is not None and (withheld := unwanted()):
        raise withheld


class Refused(Exception):
    """A request stopped as it was about to go: Discord refused one like it in its channel
    meanwhile (`what`, as PermissionNotes names it), so it is sent the other way at once."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


# What Discord may have refused meanwhile that would refuse the request about to go: set by
# `checked_as_sent` for the task sending, read by the trace of `capped_rate_limits`.
_REFUSALS: contextvars.ContextVar[tuple[tuple[str, Callable[[], bool]], ...]] = (
    contextvars.ContextVar("essaybot_refusals", default=())
)


@contextlib.contextmanager
def checked_as_sent(what: str, refused: Callable[[], bool]) -> Iterator[None]:
    """A block whose request is stopped as it is about to go, after discord.py's wait for the
    channel's rate limit, once `refused()` says Discord refused `what` there meanwhile: the
    block is then left, and the code after it sends the other way (red-team round 18: the
    refusal had been read before that wait, so every answer queued behind the first refused
    was refused too). A refusal of an outer block's `what` is left to that block."""
    token = _REFUSALS.set((*_REFUSALS.get(), (what, refused)))
    try:
        yield
    except Refused as stopped:
        if stopped.what != what:
            raise
    finally:
        _REFUSALS.reset(token)


def cached_permissions(channel: object) -> discord.Permissions | None:
    """The bot's permissions in a server's channel or thread as discord.py's cache holds them
    (its roles and the channel's overwrites applied); None outside a server, or where the
    cache cannot say (a channel known by its id alone, a thread whose parent is not cached).
    Read before a post, so that one Discord would refuse is not sent: every refused request
    counts towards Discord's limit of them, a bot's across all its servers (red-team round
    24, F9: each channel refusing posts had cost two before the refusal was remembered)."""
    guild = getattr(channel, "guild", None)
    me = getattr(guild, "me", None)
    if me is None or not isinstance(channel, discord.abc.GuildChannel | discord.Thread):
        return None
    try:
        return channel.permissions_for(me)
    except discord.ClientException:  # a thread whose parent is not cached
        return None


def may_post(channel: object) -> bool:
    """Whether the bot may post in `channel`, as far as the cache says (`cached_permissions`;
    True where it cannot say): Send Messages, or in a thread Send Messages in Threads."""
    permissions = cached_permissions(channel)
    if permissions is None:
        return True
    if isinstance(channel, discord.Thread):
        return permissions.send_messages_in_threads
    return permissions.send_messages


def may_embed(channel: object) -> bool:
    """Whether the bot may embed in `channel`, as far as the cache says (True where it cannot
    say): Embed Links."""
    permissions = cached_permissions(channel)
    return permissions is None or permissions.embed_links


async def _stop_refused(
    session: aiohttp.ClientSession, context: Any, params: aiohttp.TraceRequestStartParams
) -> None:
    """Stop a request as it starts, when Discord refused one like it meanwhile."""
    for what, refused in _REFUSALS.get():
        if refused():
            raise Refused(what)


# An interaction's first response ("thinking…", a form, choices): Discord takes it within
# 3 s of the interaction or never, so it waits for no other request.
_FIRST_RESPONSE = re.compile(r"/api/v\d+/interactions/(?P<id>\d+)/[^/]+/callback")
# One user's first responses that may be dropped (`Halts.busy`), open at once, at most: with
# Discord healthy each takes a tenth of a second, so a person typing or pressing has one or
# two open.
MOST_OPEN_OF_ONE = 4
_USERS_KEPT = 10_000


def capped_rate_limits(halts: Halts, most_open: int) -> aiohttp.TraceConfig:
    """A trace raising discord.RateLimited for an interaction's request that Discord asks to
    wait more than RATE_LIMIT_WAIT: discord.py's webhooks would sleep however long it says
    (its `max_ratelimit_timeout` caps only the bot's own requests); and, as a request starts,
    once it is one of `most_open` open to Discord's API (an interaction's first response
    apart), Halted for any while `halts` says so (learnt from every response), Withheld for
    one whose post is no longer wanted (`unless_unwanted`), and Refused for one that Discord
    refused the like of meanwhile (`checked_as_sent`). The bound: with Discord slow to
    respond, a raid over 300 channels had held 302 connections, and 400 descriptors ran out
    (red-team round 28, J4); bounding the connection pool instead had kept interactions'
    first responses waiting past their 3 s behind slow posts, and run the checks before the
    wait (round 29, K1, K2)."""
    open_requests = asyncio.Semaphore(most_open)
    halts.most_open = most_open

    async def on_request_start(
        session: aiohttp.ClientSession, context: Any, params: aiohttp.TraceRequestStartParams
    ) -> None:
        path = params.url.path
        if first := _FIRST_RESPONSE.fullmatch(path):  # counted, for keystrokes to be dropped
            halts.first_responses_open += 1  # (`Halts`), and by user for those it may drop
            context.first = True
            if (user := halts.users.pop(int(first["id"]), None)) is not None:
                halts.open_of[user] += 1
                context.user = user
        elif path.startswith("/api/"):
            await open_requests.acquire()
            context.open = True  # released at the request's end, whatever it is
        try:
            # Discord's global rate limit, said while this request waited for its place:
            # waited out, not met by every request waiting (red-team round 30, L3: 70 429s);
            # by the REST API's requests with the bot's token only, not the gateway's
            # connection (round 31, M2: a resume had waited 18.8 s out, interactions lost)
            if _API_PATH.match(path) and not _INTERACTION_PATH.match(path):
                await asyncio.sleep(max(halts.global_until - time.monotonic(), 0.0))
            if (deadline := _DEADLINE.get()) is not None:  # from now, not the wait for a place
                deadline.reschedule(asyncio.get_running_loop().time() + REQUEST_DEADLINE)
            _LAST_STATUS.set(0)
            _LAST_SENT.set(time.monotonic())
            if reason := halts.why(path):
                raise Halted(reason)
            await _withhold_unwanted(session, context, params)
            await _stop_refused(session, context, params)
        except BaseException:
            closed(context)  # aiohttp sends no end for a start that raised
            raise

    def closed(context: Any) -> None:
        if getattr(context, "open", False):
            context.open = False
            open_requests.release()
        if getattr(context, "first", False):
            context.first = False
            halts.first_responses_open -= 1
        if (user := getattr(context, "user", None)) is not None:
            context.user = None
            halts.open_of[user] -= 1
            if halts.open_of[user] <= 0:
                del halts.open_of[user]

    async def on_request_exception(
        session: aiohttp.ClientSession, context: Any, params: aiohttp.TraceRequestExceptionParams
    ) -> None:
        closed(context)

    async def on_request_end(
        session: aiohttp.ClientSession, context: Any, params: aiohttp.TraceRequestEndParams
    ) -> None:
        response = params.response
        try:  # the place is given back with the connection: once the body is read too
            await _read_body(response)  # kept: discord.py's read returns it (red-team round
        except (aiohttp.ClientError, TimeoutError, ValueError) as error:  # 30, L2: headers at
            if isinstance(error, ResponseTooLarge):  # once and the body late had held 145
                raise  # connections); an error reading it is discord.py's to meet again
        finally:
            closed(context)
        _finite_waits(response)
        _LAST_STATUS.set(response.status)
        if response.ok and params.method in ("POST", "PATCH"):
            posted()  # an answer being posted is (`InFlight.posting`)
        elif params.method in ("POST", "PATCH"):
            sent(whole=False)  # refused: what it posts does not show
        halts.learn(params.url.path, response.status, response.headers)
        if response.status != _TOO_MANY_REQUESTS or "Via" not in response.headers:
            return
        await _finite_retry_after(response)
        # said by the body alone, its headers lost on the way (red-team round 31: 75 429s)
        with contextlib.suppress(ValueError, TypeError, aiohttp.ClientError):
            said = await response.json()
            if isinstance(said, dict) and said.get("global") is True:
                halts.limited_globally(float(said["retry_after"]))
        if not _INTERACTION_PATH.match(params.url.path):
            return
        try:
            retry_after = float((await response.json())["retry_after"])
        except (ValueError, KeyError, TypeError, aiohttp.ClientError):
            return  # discord.py tells it apart
        if retry_after > RATE_LIMIT_WAIT:
            raise discord.RateLimited(retry_after)

    async def on_request_chunk_sent(
        session: aiohttp.ClientSession, context: Any, params: aiohttp.TraceRequestChunkSentParams
    ) -> None:
        if params.method in ("POST", "PATCH"):
            sent()  # a post gone whole (its JSON is one chunk), its response not yet back

    trace = aiohttp.TraceConfig()
    trace.on_request_start.append(on_request_start)
    trace.on_request_chunk_sent.append(on_request_chunk_sent)
    trace.on_request_end.append(on_request_end)
    trace.on_request_exception.append(on_request_exception)
    return trace


# The most of a response's body read, once inflated: Discord's biggest to the bot are a few
# hundred KB (a page of 100 messages). An endless one had grown the bot by 187 MiB in 6 s, for
# as long as the request's deadline (red-team round 33, M1's remainder: 8 GiB in 300 s).
MAX_RESPONSE_BYTES = 8 * 2**20


class ResponseTooLarge(aiohttp.ClientPayloadError):
    """A response's body over MAX_RESPONSE_BYTES: not read further, the connection closed."""


async def _read_body(response: aiohttp.ClientResponse) -> None:
    """Read `response`'s body, kept as aiohttp keeps a body read (its `read` returns it), up
    to MAX_RESPONSE_BYTES; past that the connection is closed and ResponseTooLarge raised."""
    if (response.content_length or 0) > MAX_RESPONSE_BYTES:
        response.close()
        raise ResponseTooLarge(f"Discord's response said {response.content_length} bytes")
    chunks, size = [], 0
    async for chunk in response.content.iter_any():
        size += len(chunk)
        if size > MAX_RESPONSE_BYTES:
            response.close()
            raise ResponseTooLarge(f"Discord's response went on past {MAX_RESPONSE_BYTES} bytes")
        chunks.append(chunk)
    response._body = b"".join(chunks)


# aiohttp's timeout for the bot's requests: none for the whole request, which counts the wait
# for a place among `capped_rate_limits`'s (red-team round 30, L1: a request that had waited
# 300 s was sent with no timeout at all, and one that never had its response held its place
# for good), but 300 s for each read, as long as a response that never comes was given.
REQUEST_TIMEOUT = aiohttp.ClientTimeout(total=None, sock_connect=30, sock_read=300)
# ... and the whole request, from its place got to its response read, this long: a response
# coming a byte at a time, each within the read timeout, had held its place for good
# (red-team round 31, M1: 50 such held every place; no answer went out again).
REQUEST_DEADLINE = 300.0
_DEADLINE: contextvars.ContextVar[asyncio.Timeout | None] = contextvars.ContextVar(
    "deadline", default=None
)


def time_reads(http: discord.http.HTTPClient) -> None:
    """Give discord.py's session (made at login; the interactions' webhooks share it)
    `REQUEST_TIMEOUT`, and each of its requests a deadline that `capped_rate_limits` starts
    once the request has its place: discord.py takes no timeout of its own."""
    session = getattr(http, "_HTTPClient__session", None)
    if not isinstance(session, aiohttp.ClientSession):
        return
    session._timeout = REQUEST_TIMEOUT
    request = session._request

    async def with_deadline(*args: Any, **kwargs: Any) -> aiohttp.ClientResponse:
        async with asyncio.timeout(None) as deadline:  # set when the place is got
            token = _DEADLINE.set(deadline)
            try:
                return await request(*args, **kwargs)
            finally:
                _DEADLINE.reset(token)

    session._request = with_deadline  # type: ignore[method-assign]


# The headers saying how long to wait, which discord.py reads as floats and sleeps for.
_WAITS = ("X-RateLimit-Reset-After", "X-RateLimit-Reset", "Retry-After")
_UNKNOWN_WAIT = "1"  # seconds waited where a header says NaN or infinity


def _finite_waits(response: aiohttp.ClientResponse) -> None:
    """Make a wait that reads as NaN or infinity (a proxy's "nan") one second, as the
    response is read: discord.py slept `asyncio.sleep(nan)`, whose NaN deadline breaks the
    order of the event loop's timers, and every timer of the bot then fired up to 30 s late
    (red-team round 20, D13: the 15.8 s loop gap of round 19); infinity slept for ever.
    Headers that are no number at all are left to discord.py (`_given_up`). A bucket's reset
    over RATE_LIMIT_WAIT away while it has requests left is RATE_LIMIT_WAIT: discord.py kept
    it, never refreshed while requests were left, and gave up every later answer in the
    channel until then (red-team round 23, E3: an hour; with 1e9, until a restart). An
    absolute reset no date can hold ("1e20": discord.py's OverflowError) is one second too,
    and a bucket's limit below one request is one: discord.py counted every later request
    in the channel over it, and waited in 30 s rounds for ever (round 34, P1 and P2)."""
    given = response.headers
    changed = {name: _UNKNOWN_WAIT for name in _WAITS if _not_finite(given.get(name))}
    if changed:
        log.warning(
            "Discord's response gave %s no finite number: waiting %s s",
            next(iter(changed)),
            _UNKNOWN_WAIT,
        )
    odd = {"X-RateLimit-Reset": _UNKNOWN_WAIT} if _no_date(given.get("X-RateLimit-Reset")) else {}
    with contextlib.suppress(ValueError):
        if int(given.get("X-RateLimit-Limit", "1")) < 1:
            odd["X-RateLimit-Limit"] = "1"
    for name, value in odd.items():
        log.warning("Discord's response gave %s %.40r: %s instead", name, given[name], value)
    changed |= odd
    if not changed and _far_reset(given):
        log.warning(
            "Discord's response resets its bucket in %.0f s with requests left: %g s instead",
            min(_reset_after(response.headers), 1e18),
            RATE_LIMIT_WAIT,
        )
        changed = {"X-RateLimit-Reset-After": f"{RATE_LIMIT_WAIT:g}"}
    if not changed:
        return
    headers = CIMultiDict(response.headers)
    headers.update(changed)
    # what `response.headers` returns, and has kept since first read (aiohttp's `reify`)
    response._headers = CIMultiDictProxy(headers)
    response._cache.pop("headers", None)


async def _finite_retry_after(response: aiohttp.ClientResponse) -> None:
    """Make a 429's `retry_after` that is no finite number of seconds, or missing, one
    second, as its body is read: discord.py slept on the body's NaN for ever, holding the
    channel's rate-limit lock, so the channel went silent until a restart, and every channel
    when it said `"global": true` (red-team round 22, D2); a string or none had been a
    traceback, and an integer too big for a float an OverflowError (round 23). A body that is
    no JSON object is left to discord.py (a Cloudflare ban)."""
    try:
        data = await response.json()
    except (ValueError, aiohttp.ClientError):
        return
    if not isinstance(data, dict):
        return
    wait = data.get("retry_after")
    with contextlib.suppress(OverflowError):  # an integer of 400 digits (red-team round 23)
        if (
            not isinstance(wait, bool)
            and isinstance(wait, int | float)
            and 0 <= float(wait) < math.inf
        ):
            return
    log.warning("Discord's 429 gave retry_after %.40r, no number of seconds: waiting 1 s", wait)
    data["retry_after"] = float(_UNKNOWN_WAIT)
    response._body = json.dumps(data).encode()  # what discord.py reads next


def _far_reset(headers: Mapping[str, str]) -> bool:
    """Whether a bucket with requests left resets over RATE_LIMIT_WAIT from now, by its
    `X-RateLimit-Reset-After`, or without one its absolute `X-RateLimit-Reset`, which
    discord.py then reads (red-team round 24, F3: an hour away, it silenced the channel)."""
    try:
        left = int(headers.get("X-RateLimit-Remaining", "0"))
        return left > 0 and _reset_after(headers) > RATE_LIMIT_WAIT
    except (ValueError, OverflowError):
        return False


def _reset_after(headers: Mapping[str, str]) -> float:
    """Seconds until a bucket resets, as discord.py reads them from `headers`."""
    after = headers.get("X-RateLimit-Reset-After")
    if after is not None:
        return float(after)
    return float(headers.get("X-RateLimit-Reset", "0")) - time.time()


def _no_date(value: str | None) -> bool:
    """Whether `value`, seconds since 1970, is a finite number past what a date can hold."""
    try:
        number = float(value) if value is not None else 0.0
    except ValueError:
        return False
    return math.isfinite(number) and not -_LAST_DATE < number < _LAST_DATE


_LAST_DATE = 2.5e11  # seconds since 1970 of a day in the year 9892: datetime's last is 9999


def _not_finite(value: str | None) -> bool:
    try:
        return value is not None and not math.isfinite(float(value))
    except ValueError:
        return False


def cap_webhook_waits() -> None:
    """Stop discord.py's webhooks from holding an interaction's answer while they wait out a
    spent bucket (a success with X-RateLimit-Remaining 0): they slept its reset, however long,
    inside the request, holding the interaction's lock, and a cancelled sleep never released it
    (red-team round 16: an answered /ask stayed in flight an hour with a reset of 3,600 s, and
    its apology at shutdown hung on the lock). Now the request returns at once and the lock
    is released after the reset, at most RATE_LIMIT_WAIT later, so the interaction's next
    request still waits for it; one sent within a longer reset gets Discord's 429, which
    `capped_rate_limits` gives up on. Set once, on discord.py's class (used by webhooks only)."""
    lock_class: Any = discord.webhook.async_.AsyncDeferredLock
    if getattr(lock_class.__aexit__, "released_later", False):
        return

    async def released_later(self: Any, *_exc: object) -> None:
        delay = min(float(self.delta or 0), RATE_LIMIT_WAIT)
        if delay > 0:
            asyncio.get_running_loop().call_later(delay, self.lock.release)
        else:
            self.lock.release()

    released_later.released_later = True  # type: ignore[attr-defined]
    lock_class.__aexit__ = released_later


ACKNOWLEDGED = 40060  # "Interaction has already been acknowledged"


async def think(interaction: discord.Interaction, *, ephemeral: bool = False) -> None:
    """Show "essaybot is thinking…" as the interaction's first response. Discord may carry
    it out yet answer 5xx; discord.py then retries, and Discord refuses the retry as already
    acknowledged (40060): the interaction *is* answered, so the answer still follows it
    (red-team round 7: the user had been left with "thinking…" until it failed)."""
    try:
        await interaction.response.defer(ephemeral=ephemeral, thinking=True)
        return
    except discord.HTTPException as error:
        if error.code != ACKNOWLEDGED:
            raise
        log.warning('Discord answered a "thinking…" with an error, then said it was shown')
    except UNREADABLE as error:
        # carried out (2xx), its response unreadable: shown, and the answer follows it, not
        # an apology Discord refuses as a second first response (red-team round 35, Q3)
        if not 200 <= _LAST_STATUS.get() < 300:
            raise
        log.warning('Discord showed a "thinking…"; its response could not be read (%s)', error)
    # discord.py records a response only when it reads Discord's answer: record this one, so
    # that what follows goes to the follow-up webhook (the private attribute is the one its
    # is_done() and type read).
    interaction.response._response_type = discord.InteractionResponseType.deferred_channel_message


def after_thinking(interaction: discord.Interaction) -> Send:
    """A send for an interaction shown as "thinking…": its first message takes that one's
    place by an edit, later ones follow up (with `ephemeral` as asked). Discord may make a
    follow-up yet answer 5xx, and the webhook's retried POST then shows it twice (red-team
    round 10); an edit repeated is the same edit. The first message keeps the "thinking…"'s
    visibility, as a first follow-up would."""
    thinking = True
    edit = patient(resent_if_lost(interaction.edit_original_response, nonce=False))
    follow_up = patient(interaction.followup.send)

    async def send(content: str | None = None, *, ephemeral: bool = False, **fields: Any) -> Any:
        nonlocal thinking
        if content is not None:
            fields["content"] = content
        if not thinking:
            return await follow_up(ephemeral=ephemeral, **fields)
        went: list[bool] = []
        try:
            with noting_sent(went.append):
                message = await edit(**fields)
        except LOST:  # twice: it may be showing, and is not "thinking…" to remove
            interaction.extras[_MAYBE_SHOWN] = True
            raise
        except asyncio.CancelledError:  # a shutdown's: once sent whole, it may be showing
            if went and went[-1]:  # (red-team round 28, J1: the shown answer was deleted)
                interaction.extras[_MAYBE_SHOWN] = True
            raise
        thinking = False  # not before: a refused edit (embeds) leaves "thinking…" to edit
        return message

    return send


async def _reply(interaction: discord.Interaction, text: str) -> None:
    """An ephemeral text reply, whether or not the interaction was answered already: an
    apology, or a note or refusal (named so in the log, should it fail)."""
    halts = getattr(interaction.client, "halts", None)
    if not interaction.response.is_done() and isinstance(halts, Halts) and halts.busy(interaction):
        # a note in a first response: with Discord slow, each holds a connection (red-team
        # round 31: one account's presses on old buttons, or /ask past its cooldown, each
        # noted, had held 193 and failed others' answers); dropped, as a keystroke is
        log.debug("a private note dropped: first responses saturated, or its user's")
        return
    text = clip(text, CONTENT_CHARS)
    if text == APOLOGY and interaction.extras.get(_MAYBE_SHOWN):
        text = UNCONFIRMED  # "try again" under the answer that shows would be wrong
    what = "the apology" if text in (APOLOGY, SHUTDOWN_APOLOGY, UNCONFIRMED) else "a private note"
    deferred = discord.InteractionResponseType.deferred_channel_message
    if interaction.response.type is deferred and not interaction.extras.get(_MAYBE_SHOWN):
        # A public "thinking…" is still showing, and the first follow-up would take its
        # place publicly: remove it, so that the apology can be seen by the asker alone.
        await _try(interaction.delete_original_response(), 'the removal of "thinking…"')
    done = interaction.response.is_done()
    send: Send = interaction.followup.send if done else interaction.response.send_message
    await _try(send(text, ephemeral=True, allowed_mentions=NO_MENTIONS), what)


async def _send_messages(interaction: discord.Interaction, messages: list[list[EmbedSpec]]) -> None:
    """Answer with the first message, then follow up with the rest."""
    first, *rest = messages
    await interaction.response.send_message(embeds=to_embeds(first), allowed_mentions=NO_MENTIONS)
    for message in rest:
        await interaction.followup.send(embeds=to_embeds(message), allowed_mentions=NO_MENTIONS)
