"""The Discord front end: /ask, /sections, /section, /help, the message commands, mentions,
and the buttons and follow-ups under answers. The only package importing discord."""

from __future__ import annotations

# Names outside __all__ stay importable from here, as before the split ("X as X" marks a
# deliberate re-export): the texts tests compare replies with, the token errors the CLI
# raises, serve and to_embeds, and how often a contents page may turn (PAGE_TURNS).
from bot.discord_bot._client import PAGE_TURNS as PAGE_TURNS
from bot.discord_bot._client import EssayBot
from bot.discord_bot._replies import APOLOGY as APOLOGY
from bot.discord_bot._replies import MAX_QUESTION, too_long
from bot.discord_bot._replies import NO_EMBEDS as NO_EMBEDS
from bot.discord_bot._replies import NOT_PERMITTED as NOT_PERMITTED
from bot.discord_bot._replies import SHUTDOWN_APOLOGY as SHUTDOWN_APOLOGY
from bot.discord_bot._replies import SHUTTING_DOWN as SHUTTING_DOWN
from bot.discord_bot._replies import UNCONFIRMED as UNCONFIRMED
from bot.discord_bot._replies import to_embeds as to_embeds
from bot.discord_bot._run import BAD_TOKEN as BAD_TOKEN
from bot.discord_bot._run import NO_TOKEN as NO_TOKEN
from bot.discord_bot._run import DiscordUnreachable, LogFormat, run
from bot.discord_bot._run import serve as serve

__all__ = ["MAX_QUESTION", "DiscordUnreachable", "EssayBot", "LogFormat", "run", "too_long"]
