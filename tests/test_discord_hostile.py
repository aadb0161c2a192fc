"""Hostile Discord traffic, from a review: /section gated like /ask and bounded, mention refusals
said once per cooldown, forged button ids, a mention deleted before its answer."""

from __future__ import annotations

import asyncio
import copy
import itertools
import logging
import threading
import unicodedata
from types import SimpleNamespace
from typing import Any

import discord
import pytest

from bot.answering import Answerer
from bot.discord_bot import APOLOGY, EssayBot, _answers, _client, _commands, too_long
from bot.discord_bot._answers import without_mentions
from bot.discord_bot._buttons import FORM, FORM_QUESTION, OLDER
from bot.discord_bot._client import (
    ANSWER_WORKERS,
    MOST_POSTING,
    MOST_WAITING,
    OLD_FORM,
    OUT_OF_DATE,
    UserCooldowns,
    identify_wait,
)
from bot.discord_bot._menus import ASKS_NOTHING, OWN_ANSWER
from bot.discord_bot._replies import AUTOMOD_BLOCKED, BUSY, _too_quick
from bot.discord_bot._run import serve
from bot.discord_bot._turns import DIRECT_SHARE
from bot.embeds import MESSAGE_CHARS, section_messages
from bot.question_log import QuestionLog
from bot.settings import Settings
from index import Document, PassageIndex, Section
from tests import fake_discord as fake
from tests.helpers import answerer_for, counting
from tests.test_discord import (
    DEAD_END,
    ask,
    ask_and_wait,
    callbacks,
    followups,
    point_at,
    run,
    running,
)
from tests.test_discord_buttons import answer_of, buttons, press

pytestmark = pytest.mark.slow
__all__ = ["point_at"]

CHANNEL_POSTS = f"channels/{fake.CHANNEL_ID}/messages"


def section(name: str, **kwargs: Any) -> dict[str, Any]:
    return fake.interaction("section", [{"name": "name", "type": 3, "value": name}], **kwargs)


# (e)/(f) /section ignores the channel allowlist -------------------------------------------


def test_section_respects_the_channel_allowlist(point_at: Any, answerer: Answerer) -> None:
    async def body() -> None:
        allowed = (int(fake.CHANNEL_ID),)
        async with running(point_at, answerer, allowed_channels=allowed) as (server, _):
            elsewhere = section("#0.1", channel_id=fake.OTHER_CHANNEL_ID)
            await server.dispatch("INTERACTION_CREATE", elsewhere)
            (shown,) = await server.wait_for(callbacks(server, elsewhere))
            # /ask is refused here (privately); /section posts a whole section PUBLICLY
            assert shown.body["data"].get("flags") == 64, shown.body["data"]

    run(body())


# (e) /section has no cooldown: one user floods a channel with public sections ------------


def test_section_has_a_cooldown(point_at: Any, answerer: Answerer) -> None:
    async def body() -> None:
        async with running(point_at, answerer, cooldown_rate=1, cooldown_seconds=60) as (
            server,
            _,
        ):
            presses = [section("#0.1") for _ in range(20)]
            for p in presses:
                await server.dispatch("INTERACTION_CREATE", p)
            # the first answered; of the rest, those past 4 open at once are dropped, not
            # noted (red-team round 33: one account's flood of first responses)
            await server.wait_for(callbacks(server, presses[0]))
            await asyncio.sleep(1.0)
            answered = [p for p in presses if any(map(callbacks(server, p), server.requests))]
            assert len(answered) >= 4
            public = [
                r
                for p in presses
                for r in server.requests
                if r.path.startswith(f"interactions/{p['id']}/")
                and not (r.body["data"].get("flags", 0) & 64)
            ]
            assert len(public) <= 1

    run(body())


# (e)/(f) /section keeps posting during shutdown ------------------------------------------


def test_section_refused_while_shutting_down(point_at: Any, answerer: Answerer) -> None:
    async def body() -> None:
        async with running(point_at, answerer) as (server, bot):
            bot.in_flight.closing = True
            shown = section("#0.1")
            await server.dispatch("INTERACTION_CREATE", shown)
            (reply,) = await server.wait_for(callbacks(server, shown))
            assert reply.body["data"].get("flags") == 64, "a public section during shutdown"

    run(body())


# (a)/(d) /section "#<5000 digits>.0": int() limit -> exception, apology, traceback ---------


def test_section_with_a_huge_number_is_not_an_error(
    point_at: Any, answerer: Answerer, caplog: pytest.LogCaptureFixture
) -> None:
    async def body() -> None:
        async with running(point_at, answerer) as (server, _):
            huge = section("#" + "9" * 5000 + ".0")  # Discord allows 6,000 for a str option
            await server.dispatch("INTERACTION_CREATE", huge)
            (reply,) = await server.wait_for(callbacks(server, huge))
            await asyncio.sleep(0.3)
            assert reply.body["data"].get("content") != APOLOGY

    with caplog.at_level(logging.ERROR):
        run(body())
    assert "ValueError" not in caplog.text


# (e) refusals/hints to mentions are not throttled: N mentions -> N public bot posts -------


@pytest.mark.parametrize(
    "content",
    [
        f"<@{fake.BOT_ID}> Lukashenko",  # beyond the cooldown: "You're asking quickly"
        f"<@{fake.BOT_ID}>",  # empty: the hint
        f"<@{fake.BOT_ID}> " + "x" * 400,  # too long: the refusal
    ],
    ids=["cooldown", "empty", "too-long"],
)
def test_refusals_to_mentions_are_throttled(
    point_at: Any, answerer: Answerer, content: str
) -> None:
    async def body() -> None:
        async with running(point_at, answerer, cooldown_rate=1, cooldown_seconds=60) as (
            server,
            _,
        ):
            for _ in range(15):
                await server.dispatch("MESSAGE_CREATE", fake.message(content))
            await server.wait_for(lambda r: r.path == CHANNEL_POSTS)
            await asyncio.sleep(1)  # the other 14 would have been posted by now
            posted = [r for r in server.requests if r.path == CHANNEL_POSTS]
            assert len(posted) <= 2  # the cooldown's one question, its refusal said once

    run(body())


# (c) forged custom id: 12 keys of one passage -> 12 embeds in one message (limit 10) -----


def test_forged_in_context_id_stays_within_10_embeds(point_at: Any, answerer: Answerer) -> None:
    async def body() -> None:
        async with running(point_at, answerer, cooldown_rate=50, cooldown_seconds=60) as (
            server,
            bot,
        ):
            answer = await answer_of(server, DEAD_END)
            real = buttons(answer)["In context"]
            key = bot.passage_keys.key(bot.passage_keys.passages[0])  # "0-xxxx": public data
            forged = "essaybot:context:" + ".".join([key] * 12)
            assert len(forged) <= 100 and len(real) <= 100
            message = dict(answer)  # the component must be on the message (discord.py checks)
            message["components"] = [
                {
                    "type": 1,
                    "components": [{"type": 2, "style": 2, "custom_id": forged, "label": "x"}],
                }
            ]
            callback, followup = await press(server, forged, message)
            said = followup.body if followup else callback.body["data"]
            assert OLDER in said.get("content", "")  # more keys than a message has embeds

    run(body())


# (a) forged vote id beyond SQLite's int64 -> OverflowError, traceback, apology -------------


def test_forged_vote_id_out_of_range_is_not_an_error(
    point_at: Any, answerer: Answerer, tmp_path: Any, caplog: pytest.LogCaptureFixture
) -> None:
    question_log = QuestionLog(tmp_path / "log.sqlite3", retention_days=30)

    async def body() -> None:
        async with running(point_at, answerer, question_log=question_log) as (server, _):
            answer = await answer_of(server, DEAD_END)
            forged = "essaybot:vote:up:" + "9" * 19
            message = dict(answer)
            message["components"] = [
                {
                    "type": 1,
                    "components": [{"type": 2, "style": 2, "custom_id": forged, "label": "x"}],
                }
            ]
            callback, _ = await press(server, forged, message)  # past SQLite's integers
            assert OLDER in callback.body["data"]["content"]

    with caplog.at_level(logging.ERROR):
        run(body())
    assert "OverflowError" not in caplog.text


# (f) a mention deleted before its answer is sent: the answer is lost, a traceback logged ---


def test_a_mention_deleted_before_its_answer_still_gets_answered(
    point_at: Any,
    answerer: Answerer,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    deleted: set[str] = set()
    original = fake.FakeDiscord._rest

    async def rest(self: fake.FakeDiscord, request: Any) -> Any:
        body = await request.json() if request.body_exists else None
        reference = (body or {}).get("message_reference") or {}
        if str(reference.get("message_id")) in deleted and reference.get(
            "fail_if_not_exists", True
        ):
            self.requests.append(
                fake.Request(request.method, request.match_info["path"], body, 0, 400)
            )
            # Discord's answer to a reply to a message that no longer exists
            return fake._json(
                {
                    "code": 50035,
                    "message": "Invalid Form Body",
                    "errors": {
                        "message_reference": {
                            "_errors": [
                                {
                                    "code": "MESSAGE_REFERENCE_UNKNOWN_MESSAGE",
                                    "message": "Unknown message",
                                }
                            ]
                        }
                    },
                },
                status=400,
            )
        return await original(self, request)

    monkeypatch.setattr(fake.FakeDiscord, "_rest", rest)

    async def body() -> None:
        async with running(point_at, answerer) as (server, _):
            mention = fake.message(f"<@{fake.BOT_ID}> {DEAD_END}")
            deleted.add(mention["id"])  # the asker deleted it while the answer was found
            await server.dispatch("MESSAGE_CREATE", mention)
            await asyncio.sleep(4)  # the answer, then the apology, are tried
            statuses = [
                (r.status, bool(r.body.get("embeds")))
                for r in server.requests
                if r.path == CHANNEL_POSTS
            ]
            assert any(s == 200 and e for s, e in statuses), "the answer never reached the channel"

    with caplog.at_level(logging.WARNING):
        run(body())
    assert "answering a mention failed" not in caplog.text


# (e) one /section of a long section = many public messages, repeatable at will ----------


def test_one_user_cannot_make_the_bot_post_dozens_of_messages(point_at: Any, tmp_path: Any) -> None:
    from index import PassageIndex, load_documents
    from tests.helpers import answerer_for

    paragraph = "Apple trees want full sun and well-drained soil in every season. " * 30
    text = (
        "# Orchard\n\nIntro text here.\n\n## Long\n\n" + "\n\n".join([paragraph] * 40) + "\n"
    )  # an ~80,000-character section
    (tmp_path / "long.md").write_text(text, encoding="utf-8")
    long_answerer = answerer_for(PassageIndex(load_documents(tmp_path)))

    async def body() -> None:
        async with running(point_at, long_answerer, cooldown_rate=1, cooldown_seconds=60) as (
            server,
            _,
        ):
            calls = [section("Long") for _ in range(3)]
            for c in calls:
                await server.dispatch("INTERACTION_CREATE", c)
            await asyncio.sleep(5)
            tokens = {c["token"] for c in calls}
            public = [
                r
                for r in server.requests
                if r.method == "POST"
                and (
                    (
                        r.path.startswith("interactions/")
                        and r.path.split("/")[2] in tokens
                        and not (r.body["data"].get("flags", 0) & 64)
                    )
                    or (
                        r.path.startswith("webhooks/")
                        and r.path.split("/")[2] in tokens
                        and not (r.body.get("flags", 0) & 64)
                    )
                )
            ]
            assert len(public) <= 3  # the first call's 3 messages; the cooldown refuses the rest

    run(body())


# From a red-team: gates, invisible and role mentions, other mentions, huge sections ----------


def test_find_the_source_respects_the_channel_allowlist(point_at: Any, answerer: Answerer) -> None:
    async def body() -> None:
        allowed = (int(fake.CHANNEL_ID),)
        async with running(point_at, answerer, allowed_channels=allowed) as (server, _):
            menu = fake.message_command(
                "Find the source", DEAD_END, channel_id=fake.OTHER_CHANNEL_ID
            )
            await server.dispatch("INTERACTION_CREATE", menu)
            (refusal,) = await server.wait_for(callbacks(server, menu))
            assert refusal.body["type"] == 4 and refusal.body["data"]["flags"] == 64  # not deferred
            assert refusal.body["data"]["content"].startswith("I only answer in these channels")

    run(body())


def test_marks_around_a_mention_go_with_it_in_a_few_passes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Red-team round 13: marks nested a thousand deep around mentions took one pass over a
    4,000-character message per level (13 ms each, on the event loop); now at most 8."""
    assert without_mentions("||**__<@1>__**|| What does Moscow want?") == "What does Moscow want?"
    passes = []
    real = _answers._MARKS_AROUND_NOTHING

    class Counting:
        def subn(self, repl: str, text: str) -> tuple[str, int]:
            passes.append(len(text))
            return real.subn(repl, text)

    monkeypatch.setattr(_answers, "_MARKS_AROUND_NOTHING", Counting())
    nested = "<@1> " + "||**__~~" * 250 + " <@2> " + "~~__**||" * 250 + " Why?"
    assert without_mentions(nested).endswith("Why?") and len(passes) <= 8


@pytest.mark.parametrize(("wait", "said"), [(0.3, "1 s"), (1.0, "1 s"), (29.2, "30 s")])
def test_a_cooldown_says_to_wait_whole_seconds_up(wait: float, said: str) -> None:
    """Red-team round 12: 0.3 s left was "please try again in 0 s", posted in public."""
    assert _too_quick(wait) == f"You're asking quickly; please try again in {said}."


def test_a_refusal_names_only_this_servers_allowed_channels(
    point_at: Any, answerer: Answerer
) -> None:
    """Red-team round 12: with one allowlist and the bot in two servers, an /ask in the second
    was told the first's channel ids (shown "#unknown" there; perhaps its moderators')."""
    other_guild, other_channel = "200000000000000777", "300000000000000777"

    async def body() -> None:
        allowed = (int(fake.CHANNEL_ID),)
        async with running(point_at, answerer, allowed_channels=allowed) as (server, _):
            second = fake.guild() | {"id": other_guild, "threads": []}
            second["channels"] = [
                second["channels"][1] | {"id": other_channel, "guild_id": other_guild}
            ]
            await server.dispatch("GUILD_CREATE", second)
            await asyncio.sleep(0.2)
            refused = {}
            for guild, channel in (
                (fake.GUILD_ID, fake.OTHER_CHANNEL_ID),
                (other_guild, other_channel),
            ):
                payload = ask(DEAD_END, channel_id=channel) | {"guild_id": guild}
                payload["channel"] = payload["channel"] | {"id": channel, "guild_id": guild}
                await server.dispatch("INTERACTION_CREATE", payload)
                (refusal,) = await server.wait_for(callbacks(server, payload))
                assert refusal.body["data"]["flags"] == 64
                refused[guild] = refusal.body["data"]["content"]
            assert (
                refused[fake.GUILD_ID] == f"I only answer in these channels: <#{fake.CHANNEL_ID}>"
            )
            assert refused[other_guild] == "I don't answer in this server."

    run(body())


HINT = "Ask me a question after the mention, or use /ask. /help explains more."
ESCAPES = "\x1b[31m\x1b[1m\x1b[0m"  # a terminal's colours, pasted: they show as nothing


@pytest.mark.parametrize(
    "blank",
    # ... and terminal escape sequences only, no part of a question (red-team round 34, P8)
    ["\u200b\u200b", "\u2800", "\u3164", "\u200e", "\ufeff", "\u00ad", "\u2063 \u200b", ESCAPES],
)
def test_a_mention_with_only_invisible_characters_gets_the_hint(
    point_at: Any, answerer: Answerer, blank: str
) -> None:
    counted, asked = counting(answerer)

    async def body() -> None:
        async with running(point_at, counted) as (server, _):
            await server.dispatch("MESSAGE_CREATE", fake.message(f"<@{fake.BOT_ID}> {blank}"))
            (hint,) = await server.wait_for(lambda r: r.path == CHANNEL_POSTS)
            assert hint.body["content"] == HINT and not hint.body.get("embeds")
            assert asked == []  # not looked up, so not logged as a question either

    run(body())


def test_a_mention_of_the_bots_own_role_is_a_mention_of_the_bot(
    point_at: Any, answerer: Answerer
) -> None:
    """Discord's @-autocomplete offers the bot and its managed role, named alike."""

    async def body() -> None:
        async with running(point_at, answerer) as (server, _):
            mention = fake.message(f"<@&{fake.ROLE_ID}> {DEAD_END}", mentions_bot=False)
            mention["mention_roles"] = [fake.ROLE_ID]
            await server.dispatch("MESSAGE_CREATE", mention)
            (reply,) = await server.wait_for(lambda r: r.path == CHANNEL_POSTS)
            assert reply.body["embeds"][0]["title"] == DEAD_END  # the role's mention stripped

    run(body())


def test_other_mentions_do_not_count_towards_the_length_limit(
    point_at: Any, answerer: Answerer
) -> None:
    """They are left out of what is looked up (and of the title), so they cost nothing."""

    async def body() -> None:
        async with running(point_at, answerer) as (server, _):
            others = " ".join(f"<@4000000000000001{n:02d}>" for n in range(14))
            question = "What does Moscow want?"
            mention = fake.message(f"<@{fake.BOT_ID}> {others} {question}")
            assert len(mention["content"]) > 300 + 22
            await server.dispatch("MESSAGE_CREATE", mention)
            (reply,) = await server.wait_for(lambda r: r.path == CHANNEL_POSTS)
            assert reply.body["embeds"][0]["title"] == question

    run(body())


def test_section_lays_out_only_what_it_sends_and_echoes_escaped(
    point_at: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 3 MB section once took ~100 ms on the event loop to lay out 733 messages, 3 of them
    sent; headings and typed names are echoed escaped, as /sections and citations are."""
    built: list[int] = []
    real = _commands.section_messages

    def counted(*args: Any) -> Any:
        messages = real(*args)
        built.append(len(messages))
        return messages

    monkeypatch.setattr(_commands, "section_messages", counted)
    long = "Apple trees want full sun and soil. " * (3_000_000 // 36)
    heading = "Long ||spoiler|| `code` <t:0:R>"
    documents = [Document("Orchard", "orchard", (Section(heading, (long,)),))]

    async def body() -> None:
        async with running(point_at, answerer_for(PassageIndex(documents))) as (server, _):
            whole = section("#0.0")
            await server.dispatch("INTERACTION_CREATE", whole)
            (first,) = await server.wait_for(callbacks(server, whole))
            await server.wait_for(followups(whole), count=2)
            title = first.body["data"]["embeds"][0]["title"]
            assert title == "Orchard: Long \\|\\|spoiler\\|\\| \\`code\\` <\u200bt:0:R>"
            assert built == [4]  # three sent, and one to say that it goes on
            missing = section("`x` <t:0:R> @everyone")
            await server.dispatch("INTERACTION_CREATE", missing)
            (refusal,) = await server.wait_for(callbacks(server, missing))
            echoed = '"\\`x\\` <\u200bt:0:R> @\u200beveryone"'
            assert (
                refusal.body["data"]["content"]
                == f"No section is called {echoed}; /sections lists them."
            )

    run(body())


def test_the_note_that_a_section_goes_on_keeps_a_message_within_6000() -> None:
    """With a long essay title in every footer, the last message's short last embed had no
    room left for the note, which pushed the message to 6,054 characters (red-team round 4)."""
    title = ("The Long Title Of An Orchard Essay About Pruning In Cold Climates " * 12)[:681]
    paragraph = "Prune the apple trees in late winter while they are dormant. " * 67
    sizes = (4090, 4090, 4090, 4090, 1000)
    section_ = Section("Pruning", tuple(paragraph[:n] for n in sizes), 1)
    document = Document(title.strip(), "orchard", (section_,))
    messages = section_messages(document, section_, _commands.MAX_SECTION_MESSAGES)
    assert len(messages) > _commands.MAX_SECTION_MESSAGES
    last = _commands._continued(messages[_commands.MAX_SECTION_MESSAGES - 1])
    assert sum(map(len, last)) <= MESSAGE_CHARS
    assert any("The section goes on" in embed.description for embed in last)


def test_a_reply_to_a_plain_text_answer_reads_its_question_with_a_link() -> None:
    from types import SimpleNamespace

    from bot.discord_bot._follow_ups import earlier_question

    asked = "What does Moscow want? (see https://example.org/a)"
    plain = SimpleNamespace(embeds=[], content=f"**Q:** {asked}\n> Minsk wants …")
    assert earlier_question(plain) == asked  # type: ignore[arg-type]
    plain = SimpleNamespace(embeds=[], content="**What does Moscow want?**\n> Minsk …")
    assert earlier_question(plain) == "What does Moscow want?"  # type: ignore[arg-type]


def test_an_event_delivered_twice_is_answered_once(
    point_at: Any, answerer: Answerer, caplog: pytest.LogCaptureFixture
) -> None:
    """Discord may send an event more than once (after a resume)."""

    async def body() -> None:
        async with running(point_at, answerer) as (server, _):
            mention = fake.message(f"<@{fake.BOT_ID}> {DEAD_END}")
            await server.dispatch("MESSAGE_CREATE", mention)
            await server.dispatch("MESSAGE_CREATE", mention)
            interaction = ask(DEAD_END)
            await server.dispatch("INTERACTION_CREATE", interaction)
            await server.dispatch("INTERACTION_CREATE", interaction)
            await server.wait_for(followups(interaction))
            await server.wait_for(lambda r: r.path == CHANNEL_POSTS)
            await asyncio.sleep(0.5)  # time for a second answer, were there one
            assert len([r for r in server.requests if r.path == CHANNEL_POSTS]) == 1
            assert len([r for r in server.requests if callbacks(server, interaction)(r)]) == 1
            assert len([r for r in server.requests if followups(interaction)(r)]) == 1

    with caplog.at_level(logging.ERROR):
        run(body())
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize("label", ["In context", "More", "Ask a follow-up"])
def test_a_press_delivered_twice_is_handled_once(
    point_at: Any, answerer: Answerer, caplog: pytest.LogCaptureFixture, label: str
) -> None:
    """A button press is an interaction too: Discord refuses a second response to it, and
    the bot must not try one (an ERROR, an apology refused, a press counted twice)."""

    async def body() -> None:
        async with running(point_at, answerer) as (server, _):
            answer = await answer_of(server, DEAD_END)
            pressed = fake.button_press(buttons(answer)[label], answer)
            await server.dispatch("INTERACTION_CREATE", pressed)
            await server.dispatch("INTERACTION_CREATE", pressed)
            await server.wait_for(callbacks(server, pressed))
            await asyncio.sleep(0.5)  # time for a second response, were there one
            assert len([r for r in server.requests if callbacks(server, pressed)(r)]) == 1
            assert len([r for r in server.requests if followups(pressed)(r)]) <= 1

    with caplog.at_level(logging.ERROR):
        run(body())
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_system_message_naming_the_bot_gets_no_reply(point_at: Any, answerer: Answerer) -> None:
    async def body() -> None:
        async with running(point_at, answerer) as (server, _):
            added = fake.message("")  # "reader001 added essaybot to the thread."
            added["type"] = 1  # RECIPIENT_ADD: its mentions hold the one added
            await server.dispatch("MESSAGE_CREATE", added)
            asked = fake.message(f"<@{fake.BOT_ID}> {DEAD_END}")
            await server.dispatch("MESSAGE_CREATE", asked)
            (reply,) = await server.wait_for(lambda r: r.path == CHANNEL_POSTS)
            assert str(reply.body["message_reference"]["message_id"]) == asked["id"]  # not `added`

    run(body())


async def _hinted_privately(server: fake.FakeDiscord, question: str) -> None:
    """/ask `question` gets the hint to type a question, seen only by the asker."""
    interaction = ask(question)
    await server.dispatch("INTERACTION_CREATE", interaction)
    (hint,) = await server.wait_for(callbacks(server, interaction))
    assert hint.body["type"] == 4 and hint.body["data"]["flags"] == 64  # only the asker
    assert "type a question" in hint.body["data"]["content"]


@pytest.mark.parametrize(
    "blank",
    # zero-width spaces, a Hangul filler, a braille blank and a mark of direction, a
    # variation selector, the combining grapheme joiner, Khmer and Mongolian invisible marks
    [
        "\u200b\u200b",
        "\u3164",
        "\u2800 \u200e",
        "\ufe0f",
        "\u034f",
        "\u17b4\u17b5",
        "\u180b",
        "\U000e0100",
        ESCAPES,  # red-team round 34, P8: had been answered publicly, "(empty question)"
    ],
)
def test_a_blank_looking_ask_or_message_gets_a_private_hint(
    point_at: Any, answerer: Answerer, blank: str
) -> None:
    counted, asked = counting(answerer)

    async def body() -> None:
        async with running(point_at, counted) as (server, _):
            await _hinted_privately(server, blank)
            menu = fake.message_command("Ask essaybot", f"<@{fake.ROLE_ID}> {blank}")
            await server.dispatch("INTERACTION_CREATE", menu)
            (said,) = await server.wait_for(callbacks(server, menu))
            assert said.body["data"]["content"] == "That message has no text to ask about."
            assert asked == []  # nothing looked up, nothing logged

    run(body())


@pytest.mark.parametrize("nothing", ["thanks!", "ok lol", "!!", "\U0001f414\U0001f95a"])
def test_an_ask_asking_nothing_gets_the_private_hint_a_mention_gets(
    point_at: Any, answerer: Answerer, nothing: str
) -> None:
    """Red-team round 27: /ask "thanks!" was answered in public, a "thinking..." then an
    embed titled "thanks!", holding a place in the server's turn; a mention of it gets a hint.
    Round 35, Q5: Ask essaybot on such a message was answered, and logged, as a question."""
    counted, asked = counting(answerer)

    async def body() -> None:
        async with running(point_at, counted) as (server, _):
            await _hinted_privately(server, nothing)
            menu = fake.message_command("Ask essaybot", nothing)
            await server.dispatch("INTERACTION_CREATE", menu)
            (said,) = await server.wait_for(callbacks(server, menu))
            assert said.body["type"] == 4 and said.body["data"]["flags"] == 64  # only the asker
            assert said.body["data"]["content"] == ASKS_NOTHING
            assert asked == []

    run(body())


def test_ask_essaybot_does_not_count_other_mentions_towards_the_length_limit(
    point_at: Any, answerer: Answerer
) -> None:
    async def body() -> None:
        async with running(point_at, answerer) as (server, _):
            others = " ".join(f"<@4000000000000001{n:02d}>" for n in range(14))
            menu = fake.message_command("Ask essaybot", f"{others} What does Moscow want?")
            await server.dispatch("INTERACTION_CREATE", menu)
            (deferred,) = await server.wait_for(callbacks(server, menu))
            assert deferred.body["type"] == 5  # thinking, not "Please keep questions to ..."
            (answer,) = await server.wait_for(followups(menu))
            assert answer.body["embeds"][0]["title"] == "What does Moscow want?"

    run(body())


def test_an_allowlist_naming_no_channel_is_warned_about(
    point_at: Any, answerer: Answerer, caplog: pytest.LogCaptureFixture
) -> None:
    async def body() -> None:
        allowed = (int(fake.GUILD_ID),)  # "Copy Server ID", not a channel's
        async with running(point_at, answerer, allowed_channels=allowed):
            pass

    with caplog.at_level(logging.WARNING):
        run(body())
    assert f"ESSAYBOT_ALLOWED_CHANNELS: essaybot sees no channel {fake.GUILD_ID}" in caplog.text


def test_a_process_running_some_shards_does_not_warn_of_channels_it_cannot_see(
    point_at: Any, answerer: Answerer, caplog: pytest.LogCaptureFixture
) -> None:
    """With the shards split across processes (ESSAYBOT_SHARD_IDS), an allowed channel may be
    on another process's shards: no warning sending an admin to "fix" a right id."""

    async def body() -> None:
        allowed = (int(fake.GUILD_ID),)
        async with running(
            point_at, answerer, shard_count=2, shard_ids=(1,), allowed_channels=allowed
        ):
            pass

    with caplog.at_level(logging.WARNING):
        run(body())
    assert "ESSAYBOT_ALLOWED_CHANNELS" not in caplog.text


def test_an_answer_automod_blocks_is_said_so_not_try_again(
    point_at: Any, answerer: Answerer, caplog: pytest.LogCaptureFixture
) -> None:
    async def body() -> None:
        async with running(point_at, answerer) as (server, _):
            server.automod.add(fake.CHANNEL_ID)
            interaction = ask(DEAD_END)
            await server.dispatch("INTERACTION_CREATE", interaction)
            said = await server.wait_for(
                lambda r: followups(interaction)(r) and r.status == 200, timeout=30
            )
            assert said[-1].body["content"] == AUTOMOD_BLOCKED and said[-1].body["flags"] == 64
            await server.dispatch("MESSAGE_CREATE", fake.message(f"<@{fake.BOT_ID}> {DEAD_END}"))
            (told,) = await server.wait_for(
                lambda r: r.path == CHANNEL_POSTS and r.status == 200, timeout=30
            )
            assert told.body["content"] == AUTOMOD_BLOCKED

    with caplog.at_level(logging.WARNING):
        run(body())
    assert "blocked by the server's AutoMod" in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_the_message_commands_read_a_forwarded_messages_text(
    point_at: Any, answerer: Answerer
) -> None:
    """A forward's text is in its snapshot; its own content is empty."""

    async def body() -> None:
        async with running(point_at, answerer) as (server, _):
            for name, expected in [("Ask essaybot", DEAD_END), ("Find the source", "word for")]:
                menu = fake.message_command(name, "")
                (target,) = menu["data"]["resolved"]["messages"].values()
                target["message_snapshots"] = [
                    {
                        "message": {k: target[k] for k in ("type", "timestamp", "edited_timestamp")}
                        | {"content": DEAD_END, "embeds": [], "attachments": [], "flags": 0}
                    }
                ]
                await server.dispatch("INTERACTION_CREATE", menu)
                (answer,) = await server.wait_for(followups(menu))
                shown = answer.body["embeds"][0]
                assert expected in shown.get("title", "") + shown.get("description", "").lower()

    run(body())


def test_a_message_of_a_guild_not_in_the_cache_is_no_direct_message(
    point_at: Any, answerer: Answerer
) -> None:
    """Its `message.guild` is None, as a DM's is; not mentioning the bot, it gets no reply,
    and mentioning it, an answer."""

    async def body() -> None:
        async with running(point_at, answerer) as (server, _):
            chatter = fake.message("hello all", mentions_bot=False, channel_id="300000000000000099")
            chatter["guild_id"] = "200000000000000999"
            await server.dispatch("MESSAGE_CREATE", chatter)
            there = chatter["channel_id"]
            uncached = fake.message(f"<@{fake.BOT_ID}> {DEAD_END}", channel_id=there)
            uncached["guild_id"] = chatter["guild_id"]  # it mentions the bot: answered there
            await server.dispatch("MESSAGE_CREATE", uncached)
            await server.wait_for(lambda r: r.path == f"channels/{there}/messages")
            asked = fake.message(f"<@{fake.BOT_ID}> {DEAD_END}")  # then one that asks
            await server.dispatch("MESSAGE_CREATE", asked)
            await server.wait_for(lambda r: r.path == CHANNEL_POSTS)  # answered there ...
            here = [r for r in server.requests if "300000000000000099" in r.path]
            assert len(here) == 1 and here[0].body["embeds"]  # the chatter got no reply

    run(body())


QUESTION = {"name": "question", "type": 3, "value": "Who?"}


@pytest.mark.parametrize(
    ("command", "options"),
    [
        ("search", [QUESTION]),  # a command renamed
        ("ask", [{**QUESTION, "name": "q"}]),  # an option renamed
        ("ask", [{**QUESTION, "value": 123}]),  # its type changed (discord.py passed 123 on)
        ("ask", [{**QUESTION, "type": 4, "value": 5}]),
        ("ask", [{**QUESTION, "value": None}]),
        ("ask", [QUESTION, {"name": "private", "type": 5, "value": True}]),  # one added
        ("section", [{"name": "name", "type": 3, "value": ["Intro"]}]),
        ("section", "garbage"),  # no objects: discord.py's own exception, and no answer
        ("section", [None]),
        # red-team round 22 (D8): an unhashable name raised TypeError, and no answer
        ("ask", [QUESTION, {"name": ["name"], "type": 3, "value": "x"}]),
    ],
    ids=[
        "command renamed",
        "option renamed",
        "integer for text",
        "integer option",
        "null",
        "option added",
        "list for text",
        "no list",
        "no object",
        "list for a name",
    ],
)
def test_a_command_discord_lists_from_an_older_version_is_told_so_not_try_again(
    point_at: Any,
    answerer: Answerer,
    caplog: pytest.LogCaptureFixture,
    command: str,
    options: Any,
) -> None:
    """After an upgrade, Discord may list the old commands for up to an hour: "try again"
    cannot help, and the log says how to update them, with no traceback."""

    async def body() -> None:
        async with running(point_at, answerer) as (server, _):
            stale = fake.interaction(command, [])
            stale["data"]["options"] = options
            await server.dispatch("INTERACTION_CREATE", stale)
            (reply,) = await server.wait_for(callbacks(server, stale))
            assert reply.body["data"]["content"] == OUT_OF_DATE

    with caplog.at_level(logging.WARNING):
        run(body())
    assert "essaybot discord --sync" in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize(
    "command,option", [("chapter", "name"), ("section", "heading")], ids=["command", "option"]
)
def test_a_keystroke_in_a_command_of_an_older_version_gets_no_choices_not_a_message(
    point_at: Any, answerer: Answerer, caplog: pytest.LogCaptureFixture, command: str, option: str
) -> None:
    """A command renamed, or an option of one (discord.py logged the latter as an ERROR
    with a traceback and answered nothing: "Loading options failed")."""

    async def body() -> None:
        async with running(point_at, answerer) as (server, _):
            typed = {"name": option, "type": 3, "value": "Intro", "focused": True}
            stale = fake.interaction(command, [typed], autocomplete=True)
            await server.dispatch("INTERACTION_CREATE", stale)
            (reply,) = await server.wait_for(callbacks(server, stale))
            assert reply.body == {"type": 8, "data": {"choices": []}}  # choices, never type 4

    with caplog.at_level(logging.WARNING):
        run(body())
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text


@pytest.mark.parametrize(
    "options",
    [
        "garbage",
        [None, 3],
        [{"name": "name"}],
        # what is being typed is text: a focused value of null or true is none
        [{"name": "name", "type": 3, "value": None, "focused": True}],
        [{"name": "name", "type": 3, "value": True, "focused": True}],
        [{"name": {"a": 1}, "type": 3, "value": "In", "focused": True}],  # round 22, D8
    ],
)
def test_a_keystroke_with_malformed_options_gets_no_choices(
    point_at: Any, answerer: Answerer, caplog: pytest.LogCaptureFixture, options: Any
) -> None:
    async def body() -> None:
        async with running(point_at, answerer) as (server, _):
            typed = fake.interaction("section", [], autocomplete=True)
            typed["data"]["options"] = options
            await server.dispatch("INTERACTION_CREATE", typed)
            (reply,) = await server.wait_for(callbacks(server, typed))
            assert reply.body == {"type": 8, "data": {"choices": []}}

    with caplog.at_level(logging.WARNING):
        run(body())
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text


def test_a_keystroke_answered_after_discord_stopped_waiting_is_no_error(
    point_at: Any, answerer: Answerer, caplog: pytest.LogCaptureFixture
) -> None:
    """Discord refuses choices sent after its 3 seconds (the user typed on): nothing failed;
    discord.py logged it as an ERROR with a traceback."""

    async def body() -> None:
        async with running(point_at, answerer) as (server, _):
            typed = {"name": "name", "type": 3, "value": "cho", "focused": True}
            late = fake.interaction("section", [typed], autocomplete=True)
            server.expired.add(late["id"])
            await server.dispatch("INTERACTION_CREATE", late)
            (refused,) = await server.wait_for(callbacks(server, late))
            assert refused.body["type"] == 8 and refused.body["data"]["choices"]
            await asyncio.sleep(0.2)

    with caplog.at_level(logging.WARNING):
        run(body())
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text


def test_a_keystroke_delivered_twice_is_no_error(
    point_at: Any, answerer: Answerer, caplog: pytest.LogCaptureFixture
) -> None:
    """Red-team round 34, P6: a keystroke delivered again (as after a resume) gets its
    choices again, which Discord refuses (40060, already acknowledged): nothing failed;
    discord.py logged an ERROR with a traceback."""

    async def body() -> None:
        async with running(point_at, answerer) as (server, _):
            typed = {"name": "name", "type": 3, "value": "intro", "focused": True}
            keystroke = fake.interaction("section", [typed], autocomplete=True)
            await server.dispatch("INTERACTION_CREATE", keystroke)
            await server.wait_for(callbacks(server, keystroke))
            await server.dispatch("INTERACTION_CREATE", copy.deepcopy(keystroke))
            *_, again = await server.wait_for(callbacks(server, keystroke), count=2)
            assert again.status == 400
            await asyncio.sleep(0.2)

    with caplog.at_level(logging.WARNING):
        run(body())
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text


def test_essaybots_own_post_forwarded_to_it_is_a_hint_not_a_question(
    point_at: Any, answerer: Answerer
) -> None:
    """Red-team round 35 (Q4): its decline, forwarded to it in a DM or asked about with Ask
    essaybot, was asked again (a forward's copy names no author, only the message it copies);
    a forward of another's post is still read."""
    dm = "310000000000000001"
    declined = "**What is the weather in Minsk today?**\nThe essays don't cover this."

    def forward_of(copied: str, text: str) -> dict[str, Any]:
        forward = fake.message("", channel_id=dm, mentions_bot=False)
        del forward["guild_id"], forward["member"]
        forward["message_reference"] = {"type": 1, "message_id": copied, "channel_id": "2"}
        snapshot = {k: forward[k] for k in ("type", "timestamp", "edited_timestamp", "flags")}
        forward["message_snapshots"] = [
            {"message": snapshot | {"content": text, "embeds": [], "attachments": []}}
        ]
        return forward

    async def body() -> None:
        async with running(point_at, answerer) as (server, _):
            own = fake.message(declined, author_id=fake.BOT_ID, bot=True, mentions_bot=False)
            own["author"] = fake.BOT_USER
            await server.dispatch("MESSAGE_CREATE", own)  # as Discord delivers its own posts
            await server.dispatch("MESSAGE_CREATE", forward_of(own["id"], declined))
            (hint,) = await server.wait_for(lambda r: r.path == f"channels/{dm}/messages")
            assert hint.body["content"] == OWN_ANSWER and not hint.body.get("embeds")
            menu = fake.message_command("Ask essaybot", "")
            (target,) = menu["data"]["resolved"]["messages"].values()
            target.update({k: v for k, v in forward_of(own["id"], declined).items() if "mess" in k})
            await server.dispatch("INTERACTION_CREATE", menu)
            (callback,) = await server.wait_for(callbacks(server, menu))
            assert callback.body["data"]["content"] == OWN_ANSWER
            another = fake.message(DEAD_END, author_id="400000000000000777", mentions_bot=False)
            await server.dispatch("MESSAGE_CREATE", another)
            await server.dispatch("MESSAGE_CREATE", forward_of(another["id"], DEAD_END))
            answers = await server.wait_for(lambda r: r.path == f"channels/{dm}/messages", 2)
            assert answers[1].body.get("embeds"), answers[1].body.get("content")

    run(body())


def test_a_question_forwarded_to_a_dm_is_read(point_at: Any, answerer: Answerer) -> None:
    """A forward's text is in its snapshot (Discord leaves `content` empty), as Ask essaybot
    reads it; a DM forwarding a question had got "Ask me a question after the mention"."""
    dm = "310000000000000001"

    async def body() -> None:
        async with running(point_at, answerer) as (server, _):
            forward = fake.message("", channel_id=dm, mentions_bot=False)
            del forward["guild_id"], forward["member"]
            forward["message_reference"] = {"type": 1, "message_id": "1", "channel_id": "2"}
            snapshot = {
                "content": DEAD_END,
                "type": 0,
                "timestamp": fake.TIMESTAMP,
                "edited_timestamp": None,
                "flags": 0,
                "mentions": [],
                "mention_roles": [],
                "attachments": [],
                "embeds": [],
                "components": [],
            }
            forward["message_snapshots"] = [{"message": snapshot}]
            await server.dispatch("MESSAGE_CREATE", forward)
            (reply,) = await server.wait_for(lambda r: r.path == f"channels/{dm}/messages")
            assert reply.body.get("embeds"), reply.body.get("content")

    run(body())


@pytest.mark.parametrize(
    "change",
    ["no resolved", "another target", "null resolved", "text for the message", "no author"],
)
def test_a_message_command_without_its_message_is_told_so_not_an_error(
    point_at: Any, answerer: Answerer, caplog: pytest.LogCaptureFixture, change: str
) -> None:
    """Discord always sends the message a context menu was used on; without it discord.py
    raised in its own task (no answer) or the command failed (an ERROR and an apology)."""

    async def body() -> None:
        async with running(point_at, answerer) as (server, _):
            menu = fake.message_command("Ask essaybot", "Who would welcome Chinese investment?")
            data, target = menu["data"], menu["data"]["target_id"]
            if change == "no resolved":
                del data["resolved"]
            elif change == "another target":
                data["target_id"] = "123"
            elif change == "null resolved":
                data["resolved"] = None
            elif change == "text for the message":
                data["resolved"]["messages"][target] = "Who?"
            else:
                del data["resolved"]["messages"][target]["author"]
            await server.dispatch("INTERACTION_CREATE", menu)
            (reply,) = await server.wait_for(callbacks(server, menu))
            assert reply.body["data"]["content"] == OUT_OF_DATE

    with caplog.at_level(logging.WARNING):
        run(body())
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text


@pytest.mark.parametrize(
    ("kind", "data"),
    [
        (2, [{"name": "ask"}]),
        (2, "ask"),
        (2, {"id": "1", "name": "ask", "type": "1", "options": []}),  # discord.py raised
        (2, {"id": "1", "name": 7, "type": 1, "options": []}),
        (4, []),
    ],
    ids=["command list", "command text", "type as text", "name a number", "keystroke list"],
)
def test_an_interaction_whose_data_is_no_object_is_answered_not_an_error(
    point_at: Any, answerer: Answerer, caplog: pytest.LogCaptureFixture, kind: int, data: Any
) -> None:
    async def body() -> None:
        async with running(point_at, answerer) as (server, _):
            odd = fake.interaction("ask", [])
            odd["type"], odd["data"] = kind, data
            await server.dispatch("INTERACTION_CREATE", odd)
            (reply,) = await server.wait_for(callbacks(server, odd))
            said = reply.body.get("data", {})
            assert said == {"choices": []} if kind == 4 else said["content"] == OUT_OF_DATE

    with caplog.at_level(logging.WARNING):
        run(body())
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text


@pytest.mark.parametrize("custom_id", ["essaybot:follow-up-form:v2", "9f2c4e1a7b3d4c5e8f9a0b1c"])
def test_a_form_of_another_version_is_answered_with_a_note(
    point_at: Any, answerer: Answerer, custom_id: str
) -> None:
    """A form left open across an upgrade that changed its id; discord.py drops it, and
    Discord showed "Something went wrong"."""

    async def body() -> None:
        async with running(point_at, answerer) as (server, _):
            answer = await answer_of(server, "Who would welcome Chinese investment?")
            submitted = fake.form_submit(custom_id, {"question": "And why?"}, answer)
            await server.dispatch("INTERACTION_CREATE", submitted)
            (reply,) = await server.wait_for(callbacks(server, submitted))
            assert reply.body["data"]["content"] == OLD_FORM

    run(body())


@pytest.mark.parametrize("kind", ["older button", "older form", "blank form", "stale options"])
def test_a_note_to_an_interaction_past_its_3_seconds_is_one_plain_warning(
    point_at: Any, answerer: Answerer, caplog: pytest.LogCaptureFixture, kind: str
) -> None:
    """Red-team round 18: a note or refusal (an older version's button or form, a blank
    form, a command's stale options) to an interaction Discord no longer knows (404 10062:
    its 3 seconds were over) had been logged as "could not send the apology", with a
    traceback. Nothing failed in essaybot: one plain warning, as for every late interaction."""
    forms = {"older form": "essaybot:follow-up-form:v2", "blank form": FORM}

    async def body() -> None:
        async with running(point_at, answerer) as (server, _):
            answer = await answer_of(server, "Who would welcome Chinese investment?")
            if kind == "older button":
                late = fake.button_press("essaybot:reread:1-abcd", answer)
            elif kind == "stale options":
                late = fake.interaction("ask", [{"name": "question", "type": 4, "value": 1}])
            else:
                late = fake.form_submit(forms[kind], {FORM_QUESTION: " "}, answer)
            server.expired.add(late["id"])  # after Discord's 3 seconds
            await server.dispatch("INTERACTION_CREATE", late)
            await server.wait_for(callbacks(server, late))
            await asyncio.sleep(0.3)  # time for another try, were there one
            assert len([r for r in server.requests if callbacks(server, late)(r)]) == 1

    with caplog.at_level(logging.WARNING):
        run(body())
    assert not [r for r in caplog.records if r.exc_info]
    assert "apology" not in caplog.text
    gone = [r for r in caplog.records if "no longer knows where to answer" in r.getMessage()]
    assert [r.getMessage() for r in gone] == [
        "a private note: Discord no longer knows where to answer (Unknown interaction)"
    ]


# A poll that never ends: Discord documents `expiry` as nullable (red-team round 34, P7: a
# menu on one had got no response, discord.py's TypeError unhandled)
@pytest.mark.parametrize("expiry", ["2030-01-01T00:00:00+00:00", None])
def test_the_context_menus_read_a_polls_question_and_an_embeds_text(
    point_at: Any, answerer: Answerer, expiry: str | None
) -> None:
    poll = {
        "question": {"text": "Why is the current format of Russia-Belarus relations a dead end?"},
        "answers": [{"answer_id": 1, "poll_media": {"text": "Yes"}}],
        "expiry": expiry,
        "allow_multiselect": False,
        "layout_type": 1,
    }
    shared = {"type": "rich", "description": "the accustomed format of Russia-Belarus relations"}

    async def body() -> None:
        async with running(point_at, answerer, cooldown_rate=50) as (server, _):
            for name, target in (("Ask essaybot", {"poll": poll}), ("Find the source", {})):
                menu = fake.message_command(name, "")
                (message,) = menu["data"]["resolved"]["messages"].values()
                message.update(target or {"embeds": [shared]})
                await server.dispatch("INTERACTION_CREATE", menu)
                (first,) = await server.wait_for(callbacks(server, menu))
                assert first.body["type"] == 5, (name, first.body)  # thinking: it has text
                (done,) = await server.wait_for(followups(menu))
                assert "Choosing between bad and bad" in str(done.body["embeds"]), name

    run(body())


# Red-team round 8: a raid of more users than the cooldown kept rebuilt its table per check --


def test_cooldowns_forget_users_whose_window_has_passed() -> None:
    # Users are forgotten in the order they last asked, a few per check, never all at once
    # (the check runs on the event loop); the cost itself is the bench's and red team's.
    cooldowns = UserCooldowns(1, 60.0)
    for user in (-1, -2, -3):
        assert cooldowns.retry_after(user, now=0.0) is None
    assert cooldowns.retry_after(-4, now=41.0) is None
    assert len(cooldowns) == 4
    assert cooldowns.retry_after(-5, now=61.0) is None
    assert len(cooldowns) == 2  # the first three's minute has passed
    for user in range(20_000):  # a raid: each asks once within twenty seconds
        assert cooldowns.retry_after(user, now=100 + user / 1000) is None
    assert cooldowns.retry_after(0, now=161.0) is None
    assert len(cooldowns) == 19_000  # those who asked by 101 s are forgotten; 0 asked again
    assert cooldowns.retry_after(19_999, now=161.0) is not None  # asked at 119.999 s
    # one who asked again within their window stays held, however early they first asked
    assert cooldowns.retry_after(0, now=200.0) is not None
    assert cooldowns.retry_after(0, now=221.5) is None


@pytest.mark.parametrize(
    "token",
    [
        "<:moscow:123456789012345678>",
        "<a:spin:123456789012345678>",
        "<t:1700000000:R>",
        "</ask:323456789012345678>",
        "<id:customize>",
        "<sound:200000000000000002:123456789012345678>",  # a soundboard sound (round 14)
        # a mention in a spoiler, underlined or bold, with its marks (red-team round 11)
        "||<@400000000000000009>||",
        "||@everyone||",
        "__<@&600000000000000006>__",
        "||**<@400000000000000009>**||",
    ],
)
def test_discords_inline_tokens_are_not_looked_up(
    point_at: Any, answerer: Answerer, token: str
) -> None:
    """Red-team round 9: an emoji or a timestamp in a question was read as words ("moscow",
    "123456789012345678", "t", "R"), and "What does Moscow want?" was declined."""
    question = "What does Moscow want?"
    plain = answerer.ask(question)
    assert plain.answered

    async def body() -> None:
        async with running(point_at, answerer) as (server, _):
            mention = fake.message(f"<@{fake.BOT_ID}> {token} {question} {token}")
            await server.dispatch("MESSAGE_CREATE", mention)
            (reply,) = await server.wait_for(lambda r: r.path == CHANNEL_POSTS)
            (embed, *_) = reply.body["embeds"]
            assert embed["title"] == question
            assert plain.quotes[0].text[:60] in embed["description"].replace("\\", "")

    run(body())


def test_a_reply_quoting_the_answer_asks_only_what_it_says_after_the_quote(
    point_at: Any, answerer: Answerer
) -> None:
    """Red-team round 9: 250 quoted characters over a 22-character question were refused as
    a 349-character question; the quoted lines are context, as mentions are."""
    quoted = "> " + "Belarus is a dead end, the essay says, for all sorts of reasons. " * 4

    async def body() -> None:
        async with running(point_at, answerer) as (server, _):
            mention = fake.message(f"{quoted}\n<@{fake.BOT_ID}> {DEAD_END}")
            assert len(mention["content"]) > 300
            await server.dispatch("MESSAGE_CREATE", mention)
            (reply,) = await server.wait_for(lambda r: r.path == CHANNEL_POSTS)
            assert reply.body["embeds"][0]["title"] == DEAD_END
            # all of it quoted: the quote is the question
            whole = fake.message(f"<@{fake.BOT_ID}>\n> {DEAD_END}")
            await server.dispatch("MESSAGE_CREATE", whole)
            (_, again) = await server.wait_for(lambda r: r.path == CHANNEL_POSTS, count=2)
            assert again.body["embeds"][0]["title"] == DEAD_END

    run(body())


def test_a_dm_from_discords_system_account_gets_no_reply(point_at: Any, answerer: Answerer) -> None:
    """Red-team round 9: a message of the usual type whose author is Discord's own account
    (`system`) was answered."""
    dm = "310000000000000002"

    async def body() -> None:
        async with running(point_at, answerer) as (server, _):
            for system in (True, False):
                message = fake.message(DEAD_END, channel_id=dm, mentions_bot=False)
                del message["guild_id"], message["member"]
                message["author"]["system"] = system
                await server.dispatch("MESSAGE_CREATE", message)
            (reply,) = await server.wait_for(lambda r: r.path == f"channels/{dm}/messages")
            assert str(reply.body["message_reference"]["message_id"]) == message["id"]

    run(body())


@pytest.mark.parametrize(
    ("frame", "through_stream"),
    [
        (b'{"op": 0, "t": "MESSAGE_CREATE", "s": 9, "d": {"id": "1', True),  # cut short
        (b"[1, 2, 3]", True),
        (b"null", True),
        (b"\x12\x34\x56\x78garbage\x00\x00\xff\xff", False),  # does not inflate
        (b'{"op": 0, "t": "READY", "s": 9, "d": {"v": 10}}', True),  # no session: a KeyError
        # inflating past 16 MiB (red-team round 22, D6: 512 MB blocked the loop 3 s)
        (b'{"op": 0, "t": "X", "s": 9, "d": "' + b"a" * (17 << 20) + b'"}', True),
        # nested past Python's recursion limit (red-team round 35, Q1: a RecursionError, exit 1)
        (b"[" * 5000 + b"]" * 5000, True),
    ],
)
def test_a_gateway_frame_it_cannot_read_is_a_reconnect_not_the_end(
    point_at: Any,
    answerer: Answerer,
    caplog: pytest.LogCaptureFixture,
    frame: bytes,
    through_stream: bool,
) -> None:
    """Red-team round 9: discord.py's sharded client closed itself on one frame it could
    not read, and `essaybot discord` stopped."""

    async def body() -> None:
        async with running(point_at, answerer) as (server, bot):
            await server.send_frame(frame, through_stream=through_stream)
            await ask_and_wait(server, DEAD_END)  # after the session is resumed
            assert not bot.is_closed() and server.resumes == 1
            warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
            assert any("an unreadable gateway frame" in said for said in warned)

    run(body())


@pytest.mark.parametrize(
    ("interval", "error"),
    [
        (b"0", "ValueError"),
        (b"-5000", "ValueError"),
        (b"NaN", "ValueError"),
        (b"1e300", "ValueError"),
        (b"1" + b"0" * 400, "OverflowError"),  # no float holds it (red-team round 35, Q1)
    ],
)
def test_a_heartbeat_interval_no_gateway_means_is_an_unreadable_frame(
    point_at: Any, answerer: Answerer, caplog: pytest.LogCaptureFixture, interval: bytes, error: str
) -> None:
    """Red-team round 24 (F6): a HELLO's heartbeat interval of 0, negative or NaN had made
    discord.py send some 11,500 heartbeats a second, and 1e300 killed its heartbeat thread
    with a traceback; one of 401 digits ended the bot (round 35, Q1). It is a frame the bot
    cannot read: a reconnect that resumes."""

    async def body() -> None:
        async with running(point_at, answerer) as (server, bot):
            hello = b'{"op": 10, "d": {"heartbeat_interval": ' + interval + b"}}"
            await server.send_frame(hello, through_stream=True)
            await ask_and_wait(server, DEAD_END)  # after the session is resumed
            assert not bot.is_closed() and server.resumes == 1
            warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
            assert f"an unreadable gateway frame ({error}): reconnecting" in warned

    with caplog.at_level(logging.WARNING):
        run(body())
    assert not [r for r in caplog.records if r.exc_info]


def test_a_ready_never_readable_is_waited_out_longer_each_time(
    point_at: Any, answerer: Answerer, caplog: pytest.LogCaptureFixture
) -> None:
    """Red-team round 21 (D3): a READY that is never readable (no session) had made the bot
    log in afresh every 5 s, 720 times an hour, where Discord allows 1,000 a day."""

    class NoSession(fake.FakeDiscord):
        async def _identify(self, connection: Any, data: dict[str, Any]) -> None:
            self.identifies += 1
            ready = {"v": 10, "user": fake.BOT_USER, "guilds": [], "shard": [0, 1]}
            await self._event(connection, "READY", ready)

    async def body() -> None:
        server = NoSession()
        await server.start()
        point_at(server)
        bot = EssayBot(answerer, Settings(_env_file=None, discord_token=fake.TOKEN), sync=False)
        task = asyncio.create_task(serve(bot, fake.TOKEN))
        try:
            for _ in range(200):  # the second log-in, discord.py's few seconds later
                if "waiting 4 s" in caplog.text:
                    break
                await asyncio.sleep(0.05)
        finally:
            await bot.close()
            await asyncio.wait_for(task, 15)
            await server.stop()
        assert server.identifies == 2
        said = [r.getMessage() for r in caplog.records if "unreadable gateway frame" in r.message]
        assert said == [
            "an unreadable gateway frame (KeyError): reconnecting",
            "an unreadable gateway frame (KeyError): waiting 4 s, then reconnecting",
        ]

    with caplog.at_level(logging.WARNING):
        run(body())


def test_unreadable_frames_one_after_another_are_waited_out_longer_each_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = [5000.0]
    monkeypatch.setattr(_client.time, "monotonic", lambda: now[0])
    state = SimpleNamespace()
    waits = []
    for _ in range(12):
        waits.append(_client._unreadable_wait(state))
        now[0] += 10
    assert waits == [0, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900]
    now[0] += _client._QUIET_AFTER  # a while since: the next is the first again
    assert _client._unreadable_wait(state) == 0


def test_find_the_source_reads_components_v2_and_an_answers_own_quote(
    point_at: Any, answerer: Answerer
) -> None:
    """Red-team round 9: a message laid out in text displays (other bots' "components v2")
    had "no text to look for"; essaybot's own answer was "not word for word (78%)", its
    question and citation read as part of the quotation."""
    said = "the accustomed format of Russia-Belarus relations"
    layout = {
        "flags": 1 << 15,
        "components": [
            {
                "type": 17,
                "id": 1,
                "components": [
                    {"type": 10, "id": 2, "content": "### Quote of the day"},  # a title
                    {"type": 14, "id": 3},  # a separator
                    {"type": 10, "id": 4, "content": f"{said}\n-# shared by a reader"},
                ],
            }
        ],
    }

    async def body() -> None:
        async with running(point_at, answerer, cooldown_rate=50) as (server, _):
            answered = await ask_and_wait(server, DEAD_END)
            (answer,) = answered["embeds"][:1]
            # red-team round 10: a quote in an embed's field, and a forward of an embed
            field = {
                "type": "rich",
                "title": "Quote of the day",
                "fields": [{"name": "—", "value": said}],
            }
            snapshot = {
                "content": "",
                "embeds": [{"type": "rich", "description": said}],
                "attachments": [],
                "timestamp": fake.TIMESTAMP,
                "edited_timestamp": None,
                "flags": 0,
                "mentions": [],
                "mention_roles": [],
                "type": 0,
            }
            forward = {
                "message_reference": {"type": 1, "message_id": "1", "channel_id": "2"},
                "message_snapshots": [{"message": snapshot}],
            }
            for target in (layout, {"embeds": [answer]}, {"embeds": [field]}, forward):
                menu = fake.message_command("Find the source", "")
                (message,) = menu["data"]["resolved"]["messages"].values()
                message.update(target)
                await server.dispatch("INTERACTION_CREATE", menu)
                (done,) = await server.wait_for(followups(menu))
                found = done.body["embeds"][0]["description"]
                assert found.startswith('Word for word from *"Choosing between bad'), found
            # a message with no text at all, and no components either (its content withheld)
            menu = fake.message_command("Find the source", "")
            await server.dispatch("INTERACTION_CREATE", menu)
            (told,) = await server.wait_for(callbacks(server, menu))
            assert "no text to look for" in told.body["data"]["content"]

    run(body())


# Red-team round 17 -----------------------------------------------------------------------

# A bell, an escape sequence (colour), NUL, a C1 "ESC [" (U+009B), DEL, and @everyone parted
# by a NUL and by an escape sequence.
CONTROLLED = "Who is \x07Lukashenko\x1b[31m?\x00 \x9b1m\x7f @every\x00one @every\x1b[0mone"


def _unprintable(text: str) -> list[str]:
    return [c for c in text if unicodedata.category(c) == "Cc" and c != "\n"]


def test_control_characters_are_not_echoed_and_nothing_joins_into_a_ping(
    point_at: Any, answerer: Answerer
) -> None:
    """Red-team round 17: an /ask's embed title and a mention's plain-text answer echoed NUL,
    BEL, ESC sequences, DEL and U+009B as typed (they are looked up without them). They are
    echoed without them too; "@every\x00one" stays two words, and "@every\x1b[0mone", joined
    once its sequence is taken out, is left out like any @everyone; nothing can ping."""

    async def body() -> None:
        async with running(point_at, answerer) as (server, _):
            reply = await ask_and_wait(server, CONTROLLED)
            title = reply["embeds"][0]["title"]
            assert title == "Who is Lukashenko? 1m @every one"
            assert reply["allowed_mentions"] == {"parse": []}
            server.refuse_embeds.add(fake.CHANNEL_ID)
            await server.dispatch("MESSAGE_CREATE", fake.message(f"<@{fake.BOT_ID}> {CONTROLLED}"))
            *_, plain = await server.wait_for(lambda r: r.path == CHANNEL_POSTS, count=2)
            content = plain.body["content"]
            assert content.startswith("**Who is Lukashenko? 1m @every one**")
            assert not _unprintable(content) and not _unprintable(title)
            assert "@everyone" not in content and plain.body["allowed_mentions"] == {"parse": []}

    run(body())


def test_an_ask_longer_than_its_option_allows_is_refused_not_answered(
    point_at: Any, answerer: Answerer
) -> None:
    """Red-team round 17: Discord holds /ask's option to 300 characters, but a registration
    older than a sync, or a forged payload, does not: one of 400 was answered (and past 1,000
    told "at most 1,000"). It gets a too-long mention's refusal, privately, before any work."""
    counted, asked = counting(answerer)

    async def body() -> None:
        async with running(point_at, counted) as (server, _):
            for question in ("Why " * 100, "Why " * 1500):
                interaction = ask(question)
                await server.dispatch("INTERACTION_CREATE", interaction)
                (said,) = await server.wait_for(callbacks(server, interaction))
                assert said.body["type"] == 4 and said.body["data"]["flags"] == 64
                assert said.body["data"]["content"] == too_long(question.strip())
            assert asked == []

    run(body())


def test_a_best_effort_send_never_lets_its_failure_escape(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A response discord.py cannot read ("X-RateLimit-Reset-After: soon", from a proxy)
    raises a ValueError after Discord carried the post out: an apology sent that way had let
    it escape the error handler (red-team round 19, D11). It is one warning now."""
    from bot.discord_bot._replies import _try

    async def unreadable() -> None:
        raise ValueError("could not convert string to float: 'soon'")

    with caplog.at_level(logging.WARNING):
        asyncio.run(_try(unreadable(), "the apology"))
    (record,) = caplog.records
    assert record.levelno == logging.WARNING and "could not send the apology" in record.message


def test_slash_commands_let_through_hold_their_place_in_a_busy_server(
    point_at: Any, answerer: Answerer
) -> None:
    """Red-team round 21 (D1): a question is queued only once Discord has taken its
    deferral, so with Discord slow to take it a burst of /ask let every one through the
    check of the server's queue (118 waiting where MOST_WAITING may). Each one let through
    holds its place now, and the rest are told the server is busy."""
    release = threading.Event()

    class Held(Answerer):
        def ask(self, question: str, k: int | None = None) -> Any:
            release.wait(20)
            return super().ask(question, k)

    held = Held(answerer.index, answerer.policy, answerer.similarity, english=answerer.english)
    burst = MOST_WAITING + 10

    async def body() -> None:
        async with running(point_at, held) as (server, _):
            server.slow_callbacks = 0.3
            asked = [ask(f"{DEAD_END} {n}", user_id=f"42{n:016d}") for n in range(burst)]
            for interaction in asked:
                await server.dispatch("INTERACTION_CREATE", interaction)
            told = await server.wait_for(
                lambda r: "callback" in r.path and r.body.get("data", {}).get("content") == BUSY,
                count=burst - MOST_WAITING,
            )
            release.set()
            answered = await server.wait_for(
                lambda r: r.path.startswith("webhooks/") and r.method == "PATCH",
                count=MOST_WAITING,
            )
            await asyncio.sleep(0.5)  # no more
            assert len(told) == burst - MOST_WAITING
            patched = [r for r in server.requests if r.path.startswith("webhooks/")]
            assert len(answered) == len(patched) == MOST_WAITING

    run(body())


def _held_until(release: threading.Event, asked: list[str], answerer: Answerer) -> Answerer:
    """The real answerer, noting each question in `asked` and holding its answer until
    `release` is set (until a raid has queued)."""

    class Held(Answerer):
        def ask(self, question: str, k: int | None = None) -> Any:
            asked.append(question)
            release.wait(20)
            return super().ask(question, k)

    return Held(answerer.index, answerer.policy, answerer.similarity, english=answerer.english)


def test_a_raid_in_one_server_neither_holds_up_another_nor_queues_without_end(
    point_at: Any, answerer: Answerer
) -> None:
    """Red-team round 19 (O5): one first-come queue for every server, without a cap; a raid of
    300 accounts delayed another server's answer from 0.01 s to 2.6 s. Now servers take turns,
    and a server with MOST_WAITING answers waiting is told once that it is busy."""
    release, asked = threading.Event(), []
    held = _held_until(release, asked, answerer)
    other_channel, other_guild = "300000000000000077", "200000000000000777"
    raiders = MOST_WAITING + ANSWER_WORKERS + 10

    async def body() -> None:
        async with running(point_at, held) as (server, _):
            for n in range(raiders):
                raid = fake.message(f"<@{fake.BOT_ID}> {DEAD_END} {n}", author_id=f"4{n:017d}")
                await server.dispatch("MESSAGE_CREATE", raid)
            elsewhere = fake.message(
                f"<@{fake.BOT_ID}> {DEAD_END} elsewhere", channel_id=other_channel
            )
            elsewhere["guild_id"] = other_guild
            await server.dispatch("MESSAGE_CREATE", elsewhere)
            await server.wait_for(lambda r: r.path == CHANNEL_POSTS and r.body["content"] == BUSY)
            late = ask(DEAD_END, user_id="410000000000000001")  # /ask is told so privately
            await server.dispatch("INTERACTION_CREATE", late)
            (told,) = await server.wait_for(callbacks(server, late))
            assert told.body["data"]["content"] == BUSY and told.body["data"]["flags"] & 64
            release.set()
            await server.wait_for(lambda r: r.path == f"channels/{other_channel}/messages")
            await server.wait_for(
                lambda r: (
                    len([r for r in server.requests if r.path == CHANNEL_POSTS])
                    == MOST_WAITING + ANSWER_WORKERS + 1
                )
            )
            await asyncio.sleep(0.5)  # no more
            posted = [r.body for r in server.requests if r.path == CHANNEL_POSTS]
            assert [p["content"] for p in posted].count(BUSY) == 1  # one note for the raid
            assert len(posted) == MOST_WAITING + ANSWER_WORKERS + 1
        # the workers' held jobs, then the raid's next, then the other server's
        assert asked.index(f"{DEAD_END} elsewhere") <= ANSWER_WORKERS + 1
        assert len(asked) == MOST_WAITING + ANSWER_WORKERS + 1

    run(body())


def test_hints_hold_no_place_in_a_servers_turn(point_at: Any, answerer: Answerer) -> None:
    """Red-team round 22 (D1): a mention let through and then answered with a hint ("hi"
    asks nothing; a blank /ask) held one of its server's MOST_WAITING places for 15 s, so 27
    "@essaybot hi" from 9 accounts made the server busy for every reader with no answer
    worked out. A hint holds no place; the question after them is answered."""

    async def body() -> None:
        async with running(point_at, answerer) as (server, _):
            for n in range(MOST_WAITING + 5):
                hi = fake.message(f"<@{fake.BOT_ID}> hi", author_id=f"43{n:016d}")
                await server.dispatch("MESSAGE_CREATE", hi)
            for n in range(5):
                await server.dispatch("INTERACTION_CREATE", ask("\u200b", user_id=f"44{n:016d}"))
            # the hints posted, those past MOST_POSTING waiting at once not made (round 24)
            await server.wait_for(lambda r: r.path == CHANNEL_POSTS, count=MOST_POSTING)
            await asyncio.sleep(0.5)
            await server.dispatch("MESSAGE_CREATE", fake.message(f"<@{fake.BOT_ID}> {DEAD_END}"))
            await server.wait_for(lambda r: r.path == CHANNEL_POSTS and r.body.get("embeds"))
            bodies = [r.body or {} for r in server.requests]
            contents = [b.get("content") for b in bodies] + [
                (b.get("data") or {}).get("content") for b in bodies
            ]
            assert BUSY not in contents

    run(body())


def test_a_raid_of_direct_messages_neither_holds_up_a_server_nor_queues_without_end(
    point_at: Any, answerer: Answerer
) -> None:
    """Red-team round 22 (D3): each DM was its user's own turn, so nothing bounded them:
    300 accounts' DMs queued 272 answers, and a server's /ask waited behind all of them
    (0.01 s became 1.71 s). Direct messages now take one turn together, bounded as a
    server's is, and each raider told that it is busy hears so privately."""
    release, asked = threading.Event(), []
    held = _held_until(release, asked, answerer)
    most = MOST_WAITING * DIRECT_SHARE  # direct messages' turn keeps more waiting (round 23)
    raiders = most + ANSWER_WORKERS + 10

    async def body() -> None:
        async with running(point_at, held) as (server, _):
            for n in range(raiders):
                dm = fake.message(
                    f"{DEAD_END} {n}", channel_id=f"31{n:016d}", author_id=f"45{n:016d}"
                )
                del dm["guild_id"], dm["member"]
                await server.dispatch("MESSAGE_CREATE", dm)
            await server.dispatch("MESSAGE_CREATE", fake.message(f"<@{fake.BOT_ID}> {DEAD_END}"))
            await server.wait_for(
                lambda r: r.path.startswith("channels/31") and r.body.get("content") == BUSY,
                count=raiders - most - ANSWER_WORKERS,
            )
            release.set()
            await server.wait_for(lambda r: r.path == CHANNEL_POSTS)
            await asyncio.sleep(0.5)
        assert asked.index(DEAD_END) <= ANSWER_WORKERS + 1  # not behind the whole raid
        assert len(asked) <= most + ANSWER_WORKERS + 1

    run(body())


def test_gateway_frames_never_ending_a_message_are_not_kept_past_16_mib(
    point_at: Any, answerer: Answerer
) -> None:
    """Red-team round 22 (D6): frames without the zlib stream's end of a message were all
    kept (256 MB in the repro); past 16 MiB they are an unreadable frame. The gateway is
    read through that bound whatever discord.py would choose (zstd: round 23)."""
    import discord

    from bot.discord_bot._client import _CappedInflate

    EssayBot(answerer, Settings(_env_file=None, discord_token=fake.TOKEN), sync=False)

    assert discord.utils._ActiveDecompressionContext is _CappedInflate  # zlib, even with zstd
    inflate = _CappedInflate()
    with pytest.raises(ValueError, match="over 16 MiB"):
        for _ in range(17):
            assert inflate.decompress(b"x" * (1 << 20)) is None
    assert len(inflate.buffer) == 0


def test_a_channel_with_many_answers_waiting_to_be_posted_is_busy(
    point_at: Any, answerer: Answerer
) -> None:
    """Red-team round 23 (E1): Discord takes some five posts in five seconds in a channel, and
    a raid paced to keep the answer workers' queue short queued 105 answers there, unbounded,
    never told it was busy: a reader's mention was answered 122 s later. A mention finding
    MOST_POSTING answers waiting to be posted in its channel is told it is busy."""

    counted, asked = counting(answerer)

    async def body() -> None:
        async with running(point_at, counted) as (server, _):
            release = server.hold(CHANNEL_POSTS)  # Discord slow to take the answers
            for n in range(MOST_POSTING):
                raid = fake.message(f"<@{fake.BOT_ID}> {DEAD_END} {n}", author_id=f"46{n:016d}")
                await server.dispatch("MESSAGE_CREATE", raid)
            # each answer made and waiting for its post (the first held by Discord, the rest
            # behind it for the channel's rate limit): the raid paced to keep the workers'
            # queue short
            await server.wait_for(answering)
            for _ in range(100):
                if len(asked) == MOST_POSTING:
                    break
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.2)  # rendered and handed to discord.py
            late = fake.message(f"<@{fake.BOT_ID}> {DEAD_END} late", author_id="4" * 18)
            await server.dispatch("MESSAGE_CREATE", late)
            await asyncio.sleep(0.3)
            release.set()  # the busy note waits for the channel's rate limit too
            await server.wait_for(
                lambda r: r.path == CHANNEL_POSTS and r.body.get("content") == BUSY
            )
            await server.wait_for(
                lambda r: len([p for p in server.requests if answering(p)]) == MOST_POSTING
            )
            await asyncio.sleep(0.5)  # no more: the late mention was not answered
            assert len([p for p in server.requests if answering(p)]) == MOST_POSTING

    def answering(request: Any) -> bool:
        return request.path == CHANNEL_POSTS and bool((request.body or {}).get("embeds"))

    run(body())


def test_hints_in_a_channel_with_many_posts_waiting_are_not_made(
    point_at: Any, answerer: Answerer
) -> None:
    """Red-team round 24 (F4): hints and refusals are public posts too, but were neither
    counted among a channel's posts waiting nor held back by them: 40 accounts' 118 "@essaybot
    hi" queued ahead of a reader's answer, which waited 128 s. Past MOST_POSTING waiting, a
    hint is not made (the channel's count of posts waiting is the raid's); with fewer, it is,
    and counted while it waits."""

    async def body() -> None:
        async with running(point_at, answerer) as (server, bot):
            bot._posting[int(fake.CHANNEL_ID)] = MOST_POSTING
            hint = fake.message(f"<@{fake.BOT_ID}> hi", author_id="480000000000000001")
            await server.dispatch("MESSAGE_CREATE", hint)
            await asyncio.sleep(1.0)
            assert not [r for r in server.requests if r.path == CHANNEL_POSTS]
            bot._posting[int(fake.CHANNEL_ID)] = MOST_POSTING - 1
            release = server.hold(CHANNEL_POSTS, any_body=True)
            again = fake.message(f"<@{fake.BOT_ID}> hi", author_id="480000000000000002")
            await server.dispatch("MESSAGE_CREATE", again)
            (held,) = await server.wait_for(lambda r: r.path == CHANNEL_POSTS)
            assert held.body["content"].startswith("Ask me a question after the mention")
            assert bot.posting(int(fake.CHANNEL_ID)) == MOST_POSTING  # counted while it waits
            release.set()
            await asyncio.sleep(0.3)
            assert bot.posting(int(fake.CHANNEL_ID)) == MOST_POSTING - 1

    run(body())


def test_logging_in_again_and_again_waits_longer_each_time() -> None:
    """Red-team round 24 (F2): a gateway answering every IDENTIFY with INVALID_SESSION made
    the bot log in every 5 s, 660 times an hour, where Discord allows 1,000 a day and then
    resets the token. The first few log-ins again within the hour wait discord.py's 5 s, the
    rest 8, 16, 32 ... s up to 15 minutes."""
    times: list[float] = []
    waits = [identify_wait(times, float(minute * 60)) for minute in range(12)]
    assert waits[:3] == [5.0, 5.0, 5.0] and waits[3:6] == [8.0, 16.0, 32.0]
    assert waits[-1] == 900.0 and max(waits) == 900.0  # 15 minutes: 96 log-ins a day at most
    assert identify_wait(times, 12 * 60 + 3600.0 + 1) == 5.0  # an hour of quiet: afresh


async def answers_a_mention(server: fake.FakeDiscord) -> None:
    """The bot, connected again, answers a mention."""
    asked = fake.message(f"<@{fake.BOT_ID}> {DEAD_END}")
    await server.dispatch("MESSAGE_CREATE", asked)
    (answered,) = await server.wait_for(
        lambda r: r.path == f"channels/{fake.CHANNEL_ID}/messages", timeout=30
    )
    assert answered.status == 200


def test_a_storm_of_ended_sessions_is_waited_out_and_the_bot_logs_in_again(
    point_at: Any,
    answerer: Answerer,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Red-team round 25 (G1): the waits of F2's fix ran in discord.py's hook before IDENTIFY,
    within its 60 s to connect; from the seventh log-in within the hour the wait was longer,
    discord.py cancelled it and connected again, counted as one more log-in, and the bot
    never logged in again, however well the gateway came back. Now the bot waits with the
    ended session's socket closed, before connecting. Time runs 60 times faster here:
    discord.py's 60 s to connect is 1 s, and the wait before the eighth log-in 128 s."""
    scale = 60.0
    monkeypatch.setattr(_client, "_IDENTIFY_WAIT", 5.0 / scale)
    monkeypatch.setattr(_client, "_backoff", lambda count: min(900.0, 2.0**count) / scale)
    sped = SimpleNamespace(**vars(asyncio))
    real_wait_for = asyncio.wait_for
    sped.wait_for = lambda coroutine, timeout: real_wait_for(coroutine, timeout / scale)
    monkeypatch.setattr(discord.shard, "asyncio", sped)

    async def body() -> None:
        async with running(point_at, answerer) as (server, _):
            server.invalid_sessions = 7  # the next seven log-ins are ended at once
            before = len(server.identify_times)
            assert server._connection is not None
            await server._send(server._connection, {"op": 9, "d": False})
            for _ in range(1500):  # the eighth is let in (at most 15 s)
                if len(server.identify_times) == before + 8 and server._connected.is_set():
                    break
                await asyncio.sleep(0.01)
            times = server.identify_times[before:]
            assert len(times) == 8 and server.invalid_sessions == 0
            gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
            # each gap: the wait after the session ended (8, 16, ... s from the fourth)
            assert gaps[-1] >= 128.0 / scale * 0.9 and gaps[-2] >= 64.0 / scale * 0.9
            await answers_a_mention(server)

    with caplog.at_level(logging.WARNING):
        run(body())
    assert "ended 8 sessions of shard 0 within the hour: logging in again in 2 s" in caplog.text


def test_reconnects_to_resume_one_after_another_wait_longer_each_time(
    point_at: Any,
    answerer: Answerer,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Red-team round 26 (H1): a gateway answering every RESUME with a RECONNECT (or a
    resumable INVALID_SESSION, or a close) had the bot connect again at once, 341 to 704
    times a second, logged at most at INFO. The first few reconnects within five minutes go
    at once, then 1, 2, 4 ... s (here 20 times faster), with a warning; once the gateway
    lets the session be, a mention is answered."""
    scale = 20.0
    real = getattr(_client, "resume_wait", lambda times, now: 0.0)
    paced = lambda times, now: real(times, now) / scale  # noqa: E731
    monkeypatch.setattr(_client, "resume_wait", paced, raising=False)

    async def body() -> None:
        async with running(point_at, answerer) as (server, _):
            server.reconnects_after_resume = 6  # each of the next six RESUMEs: RECONNECT
            assert server._connection is not None
            await server._send(server._connection, {"op": 7, "d": None})
            for _ in range(1500):  # the seventh RESUME is let be (at most 15 s)
                if len(server.resume_times) == 7 and server._connected.is_set():
                    break
                await asyncio.sleep(0.01)
            times = server.resume_times
            assert len(times) == 7 and server.reconnects_after_resume == 0
            gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
            # the fourth reconnect within the five minutes waits 1 s, the fifth 2, the sixth 4
            assert gaps[-1] >= 8.0 / scale * 0.9 and gaps[-2] >= 4.0 / scale * 0.9
            assert gaps[0] < 1.0 / scale  # the first few at once
            await answers_a_mention(server)

    with caplog.at_level(logging.WARNING):
        run(body())
    assert "ended 7 connections of shard 0 within five minutes: resuming in 0 s" in caplog.text
