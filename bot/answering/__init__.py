"""Answering: a question -> ranked hits -> confidence -> verbatim quotes, or an abstention.

`Answerer(index, policy, similarity, english=...)` orchestrates; `Policy` holds every threshold and
switch; an `Answer` carries the `Evidence` it was decided on. The cascade (`_cascade`) lets the
words decide without `similarity` when they suffice.
"""

from bot.answering._answerer import Answerer, Similarity, as_read, asks_nothing
from bot.answering._checks import unknown_names
from bot.answering._policy import DEFAULT_POLICY, MAX_QUESTION_CHARS, Policy
from bot.answering._synonyms import prepare_synonyms
from bot.answering._values import Answer, Evidence, Outcome, Quote

__all__ = [
    "DEFAULT_POLICY",
    "MAX_QUESTION_CHARS",
    "Answer",
    "Answerer",
    "Evidence",
    "Outcome",
    "Policy",
    "Quote",
    "Similarity",
    "as_read",
    "asks_nothing",
    "prepare_synonyms",
    "unknown_names",
]
