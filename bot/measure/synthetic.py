"""Synthetic corpora for benchmarks: Zipf-distributed tokens, queries and essay folders."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from pathlib import Path

import numpy as np

__all__ = [
    "SEED",
    "VOCABULARY",
    "essay_questions",
    "synthetic_corpus",
    "synthetic_queries",
    "write_essays",
]

VOCABULARY = 50_000
SEED = 20261128
_SYLLABLES = "ka lo mi ne so tu ra vi de po sha gri bel rus mon tar len dor fi qua".split()

Tokens = list[list[str]]


def _zipf_ids(rng: np.random.Generator, count: int) -> np.ndarray:
    ranks = np.arange(1, VOCABULARY + 1, dtype=np.float64)
    cdf = np.cumsum(1 / ranks)
    return np.searchsorted(cdf / cdf[-1], rng.random(count))


def synthetic_corpus(passages: int, seed: int = SEED) -> Tokens:
    """Passages of 40-120 (about 80) tokens drawn from a Zipf vocabulary of 50,000 words."""
    rng = np.random.default_rng(seed)
    lengths = rng.integers(40, 121, size=passages)
    words = np.array([f"w{i}" for i in range(VOCABULARY)], dtype=object)
    tokens = words[_zipf_ids(rng, int(lengths.sum()))].tolist()
    bounds = np.concatenate(([0], np.cumsum(lengths))).tolist()
    return [tokens[bounds[i] : bounds[i + 1]] for i in range(passages)]


def synthetic_queries(count: int, seed: int = SEED + 1) -> Tokens:
    """Queries of 2-8 distinct terms drawn from the same Zipf distribution as the text."""
    rng = np.random.default_rng(seed)
    queries = []
    for _ in range(count):
        ids = dict.fromkeys(_zipf_ids(rng, int(rng.integers(2, 9))).tolist())
        queries.append([f"w{i}" for i in ids])
    return queries


def write_essays(folder: Path, count: int = 1000, paragraphs: int = 100, seed: int = SEED) -> None:
    """A folder of `count` Markdown essays of `paragraphs` ~80-word paragraphs (~100k passages)."""
    rng = np.random.default_rng(seed)
    words = ["".join(s) for s in itertools.product(_SYLLABLES, repeat=3)][:VOCABULARY]
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        ids = _zipf_ids(rng, paragraphs * 80)
        lines = [f"# Essay {number}"]
        for p in range(paragraphs):
            if p % 20 == 0:
                lines.append(f"## Part {p // 20 + 1}")
            chunk = [words[i % len(words)] for i in ids[p * 80 : (p + 1) * 80]]
            sentences = [" ".join(chunk[i : i + 16]).capitalize() + "." for i in range(0, 80, 16)]
            lines.append(" ".join(sentences))
        (folder / f"essay-{number:04d}.md").write_text("\n\n".join(lines) + "\n", encoding="utf-8")


def essay_questions(
    texts: Sequence[str], count: int, words: int = 5, seed: int = SEED + 2
) -> list[str]:
    """Questions of `words` words of a random passage each (in its order), lower-cased."""
    rng = np.random.default_rng(seed)
    questions = []
    for i in rng.integers(0, len(texts), size=count).tolist():
        tokens = [t.strip(".").lower() for t in texts[i].split()]
        picked = np.sort(rng.choice(len(tokens), size=min(words, len(tokens)), replace=False))
        questions.append(" ".join(tokens[j] for j in picked.tolist()) + "?")
    return questions
