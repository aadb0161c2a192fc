"""The Discord front end: /ask, /sections, /section, /help and mentions. The only discord import."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import aiohttp
import discord
from discord import app_commands

from bot.answering import Answer, Answerer
from bot.embeds import (
    CONTENT_CHARS,
    EmbedSpec,
    SectionChoices,
    answer_message,
    answer_text,
    clip,
    help_message,
    section_messages,
    sections_messages,
    source_message,
)
from bot.in_flight import InFlight
from bot.permission_notes import PermissionNotes
from bot.question_log import LogError, QuestionLog
from bot.settings import Settings, SettingsError
from bot.sources import find_source
from index import Document, Section, find_sections

__all__ = ["MAX_QUESTION", "ContentsPages", "DiscordUnreachable", "EssayBot", "run", "too_long"]

log = logging.getLogger(__name__)

MAX_QUOTATION = 1000  # characters of a message "Find the source" looks for
MAX_QUESTION = 300  # /ask's option limit; Discord enforces it in the client
ANSWER_WORKERS = min(4, os.cpu_count() or 1)  # answering is mostly CPU-bound Python
NO_MENTIONS = discord.AllowedMentions.none()
COLOUR = discord.Colour.dark_teal()
NO_TOKEN = (
    "ESSAYBOT_DISCORD_TOKEN is not set; create a bot at https://discord.com/developers/"
    "applications (Bot → Reset Token) and put the token in the environment or .env"
)
BAD_TOKEN = (
    "Discord rejected ESSAYBOT_DISCORD_TOKEN; copy the bot's token again from "
    "https://discord.com/developers/applications (Bot → Reset Token)"
)
APOLOGY = "Sorry, something went wrong while answering. It has been logged; please try again."
SHUTTING_DOWN = "essaybot is shutting down; please ask again in a minute."
SHUTDOWN_APOLOGY = (
    "Sorry, essaybot had to shut down before it could answer; please ask again in a minute."
)
NO_EMBEDS = "I can't post embeds here: ask a moderator to give me Embed Links."
NOT_PERMITTED = (
    "Discord refused my reply here: ask a moderator to give me View Channel, Send Messages "
    "and Embed Links in this channel."
)
UNREACHABLE = "cannot reach Discord ({reason}); check the network connection, then start it again"
MISSING_PERMISSIONS = 50013  # Discord's error code for a permission the bot lacks
_MENTION = re.compile(r"<@!?(\d+)>")


def to_embeds(specs: list[EmbedSpec]) -> list[discord.Embed]:
    """discord.Embed objects for specs that already respect every limit."""
    embeds = []
    for spec in specs:
        embed = discord.Embed(title=spec.title, description=spec.description or None, colour=COLOUR)
        if spec.footer:
            embed.set_footer(text=spec.footer)
        embeds.append(embed)
    return embeds


class DiscordUnreachable(Exception):
    """Discord could not be reached at start; the message names the problem."""


class UserCooldowns:
    """At most `rate` questions per user in any `per` seconds, shared by /ask and mentions."""

    def __init__(self, rate: int, per: float) -> None:
        self.rate, self.per = rate, per
        self._buckets: dict[int, app_commands.Cooldown] = {}

    def retry_after(self, user_id: int) -> float | None:
        """Seconds until the user may ask again, or None (and the question is counted)."""
        now = time.monotonic()
        if len(self._buckets) > 10_000:  # forget users whose window has passed
            self._buckets = {k: c for k, c in self._buckets.items() if now - c._window < self.per}
        bucket = self._buckets.setdefault(user_id, app_commands.Cooldown(self.rate, self.per))
        return bucket.update_rate_limit(now)


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
        super().__init__(
            intents=discord.Intents.default(),
            allowed_mentions=NO_MENTIONS,
            shard_count=settings.shard_count,
            # None (the library's default) means every shard; its stub types only lists.
            shard_ids=list(settings.shard_ids) or None,  # type: ignore[arg-type]
        )
        self.answerer = answerer
        self.question_log = question_log
        self.settings = settings
        self.sync_globally = sync
        self.cooldowns = UserCooldowns(settings.cooldown_rate, settings.cooldown_seconds)
        # Prepared once per index: a keystroke or a /sections then costs next to nothing.
        self.section_choices = SectionChoices(self.documents)
        self.contents_pages = sections_messages(self.documents)
        self.contents_cooldowns = UserCooldowns(settings.cooldown_rate, settings.cooldown_seconds)
        # Answers get their own threads: the default pool also resolves host names for
        # aiohttp, and a reply must never wait for an answer to finish.
        self.answer_workers = ThreadPoolExecutor(ANSWER_WORKERS, thread_name_prefix="answer")
        self.in_flight = InFlight()
        self.permission_notes = PermissionNotes()
        # Every command works in servers (guild install) and, installed to a user, anywhere.
        self.tree = app_commands.CommandTree(
            self,
            allowed_installs=app_commands.AppInstallationType(guild=True, user=True),
            allowed_contexts=app_commands.AppCommandContext(
                guild=True, dm_channel=True, private_channel=True
            ),
        )
        self.tree.on_error = self.on_command_error  # type: ignore[method-assign]
        _add_commands(self)

    @property
    def documents(self) -> tuple[Document, ...]:
        """The essays answered from."""
        return self.answerer.index.documents

    async def setup_hook(self) -> None:
        """Sync commands only when asked: to the development guild, or globally with --sync."""
        if self.settings.guild_id is not None:
            guild = discord.Object(id=self.settings.guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("synced %d commands to guild %s", len(synced), guild.id)
        if self.sync_globally:
            synced = await self.tree.sync()
            log.info("synced %d commands globally (may take up to an hour to appear)", len(synced))

    async def on_ready(self) -> None:
        """Log who we are once connected."""
        log.info("ready as %s in %d guild(s)", self.user, len(self.guilds))

    def refusal(self, user_id: int, channel_id: int | None) -> str | None:
        """Why this user may not ask here now, or None."""
        if self.in_flight.closing:
            return SHUTTING_DOWN
        allowed = self.settings.allowed_channels
        if allowed and channel_id not in allowed:
            return "I only answer in these channels: " + ", ".join(f"<#{c}>" for c in allowed)
        return _too_quick(self.cooldowns.retry_after(user_id))

    async def answer(self, question: str, user_id: int) -> list[discord.Embed]:
        """The answer as embeds, found and rendered in a worker so the event loop never waits."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self.answer_workers, self.answer_embeds, question, user_id
        )

    def answer_embeds(self, question: str, user_id: int) -> list[discord.Embed]:
        """The answer as embeds (blocking: call it from a worker thread)."""
        answer = self.asked(question, user_id)
        return to_embeds(answer_message(answer, with_document=len(self.documents) > 1))

    def asked(self, question: str, user_id: int) -> Answer:
        """The answer to `question`, appended to the question log when there is one
        (blocking: call it from a worker thread)."""
        answer = self.answerer.ask(question)
        if self.question_log is not None:
            try:
                self.question_log.record_answer(
                    answer, self.answerer.index, source="discord", user_id=user_id
                )
            except LogError:  # the answer matters more than its record
                log.warning("could not log a question", exc_info=True)
        return answer

    async def on_message(self, message: discord.Message) -> None:
        """Answer a message that mentions the bot (or a direct message) as a reply."""
        if message.author.bot or self.user is None:
            return
        direct = message.guild is None
        if not direct and self.user not in message.mentions:
            return
        allowed = self.settings.allowed_channels
        if allowed and message.channel.id not in allowed:
            return
        if self.permission_notes.refused(message.channel.id, "posts"):
            return  # it would be refused again; logged when it was
        question = _MENTION.sub(
            lambda m: "" if int(m.group(1)) == self.user.id else m.group(0),  # type: ignore[union-attr]
            message.content,
        ).strip()
        try:
            if not question:
                hint = "Ask me a question after the mention, or use /ask. /help explains more."
                await message.reply(hint, allowed_mentions=NO_MENTIONS)
                return
            if len(question) > MAX_QUESTION:  # refused before any work, and not counted
                await message.reply(too_long(question), allowed_mentions=NO_MENTIONS)
                return
            refusal = self.refusal(message.author.id, message.channel.id)
            if refusal:
                await message.reply(refusal, allowed_mentions=NO_MENTIONS)
                return
            with self.in_flight.track(
                _named("mention", message.id, message.author.id, question),
                lambda: _try(message.reply(SHUTDOWN_APOLOGY, allowed_mentions=NO_MENTIONS)),
            ):
                await self.reply_with_answer(message, question)
        except discord.Forbidden as error:  # not even plain text: nothing can be said there
            self.permission_notes.note(message.channel.id, "posts", error.text)
        except Exception:
            log.exception("answering a mention failed")
            await _try(message.reply(APOLOGY, allowed_mentions=NO_MENTIONS))

    async def plain_answer(self, question: str, user_id: int, note: str = "") -> str:
        """The answer as plain text within 2,000 characters, computed off the event loop."""
        several = len(self.documents) > 1
        return await asyncio.to_thread(
            lambda: answer_text(self.asked(question, user_id), with_document=several, note=note)
        )

    async def reply_with_answer(self, message: discord.Message, question: str) -> None:
        """Reply with the answer's embeds, or in plain text where Discord refuses embeds."""
        if self.permission_notes.refused(message.channel.id, "embeds"):
            text = await self.plain_answer(question, message.author.id, NO_EMBEDS)
            await message.reply(text, allowed_mentions=NO_MENTIONS)
            return
        try:
            embeds = await self.answer(question, message.author.id)
            await message.reply(embeds=embeds, allowed_mentions=NO_MENTIONS)
        except discord.Forbidden as error:
            if error.code != MISSING_PERMISSIONS:
                raise
            text = await self.plain_answer(question, message.author.id, NO_EMBEDS)
            await message.reply(text, allowed_mentions=NO_MENTIONS)
            # Only now is it known that Embed Links, not Send Messages, is missing.
            self.permission_notes.note(message.channel.id, "embeds", error.text)

    async def follow_up_with_answer(self, interaction: discord.Interaction, question: str) -> None:
        """Follow up with the answer's embeds; where the bot may not embed, in plain text and
        a note that only the asker sees, naming the permission."""
        # Discord computes app_permissions for each interaction, channel overwrites included.
        if interaction.app_permissions.embed_links:
            try:
                embeds = await self.answer(question, interaction.user.id)
                await interaction.followup.send(embeds=embeds, allowed_mentions=NO_MENTIONS)
                return
            except discord.Forbidden as error:
                if error.code != MISSING_PERMISSIONS:
                    raise
        self.permission_notes.note(interaction.channel_id or 0, "embeds", "no Embed Links here")
        text = await self.plain_answer(question, interaction.user.id)
        await interaction.followup.send(text, allowed_mentions=NO_MENTIONS)
        await interaction.followup.send(NO_EMBEDS, ephemeral=True, allowed_mentions=NO_MENTIONS)

    async def shutdown(self, signal_name: str) -> None:
        """Stop taking questions, give the answers in flight the grace period to finish,
        apologise to the rest, then close."""
        log.info("%s received: closing", signal_name)
        await self.in_flight.drain(self.settings.shutdown_grace_seconds)
        await self.close()

    async def on_command_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        """One place for command failures: log the traceback, apologise privately."""
        original = getattr(error, "original", error)
        if isinstance(original, discord.Forbidden):  # a permission: "try again" would mislead
            self.permission_notes.note(interaction.channel_id or 0, "responses", original.text)
            await _reply(interaction, NOT_PERMITTED)
            return
        log.error(
            "command %s failed", interaction.command and interaction.command.name, exc_info=original
        )
        await _reply(interaction, APOLOGY)


def too_long(question: str) -> str:
    """The refusal of a mentioned question longer than /ask allows."""
    return (
        f"Please keep questions to {MAX_QUESTION} characters, as /ask does (that one has "
        f"{len(question):,}); a few of the essays' own words work best."
    )


def _too_quick(wait: float | None) -> str | None:
    return None if wait is None else f"You're asking quickly; please try again in {wait:.0f} s."


class ContentsPages(discord.ui.View):
    """Previous and Next buttons that turn the pages of the table of contents in place."""

    def __init__(self, pages: list[list[EmbedSpec]]) -> None:
        super().__init__(timeout=15 * 60)  # as long as the interaction's token lasts
        self.pages, self.page = pages, 0
        self._show()

    def _show(self) -> None:
        self.previous.disabled = self.page == 0
        self.next.disabled = self.page == len(self.pages) - 1
        self.counter.label = f"{self.page + 1} / {len(self.pages)}"

    async def _turn(self, interaction: discord.Interaction, step: int) -> None:
        self.page = min(max(self.page + step, 0), len(self.pages) - 1)
        self._show()
        await interaction.response.edit_message(embeds=to_embeds(self.pages[self.page]), view=self)

    @discord.ui.button(label="Previous", style=discord.ButtonStyle.secondary)
    async def previous(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        """Show the page before."""
        await self._turn(interaction, -1)

    @discord.ui.button(label="1 / 1", style=discord.ButtonStyle.secondary, disabled=True)
    async def counter(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        """Only shows the page number."""

    @discord.ui.button(label="Next", style=discord.ButtonStyle.primary)
    async def next(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        """Show the page after."""
        await self._turn(interaction, 1)


async def _send_contents(bot: EssayBot, interaction: discord.Interaction) -> None:
    """The table of contents' first page, seen only by the asker, with buttons to turn pages."""
    refusal = _too_quick(bot.contents_cooldowns.retry_after(interaction.user.id))
    if refusal:
        await _reply(interaction, refusal)
        return
    pages = bot.contents_pages
    view = ContentsPages(pages) if len(pages) > 1 else discord.utils.MISSING
    await interaction.response.send_message(
        embeds=to_embeds(pages[0]), view=view, ephemeral=True, allowed_mentions=NO_MENTIONS
    )


def _named(kind: str, item_id: int, user_id: int, question: str) -> str:
    """How an answer in flight is named in the log."""
    return f"{kind} {item_id} from user {user_id} ({clip(question, 80)!r})"


async def _try(coroutine: object) -> None:
    """Await a best-effort send; a failure to apologise is only logged."""
    try:
        await coroutine  # type: ignore[misc]
    except discord.HTTPException:
        log.warning("could not send the apology", exc_info=True)


async def _reply(interaction: discord.Interaction, text: str) -> None:
    """An ephemeral text reply, whether or not the interaction was answered already."""
    text = clip(text, CONTENT_CHARS)
    if interaction.response.type is discord.InteractionResponseType.deferred_channel_message:
        # A public "thinking…" is still showing, and the first follow-up would take its
        # place publicly: remove it, so that the apology can be seen by the asker alone.
        await _try(interaction.delete_original_response())
    if interaction.response.is_done():
        await _try(interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS))
    else:
        await _try(
            interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
        )


async def _send_messages(interaction: discord.Interaction, messages: list[list[EmbedSpec]]) -> None:
    """Answer with the first message, then follow up with the rest."""
    first, *rest = messages
    await interaction.response.send_message(embeds=to_embeds(first), allowed_mentions=NO_MENTIONS)
    for message in rest:
        await interaction.followup.send(embeds=to_embeds(message), allowed_mentions=NO_MENTIONS)


def _resolve_section(documents: tuple[Document, ...], value: str) -> list[tuple[Document, Section]]:
    """An autocomplete value ("#d.s") or a typed name (a unique prefix is enough)."""
    match = re.fullmatch(r"#(\d+)\.(\d+)", value.strip())
    if match:
        d, s = int(match.group(1)), int(match.group(2))
        if d < len(documents) and s < len(documents[d].sections):
            return [(documents[d], documents[d].sections[s])]
    return find_sections(documents, value)


def _add_commands(bot: EssayBot) -> None:
    tree = bot.tree

    @tree.command(
        name="ask", description="Ask a question; get verbatim, cited quotes from the essays"
    )
    @app_commands.describe(question=f"Your question, in up to {MAX_QUESTION} characters")
    async def ask(
        interaction: discord.Interaction, question: app_commands.Range[str, 1, MAX_QUESTION]
    ) -> None:
        refusal = bot.refusal(interaction.user.id, interaction.channel_id)
        if refusal:
            await _reply(interaction, refusal)
            return
        await interaction.response.defer(thinking=True)
        with bot.in_flight.track(
            _named("/ask", interaction.id, interaction.user.id, question),
            lambda: _reply(interaction, SHUTDOWN_APOLOGY),
        ):
            await bot.follow_up_with_answer(interaction, question)

    @tree.command(name="sections", description="The essays' table of contents")
    async def sections(interaction: discord.Interaction) -> None:
        await _send_contents(bot, interaction)

    @tree.command(name="section", description="Read a whole section of the essays")
    @app_commands.describe(name="The section's heading (start typing to pick one)")
    async def section(interaction: discord.Interaction, name: str) -> None:
        # A typed name is looked for in every heading (~10 ms on 1,000 essays): not on the loop.
        found = await asyncio.to_thread(_resolve_section, bot.documents, name)
        if len(found) != 1:
            headings = ", ".join(f'"{s.heading}"' for _, s in found[:10])
            text = (
                f"{name!r} could be any of {headings}; pick one from the list."
                if found
                else f"No section is called {name!r}; /sections lists them."
            )
            await _reply(interaction, text)
            return
        await _send_messages(interaction, section_messages(*found[0]))

    @section.autocomplete("name")
    async def section_autocomplete(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [
            app_commands.Choice(name=n, value=v) for n, v in bot.section_choices.matching(current)
        ]

    @tree.command(name="help", description="What essaybot does and how to ask it")
    async def help_(interaction: discord.Interaction) -> None:
        embeds = to_embeds(help_message(bot.documents, MAX_QUESTION))
        await interaction.response.send_message(
            embeds=embeds, ephemeral=True, allowed_mentions=NO_MENTIONS
        )

    @tree.context_menu(name="Ask essaybot")
    async def ask_about(interaction: discord.Interaction, message: discord.Message) -> None:
        question = message.content.strip()
        refusal = _unaskable(question) or bot.refusal(interaction.user.id, interaction.channel_id)
        if refusal:
            await _reply(interaction, refusal)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        embeds = await bot.answer(question, interaction.user.id)
        await interaction.followup.send(embeds=embeds, ephemeral=True, allowed_mentions=NO_MENTIONS)

    @tree.context_menu(name="Find the source")
    async def source_of(interaction: discord.Interaction, message: discord.Message) -> None:
        quotation = message.content.strip()[:MAX_QUOTATION]
        refusal = _too_quick(bot.cooldowns.retry_after(interaction.user.id))
        if not quotation or refusal:
            await _reply(interaction, refusal or "That message has no text to look for.")
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        several = len(bot.documents) > 1

        def look_up() -> list[discord.Embed]:  # one search and a few passages read: a worker
            found = find_source(bot.answerer.index, quotation)
            return to_embeds(source_message(found, quotation, with_document=several))

        loop = asyncio.get_running_loop()
        embeds = await loop.run_in_executor(bot.answer_workers, look_up)
        await interaction.followup.send(embeds=embeds, ephemeral=True, allowed_mentions=NO_MENTIONS)


def _unaskable(question: str) -> str | None:
    """Why a message's text cannot be asked as a question, if it cannot."""
    if not question:
        return "That message has no text to ask about."
    return too_long(question) if len(question) > MAX_QUESTION else None


async def serve(bot: EssayBot, token: str) -> None:
    """Log in and run until the bot is closed."""
    async with bot:
        await bot.start(token)


async def _serve_until_stopped(bot: EssayBot, token: str) -> None:
    """Serve; on SIGINT or SIGTERM close the connection cleanly instead of dying mid-reply."""
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        # Not on Windows, nor outside the main thread: there the default handling stays.
        with contextlib.suppress(NotImplementedError, ValueError, RuntimeError):
            loop.add_signal_handler(signum, _close, bot, signum)
    await serve(bot, token)


_closing: set[asyncio.Task[None]] = set()  # the loop holds tasks weakly


def _close(bot: EssayBot, signum: int) -> None:
    name = signal.Signals(signum).name
    if bot.in_flight.closing:  # a second signal: stop waiting for the answers in flight
        log.info("%s received again: apologising to the answers in flight now", name)
        bot.in_flight.hurry()
        return
    bot.in_flight.closing = True  # refuse new questions from now on
    task = asyncio.get_running_loop().create_task(bot.shutdown(name))
    _closing.add(task)
    task.add_done_callback(_closing.discard)


def run(settings: Settings, answerer: Answerer, *, sync: bool) -> None:
    """Run the bot until stopped; SettingsError for a missing or rejected token,
    DiscordUnreachable when Discord cannot be reached at start."""
    if settings.discord_token is None:
        raise SettingsError(NO_TOKEN)
    path = settings.question_log
    question_log = QuestionLog(path, retention_days=settings.log_retention_days) if path else None
    bot = EssayBot(answerer, settings, sync=sync, question_log=question_log)
    try:
        asyncio.run(_serve_until_stopped(bot, settings.discord_token.get_secret_value()))
    except discord.LoginFailure:
        raise SettingsError(BAD_TOKEN) from None
    except discord.ConnectionClosed as error:
        if error.code == 4004:  # the gateway's "authentication failed"
            raise SettingsError(BAD_TOKEN) from None
        raise
    except (aiohttp.ClientConnectionError, TimeoutError) as error:
        # Only the first connection gets here: once connected, discord.py reconnects itself.
        reason = str(error) or type(error).__name__
        raise DiscordUnreachable(UNREACHABLE.format(reason=reason)) from None
    log.info("closed")
