"""What the answers' buttons carry and show, and how follow-ups are read (no Discord)."""

from __future__ import annotations

import re
import textwrap
from dataclasses import replace
from pathlib import Path
from typing import Any

import discord
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.answer_buttons import (
    CUSTOM_ID_CHARS,
    MORE_PASSAGES,
    PassageKeys,
    context_message,
    more_message,
)
from bot.answering import Answerer
from bot.discord_bot import EssayBot, to_embeds
from bot.discord_bot._answers import make_reply
from bot.discord_bot._buttons import KEYS_AFTER, answer_view
from bot.discord_bot._follow_ups import may_thread
from bot.embeds import (
    DESCRIPTION_CHARS,
    EMBEDS_PER_MESSAGE,
    FOOTER,
    FOOTER_CHARS,
    MESSAGE_CHARS,
    TITLE_CHARS,
    EmbedSpec,
)
from bot.follow_up import (
    STAND_ALONE_TERMS,
    asked_as,
    read_with,
    shown_as_follow_up,
    stands_alone,
    unescaped,
)
from bot.markup import bidi_closed, escape
from bot.question_log import QuestionLog
from bot.settings import Settings
from index import Document, Passage, PassageIndex, Section, load_documents
from tests.helpers import ROOT

DEAD_END = "Why is the current format of Russia-Belarus relations a dead end?"


def within_limits(specs: list[EmbedSpec]) -> bool:
    return (
        len(specs) <= EMBEDS_PER_MESSAGE
        and sum(map(len, specs)) <= MESSAGE_CHARS
        and all(
            len(s.title) <= TITLE_CHARS
            and len(s.description) <= DESCRIPTION_CHARS
            and len(s.footer) <= FOOTER_CHARS
            for s in specs
        )
    )


def test_keys_name_the_quoted_and_the_next_ranked_passages(answerer: Answerer) -> None:
    keys = PassageKeys(answerer.index)
    answer = answerer.ask(DEAD_END)
    carried = keys.for_answer(answer, 7, KEYS_AFTER)
    quoted = keys.find(".".join(carried.quoted))
    assert quoted is not None
    assert [p.id for p in quoted] == list(dict.fromkeys(q.passage.id for q in answer.quotes))
    following = keys.find(".".join(carried.following))
    assert following is not None and len(following) == MORE_PASSAGES
    ranked = [h.passage.id for h in answer.hits if h.passage not in quoted]
    assert [p.id for p in following] == ranked[:MORE_PASSAGES]
    assert carried.question_id == 7


def test_a_changed_passage_or_a_bad_key_is_not_found(answerer: Answerer, tmp_path: Path) -> None:
    keys = PassageKeys(answerer.index)
    first = keys.key(answerer.index.passages[0])
    changed = [replace(d, sections=d.sections[::-1]) for d in answerer.index.documents]
    assert PassageKeys(PassageIndex(changed)).find(first) is None
    assert keys.find(first) == [answerer.index.passages[0]]
    # a key repeated (forged: red-team round 8 showed one paragraph nine times) names it once
    assert keys.find(".".join([first] * 9)) == [answerer.index.passages[0]]
    for bad in ["", "x-00", "99999-0000", f"{first}.", first.split("-")[0] + "-zzzz"]:
        assert keys.find(bad) is None


def test_keys_stop_before_a_custom_id_would_pass_100_characters(answerer: Answerer) -> None:
    keys = PassageKeys(answerer.index)
    answer = answerer.ask(DEAD_END)
    for prefix in (KEYS_AFTER, 80, 95, CUSTOM_ID_CHARS):
        carried = keys.for_answer(answer, None, prefix)
        for carried_keys in (carried.quoted, carried.following):
            assert prefix + len(".".join(carried_keys)) <= CUSTOM_ID_CHARS
    assert keys.for_answer(answer, None, CUSTOM_ID_CHARS).quoted == ()
    view = answer_view(keys.for_answer(answer, 2**63 - 1, KEYS_AFTER))  # SQLite's largest id
    items: list[Any] = view.children
    assert len(items) == 5
    for item in items:  # a press is recognised only by a custom id its template matches whole
        assert len(item.custom_id) <= CUSTOM_ID_CHARS
        assert item.template.fullmatch(item.custom_id)


def test_in_context_is_the_whole_of_a_split_paragraph() -> None:
    long = " ".join(f"Sentence number {n} about rivers." for n in range(120))
    document = Document("Rivers", "rivers", (Section("Flow", ("Short one.", long, "After.")),))
    index = PassageIndex([document], max_passage_words=100)
    parts = [p for p in index.passages if p.paragraph == 2]
    assert len(parts) > 2
    keys = PassageKeys(index)
    for part in parts:
        assert keys.paragraph(part) == long
    (shown,) = context_message(keys, [parts[1]], with_document=False)
    assert shown.title == '"Flow", ¶2' and shown.description.startswith("Sentence number 0 ")
    shown_three = context_message(keys, parts[:3], with_document=True)
    assert len(shown_three) == 3 and within_limits(shown_three)
    assert all(s.description.endswith("…") for s in shown_three)  # cut to fit one message
    assert keys.paragraph(index.passages[0]) == "Short one."


@given(st.lists(st.text(min_size=0, max_size=9000), min_size=1, max_size=MORE_PASSAGES))
def test_what_presses_show_fits_one_message(texts: list[str]) -> None:
    passages = [
        Passage(f"d/s/{n}", "D" * 300, "S" * 300, n, text) for n, text in enumerate(texts, 1)
    ]
    assert within_limits(more_message(passages, with_document=True))


@given(st.text(max_size=400), st.text(max_size=3000), st.text(max_size=5000))
def test_a_follow_up_answer_fits_its_limits(follow_up: str, earlier: str, body: str) -> None:
    specs = [EmbedSpec("T" * TITLE_CHARS, body[:DESCRIPTION_CHARS], "F" * 100)]
    shown = shown_as_follow_up(specs, follow_up, earlier)
    assert within_limits(shown) and shown[0].description == specs[0].description


def test_a_chain_of_follow_ups_keeps_every_answer_within_one_message() -> None:
    """Each follow-up's footer names the question before it, which named the one before."""
    specs = [EmbedSpec("Q", "> " + "quoted words " * 314, FOOTER)]  # a full description
    question = "What does Moscow want? " * 11
    for level in range(8):
        (shown,) = shown_as_follow_up(specs, f"And {level} " + "more " * 48, question)
        assert within_limits([shown]), level
        assert shown.footer.endswith(FOOTER)  # the earlier question is what is cut
        question = asked_as(shown.title, shown.footer)


@pytest.mark.parametrize(
    ("follow_up", "alone"),
    [
        ("Why?", False),  # no term at all
        ("And China?", False),  # one term
        ("What about the weather and dragons?", False),  # terms the essays never use
        ("What does Moscow want?", True),
        ("Who would welcome Chinese investment?", True),
    ],
)
def test_a_follow_up_stands_alone_with_two_essay_terms(
    answerer: Answerer, follow_up: str, alone: bool
) -> None:
    index = answerer.index
    assert STAND_ALONE_TERMS == 2
    assert stands_alone(follow_up, index) is alone
    read = read_with(follow_up, "Who would welcome Chinese investment?", index, 1000)
    assert read == (follow_up if alone else f"{follow_up} Who would welcome Chinese investment?")
    assert read_with(follow_up, "", index, 1000) == follow_up  # nothing to read it with


def test_a_short_follow_up_is_answered_from_the_earlier_question(answerer: Answerer) -> None:
    index = answerer.index
    alone = answerer.ask("And why?")
    read = answerer.ask(read_with("And why?", "Who would welcome Chinese investment?", index, 1000))
    assert not alone.answered and read.answered
    assert "would welcome Chinese investment" in read.quotes[0].text


# (A lone surrogate is sent as U+FFFD, so it does not come back: no JSON Discord reads
# holds one. A bidi control left open is shown closed, so it comes back closed.)
@given(
    st.text(
        alphabet=st.characters(blacklist_characters="\u200b", blacklist_categories=("Cs",)),
        max_size=300,
    )
)
def test_a_question_is_read_back_from_its_escaped_title(text: str) -> None:
    if "://" not in text:  # links are left unescaped, so a backslash in one stays
        assert unescaped(escape(text)) == bidi_closed(text)
        # the U+FFFD is inside what a bidi control left open: closed after it, at the line's
        # end (hypothesis found "\u202a" read back as "\u202a\ufffd\u202c", as it should be)
        assert unescaped(escape(text + "\ud800")) == bidi_closed(text + "\ufffd")


def test_a_follow_up_to_a_follow_up_keeps_the_first_question() -> None:
    specs = [EmbedSpec("Q", "> quote", FOOTER)]
    (first,) = shown_as_follow_up(specs, "And *Minsk*?", "What does Moscow want?")
    assert asked_as(first.title, first.footer) == "And *Minsk*? What does Moscow want?"
    (plain,) = specs
    assert asked_as(plain.title, plain.footer) == "Q"


def test_a_question_with_markdown_and_mentions_is_read_back(tmp_path: Path) -> None:
    question = "Is *Minsk* <@123> @everyone # the_end - 1. [ok]?"
    assert unescaped(escape(question)) == question
    (tmp_path / "e.txt").write_text("Title\nMinsk ends here.\n", encoding="utf-8")
    index = PassageIndex(load_documents(tmp_path))
    assert index.query(unescaped(escape(question))) == index.query(question)


def _shown(embeds: list[discord.Embed], view: discord.ui.View | None = None) -> str:
    """Embeds as the README draws them: a bar, lines wrapped at 88 columns, then buttons."""
    lines = []
    for embed in embeds:
        texts = [embed.title or "", *(embed.description or "").split("\n"), embed.footer.text or ""]
        for text in texts:
            quote = "> " if text.startswith("> ") else ""
            wrapped = textwrap.wrap(text.removeprefix(quote), 84 - len(quote)) or [""]
            lines += [f"┃ {quote}{part}" for part in wrapped]
    if view is not None:
        items: list[Any] = view.children
        lines.append(" ".join(f"[{item.item.label or item.item.emoji}]" for item in items))
    return "\n".join(lines)


def discord_example(answerer: Answerer, log: QuestionLog, question: str, follow_up: str) -> str:
    """The README's Discord example, made by the code the bot runs: an answer with its
    buttons, what In context shows, and a follow-up read with the question."""
    bot = EssayBot(answerer, Settings(_env_file=None), question_log=log)
    reply = make_reply(bot, question, 1)
    quoted = bot.passage_keys.find(".".join(reply.keys.quoted))
    assert quoted is not None
    context = to_embeds(context_message(bot.passage_keys, quoted, with_document=False))
    follow = make_reply(bot, follow_up, 1, earlier=question)
    return "\n\n".join(
        [
            f"/ask question: {question}",
            _shown(list(reply.embeds), reply.view()),
            "In context (only you see it):",
            _shown(context),
            f"Ask a follow-up: {follow_up}   (answered in a thread on the answer)",
            _shown(list(follow.embeds), follow.view()),
        ]
    )


def test_the_readme_shows_what_the_bot_sends(answerer: Answerer, tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = readme.split("<!-- buttons example -->\n```\n")[1].split("```")[0]
    question, follow_up = re.findall(
        r"^(?:/ask question|Ask a follow-up): (.+?)(?:   \(|$)", shown, re.M
    )
    log = QuestionLog(tmp_path / "log.sqlite3", retention_days=1)
    assert shown == discord_example(answerer, log, question, follow_up) + "\n"


def test_the_invite_link_asks_for_what_follow_up_threads_need() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (value,) = set(re.findall(r"&permissions=(\d+)", readme))
    granted = discord.Permissions(int(value))
    assert may_thread(granted) and granted.embed_links and granted.send_messages


def test_a_bidi_override_in_the_earlier_question_cannot_reverse_the_footer() -> None:
    specs = [EmbedSpec("Q", "> quoted", FOOTER)]
    (shown,) = shown_as_follow_up(specs, "And why?", "\u202eWhat does Moscow want?")
    assert shown.footer == f'Read with the earlier question "What does Moscow want?" · {FOOTER}'
