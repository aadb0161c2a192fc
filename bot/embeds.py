"""Discord messages as plain data: embeds that always fit Discord's limits.

Pure (no discord import), so the limits can be property-tested; the Discord module turns
each EmbedSpec into a discord.Embed.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from bot.answering import Answer
from bot.markup import clip, code_block, escape, fit, without_bidi
from bot.render import abstention, citation, group_quotes, paragraphs_of, quote_link
from bot.sources import Match, Source
from index import Document, Passage, Section, is_code, split_sentences, with_parts

__all__ = [
    "CHOICE_CHARS",
    "CONTENT_CHARS",
    "DESCRIPTION_CHARS",
    "EMBEDS_PER_MESSAGE",
    "FOOTER_CHARS",
    "MESSAGE_CHARS",
    "TITLE_CHARS",
    "EmbedSpec",
    "SectionChoices",
    "answer_message",
    "answer_text",
    "clip",
    "escape",
    "fit",
    "help_message",
    "pack",
    "section_messages",
    "sections_messages",
    "source_message",
]

# Discord's limits (API v10); a message over any of them is rejected with 400.
CONTENT_CHARS = 2000
TITLE_CHARS = 256
DESCRIPTION_CHARS = 4096
FOOTER_CHARS = 2048
EMBEDS_PER_MESSAGE = 10
MESSAGE_CHARS = 6000  # all embeds of one message together
CHOICE_CHARS = 100  # autocomplete choice name and value
MAX_CHOICES = 25
_CITATION_CHARS = 300
# A code block of `/section` at most: an embed's description holds it whole.
_CODE_CHARS = 3000
_QUOTE_LEAST = 40  # characters of each quote an answer shows, however long its citations

FOOTER = "Verbatim quotes from the essays · ¶ = paragraph within its section"


@dataclass(frozen=True)
class EmbedSpec:
    """What one embed shows; each part already within its limit."""

    title: str
    description: str = ""
    footer: str = ""

    def __len__(self) -> int:
        """Characters counted towards a message's 6,000 (as discord.Embed's len does)."""
        return len(self.title) + len(self.description) + len(self.footer)


def _pieces(block: str, limit: int) -> list[str]:
    """A block split into pieces of at most `limit` characters, at sentences where possible."""
    if len(block) <= limit:
        return [block]
    pieces: list[str] = []
    current = ""
    for sentence in split_sentences(block) or [block]:
        while len(sentence) > limit:  # one enormous sentence: hard cut at spaces
            head = clip(sentence, limit)[:-1]
            pieces.extend([current] if current else [])
            pieces.append(head)
            current, sentence = "", sentence[len(head) :].lstrip()
        joined = f"{current} {sentence}" if current else sentence
        if len(joined) <= limit:
            current = joined
        else:
            pieces.append(current)
            current = sentence
    if current:
        pieces.append(current)
    return pieces


def pack(title: str, blocks: Sequence[str], footer: str = FOOTER) -> list[list[EmbedSpec]]:
    """Blocks laid out in embeds and messages so that every Discord limit holds."""
    title = clip(title, TITLE_CHARS)
    footer = clip(footer, FOOTER_CHARS)
    later_title = clip(f"{title} (continued)", TITLE_CHARS)
    # Leave room so that a message always fits one full embed plus its title and footer.
    limit = min(DESCRIPTION_CHARS, MESSAGE_CHARS - TITLE_CHARS - len(footer))
    descriptions: list[str] = []
    for block in blocks:
        for piece in _pieces(block, limit):
            if descriptions and len(descriptions[-1]) + 2 + len(piece) <= limit:
                descriptions[-1] += "\n\n" + piece
            else:
                descriptions.append(piece)
    messages: list[list[EmbedSpec]] = [[]]
    for number, description in enumerate(descriptions or [""]):
        embed = EmbedSpec(title if number == 0 else later_title, description, footer)
        current = messages[-1]
        if (
            len(current) == EMBEDS_PER_MESSAGE
            or sum(map(len, current)) + len(embed) > MESSAGE_CHARS
        ):
            messages.append(current := [])
        current.append(embed)
    return messages


def answer_message(
    answer: Answer, *, with_document: bool, limit: int = DESCRIPTION_CHARS
) -> list[EmbedSpec]:
    """One message: the question as title, each quote as a block quote and its citation;
    the description within `limit` characters."""
    title = fit(" ".join(answer.question.split()) or "(empty question)", TITLE_CHARS)
    if not answer.answered:
        text = abstention(answer, with_document=with_document)
        return [EmbedSpec(title, fit(text, limit), FOOTER)]
    groups = group_quotes(answer.quotes)
    cites = [_cite(answer, p, with_document=with_document) for p, _ in groups]
    if limit - sum(len(c) + 5 for c in cites) < _QUOTE_LEAST * len(groups):
        # Links (up to 2,000 characters of percent-escapes) give way to whole citations.
        cites = [_cite(answer, p, with_document=with_document, link=False) for p, _ in groups]
    room = limit - sum(len(c) + 5 for c in cites)  # "> ", "\n", "\n\n"
    budget = max(room // len(groups), _QUOTE_LEAST)
    parts = [
        f"{_quoted(text, budget)}\n{cite}" for (_, text), cite in zip(groups, cites, strict=True)
    ]
    return [EmbedSpec(title, clip("\n\n".join(parts), limit), FOOTER)]


def _quoted(text: str, limit: int) -> str:
    """A quote as a block quote of at most `limit` characters; fenced code as a code block."""
    if is_code(text):
        return code_block(text, limit)
    lines = [" ".join(line.split()) for line in text.split("\n")]  # a header row over its row
    return f"> {fit(chr(10).join(lines), limit)}".replace("\n", "\n> ")


def _cite(answer: Answer, passage: Passage, *, with_document: bool, link: bool = True) -> str:
    """The citation in italics; a link to the quoted sentence when its essay is published
    (and `link`)."""
    cited = f"*{fit(citation(passage, with_document=with_document), _CITATION_CHARS)}*"
    link_to = quote_link(answer, passage) if link else ""
    # Discord shows [text](url) as a link; ")" and spaces in the URL would end it early.
    if link_to and not any(c in link_to for c in " ()<>"):
        # A bracket in a heading could end the link's text early, escaped or not (Discord's
        # link rule reads no escapes there): "Swedes](https://evil) and [more" made the
        # citation link to its own address. Such a citation is text, the link after it.
        if any(c in cited for c in "[]"):
            return f"— {cited} ([page]({link_to}))"
        return f"— [{cited}]({link_to})"
    return f"— {cited}"


def answer_text(answer: Answer, *, with_document: bool, note: str = "") -> str:
    """The answer as message content within 2,000 characters, for where embeds are refused:
    the question in bold, the quotes and citations as in the embed, then `note` in italics."""
    ending = f"\n*{note}*" if note else ""
    room = CONTENT_CHARS - (TITLE_CHARS + 7) - 1 - len(ending)  # the longest title, bold
    (spec,) = answer_message(answer, with_document=with_document, limit=room)
    return f"{_bold_title(spec.title)}\n{spec.description}{ending}"


def _bold_title(title: str) -> str:
    """`title` (escaped) in bold, unless it holds a link: a link is left whole, so a "**" in
    it would end the bold there ("https://a.example/**"); then it follows a bold "Q:"."""
    return f"**Q:** {title}" if "://" in title else f"**{title}**"


def source_message(source: Source, quotation: str, *, with_document: bool) -> list[EmbedSpec]:
    """Where a quotation comes from: word for word, nearly (with what the essay says), or not."""
    title = fit(" ".join(quotation.split()) or "(no text)", TITLE_CHARS)
    passage = source.passage
    where = fit(citation(passage, with_document=with_document), _CITATION_CHARS) if passage else ""
    said = f"> {fit(' '.join(source.text.split()), DESCRIPTION_CHARS // 2)}"
    if source.match is Match.EXACT:
        text = f"Word for word from *{where}*:\n{said}"
    elif source.match is Match.NEAR:
        share = f"{source.ratio:.0%}"
        text = f"Not word for word: *{where}* says ({share} of the words, in order):\n{said}"
    else:
        text = "The essays don't say this."
        if where:
            text += f" The nearest passage is *{where}*."
    return [EmbedSpec(title, clip(text, DESCRIPTION_CHARS), FOOTER)]


def sections_messages(documents: Sequence[Document]) -> list[list[EmbedSpec]]:
    """The table of contents, one block per document."""
    blocks = []
    for document in documents:
        lines = [f"**{escape(document.title)}** ({paragraphs_of(document)})"]
        lines += [
            f"{n}. {escape(s.heading)} — {len(s.paragraphs)} ¶"
            for n, s in enumerate(document.sections, start=1)
        ]
        blocks.append("\n".join(lines))
    return pack("Table of contents", blocks, "Use /section to read one · /ask to ask")


def section_messages(
    document: Document, section: Section, most: int | None = None
) -> list[list[EmbedSpec]]:
    """A whole section, split across embeds and messages as needed; with `most`, only as
    much as that many messages can show is laid out (a section may be megabytes), and more
    messages than `most` then say that it goes on."""
    blocks: list[str] = []
    limit = None if most is None else most * MESSAGE_CHARS + 1
    for number, part in enumerate(with_parts(document, section)):  # its parts after it
        if limit is not None and limit <= 0:
            break  # what is laid out already fills `most` messages: the rest is not walked
        paragraphs: Sequence[str] = part.paragraphs
        if limit is not None:  # escaping only lengthens: text past this never reaches `most`
            paragraphs = _first_chars(paragraphs, limit)
            # at least what the blocks below take: escaping only lengthens them
            limit -= sum(len(text) + len(f"**¶{n}** ") + 2 for n, text in enumerate(paragraphs, 1))
            limit -= len(part.heading) + 6 if number else 0  # its bold heading
        if number and paragraphs:
            blocks.append(f"**{escape(part.heading)}**")
        blocks += [_numbered(n, text) for n, text in enumerate(paragraphs, start=1)]
    title = fit(f"{document.title}: {section.heading}", TITLE_CHARS)  # echoed: escaped
    return pack(title, blocks, f"{document.title} · essaybot")


def _numbered(number: int, text: str) -> str:
    """Paragraph `number` of a section, marked; fenced code as a code block that no embed
    splits."""
    if is_code(text):
        return f"**¶{number}**\n{code_block(text, _CODE_CHARS)}"
    return f"**¶{number}** {escape(text)}"


def _first_chars(paragraphs: Sequence[str], limit: int) -> list[str]:
    """The paragraphs up to `limit` characters in all with their marks ("**¶1** " and the
    blank line after), the last one cut."""
    kept: list[str] = []
    for n, paragraph in enumerate(paragraphs, start=1):
        if limit <= 0:
            break
        kept.append(paragraph[:limit])
        limit -= len(paragraph) + len(f"**¶{n}** ") + 2
    return kept


def help_message(documents: Sequence[Document], max_question: int) -> list[EmbedSpec]:
    """What the bot does, how to ask, where answers come from."""
    titles = ", ".join(escape(d.title) for d in documents[:5])
    if len(documents) > 5:
        titles += f" and {len(documents) - 5} more"
    text = (
        "I answer questions about a set of essays with **verbatim quotes**, each cited by "
        "section and paragraph (¶), so you can check every answer against its source. "
        "I never make anything up: when the essays don't cover a question, I say so.\n\n"
        f"**/ask** `question` — ask anything (up to {max_question} characters), or mention "
        "me with your question.\n"
        "**/sections** — the table of contents.\n"
        "**/section** `name` — read a whole section.\n"
        "Under each answer: **In context** (the whole paragraphs), **More** (the next "
        "passages), **Ask a follow-up**, and 👍/👎.\n\n"
        f"**Essays:** {titles}.\n"
        "Answers are found with BM25 keyword search over paragraphs: use the essays' words. "
        "You can also ask what an essay is about, or for a section by its number (“What "
        "does section 2 say?”)."
    )
    return [EmbedSpec("About essaybot", clip(text, DESCRIPTION_CHARS), FOOTER)]


class SectionChoices:
    """Autocomplete for section headings, prepared once per index so a keystroke costs little.

    The casefolded names are joined in one string, searched with `str.find` (C, linear): a
    keystroke costs one pass over that string at most, and at most 50 matches are looked at.
    """

    def __init__(self, documents: Sequence[Document]) -> None:
        several = len(documents) > 1
        self._choices: list[tuple[str, str]] = []
        folded: list[str] = []
        for d, document in enumerate(documents):
            for s, section in enumerate(document.sections):
                name = f"{document.title}: {section.heading}" if several else section.heading
                name = without_bidi(name)  # a title's U+202E would reverse ": heading"
                if not any(c.isalnum() for c in name):  # "\u200b\u200b" would show blank
                    name = f"{s + 1}. {name}"
                self._choices.append((clip(name, CHOICE_CHARS), f"#{d}.{s}"))
                folded.append(" ".join(name.casefold().split()))
        self._names = "\n" + "\n".join(folded) + "\n"  # each name between newlines
        self._starts = list(itertools.accumulate((len(f) + 1 for f in folded), initial=1))

    def matching(self, typed: str) -> list[tuple[str, str]]:
        """(name, value) pairs for the headings containing what was typed, prefixes first."""
        wanted = " ".join(typed[:CHOICE_CHARS].casefold().split())
        found = self._find("\n" + wanted, 1)  # names that start with it
        if len(found) < MAX_CHOICES:
            found += [c for c in self._find(wanted, 0) if c not in found]
        return [self._choices[c] for c in found[:MAX_CHOICES]]

    def _find(self, needle: str, lead: int) -> list[int]:
        """Numbers of the first MAX_CHOICES names holding `needle`, which starts `lead` before."""
        found: list[int] = []
        position = 1 - lead  # the first name starts at 1
        while len(found) < MAX_CHOICES and (at := self._names.find(needle, position)) != -1:
            number = bisect.bisect_right(self._starts, at + lead) - 1
            if number >= len(self._choices):  # only the final newline matched
                break
            found.append(number)
            position = self._starts[number + 1] - lead  # on to the next name
        return found
