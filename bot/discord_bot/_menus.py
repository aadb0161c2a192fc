"""The message commands (context menus) "Ask essaybot" and "Find the source"."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

import discord

from bot.answering import asks_nothing
from bot.discord_bot._answers import blank, follow_up_with_answer, looked_up, printable
from bot.discord_bot._replies import (
    MAX_QUESTION,
    NO_MENTIONS,
    SHUTDOWN_APOLOGY,
    _named,
    _reply,
    after_thinking,
    think,
    to_embeds,
    too_long,
)
from bot.embeds import source_message
from bot.markup import block_quotes
from bot.sources import best_source

if TYPE_CHECKING:  # _client imports this module's caller
    from bot.discord_bot._client import EssayBot

MAX_QUOTATION = 1000  # characters of a message "Find the source" looks for


def text_of(message: discord.Message) -> str:
    """A message's text as its readers see it: a forwarded message's is in its snapshot
    (Discord leaves `content` empty), how quotes travel between channels; with no text, a
    poll's question, else its embeds' titles, descriptions and fields' values (a quote
    another bot shared, a link's preview), else its text displays (a layout of Discord's
    "components v2", which other bots post). A forward is read the same way."""
    shown = _shown(message)
    if not shown and message.message_snapshots:
        shown = _shown(message.message_snapshots[0])
    if not shown and message.poll is not None:
        shown = (message.poll.question or "").strip()
    return shown


def _shown(message: discord.Message | discord.MessageSnapshot) -> str:
    """The text of a message or a forwarded copy: its content, else its embeds', else its
    text displays'."""
    text = message.content.strip()
    if not text:
        parts = (
            part
            for embed in message.embeds
            for part in (embed.title, embed.description, *(field.value for field in embed.fields))
        )
        text = "\n".join(part.strip() for part in parts if part and part.strip())
    if not text:
        displays = _displayed(getattr(message, "components", ()))  # a message may have none
        text = "\n".join(filter(None, (part.strip() for part in displays)))
    return text


def _displayed(components: Sequence[object], depth: int = 0) -> Iterator[str]:
    """The text displays' contents among `components`, within containers and sections (which
    Discord nests at most a few deep), in the order they show; without their headings and
    subtext lines ("### Quote of the day", "-# posted by ..."), a layout's titles."""
    for component in components:
        if isinstance(component, discord.components.TextDisplay):
            lines = component.content.split("\n")
            yield "\n".join(line for line in lines if not line.lstrip().startswith(_TITLES))
        elif depth < _NESTING and (children := getattr(component, "children", None)):
            yield from _displayed(children, depth + 1)


_NESTING = 3
_TITLES = ("# ", "## ", "### ", "-# ")


def quoted_part(text: str) -> str:
    """The first block quote of `text`, or `text` when it quotes nothing: what a message
    quotes is the quotation, not the words around it (an answer's question and citation,
    "— as someone said")."""
    quotes, _ = block_quotes(text)
    first = quotes[0].strip() if quotes else ""
    return first or text


OWN_ANSWER = (
    "That is essaybot's own message: to ask more about an answer, press its Ask a follow-up "
    "button, or use /ask."
)


ASKS_NOTHING = "That message asks nothing to look up: use Ask essaybot on a question, or /ask."


def _unaskable(question: str) -> str | None:
    """Why a message's text cannot be asked as a question, if it cannot (its mentions are
    left out, as they are of what is looked up: they neither ask nor count)."""
    asked = looked_up(question)
    if blank(asked):
        return "That message has no text to ask about."
    if asks_nothing(asked):  # "thanks!": no question (red-team round 35, Q5: answered, logged)
        return ASKS_NOTHING
    return too_long(asked) if len(asked) > MAX_QUESTION else None


def add_menus(bot: EssayBot) -> None:
    """Add both message commands to the bot's tree; their answers only the asker sees."""
    tree = bot.tree

    @tree.context_menu(name="Ask essaybot")
    async def ask_about(interaction: discord.Interaction, message: discord.Message) -> None:
        question = text_of(message)
        # essaybot's own answer is no question (red-team round 24, F10: a decline's text
        # asked again was "answered" with a quote about what it had said was not covered)
        refusal = (
            OWN_ANSWER
            if bot.is_own(message)
            else _unaskable(question) or bot.refusal(interaction.user.id, interaction.channel)
        )
        if refusal:
            await _reply(interaction, refusal)
            return
        with bot.in_flight.track(  # a shutdown waits for it, or apologises
            _named("Ask essaybot", interaction.id, interaction.user.id, question),
            lambda: _reply(interaction, SHUTDOWN_APOLOGY),
        ):
            await think(interaction, ephemeral=True)
            await follow_up_with_answer(bot, interaction, question, ephemeral=True)

    @tree.context_menu(name="Find the source")
    async def source_of(interaction: discord.Interaction, message: discord.Message) -> None:
        quotation = quoted_part(text_of(message))[:MAX_QUOTATION]
        # Gated as "Ask essaybot" is: shutdown, the channel allowlist, the shared cooldown.
        refusal = bot.refusal(interaction.user.id, interaction.channel, queued=bool(quotation))
        if not quotation or refusal:
            await _reply(interaction, refusal or "That message has no text to look for.")
            return
        several = len(bot.documents) > 1

        def look_up() -> list[discord.Embed]:  # a few searches, a few passages read: a worker
            # echoed as its title, so printable, as a question is (red-team round 17)
            found, quoted = best_source(bot.answerer.index, printable(quotation))
            return to_embeds(source_message(found, quoted, with_document=several))

        with bot.in_flight.track(
            _named("Find the source", interaction.id, interaction.user.id, quotation),
            lambda: _reply(interaction, SHUTDOWN_APOLOGY),
        ):
            await think(interaction, ephemeral=True)
            server = bot.server(interaction.channel)
            embeds = await asyncio.wrap_future(bot.answer_workers.submit(server, look_up))
            await after_thinking(interaction)(embeds=embeds, allowed_mentions=NO_MENTIONS)
