"""Corpus-aware folding of word variants the stemmer leaves apart.

- Demonyms onto their country: "belarusian" -> "belarus", "russian" -> "russia" (only when
  both forms occur in the corpus, so "german" never becomes "germ" unless "germ" is there).
- A question word the corpus lacks, tried without a prefix ("uncomfortable" -> "comfort"),
  then as the other of a place and its people ("Europe" -> "european" when the corpus says
  only "European"; "Koreans" -> "korea" when it says only "Korea").
"""

from __future__ import annotations

from collections.abc import Container, Set

__all__ = ["fold_demonyms", "resolve_unknown"]

_PREFIXES = ("un", "non", "dis", "mis", "re")
_DEMONYM_ENDINGS = ("ian", "ean", "an", "n")  # checked by _place_and_people
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
    """`term` itself if known, else a known un-prefixed or place/people form, else `term`."""
    if term in vocabulary:
        return term
    for prefix in _PREFIXES:
        rest = term[len(prefix) :]
        if term.startswith(prefix) and len(rest) >= _MIN_REST and rest in vocabulary:
            return rest
    for ending in _DEMONYM_ENDINGS:
        base, longer = term.removesuffix(ending), term + ending
        if _place_and_people(base, ending) and base != term and base in vocabulary:
            return base  # "korean" -> "korea"
        if _place_and_people(term, ending) and longer in vocabulary:
            return longer  # "europ" -> "european"
    return term


def _place_and_people(base: str, ending: str) -> bool:
    """Whether `base` + `ending` may be a place's people: "europ" + "ean", "korea" + "n",
    "chile" + "an". A bare "n" follows "a" and "an" follows "e" or "i" only, so that "given"
    is not taken for "give" + "n", nor "began" for "beg" + "an"."""
    if len(base) < _MIN_REST:
        return False
    return len(ending) == 3 or base[-1] in {"n": "a", "an": "ei"}[ending]
