"""Running the bot: log in, serve until SIGINT or SIGTERM, and name start-up failures."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import signal
from collections.abc import Callable
from typing import Any

import aiohttp
import discord

from bot.answering import Answerer
from bot.discord_bot._client import EssayBot, refusal
from bot.discord_bot._replies import log
from bot.question_log import QuestionLog
from bot.settings import Settings, SettingsError

NO_TOKEN = (
    "ESSAYBOT_DISCORD_TOKEN is not set; create a bot at https://discord.com/developers/"
    "applications (Bot → Reset Token) and put the token in the environment or .env"
)
MALFORMED_TOKEN = (
    "ESSAYBOT_DISCORD_TOKEN holds a space, a line break or a control character; copy the "
    "bot's token again from https://discord.com/developers/applications (Bot → Reset Token)"
)
# Gateway close codes refusing how the bot identified, each said in one line (exit 2).
REFUSALS = {
    4010: "Discord refused ESSAYBOT_SHARD_IDS or ESSAYBOT_SHARD_COUNT (invalid shard); "
    "leave both unset, or give ids from 0 to below the count",
    4011: "Discord requires sharding for this bot (it is in over 2,500 servers); set "
    "ESSAYBOT_SHARD_COUNT, or leave it unset for Discord's recommended count",
    4012: "Discord refused the gateway API version this discord.py speaks (invalid API "
    "version); upgrade it: pip install -U discord.py",
    4013: "Discord refused the bot's gateway intents (invalid intents)",
    4014: "Discord refused the bot's gateway intents: enable them for the bot at "
    "https://discord.com/developers/applications (Bot → Privileged Gateway Intents)",
}
CLOSED = "Discord closed the connection with code {code} and allows no reconnect"
# An interaction's token in a request's address (".../webhooks/{app}/{token}/messages/
# @original", ".../interactions/{id}/{token}/callback"): aiohttp's connection-timeout and
# redirect errors name the whole address, and the token lets anyone answer as essaybot there
# for 15 minutes (red-team round 31, M3: two such lines per /ask, at ERROR and WARNING).
_INTERACTION_TOKEN = re.compile(r"(/(?:webhooks|interactions)/\d+/)[\w.-]{20,}")


class LogFormat(logging.Formatter):
    """The Discord bot's log lines (a time, a level, a logger), with the interactions'
    tokens taken out of messages and tracebacks alike."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        return _INTERACTION_TOKEN.sub(r"\1<token>", super().format(record))


def redact_records() -> None:
    """Take interactions' tokens out of every log record as it is made, its message and its
    traceback alike, whatever handler then formats it: `LogFormat` alone had left them in
    the records, for an operator's own handler (JSON, journald) or a library's use of `run`
    (red-team round 32's note on M3)."""
    made = logging.getLogRecordFactory()
    if getattr(made, "redacts", False):
        return

    def redacted(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = made(*args, **kwargs)
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # its arguments fit no format: the handler says so
            return record
        if _INTERACTION_TOKEN.search(message):
            record.msg, record.args = _INTERACTION_TOKEN.sub(r"\1<token>", message), None
        if record.exc_info and record.exc_info[0] is not None:
            shown = _PLAIN.formatException(record.exc_info)
            record.exc_text = _INTERACTION_TOKEN.sub(r"\1<token>", shown)
        return record

    redacted.redacts = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(redacted)


_PLAIN = logging.Formatter()


BAD_TOKEN = (
    "Discord rejected ESSAYBOT_DISCORD_TOKEN; copy the bot's token again from "
    "https://discord.com/developers/applications (Bot → Reset Token)"
)
# Sentence vectors embedded while serving are written this often (and at shutdown), so a
# crash loses at most this much of that work: each save is one small file (bot/vector_files.py).
SAVE_EVERY = 600.0
UNREACHABLE = "cannot reach Discord ({reason}); check the network connection, then start it again"


REFUSED_START = "Discord did not let essaybot start ({reason}); start it again later"


class DiscordUnreachable(Exception):
    """Discord could not be reached at start; the message names the problem."""


async def serve(bot: EssayBot, token: str) -> None:
    """Log in and run until the bot is closed."""
    async with bot:
        await bot.start(token)


async def _serve_until_stopped(bot: EssayBot, token: str, save: Callable[[], object]) -> None:
    """Serve; on SIGINT or SIGTERM close the connection cleanly instead of dying mid-reply.
    Meanwhile `save` runs every SAVE_EVERY seconds, in a worker thread."""
    loop = asyncio.get_running_loop()
    serving = loop.create_task(serve(bot, token))
    for signum in (signal.SIGINT, signal.SIGTERM):
        # Not on Windows, nor outside the main thread: there the default handling stays.
        with contextlib.suppress(NotImplementedError, ValueError, RuntimeError):
            loop.add_signal_handler(signum, _close, bot, signum, serving)
    saving = loop.create_task(_save_periodically(save))
    try:
        await serving
    except asyncio.CancelledError:
        if not bot.in_flight.closing:
            raise  # stopped by a signal, as asked: not an error
    finally:
        saving.cancel()


async def _save_periodically(save: Callable[[], object]) -> None:
    while True:
        await asyncio.sleep(SAVE_EVERY)
        await asyncio.to_thread(save)


_closing: set[asyncio.Task[None]] = set()  # the loop holds tasks weakly


def _close(bot: EssayBot, signum: int, serving: asyncio.Task[None] | None = None) -> None:
    name = signal.Signals(signum).name
    if bot.in_flight.closing:  # a second signal: stop waiting for the answers in flight
        log.info("%s received again: apologising to the answers in flight now", name)
        bot.in_flight.hurry()
        return
    bot.in_flight.closing = True  # refuse new questions from now on
    task = asyncio.get_running_loop().create_task(_shut(bot, name, serving))
    _closing.add(task)
    task.add_done_callback(_closing.discard)


# Seconds the connection has to end once the bot is closed: discord.py retries a gateway it
# could never reach (an outage at start) on and on, even after the close.
CLOSE_SECONDS = 5.0


async def _shut(bot: EssayBot, name: str, serving: asyncio.Task[None] | None) -> None:
    await bot.shutdown(name)
    if serving is None:
        return
    _, pending = await asyncio.wait({serving}, timeout=CLOSE_SECONDS)
    if pending:
        log.warning("the connection to Discord did not end in %g s; stopping anyway", CLOSE_SECONDS)
        serving.cancel()


def run(
    settings: Settings,
    answerer: Answerer,
    *,
    sync: bool,
    save: Callable[[], object] = lambda: None,
) -> None:
    """Run the bot until stopped, calling `save` now and then (the sentence vectors embedded
    meanwhile); SettingsError for a missing or rejected token, DiscordUnreachable when
    Discord cannot be reached at start."""
    if settings.discord_token is None:
        raise SettingsError(NO_TOKEN)
    token = settings.discord_token.get_secret_value().strip()
    if any(c.isspace() or not c.isprintable() for c in token):
        # a line break in it (a "\n" that a .env file expanded) would reach an HTTP header
        raise SettingsError(MALFORMED_TOKEN)
    redact_records()
    path = settings.question_log
    question_log = QuestionLog(path, retention_days=settings.log_retention_days) if path else None
    bot = EssayBot(answerer, settings, sync=sync, question_log=question_log)
    try:
        asyncio.run(_serve_until_stopped(bot, settings.discord_token.get_secret_value(), save))
    except discord.LoginFailure:
        raise SettingsError(BAD_TOKEN) from None
    except discord.PrivilegedIntentsRequired:  # close code 4014, raised as its own error
        raise SettingsError(REFUSALS[4014]) from None
    except discord.ConnectionClosed as error:
        if error.code == 4004:  # the gateway's "authentication failed"
            raise SettingsError(BAD_TOKEN) from None
        if error.code in REFUSALS:  # the gateway refused how the bot identified
            raise SettingsError(REFUSALS[error.code]) from None
        # discord.py reconnects after any other code but those above: one it gives up on
        # later is said in one line too, not a traceback (red-team round 19, D10: 4012)
        raise SettingsError(CLOSED.format(code=error.code)) from None
    except (discord.HTTPException, discord.RateLimited, discord.GatewayNotFound) as error:
        # login or the gateway's address answered with an error (red-team round 36, R1: a
        # 5xx, Cloudflare's 429 page, a 429 asking for an hour: tracebacks, exit 1)
        raise DiscordUnreachable(REFUSED_START.format(reason=refusal(error))) from None
    except (aiohttp.ClientConnectionError, TimeoutError) as error:
        if bot.in_flight.closing:  # stopped while logging in: the close cut the login short
            log.info("closed")
            return
        # Only the first connection gets here: once connected, discord.py reconnects itself.
        reason = str(error) or type(error).__name__
        raise DiscordUnreachable(UNREACHABLE.format(reason=reason)) from None
    log.info("closed")
