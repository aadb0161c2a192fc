"""The buttons under every answer: In context, More, Ask a follow-up, and 👍/👎.

Each is a `DynamicItem`: its custom id carries what a press needs (bot.answer_buttons), and
discord.py rebuilds the button from the id when it is pressed, so presses work after a
restart and nothing is kept per message. Every reply to a press is ephemeral.
"""

from __future__ import annotations

import asyncio
import functools
import re
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, cast

import discord
from discord.ui import Button, DynamicItem

from bot.answer_buttons import ButtonKeys, context_message, more_message
from bot.discord_bot._replies import (
    APOLOGY,
    MAX_QUESTION,
    NO_MENTIONS,
    SHUTDOWN_APOLOGY,
    _given_up,
    _named,
    _reply,
    after_thinking,
    log,
    log_failure,
    think,
    to_embeds,
)
from bot.embeds import EmbedSpec
from bot.question_log import LogError
from index import Passage

if TYPE_CHECKING:  # _client imports this module
    from bot.discord_bot._client import EssayBot

CONTEXT, MORE, VOTE = "essaybot:context:", "essaybot:more:", "essaybot:vote:"
FOLLOW_UP, FORM, FORM_QUESTION = "essaybot:follow-up", "essaybot:follow-up-form", "question"
KEYS_AFTER = max(len(CONTEXT), len(MORE))  # custom id characters before the passage keys
_KEYS = r"(?P<keys>\d+-[0-9a-f]+(?:\.\d+-[0-9a-f]+)*)"

_LARGEST_ID = 2**63 - 1  # SQLite's largest integer: the question log's ids stop there
OLDER = (
    "This answer is from an older version of the essays, which have changed since; "
    "ask again with /ask for an answer from the essays as they are now."
)
THANKS = "Thanks for the feedback! It is kept (anonymously) to show what the essays miss."
ALREADY = (
    "Your feedback on this answer is already counted (one vote per person), or the answer "
    "is too old to vote on."
)
NO_LOG = "Thanks! This bot keeps no question log, so votes are not recorded."

Shown = Callable[["EssayBot", list[Passage]], list[EmbedSpec]]


def _bot(interaction: discord.Interaction) -> EssayBot:
    return cast("EssayBot", interaction.client)


async def _guarded(
    interaction: discord.Interaction, what: str, press: Coroutine[Any, Any, None]
) -> None:
    """Run a press once (Discord may deliver one twice, after a resume: the second is
    dropped); a failure is logged and the presser gets an apology only they see."""
    if not _bot(interaction).seen_interactions.first(interaction.id, interaction.user.id):
        press.close()  # never started
        return
    try:
        await press
    except Exception as error:
        if _given_up(error, f"the {what} button"):
            return
        log_failure(error, f"the {what} button")
        await _reply(interaction, APOLOGY)


async def _show(interaction: discord.Interaction, keys: str, shown: Shown) -> None:
    """Reply privately with passages the press's keys name, read in a worker thread."""
    bot = _bot(interaction)
    passages = bot.passage_keys.find(keys)  # a few passages hashed: bounded, on the loop
    refusal = (
        OLDER if passages is None else bot.press_refusal(interaction.user.id, interaction.channel)
    )
    if refusal or passages is None:
        await _reply(interaction, refusal or OLDER)
        return
    with bot.in_flight.track(  # a shutdown waits for it, or apologises
        _named("press", interaction.id, interaction.user.id, keys),
        lambda: _reply(interaction, SHUTDOWN_APOLOGY),
    ):
        await think(interaction, ephemeral=True)
        server = bot.server(interaction.channel)
        specs = await asyncio.wrap_future(
            bot.answer_workers.submit(server, lambda: shown(bot, passages))
        )
        await after_thinking(interaction)(embeds=to_embeds(specs), allowed_mentions=NO_MENTIONS)


def _context(bot: EssayBot, passages: list[Passage]) -> list[EmbedSpec]:
    several = len(bot.documents) > 1
    return context_message(bot.passage_keys, passages, with_document=several)


def _more(bot: EssayBot, passages: list[Passage]) -> list[EmbedSpec]:
    return more_message(passages, with_document=len(bot.documents) > 1)


class InContext(DynamicItem[Button[Any]], template=CONTEXT + _KEYS):
    """Shows the whole paragraph of each quoted passage."""

    def __init__(self, keys: str) -> None:
        super().__init__(Button(label="In context", custom_id=CONTEXT + keys))
        self.keys = keys

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: Any, match: re.Match[str], /
    ) -> InContext:
        """The button a press was on, from its custom id."""
        return cls(match["keys"])

    async def callback(self, interaction: discord.Interaction) -> None:
        """Reply privately with the paragraphs."""
        await _guarded(interaction, "In context", _show(interaction, self.keys, _context))


class More(DynamicItem[Button[Any]], template=MORE + _KEYS):
    """Shows the passages ranked after the quoted ones."""

    def __init__(self, keys: str) -> None:
        super().__init__(Button(label="More", custom_id=MORE + keys))
        self.keys = keys

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: Any, match: re.Match[str], /
    ) -> More:
        """The button a press was on, from its custom id."""
        return cls(match["keys"])

    async def callback(self, interaction: discord.Interaction) -> None:
        """Reply privately with the passages."""
        await _guarded(interaction, "More", _show(interaction, self.keys, _more))


class FollowUp(DynamicItem[Button[Any]], template=FOLLOW_UP):
    """Opens a form for a follow-up question (answered by bot.discord_bot._follow_ups)."""

    def __init__(self) -> None:
        super().__init__(
            Button(label="Ask a follow-up", style=discord.ButtonStyle.primary, custom_id=FOLLOW_UP)
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: Any, match: re.Match[str], /
    ) -> FollowUp:
        """The button a press was on."""
        return cls()

    async def callback(self, interaction: discord.Interaction) -> None:
        """Open the form; not while as many first responses are open as requests may be
        (Discord slow): dropped, as a keystroke is (red-team round 32, N1: one account's
        presses had held 193 connections and failed others' answers), nor while its user
        has a few open (round 33: one account's 50 had dropped every other user's)."""
        bot = _bot(interaction)
        if bot.halts.busy(interaction):
            log.debug("a follow-up form dropped: first responses saturated, or its user's")
            return

        async def open_form() -> None:
            # a press as the others are, counted by their cooldown (red-team round 35, Q6:
            # one account's 30 presses in a second had each opened a form)
            if refusal := bot.press_refusal(interaction.user.id):
                await _reply(interaction, refusal)
                return
            await interaction.response.send_modal(follow_up_form())

        await _guarded(interaction, "Ask a follow-up", open_form())


class Vote(DynamicItem[Button[Any]], template=VOTE + r"(?P<up>up|down):(?P<id>\d{1,19})"):
    """👍 or 👎 on an answer, recorded in the question log once per user and answer."""

    def __init__(self, up: bool, question_id: int) -> None:
        custom_id = f"{VOTE}{'up' if up else 'down'}:{question_id}"
        super().__init__(Button(emoji="👍" if up else "👎", custom_id=custom_id))
        self.up, self.question_id = up, question_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: Any, match: re.Match[str], /
    ) -> Vote:
        """The button a press was on, from its custom id."""
        return cls(match["up"] == "up", int(match["id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        """Record the vote; thank the voter privately."""
        await _guarded(interaction, "vote", self._vote(interaction))

    async def _vote(self, interaction: discord.Interaction) -> None:
        bot = _bot(interaction)
        question_log = bot.question_log
        refusal = bot.press_refusal(interaction.user.id)
        if refusal or question_log is None:
            await _reply(interaction, refusal or NO_LOG)
            return
        if self.question_id > _LARGEST_ID:  # no answer of ours: a forged id
            await _reply(interaction, OLDER)
            return
        vote = question_log.vote
        with bot.in_flight.track(
            _named("vote", interaction.id, interaction.user.id, str(self.question_id)),
            lambda: _reply(interaction, SHUTDOWN_APOLOGY),
        ):
            await think(interaction, ephemeral=True)
            try:  # a write to SQLite: not on the event loop
                counted = await asyncio.get_running_loop().run_in_executor(
                    bot.vote_worker,
                    functools.partial(vote, self.question_id, interaction.user.id, up=self.up),
                )
            except LogError as error:  # busy (another program holds it) or unwritable
                log.warning("could not record a vote: %s", error)
                counted = True  # the voter did their part
            text = THANKS if counted else ALREADY
            await after_thinking(interaction)(text, allowed_mentions=NO_MENTIONS)


BUTTONS = (InContext, More, FollowUp, Vote)


def follow_up_form() -> discord.ui.Modal:
    """The form a follow-up is typed in. Its submission is answered by its custom id
    (EssayBot.on_interaction), not by this object, so it is not kept after sending."""
    form = discord.ui.Modal(title="Ask a follow-up", custom_id=FORM)
    field: discord.ui.TextInput[Any] = discord.ui.TextInput(
        custom_id=FORM_QUESTION, min_length=1, max_length=MAX_QUESTION
    )
    form.add_item(discord.ui.Label(text="Your follow-up question", component=field))
    form.stop()  # a stopped form is not stored by discord.py
    return form


def answer_view(keys: ButtonKeys) -> discord.ui.View:
    """The buttons for an answer: only those with something to show."""
    view = discord.ui.View(timeout=None)  # every item is dynamic: nothing is stored per message
    if keys.quoted:
        view.add_item(InContext(".".join(keys.quoted)))
    if keys.following:
        view.add_item(More(".".join(keys.following)))
    view.add_item(FollowUp())
    if keys.question_id is not None:
        view.add_item(Vote(True, keys.question_id))
        view.add_item(Vote(False, keys.question_id))
    return view
