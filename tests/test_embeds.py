"""Every Discord message essaybot builds fits Discord's limits, whatever the input."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.answering import Answer, Outcome, Quote
from bot.discord_bot import to_embeds
from bot.embeds import (
    CHOICE_CHARS,
    CONTENT_CHARS,
    DESCRIPTION_CHARS,
    EMBEDS_PER_MESSAGE,
    FOOTER_CHARS,
    MESSAGE_CHARS,
    TITLE_CHARS,
    EmbedSpec,
    SectionChoices,
    answer_message,
    answer_text,
    clip,
    escape,
    help_message,
    section_messages,
    sections_messages,
    source_message,
)
from bot.render import render_section
from index import Document, Hit, PassageIndex, Section, parse_document, with_parts
from tests.work import work

WORDS = [
    "Belarus",
    "integration",
    "post-Soviet",
    "@everyone",
    "<@&123>",
    "**bold**",
    "_x_",
    "`code`",
    "> quote",
    "# head",
    "a",
    "the",
    "Ukraine.",
    "dialogue!",
    "x" * 300,
    "|| ||",
]


def check(message: list[EmbedSpec]) -> None:
    """The limits of one message, checked on what discord.py would send; code blocks whole."""
    embeds = to_embeds(message)
    for spec in message:  # a code block opens and closes in one embed, nothing ends it early
        assert all(line.count("```") in (0, 1) for line in spec.description.split("\n"))
        assert sum(line == "```" for line in spec.description.split("\n")) % 2 == 0
    assert 1 <= len(embeds) <= EMBEDS_PER_MESSAGE
    assert sum(len(e) for e in embeds) <= MESSAGE_CHARS
    for embed in embeds:
        data = embed.to_dict()
        assert len(data.get("title", "")) <= TITLE_CHARS
        assert len(data.get("description", "")) <= DESCRIPTION_CHARS
        assert len(data.get("footer", {}).get("text", "")) <= FOOTER_CHARS
        assert len(data.get("fields", [])) <= 25


@st.composite
def paragraphs(draw: st.DrawFn) -> str:
    words = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=40))
    text = " ".join(words) * draw(st.integers(1, 60))
    if draw(st.integers(0, 4)) == 0:  # fenced code, as parsed: its lines, backticks and all
        lines = [text[i : i + 70] for i in range(0, len(text), 70)]
        text = "```\n" + "\n".join([*lines, "```", "``` ``", "<@123> @here"]) + "\n```"
    return text


@st.composite
def documents(draw: st.DrawFn) -> list[Document]:
    docs = []
    for number in range(3):  # three documents: rank-bm25's idf needs more than two
        sections = tuple(
            Section(
                draw(paragraphs()).replace("\n", " ")[: draw(st.integers(1, 400))],
                tuple(draw(st.lists(paragraphs(), min_size=1, max_size=4))),
                draw(st.integers(0, 3)),  # a section's parts follow it, at deeper levels
            )
            for _ in range(draw(st.integers(1, 3)))
        )
        docs.append(Document(draw(paragraphs())[:300], f"doc{number}", sections))
    return docs


@st.composite
def answers(draw: st.DrawFn, corpus: list[Document], question: str) -> Answer:
    """Any answer an Answerer could give from `corpus`: quotes are runs of sentences of
    ranked passages (no model is needed to make one)."""
    index = PassageIndex(corpus)
    ranked = draw(st.lists(st.sampled_from(index.passages), min_size=1, max_size=10))
    hits = tuple(Hit(p, draw(st.floats(0, 1e6)), rank) for rank, p in enumerate(ranked, 1))
    quotes = []
    for passage in draw(st.lists(st.sampled_from(ranked), max_size=6)):
        spans = index.spans(passage)
        first = draw(st.integers(0, len(spans) - 1))
        last = draw(st.integers(first, len(spans) - 1))
        text = passage.text[spans[first][0] : spans[last][1]]
        quotes.append(Quote(text, passage, draw(st.floats(0, 1e6))))
    declined = [o for o in Outcome if o is not Outcome.ANSWERED]
    outcome = Outcome.ANSWERED if quotes else draw(st.sampled_from(declined))
    sections = tuple(dict.fromkeys((p.document, p.section) for p in ranked))[:4]
    return Answer(question, outcome, tuple(quotes), hits, 0.5, sections)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data(), corpus=documents(), question=st.text(max_size=1200) | paragraphs())
def test_every_message_fits(data: st.DataObject, corpus: list[Document], question: str) -> None:
    for q in (question, corpus[0].sections[0].paragraphs[0][:300]):
        check(answer_message(data.draw(answers(corpus, q)), with_document=True))
    for message in sections_messages(corpus):
        check(message)
    for document in corpus:
        for section in document.sections:
            for message in section_messages(document, section):
                check(message)
    check(help_message(corpus, 300))
    choices = SectionChoices(corpus).matching(question[:20])
    assert len(choices) <= 25
    assert all(len(name) <= CHOICE_CHARS and len(value) <= CHOICE_CHARS for name, value in choices)


def test_a_long_section_is_split_and_nothing_is_lost() -> None:
    paragraphs_ = tuple(f"Paragraph {n} says something. " * 200 for n in range(12))
    document = Document("Long", "long", (Section("Everything", paragraphs_),))
    messages = section_messages(document, document.sections[0])
    assert len(messages) > 1
    for message in messages:
        check(message)
    shown = " ".join(e.description for m in messages for e in m)
    for n in range(12):
        assert shown.count(f"Paragraph {n} says something.") == 200


def test_a_lone_surrogate_in_a_question_is_no_invalid_unicode_sent() -> None:
    answer = Answer("Who is Lukashenko \ud83d and \udc00?", Outcome.NOT_COVERED, (), (), 0.0)
    (embed,) = answer_message(answer, with_document=False)
    assert embed.title == "Who is Lukashenko \ufffd and \ufffd?"
    embed.title.encode("utf-8")  # no lone surrogate: valid UTF-8, and JSON Discord reads


@pytest.mark.parametrize("mention", ["@everyone", "@here", "<@&123>", "<@456>", "<@!456>"])
def test_escape_makes_mentions_inert(mention: str) -> None:
    escaped = escape(f"hi {mention}!")
    assert mention not in escaped
    assert escaped.replace("\u200b", "") == f"hi {mention}!"


def scanned_choices(documents: list[Document], typed: str) -> list[tuple[str, str]]:
    """The old way, scanning every heading per keystroke: the reference for SectionChoices."""
    wanted = " ".join(typed.casefold().split())
    several = len(documents) > 1
    prefix, rest = [], []
    for d, document in enumerate(documents):
        for s, section in enumerate(document.sections):
            name = f"{document.title}: {section.heading}" if several else section.heading
            if not any(c.isalnum() for c in name):  # numbered, so it never shows blank
                name = f"{s + 1}. {name}"
            folded = " ".join(name.casefold().split())
            if wanted in folded:
                (prefix if folded.startswith(wanted) else rest).append(
                    (clip(name, CHOICE_CHARS), f"#{d}.{s}")
                )
    return (prefix + rest)[:25]


HEADINGS = st.text(alphabet="abAB ßx:\n", min_size=1, max_size=12)


@given(
    st.lists(st.tuples(HEADINGS, st.lists(HEADINGS, min_size=1, max_size=8)), max_size=8),
    st.text(alphabet="abAB ßx:", max_size=4),
)
def test_section_choices_as_a_full_scan_finds_them(
    layout: list[tuple[str, list[str]]], typed: str
) -> None:
    corpus = [
        Document(title, f"d{n}", tuple(Section(h, ("text",)) for h in headings))
        for n, (title, headings) in enumerate(layout)
    ]
    assert SectionChoices(corpus).matching(typed) == scanned_choices(corpus, typed)


def test_a_heading_of_invisible_characters_is_offered_by_its_number_not_blank() -> None:
    corpus = [Document("Notes", "n", (Section("Intro", ("a",)), Section("\u200b\u200b", ("b",))))]
    assert SectionChoices(corpus).matching("\u200b") == [("2. \u200b\u200b", "#0.1")]


def corpus_of(essays: int) -> list[Document]:
    """Essays of five sections each."""
    return [
        Document(f"Essay {d}", f"e{d}", tuple(Section(f"Part {s}", ("text",)) for s in range(5)))
        for d in range(essays)
    ]


@pytest.mark.parametrize("typed", ["", "e", "essay 9", "part 3", "zzz", "x" * 500])
def test_a_keystroke_costs_the_same_on_10_or_1000_essays(typed: str) -> None:
    small, big = SectionChoices(corpus_of(10)), SectionChoices(corpus_of(1000))
    assert work(big.matching, typed).steps <= max(work(small.matching, typed).steps, 50) + 450
    assert work(big.matching, typed).steps <= 800  # 25 + 25 matches at most, whatever the corpus
    assert len(big.matching(typed)) <= 25


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data(), corpus=documents(), question=st.text(max_size=1200) | paragraphs())
def test_the_plain_text_answer_fits_in_content_and_cannot_ping(
    data: st.DataObject, corpus: list[Document], question: str
) -> None:
    for q in (question, corpus[0].sections[0].paragraphs[0][:300]):
        answer = data.draw(answers(corpus, q))
        text = answer_text(answer, with_document=True, note="I can't post embeds here.")
        assert len(text) <= CONTENT_CHARS and text.endswith("\n*I can't post embeds here.*")
        assert not re.search(r"@everyone|@here|<@[!&]?\d+>", text)
        (embed,) = answer_message(answer, with_document=True)
        bold = f"**Q:** {embed.title}" if "://" in embed.title else f"**{embed.title}**"
        assert text.startswith(f"{bold}\n")
        if answer.answered:  # the first quote's citation survives the shorter limit
            cited = next(line for line in embed.description.split("\n") if line.startswith("— "))
            assert cited in text


def test_a_link_in_the_question_cannot_end_the_plain_text_answers_bold_early() -> None:
    question = "Is https://a.example/** or https://b.example/**x** the source?"
    answer = Answer(question, Outcome.NOT_COVERED, (), (), 0.0)
    first = answer_text(answer, with_document=False).split("\n")[0]
    assert first == f"**Q:** {question}"  # links whole, no bold around them to end early
    plain = Answer("Is *this* the source?", Outcome.NOT_COVERED, (), (), 0.0)
    assert answer_text(plain, with_document=False).startswith("**Is \\*this\\* the source?**\n")


def test_a_citation_links_to_the_quoted_sentence_when_the_essay_is_published() -> None:
    from bot.answering import Answer, Outcome, Quote
    from index import Passage

    passage = Passage("levees/levees/1", "Levees", "Levees", 1, "Rivers flood.")
    link = "https://example.org/levees#:~:text=Rivers%20flood."
    answer = Answer("Why?", Outcome.ANSWERED, (Quote("Rivers flood.", passage, 1.0, link),), (), 1)
    (embed,) = answer_message(answer, with_document=False)
    assert f'— [*"Levees", ¶1*]({link})' in embed.description
    bare = Answer("Why?", Outcome.ANSWERED, (Quote("Rivers flood.", passage, 1.0),), (), 1)
    assert '— *"Levees", ¶1*' in answer_message(bare, with_document=False)[0].description


def test_a_citation_whose_heading_holds_a_bracket_is_text_with_the_link_after_it() -> None:
    from bot.answering import Answer, Outcome, Quote
    from index import Passage

    heading = "Swedes](https://evil.example/phish) and [more"
    passage = Passage("swedes/s/1", "Swedes", heading, 1, "Swedes grow well.")
    link = "https://essays.example/swedes#:~:text=Swedes%20grow%20well."
    answer = Answer("How?", Outcome.ANSWERED, (Quote(passage.text, passage, 1.0, link),), (), 1)
    for shown in (
        answer_message(answer, with_document=False)[0].description,
        answer_text(answer, with_document=False),
    ):
        # Discord's link rule reads no escapes in a link's text: the citation is text, the
        # link after it
        assert "— [" not in shown
        assert f"([page]({link}))" in shown
        assert "Swedes" in shown


def test_long_links_give_way_so_every_citation_of_a_plain_text_answer_is_whole() -> None:
    from index import Passage

    quotes = []
    for n in (1, 2, 3):
        text = f"Река номер {n} разливается весной, и дамбы её держат. " * 3
        passage = Passage(f"r/s/{n}", "Реки", "Разливы", n, text)
        link = "https://example.org/reki#:~:text=" + "%D0%A0%D0%B5%D0%BA%D0%B0%20" * 40
        quotes.append(Quote(text, passage, 1.0, link))
    answer = Answer("Почему?", Outcome.ANSWERED, tuple(quotes), (), 1)
    text = answer_text(answer, with_document=False, note="I can't post embeds here.")
    assert len(text) <= CONTENT_CHARS
    assert [f'*"Разливы", ¶{n}*' in text for n in (1, 2, 3)] == [True, True, True]
    assert text.count("](") == text.count("%20)")  # every link there is whole
    (embed,) = answer_message(answer, with_document=False)  # room enough: the links stay
    assert embed.description.count("](https://example.org/reki") == 3


def test_a_source_is_told_word_for_word_nearly_or_not_and_cannot_ping() -> None:
    from bot.sources import Match, Source
    from index import Passage

    passage = Passage("e/s/2", "Essay", "Levees", 2, "Levees push floods downstream. *Yes*.")
    exact = source_message(
        Source(Match.EXACT, passage, "Levees push floods downstream.", 1.0),
        "levees push floods downstream @everyone",
        with_document=False,
    )[0]
    assert exact.description.startswith('Word for word from *"Levees", ¶2*:\n> Levees push')
    assert "@everyone" not in exact.title
    near = source_message(Source(Match.NEAR, passage, "*Yes*.", 0.8), "yes", with_document=True)[0]
    assert "80% of the words" in near.description and "\\*Yes\\*" in near.description
    none = source_message(Source(Match.NONE, passage), "x" * 5000, with_document=False)[0]
    assert none.description == 'The essays don\'t say this. The nearest passage is *"Levees", ¶2*.'
    assert len(none.title) <= TITLE_CHARS


def test_a_section_is_shown_with_its_parts_under_their_headings() -> None:
    document = parse_document(
        "# Notebook\n\n## Soda Bread\n\nAn hour.\n\n### Ingredients\n\n- Flour\n\n"
        "### Method\n\nBake it.\n\n## Colcannon\n\nBoil it.\n",
        stem="n",
        markdown=True,
        source="n.md",
    )
    bread, ingredients, method, colcannon = document.sections
    assert list(with_parts(document, bread)) == [bread, ingredients, method]
    assert list(with_parts(document, method)) == [method]
    assert list(with_parts(document, colcannon)) == [colcannon]
    shown = "\n".join(e.description for m in section_messages(document, bread) for e in m)
    assert (
        shown
        == "**¶1** An hour.\n\n**Ingredients**\n\n**¶1** Flour\n\n**Method**\n\n**¶1** Bake it."
    )
    text = render_section(document, list(with_parts(document, bread)))
    assert text.startswith("Notebook: Soda Bread\n\n¶1  An hour.\n\nIngredients\n\n¶1  Flour")
    assert "Boil" not in text and "Boil" not in shown


@pytest.mark.parametrize("shape", ["paragraphs", "parts"])
def test_a_section_is_laid_out_only_as_far_as_the_messages_sent(shape: str) -> None:
    """40,000 one-word paragraphs had laid out 59 messages to send 3, and 200,000 parts were
    all walked (red-team round 4): the bound counts each block's marks and stops walking."""
    if shape == "paragraphs":
        sections: tuple[Section, ...] = (Section("Words", ("Word.",) * 40_000, 1),)
    else:
        parts = tuple(Section(f"Term {n}", ("A word.",), 3) for n in range(200_000))
        sections = (Section("Glossary", ("Terms follow.",), 2), *parts)
    document = Document("Glossary", "glossary", sections)
    messages = section_messages(document, sections[0], 3)
    assert 3 < len(messages) <= 4  # three sent, and one to say that it goes on


def test_a_bidi_override_in_a_heading_ends_before_the_paragraph_number() -> None:
    # Red-team round 8: "Frost \u202eand turnips" reversed what followed on the line,
    # showing "¶13" as "31¶"; the heading is closed where it ends (U+202C).
    from index import Passage

    passage = Passage("t/f/13", "Turnips \u2067and more", "Frost \u202eand turnips", 13, "Sow.")
    answer = Answer("When?", Outcome.ANSWERED, (Quote("Sow.", passage, 1.0),), (), 1)
    for shown in (
        answer_message(answer, with_document=True)[0].description,
        answer_text(answer, with_document=True),
    ):
        assert 'Turnips \u2067and more\u2069, "Frost \u202eand turnips\u202c", ¶13' in shown


def test_a_bidi_override_in_a_title_cannot_reverse_an_autocomplete_choice() -> None:
    corpus = [
        Document("\u202eTurnips", "t", (Section("Frost", ("a",)),)),
        Document("Swedes", "s", (Section("Frost", ("b",)),)),
    ]
    assert SectionChoices(corpus).matching("turn") == [("Turnips: Frost", "#0.0")]
