"""Questions with a slip of the keys: how retrieval copes with misspelt questions."""

from __future__ import annotations

import random
import re
import string
from collections.abc import Sequence
from dataclasses import replace

from bot.measure.evaluation import EvalQuestion

__all__ = ["with_typos"]

_LONG_WORD = re.compile(r"[A-Za-z]{6,}")
_SHORT_WORD = re.compile(r"\b[A-Za-z]{4,5}\b")


def with_typos(
    questions: Sequence[EvalQuestion], seed: int = 0, *, short: bool = False
) -> list[EvalQuestion]:
    """The questions, each with one slip of the keys in one of its longer words (seeded),
    or with `short` in one of its words of four or five letters.

    A slip drops a letter, swaps two, changes one or adds one, never the first or last
    letter; a question with no such word is left as it is.
    """
    rng = random.Random(seed)
    slipped = []
    for question in questions:
        text = question.question
        if words := list((_SHORT_WORD if short else _LONG_WORD).finditer(text)):
            found = rng.choice(words)
            word, i = found.group(), rng.randrange(1, len(found.group()) - 1)
            letter = rng.choice([c for c in string.ascii_lowercase if c != word[i]])
            slips = (
                word[:i] + word[i + 1 :],  # dropped
                word[:i] + word[i + 1] + word[i] + word[i + 2 :],  # swapped
                word[:i] + letter + word[i + 1 :],  # changed
                word[:i] + letter + word[i:],  # added
            )
            text = text[: found.start()] + rng.choice(slips) + text[found.end() :]
        slipped.append(replace(question, question=text))
    return slipped
