"""A question's vector sooner: the model's dense layers in 8 bits, for questions only.

A question is embedded while its asker waits, once; a sentence is embedded once and its vector
stored. So questions run the dense layers in 8-bit integers (ONNX Runtime's
DynamicQuantizeMatMul; README, "Questions in 8 bits") and sentences keep the 32-bit weights,
so the stored vectors are the model's own.

A layer `y = x W + b` (x: tokens x inputs) is run as `y = round(x / s) round(s W) + b`:
- `s`, per input, moves the input's few large channels into the weights (SmoothQuant, Xiao et
  al. 2023): `s = a^ALPHA / w^(1 - ALPHA)`, `a` the input's largest magnitude over the
  calibration text (bot/layer_maxima.npz, written by bot/measure/calibrate.py), `w` the
  weights' largest in that input's row. Without it the input's range, and so its 8-bit step,
  is set by a few channels and the vector moved to a cosine of 0.997 of the model's.
- the input is rounded per tensor as DynamicQuantizeMatMul rounds it: 255 steps from
  min(x, 0) to max(x, 0), unsigned, about a zero point;
- the weights per output column: steps of the column's largest magnitude / 127, signed.
The feed-forward block's second layer reads GELU's output, whose [CLS] token reaches 20x the
others: its `HOT` inputs largest after smoothing are multiplied in float32, the rest in 8 bits.
Query, key and value read the same input, so they are one layer of three outputs.

bot/encoder.py gives ONNX Runtime these arrays (it rounds the inputs itself); bot/numpy_encoder.py
computes in floats with both rounded here, so the two agree to a cosine of about 0.9999 (a
rounding on the edge can fall either way between two runs of floats that differ in the
seventh digit).
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from bot.model_files import LAYER_MAXIMA_SHA256, ModelTamperedError

__all__ = [
    "ALPHA",
    "HOT",
    "MAXIMA",
    "QKV",
    "Dense8",
    "dense_inputs",
    "dense_layers",
    "is_dense",
    "load_maxima",
    "prepare_questions",
    "rounded_inputs",
    "smoothing",
]

ALPHA = np.float32(0.8)  # how much of an input's range moves into the weights
DOWN_ALPHA = np.float32(0.5)  # the feed-forward block's second layer, whose hottest are float
HOT = 32  # of its 1,536 inputs, those multiplied in float32
QKV = "attention.qkv"  # query, key and value as one layer, in that order
MAXIMA = Path(__file__).with_name("layer_maxima.npz")
_LEVELS = np.float32(127)  # weights: symmetric, -127..127
_ZERO = 128  # the zero point of weights as unsigned bytes (`prepare_questions`)
_STEPS = np.float32(255)  # inputs: unsigned, 0..255

Arrays = dict[str, NDArray[Any]]


def is_dense(name: str, array: NDArray[Any]) -> bool:
    """Whether the model's tensor `name` is a dense layer's weights (stored (out, in)); not
    the embedding tables, the layer norms or the biases."""
    return array.ndim == 2 and "embeddings" not in name and not name.startswith("pooler.")


def dense_inputs(layer: int) -> tuple[str, ...]:
    """The names of `layer`'s dense layers that run in 8 bits, by the input they read:
    query/key/value (one input), the attention's output, and the feed-forward block's two."""
    p = f"encoder.layer.{layer}."
    return (p + QKV, p + "attention.output.dense", p + "intermediate.dense", p + "output.dense")


def load_maxima(path: Path | None = None) -> Arrays:
    """The calibration's largest input magnitude per channel of each dense layer, from the
    file shipped beside this module (`MAXIMA`), checked against its pinned SHA-256."""
    path = path or MAXIMA
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != LAYER_MAXIMA_SHA256:
        raise ModelTamperedError(
            f"{path} is not the file this version ships (its SHA-256 differs); "
            "reinstall essaybot, or write it again with: python -m bot.measure.calibrate"
        )
    with np.load(io.BytesIO(data), allow_pickle=False) as arrays:  # the bytes checked
        return {name: arrays[name] for name in arrays.files}


def smoothing(maxima: NDArray[np.float32], weight: NDArray[np.float32], alpha: np.float32) -> Any:
    """The per-input factors `s` of a layer of `weight` (out, in) whose inputs reach `maxima`."""
    rows = np.abs(weight).max(axis=0)
    tiny = np.float32(1e-5)
    factors: NDArray[np.float32] = (np.maximum(maxima, tiny) ** alpha) / (
        np.maximum(rows, tiny) ** (np.float32(1) - alpha)
    )
    return factors.astype(np.float32)


@dataclass(frozen=True)
class Dense8:
    """One dense layer as a question runs it, its weights as stored, (out, in): `integers`
    times `scales` (one per output) are the smoothed weights of the inputs but the last
    `hot`, which stay float; the input is multiplied by `inverse` first."""

    name: str
    integers: NDArray[np.int8]
    scales: NDArray[np.float32]
    inverse: NDArray[np.float32]
    bias: NDArray[np.float32]
    hot: NDArray[np.float32]  # (out, hot inputs)


def dense_layers(weights: Arrays, maxima: Arrays) -> list[Dense8]:
    """Every layer's 8-bit dense layers, in the order `dense_inputs` names them. The
    feed-forward block's inputs (the first layer's outputs, the second's inputs) are put in
    order of their largest after smoothing, so its `HOT` last are the hottest."""
    layers = []
    for layer in range(6):
        qkv, out, up, down = dense_inputs(layer)
        p = f"encoder.layer.{layer}.attention.self."
        parts = ("query", "key", "value")
        down_weight = weights[down + ".weight"]
        down_factors = smoothing(maxima[down], down_weight, DOWN_ALPHA)
        order = np.argsort(maxima[down] / down_factors, kind="stable")  # hottest last
        for name, weight, bias, alpha, hot in (
            (
                qkv,
                np.vstack([weights[p + n + ".weight"] for n in parts]),
                np.concatenate([weights[p + n + ".bias"] for n in parts]),
                ALPHA,
                0,
            ),
            (out, weights[out + ".weight"], weights[out + ".bias"], ALPHA, 0),
            (up, weights[up + ".weight"][order], weights[up + ".bias"][order], ALPHA, 0),
            (down, down_weight[:, order], weights[down + ".bias"], DOWN_ALPHA, HOT),
        ):
            # its inputs in their own order, but the second feed-forward layer's
            factors = (
                down_factors[order] if name == down else smoothing(maxima[name], weight, alpha)
            )
            smoothed = weight * factors
            cold = smoothed.shape[1] - hot
            scales = np.abs(smoothed[:, :cold]).max(axis=1) / _LEVELS
            scales = np.where(scales > 0, scales, np.float32(1)).astype(np.float32)
            integers = np.rint(smoothed[:, :cold] / scales[:, None]).astype(np.int8)
            inverse = (np.float32(1) / factors).astype(np.float32)
            bias = np.asarray(bias, dtype=np.float32)
            hot_weights = np.ascontiguousarray(smoothed[:, cold:])  # not a view: its own
            layers.append(Dense8(name, integers, scales, inverse, bias, hot_weights))
    return layers


def prepare_questions(weights: Arrays, maxima: Arrays, *, unsigned: bool = False) -> Arrays:
    """The arrays ONNX Runtime's question graph is given for each `dense_layers` NAME:
    `NAME.inverse`, `NAME.q8` (in, out), `NAME.scales` (out), `NAME.bias`, and, for the
    second feed-forward layer, `NAME.hot` (hot inputs, out).

    `unsigned`: the weights as unsigned bytes about a zero point of 128 (`NAME.zero`, per
    output), the same steps. On an x86 CPU without VNNI, ONNX Runtime multiplies unsigned
    inputs by signed weights two pairs at a time into 16 bits, which saturate (255 x 127 x 2
    is more than 32,767): a question's vector fell to a cosine of 0.985 of the model's. Its
    unsigned-by-unsigned product widens first, and does not."""
    prepared: Arrays = {}
    for dense in dense_layers(weights, maxima):
        integers = np.ascontiguousarray(dense.integers.T)
        if unsigned:
            integers = (integers.astype(np.int16) + _ZERO).astype(np.uint8)
            prepared[dense.name + ".zero"] = np.full(dense.scales.shape, _ZERO, dtype=np.uint8)
        prepared |= {
            dense.name + ".inverse": dense.inverse,
            dense.name + ".q8": integers,
            dense.name + ".scales": dense.scales,
            dense.name + ".bias": dense.bias,
        }
        if dense.hot.size:
            prepared[dense.name + ".hot"] = np.ascontiguousarray(dense.hot.T)
    return prepared


def rounded_inputs(x: NDArray[np.float32]) -> NDArray[np.float32]:
    """A layer's input `x` (any shape) rounded as DynamicQuantizeMatMul rounds it before
    multiplying: one scale for the tensor, 255 steps from min(x, 0) to max(x, 0), unsigned
    integers about a zero point; given back in floats."""
    low, high = min(float(x.min()), 0.0), max(float(x.max()), 0.0)
    scale = np.float32((high - low) / _STEPS) or np.float32(1)
    zero = np.float32(np.clip(np.rint(-low / scale), 0, 255))
    integers = np.clip(np.rint(x / scale) + zero, 0, 255)
    result: NDArray[np.float32] = ((integers - zero) * scale).astype(np.float32)
    return result
