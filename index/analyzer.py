"""The one analyzer for passages and questions: normalise, lowercase, words, stopwords, stems."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import Stemmer

__all__ = ["STOPWORDS", "analyze", "normalize", "query_terms"]

# NLTK's English stopword list, which is what most BM25 setups use.
STOPWORDS = frozenset(
    """
    a about above after again against ain all am an and any are aren aren't as at be because been
    before being below between both but by can couldn couldn't d did didn didn't do does doesn
    doesn't doing don don't down during each few for from further had hadn hadn't has hasn hasn't
    have haven haven't having he her here hers herself him himself his how i if in into is isn
    isn't it it's its itself just ll m ma me mightn mightn't more most mustn mustn't my myself
    needn needn't no nor not now o of off on once only or other our ours ourselves out over own re
    s same shan shan't she she's should should've shouldn shouldn't so some such t than that
    that'll the their theirs them themselves then there these they this those through to too under
    until up ve very was wasn wasn't we were weren weren't what when where which while who whom why
    will with won won't wouldn wouldn't y you you'd you'll you're you've your yours yourself
    yourselves
    """.split()
)

_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"'})
_WORD = re.compile(r"[^\W_]+")
_stemmer = Stemmer.Stemmer("english")


def normalize(text: str) -> str:
    """NFKC, curly quotes made straight, case folded."""
    return unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold()


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    return str(_stemmer.stemWord(word))


def analyze(text: str) -> list[str]:
    """Index terms of `text`, in order, repeats kept (for passages)."""
    return [_stem(word) for word in _WORD.findall(normalize(text)) if word not in STOPWORDS]


def query_terms(text: str) -> list[str]:
    """Index terms of a question, each once (rank-bm25 would count a repeat twice)."""
    return list(dict.fromkeys(analyze(text)))
