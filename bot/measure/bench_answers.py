"""`essaybot bench`'s answer timings: loading big seeds, answering end to end, the shipped essay."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from bot.measure.bench import ONE_THREAD_ENV, latencies, rank_bm25_search
from bot.measure.synthetic import essay_questions
from index.bm25 import reference_model
from index.patterns import compile_all
from index.spelling import prepare as prepare_spelling

if TYPE_CHECKING:
    from bot.answering import Answerer
    from index import PassageIndex

__all__ = [
    "TARGETS",
    "EndToEnd",
    "LoadTimes",
    "time_end_to_end",
    "time_loading",
    "time_shipped_essay",
]


@dataclass(frozen=True)
class LoadTimes:
    """Seconds from a seeds folder to the first answer, without and with the disk cache."""

    passages: int
    build_s: float
    cached_build_s: float
    cache_hit_s: float
    first_answer_ms: float


def time_loading(
    seeds: Path, question: str = "What does the essay say?"
) -> tuple[LoadTimes, PassageIndex]:
    """Time loading a big seeds folder: plain build, build that writes the cache, cache hit."""
    from bot.answering import DEFAULT_POLICY, Answerer
    from bot.index_cache import load_index
    from bot.sentence_vectors import SentenceVectors
    from bot.similarity import model_words, word_vectors

    with tempfile.TemporaryDirectory() as cache:
        timings = []
        for cache_dir in (None, Path(cache), Path(cache)):
            start = time.perf_counter()
            built = load_index(seeds, cache_dir)
            timings.append(time.perf_counter() - start)
        start = time.perf_counter()
        similarity = SentenceVectors().similarity  # the first question: no vector stored
        Answerer(built, DEFAULT_POLICY, similarity, english=model_words(), words=word_vectors).ask(
            question
        )
        first = (time.perf_counter() - start) * 1000
    plain, writing, hit = timings
    return LoadTimes(len(built.passages), plain, writing, hit, first), built


# The targets of the shipped essay's figures (the project's issue "Fast meaning").
TARGETS = {"new_question_p50_ms": 2.0, "new_question_p99_ms": 10.0, "cold_ask_median_s": 0.30}


def _cold_env(cache: str) -> dict[str, str]:
    """The environment of the cold starts: one thread, `cache` for the cache folder and for
    Python's compiled modules, written by the first, untimed start (as a user's are by their
    first), even where the environment says not to write them (PYTHONDONTWRITEBYTECODE):
    otherwise every start compiles essaybot's source again (0.1 s on session 45's machine),
    which no installed program does, while the floor's numpy is compiled at install."""
    env = {**os.environ, **ONE_THREAD_ENV, "ESSAYBOT_CACHE_DIR": cache}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return {**env, "PYTHONPYCACHEPREFIX": os.path.join(cache, "bytecode")}


def time_shipped_essay(seeds: Path, questions: Sequence[str], runs: int = 10) -> dict[str, Any]:
    """Median cold `essaybot ask` wall time (its sentence vectors stored by an earlier start)
    beside its floor (a fresh Python importing numpy, which every question needs, run after
    each; pydantic-settings is not imported when the settings were kept by an earlier start),
    and in-process answer latency (the Discord path).

    The cold runs ask the first `runs` questions, one each, so questions the words decide and
    questions that load the model are both timed; `model_loaded_cold` counts the latter.
    """
    from bot.answering import DEFAULT_POLICY, Answerer, prepare_synonyms
    from bot.sentence_vectors import open_vectors
    from bot.similarity import load_model, model_words, word_vectors
    from index import PassageIndex, load_documents

    walls, floors, loaded = [], [], 0
    floor = [sys.executable, "-c", "import numpy"]  # no start can be faster
    probe = "import sys; print('bot.numpy_encoder' in sys.modules or 'bot.encoder' in sys.modules)"
    with tempfile.TemporaryDirectory() as cache:
        env = _cold_env(cache)
        ask = [sys.executable, "-m", "bot", "ask", "--seeds", str(seeds)]
        # The first start embeds the essay's sentences (it is under the build limit), untimed.
        subprocess.run([*ask, questions[0]], check=True, capture_output=True, env=env)
        for question in (list(questions) * runs)[:runs]:
            start = time.perf_counter()
            subprocess.run([*ask, question], check=True, capture_output=True, env=env)
            walls.append(time.perf_counter() - start)
            start = time.perf_counter()
            subprocess.run(floor, check=True, env=env)
            floors.append(time.perf_counter() - start)
            # Whether that question loaded the model, asked again in a process that says so
            argv = ["ask", question, "--seeds", str(seeds)]
            code = f"from bot.cli import main; main({argv!r});"
            shown = subprocess.run(
                [sys.executable, "-c", code + probe],
                check=True,
                capture_output=True,
                text=True,
                env=env,
            )
            loaded += shown.stdout.strip().endswith("True")
        load_model()
        prepare_spelling(model_words())  # as the long-running front ends do at start
        index = PassageIndex(load_documents(seeds))
        index.keep_terms()  # as they do
        prepare_synonyms(index, word_vectors)  # and this
        compile_all()  # and this
        vectors = open_vectors(index, seeds, Path(cache))  # every sentence, from the first start
    embedded: list[str] = []

    def similarity(question: str, texts: Sequence[str], heading: str = "", /) -> float:
        embedded.append(question)
        return vectors.similarity(question, texts, heading)

    answerer = Answerer(index, DEFAULT_POLICY, similarity, english=model_words, words=word_vectors)
    # First pass: every question new (its vector is computed; its passages' sentences' were
    # at build); then the same questions again, from the caches.
    first = _answer_times(answerer, questions)
    skipped = len(questions) - len(set(embedded))
    again = _answer_times(answerer, list(questions) * 4)
    figures: dict[str, Any] = {
        "cold_ask_median_s": statistics.median(walls),
        "cold_ask_max_s": max(walls),
        "cold_runs": len(walls),
        "cold_floor_median_s": statistics.median(floors),
        "model_loaded_cold": loaded,
        "new_question_p50_ms": statistics.median(first),
        "new_question_p99_ms": float(np.percentile(first, 99)),
        "repeated_question_p50_ms": statistics.median(again),
        "repeated_question_p99_ms": float(np.percentile(again, 99)),
        "questions": len(first),
        "model_not_run": skipped,
    }
    figures["targets_met"] = " ".join(
        f"{name}<={target}:{'yes' if figures[name] <= target else 'no'}"
        for name, target in TARGETS.items()
    )
    return figures


@dataclass(frozen=True)
class EndToEnd:
    """Per new question over a big folder: `Answerer.ask` against naive rank-bm25.

    `ask` is with the sentence vectors stored, as after a full build or once questions
    have used those passages: the question alone is embedded. `first_use` is the same
    questions asked first, when the sentences of the passages they weigh are embedded too.
    """

    passages: int
    questions: int
    ask_p50_ms: float
    ask_p99_ms: float
    first_use_p50_ms: float
    first_use_p99_ms: float
    embed_question_p50_ms: float  # the encoder on the question alone, its part of `ask`
    search_p50_ms: float  # PassageIndex.search alone, its part of `ask`
    search_p99_ms: float
    rank_bm25_questions: int
    rank_bm25_p50_ms: float  # get_scores + a sort over the same passages' index terms
    rank_bm25_p99_ms: float
    speedup_p50: float  # rank_bm25_p50_ms / ask_p50_ms
    first_use_speedup_p50: float  # rank_bm25_p50_ms / first_use_p50_ms
    model_not_run: int  # of the questions, those the words decided (the cascade)


def time_end_to_end(built: PassageIndex, questions: int = 40, baseline: int = 20) -> EndToEnd:
    """Time answering new questions (5 words of a random passage) against rank-bm25's ranking:
    first with no sentence vector stored, then with those the questions need stored."""
    from bot.answering import DEFAULT_POLICY, Answerer
    from bot.sentence_vectors import SentenceVectors
    from bot.similarity import embed_question, load_model, model_key, model_words, word_vectors

    asked = essay_questions([p.text for p in built.passages], questions + 1)
    warm = asked.pop()
    load_model()
    with tempfile.TemporaryDirectory() as folder:
        vectors = SentenceVectors(Path(folder), model_key())
        answerer = Answerer(
            built, DEFAULT_POLICY, vectors.similarity, english=model_words(), words=word_vectors
        )
        answerer.ask(warm)  # the first answer's one-time costs (the English word list...)
        first_use = _answer_times(answerer, asked)
        vectors.save()
        # The same questions, new again to a process that reads the vectors saved: the
        # sentences they weigh are all stored, their own vectors are not.
        stored = SentenceVectors(Path(folder), model_key())
        stored.load()
    weighed: set[str] = set()

    def similarity(question: str, texts: Sequence[str], heading: str = "", /) -> float:
        weighed.add(question)
        return stored.similarity(question, texts, heading)

    answerer = Answerer(
        built, DEFAULT_POLICY, similarity, english=model_words(), words=word_vectors
    )
    ask = _answer_times(answerer, asked)
    embedding = latencies(embed_question, asked)
    search = latencies(partial(built.search, k=answerer.policy.top_k), asked)
    okapi = reference_model([built.terms(f"{p.section}\n{p.text}") for p in built.passages])
    naive = latencies(partial(rank_bm25_search, okapi), [built.query(q) for q in asked[:baseline]])
    del okapi
    p50, first_p50, naive_p50 = map(statistics.median, (ask, first_use, naive))
    return EndToEnd(
        len(built.passages),
        len(ask),
        p50,
        float(np.percentile(ask, 99)),
        first_p50,
        float(np.percentile(first_use, 99)),
        statistics.median(embedding),
        statistics.median(search),
        float(np.percentile(search, 99)),
        len(naive),
        naive_p50,
        float(np.percentile(naive, 99)),
        naive_p50 / p50,
        naive_p50 / first_p50,
        len(set(asked) - weighed),
    )


def _answer_times(answerer: Answerer, questions: Sequence[str]) -> list[float]:
    times = []
    for question in questions:
        start = time.perf_counter()
        answerer.ask(question)
        times.append((time.perf_counter() - start) * 1000)
    return times
