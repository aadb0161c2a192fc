"""The answers' buttons and follow-ups, end to end: the real client against the fake Discord."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from bot.answering import Answerer
from bot.cli import main
from bot.discord_bot._buttons import ALREADY, FORM, FORM_QUESTION, OLDER, THANKS
from bot.discord_bot._client import OLD_BUTTON
from bot.question_log import QuestionLog
from index import PassageIndex, load_documents
from tests import fake_discord as fake
from tests.fake_discord import Request
from tests.helpers import ORCHARDS, answerer_for
from tests.test_discord import DEAD_END, NONE, ask, callbacks, followups, point_at, run, running

pytestmark = pytest.mark.slow
__all__ = ["point_at"]  # the fixture, shared with test_discord

EPHEMERAL = 64
PUBLISHED = "https://example.org/orchards"


async def answer_of(server: fake.FakeDiscord, question: str, **kwargs: Any) -> dict[str, Any]:
    """/ask `question`; the answer message Discord created for the follow-up."""
    interaction = ask(question, **kwargs)
    await server.dispatch("INTERACTION_CREATE", interaction)
    (followup,) = await server.wait_for(followups(interaction))
    assert followup.body["allowed_mentions"] == NONE
    return followup.returned  # type: ignore[no-any-return]


def buttons(message: dict[str, Any]) -> dict[str, str]:
    """Each button's label (or emoji) and custom id."""
    found = [b for row in message["components"] for b in row["components"]]
    return {b.get("label") or b["emoji"]["name"]: b["custom_id"] for b in found}


async def press(
    server: fake.FakeDiscord, custom_id: str, message: dict[str, Any], **kwargs: Any
) -> tuple[Request, Request | None]:
    """Press a button; the first response (checked to come before anything else the press
    sent) and, after a defer, the follow-up."""
    pressed = fake.button_press(custom_id, message, **kwargs)
    await server.dispatch("INTERACTION_CREATE", pressed)
    (callback,) = await server.wait_for(callbacks(server, pressed))
    assert callback.body["type"] in (4, 5, 9)  # a message, "thinking…" or a form: at once
    if callback.body["type"] != 5:
        return callback, None
    (followup,) = await server.wait_for(followups(pressed))
    assert followup.at >= callback.at and followup.body["allowed_mentions"] == NONE
    return callback, followup


@pytest.fixture
def published(tmp_path: Path) -> Answerer:
    """Answers from an essay published at PUBLISHED (its quotes carry deep links)."""
    folder = tmp_path / "published"
    folder.mkdir()
    front = 'title: "Keeping an Orchard"'
    text = ORCHARDS.replace(front, f"{front}\nurl: {PUBLISHED}")
    (folder / "orchards.md").write_text(text, encoding="utf-8")
    return answerer_for(PassageIndex(load_documents(folder)))


def test_an_answer_carries_its_deep_link_and_buttons_that_answer_privately(
    point_at: Any, published: Answerer, tmp_path: Path
) -> None:
    question_log = QuestionLog(tmp_path / "log.sqlite3", retention_days=30)

    async def body() -> None:
        limits = {"cooldown_rate": 10, "cooldown_seconds": 60}  # six presses by one user
        async with running(point_at, published, question_log=question_log, **limits) as (
            server,
            _,
        ):
            answer = await answer_of(server, "When should apple trees be pruned?")
            description = answer["embeds"][0]["description"]
            assert f"]({PUBLISHED}#:~:text=Prune%20apple%20trees" in description
            ids = buttons(answer)
            assert list(ids) == ["In context", "More", "Ask a follow-up", "👍", "👎"]
            assert all(len(i) <= 100 for i in ids.values())
            shown, context = await press(server, ids["In context"], answer)
            assert shown.body["data"]["flags"] == EPHEMERAL and context is not None
            (paragraph,) = context.body["embeds"]
            assert paragraph["title"] == '"Pruning", ¶1'
            assert paragraph["description"] == (  # the quote and the rest of its paragraph
                "Prune apple trees in winter, when they are dormant. "
                "Remove crossing branches first."
            )
            assert context.returned["flags"] == EPHEMERAL
            _, more = await press(server, ids["More"], answer)
            assert more is not None and more.returned["flags"] == EPHEMERAL
            titles = [e["title"] for e in more.body["embeds"]]
            assert titles == ['"Planting", ¶1', '"Planting", ¶2']  # ranked after the quote
            _, thanks = await press(server, ids["👎"], answer)
            assert thanks is not None and thanks.body["content"] == THANKS
            _, again = await press(server, ids["👍"], answer)  # the same user, the same answer
            assert again is not None and again.body["content"] == ALREADY
            assert again.returned["flags"] == EPHEMERAL
            _, other = await press(server, ids["👍"], answer, user_id="400000000000000777")
            assert other is not None and other.body["content"] == THANKS
            form, _ = await press(server, ids["Ask a follow-up"], answer)
            assert form.body["type"] == 9 and form.body["data"]["custom_id"] == FORM
            (label,) = form.body["data"]["components"]
            assert label["component"]["custom_id"] == FORM_QUESTION

    run(body())
    (voted,) = question_log.gaps()
    assert voted.question == "When should apple trees be pruned?" and voted.down_votes == 1


def test_buttons_work_after_a_restart_and_know_when_the_essays_changed(
    point_at: Any, answerer: Answerer, published: Answerer
) -> None:
    quotes = answerer.ask(DEAD_END).quotes
    assert quotes[0].passage.section == "Choosing between bad and bad"

    async def body() -> None:
        async with running(point_at, answerer) as (server, _):
            answer = await answer_of(server, DEAD_END)
        assert "👍" not in buttons(answer)  # no question log: no votes to record
        async with running(point_at, answerer) as (server, _):  # a new process, same essays
            _, context = await press(server, buttons(answer)["In context"], answer)
            assert context is not None
            # every paragraph the answer quotes, whole, in the answer's order
            quoted = [f'"{q.passage.section}", ¶{q.passage.paragraph}' for q in quotes]
            assert [e["title"] for e in context.body["embeds"]] == list(dict.fromkeys(quoted))
            assert context.body["embeds"][0]["description"].startswith("With that in mind")
        async with running(point_at, published) as (server, _):  # other essays now
            refused, _ = await press(server, buttons(answer)["More"], answer)
            assert refused.body["type"] == 4 and refused.body["data"]["content"] == OLDER
            assert refused.body["data"]["flags"] == EPHEMERAL

    run(body())


def test_the_cooldown_applies_to_presses(point_at: Any, answerer: Answerer) -> None:
    async def body() -> None:
        async with running(point_at, answerer, cooldown_rate=1, cooldown_seconds=60) as (server, _):
            answer = await answer_of(server, DEAD_END)
            await press(server, buttons(answer)["In context"], answer)
            refused, _ = await press(server, buttons(answer)["More"], answer)
            assert refused.body["type"] == 4 and refused.body["data"]["flags"] == EPHEMERAL
            assert "try again in" in refused.body["data"]["content"]
            _, more = await press(server, buttons(answer)["More"], answer, user_id="400000000009")
            assert more is not None and more.body["embeds"]  # others may

    run(body())


def test_feedback_and_unanswered_questions_reach_essaybot_gaps(
    point_at: Any, answerer: Answerer, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "questions.sqlite3"  # where `essaybot gaps` looks in the tests
    question_log = QuestionLog(path, retention_days=30)

    async def body() -> None:
        async with running(point_at, answerer, question_log=question_log) as (server, _):
            answer = await answer_of(server, DEAD_END)
            await press(server, buttons(answer)["👎"], answer)
            await answer_of(server, "What is the weather in Minsk today?")

    run(body())
    question_log.close()
    capsys.readouterr()
    assert main(["gaps"]) == 0
    out = capsys.readouterr().out
    assert "1 asked, 1 not answered: minsk, today, weather" in out
    assert "1 asked, 0 not answered, 1 voted down" in out and DEAD_END in out


def test_a_burst_of_150_presses_from_50_users_each_gets_its_first_response(
    point_at: Any, answerer: Answerer, tmp_path: Path
) -> None:
    question_log = QuestionLog(tmp_path / "log.sqlite3", retention_days=30)

    async def body() -> None:
        async with running(point_at, answerer, question_log=question_log) as (server, bot):
            answer = await answer_of(server, DEAD_END)
            ids = buttons(answer)
            burst = [
                fake.button_press(ids[label], answer, user_id=f"4200000000000{u:05d}")
                for label in ("In context", "More", "👍")
                for u in range(50)
            ]
            sent_at = {}
            for pressed in burst:
                sent_at[pressed["id"]] = time.monotonic()
                await server.dispatch("INTERACTION_CREATE", pressed)
            first = await server.wait_for(
                lambda r: r.path.startswith("interactions/") and r.path.split("/")[1] in sent_at,
                count=len(burst),
                timeout=60,
            )
            assert {r.body["type"] for r in first} == {5}  # each deferred: "thinking…"
            assert {r.body["data"]["flags"] for r in first} == {EPHEMERAL}
            tokens = {p["token"] for p in burst}
            answered = await server.wait_for(
                lambda r: r.path.startswith("webhooks/") and r.path.split("/")[2] in tokens,
                count=len(burst),
                timeout=60,
            )
            assert sum(r.body.get("content") == THANKS for r in answered) == 50
            assert sum(bool(r.body.get("embeds")) for r in answered) == 100
            await press(server, ids["Ask a follow-up"], answer)  # a form, not kept either
            store = bot._connection._view_store  # discord.py's: nothing kept per message
            assert not store._views and not store._synced_message_views and not store._modals
            slowest = max(r.at - sent_at[r.path.split("/")[1]] for r in first)
            print(f"\npresses: {len(burst)}, slowest first response {slowest * 1000:.0f} ms")

    run(body())
    question_log.close()
    with sqlite3.connect(tmp_path / "log.sqlite3") as db:  # every vote reached the file
        assert db.execute("SELECT COUNT(*), SUM(up) FROM votes").fetchone() == (50, 50)


def test_a_press_in_flight_at_shutdown_gets_the_grace_period(
    point_at: Any, answerer: Answerer
) -> None:
    """An In context press deferred ("thinking…") when SIGTERM comes is waited for, as an
    /ask is; Discord takes 1 s to accept its passages, within the grace period."""

    async def body() -> None:
        async with running(point_at, answerer, shutdown_grace_seconds=6) as (server, bot):
            answer = await answer_of(server, DEAD_END)
            pressed = fake.button_press(buttons(answer)["In context"], answer)
            hold = server.hold(fake.original(pressed["token"]))
            await server.dispatch("INTERACTION_CREATE", pressed)

            def passages(r: Request) -> bool:
                return followups(pressed)(r) and bool(r.body.get("embeds"))

            (sent,) = await server.wait_for(passages)  # on its way, held
            closing = asyncio.create_task(bot.shutdown("SIGTERM"))
            await asyncio.sleep(1.0)
            assert not bot.is_closed()  # waiting for the press
            hold.set()
            await asyncio.wait_for(closing, 10)
            assert sent not in server.abandoned
            assert not [
                r for r in server.requests if followups(pressed)(r) and r.body.get("content")
            ]

    run(body())


@pytest.mark.slow
def test_votes_waiting_on_a_log_held_elsewhere_leave_section_its_3_seconds(
    point_at: Any, answerer: Answerer, tmp_path: Path
) -> None:
    """An admin's sqlite3 shell holds the question log while readers press 👍: sixty votes,
    each waiting on SQLite in the loop's default thread pool, had kept /section (which
    looks its name up in that pool before its first response) waiting 27 s, past Discord's
    3 (red-team round 4). Votes now write in a thread of their own."""
    path = tmp_path / "log.sqlite3"
    question_log = QuestionLog(path, retention_days=30)

    async def body() -> None:
        async with running(point_at, answerer, question_log=question_log, cooldown_rate=5) as (
            server,
            _,
        ):
            asked = ask(DEAD_END)
            await server.dispatch("INTERACTION_CREATE", asked)
            (posted,) = await server.wait_for(followups(asked))
            vote = buttons(posted.returned)["👍"]
            holder = sqlite3.connect(path, isolation_level=None)
            holder.execute("BEGIN EXCLUSIVE")  # another program holds the log
            try:
                for n in range(60):
                    pressed = fake.button_press(
                        vote, posted.returned, user_id=f"40100000000000{n:04d}"
                    )
                    await server.dispatch("INTERACTION_CREATE", pressed)
                await asyncio.sleep(0.3)
                shown = fake.interaction(
                    "section",
                    [{"name": "name", "type": 3, "value": "#0.1"}],
                    user_id="400000000000000999",
                )
                sent = time.monotonic()
                await server.dispatch("INTERACTION_CREATE", shown)
                (first,) = await server.wait_for(callbacks(server, shown), timeout=60)
            finally:
                holder.execute("ROLLBACK")
                holder.close()
            assert first.at - sent < 3.0

    run(body())
    question_log.close()


@pytest.mark.parametrize("custom_id", ["9f2c4e1a7b3d4c5e8f9a0b1c2d3e4f50", "ctx:not-ours"])
def test_a_press_on_a_button_no_button_of_this_version_has_is_answered(
    point_at: Any, answerer: Answerer, custom_id: str
) -> None:
    async def body() -> None:
        async with running(point_at, answerer) as (server, _):
            answer = await answer_of(server, "Who would welcome Chinese investment?")
            callback, _ = await press(server, custom_id, answer)  # an older essaybot's id
            assert callback.body["type"] == 4 and callback.body["data"]["flags"] == EPHEMERAL
            assert callback.body["data"]["content"] == OLD_BUTTON

    run(body())
