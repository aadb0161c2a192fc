"""What the buttons under an answer carry and show, as plain data (no discord import).

A button's custom id (at most 100 characters) carries everything its press needs, so a
press works after a restart with nothing kept in memory: each passage as its position in
the corpus and a short hash of its text (`1234-a1b2`), and the question log's row id for
the votes. A press whose hashes no longer match the essays (they changed since the answer)
is told so instead of being shown another passage.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from bot.answering import Answer
from bot.embeds import DESCRIPTION_CHARS, FOOTER, MESSAGE_CHARS, TITLE_CHARS, EmbedSpec
from bot.markup import clip, fit
from bot.render import citation
from index import Passage, PassageIndex

__all__ = [
    "CUSTOM_ID_CHARS",
    "MORE_PASSAGES",
    "ButtonKeys",
    "PassageKeys",
    "context_message",
    "more_message",
]

CUSTOM_ID_CHARS = 100  # Discord's limit for a component's custom id
MORE_PASSAGES = 3  # ranked passages "More" shows, after the quoted ones
_HASH_CHARS = 4  # hex digits of a passage's hash: a changed passage goes unnoticed 1 in 65,536
_CITATION_CHARS = 300


@dataclass(frozen=True)
class ButtonKeys:
    """What an answer's buttons carry: its quoted passages, the next ranked passages (as
    passage keys), and its row in the question log (None when it was not logged)."""

    quoted: tuple[str, ...]
    following: tuple[str, ...]
    question_id: int | None


def _hash(passage: Passage) -> str:
    return hashlib.sha256(f"{passage.id}\n{passage.text}".encode()).hexdigest()[:_HASH_CHARS]


# Passages one key list may name: a message shows at most 10 embeds, one per passage.
_MOST_PASSAGES = 10


class PassageKeys:
    """Short keys for passages (`position-hash`), made and read back; the positions are
    looked up once, when the bot starts."""

    def __init__(self, index: PassageIndex) -> None:
        self.passages = index.passages
        self._position = {p.id: n for n, p in enumerate(self.passages)}

    def key(self, passage: Passage) -> str:
        """The passage's key: its position in the corpus and a hash of its text."""
        return f"{self._position[passage.id]}-{_hash(passage)}"

    def find(self, keys: str) -> list[Passage] | None:
        """The passages of dot-separated keys, each once; None when any is not in the essays
        as they are now (they changed since the key was made)."""
        found = []
        if keys.count(".") >= _MOST_PASSAGES:  # more than a message holds: not ours (forged)
            return None
        for key in keys.split("."):
            position, _, wanted = key.partition("-")
            if not position.isdecimal() or int(position) >= len(self.passages):
                return None
            passage = self.passages[int(position)]
            if _hash(passage) != wanted:
                return None
            if passage not in found:  # a key given twice (forged: ours name each once)
                found.append(passage)
        return found

    def for_answer(self, answer: Answer, question_id: int | None, prefix: int) -> ButtonKeys:
        """The keys of an answer's quoted passages and of the next ranked ones, as many as
        fit in a custom id after `prefix` characters."""
        quoted = list(dict.fromkeys(q.passage.id for q in answer.quotes))
        by_id = {q.passage.id: q.passage for q in answer.quotes}
        following = [h.passage for h in answer.hits if h.passage.id not in by_id]
        return ButtonKeys(
            self._fitting([by_id[i] for i in quoted], prefix),
            self._fitting(following[:MORE_PASSAGES], prefix),
            question_id,
        )

    def _fitting(self, passages: Sequence[Passage], prefix: int) -> tuple[str, ...]:
        keys: list[str] = []
        for passage in passages:
            key = self.key(passage)
            if prefix + len(".".join([*keys, key])) > CUSTOM_ID_CHARS:
                break
            keys.append(key)
        return tuple(keys)

    def paragraph(self, passage: Passage) -> str:
        """The whole paragraph `passage` is (a very long paragraph is split into passages
        with ids ending ".1", ".2", …: they are next to each other in the corpus)."""
        stem, dot, part = passage.id.rpartition(".")
        if not dot or not part.isdecimal() or "/" in part:
            return passage.text
        position = self._position[passage.id]
        start = position - int(part) + 1
        parts = []
        for candidate in self.passages[max(start, 0) :]:
            if candidate.id.rpartition(".")[0] != stem:
                break
            parts.append(candidate.text)
        return " ".join(parts) or passage.text


def _passages_message(
    title: str, passages: Sequence[tuple[Passage, str]], *, with_document: bool
) -> list[EmbedSpec]:
    """One embed per passage, its citation as title, its text fitted so that all of them
    fit one message."""
    if not passages:
        return [EmbedSpec(clip(title, TITLE_CHARS), "Nothing more to show.", FOOTER)]
    room = MESSAGE_CHARS - len(passages) * (TITLE_CHARS + len(FOOTER))
    budget = min(DESCRIPTION_CHARS, room // len(passages))
    return [
        EmbedSpec(
            fit(citation(passage, with_document=with_document), TITLE_CHARS),
            fit(" ".join(text.split()), budget),
            FOOTER,
        )
        for passage, text in passages
    ]


def context_message(
    keys: PassageKeys, passages: Sequence[Passage], *, with_document: bool
) -> list[EmbedSpec]:
    """ "In context": the whole paragraph of each quoted passage, cited."""
    shown = [(p, keys.paragraph(p)) for p in passages]
    return _passages_message("In context", shown, with_document=with_document)


def more_message(passages: Sequence[Passage], *, with_document: bool) -> list[EmbedSpec]:
    """ "More": the next ranked passages, whole (as far as a message allows), cited."""
    shown = [(p, p.text) for p in passages]
    return _passages_message("More", shown, with_document=with_document)
