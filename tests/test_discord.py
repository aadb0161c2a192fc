"""The real discord.py client against a fake Discord on 127.0.0.1 (tests/fake_discord.py)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import signal
import sqlite3
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import discord
import pytest
import yarl

from bot import discord_bot
from bot.answering import Answerer
from bot.cli import main
from bot.discord_bot import APOLOGY, BAD_TOKEN, MAX_QUESTION, PAGE_TURNS, EssayBot, serve, to_embeds
from bot.discord_bot._menus import OWN_ANSWER
from bot.discord_bot._run import CLOSED, MALFORMED_TOKEN, REFUSALS
from bot.discord_bot._run import run as run_bot
from bot.question_log import QuestionLog
from bot.settings import Settings, SettingsError
from index import Document, PassageIndex, Section, load_documents
from tests import fake_discord as fake
from tests.helpers import SEEDS, answerer_for, counting

# End to end: the real client against the loopback fake Discord (the slow tier).
pytestmark = pytest.mark.slow

DEAD_END = "Why is the current format of Russia-Belarus relations a dead end?"
NONE = {"parse": []}
MENUS = {"Ask essaybot", "Find the source"}  # message commands


@pytest.fixture
def point_at(monkeypatch: pytest.MonkeyPatch) -> Callable[[fake.FakeDiscord], None]:
    """Point discord.py's REST base and gateway at a fake."""

    def point(server: fake.FakeDiscord) -> None:
        monkeypatch.setattr(discord.http.Route, "BASE", server.api)
        monkeypatch.setattr(
            discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(server.gateway)
        )

    return point


@contextlib.asynccontextmanager
async def running(
    point: Callable[[fake.FakeDiscord], None],
    answerer: Answerer,
    *,
    sync: bool = False,
    question_log: QuestionLog | None = None,
    **settings: Any,
) -> AsyncIterator[tuple[fake.FakeDiscord, EssayBot]]:
    """A fake Discord and the bot connected to it, both stopped at the end."""
    server = fake.FakeDiscord()
    await server.start()
    point(server)
    bot = EssayBot(
        answerer,
        Settings(_env_file=None, discord_token=fake.TOKEN, **settings),
        sync=sync,
        question_log=question_log,
    )
    bot._connection.guild_ready_timeout = 0.05  # no need to wait 2 s for more guilds
    task = asyncio.create_task(serve(bot, fake.TOKEN))
    try:
        await asyncio.wait_for(bot.wait_until_ready(), 15)
        yield server, bot
    finally:
        await bot.close()
        await asyncio.wait_for(task, 15)
        await server.stop()


def run(coroutine: Awaitable[None]) -> None:
    """Run one async test body, bounded in time."""

    async def bounded() -> None:
        await asyncio.wait_for(coroutine, 120)

    asyncio.run(bounded())


def callbacks(server: fake.FakeDiscord, interaction: dict[str, Any]) -> Callable[[Any], bool]:
    return lambda r: r.path.startswith(f"interactions/{interaction['id']}/")


def followups(interaction: dict[str, Any]) -> Callable[[Any], bool]:
    """Messages sent after the interaction's first response: the edit that puts the first
    in place of "thinking…", and follow-ups."""
    path = f"webhooks/{fake.APP_ID}/{interaction['token']}"
    return lambda r: (r.method, r.path) in (("POST", path), ("PATCH", path + fake.ORIGINAL))


def ask(question: str, **kwargs: Any) -> dict[str, Any]:
    return fake.interaction("ask", [{"name": "question", "type": 3, "value": question}], **kwargs)


async def ask_and_wait(server: fake.FakeDiscord, question: str, **kwargs: Any) -> dict[str, Any]:
    """Dispatch /ask; return the follow-up's body after checking the defer came first."""
    interaction = ask(question, **kwargs)
    await server.dispatch("INTERACTION_CREATE", interaction)
    (callback,) = await server.wait_for(callbacks(server, interaction))
    assert callback.body["type"] == 5  # deferred: "essaybot is thinking…"
    (followup,) = await server.wait_for(followups(interaction))
    assert followup.at >= callback.at
    return followup.body  # type: ignore[no-any-return]


def test_login_ready_and_no_command_sync_by_default(point_at: Any, answerer: Answerer) -> None:
    async def body() -> None:
        async with running(point_at, answerer) as (server, bot):
            assert bot.user is not None and bot.user.id == int(fake.BOT_ID)
            assert [g.id for g in bot.guilds] == [int(fake.GUILD_ID)]
            paths = [r.path for r in server.requests]
            assert "users/@me" in paths and "gateway/bot" in paths
            assert not [r for r in server.requests if r.method == "PUT"]
            assert server.identifies == 1
            (identify,) = server.identified
            privileged = 1 << 1 | 1 << 8 | 1 << 15  # members, presences, message content
            assert identify["intents"] & privileged == 0
            assert identify["shard"] == [0, 1]

    run(body())


def test_shard_settings_reach_the_gateway(point_at: Any, answerer: Answerer) -> None:
    async def body() -> None:
        async with running(point_at, answerer, shard_count=4, shard_ids=(2,)) as (server, bot):
            assert [i["shard"] for i in server.identified] == [[2, 4]]
            assert bot.shard_count == 4
            assert "gateway/bot" not in [r.path for r in server.requests]  # count was given

    run(body())


def test_guild_sync_payload(point_at: Any, answerer: Answerer) -> None:
    async def body() -> None:
        async with running(point_at, answerer, guild_id=int(fake.GUILD_ID)) as (server, _):
            (put,) = [r for r in server.requests if r.method == "PUT"]
            assert put.path == f"applications/{fake.APP_ID}/guilds/{fake.GUILD_ID}/commands"
            commands = {c["name"]: c for c in put.body}
            assert set(commands) == {"ask", "sections", "section", "help"} | MENUS
            assert all(c["description"] for c in put.body if c["name"] not in MENUS)
            (question,) = commands["ask"]["options"]
            assert question["description"] and question["max_length"] == MAX_QUESTION
            assert question["required"] is True
            (name,) = commands["section"]["options"]
            assert name["autocomplete"] is True and name["description"]

    run(body())


def test_global_sync_only_with_the_flag(point_at: Any, answerer: Answerer) -> None:
    async def body() -> None:
        async with running(point_at, answerer, sync=True) as (server, _):
            (put,) = [r for r in server.requests if r.method == "PUT"]
            assert put.path == f"applications/{fake.APP_ID}/commands"
            assert len(put.body) == 6

    run(body())


def test_ask_defers_then_answers_with_an_embed(point_at: Any, answerer: Answerer) -> None:
    async def body() -> None:
        async with running(point_at, answerer) as (server, _):
            reply = await ask_and_wait(server, DEAD_END)
            (embed,) = reply["embeds"]
            assert embed["title"] == DEAD_END
            assert embed["description"].startswith("> With that in mind")
            assert '— *"Choosing between bad and bad", ¶4*' in embed["description"]
            assert embed["footer"]["text"]
            assert reply["allowed_mentions"] == NONE

    run(body())


def test_ask_abstains_plainly(point_at: Any, answerer: Answerer) -> None:
    async def body() -> None:
        async with running(point_at, answerer) as (server, _):
            reply = await ask_and_wait(server, "How do I bake bread?")
            assert reply["embeds"][0]["description"].startswith("The essays don't cover this.")

    run(body())


def test_mention_gets_a_reply_and_bots_are_ignored(point_at: Any, answerer: Answerer) -> None:
    async def body() -> None:
        async with running(point_at, answerer) as (server, _):
            sent = lambda r: r.method == "POST" and r.path == f"channels/{fake.CHANNEL_ID}/messages"  # noqa: E731
            from_bot = fake.message(f"<@{fake.BOT_ID}> Lukashenko", author_id="900", bot=True)
            await server.dispatch("MESSAGE_CREATE", from_bot)
            # Other mentions say nothing about the essays: the answer is the one without them.
            human = fake.message(
                f"<@{fake.BOT_ID}> <@123456789012345678> <@&98765432109876543> @everyone "
                "Who would welcome Chinese investment?"
            )
            await server.dispatch("MESSAGE_CREATE", human)
            (reply,) = await server.wait_for(sent)
            assert str(reply.body["message_reference"]["message_id"]) == human["id"]
            assert "¶2" in reply.body["embeds"][0]["description"]
            assert reply.body["embeds"][0]["title"] == "Who would welcome Chinese investment?"
            assert reply.body["allowed_mentions"] == NONE
            await server.dispatch("MESSAGE_CREATE", fake.message("no mention", mentions_bot=False))
            await server.dispatch("MESSAGE_CREATE", fake.message(f"<@{fake.BOT_ID}>"))
            hint = (await server.wait_for(sent, count=2))[1]
            assert "Ask me a question" in hint.body["content"]
            assert len([r for r in server.requests if sent(r)]) == 2  # no reply to the others

    run(body())


def test_section_autocomplete_and_whole_section(point_at: Any, answerer: Answerer) -> None:
    async def body() -> None:
        async with running(point_at, answerer) as (server, _):
            typed = fake.interaction(
                "section",
                [{"name": "name", "type": 3, "value": "cho", "focused": True}],
                autocomplete=True,
            )
            await server.dispatch("INTERACTION_CREATE", typed)
            (choice,) = await server.wait_for(callbacks(server, typed))
            assert choice.body["type"] == 8
            names = [c["name"] for c in choice.body["data"]["choices"]]
            assert names == ["Choosing between bad and bad"]
            value = choice.body["data"]["choices"][0]["value"]
            picked = fake.interaction("section", [{"name": "name", "type": 3, "value": value}])
            await server.dispatch("INTERACTION_CREATE", picked)
            (shown,) = await server.wait_for(callbacks(server, picked))
            embed = shown.body["data"]["embeds"][0]
            assert embed["title"] == "Russia-Belarus: Choosing between bad and bad"
            assert "**¶5** The problem with this option" in embed["description"]

    run(body())


def test_sections_and_help(point_at: Any, answerer: Answerer) -> None:
    async def body() -> None:
        async with running(point_at, answerer) as (server, _):
            toc, help_ = fake.interaction("sections", []), fake.interaction("help", [])
            await server.dispatch("INTERACTION_CREATE", toc)
            await server.dispatch("INTERACTION_CREATE", help_)
            (shown,) = await server.wait_for(callbacks(server, toc))
            assert (
                "4. In search of an alternative — 5 ¶"
                in shown.body["data"]["embeds"][0]["description"]
            )
            assert shown.body["data"]["flags"] == 64  # only the asker sees it
            assert not shown.body["data"].get("components")  # one page: no buttons
            (helped,) = await server.wait_for(callbacks(server, help_))
            assert helped.body["data"]["flags"] == 64  # ephemeral
            assert "/ask" in helped.body["data"]["embeds"][0]["description"]

    run(body())


def test_cooldown_refusal_is_ephemeral(point_at: Any, answerer: Answerer) -> None:
    async def body() -> None:
        async with running(point_at, answerer, cooldown_rate=1, cooldown_seconds=60) as (server, _):
            await ask_and_wait(server, "Lukashenko")
            again = ask("Lukashenko")
            await server.dispatch("INTERACTION_CREATE", again)
            (refusal,) = await server.wait_for(callbacks(server, again))
            assert refusal.body["type"] == 4 and refusal.body["data"]["flags"] == 64
            # up to 60 s, less the time the first answer took on a busy machine
            wait = re.search(r"try again in (\d+) s", refusal.body["data"]["content"])
            assert wait and 30 <= int(wait.group(1)) <= 60
            await ask_and_wait(server, "Lukashenko", user_id="400000000000000999")  # others may
            mention = fake.message(f"<@{fake.BOT_ID}> Lukashenko")  # the same user, by mention
            await server.dispatch("MESSAGE_CREATE", mention)
            (reply,) = await server.wait_for(lambda r: r.path.startswith("channels/"))
            assert "try again in" in reply.body["content"]

    run(body())


def test_a_category_in_the_allowlist_stands_for_its_channels_and_threads(
    point_at: Any, answerer: Answerer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Red-team round 9: Copy Channel ID works on a category too; named in the allowlist, it
    passed the start-up check (the bot sees it) and then nothing was answered anywhere."""
    category, inside, thread_id = "300000000000000031", "300000000000000032", "300000000000000033"
    plain = fake.guild

    def with_category() -> dict[str, Any]:
        guild = plain()
        text = guild["channels"][0] | {"id": inside, "name": "essays", "parent_id": category}
        folder = guild["channels"][0] | {"id": category, "type": 4, "name": "Reading"}
        guild["channels"] += [folder, text]
        guild["threads"] += [fake.thread(thread_id, inside, "more")]
        return guild

    monkeypatch.setattr(fake, "guild", with_category)

    async def body() -> None:
        async with running(point_at, answerer, allowed_channels=(int(category),)) as (server, _):
            for where in (inside, thread_id):
                await server.dispatch(
                    "MESSAGE_CREATE", fake.message(f"<@{fake.BOT_ID}> {DEAD_END}", channel_id=where)
                )
                (reply,) = await server.wait_for(
                    lambda r, w=where: r.path == f"channels/{w}/messages"
                )
                assert reply.body["embeds"]
            elsewhere = ask("Lukashenko")  # the guild's main channel: no category
            await server.dispatch("INTERACTION_CREATE", elsewhere)
            (refusal,) = await server.wait_for(callbacks(server, elsewhere))
            assert f"<#{category}>" in refusal.body["data"]["content"]

    run(body())


def test_channel_allowlist(point_at: Any, answerer: Answerer) -> None:
    async def body() -> None:
        allowed = (int(fake.CHANNEL_ID),)
        async with running(point_at, answerer, allowed_channels=allowed) as (server, _):
            elsewhere = ask("Lukashenko", channel_id=fake.OTHER_CHANNEL_ID)
            await server.dispatch("INTERACTION_CREATE", elsewhere)
            (refusal,) = await server.wait_for(callbacks(server, elsewhere))
            assert refusal.body["data"]["flags"] == 64
            assert f"<#{fake.CHANNEL_ID}>" in refusal.body["data"]["content"]
            await ask_and_wait(server, "Lukashenko")
            await ask_and_wait(server, "Lukashenko", channel_id=fake.THREAD_ID)  # its thread
            # A private thread of it: never in the bot's cache; the interaction names its parent.
            private = ask("Lukashenko", channel_id="300000000000000099")
            private["channel"] |= {
                "type": 12,
                "parent_id": fake.CHANNEL_ID,
                "name": "study",
                "owner_id": "400000000000000001",
                "flags": 0,
                "rate_limit_per_user": 0,
                "member_count": 2,
                "message_count": 1,
                "thread_metadata": {
                    "archived": False,
                    "auto_archive_duration": 1440,
                    "archive_timestamp": fake.TIMESTAMP,
                    "locked": False,
                    "invitable": True,
                },
            }
            await server.dispatch("INTERACTION_CREATE", private)
            (deferred,) = await server.wait_for(callbacks(server, private))
            assert deferred.body["type"] == 5  # "thinking", then the answer; not a refusal
            (answered,) = await server.wait_for(followups(private))
            assert answered.body["embeds"]

    run(body())


def test_an_exception_gets_an_apology_and_the_bot_goes_on(
    point_at: Any, answerer: Answerer, caplog: pytest.LogCaptureFixture
) -> None:
    class Broken(Answerer):
        def ask(self, question: str, k: int | None = None) -> Any:
            if "boom" in question:
                raise RuntimeError("boom in the index")
            return super().ask(question, k)

    async def body() -> None:
        broken = Broken(
            answerer.index, answerer.policy, answerer.similarity, english=answerer.english
        )
        async with running(point_at, broken) as (server, _):
            interaction = ask("boom")
            await server.dispatch("INTERACTION_CREATE", interaction)
            (apology,) = await server.wait_for(followups(interaction))
            assert apology.body["content"] == APOLOGY
            assert apology.body["flags"] == 64  # ephemeral
            thinking = f"webhooks/{fake.APP_ID}/{interaction['token']}/messages/@original"
            deleted = [r for r in server.requests if r.method == "DELETE" and r.path == thinking]
            assert deleted and deleted[0].at <= apology.at  # the public "thinking…" is gone
            mention = fake.message(f"<@{fake.BOT_ID}> boom")
            await server.dispatch("MESSAGE_CREATE", mention)
            await server.wait_for(
                lambda r: r.path.startswith("channels/") and r.body.get("content") == APOLOGY
            )
            await ask_and_wait(server, "Lukashenko")  # still answering

    with caplog.at_level(logging.ERROR):
        run(body())
    assert caplog.text.count("RuntimeError: boom in the index") == 2


def test_nothing_can_ping(point_at: Any, tmp_path: Path) -> None:
    pings = "@everyone @here <@&123> <@456>"
    (tmp_path / "pings.txt").write_text(
        f"Mentions\nA paragraph that says {pings} to everybody.\n", encoding="utf-8"
    )
    (tmp_path / "other.txt").write_text("Other\nNothing to see.\n", encoding="utf-8")
    (tmp_path / "third.txt").write_text("Third\nStill nothing.\n", encoding="utf-8")
    answerer = answerer_for(PassageIndex(load_documents(tmp_path)))

    async def body() -> None:
        async with running(point_at, answerer) as (server, _):
            reply = await ask_and_wait(server, f"{pings} paragraph says everybody")
            mention = fake.message(f"<@{fake.BOT_ID}> {pings} paragraph says everybody")
            await server.dispatch("MESSAGE_CREATE", mention)
            await server.wait_for(lambda r: r.path.startswith("channels/"))
            sent = [
                r.body
                for r in server.requests
                if r.method in ("POST", "PATCH")
                and r.body
                and ("embeds" in r.body or "content" in r.body)
            ]
            assert len(sent) == 2
            for payload in sent:
                assert payload["allowed_mentions"] == NONE
            text = json.dumps(reply, ensure_ascii=False)
            assert "A paragraph that says" in text  # the seed paragraph is quoted
            assert "@everyone" not in text and "@here" not in text
            assert "<@&123>" not in text and "<@456>" not in text
            assert "@\u200beveryone" in text  # shown, but inert

    run(body())


def test_token_never_appears_in_logs_or_output(
    point_at: Any,
    answerer: Answerer,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    async def body() -> None:
        async with running(point_at, answerer) as (server, _):
            await ask_and_wait(server, DEAD_END)

    with caplog.at_level(logging.DEBUG):
        run(body())
    out, err = capsys.readouterr()
    assert caplog.records  # the session did log
    for text in (caplog.text, out, err):
        assert fake.TOKEN not in text
        assert fake.TOKEN.split(".")[0] not in text


def test_reconnects_after_the_gateway_drops(point_at: Any, answerer: Answerer) -> None:
    async def body() -> None:
        async with running(point_at, answerer) as (server, _):
            await ask_and_wait(server, "Lukashenko")
            await server.drop()
            reply = await ask_and_wait(server, DEAD_END)  # waits for the bot to come back
            assert "¶4" in reply["embeds"][0]["description"]
            assert server.resumes + server.identifies >= 2

    run(body())


def test_load_200_asks_from_50_users(point_at: Any, answerer: Answerer) -> None:
    users, per_user = 50, 4
    questions = [DEAD_END, "Lukashenko", "Who would welcome Chinese investment?", "hello"]
    for question in questions:  # the model started and the essay's vectors made, as
        answerer.ask(question)  # `essaybot discord` has them before it connects

    async def body() -> None:
        async with running(point_at, answerer, cooldown_rate=3, cooldown_seconds=60) as (server, _):
            burst = [
                ask(questions[i % 4], user_id=f"4100000000000{u:05d}")
                for i in range(per_user)
                for u in range(users)
            ]
            sent_at = {}
            for interaction in burst:
                sent_at[interaction["id"]] = time.monotonic()
                await server.dispatch("INTERACTION_CREATE", interaction)
            first = await server.wait_for(
                lambda r: r.path.startswith("interactions/"), count=len(burst), timeout=60
            )
            by_id = {r.path.split("/")[1]: r for r in first}
            assert set(by_id) == set(sent_at)  # every interaction got its initial response
            deferred = [i for i in burst if by_id[i["id"]].body["type"] == 5]
            refused = [i for i in burst if by_id[i["id"]].body["type"] == 4]
            assert len(deferred) == users * 3 and len(refused) == users  # the rule: 3 a minute
            for interaction in refused:
                assert by_id[interaction["id"]].body["data"]["flags"] == 64
            answered = await server.wait_for(
                lambda r: r.path.startswith("webhooks/"), count=len(deferred), timeout=60
            )
            assert {r.path.split("/")[2] for r in answered} == {i["token"] for i in deferred}
            slowest = max(by_id[i].at - sent_at[i] for i in sent_at)
            print(
                f"\nload: {len(burst)} interactions, slowest first response {slowest * 1000:.0f} ms"
            )

    run(body())


def test_main_with_a_rejected_token_is_one_line(
    point_at: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    async def body() -> None:
        server = fake.FakeDiscord()
        server.reject_token = True
        await server.start()
        point_at(server)
        try:
            monkeypatch.setenv("ESSAYBOT_DISCORD_TOKEN", fake.TOKEN)
            code = await asyncio.to_thread(main, ["discord", "--seeds", str(SEEDS)])
        finally:
            await server.stop()
        assert code == 2

    run(body())
    out, err = capsys.readouterr()
    assert err.strip().splitlines()[-1] == f"essaybot: {BAD_TOKEN}"
    assert fake.TOKEN not in out + err


@pytest.mark.parametrize(
    ("code", "known"),
    [(4010, True), (4011, True), (4012, True), (4013, True), (4014, True), (4012, False)],
)
def test_a_gateway_refusing_the_identify_is_one_line(
    point_at: Any,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    code: int,
    known: bool,
) -> None:
    """Each code essaybot has advice for is that advice; one it has none for (not `known`: a
    code Discord adds later; 4012 had been a traceback, red-team round 19, D10) is one line
    naming the code."""
    if not known:
        monkeypatch.delitem(REFUSALS, code)

    async def body() -> None:
        server = fake.FakeDiscord()
        server.close_on_identify = code
        await server.start()
        point_at(server)
        try:
            monkeypatch.setenv("ESSAYBOT_DISCORD_TOKEN", fake.TOKEN)
            assert await asyncio.to_thread(main, ["discord", "--seeds", str(SEEDS)]) == 2
        finally:
            await server.stop()

    run(body())
    out, err = capsys.readouterr()
    said = REFUSALS[code] if known else CLOSED.format(code=code)
    assert err.strip().splitlines()[-1] == f"essaybot: {said}"
    assert "Traceback" not in err and fake.TOKEN not in out + err


def test_a_token_with_a_line_break_is_refused_before_it_reaches_a_header(
    answerer: Answerer,
) -> None:
    settings = Settings(_env_file=None, discord_token="abc.def\nghi-secretpart")
    with pytest.raises(SettingsError) as error:
        run_bot(settings, answerer, sync=False)
    assert str(error.value) == MALFORMED_TOKEN and "secretpart" not in str(error.value)


def test_a_malformed_gateway_event_is_dropped_and_the_bot_goes_on(
    point_at: Any, answerer: Answerer, caplog: pytest.LogCaptureFixture
) -> None:
    async def body() -> None:
        async with running(point_at, answerer) as (server, bot):
            await server.dispatch("MESSAGE_CREATE", None)  # type: ignore[arg-type]
            await server.dispatch("MESSAGE_CREATE", {"id": "1", "channel_id": "2"})  # no author
            # a null content, or a text display's in a DM (red-team round 21): not text
            await server.dispatch("MESSAGE_CREATE", fake.message(None))  # type: ignore[arg-type]
            direct = fake.message("", channel_id="300000000000000099")
            del direct["guild_id"], direct["member"]
            direct["components"] = [{"type": 17, "components": [{"type": 10, "content": None}]}]
            await server.dispatch("MESSAGE_CREATE", direct)
            nobody = ask(DEAD_END)
            del nobody["member"]  # neither member nor user: no one to answer
            await server.dispatch("INTERACTION_CREATE", nobody)
            # in a server, a user but no member: discord.py reads none (red-team round 27)
            forged = ask(DEAD_END)
            forged["user"] = forged.pop("member")["user"]
            await server.dispatch("INTERACTION_CREATE", forged)
            asked = ask(DEAD_END)
            await server.dispatch("INTERACTION_CREATE", asked)
            await server.wait_for(followups(asked))
            assert not bot.is_closed()
            assert not [r for r in server.requests if callbacks(server, nobody)(r)]
            assert not [r for r in server.requests if callbacks(server, forged)(r)]

    with caplog.at_level(logging.WARNING):
        run(body())
    assert "dropped a malformed MESSAGE_CREATE event" in caplog.text
    assert caplog.text.count("dropped a malformed MESSAGE_CREATE event (TypeError)") == 2
    assert caplog.text.count("dropped a malformed INTERACTION_CREATE event (KeyError)") == 2
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_development_guild_essaybot_is_not_in_is_one_line_naming_the_setting(
    point_at: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    async def body() -> None:
        server = fake.FakeDiscord()
        await server.start()
        point_at(server)
        try:
            monkeypatch.setenv("ESSAYBOT_DISCORD_TOKEN", fake.TOKEN)
            monkeypatch.setenv("ESSAYBOT_GUILD_ID", "123456789012345678")  # a typo, an old one
            code = await asyncio.to_thread(main, ["discord", "--seeds", str(SEEDS)])
        finally:
            await server.stop()
        assert code == 2

    run(body())
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("essaybot: ESSAYBOT_GUILD_ID 123456789012345678: Discord refused")
    assert "Missing Access" in err[-1] and "Traceback" not in "\n".join(err)


def test_main_without_a_token(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("ESSAYBOT_DISCORD_TOKEN", raising=False)
    monkeypatch.chdir(SEEDS.parent / "tests")  # no .env here
    assert main(["discord", "--seeds", str(SEEDS)]) == 2
    err = capsys.readouterr().err
    assert "ESSAYBOT_DISCORD_TOKEN is not set" in err and "developers/applications" in err


def test_essaybot_discord_in_its_own_process(point_at: Any) -> None:
    """`essaybot discord` itself: logs in, syncs to the guild, answers, stops on SIGTERM."""

    async def body() -> None:
        server = fake.FakeDiscord()
        await server.start()
        process = await server.launch(str(SEEDS))
        try:
            (put,) = await server.wait_for(lambda r: r.method == "PUT", timeout=30)
            assert put.path.endswith(f"guilds/{fake.GUILD_ID}/commands")
            reply = await ask_and_wait(server, DEAD_END)
            assert "¶4" in reply["embeds"][0]["description"]
            process.send_signal(signal.SIGTERM)
            out, err = await asyncio.wait_for(process.communicate(), 30)
        finally:
            if process.returncode is None:
                process.kill()
            await server.stop()
        logs = err.decode()
        assert process.returncode == 0, logs
        assert "SIGTERM received: closing" in logs and "synced 6 commands to guild" in logs
        assert fake.TOKEN not in logs + out.decode()
        assert fake.TOKEN.split(".")[0] not in logs

    run(body())


# Once took seconds to render; it asks something ("why"), so it is answered, not hinted at.
ADVERSARIAL = "[" * (MAX_QUESTION // 2) + "](" * (MAX_QUESTION // 4 - 2) + "why?"


def replies(r: Any) -> bool:
    return r.method == "POST" and r.path == f"channels/{fake.CHANNEL_ID}/messages"


def test_an_over_long_mention_is_refused_before_any_work(point_at: Any, answerer: Answerer) -> None:
    counted, asked = counting(answerer)

    async def body() -> None:
        async with running(point_at, counted, cooldown_rate=2, cooldown_seconds=60) as (server, _):
            long = fake.message(f"<@{fake.BOT_ID}> " + "[" * 2000 + "](" * 1000)
            await server.dispatch("MESSAGE_CREATE", long)
            (refusal,) = await server.wait_for(replies)
            assert refusal.body["content"].startswith(f"Please keep questions to {MAX_QUESTION}")
            assert "4,000" in refusal.body["content"] and not refusal.body.get("embeds")
            assert asked == []
            ok = fake.message(f"<@{fake.BOT_ID}> " + "x" * (MAX_QUESTION - 11) + " Lukashenko")
            await server.dispatch("MESSAGE_CREATE", ok)  # the refusal, a post, used one of two
            answered = (await server.wait_for(replies, count=2))[1]
            assert answered.body["embeds"] and len(asked) == 1

    run(body())


def test_ask_is_deferred_while_mentions_are_answered(
    point_at: Any, answerer: Answerer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two users' adversarial mentions are held inside the renderer; a third user's /ask
    must still get its defer, so the event loop is free while they are answered."""
    inside, release = threading.Event(), threading.Event()
    threads: list[str] = []
    real = discord_bot._answers.answer_message

    def held(answer: Any, *, with_document: bool) -> Any:
        threads.append(threading.current_thread().name)
        if answer.question.startswith("["):
            inside.set()
            assert release.wait(30)
        return real(answer, with_document=with_document)

    monkeypatch.setattr(discord_bot._answers, "answer_message", held)  # where it is looked up

    async def body() -> None:
        async with running(point_at, answerer) as (server, _):
            for user in ("400000000000000011", "400000000000000012"):
                for _ in range(3):  # the default cooldown lets each ask three times
                    mention = fake.message(f"<@{fake.BOT_ID}> {ADVERSARIAL}", author_id=user)
                    await server.dispatch("MESSAGE_CREATE", mention)
            assert await asyncio.to_thread(inside.wait, 30)
            interaction = ask(DEAD_END, user_id="400000000000000013")
            await server.dispatch("INTERACTION_CREATE", interaction)
            (defer,) = await server.wait_for(callbacks(server, interaction))
            assert defer.body["type"] == 5
            assert not [r for r in server.requests if replies(r)]  # all still being answered
            release.set()
            answered = await server.wait_for(replies, count=6)
            for reply in answered:
                assert reply.body["embeds"][0]["title"].startswith("\\[\\[")
            await server.wait_for(followups(interaction))

    try:
        run(body())
    finally:
        release.set()
    assert len(threads) == 7 and all(name.startswith("answer") for name in threads)


def big_corpus(essays: int = 1000) -> list[Document]:
    """Essays of five one-paragraph sections each."""
    return [
        Document(
            f"Essay {d}",
            f"essay-{d}",
            tuple(
                Section(f"Part {s} of essay {d}", (f"Essay {d}, part {s}: word{d}x{s}.",))
                for s in range(5)
            ),
        )
        for d in range(essays)
    ]


@pytest.fixture(scope="module")
def big_answerer() -> Answerer:
    """An answerer over 1,000 essays (5,000 sections)."""
    return answerer_for(PassageIndex(big_corpus()))


def test_sections_on_a_big_corpus_is_one_private_message_with_pages(
    point_at: Any, big_answerer: Answerer
) -> None:
    async def body() -> None:
        async with running(point_at, big_answerer, cooldown_rate=1, cooldown_seconds=60) as (
            server,
            bot,
        ):
            toc = fake.interaction("sections", [])
            await server.dispatch("INTERACTION_CREATE", toc)
            (shown,) = await server.wait_for(callbacks(server, toc))
            data = shown.body["data"]
            assert shown.body["type"] == 4 and data["flags"] == 64
            first_page = data["embeds"][0]["description"]
            assert first_page.startswith("**Essay 0** (5 paragraphs)\n1. Part 0 of essay 0 — 1 ¶")
            buttons = [b for row in data["components"] for b in row["components"]]
            pages = len(bot.contents_pages)
            assert [b["label"] for b in buttons] == ["Previous", f"1 / {pages}", "Next"]
            assert buttons[0]["disabled"] and not buttons[2].get("disabled")
            press = fake.button_press(buttons[2]["custom_id"], server.responses[toc["id"]])
            await server.dispatch("INTERACTION_CREATE", press)
            (turned,) = await server.wait_for(callbacks(server, press))
            assert turned.body["type"] == 7  # the same message, updated in place
            page_two = turned.body["data"]
            assert page_two["embeds"] == [e.to_dict() for e in to_embeds(bot.contents_pages[1])]
            labels = [b["label"] for row in page_two["components"] for b in row["components"]]
            assert labels == ["Previous", f"2 / {pages}", "Next"]
            for _ in range(PAGE_TURNS - 1):  # as many turns as allowed, then one more
                press = fake.button_press(buttons[2]["custom_id"], server.responses[toc["id"]])
                await server.dispatch("INTERACTION_CREATE", press)
                (turned,) = await server.wait_for(callbacks(server, press))
                assert turned.body["type"] == 7
            press = fake.button_press(buttons[2]["custom_id"], server.responses[toc["id"]])
            await server.dispatch("INTERACTION_CREATE", press)
            (refused,) = await server.wait_for(callbacks(server, press))
            assert refused.body["type"] == 4 and refused.body["data"]["flags"] == 64
            assert "please try again in" in refused.body["data"]["content"]
            again = fake.interaction("sections", [])
            await server.dispatch("INTERACTION_CREATE", again)
            (refusal,) = await server.wait_for(callbacks(server, again))
            assert "please try again in" in refusal.body["data"]["content"]
            assert refusal.body["data"]["flags"] == 64
            sent = [r for r in server.requests if r.path.startswith(("webhooks/", "channels/"))]
            assert sent == []  # no follow-up and no public message: one message, paged
            assert pages > 20


def test_contents_pages_turn_after_a_restart(point_at: Any, big_answerer: Answerer) -> None:
    """The buttons name the page they show, so a bot started since still turns them."""

    async def body() -> None:
        async with running(point_at, big_answerer) as (server, _):
            toc = fake.interaction("sections", [])
            await server.dispatch("INTERACTION_CREATE", toc)
            await server.wait_for(callbacks(server, toc))
            message = server.responses[toc["id"]]
        async with running(point_at, big_answerer) as (server, bot):  # a new process's state
            buttons = [b for row in message["components"] for b in row["components"]]
            press = fake.button_press(buttons[2]["custom_id"], message)
            await server.dispatch("INTERACTION_CREATE", press)
            (turned,) = await server.wait_for(callbacks(server, press))
            assert turned.body["type"] == 7
            page = turned.body["data"]
            assert page["embeds"] == [e.to_dict() for e in to_embeds(bot.contents_pages[1])]
            buttons = [b for row in page["components"] for b in row["components"]]
            assert not buttons[0].get("disabled") and buttons[1]["disabled"]
            back = fake.button_press(buttons[0]["custom_id"], server.message(page))
            await server.dispatch("INTERACTION_CREATE", back)
            (first,) = await server.wait_for(callbacks(server, back))
            assert first.body["data"]["embeds"][0] == to_embeds(bot.contents_pages[0])[0].to_dict()

    run(body())

    run(body())


def test_next_pressed_twice_turns_the_page_twice(point_at: Any, big_answerer: Answerer) -> None:
    """The second press of Next arrives with the message its first press turned, which no
    longer has that button: it is answered too, with the page it names (red-team round 8:
    discord.py dropped it, and the user saw "This interaction failed")."""

    async def body() -> None:
        async with running(point_at, big_answerer, cooldown_rate=5) as (server, bot):
            toc = fake.interaction("sections", [])
            await server.dispatch("INTERACTION_CREATE", toc)
            await server.wait_for(callbacks(server, toc))
            message = server.responses[toc["id"]]
            next_id = [b for row in message["components"] for b in row["components"]][2]
            first = fake.button_press(next_id["custom_id"], message)
            await server.dispatch("INTERACTION_CREATE", first)
            (turned,) = await server.wait_for(callbacks(server, first))
            page = server.message(turned.body["data"])
            second = fake.button_press(next_id["custom_id"], page)
            await server.dispatch("INTERACTION_CREATE", second)
            (again,) = await server.wait_for(callbacks(server, second), timeout=15)
            assert again.body["type"] == 7
            shown = again.body["data"]["embeds"]
            assert shown == [e.to_dict() for e in to_embeds(bot.contents_pages[1])]

    run(body())


def test_40_keystrokes_on_a_big_corpus(point_at: Any, big_answerer: Answerer) -> None:
    async def body() -> None:
        async with running(point_at, big_answerer) as (server, _):
            typed = ["", "e", "es", "part 3", "essay 99", "of essay 7", "zzz"] * 6
            keystrokes = [
                fake.interaction(
                    "section",
                    [{"name": "name", "type": 3, "value": t, "focused": True}],
                    autocomplete=True,
                )
                for t in typed[:40]
            ]
            for keystroke in keystrokes:
                await server.dispatch("INTERACTION_CREATE", keystroke)
            for keystroke, t in zip(keystrokes, typed, strict=False):
                (answer,) = await server.wait_for(callbacks(server, keystroke))
                names = [c["name"] for c in answer.body["data"]["choices"]]
                assert len(names) == (0 if t == "zzz" else 25)
                assert all(t in n.casefold() for n in names)
            (first,) = await server.wait_for(callbacks(server, keystrokes[4]))
            names = [c["name"] for c in first.body["data"]["choices"]]
            assert names[:5] == [
                f"Essay 99: Part {s} of essay 99" for s in range(5)
            ]  # prefixes first

    run(body())


def test_commands_are_installable_to_users_and_usable_everywhere(
    point_at: Any, answerer: Answerer
) -> None:
    async def body() -> None:
        async with running(point_at, answerer, sync=True) as (server, _):
            (put,) = [r for r in server.requests if r.method == "PUT"]
            for command in put.body:
                assert sorted(command["integration_types"]) == [0, 1], command["name"]
                assert sorted(command["contexts"]) == [0, 1, 2], command["name"]

    run(body())


def test_questions_asked_in_discord_reach_the_question_log(
    point_at: Any, answerer: Answerer, tmp_path: Path
) -> None:
    question_log = QuestionLog(tmp_path / "log.sqlite3", retention_days=30)

    async def body() -> None:
        async with running(point_at, answerer, question_log=question_log) as (server, _):
            await ask_and_wait(server, DEAD_END)
            await ask_and_wait(server, "What is the weather in Minsk today?")

    run(body())
    (gap,) = question_log.gaps()  # the answered question is logged but is no gap
    assert gap.question == "What is the weather in Minsk today?" and gap.declined
    raw = (tmp_path / "log.sqlite3").read_bytes()
    assert DEAD_END.encode() in raw
    assert b"400000000000000001" not in raw  # the asker, stored only as a salted hash


def test_an_answer_is_sent_unlogged_when_the_question_log_is_locked(
    point_at: Any, answerer: Answerer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    question_log = QuestionLog(tmp_path / "log.sqlite3", retention_days=30)
    other = sqlite3.connect(question_log.path, isolation_level=None)  # a backup, a shell

    async def body() -> None:
        async with running(point_at, answerer, question_log=question_log) as (server, _):
            other.execute("BEGIN EXCLUSIVE")
            try:
                sent = await ask_and_wait(server, DEAD_END)
            finally:
                other.execute("ROLLBACK")
            assert sent["embeds"][0]["title"] == DEAD_END  # the answer, not an apology

    with caplog.at_level(logging.WARNING):
        run(body())
    other.close()
    assert "could not log a question" in caplog.text


def test_context_menus_ask_about_a_message_and_find_its_source(
    point_at: Any, answerer: Answerer
) -> None:
    async def body() -> None:
        async with running(point_at, answerer, sync=True) as (server, _):
            (put,) = [r for r in server.requests if r.method == "PUT"]
            menus = {c["name"] for c in put.body if c.get("type") == 3}
            assert menus == {"Ask essaybot", "Find the source"}
            quotation = "the accustomed format of Russia-Belarus relations represents a dead end"
            for name, content, expected in [
                ("Ask essaybot", DEAD_END, "> With that in mind"),
                ("Find the source", quotation, 'Word for word from *"Choosing between bad'),
                ("Find the source", "Belarus joins the EU in May.", "The essays don't say this"),
            ]:
                interaction = fake.message_command(name, content)
                await server.dispatch("INTERACTION_CREATE", interaction)
                (callback,) = await server.wait_for(callbacks(server, interaction))
                assert callback.body["type"] == 5 and callback.body["data"]["flags"] == 64
                (followup,) = await server.wait_for(followups(interaction))
                assert followup.returned["flags"] == 64  # only the one who asked sees it
                assert followup.body["allowed_mentions"] == NONE
                assert expected in followup.body["embeds"][0]["description"]

    run(body())


def test_ask_essaybot_on_essaybots_own_message_is_a_hint_not_an_answer(
    point_at: Any, answerer: Answerer
) -> None:
    """Red-team round 24 (F10): "Ask essaybot" on essaybot's decline asked its text again and
    "answered" it with a quote about Minsk, which the decline had said was not covered."""

    async def body() -> None:
        async with running(point_at, answerer) as (server, _):
            declined = "**What is the weather in Minsk today?**\nThe essays don't cover this."
            interaction = fake.message_command("Ask essaybot", declined)
            target = next(iter(interaction["data"]["resolved"]["messages"].values()))
            target["author"] = fake.BOT_USER
            await server.dispatch("INTERACTION_CREATE", interaction)
            (callback,) = await server.wait_for(callbacks(server, interaction))
            assert callback.body["type"] == 4 and callback.body["data"]["flags"] == 64
            assert callback.body["data"]["content"] == OWN_ANSWER
            await asyncio.sleep(0.5)
            assert not [r for r in server.requests if followups(interaction)(r)]

    run(body())
