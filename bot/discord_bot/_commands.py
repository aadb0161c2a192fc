"""The slash commands /ask, /sections, /section and /help, added to an EssayBot's tree."""

from __future__ import annotations

import asyncio
import re
from dataclasses import replace
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.answering import asks_nothing
from bot.discord_bot._answers import blank, follow_up_with_answer, looked_up
from bot.discord_bot._replies import (
    MAX_QUESTION,
    NO_MENTIONS,
    SHUTDOWN_APOLOGY,
    _named,
    _reply,
    _send_messages,
    _too_quick,
    think,
    to_embeds,
    too_long,
)
from bot.discord_bot._views import contents_view
from bot.embeds import MESSAGE_CHARS, EmbedSpec, help_message, section_messages
from bot.markup import clip, fit
from index import Document, Section, find_sections

if TYPE_CHECKING:  # _client imports this module
    from bot.discord_bot._client import EssayBot


async def _send_contents(bot: EssayBot, interaction: discord.Interaction) -> None:
    """The table of contents' first page, seen only by the asker, with buttons to turn pages."""
    refusal = _too_quick(bot.contents_cooldowns.retry_after(interaction.user.id))
    if refusal:
        await _reply(interaction, refusal)
        return
    pages = bot.contents_pages
    view = contents_view(0, len(pages)) if len(pages) > 1 else discord.utils.MISSING
    await interaction.response.send_message(
        embeds=to_embeds(pages[0]), view=view, ephemeral=True, allowed_mentions=NO_MENTIONS
    )


# At most this many public messages for one /section; a longer section says where it goes on.
MAX_SECTION_MESSAGES = 3
_ECHO = 150  # characters of a heading or a typed name echoed in a refusal
_CONTINUED = "\n\n*The section goes on in the essay: /ask about it, or read it there.*"
# A blank /ask (zero-width spaces, Hangul fillers: Discord counts them as text) is not asked.
NO_QUESTION = "Please type a question about the essays after /ask. /help explains more."


def _continued(message: list[EmbedSpec]) -> list[EmbedSpec]:
    """The last message shown, its last embed saying that the section goes on: within the
    embed's limit, and within what the message's other embeds leave of its 6,000 (a long
    essay title, in every footer, left too little)."""
    *others, last = message
    left = MESSAGE_CHARS - sum(map(len, others)) - len(last.title) - len(last.footer)
    room = min(len(last.description), left) - len(_CONTINUED)
    if room < 1 and others:  # no room for the note in the last embed: the one before says it
        return _continued(others)
    return [*others, replace(last, description=clip(last.description, max(1, room)) + _CONTINUED)]


def _resolve_section(documents: tuple[Document, ...], value: str) -> list[tuple[Document, Section]]:
    """An autocomplete value ("#d.s") or a typed name (a unique prefix is enough)."""
    match = re.fullmatch(r"#(\d{1,6})\.(\d{1,6})", value.strip())  # int() of any digits is not free
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
        # Counted as a question (a refusal is a reply too), then a blank one, or one asking
        # nothing ("thanks!"), gets a hint, privately, as a mention does; only one to answer
        # holds a place in its server's turn (red-team rounds 22, 27)
        asked = looked_up(question)
        empty = blank(asked) or asks_nothing(asked)
        unaskable = len(asked) > MAX_QUESTION or empty
        refusal = bot.refusal(interaction.user.id, interaction.channel, queued=not unaskable)
        # Discord holds the option to MAX_QUESTION, but a registration older than a sync, or
        # a forged payload, does not: refused as a mention that long is (red-team round 17).
        if not refusal and len(asked) > MAX_QUESTION:
            refusal = too_long(asked)
        if refusal or empty:
            await _reply(interaction, refusal or NO_QUESTION)
            return
        with bot.in_flight.track(  # from the first response: a shutdown waits for it too
            _named("/ask", interaction.id, interaction.user.id, question),
            lambda: _reply(interaction, SHUTDOWN_APOLOGY),
        ):
            await think(interaction)
            await follow_up_with_answer(bot, interaction, question)

    @tree.command(name="sections", description="The essays' table of contents")
    async def sections(interaction: discord.Interaction) -> None:
        await _send_contents(bot, interaction)

    @tree.command(name="section", description="Read a whole section of the essays")
    @app_commands.describe(name="The section's heading (start typing to pick one)")
    async def section(interaction: discord.Interaction, name: str) -> None:
        # it posts publicly; its work is not the answer workers'
        refusal = bot.refusal(interaction.user.id, interaction.channel, queued=False)
        if refusal:
            await _reply(interaction, refusal)
            return
        # A typed name is looked for in every heading (~10 ms on 1,000 essays): not on the loop.
        found = await asyncio.to_thread(_resolve_section, bot.documents, name)
        if len(found) != 1:  # headings and the name echoed, escaped as /sections does
            headings = ", ".join(f'"{fit(s.heading, _ECHO)}"' for _, s in found[:10])
            typed = f'"{fit(name, _ECHO)}"'
            text = (
                f"{typed} could be any of {headings}; pick one from the list."
                if found
                else f"No section is called {typed}; /sections lists them."
            )
            await _reply(interaction, text)
            return
        # Only what can be sent is laid out (a section of megabytes took ~100 ms on the
        # loop), and in a worker: 200,000 parts were walked before they were bounded.
        messages = await asyncio.to_thread(section_messages, *found[0], MAX_SECTION_MESSAGES)
        if len(messages) > MAX_SECTION_MESSAGES:  # one command, a few posts: not a flood
            messages = messages[:MAX_SECTION_MESSAGES]
            messages[-1] = _continued(messages[-1])
        with bot.in_flight.track(  # it posts publicly: a shutdown lets it finish, or apologises
            _named("/section", interaction.id, interaction.user.id, name),
            lambda: _reply(interaction, SHUTDOWN_APOLOGY),
        ):
            await _send_messages(interaction, messages)

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
