"""Follow-up questions: when one is read together with the question it follows.

A follow-up "stands alone" when at least `STAND_ALONE_TERMS` of its terms (after stopwords
are dropped and words stemmed, as the index analyses a question) occur in the essays. One
that does not ("Why?", "And China?") is looked up together with the earlier question's
words: those are its context, and nothing else is (not the earlier answer's passages).
"""

from __future__ import annotations

from dataclasses import replace

from bot.embeds import FOOTER, FOOTER_CHARS, MESSAGE_CHARS, TITLE_CHARS, EmbedSpec
from bot.markup import clip, fit, without_bidi
from index import PassageIndex

__all__ = [
    "STAND_ALONE_TERMS",
    "asked_as",
    "read_with",
    "shown_as_follow_up",
    "stands_alone",
    "unescaped",
]

STAND_ALONE_TERMS = 2  # essay terms a follow-up needs to be looked up on its own
_ESCAPED = "\\*_~`|[#>-."  # what bot.markup.escape puts a backslash before
_READ_WITH = 'Read with the earlier question "'


def stands_alone(follow_up: str, index: PassageIndex) -> bool:
    """Whether `follow_up` has enough terms the essays use to be looked up by itself."""
    return sum(term in index for term in index.query(follow_up)) >= STAND_ALONE_TERMS


def read_with(follow_up: str, earlier: str, index: PassageIndex, limit: int) -> str:
    """What a follow-up is looked up as: itself when it stands alone (or there is no earlier
    question), else itself followed by the earlier question, within `limit` characters."""
    earlier = " ".join(earlier.split())
    if not earlier or stands_alone(follow_up, index):
        return follow_up
    return clip(f"{follow_up.strip()} {earlier}", limit)


def shown_as_follow_up(specs: list[EmbedSpec], follow_up: str, earlier: str) -> list[EmbedSpec]:
    """An answer's embeds titled with the follow-up as asked, the footer naming the earlier
    question it was read with."""
    first, *rest = specs
    title = fit(" ".join(follow_up.split()), TITLE_CHARS)
    # The footer takes what the message's 6,000 leave, and the earlier question is what is
    # cut (a follow-up to a follow-up names both earlier questions, and so on down a chain).
    room = MESSAGE_CHARS - len(title) - len(first.description) - sum(map(len, rest))
    cap = min(FOOTER_CHARS, room)
    tail = f'" · {FOOTER}'
    earlier = without_bidi(" ".join(earlier.split()))  # it would reorder the footer's words
    said = clip(earlier, max(cap - len(_READ_WITH) - len(tail), 1))
    return [replace(first, title=title, footer=clip(_READ_WITH + said + tail, cap)), *rest]


def asked_as(title: str, footer: str) -> str:
    """What an answer was looked up as, from its embed: the question (its title, as typed),
    and for a follow-up read with an earlier question, that question too (from the
    footer), so that a follow-up to a follow-up keeps the first question's terms."""
    question = unescaped(title)
    if footer.startswith(_READ_WITH) and '" · ' in footer:
        question += " " + footer[len(_READ_WITH) :].rpartition('" · ')[0]
    return question


def unescaped(shown: str) -> str:
    """Text as typed from what the bot showed (markdown escapes and the zero-width spaces
    that break mentions removed): an earlier question read back from its answer."""
    out: list[str] = []
    characters = iter(shown.replace("\u200b", ""))
    for character in characters:
        if character == "\\":
            following = next(characters, "")
            out.append(following if following in _ESCAPED else character + following)
        else:
            out.append(character)
    return "".join(out)
