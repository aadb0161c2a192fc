"""Answers as Discord messages: found in a worker thread, logged, sent with their buttons,
in plain text where Discord refuses embeds."""

from __future__ import annotations

import asyncio
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import discord

from bot.answer_buttons import ButtonKeys
from bot.answering import MAX_QUESTION_CHARS, Answer, as_read
from bot.discord_bot._buttons import KEYS_AFTER, answer_view
from bot.discord_bot._replies import (
    MISSING_PERMISSIONS,
    NO_EMBEDS,
    NO_MENTIONS,
    UNKNOWN_CHANNEL,
    Send,
    Withheld,
    _try,
    after_thinking,
    checked_as_sent,
    log,
    may_embed,
    not_sent,
    patient,
    request_sent,
    to_embeds,
)
from bot.embeds import answer_message, answer_text
from bot.follow_up import read_with, shown_as_follow_up
from bot.markup import block_quotes
from bot.question_log import LogError, LogHeld

if TYPE_CHECKING:  # _client imports this module
    from bot.discord_bot._client import EssayBot


# Mentions of users, roles and channels, and @everyone and @here, say nothing about the essays:
# their ids would count as words the essays never use and pull the answer's confidence down.
_MENTIONS = re.compile(r"<(@[!&]?|#)\d{1,20}>|@(everyone|here)\b")
# Discord's other inline tokens, shown as pictures, dates or links, never as their text: a
# custom emoji ("<:moscow:1234>", animated "<a:...>"), a timestamp ("<t:1700000000:R>"), a
# command's mention ("</ask:1234>", "</notes add:1234>") and a guide's ("<id:customize>").
_TOKENS = re.compile(
    r"<a?:\w{1,32}:\d{1,20}>|<t:-?\d{1,20}(:[tTdDfFsSR])?>|</[\w -]{1,100}:\d{1,20}>|<id:\w{1,20}>"
    r"|<sound:\d{1,20}:\d{1,20}>"
)


# Markdown's marks (spoiler, underline, bold, italics, strikethrough) around nothing but
# spaces: what is left of "||<@123>||" or "__@everyone__" once the mention is left out.
_MARKS_AROUND_NOTHING = re.compile(r"(\|\||__|\*\*|~~|\*|_)\s+\1")
_NESTED_MARKS = 8

# Shown as nothing, yet not whitespace to str.strip: braille blank, Hangul fillers (letters).
_INVISIBLE = frozenset("\u2800\u115f\u1160\u3164\uffa0")


def printable(text: str) -> str:
    """`text` as it is echoed: as the answering core reads a question (`as_read`: terminal
    escape sequences, no part of a question, are taken out, control characters made spaces;
    red-team round 17: embed titles and plain-text answers showed them, and a terminal a log
    or answer is pasted into obeys them). A sequence taken out may join what it parted
    ("@every\x1b[0mone"): so this comes before mentions are left out (`without_mentions`),
    and echoes are escaped and may ping no one besides."""
    return as_read(text)


def blank(text: str) -> bool:
    """Whether `text` shows as nothing: spaces, format characters (zero-width space, marks
    of direction, BOM, soft hyphen, invisible operators), marks with nothing to sit on
    (variation selectors, the combining grapheme joiner, Khmer and Mongolian invisible marks)
    and blank letters only."""
    return all(
        c.isspace() or c in _INVISIBLE or unicodedata.category(c) in ("Cf", "Mn", "Me")
        for c in text
    )


def looked_up(question: str) -> str:
    """`question` as it is looked up (`printable`, `without_mentions`): what shows as
    nothing once escape sequences are out asks nothing (red-team round 34, P8: a question
    of terminal escape sequences only was answered publicly as "(empty question)", holding
    a place in its server's turn, where a blank one gets a private hint)."""
    return without_mentions(printable(question))


def without_mentions(question: str) -> str:
    """`question` as it is looked up: mentions and Discord's other inline tokens left out,
    and the lines it quotes ("> ...", replying to an answer) when it says more than them,
    spaces squeezed."""
    plain = _MENTIONS.sub(" ", _TOKENS.sub(" ", question))
    # the marks around a mention, now around nothing: "||@everyone|| ...", nested up to
    # _NESTED_MARKS deep (red-team round 13: each pass strips one level, so marks nested a
    # thousand deep in a 4,000-character mention had taken 13 ms each, on the event loop)
    for _ in range(_NESTED_MARKS):
        plain, emptied = _MARKS_AROUND_NOTHING.subn(" ", plain)
        if not emptied:
            break
    quotes, unquoted = block_quotes(plain)
    if blank(unquoted):  # all of it quoted: the quote is the question
        unquoted = "\n".join(quotes)
    return " ".join(unquoted.split())


@dataclass(frozen=True)
class Reply:
    """An answer ready to send: its embeds, the same in plain text (for where embeds are
    refused), and what its buttons carry."""

    embeds: tuple[discord.Embed, ...]
    text: str
    keys: ButtonKeys

    def view(self) -> discord.ui.View:
        """The answer's buttons (built on the event loop: a View needs it)."""
        return answer_view(self.keys)


def make_reply(
    bot: EssayBot, question: str, user_id: int, *, earlier: str = "", note: str = ""
) -> Reply:
    """Answer `question` (a follow-up to `earlier`, if given), log it, render it (blocking:
    call it from a worker thread); `note` ends the plain-text form."""
    asked = looked_up(question)  # echoed as the title: printable
    earlier = printable(earlier)  # echoed in the footer (an older answer's title may hold any)
    read = read_with(asked, earlier, bot.answerer.index, MAX_QUESTION_CHARS)
    answer = bot.answerer.ask(read)
    question_id = _logged(bot, answer, user_id)
    several = len(bot.documents) > 1
    specs = answer_message(answer, with_document=several)
    if read != asked:
        specs = shown_as_follow_up(specs, asked, earlier)
    return Reply(
        tuple(to_embeds(specs)),
        answer_text(answer, with_document=several, note=note),
        bot.passage_keys.for_answer(answer, question_id, KEYS_AFTER),
    )


def _logged(bot: EssayBot, answer: Answer, user_id: int) -> int | None:
    """The answer appended to the question log, if there is one: its row id."""
    if bot.question_log is None:
        return None
    try:
        return bot.question_log.record_answer(
            answer, bot.answerer.index, source="discord", user_id=user_id
        )
    except LogHeld:  # held elsewhere moments ago: said then, not at every question
        return None
    except LogError as error:  # the answer matters more than its record
        log.warning("could not log a question (%s); answering all the same", error)
        return None


async def reply_for(
    bot: EssayBot,
    question: str,
    user_id: int,
    server: int,
    *,
    earlier: str = "",
    note: str = "",
    gone: Callable[[], Withheld | None] = lambda: None,
) -> Reply:
    """`make_reply` in a worker, in `server`'s turn, so that the event loop never waits for
    an answer; not made, but Withheld, when `gone()` says why the question is gone by its
    turn (a raid a moderator purged: red-team round 20, 84 of 100 purged questions had been
    answered all the same). `gone` runs in the worker: it may only look values up."""

    def made() -> Reply:
        if withheld := gone():
            raise withheld
        return make_reply(bot, question, user_id, earlier=earlier, note=note)

    return await asyncio.wrap_future(bot.answer_workers.submit(server, made))


async def post_answer(
    bot: EssayBot,
    send: Send,
    channel_id: int,
    question: str,
    user_id: int,
    server: int,
    earlier: str = "",
    *,
    instead: tuple[Send, int] | None = None,
    gone: Callable[[], Withheld | None] = lambda: None,
) -> bool:
    """Post the answer with `send` (a reply, or a send to a thread): with embeds, or in plain
    text ending with a note where the bot may not embed (found out once, then remembered).
    Where Discord refuses the post (a thread a moderator locked), post it with `instead`'s
    send to its channel, and remember the refusal; so too where the thread is gone (deleted
    meanwhile: red-team round 8, the answer had been lost), and at once where the thread is
    known gone or refusing, or the bot removed from the server (red-team round 28, J2, J3:
    each answer queued for it had been refused there first). Whether `send` posted it; not
    when the question is `gone` by its turn (`reply_for`)."""
    try:
        reply = await reply_for(
            bot, question, user_id, server, earlier=earlier, note=NO_EMBEDS, gone=gone
        )
    except Withheld as withheld:
        not_sent(withheld)
        return False
    if instead is not None and bot.refuses_follow_ups(channel_id, server):
        return await _post_instead(bot, instead, reply)
    with bot.posting_in(channel_id):  # counted: a channel with too many waiting is busy
        sent_at = bot.permission_notes.now()
        failed = False
        try:
            with bot.in_flight.posting():
                await _post(bot, send, channel_id, reply)
        except discord.HTTPException as error:
            deleted = isinstance(error, discord.NotFound) and error.code == UNKNOWN_CHANNEL
            if instead is None or not (deleted or isinstance(error, discord.Forbidden)):
                raise
            failed = True
            if deleted:
                log.warning("a follow-up's thread is gone (%s): answered where asked", error.text)
                bot.thread_gone(channel_id)  # the answers queued for it go where asked
            else:
                sent_at = request_sent(sent_at)
                bot.permission_notes.note(channel_id, "threads", error.text, sent_at=sent_at)
    if failed and instead is not None:  # posted where asked, not counted in the thread
        return await _post_instead(bot, instead, reply)
    return True


async def _post_instead(bot: EssayBot, instead: tuple[Send, int], reply: Reply) -> bool:
    """Post `reply` with `instead`'s send to its channel, where the question was asked; the
    thread `post_answer` was to post it in refused it. False: not posted in the thread."""
    send, channel_id = instead
    with bot.posting_in(channel_id), bot.in_flight.posting():
        await _post(bot, send, channel_id, reply)
    return False


async def _post(bot: EssayBot, send: Send, channel_id: int, reply: Reply) -> None:
    """Post `reply` with its embeds, or as plain text where embeds are refused: read as the
    request is about to go, after discord.py's wait for the channel's rate limit (red-team
    round 18: read before it, and each answer queued behind the first refused tried embeds
    again, each refusal counted by Cloudflare)."""
    send = patient(send)
    notes = bot.permission_notes

    def refused() -> bool:
        """Read as the request is about to go: the notes, or the permissions cached, which
        a change of them mid-burst has updated (red-team round 29, K4: the queued answers
        still went with embeds, 3 to 5 refused a channel, their plain text meeting the
        spent rate limit)."""
        if not notes.refused(channel_id, "embeds") and not may_embed(bot.get_channel(channel_id)):
            notes.note(channel_id, "embeds", "as the permissions cached say")
        return notes.refused(channel_id, "embeds")

    if not refused():
        sent_at = notes.now()
        try:
            with checked_as_sent("embeds", refused):  # stopped: plain text below
                await send(
                    embeds=list(reply.embeds), view=reply.view(), allowed_mentions=NO_MENTIONS
                )
                return
        except discord.Forbidden as error:
            if error.code != MISSING_PERMISSIONS:
                raise
            await send(reply.text, view=reply.view(), allowed_mentions=NO_MENTIONS)
            # Only now is it known that Embed Links, not Send Messages, is missing.
            notes.note(channel_id, "embeds", error.text, sent_at=request_sent(sent_at))
            return
    await send(reply.text, view=reply.view(), allowed_mentions=NO_MENTIONS)


async def follow_up_with_answer(
    bot: EssayBot,
    interaction: discord.Interaction,
    question: str,
    *,
    earlier: str = "",
    ephemeral: bool = False,
) -> None:
    """Answer a deferred interaction with the answer's embeds, in place of its "thinking…";
    where the bot may not embed, in plain text and a note that only the asker sees, naming
    the permission. `ephemeral`: the "thinking…" was shown to the asker alone."""
    user = interaction.user.id
    server = bot.server(interaction.channel)
    reply = await reply_for(bot, question, user, server, earlier=earlier)
    send = after_thinking(interaction)
    # Discord computes app_permissions for each interaction, channel overwrites included.
    if interaction.app_permissions.embed_links or ephemeral:
        try:
            with bot.in_flight.posting():
                await send(
                    embeds=list(reply.embeds), view=reply.view(), allowed_mentions=NO_MENTIONS
                )
            return
        except discord.Forbidden as error:
            if error.code != MISSING_PERMISSIONS:
                raise
    bot.permission_notes.note(interaction.channel_id or 0, "embeds", "no Embed Links here")
    with bot.in_flight.posting():
        await send(reply.text, view=reply.view(), allowed_mentions=NO_MENTIONS)
    # best effort: its failure had been apologised for, the answer shown deleted as if it
    # were "thinking…" (red-team round 34, P3)
    await _try(send(NO_EMBEDS, ephemeral=True, allowed_mentions=NO_MENTIONS), "a note")
