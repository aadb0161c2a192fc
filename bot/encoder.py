"""The sentence model run by ONNX Runtime: sessions of bot/onnx_graph.py's graphs and the weights.

Two graphs: sentences run the model's 32-bit weights; questions run them rounded to 8 bits
(bot/quantized.py), each session made when first needed. A graph (40 KB, no weights) is built
once and kept in the cache folder; it is used only if its SHA-256 is the one pinned in
bot/model_files.py, which tests/test_similarity.py checks `build_graph` still gives. So a
start imports neither onnx nor builds anything (onnx and its ml_dtypes took seconds to import
on a busy machine), and the weights run are the verified file's own arrays.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime as ort
from numpy.typing import NDArray

from bot.model_files import GRAPH_SHA256, QUESTION_GRAPH_SHA256, UNSIGNED_GRAPH_SHA256
from bot.quantized import is_dense, load_maxima, prepare_questions

__all__ = [
    "GRAPH_SHA256",
    "QUESTION_GRAPH_SHA256",
    "UNSIGNED_GRAPH_SHA256",
    "Encoder",
    "graph_bytes",
    "prepare",
]

log = logging.getLogger(__name__)

Arrays = dict[str, NDArray[Any]]


def prepare(weights: Arrays, *, quantized: bool = False, unsigned: bool = False) -> Arrays:
    """The graph's initializers, from the safetensors arrays: dense layers as (in, out), or
    `quantized` as bot/quantized.py prepares them for questions (`unsigned`: its weights as
    unsigned bytes); the token-type row every token uses; the pooler (unused by
    sentence-transformers) left out."""
    prepared = prepare_questions(weights, load_maxima(), unsigned=unsigned) if quantized else {}
    for name, array in weights.items():
        if name.startswith("pooler.") or name == "embeddings.position_ids":
            continue
        if name == "embeddings.token_type_embeddings.weight":
            prepared["embeddings.token_type_0"] = np.ascontiguousarray(array[0])
        elif is_dense(name, array):
            if not quantized:  # stored (out, in)
                prepared[name] = np.ascontiguousarray(array.T)
        elif not (quantized and _dense_bias(name, weights)):  # 8 bits prepared their own
            prepared[name] = array
    return prepared


def _dense_bias(name: str, weights: Arrays) -> bool:
    weight = name.removesuffix(".bias") + ".weight"
    return name.endswith(".bias") and weight in weights and is_dense(weight, weights[weight])


def graph_bytes(prepared: Arrays, cache_dir: Path | None, *, quantized: bool = False) -> bytes:
    """The serialized graph (the questions' when `quantized`, with unsigned weights when
    `prepared` gives them zero points): from the cache folder when it holds the pinned one,
    else built."""
    unsigned = quantized and any(name.endswith(".zero") for name in prepared)
    pinned = (
        UNSIGNED_GRAPH_SHA256 if unsigned else QUESTION_GRAPH_SHA256 if quantized else GRAPH_SHA256
    )
    kind = "minilm-questions" if quantized else "minilm"
    path = cache_dir / f"{kind}-{pinned[:16]}.onnx" if cache_dir else None
    if path is not None and path.is_file():
        cached = path.read_bytes()
        if hashlib.sha256(cached).hexdigest() == pinned:
            return cached
        log.warning("ignoring %s: not the graph this version builds", path)
    from bot.onnx_graph import build_graph  # imports onnx: only when nothing is cached

    shapes = {name: (a.shape, a.dtype) for name, a in prepared.items()}
    built = build_graph(shapes, quantized=quantized)
    if path is not None and hashlib.sha256(built).hexdigest() == pinned:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.with_suffix(".tmp").write_bytes(built)
            path.with_suffix(".tmp").replace(path)
        except OSError as error:  # a read-only cache only costs the next start a build
            log.warning("could not cache the model's graph in %s: %s", path, error)
    return built


class Encoder:
    """ONNX Runtime sessions of the model's weights, with their thread count: one in
    float32, one with 8-bit dense layers (questions, where the CPU makes them sooner), each
    made when first needed."""

    def __init__(
        self,
        weights: Arrays,
        threads: int,
        cache_dir: Path | None = None,
        *,
        unsigned: bool = False,
    ) -> None:
        """`unsigned`: the 8-bit weights as unsigned bytes (bot/quantized.py), as a CPU
        without VNNI (`bot.similarity.int8_is_signed`) needs."""
        self._weights, self._threads, self._cache_dir = weights, threads, cache_dir
        self.unsigned = unsigned
        self._sessions: dict[bool, tuple[ort.InferenceSession, dict[str, ort.OrtValue]]] = {}
        self._lock = threading.Lock()

    def session(self, *, quantized: bool = False) -> ort.InferenceSession:
        """The 8-bit session or the float32 one, made on first use."""
        with self._lock:
            if quantized not in self._sessions:
                self._sessions[quantized] = self._start(quantized)
            return self._sessions[quantized][0]

    def _start(self, quantized: bool) -> tuple[ort.InferenceSession, dict[str, ort.OrtValue]]:
        prepared = prepare(self._weights, quantized=quantized, unsigned=self.unsigned)
        options = ort.SessionOptions()
        options.intra_op_num_threads = self._threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        # Spinning threads wait for work by burning a core: bad on a machine that is shared.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        # The session uses these arrays' memory, not a copy, so they live as long as it.
        values = {n: ort.OrtValue.ortvalue_from_numpy(a) for n, a in prepared.items()}
        options.add_external_initializers(list(values), list(values.values()))
        graph = graph_bytes(prepared, self._cache_dir, quantized=quantized)
        session = ort.InferenceSession(graph, options, providers=["CPUExecutionProvider"])
        return session, values

    def run(
        self, ids: NDArray[np.int64], mask: NDArray[np.int64], *, quantized: bool = False
    ) -> NDArray[np.float32]:
        """Unit vectors for a (batch, tokens) array of token ids and its attention mask; by
        the 8-bit session when `quantized`."""
        inputs = {"input_ids": ids, "attention_mask": mask}
        (vectors,) = self.session(quantized=quantized).run(None, inputs)
        return np.asarray(vectors, dtype=np.float32)
