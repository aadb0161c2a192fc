"""The sentence model run by ONNX Runtime: a session of bot/onnx_graph.py's graph and the weights.

The graph (40 KB, no weights) is built once and kept in the cache folder; it is used only if
its SHA-256 is the one pinned in bot/model_files.py, which tests/test_similarity.py checks
`build_graph` still gives. So a start imports neither onnx nor builds anything (onnx and its
ml_dtypes took seconds to import on a busy machine), and the weights run are the verified
file's own arrays.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime as ort
from numpy.typing import NDArray

from bot.model_files import GRAPH_SHA256

__all__ = ["GRAPH_SHA256", "Encoder", "graph_bytes", "prepare"]

log = logging.getLogger(__name__)

Arrays = dict[str, NDArray[Any]]


def prepare(weights: Arrays) -> Arrays:
    """The graph's initializers, from the safetensors arrays: dense layers as (in, out), the
    token-type row every token uses; the pooler (unused by sentence-transformers) left out."""
    prepared = {}
    for name, array in weights.items():
        if name.startswith("pooler.") or name == "embeddings.position_ids":
            continue
        if name == "embeddings.token_type_embeddings.weight":
            prepared["embeddings.token_type_0"] = np.ascontiguousarray(array[0])
        elif array.ndim == 2 and "embeddings" not in name:
            prepared[name] = np.ascontiguousarray(array.T)  # stored (out, in)
        else:
            prepared[name] = array
    return prepared


def graph_bytes(prepared: Arrays, cache_dir: Path | None) -> bytes:
    """The serialized graph: from the cache folder when it holds the pinned one, else built."""
    path = cache_dir / f"minilm-{GRAPH_SHA256[:16]}.onnx" if cache_dir else None
    if path is not None and path.is_file():
        cached = path.read_bytes()
        if hashlib.sha256(cached).hexdigest() == GRAPH_SHA256:
            return cached
        log.warning("ignoring %s: not the graph this version builds", path)
    from bot.onnx_graph import build_graph  # imports onnx: only when nothing is cached

    built = build_graph({name: (a.shape, a.dtype) for name, a in prepared.items()})
    if path is not None and hashlib.sha256(built).hexdigest() == GRAPH_SHA256:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.with_suffix(".tmp").write_bytes(built)
            path.with_suffix(".tmp").replace(path)
        except OSError as error:  # a read-only cache only costs the next start a build
            log.warning("could not cache the model's graph in %s: %s", path, error)
    return built


class Encoder:
    """An ONNX Runtime session of the graph and the model's weights, with its thread count."""

    def __init__(self, weights: Arrays, threads: int, cache_dir: Path | None = None) -> None:
        prepared = prepare(weights)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        # Spinning threads wait for work by burning a core: bad on a machine that is shared.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        # The session uses these arrays' memory, not a copy, so they live as long as it.
        self._values = {n: ort.OrtValue.ortvalue_from_numpy(a) for n, a in prepared.items()}
        options.add_external_initializers(list(self._values), list(self._values.values()))
        self.session = ort.InferenceSession(
            graph_bytes(prepared, cache_dir), options, providers=["CPUExecutionProvider"]
        )

    def run(self, ids: NDArray[np.int64], mask: NDArray[np.int64]) -> NDArray[np.float32]:
        """Unit vectors for a (batch, tokens) array of token ids and its attention mask."""
        (vectors,) = self.session.run(None, {"input_ids": ids, "attention_mask": mask})
        return np.asarray(vectors, dtype=np.float32)
