"""The encoder's runtime, measured: ONNX Runtime beside the numpy encoder, in one process.

Run from the repository root: `PYTHONPATH=. python docs/encoder_bench.py [OLD_CHECKOUT]`
(docs/encoder_options.py measures int8 weights and graph optimisation levels). Prints per-text
latency for short texts (the gold questions) and sentences (interleaved text by text, so both
see the same load), agreement, cold-start costs (a fresh interpreter loading each runtime and
embedding one question, interleaved) and corpus batching. Figures on a shared machine vary run
to run; the ratios are what count.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file
from threadpoolctl import threadpool_limits
from tokenizers import Tokenizer

from bot import model_files as files
from bot.encoder import Encoder, prepare
from bot.measure.evaluation import load_questions
from bot.numpy_encoder import NumpyEncoder as MappedEncoder
from bot.numpy_encoder import map_safetensors
from bot.onnx_graph import build_graph
from bot.similarity import embed, load_model
from index import PassageIndex, load_documents, sentence_spans
from tests.test_similarity import REFERENCE, REFERENCE_COSINES, TEXTS

ROOT = Path(__file__).resolve().parent.parent


class NumpyEncoder:
    """bot/numpy_encoder.py's encoder with the model's tokenizer, one text at a time."""

    def __init__(self, weights_path: Path, tokenizer_path: Path) -> None:
        self.tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self.tokenizer.enable_truncation(256)
        self.tokenizer.no_padding()
        self.encoder = MappedEncoder(map_safetensors(weights_path))

    def embed(self, text: str) -> np.ndarray:
        """The unit vector of `text`."""
        return self.encoder.embed_ids(np.array(self.tokenizer.encode(text).ids, dtype=np.int64))


def cold_embed(runs: int = 10) -> None:
    """A fresh interpreter loading each runtime and embedding one question, interleaved."""
    code = (
        "import sys, time; t = time.perf_counter(); from bot import similarity; "
        "similarity.use_model(threads=1, cache_dir=__import__('pathlib').Path(sys.argv[2]), "
        "runtime=sys.argv[1]); similarity.embed(['Why do the neighbours keep complaining?']); "
        "print(time.perf_counter() - t)"
    )
    spans: dict[str, list[float]] = {"numpy": [], "onnx": []}
    with tempfile.TemporaryDirectory() as cache:
        for _ in range(runs):
            for runtime, measured in spans.items():
                result = subprocess.run(
                    [sys.executable, "-c", code, runtime, cache],
                    capture_output=True,
                    text=True,
                    check=True,
                    cwd=ROOT,
                )
                measured.append(float(result.stdout))
    for runtime, measured in spans.items():
        print(
            f"  {runtime}: import, load, embed one question: median {statistics.median(measured):.3f} s"
        )


def sentences(folders: list[Path]) -> list[str]:
    """The distinct sentences of the passages of the essays in `folders`."""
    found = []
    for folder in folders:
        index = PassageIndex(load_documents(folder))
        found += [p.text[a:b] for p in index.passages for a, b in sentence_spans(p.text)]
    return list(dict.fromkeys(found))


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of `values` lie."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def seconds(run: Callable[[], object], times: int = 3) -> float:
    """The median wall time of `times` runs of `run`."""
    spans = []
    for _ in range(times):
        start = time.perf_counter()
        run()
        spans.append(time.perf_counter() - start)
    return statistics.median(spans)


def import_seconds(module: str) -> float:
    """The median time a fresh interpreter takes to import `module` (3 runs)."""
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    runs = [
        float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout)
        for _ in range(3)
    ]
    return statistics.median(runs)


def per_text(texts: list[str], numpy_encoder: NumpyEncoder, weights: dict[str, np.ndarray]) -> None:
    """Each text embedded alone by both encoders in turn, at 1 and 2 threads."""
    tokenizer = numpy_encoder.tokenizer
    for threads in (1, 2):
        ort_encoder = Encoder(weights, threads)
        with threadpool_limits(limits=threads, user_api="blas"):
            by_numpy, by_ort = [], []
            for _ in range(2):
                for text in texts:
                    ids = np.array([tokenizer.encode(text).ids], dtype=np.int64)
                    start = time.perf_counter()
                    numpy_encoder.embed(text)
                    middle = time.perf_counter()
                    ort_encoder.run(ids, np.ones_like(ids))
                    by_numpy.append((middle - start) * 1e3)
                    by_ort.append((time.perf_counter() - middle) * 1e3)
        ratio = statistics.median(n / o for n, o in zip(by_numpy, by_ort, strict=True))
        print(
            f"  {threads} thread(s): numpy p50 {percentile(by_numpy, 0.5):.1f} ms, "
            f"p99 {percentile(by_numpy, 0.99):.1f} ms; ONNX Runtime p50 "
            f"{percentile(by_ort, 0.5):.1f} ms, p99 {percentile(by_ort, 0.99):.1f} ms; "
            f"numpy/ORT per text (median) {ratio:.2f}x"
        )


def batching(texts: list[str], encoder: Encoder, tokenizer: object) -> None:
    """A corpus embedded one text at a time, or in length-sorted padded batches."""
    encoded = [tokenizer.encode(text).ids for text in texts]  # type: ignore[attr-defined]
    by_length = sorted(range(len(texts)), key=lambda i: len(encoded[i]))

    def run(size: int) -> np.ndarray:
        vectors = np.zeros((len(texts), 384), dtype=np.float32)
        for at in range(0, len(by_length), size):
            chunk = by_length[at : at + size]
            ids = np.zeros((len(chunk), max(len(encoded[i]) for i in chunk)), dtype=np.int64)
            mask = np.zeros_like(ids)
            for row, i in enumerate(chunk):
                ids[row, : len(encoded[i])], mask[row, : len(encoded[i])] = encoded[i], 1
            vectors[chunk] = encoder.run(ids, mask)
        return vectors

    alone = run(1)
    spans: dict[int, list[float]] = {size: [] for size in (1, 8, 32)}
    for _ in range(3):  # sizes interleaved, so each sees the same load
        for size in spans:
            start = time.perf_counter()
            vectors = run(size)
            spans[size].append(time.perf_counter() - start)
    for size, measured in spans.items():
        worst = 1 - float((run(size) * alone).sum(axis=1).min())
        print(
            f"  batch {size:2}: {len(texts) / statistics.median(measured):6.1f} sentences/s, "
            f"largest 1 - cosine to the text alone {worst:.1e}"
        )
    del vectors


COLD_QUESTIONS = [
    "Why is the current format of Russia-Belarus relations a dead end?",  # decided by words
    "What did Putin say?",  # names the unknown: declined by words
    "Why does Belarus complain?",  # needs meaning: loads the model
]


def cold_ask(checkouts: dict[str, Path], runs: int = 10) -> None:
    """`essaybot ask` in a fresh process from each checkout, interleaved, median of `runs`."""
    for question in COLD_QUESTIONS:
        spans: dict[str, list[float]] = {name: [] for name in checkouts}
        for _ in range(runs):
            for name, checkout in checkouts.items():
                start = time.perf_counter()
                subprocess.run(
                    [sys.executable, "-m", "bot", "ask", question, "--seeds", str(ROOT / "seeds")],
                    cwd=checkout,
                    env={**os.environ, "PYTHONPATH": str(checkout)},
                    capture_output=True,
                    check=True,
                )
                spans[name].append(time.perf_counter() - start)
        medians = ", ".join(f"{n} {statistics.median(m):.3f} s" for n, m in spans.items())
        print(f"  {question!r}: {medians} (load {os.getloadavg()[0]:.1f})")


def decisions() -> None:
    """Every gold set (not unseen/) answered with each runtime: decisions that differ, and the
    shipped essay's held-out questions timed in process with each (the cascade on)."""
    from dataclasses import replace

    from bot.answering import DEFAULT_POLICY, Answerer
    from bot.measure.cascade import sets
    from bot.similarity import best_similarity, model_words, unload_model, use_model

    off = replace(DEFAULT_POLICY, words_cover=float("inf"))
    answers: dict[str, list[bool]] = {}
    for runtime in ("onnx", "numpy"):
        unload_model()
        use_model(threads=1, runtime=runtime)  # type: ignore[arg-type]
        for name, (index, questions) in sets().items():
            answerer = Answerer(index, off, best_similarity, english=model_words)
            answers[f"{runtime} {name}"] = [answerer.ask(q).answered for q in questions]
    for name, (_, questions) in sets().items():
        differ = [
            q
            for q, a, b in zip(
                questions, answers[f"onnx {name}"], answers[f"numpy {name}"], strict=True
            )
            if a != b
        ]
        print(f"  {name}: {len(questions)} questions, {len(differ)} decided otherwise {differ}")
    index, questions = sets()["heldout"]
    times: dict[str, list[float]] = {"onnx": [], "numpy": []}
    for runtime, measured in times.items():  # one runtime after the other (per_text interleaves)
        unload_model()  # and its cache of sentence vectors, which the other would reuse
        load_model(threads=1, runtime=runtime)  # type: ignore[arg-type]
        answerer = Answerer(index, DEFAULT_POLICY, best_similarity, english=model_words)
        for question in questions:
            start = time.perf_counter()
            answerer.ask(f"{question} ({runtime})")  # new to the vector cache
            measured.append((time.perf_counter() - start) * 1e3)
    for runtime, measured in times.items():
        print(
            f"  held-out questions in process, {runtime}: p50 {percentile(measured, 0.5):.2f} ms,"
            f" p99 {percentile(measured, 0.99):.2f} ms"
        )


if __name__ == "__main__":
    weights_path, tokenizer_path = files.model_files()
    weights = load_file(str(weights_path))
    prepared = prepare(weights)
    shapes = {name: (a.shape, a.dtype) for name, a in prepared.items()}
    with tempfile.TemporaryDirectory() as cache:
        steps = {
            "import onnxruntime (fresh interpreter)": lambda: import_seconds("onnxruntime"),
            "import onnx (fresh interpreter; only to build the graph)": lambda: import_seconds(
                "onnx"
            ),
            "import numpy (fresh interpreter)": lambda: import_seconds("numpy"),
        }
        print("cold start, median of 3")
        for label, measure in steps.items():
            print(f"  {label} {measure():.2f} s")
        timed = {
            "SHA-256 of the weights": lambda: files.sha256(weights_path),
            "SHA-256 of the tokenizer": lambda: files.sha256(tokenizer_path),
            "verify, both files known by size and mtime": lambda: files.verify(
                (weights_path, tokenizer_path), Path(cache)
            ),
            "read the safetensors": lambda: load_file(str(weights_path)),
            "prepare the arrays (transposes)": lambda: prepare(weights),
            "build the graph (no weights)": lambda: build_graph(shapes),
            "ONNX Runtime session, graph cached": lambda: Encoder(weights, 1, Path(cache)),
            "numpy encoder's load (mapped, with its tokenizer)": lambda: NumpyEncoder(
                weights_path, tokenizer_path
            ),
        }
        for label, run in timed.items():
            print(f"  {label} {seconds(run):.3f} s")

    print(f"cold start of each runtime, {os.getloadavg()[0]:.1f} load, median of 10 interleaved")
    cold_embed()
    numpy_encoder = NumpyEncoder(weights_path, tokenizer_path)
    gold = sorted((ROOT / "tests/eval").glob("*.jsonl"))
    questions = list(dict.fromkeys(q.question for path in gold for q in load_questions(path)))
    print(f"per text, {len(questions)} gold questions (not unseen/), each alone, 2 rounds")
    per_text(questions, numpy_encoder, weights)
    essay = sentences([ROOT / "seeds"])
    print(f"per text, the shipped essay's {len(essay)} sentences, each alone, 2 rounds")
    per_text(essay, numpy_encoder, weights)

    load_model()
    ours = embed(essay)
    cosines = (ours * np.stack([numpy_encoder.embed(t) for t in essay])).sum(axis=1)
    print(f"agreement: cosine to numpy min {cosines.min():.7f}, mean {cosines.mean():.7f}")
    stored = embed(TEXTS)
    pairs = max(abs(float(stored[a] @ stored[b]) - c) for (a, b), c in REFERENCE_COSINES.items())
    first = np.abs(stored[:, :6] - np.array(REFERENCE)).max()
    print(
        f"  to sentence-transformers' stored vectors: largest difference {first:.1e}, "
        f"in a pair's cosine {pairs:.1e}"
    )

    corpus = sentences([ROOT / "seeds", *sorted((ROOT / "tests/eval").glob("*-essay"))])
    print(f"batching, {len(corpus)} sentences of five essays, 1 thread, median of 3")
    with threadpool_limits(limits=1, user_api="blas"):
        batching(corpus, Encoder(weights, 1), numpy_encoder.tokenizer)

    print("decisions by runtime (the cascade off), and new questions in process")
    decisions()
    if len(sys.argv) > 1:  # an older checkout to compare a cold ask with
        print("cold `essaybot ask` on the shipped essay, median of 10 interleaved runs each")
        cold_ask({"old (" + sys.argv[1] + ")": Path(sys.argv[1]), "this": ROOT})
