"""ONNX Runtime's options for the encoder, measured: graph optimisation levels and int8 weights.

Run from the repository root: `PYTHONPATH=. python docs/encoder_options.py --levels` (session
creation and a question's embedding at each level, interleaved) or `--int8` (ONNX Runtime's
dynamic int8 quantization of the MatMuls: speed per gold question, how far the vectors move,
and the gold decisions it changes), or `--int8-question` (only the question embedded in
int8, the sentences' stored vectors float32 as shipped: the answers it changes on every gold
set, the blind ones included, with the shipped policy). Figures on a shared machine vary;
ratios count.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file

from bot import model_files as files
from bot.encoder import prepare
from bot.measure.evaluation import load_questions
from bot.similarity import load_model

ROOT = Path(__file__).resolve().parent.parent


def percentile(values: list[float], share: float) -> float:
    """The `share` quantile of `values`."""
    return float(np.quantile(values, share))


def levels(prepared: dict[str, np.ndarray], runs: int = 3) -> None:
    """ONNX Runtime's graph optimisation levels: session creation and a question's embedding."""
    import onnxruntime as ort

    from bot.encoder import graph_bytes

    named = {
        "none": ort.GraphOptimizationLevel.ORT_DISABLE_ALL,
        "basic": ort.GraphOptimizationLevel.ORT_ENABLE_BASIC,
        "extended": ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
        "all (the default)": ort.GraphOptimizationLevel.ORT_ENABLE_ALL,
    }
    graph = graph_bytes(prepared, None)
    values = {name: ort.OrtValue.ortvalue_from_numpy(a) for name, a in prepared.items()}
    ids = np.array([[101, 2054, 2515, 1996, 9491, 2360, 2055, 1996, 2586, 2110, 102]])
    created: dict[str, list[float]] = {name: [] for name in named}
    ran: dict[str, list[float]] = {name: [] for name in named}
    for _ in range(runs):  # levels interleaved, so each sees the same load
        for name, level in named.items():
            options = ort.SessionOptions()
            options.intra_op_num_threads = options.inter_op_num_threads = 1
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
            options.graph_optimization_level = level
            options.add_external_initializers(list(values), list(values.values()))
            start = time.perf_counter()
            session = ort.InferenceSession(graph, options, providers=["CPUExecutionProvider"])
            created[name].append(time.perf_counter() - start)
            for _ in range(30):
                start = time.perf_counter()
                session.run(None, {"input_ids": ids, "attention_mask": np.ones_like(ids)})
                ran[name].append((time.perf_counter() - start) * 1e3)
    for name in named:
        print(
            f"  {name}: session {statistics.median(created[name]):.3f} s, "
            f"question p50 {percentile(ran[name], 0.5):.2f} ms"
        )


def int8(prepared: dict[str, np.ndarray]) -> None:
    """ONNX Runtime's dynamic int8 quantization of the graph's MatMuls (per channel): speed per
    gold question against float32, how far its vectors move, and the gold decisions it changes
    (the cascade off, so meaning weighs every question)."""
    from dataclasses import replace

    import onnx
    import onnxruntime as ort
    from onnx import numpy_helper
    from onnxruntime.quantization import QuantType, quantize_dynamic

    from bot.answering import DEFAULT_POLICY, Answerer
    from bot.encoder import graph_bytes
    from bot.measure.cascade import sets
    from bot.similarity import best_similarity, model_words

    with tempfile.TemporaryDirectory() as folder:
        model = onnx.load_from_string(graph_bytes(prepared, None))
        kept = [i for i in model.graph.initializer if i.name not in prepared]
        del model.graph.initializer[:]
        model.graph.initializer.extend(kept)
        for name, array in prepared.items():
            model.graph.initializer.append(
                numpy_helper.from_array(np.ascontiguousarray(array), name)
            )
        full, quantized = f"{folder}/full.onnx", f"{folder}/int8.onnx"
        onnx.save(model, full)
        quantize_dynamic(
            full,
            quantized,
            weight_type=QuantType.QInt8,
            per_channel=True,
            op_types_to_quantize=["MatMul"],
        )
        options = ort.SessionOptions()
        options.intra_op_num_threads = options.inter_op_num_threads = 1
        session = ort.InferenceSession(quantized, options, providers=["CPUExecutionProvider"])
    load_model(threads=1)
    from bot import similarity

    tokenizer = similarity._model().tokenizer
    reference = similarity._model().encoder

    def vector(text: str, runner: object) -> np.ndarray:
        ids = np.array([tokenizer.encode(text).ids], dtype=np.int64)
        if runner is session:
            (out,) = session.run(None, {"input_ids": ids, "attention_mask": np.ones_like(ids)})
            return out[0] / np.linalg.norm(out[0])
        return reference.run(ids, np.ones_like(ids))[0]

    gold = sorted((ROOT / "tests/eval").glob("*.jsonl"))
    questions = list(dict.fromkeys(q.question for path in gold for q in load_questions(path)))
    spans: dict[str, list[float]] = {"float32": [], "int8": []}
    cosines = []
    for question in questions:
        start = time.perf_counter()
        exact = vector(question, reference)
        middle = time.perf_counter()
        approximate = vector(question, session)
        spans["float32"].append((middle - start) * 1e3)
        spans["int8"].append((time.perf_counter() - middle) * 1e3)
        cosines.append(float(exact @ approximate))
    for name, measured in spans.items():
        print(
            f"  {name}: p50 {percentile(measured, 0.5):.2f} ms, p99 {percentile(measured, 0.99):.2f} ms"
        )
    print(f"  cosine int8 to float32: min {min(cosines):.4f}, mean {statistics.mean(cosines):.4f}")

    def by_int8(question: str, texts: list[str]) -> float:
        if not texts:
            return 0.0
        q = vector(question, session)
        return max(0.0, max(float(vector(t, session) @ q) for t in texts))

    if "--int8-question" in sys.argv:
        return _question_only(lambda text: vector(text, session))
    off = replace(DEFAULT_POLICY, words_cover=float("inf"))
    changed = 0
    for name, (index, asked) in sets().items():
        exact_answerer = Answerer(index, off, best_similarity, english=model_words)
        int8_answerer = Answerer(index, off, by_int8, english=model_words)  # type: ignore[arg-type]
        differ = [
            q for q in asked if exact_answerer.ask(q).answered != int8_answerer.ask(q).answered
        ]
        changed += len(differ)
        print(f"  {name}: {len(asked)} questions, {len(differ)} decided otherwise {differ}")
    print(f"  int8 changes {changed} gold decisions")


def _question_only(int8_vector: Callable[[str], np.ndarray]) -> None:
    """The answers that change when only the question is embedded in int8."""
    from bot.answering import DEFAULT_POLICY, Answerer
    from bot.measure.cascade import EVAL, gold_sets
    from bot.similarity import _vectors, best_similarity, model_words
    from index import PassageIndex, load_documents

    def similarity(question: str, texts: Sequence[str]) -> float:
        if not texts:
            return 0.0
        return max(0.0, float((_vectors(list(texts)) @ int8_vector(question)).max()))

    sets = {name: (index, asked) for name, (index, asked) in gold_sets().items()}
    for folder in ("unseen", "blind"):
        for path in sorted((EVAL / folder).glob("*.jsonl")):
            index = PassageIndex(load_documents(path.with_suffix("")))
            sets[f"{folder}/{path.stem}"] = (index, load_questions(path))
    worse = better = 0
    for name, (index, asked) in sets.items():
        exact = Answerer(index, DEFAULT_POLICY, best_similarity, english=model_words)
        approximate = Answerer(index, DEFAULT_POLICY, similarity, english=model_words)
        for question in asked:
            before, after = exact.ask(question.question), approximate.ask(question.question)
            if before.answered != after.answered:
                right = after.answered == bool(question.relevant)
                worse, better = worse + (not right), better + right
                print(
                    f"  {name}: {question.question!r} answered {before.answered} -> "
                    f"{after.answered} ({'right' if right else 'wrong'} now)"
                )
    total = sum(len(asked) for _, asked in sets.values())
    print(f"  {worse + better} of {total} decisions changed: {better} right now, {worse} wrong")


if __name__ == "__main__":
    prepared = prepare(load_file(str(files.model_files()[0])))
    if "--int8" in sys.argv or "--int8-question" in sys.argv:
        print("int8 weights (ONNX Runtime's dynamic quantization), per gold question")
        int8(prepared)
    else:
        print("graph optimisation levels, median of 3 interleaved rounds")
        levels(prepared)
