"""Corpus-aware folding of word variants the stemmer leaves apart.

- Demonyms onto their country: "belarusian" -> "belarus", "russian" -> "russia" (only when
  both forms occur in the corpus, so "german" never becomes "germ" unless "germ" is there).
- A question word the corpus lacks, tried without a prefix: "uncomfortable" -> "comfort".
"""

from __future__ import annotations

from collections.abc import Container, Set

__all__ = ["fold_demonyms", "resolve_unknown"]

_PREFIXES = ("un", "non", "dis", "mis", "re")
_MIN_REST = 4


def fold_demonyms(vocabulary: Set[str]) -> dict[str, str]:
    """Map each "-ian" stem to its base ("-ian" or the final "n" dropped) when that is known."""
    folds = {}
    for term in vocabulary:
        if term.endswith("ian") and term[:-3] in vocabulary and len(term) - 3 >= _MIN_REST:
            folds[term] = term[:-3]
        elif term.endswith("ian") and term[:-1] in vocabulary:
            folds[term] = term[:-1]
    return folds


def resolve_unknown(term: str, vocabulary: Container[str]) -> str:
    """`term` itself if known, else its known un-prefixed form, else `term` unchanged."""
    if term in vocabulary:
        return term
    for prefix in _PREFIXES:
        rest = term[len(prefix) :]
        if term.startswith(prefix) and len(rest) >= _MIN_REST and rest in vocabulary:
            return rest
    return term
