"""Follow-up questions, answered in a thread on the answer they follow.

Two ways in: the "Ask a follow-up" form under an answer, and a mention that replies to an
answer (or that is posted in a thread essaybot started). The earlier question is read back
from the answer message Discord delivers with the interaction or the reply (its embed's
title), or from the thread's name: nothing is kept in memory.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord

from bot.answering import asks_nothing
from bot.discord_bot._answers import (
    blank,
    follow_up_with_answer,
    looked_up,
    post_answer,
)
from bot.discord_bot._buttons import FOLLOW_UP, FORM_QUESTION
from bot.discord_bot._replies import (
    _GONE,
    LOST,
    MAX_QUESTION,
    NO_MENTIONS,
    SHUTDOWN_APOLOGY,
    Send,
    _named,
    _reply,
    _try,
    after_thinking,
    log,
    reply_to,
    resent_if_lost,
    think,
    too_long,
)
from bot.follow_up import asked_as, unescaped
from bot.markup import clip, without_bidi

if TYPE_CHECKING:  # _client imports this module
    from bot.discord_bot._client import EssayBot

THREAD_NAME_CHARS = 100  # Discord's limit
# Why no thread was started, the follow-up then answered where it was asked: Discord refused
# it, or asked for a wait longer than discord.py's limit (a RateLimited, not an HTTPException:
# red-team round 11, the follow-up had been lost), or the request's response was lost (its
# connection cut: red-team round 24, F8, an apology and an ERROR, the follow-up unanswered).
THREAD_FAILURES = (discord.HTTPException, discord.RateLimited, *LOST)
THREAD_EXISTS = 160004  # Discord's error code: the message has a thread already
Thread = discord.Thread | discord.PartialMessageable


def submitted(components: Any) -> str:
    """The question typed in the follow-up form (as Label or action-row components); "" if
    the form as sent holds none (anything may be there)."""
    for component in _objects(components):
        for field in [
            *_objects([component.get("component")]),
            *_objects(component.get("components")),
        ]:
            if field.get("custom_id") == FORM_QUESTION:
                return str(field.get("value") or "")
    return ""


def _objects(items: Any) -> list[dict[str, Any]]:
    """The objects of `items`, if it is a list."""
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []


def earlier_question(message: discord.Message | None) -> str:
    """The question an answer message answered (bot.follow_up.asked_as), or the bold first
    line of a plain-text answer (after a bold "Q:" when it holds a link, as
    `bot.embeds._bold_title` writes it); "" for any other message."""
    if message is None:
        return ""
    if message.embeds:
        embed = message.embeds[0]
        return asked_as(embed.title or "", embed.footer.text or "")
    first = message.content.partition("\n")[0]
    if first.startswith("**Q:** ") and "://" in first:  # a question holding a link
        return unescaped(first[len("**Q:** ") :])
    bold = first.startswith("**") and first.endswith("**") and len(first) > 4
    return unescaped(first[2:-2]) if bold else ""


def _is_answer(message: discord.Message) -> bool:
    """Whether `message` is one of essaybot's answers: it carries the follow-up button."""
    return any(
        getattr(child, "custom_id", None) == FOLLOW_UP
        for row in message.components
        for child in getattr(row, "children", ())
    )


def may_thread(permissions: discord.Permissions) -> bool:
    """Whether these permissions let the bot start a thread and post in it."""
    return permissions.create_public_threads and permissions.send_messages_in_threads


def _thread_failed(bot: EssayBot, message: discord.Message, error: Exception) -> None:
    """Remember that Discord would not start the thread on `message`, logged once with its
    reason and no traceback: asked again at each follow-up (red-team round 15: "Maximum
    number of active threads reached", 160006), each refusal counted against the bot. An
    answer deleted meanwhile (404 10008) is no refusal: said so, not remembered (a 404 is
    not counted against the bot)."""
    if isinstance(error, discord.DiscordServerError):  # Discord's own failure, not a refusal
        log.warning("Discord failed to start a thread (%s); answered where asked", error.status)
        return  # red-team round 16: a 503 had been remembered as refused for 10 minutes
    if isinstance(error, LOST):  # the connection cut: Discord may have started it (160004)
        log.warning("starting a thread got no response (%s); answered where asked", error)
        return
    if isinstance(error, discord.HTTPException) and error.code in _GONE:  # the answer deleted
        gone = (message.id, error.text)
        log.warning("answer %s is gone (%s): follow-up answered where asked", *gone)
        return  # red-team round 18: logged as a lock to undo, which no moderator could
    if isinstance(error, discord.RateLimited):
        reason = f"Discord asked to wait {error.retry_after:.0f} s"
    else:
        reason = getattr(error, "text", "") or str(error)
    bot.permission_notes.note(message.id, "threads", reason)


def _thread_refused(bot: EssayBot, message: discord.Message) -> bool:
    """Whether the thread on `message` (it has the message's id) refused a post lately: a
    moderator locked it. Discord's cache drops an archived thread, so only a post tells."""
    # the lock first: a lock Discord has since undone is forgotten with its note
    return bot.locked(message.id) or bot.permission_notes.refused(message.id, "threads")


def thread_name(question: str) -> str:
    """A thread's name from its question: without bidi marks or control characters (a name
    is only named, and one cut short could leave an override open: red-team round 16), and
    within Discord's 100 characters."""
    name = "".join(ch for ch in without_bidi(question) if ch.isprintable() or ch == " ")
    return clip(" ".join(name.split()), THREAD_NAME_CHARS) or "Follow-ups"


async def _thread_on(bot: EssayBot, message: discord.Message, name: str) -> Thread:
    """The thread on `message`: the one it has, or a new one named after its question."""
    if message.thread is not None:
        return message.thread
    try:
        return await message.create_thread(name=thread_name(name))
    except discord.HTTPException as error:
        if error.code != THREAD_EXISTS:  # started meanwhile, or not in the cache
            raise
        return bot.get_partial_messageable(message.id, type=discord.ChannelType.public_thread)


async def answer_form(bot: EssayBot, interaction: discord.Interaction) -> None:
    """Answer a submitted follow-up form: in a thread on the answer when the bot may start
    one there, else as a follow-up (seen only by the asker when the answer was)."""
    answered = bot.answered_forms.holds(interaction.id, interaction.user.id)
    if answered or interaction.id in bot.refused_ids:
        return  # delivered again (after a resume): answered, or refused, once
    data: Any = interaction.data or {}
    question = submitted(data.get("components", [])).strip()
    asked = looked_up(question)  # "Thanks!" asks nothing (red-team round 15)
    asks = not blank(asked) and not asks_nothing(asked)
    # only one to answer holds a place (red-team round 22)
    queued = asks and len(asked) <= MAX_QUESTION
    # posted in the thread on the answer (its id the answer's) or beside it (red-team round
    # 24, F1: 20 accounts' forms had queued 52 answers in one thread)
    places = (interaction.channel_id, interaction.message.id if interaction.message else None)
    # counted even when it asks nothing, as /ask is (red-team round 35, Q6: 30 "thanks" forms
    # from one account had each been answered)
    refusal = bot.refusal(interaction.user.id, interaction.channel, queued=queued, posts=places)
    # The form holds its field to MAX_QUESTION, but a forged one does not: refused as /ask
    # refuses one that long, not cut short and answered (red-team round 18, O10).
    if asks and not refusal and len(asked) > MAX_QUESTION:
        refusal = too_long(asked)
    if refusal or not asks:
        bot.refused_ids.first(interaction.id)
        await _reply(interaction, refusal or "Please type a question.")
        return
    bot.answered_forms.first(interaction.id, interaction.user.id)
    message = interaction.message
    earlier = earlier_question(message)
    ephemeral = message is not None and message.flags.ephemeral
    threaded = (
        message is not None
        and not ephemeral
        and isinstance(interaction.channel, discord.TextChannel)
        and bot.get_guild(interaction.guild_id or 0) is not None  # a member, not a user install
        and may_thread(interaction.app_permissions)
    )
    with bot.in_flight.track(
        _named("follow-up", interaction.id, interaction.user.id, question),
        lambda: _reply(interaction, SHUTDOWN_APOLOGY),
    ):
        await think(interaction, ephemeral=ephemeral or threaded)
        if not threaded or message is None:
            await follow_up_with_answer(
                bot, interaction, question, earlier=earlier, ephemeral=ephemeral
            )
            return
        thread: Thread | None = None
        try:
            if not _thread_refused(bot, message):
                thread = await _thread_on(bot, message, earlier)
        except THREAD_FAILURES as error:  # e.g. the channel's permissions changed: answer here
            _thread_failed(bot, message, error)
        if thread is None:
            await follow_up_with_answer(bot, interaction, question, earlier=earlier, ephemeral=True)
            return
        here = after_thinking(interaction)  # the asker's alone: if the thread refuses it
        in_thread = await post_answer(
            bot,
            resent_if_lost(thread.send, nonce=True),
            thread.id,
            question,
            interaction.user.id,
            bot.server(interaction.channel),
            earlier,
            instead=(here, interaction.channel_id or 0),
        )
        if in_thread:  # a note, once the answer shows: its failure is only logged (red-team
            # round 24, F5: the asker had been told "something went wrong, please try again")
            note = f"Answered in the thread {thread.mention}."
            await _try(here(note, allowed_mentions=NO_MENTIONS), "a note")


async def mention_target(bot: EssayBot, message: discord.Message) -> tuple[Send, int, str]:
    """Where a mention's answer goes, and the earlier question it follows ("" if none): a
    reply to an answer is answered in that answer's thread; a mention in a thread essaybot
    started follows the thread's question."""
    channel = message.channel
    replied = message.reference.resolved if message.reference else None
    me = bot.user
    earlier = ""
    # A reply names a message of its own channel; a reference to another channel's (forged:
    # red-team round 14) is not followed there, where the bot may not answer.
    if (
        me is not None
        and isinstance(replied, discord.Message)
        and replied.author.id == me.id
        and replied.channel.id == channel.id
    ):
        # only an answer (it carries the follow-up button), not /help or a /sections page
        earlier = earlier_question(replied) if _is_answer(replied) else ""
        member = message.guild.me if message.guild else None
        in_channel = isinstance(channel, discord.TextChannel) and member is not None
        if (
            earlier
            and in_channel
            and may_thread(channel.permissions_for(member))  # type: ignore[arg-type]
            and not _thread_refused(bot, replied)
        ):
            try:
                thread = await _thread_on(bot, replied, earlier)
            except THREAD_FAILURES as error:  # not a reason to leave the question unanswered
                _thread_failed(bot, replied, error)
            else:
                return resent_if_lost(thread.send, nonce=True), thread.id, earlier
    elif me is not None and isinstance(channel, discord.Thread) and channel.owner_id == me.id:
        earlier = channel.name
    return reply_to(message, bot.permission_notes), channel.id, earlier
