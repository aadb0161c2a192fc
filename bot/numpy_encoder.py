"""The sentence model in plain numpy, on the weights file mapped into memory: the quick start.

Nothing is copied or converted at load: the safetensors file is mapped and each tensor is a
read-only numpy view of it, so loading costs a few milliseconds and a question's tokens touch
only their own rows of the 47 MB word-embedding table. Activations are kept as columns
(width x tokens), so every dense layer is the stored (out, in) matrix times them, which is
also what OpenBLAS does fastest for a short text. Per text it is about half as fast as ONNX
Runtime (bot/encoder.py), which takes some 0.3 s to import and start: a process that embeds
a question or two uses this one (README, "The runtime"). Where questions run in 8 bits
(bot.similarity.question_bits), a question runs the dense layers with weights and inputs
rounded to 8 bits as ONNX Runtime's 8-bit graph does (bot/quantized.py), the rounded weights
made when a question first needs them.
"""

from __future__ import annotations

import json
import math
import mmap
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from bot.quantized import QKV, dense_layers, load_maxima, rounded_inputs

__all__ = ["NumpyEncoder", "map_safetensors"]

Vectors = NDArray[np.float32]
_LAYERS, _HEADS = 6, 12
_DTYPES: dict[str, np.dtype[Any]] = {"F32": np.dtype(np.float32), "I64": np.dtype(np.int64)}


def map_safetensors(path: Path) -> dict[str, NDArray[Any]]:
    """The tensors of a safetensors file as read-only views of the file mapped into memory."""
    with path.open("rb") as file:
        mapped = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
    length = int.from_bytes(mapped[:8], "little")
    header = json.loads(mapped[8 : 8 + length])
    base, size = 8 + length, len(mapped)
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        dtype = _DTYPES[info["dtype"]]
        count = math.prod(info["shape"])
        if end - start != count * dtype.itemsize or base + end > size:
            raise ValueError(f"{path}: tensor {name} does not fit the file")
        array = np.frombuffer(mapped, dtype=dtype, count=count, offset=base + start)
        tensors[name] = array.reshape(info["shape"])
    return tensors


class NumpyEncoder:
    """all-MiniLM-L6-v2 in numpy, one text at a time: token ids -> unit vector."""

    def __init__(self, weights: dict[str, NDArray[Any]]) -> None:
        self.weights = weights
        self._question: dict[str, _Rounded] = {}  # made when a question first needs it
        self._lock = threading.Lock()

    def run(
        self, ids: NDArray[np.int64], mask: NDArray[np.int64], *, quantized: bool = False
    ) -> Vectors:
        """Unit vectors for a (batch, tokens) array of token ids and its attention mask; with
        8-bit dense layers when `quantized`."""
        rows = [
            self.embed_ids(row[: int(kept.sum())], quantized=quantized)
            for row, kept in zip(ids, mask, strict=True)
        ]
        return np.stack(rows) if rows else np.zeros((0, 384), dtype=np.float32)

    def embed_ids(self, ids: NDArray[np.int64], *, quantized: bool = False) -> Vectors:
        """The unit vector of one text's token ids (unpadded); in 8 bits when `quantized`."""
        return self._embed(ids, self._eight_bits() if quantized else _dense(self.weights))

    def input_maxima(self, texts_ids: list[NDArray[np.int64]]) -> dict[str, Vectors]:
        """The largest magnitude of each input channel of each 8-bit dense layer (named as
        bot.quantized.dense_inputs names them) over the token ids of `texts_ids`, in float32:
        the calibration behind the questions' 8 bits (bot/measure/calibrate.py)."""
        maxima: dict[str, Vectors] = {}
        float32 = _dense(self.weights)

        def recorded(x: Vectors, name: str) -> Vectors:
            seen = np.abs(x).max(axis=1)
            maxima[name] = np.maximum(maxima[name], seen) if name in maxima else seen
            return float32(x, name)

        for ids in texts_ids:
            self._embed(ids, recorded)
        return maxima

    def _embed(self, ids: NDArray[np.int64], dense: _Dense) -> Vectors:
        w = self.weights
        rows = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][: len(ids)]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = _layer_norm(np.ascontiguousarray(rows.T), w, "embeddings.LayerNorm")
        for layer in range(_LAYERS):
            x = _encoder_layer(x, w, dense, f"encoder.layer.{layer}.")
        pooled = x.mean(axis=1)
        result: Vectors = pooled / max(float(np.linalg.norm(pooled)), 1e-12)
        return result

    def _eight_bits(self) -> _Dense:
        """The dense layers as a question runs them (bot/quantized.py), their weights rounded
        when a question first needs them (about 90 ms, once) and given back in floats."""
        with self._lock:
            if not self._question:
                for layer in dense_layers(self.weights, load_maxima()):
                    rounded = layer.integers.astype(np.float32)
                    rounded *= layer.scales[:, None]
                    self._question[layer.name] = _Rounded(
                        rounded, layer.inverse, layer.bias, layer.hot
                    )
            question = self._question

        def dense(x: Vectors, name: str) -> Vectors:
            layer = question[name]
            x = x * layer.inverse[:, None]
            cold = len(x) - layer.hot.shape[1]
            result: Vectors = layer.weight @ rounded_inputs(x[:cold])
            if cold < len(x):
                result += layer.hot @ x[cold:]
            result += layer.bias[:, None]
            return result

        return dense


@dataclass(frozen=True)
class _Rounded:
    """A question's dense layer (bot.quantized.Dense8) with its 8-bit weights in floats."""

    weight: Vectors  # (out, cold inputs)
    inverse: Vectors
    bias: Vectors
    hot: Vectors  # (out, hot inputs)


_Dense = Callable[[Vectors, str], Vectors]  # a dense layer: input (in, tokens), its name


def _dense(weights: dict[str, NDArray[Any]]) -> _Dense:
    """The dense layers in float32: the stored (out, in) weights times the columns."""

    def dense(x: Vectors, name: str) -> Vectors:
        if name.endswith(QKV):  # query, key and value, one above the other
            p = name.removesuffix(QKV) + "attention.self."
            return np.vstack([dense(x, p + n) for n in ("query", "key", "value")])
        result: Vectors = weights[name + ".weight"] @ x
        result += weights[name + ".bias"][:, None]
        return result

    return dense


def _encoder_layer(x: Vectors, w: dict[str, NDArray[Any]], dense: _Dense, p: str) -> Vectors:
    """One BERT layer on columns: self-attention, then the feed-forward block, each with
    residual and layer norm. Query, key and value are one dense layer of three outputs."""
    width, length = x.shape
    head = width // _HEADS
    query, key, value = (t.reshape(_HEADS, head, length) for t in np.split(dense(x, p + QKV), 3))
    scores = query.transpose(0, 2, 1) @ key  # (heads, query, key)
    scores *= np.float32(1 / math.sqrt(head))
    scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
    scores /= scores.sum(axis=-1, keepdims=True)
    context = (value @ scores.transpose(0, 2, 1)).reshape(width, length)
    attended = dense(context, p + "attention.output.dense") + x
    x = _layer_norm(attended, w, p + "attention.output.LayerNorm")
    hidden = _gelu(dense(x, p + "intermediate.dense"))
    return _layer_norm(dense(hidden, p + "output.dense") + x, w, p + "output.LayerNorm")


def _layer_norm(x: Vectors, w: dict[str, NDArray[Any]], name: str) -> Vectors:
    centred: Vectors = x - x.mean(axis=0)
    variance = (centred * centred).mean(axis=0)
    centred /= np.sqrt(variance + np.float32(1e-12))
    centred *= w[name + ".weight"][:, None]
    centred += w[name + ".bias"][:, None]
    return centred


def _gelu(x: Vectors) -> Vectors:
    """BERT's exact GELU, x * Phi(x), with erf to within 1.5e-7 (Abramowitz and Stegun 7.1.26)."""
    z = np.abs(x) * np.float32(1 / math.sqrt(2.0))
    t = 1.0 / (1.0 + np.float32(0.3275911) * z)
    poly = np.float32(1.061405429) * t
    for c in (-1.453152027, 1.421413741, -0.284496736, 0.254829592):
        poly += np.float32(c)
        poly *= t
    # erf(|x| / sqrt 2) = 1 - poly * exp(-z^2); Phi(x) = (1 + sign(x) * erf) / 2
    poly *= np.exp(-z * z)
    erf = np.copysign(1.0 - poly, x)
    result: Vectors = 0.5 * x * (1.0 + erf)
    return result
