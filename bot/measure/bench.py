"""`essaybot bench`: rank-bm25 vs essaybot's index (vs bm25s if installed) on synthetic corpora."""

from __future__ import annotations

import gc
import importlib
import logging
import os
import statistics
import time
import tracemalloc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from bot.measure.synthetic import (
    Tokens,
    synthetic_corpus,
    synthetic_queries,
    write_essays,
)
from index.bm25 import BM25, reference_model, reference_top
from index.okapi import floor_zero_idf

__all__ = [
    "ONE_THREAD_ENV",
    "Row",
    "latencies",
    "rank_bm25_search",
    "render_report",
    "render_table",
    "report",
    "rows_as_dicts",
    "run_benchmark",
    "same_ranking",
]

Query = TypeVar("Query", str, list[str])

TOP = 10
CANDIDATES = 100  # what `PassageIndex.search` asks BM25 for
BUILDS = 3
# The sentence encoder's matrix products: one thread, so runs compare on a shared machine.
BLAS_THREADS = 1
ONE_THREAD_ENV = {f"{n}_NUM_THREADS": str(BLAS_THREADS) for n in ("OPENBLAS", "OMP", "MKL")}


@dataclass(frozen=True)
class Row:
    """One system on one corpus size."""

    system: str
    passages: int
    build_s: float
    p50_ms: float
    p99_ms: float
    peak_mb: float
    exact: bool | None  # essaybot's top 10 equals rank-bm25's (None: not checked)


def same_ranking(ours: Sequence[tuple[int, float]], theirs: Sequence[tuple[int, float]]) -> bool:
    """Same passage ids in the same order, scores within 1e-9 relative."""
    return [i for i, _ in ours] == [i for i, _ in theirs] and all(
        abs(a - b) <= 1e-9 * max(abs(a), abs(b))
        for (_, a), (_, b) in zip(ours, theirs, strict=True)
    )


def _peak_mb(build: Callable[[], object]) -> float:
    gc.collect()
    tracemalloc.start()
    model = build()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    del model
    return peak / 2**20


def latencies(search: Callable[[Query], object], queries: Sequence[Query]) -> list[float]:
    """Milliseconds `search` takes on each of `queries`."""
    times = []
    for query in queries:
        start = time.perf_counter()
        search(query)
        times.append((time.perf_counter() - start) * 1000)
    return times


def _row(
    name: str,
    corpus: Tokens,
    queries: Tokens,
    build: Callable[[], Any],
    search: Callable[[Any, list[str]], object],
    exact: bool | None = None,
) -> Row:
    builds = []
    for _ in range(BUILDS):  # the best of a few: a build is long enough to catch noise
        gc.collect()
        start = time.perf_counter()
        model = build()
        builds.append(time.perf_counter() - start)
        if len(builds) < BUILDS:
            del model
    times = latencies(partial(search, model), queries)
    del model
    peak = _peak_mb(build)
    p99 = float(np.percentile(times, 99))
    return Row(name, len(corpus), min(builds), statistics.median(times), p99, peak, exact)


def rank_bm25_search(model: Any, query: list[str]) -> object:
    """Scores then a sort, the way rank-bm25's README (get_top_n) ranks."""
    return np.argsort(model.get_scores(query))[::-1][:TOP]


def _essaybot_search(model: BM25, query: list[str]) -> object:
    return model.top(query, TOP)


def _bm25s_row(corpus: Tokens, queries: Tokens) -> Row | None:
    try:
        import bm25s
    except ImportError:
        return None
    logging.getLogger("bm25s").setLevel(logging.ERROR)  # it logs every index build

    def build() -> Any:
        retriever = bm25s.BM25(method="robertson")  # rank-bm25's Okapi family
        retriever.index(corpus, show_progress=False)
        return retriever

    def search(retriever: Any, query: list[str]) -> object:
        return retriever.retrieve([query], k=TOP, show_progress=False, n_threads=1)

    return _row("bm25s", corpus, queries, build, search)


def run_benchmark(
    sizes: Sequence[int], queries: int = 200, progress: Callable[[str], None] = lambda _: None
) -> list[Row]:
    """Build and query each system on each size; check essaybot against rank-bm25."""
    query_tokens = synthetic_queries(queries)
    rows: list[Row] = []
    for size in sizes:
        progress(f"generating {size:,} passages")
        corpus = synthetic_corpus(size)
        progress(f"rank-bm25 on {size:,} passages")
        okapi = floor_zero_idf(reference_model(corpus))  # the one idf essaybot changes
        scores = [okapi.get_scores(q) for q in query_tokens]
        del okapi
        rows.append(
            _row(
                "rank-bm25",
                corpus,
                query_tokens,
                partial(reference_model, corpus),
                rank_bm25_search,
            )
        )
        progress(f"essaybot on {size:,} passages")
        ours = BM25(corpus)
        exact = {
            k: all(
                same_ranking(ours.top(q, k), reference_top(s, k))
                for q, s in zip(query_tokens, scores, strict=True)
            )
            for k in (TOP, CANDIDATES)
        }
        del scores
        candidates = latencies(partial(ours.top, k=CANDIDATES), query_tokens)
        del ours
        row = _row(
            "essaybot", corpus, query_tokens, partial(BM25, corpus), _essaybot_search, exact[TOP]
        )
        rows.append(row)
        # The same index asked for PassageIndex.search's candidates (built and sized above).
        rows.append(
            replace(
                row,
                system=f"essaybot@{CANDIDATES}",
                p50_ms=statistics.median(candidates),
                p99_ms=float(np.percentile(candidates, 99)),
                exact=exact[CANDIDATES],
            )
        )
        progress(f"bm25s on {size:,} passages")
        bm25s_row = _bm25s_row(corpus, query_tokens)
        if bm25s_row:
            rows.append(bm25s_row)
    return rows


def rows_as_dicts(rows: Sequence[Row]) -> list[dict[str, Any]]:
    """Rows for JSON output."""
    return [asdict(row) for row in rows]


def render_table(rows: Sequence[Row]) -> str:
    """A plain-text table, with essaybot's figures as ratios of rank-bm25's."""
    lines = [
        f"{'system':<12} {'passages':>9} {'build s':>8} {'p50 ms':>9} {'p99 ms':>9} "
        f"{'peak MB':>8}  vs rank-bm25 (p50 speed-up, build, memory)  exact"
    ]
    baseline = {r.passages: r for r in rows if r.system == "rank-bm25"}
    for r in rows:
        base = baseline[r.passages]
        ratios = (
            (
                f"{base.p50_ms / r.p50_ms:7.0f}x  {r.build_s / base.build_s:5.2f}x  "
                f"{r.peak_mb / base.peak_mb:5.2f}x"
            )
            if r is not base
            else ""
        )
        exact = "" if r.exact is None else ("yes" if r.exact else "NO")
        lines.append(
            f"{r.system:<12} {r.passages:>9,} {r.build_s:8.2f} {r.p50_ms:9.3f} "
            f"{r.p99_ms:9.3f} {r.peak_mb:8.1f}  {ratios:<42} {exact}"
        )
    return "\n".join(lines)


@contextmanager
def _blas_threads(count: int) -> Iterator[str]:
    """Numpy's BLAS limited to `count` threads (with threadpoolctl); what was set."""
    try:
        threadpoolctl: Any = importlib.import_module("threadpoolctl")
    except ImportError:
        yield os.environ.get("OPENBLAS_NUM_THREADS", "default")
        return
    with threadpoolctl.threadpool_limits(count):
        yield str(count)


def report(
    sizes: Sequence[int],
    queries: int,
    seeds: Path,
    questions: Sequence[str],
    essays: Path | None = None,
    progress: Callable[[str], None] = lambda _: None,
) -> dict[str, Any]:
    """Every figure of `essaybot bench`: the systems, big seeds end to end, the shipped essay."""
    # Imported here: bench_answers uses this module's timing helpers.
    from bot.measure.bench_answers import time_end_to_end, time_loading, time_shipped_essay

    with _blas_threads(BLAS_THREADS) as threads:
        figures: dict[str, Any] = {"machine": _machine(threads)}
        figures["rows"] = rows_as_dicts(run_benchmark(sizes, queries, progress))
        if essays is not None:
            if not essays.exists():
                progress(f"writing 1,000 essays to {essays}")
                write_essays(essays)
            progress(f"loading {essays}")
            loading, built = time_loading(essays)
            figures["big_seeds"] = asdict(loading)
            progress(f"answering questions over {essays}")
            figures["end_to_end"] = asdict(time_end_to_end(built))
            del built
        progress("the shipped essay")
        figures["shipped_essay"] = time_shipped_essay(seeds, questions)
        figures["machine"]["load_after"] = os.getloadavg()[0]
    return figures


def _machine(blas_threads: str) -> dict[str, Any]:
    return {
        "cores": os.cpu_count(),
        "blas_threads": blas_threads,
        "load_before": os.getloadavg()[0],
    }


def render_report(figures: dict[str, Any]) -> str:
    """The table, then the big-seeds and shipped-essay figures, one line each."""
    lines = [render_table([Row(**row) for row in figures["rows"]])]
    for name in ("big_seeds", "end_to_end", "shipped_essay", "machine"):
        if name in figures:
            values = ", ".join(
                f"{k} {v:,.3f}"
                if isinstance(v, float)
                else f"{k} {v:,}"
                if isinstance(v, int)
                else f"{k} {v}"
                for k, v in figures[name].items()
            )
            lines.append(f"\n{name}: {values}")
    return "\n".join(lines)
