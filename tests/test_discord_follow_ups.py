"""Follow-up questions end to end: the form and replies to answers, answered in threads on
the answers they follow (the real client against the fake Discord)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import discord
import pytest

from bot.answering import Answerer
from bot.discord_bot._buttons import FORM, FORM_QUESTION
from bot.discord_bot._client import MOST_POSTING
from bot.discord_bot._replies import APOLOGY, BUSY, cached_permissions, too_long
from tests import fake_discord as fake
from tests.test_discord import DEAD_END, NONE, callbacks, followups, point_at, run, running
from tests.test_discord_buttons import EPHEMERAL, answer_of, buttons, press
from tests.test_discord_faults import everyone_may_not

pytestmark = pytest.mark.slow
__all__ = ["point_at"]  # the fixture, shared with test_discord


def replying_to(
    answer: dict[str, Any], text: str, *, named: bool = True, **kwargs: Any
) -> dict[str, Any]:
    """A MESSAGE_CREATE payload replying to `answer`, which pings the bot, as by default
    (`named`: the bot's mention is typed in the text too)."""
    reply = fake.message(f"<@{fake.BOT_ID}> {text}" if named else text, **kwargs)
    reply["type"] = 19  # a reply
    reply["message_reference"] = {
        "message_id": answer["id"],
        "channel_id": answer["channel_id"],
        "guild_id": fake.GUILD_ID,
    }
    reply["referenced_message"] = answer
    return reply


def test_a_follow_up_form_arriving_too_late_is_one_warning_and_no_apology(
    point_at: Any, answerer: Answerer, caplog: pytest.LogCaptureFixture
) -> None:
    async def body() -> None:
        async with running(point_at, answerer) as (server, _):
            answer = await answer_of(server, "Who would welcome Chinese investment?")
            submitted = fake.form_submit(FORM, {FORM_QUESTION: "And why?"}, answer)
            server.expired.add(submitted["id"])  # after Discord's 3 seconds
            await server.dispatch("INTERACTION_CREATE", submitted)
            await server.wait_for(callbacks(server, submitted))
            await asyncio.sleep(0.3)
            tried = [r for r in server.requests if callbacks(server, submitted)(r)]
            assert len(tried) == 1  # the defer refused; no apology to what is gone

    run(body())
    assert "a follow-up form: Discord no longer knows where to answer" in caplog.text
    assert "answering a follow-up failed" not in caplog.text


def test_a_follow_up_form_is_answered_in_a_thread_on_the_answer(
    point_at: Any, answerer: Answerer
) -> None:
    async def body() -> None:
        async with running(point_at, answerer) as (server, _):
            answer = await answer_of(server, "Who would welcome Chinese investment?")
            await press(server, buttons(answer)["Ask a follow-up"], answer)
            submitted = fake.form_submit(FORM, {FORM_QUESTION: "And why?"}, answer)
            await server.dispatch("INTERACTION_CREATE", submitted)
            (defer,) = await server.wait_for(callbacks(server, submitted))
            assert defer.body["type"] == 5 and defer.body["data"]["flags"] == EPHEMERAL
            started = f"channels/{fake.CHANNEL_ID}/messages/{answer['id']}/threads"
            (thread,) = await server.wait_for(lambda r: r.path == started)
            assert thread.body["name"] == "Who would welcome Chinese investment?"
            (posted,) = await server.wait_for(
                lambda r: r.path == f"channels/{answer['id']}/messages"
            )
            (embed,) = posted.body["embeds"]
            assert embed["title"] == "And why?"
            assert embed["footer"]["text"].startswith(
                'Read with the earlier question "Who would welcome Chinese investment?"'
            )
            assert "> " in embed["description"] and "¶2" in embed["description"]  # verbatim, cited
            assert posted.body["allowed_mentions"] == NONE and posted.body["components"]
            (note,) = await server.wait_for(followups(submitted))
            assert note.body["content"] == f"Answered in the thread <#{answer['id']}>."
            assert note.returned["flags"] == EPHEMERAL
            # The form under an answer in a thread: answered there, for everyone.
            in_thread = fake.form_submit(
                FORM, {FORM_QUESTION: "Whose?"}, posted.returned, channel_id=fake.THREAD_ID
            )
            await server.dispatch("INTERACTION_CREATE", in_thread)
            (public,) = await server.wait_for(followups(in_thread))
            assert not public.returned["flags"] and public.body["components"]
            assert public.body["embeds"][0]["footer"]["text"].startswith(
                'Read with the earlier question "And why? Who would welcome Chinese investment?"'
            )
            assert len([r for r in server.requests if r.path.endswith("/threads")]) == 1

    run(body())


def test_a_reply_to_an_answer_and_a_mention_in_its_thread_are_follow_ups(
    point_at: Any, answerer: Answerer
) -> None:
    async def body() -> None:
        async with running(point_at, answerer, cooldown_rate=10) as (server, bot):
            answer = await answer_of(server, "Who would welcome Chinese investment?")
            reply = replying_to(answer, "What about the EU?")
            await server.dispatch("MESSAGE_CREATE", reply)
            in_thread = f"channels/{answer['id']}/messages"
            (posted,) = await server.wait_for(lambda r: r.path == in_thread)
            assert posted.body["embeds"][0]["title"] == "What about the EU?"
            assert "Read with the earlier question" in posted.body["embeds"][0]["footer"]["text"]
            assert bot.get_channel(int(answer["id"])) is not None  # the thread Discord announced
            alone = "What does Moscow want?"  # stands alone: two terms the essays use
            mention = fake.message(f"<@{fake.BOT_ID}> {alone}", channel_id=answer["id"])
            await server.dispatch("MESSAGE_CREATE", mention)
            second = (await server.wait_for(lambda r: r.path == in_thread, count=2))[1]
            assert str(second.body["message_reference"]["message_id"]) == mention["id"]
            assert second.body["embeds"][0]["title"] == alone
            assert "earlier question" not in second.body["embeds"][0]["footer"]["text"]
            short = fake.message(f"<@{fake.BOT_ID}> And why?", channel_id=answer["id"])
            await server.dispatch("MESSAGE_CREATE", short)
            third = (await server.wait_for(lambda r: r.path == in_thread, count=3))[2]
            footer = third.body["embeds"][0]["footer"]["text"]
            assert footer.startswith('Read with the earlier question "Who would welcome Chinese')
            # A reply to the follow-up's answer keeps the question that one was read with.
            chained = replying_to(posted.returned, "Whose?", channel_id=answer["id"])
            await server.dispatch("MESSAGE_CREATE", chained)
            fourth = (await server.wait_for(lambda r: r.path == in_thread, count=4))[3]
            assert str(fourth.body["message_reference"]["message_id"]) == chained["id"]
            assert fourth.body["embeds"][0]["footer"]["text"].startswith(
                'Read with the earlier question "What about the EU? Who would welcome Chinese'
            )
            assert len([r for r in server.requests if r.path.endswith("/threads")]) == 1

    run(body())


def test_a_reply_that_asks_nothing_is_no_follow_up(point_at: Any, answerer: Answerer) -> None:
    """Red-team round 14: "Thanks!" replying to an answer started a thread and posted the
    answer again there; a sticker replying got a public hint. A reply pings the bot without
    naming it: asking nothing, it is let be; named, it gets the hint, in no thread."""

    async def body() -> None:
        async with running(point_at, answerer, cooldown_rate=10) as (server, _):
            answer = await answer_of(server, "Who would welcome Chinese investment?")
            in_channel = f"channels/{fake.CHANNEL_ID}/messages"
            for text in ("Thanks!", "👍", "ok lol", "thank you so much", ""):
                await server.dispatch("MESSAGE_CREATE", replying_to(answer, text, named=False))
            named = replying_to(answer, "thanks!")
            await server.dispatch("MESSAGE_CREATE", named)
            (hint,) = await server.wait_for(lambda r: r.path == in_channel)
            assert hint.body["content"].startswith("Ask me a question after the mention")
            assert str(hint.body["message_reference"]["message_id"]) == named["id"]
            await server.dispatch("MESSAGE_CREATE", replying_to(answer, "Why?", named=False))
            in_thread = f"channels/{answer['id']}/messages"
            (posted,) = await server.wait_for(lambda r: r.path == in_thread)
            assert posted.body["embeds"][0]["title"] == "Why?"  # a follow-up that asks
            sent = [r for r in server.requests if r.method == "POST" and "/messages" in r.path]
            assert len(sent) == 3  # the answer, the hint, the follow-up's answer

    run(body())


def test_a_reply_naming_another_channel_s_answer_is_not_followed_there(
    point_at: Any, answerer: Answerer
) -> None:
    """Red-team round 14: a reply whose reference named an answer in another channel (which
    Discord does not send, but a forged payload may) had the bot start a thread there,
    where its allowlist says it does not answer."""

    async def body() -> None:
        allowed = (int(fake.CHANNEL_ID),)
        async with running(point_at, answerer, allowed_channels=allowed) as (server, _):
            answer = await answer_of(server, "Who would welcome Chinese investment?")
            elsewhere = answer | {"channel_id": fake.OTHER_CHANNEL_ID}
            reply = replying_to(elsewhere, "And why?")
            await server.dispatch("MESSAGE_CREATE", reply)
            in_channel = f"channels/{fake.CHANNEL_ID}/messages"
            (replied,) = await server.wait_for(lambda r: r.path == in_channel)
            assert str(replied.body["message_reference"]["message_id"]) == reply["id"]
            assert not [r for r in server.requests if fake.OTHER_CHANNEL_ID in r.path]
            assert not [r for r in server.requests if r.path.endswith("/threads")]

    run(body())


@pytest.mark.parametrize("refusal", ["403", "an hour's 429"])
def test_where_no_thread_can_be_started_a_follow_up_is_still_answered(
    point_at: Any, answerer: Answerer, refusal: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Discord refuses the thread though the permissions said yes, or asks for an hour's
    wait before one (red-team round 11: discord.py's RateLimited, no HTTPException, had lost
    the follow-up). The refusal is remembered, logged once without a traceback (red-team
    round 15: a traceback at every follow-up, and Discord asked again each time)."""

    async def body() -> None:
        async with running(point_at, answerer, cooldown_rate=10) as (server, _):
            answer = await answer_of(server, "Who would welcome Chinese investment?")
            if refusal == "403":
                server.refuse_threads = True
            else:
                threads = f"channels/{fake.CHANNEL_ID}/messages/{answer['id']}/threads"
                server.rate_limited = {threads: 3600.0}
            submitted = fake.form_submit(FORM, {FORM_QUESTION: "And why?"}, answer)
            await server.dispatch("INTERACTION_CREATE", submitted)
            (private,) = await server.wait_for(followups(submitted))
            assert private.returned["flags"] == EPHEMERAL
            assert private.body["embeds"][0]["title"] == "And why?"
            reply = replying_to(answer, "And why?")
            await server.dispatch("MESSAGE_CREATE", reply)
            in_channel = f"channels/{fake.CHANNEL_ID}/messages"
            (replied,) = await server.wait_for(lambda r: r.path == in_channel)
            assert str(replied.body["message_reference"]["message_id"]) == reply["id"]
            assert replied.body["embeds"][0]["footer"]["text"].startswith("Read with the earlier")
            refused = [r for r in server.requests if r.path.endswith("/threads")]
            assert [r.status for r in refused] == [int(refusal[-3:])]  # not asked again

    with caplog.at_level(logging.WARNING):
        run(body())
    (logged,) = [r.getMessage() for r in caplog.records if "threads refused" in r.getMessage()]
    assert ("Discord asked to wait 3600 s" in logged) is (refusal != "403")
    assert not [r for r in caplog.records if r.exc_info]


def test_a_thread_discord_fails_to_start_is_tried_again_at_the_next_follow_up(
    point_at: Any, answerer: Answerer, caplog: pytest.LogCaptureFixture
) -> None:
    """Red-team round 16: a 503 starting the thread was remembered as the thread refused for
    10 minutes, and logged as "unlock the thread". Discord's own failure is no refusal: the
    follow-up is answered in place, and the next one gets its thread. The thread's name holds
    no bidi override (one cut short would leave it open)."""

    async def body() -> None:
        async with running(point_at, answerer, cooldown_rate=10) as (server, _):
            answer = await answer_of(server, "Who would welcome \u202eChinese\x07 investment?")
            threads = rf"channels/{fake.CHANNEL_ID}/messages/{answer['id']}/threads"
            server.unavailable = {threads: 1}
            submitted = fake.form_submit(FORM, {FORM_QUESTION: "And why?"}, answer)
            await server.dispatch("INTERACTION_CREATE", submitted)
            (private,) = await server.wait_for(followups(submitted))
            assert private.returned["flags"] == EPHEMERAL
            again = fake.form_submit(FORM, {FORM_QUESTION: "And why would they?"}, answer)
            await server.dispatch("INTERACTION_CREATE", again)
            started = await server.wait_for(lambda r: r.path.endswith("/threads"), count=2)
            assert [r.status for r in started] == [503, 200]
            assert started[1].body["name"] == "Who would welcome Chinese investment?"

    with caplog.at_level(logging.WARNING):
        run(body())
    assert not [r for r in caplog.records if "threads refused" in r.getMessage()]
    assert [r for r in caplog.records if "failed to start a thread (503)" in r.getMessage()]


def test_a_follow_up_to_an_answer_deleted_meanwhile_is_not_logged_as_a_lock(
    point_at: Any, answerer: Answerer, caplog: pytest.LogCaptureFixture
) -> None:
    """Red-team round 18: an answer deleted, then its follow-up form: the thread's start gets
    404 10008, which had been logged as "threads refused" in "channel <the answer's id>",
    with the advice to unlock the thread or give Manage Threads; neither could help. It is
    said to be gone, and the follow-up is answered privately where it was asked."""

    async def body() -> None:
        async with running(point_at, answerer, cooldown_rate=10) as (server, _):
            answer = await answer_of(server, "Who would welcome Chinese investment?")
            server.deleted_messages.add(answer["id"])  # a moderator deleted the answer
            submitted = fake.form_submit(FORM, {FORM_QUESTION: "And why?"}, answer)
            await server.dispatch("INTERACTION_CREATE", submitted)
            (private,) = await server.wait_for(followups(submitted))
            assert private.returned["flags"] == EPHEMERAL
            assert private.body["embeds"][0]["title"] == "And why?"

    with caplog.at_level(logging.WARNING):
        run(body())
    (logged,) = [r.getMessage() for r in caplog.records if "Unknown Message" in r.getMessage()]
    assert logged.endswith("is gone (Unknown Message): follow-up answered where asked")
    assert "unlock" not in caplog.text and "Manage Threads" not in caplog.text
    assert not [r for r in caplog.records if r.exc_info]


def test_ask_essaybot_answers_privately_with_buttons(point_at: Any, answerer: Answerer) -> None:
    async def body() -> None:
        async with running(point_at, answerer) as (server, _):
            interaction = fake.message_command("Ask essaybot", DEAD_END)
            await server.dispatch("INTERACTION_CREATE", interaction)
            (followup,) = await server.wait_for(followups(interaction))
            answer = followup.returned
            assert answer["flags"] == EPHEMERAL and "In context" in buttons(answer)
            submitted = fake.form_submit(FORM, {FORM_QUESTION: "And Lukashenko?"}, answer)
            await server.dispatch("INTERACTION_CREATE", submitted)
            (defer,) = await server.wait_for(callbacks(server, submitted))
            assert defer.body["data"]["flags"] == EPHEMERAL
            (private,) = await server.wait_for(followups(submitted))  # no thread on it
            assert private.returned["flags"] == EPHEMERAL and private.body["embeds"]
            assert not [r for r in server.requests if r.path.endswith("/threads")]

    run(body())


async def answered_in_a_thread(server: fake.FakeDiscord) -> tuple[dict[str, Any], str]:
    """An answer, and the path of posts in the thread a first follow-up form started on it."""
    answer = await answer_of(server, "Who would welcome Chinese investment?")
    first = fake.form_submit(FORM, {FORM_QUESTION: "And why?"}, answer)
    await server.dispatch("INTERACTION_CREATE", first)
    in_thread = f"channels/{answer['id']}/messages"
    await server.wait_for(lambda r: r.path == in_thread)
    await server.wait_for(followups(first))
    return answer, in_thread


async def follow_ups_answered_in_place(server: fake.FakeDiscord, answer: dict[str, Any]) -> None:
    """A follow-up form on `answer` is answered privately, a reply to it in the channel."""
    second = fake.form_submit(FORM, {FORM_QUESTION: "And the EU?"}, answer)
    await server.dispatch("INTERACTION_CREATE", second)
    (private,) = await server.wait_for(followups(second), timeout=30)
    assert private.returned["flags"] == EPHEMERAL
    assert private.body["embeds"][0]["title"] == "And the EU?"
    reply = replying_to(answer, "And Minsk?")
    await server.dispatch("MESSAGE_CREATE", reply)
    in_channel = f"channels/{fake.CHANNEL_ID}/messages"
    (replied,) = await server.wait_for(lambda r: r.path == in_channel, timeout=30)
    assert str(replied.body["message_reference"]["message_id"]) == reply["id"]
    assert replied.body["embeds"][0]["title"] == "And Minsk?"


async def asked_again_unlocked(
    server: fake.FakeDiscord, answer: dict[str, Any], locked: dict[str, Any], in_thread: str
) -> list[int]:
    """The statuses of the posts in the `locked` thread on `answer` once Discord says it is
    unlocked and a follow-up form is submitted, the last of which answers it."""
    unlocked = locked["thread_metadata"] | {"locked": False, "archived": False}
    await server.dispatch("THREAD_UPDATE", locked | {"thread_metadata": unlocked})
    del server.refuse_posts[answer["id"]]
    third = fake.form_submit(FORM, {FORM_QUESTION: "And Kyiv?"}, answer)
    await server.dispatch("INTERACTION_CREATE", third)
    await server.wait_for(followups(third), timeout=30)
    posted = [r for r in server.requests if r.path == in_thread]
    assert posted[-1].body["embeds"][0]["title"] == "And Kyiv?"
    return [r.status for r in posted]


def test_a_follow_up_on_an_answer_whose_thread_was_locked_is_answered_in_place(
    point_at: Any, answerer: Answerer, caplog: pytest.LogCaptureFixture
) -> None:
    """A moderator locked (so archived) the thread on an answer: Discord drops it from the
    bot's cache, refuses a new thread on the message (160004) and a post in it (50083). The
    form is answered privately, a reply in the channel; the thread is not tried again until
    it is unlocked."""

    async def body() -> None:
        async with running(point_at, answerer, cooldown_rate=10) as (server, bot):
            answer, in_thread = await answered_in_a_thread(server)
            locked = fake.thread(answer["id"], fake.CHANNEL_ID, "Who would welcome Chinese")
            locked["owner_id"] = fake.BOT_ID
            locked["thread_metadata"] |= {"locked": True, "archived": True}
            await server.dispatch("THREAD_UPDATE", locked)
            server.refuse_posts[answer["id"]] = 50083
            for _ in range(1000):  # until the bot has taken the update
                if bot.get_channel(int(answer["id"])) is None:
                    break
                await asyncio.sleep(0.01)
            await follow_ups_answered_in_place(server, answer)
            # Found out once, then remembered: one thread refused, one post refused.
            threads = [r.status for r in server.requests if r.path.endswith("/threads")]
            assert threads == [200, 400]
            assert [r.status for r in server.requests if r.path == in_thread] == [200, 403]
            # Unlocked: the next follow-up is answered in the thread again, at once (red-team
            # round 11: the refusal had been kept for 10 minutes).
            posted = await asked_again_unlocked(server, answer, locked, in_thread)
            assert posted == [200, 403, 200]

    with caplog.at_level(logging.WARNING):
        run(body())
    refused = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert len(refused) == 1 and "threads refused (Thread is archived)" in refused[0]
    assert "unlock the thread" in refused[0]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


MANAGE_THREADS = 1 << 34


async def locked_without_managing(server: fake.FakeDiscord, answer: dict[str, Any]) -> Any:
    """The update locking the thread the bot started on `answer`, sent where the bot may not
    manage threads."""
    await server.dispatch("GUILD_ROLE_UPDATE", everyone_may_not(MANAGE_THREADS))
    locked = fake.thread(answer["id"], fake.CHANNEL_ID, "Who would welcome Chinese")
    locked["owner_id"] = fake.BOT_ID
    locked["thread_metadata"] |= {"locked": True}
    await server.dispatch("THREAD_UPDATE", locked)
    return locked


def test_a_thread_locked_where_the_bot_may_not_manage_threads_is_passed_over_until_unlocked(
    point_at: Any, answerer: Answerer, caplog: pytest.LogCaptureFixture
) -> None:
    """Red-team round 29 (J2's remainder): a THREAD_UPDATE saying a thread is locked, where
    the bot may not manage threads, is taken at its word: follow-ups on its answer are
    answered in place without a request refused, and a later update of the still locked
    thread (a rename) does not forget it. Unlocked, the thread is used again. Another's
    thread locked is not noted (round 31, M4: one warning each), and the parent channel's
    update does not forget the lock (round 31: one post refused)."""

    async def body() -> None:
        async with running(point_at, answerer, cooldown_rate=10) as (server, bot):
            answer, in_thread = await answered_in_a_thread(server)
            locked = await locked_without_managing(server, answer)
            await server.dispatch("THREAD_UPDATE", locked | {"name": "Renamed"})
            # a thread someone else started, locked: none of the bot's (round 31, M4)
            theirs = fake.thread("470000000000000001", fake.CHANNEL_ID, "Cake rota")
            theirs["owner_id"] = "400000000000000001"
            theirs["thread_metadata"] |= {"locked": True}
            await server.dispatch("THREAD_UPDATE", theirs)
            server.refuse_posts[answer["id"]] = 50083
            for _ in range(1000):  # until the bot has taken the rename
                if getattr(bot.get_channel(int(answer["id"])), "name", "") == "Renamed":
                    break
                await asyncio.sleep(0.01)
            # nor does the parent channel's update (its notes forgotten: round 31)
            await server.dispatch("CHANNEL_UPDATE", fake.guild()["channels"][0] | {"topic": "x"})
            for _ in range(1000):
                if getattr(bot.get_channel(int(fake.CHANNEL_ID)), "topic", None) == "x":
                    break
                await asyncio.sleep(0.01)
            await follow_ups_answered_in_place(server, answer)
            assert [r.status for r in server.requests if r.path.endswith("/threads")] == [200]
            assert [r.status for r in server.requests if r.path == in_thread] == [200]
            posted = await asked_again_unlocked(server, answer, locked, in_thread)
            assert posted == [200, 200]

    with caplog.at_level(logging.WARNING):
        run(body())
    refused = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert len(refused) == 1 and "threads refused (the thread is locked)" in refused[0]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_lock_undone_while_the_bot_was_away_is_forgotten(
    point_at: Any, answerer: Answerer
) -> None:
    """Red-team round 32 (N2): a thread unlocked while the bot logs in again sends no update;
    the new session's server gives it unlocked, and that is Discord's last word: follow-ups
    go to the thread again (they had been answered in place until its next update)."""

    async def body() -> None:
        async with running(point_at, answerer, cooldown_rate=10) as (server, bot):
            answer, in_thread = await answered_in_a_thread(server)
            await locked_without_managing(server, answer)
            for _ in range(1000):  # until the bot has taken the lock
                if bot.locked(int(answer["id"])):
                    break
                await asyncio.sleep(0.01)
            assert bot.locked(int(answer["id"]))
            # the cache as a new session's GUILD_CREATE gives it, no THREAD_UPDATE seen
            thread = bot.get_channel(int(answer["id"]))
            assert isinstance(thread, discord.Thread)
            thread.locked = False
            again = fake.form_submit(FORM, {FORM_QUESTION: "And Kyiv?"}, answer)
            await server.dispatch("INTERACTION_CREATE", again)
            await server.wait_for(followups(again), timeout=30)
            posted = [r for r in server.requests if r.path == in_thread]
            assert [r.status for r in posted] == [200, 200]
            assert posted[-1].body["embeds"][0]["title"] == "And Kyiv?"
            assert not bot.locked(int(answer["id"]))

    run(body())


def test_a_lock_made_while_the_bot_was_away_is_taken_from_the_cache(
    point_at: Any, answerer: Answerer, caplog: pytest.LogCaptureFixture
) -> None:
    """Red-team round 33 (O1): a thread locked while the bot logs in again sends no update;
    the new session's server gives it locked, where the bot may not manage threads: follow-ups
    are answered in place with no post refused (two had been, 403), and nothing is warned."""

    async def body() -> None:
        async with running(point_at, answerer, cooldown_rate=10) as (server, bot):
            answer, in_thread = await answered_in_a_thread(server)
            await server.dispatch("GUILD_ROLE_UPDATE", everyone_may_not(MANAGE_THREADS))
            for _ in range(1000):  # until the bot has taken the role's change
                permissions = cached_permissions(bot.get_channel(int(fake.CHANNEL_ID)))
                if permissions is not None and not permissions.manage_threads:
                    break
                await asyncio.sleep(0.01)
            # the cache as a new session's GUILD_CREATE gives it, no THREAD_UPDATE seen
            thread = bot.get_channel(int(answer["id"]))
            assert isinstance(thread, discord.Thread) and not bot.locked(thread.id)
            thread.locked = True
            server.refuse_posts[answer["id"]] = 50083
            await follow_ups_answered_in_place(server, answer)
            assert [r.status for r in server.requests if r.path == in_thread] == [200]
            thread.locked = False  # and unlocked again: the thread is used
            assert not bot.locked(thread.id)

    with caplog.at_level(logging.WARNING):
        run(body())
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text


@pytest.mark.parametrize(
    "components",
    ["garbage", [None, 3], [{"type": 18, "component": "text"}], [{"components": 5}]],
    ids=["no list", "no objects", "text for a field", "number for fields"],
)
def test_a_follow_up_form_as_no_form_has_it_is_asked_for_a_question(
    point_at: Any, answerer: Answerer, caplog: pytest.LogCaptureFixture, components: Any
) -> None:
    """A form's fields as Discord never sends them (an older or hostile client's): the user
    is asked to type a question; the bot had logged an ERROR and apologised."""

    async def body() -> None:
        async with running(point_at, answerer) as (server, _):
            answer = await answer_of(server, "Who would welcome Chinese investment?")
            submitted = fake.form_submit(FORM, {}, answer)
            submitted["data"]["components"] = components
            await server.dispatch("INTERACTION_CREATE", submitted)
            (reply,) = await server.wait_for(callbacks(server, submitted))
            assert reply.body["data"]["content"] == "Please type a question."

    with caplog.at_level(logging.WARNING):
        run(body())
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text


@pytest.mark.parametrize("said", ["Thanks!", "👍", "ok thanks"])
def test_a_follow_up_form_that_asks_nothing_is_asked_for_a_question(
    point_at: Any, answerer: Answerer, said: str
) -> None:
    """Red-team round 15: a form saying "Thanks!" started a thread on the answer and posted
    the answer again there, read with the earlier question."""

    async def body() -> None:
        async with running(point_at, answerer) as (server, _):
            assert await form_refused(server, said) == "Please type a question."

    run(body())


async def form_refused(server: fake.FakeDiscord, text: str) -> str:
    """What the follow-up form `text` on an answer is told, privately, with no thread
    started and nothing posted on the answer."""
    answer = await answer_of(server, "Who would welcome Chinese investment?")
    submitted = fake.form_submit(FORM, {FORM_QUESTION: text}, answer)
    await server.dispatch("INTERACTION_CREATE", submitted)
    (reply,) = await server.wait_for(callbacks(server, submitted))
    await asyncio.sleep(0.3)
    assert not [r for r in server.requests if r.path.endswith("/threads")]
    assert not [r for r in server.requests if r.path == f"channels/{answer['id']}/messages"]
    content: str = reply.body["data"]["content"]
    return content


def test_a_follow_up_whose_thread_was_deleted_is_answered_in_place(
    point_at: Any, answerer: Answerer, caplog: pytest.LogCaptureFixture
) -> None:
    """The thread on an answer is deleted while follow-ups are on their way (the post in it
    is refused 404, 10003, before the bot hears of the deletion): the form is answered
    privately and a reply in the channel, with one warning (red-team round 8: both lost); the
    thread is not tried again (round 28, J2: each follow-up queued had been refused there)."""

    async def body() -> None:
        async with running(point_at, answerer, cooldown_rate=10) as (server, _):
            answer, in_thread = await answered_in_a_thread(server)
            server.refuse_posts[answer["id"]] = 10003  # deleted
            await follow_ups_answered_in_place(server, answer)
            assert [r.status for r in server.requests if r.path == in_thread] == [200, 404]

    with caplog.at_level(logging.WARNING):
        run(body())
    gone = [r.getMessage() for r in caplog.records if "thread is gone" in r.getMessage()]
    assert len(gone) == 1 and "Unknown Channel" in gone[0]
    assert "no longer knows where to answer" not in caplog.text


def test_a_follow_up_form_longer_than_its_field_allows_is_refused(
    point_at: Any, answerer: Answerer
) -> None:
    """Red-team round 18 (O10): a forged form of 400 characters was cut to 300 and answered,
    where /ask that long is refused: it gets the same refusal, privately, before any work."""
    question = "Why " * 100

    async def body() -> None:
        async with running(point_at, answerer) as (server, _):
            assert await form_refused(server, question) == too_long(question.strip())

    run(body())


def test_follow_ups_to_an_answer_whose_thread_has_many_answers_waiting_are_busy(
    point_at: Any, answerer: Answerer
) -> None:
    """Red-team round 24 (F1): follow-ups to one answer are answered in the thread on it, but
    the bound of answers waiting to be posted was read in the channel they came from: 40
    accounts' replies to one answer queued 105 answers in its thread (20 accounts' forms,
    52), a reader's waiting 127 s. With MOST_POSTING waiting in the thread, a reply to the
    answer and its follow-up form are told it is busy; in the channel, a mention is not."""

    async def body() -> None:
        async with running(point_at, answerer) as (server, bot):
            answer = await answer_of(server, "Who would welcome Chinese investment?")
            bot._posting[int(answer["id"])] = MOST_POSTING  # the thread on it: a raid's
            reply = replying_to(answer, "What about the EU?", author_id="470000000000000001")
            await server.dispatch("MESSAGE_CREATE", reply)
            (busy,) = await server.wait_for(
                lambda r: r.path == f"channels/{fake.CHANNEL_ID}/messages", timeout=60
            )
            assert busy.body["content"] == BUSY
            form = fake.form_submit(
                FORM, {FORM_QUESTION: "And why?"}, answer, user_id="470000000000000002"
            )
            await server.dispatch("INTERACTION_CREATE", form)
            (refused,) = await server.wait_for(callbacks(server, form))
            assert refused.body["data"]["content"] == BUSY
            elsewhere = fake.message(f"<@{fake.BOT_ID}> {DEAD_END}", author_id="4" * 18)
            await server.dispatch("MESSAGE_CREATE", elsewhere)
            answered = await server.wait_for(
                lambda r: (
                    r.path == f"channels/{fake.CHANNEL_ID}/messages" and bool(r.body.get("embeds"))
                ),
                timeout=60,
            )
            assert answered  # the channel itself has none waiting
            assert not [r for r in server.requests if r.path.endswith("/threads")]

    run(body())


def test_a_thread_start_whose_connection_is_cut_answers_the_follow_up_where_asked(
    point_at: Any, answerer: Answerer, caplog: pytest.LogCaptureFixture
) -> None:
    """Red-team round 24 (F8): the connection of the request starting a follow-up's thread
    cut (aiohttp's error, no HTTPException) gave the asker "something went wrong" and the log
    an ERROR, the follow-up unanswered. Now it is answered where it was asked, one warning."""

    async def body() -> None:
        async with running(point_at, answerer, cooldown_rate=10) as (server, _):
            answer = await answer_of(server, "Who would welcome Chinese investment?")
            server.cut.add(f"channels/{fake.CHANNEL_ID}/messages/{answer['id']}/threads")
            reply = replying_to(answer, "And why?")
            await server.dispatch("MESSAGE_CREATE", reply)
            in_channel = f"channels/{fake.CHANNEL_ID}/messages"
            (replied,) = await server.wait_for(
                lambda r: r.path == in_channel and r.status == 200, timeout=60
            )
            assert str(replied.body["message_reference"]["message_id"]) == reply["id"]
            assert replied.body["embeds"][0]["footer"]["text"].startswith("Read with the earlier")

    with caplog.at_level(logging.WARNING):
        run(body())
    assert "starting a thread got no response" in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_follow_up_answered_in_its_thread_whose_private_note_fails_gets_no_apology(
    point_at: Any, answerer: Answerer, caplog: pytest.LogCaptureFixture
) -> None:
    """Red-team round 24 (F5): a follow-up form answered in the thread, for everyone, whose
    private "Answered in the thread" note then failed, told its asker "something went wrong
    ... please try again", which would post a second answer. The note is best effort."""

    async def body() -> None:
        async with running(point_at, answerer) as (server, _):
            answer = await answer_of(server, "Who would welcome Chinese investment?")
            submitted = fake.form_submit(FORM, {FORM_QUESTION: "And why?"}, answer)
            server.cut.add(fake.original(submitted["token"]))  # the note's edit: no response
            await server.dispatch("INTERACTION_CREATE", submitted)
            (posted,) = await server.wait_for(
                lambda r: r.path == f"channels/{answer['id']}/messages", timeout=60
            )
            assert posted.body["embeds"][0]["title"] == "And why?"
            await server.wait_for(
                lambda r: r.path == fake.original(submitted["token"]), count=2, timeout=60
            )
            await asyncio.sleep(1.0)
            said = [r.body for r in server.requests if followups(submitted)(r) and r.status]
            assert not [b for b in said if APOLOGY in str(b)]

    with caplog.at_level(logging.WARNING):
        run(body())
    assert "could not send a note" in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_form_delivered_again_after_its_askers_own_flood_is_answered_once(
    point_at: Any, answerer: Answerer
) -> None:
    """Red-team round 25 (G3): each user's last 32 interactions were remembered together, so
    the asker's own 33 presses of Ask a follow-up, or forms of another version, none of them
    costing a turn, pushed their answered form out, and the form, delivered again after a
    resume, was answered twice in the thread. Answered forms are remembered apart."""

    async def body() -> None:
        async with running(point_at, answerer) as (server, _):
            answer = await answer_of(server, "Who would welcome Chinese investment?")
            asker = {"user_id": "460000000000000001"}
            submitted = fake.form_submit(FORM, {FORM_QUESTION: "And why?"}, answer, **asker)
            await server.dispatch("INTERACTION_CREATE", submitted)
            in_thread = f"channels/{answer['id']}/messages"
            await server.wait_for(lambda r: r.path == in_thread, timeout=30)
            old = [
                fake.form_submit("essaybot:old-form", {"q": "?"}, answer, **asker)
                for _ in range(40)
            ]
            pressed = [fake.button_press(buttons(answer)["Ask a follow-up"], answer, **asker)]
            for flood in [*old, *(pressed * 40)]:
                again = dict(flood, id=fake.snowflake())
                await server.dispatch("INTERACTION_CREATE", again)
            await asyncio.sleep(1.0)
            await server.dispatch("INTERACTION_CREATE", submitted)  # Discord delivers it again
            await asyncio.sleep(1.5)
            assert len([r for r in server.requests if r.path == in_thread]) == 1

    run(body())


def test_follow_up_presses_and_forms_asking_nothing_are_counted_by_the_cooldown(
    point_at: Any, answerer: Answerer
) -> None:
    """Red-team round 35, Q6: with a cooldown of 3 questions, one account's 30 presses of Ask
    a follow-up each opened a form, and its 30 "thanks" forms each got a note: 60 requests.
    A press counts as the other buttons' presses do; a form asking nothing, as /ask's does."""

    async def body() -> None:
        async with running(point_at, answerer, cooldown_rate=3) as (server, _):
            answer = await answer_of(server, "Who would welcome Chinese investment?")
            follow_up = buttons(answer)["Ask a follow-up"]
            kinds = [(await press(server, follow_up, answer))[0].body["type"] for _ in range(4)]
            assert kinds == [9, 9, 9, 4]  # three forms, then the cooldown's note
            said = []
            for _ in range(3):  # the answer above was one of the three questions
                submitted = fake.form_submit(FORM, {FORM_QUESTION: "thanks!"}, answer)
                await server.dispatch("INTERACTION_CREATE", submitted)
                (note,) = await server.wait_for(callbacks(server, submitted))
                said.append(note.body["data"]["content"])
            assert said[:2] == ["Please type a question."] * 2
            assert said[2] != "Please type a question." and "again" in said[2], said

    run(body())
