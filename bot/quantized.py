"""A question's vector sooner: the model's dense layers in 8 bits, for questions only.

A question is embedded while its asker waits, once; a sentence is embedded once and its vector
stored. So questions go through the model with every dense layer's weights and inputs rounded
to 8 bits (ONNX Runtime's MatMulNBits: bits 8, blocks of 32, integer arithmetic; README, "The
runtime"), which reads a quarter of the bytes of the 32-bit weights and embeds a question
about 1.8x sooner; sentences keep the 32-bit weights, so the stored vectors are the model's own.

The rounding, the same in both encoders: each weight row (one output) in blocks of 32 inputs,
each block scaled by its largest magnitude / 127 and rounded to the nearest integer; a layer's
input likewise, per token per block of 32. bot/encoder.py gives ONNX Runtime the weights so
rounded (it rounds the inputs itself); bot/numpy_encoder.py computes in floats with both
rounded here, so the two agree to a cosine of about 0.9999 (a rounding on the edge can fall
either way between two runs of floats that differ in the seventh digit).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["BLOCK", "is_dense", "quantize", "rounded", "rounded_inputs"]

BLOCK = 32  # inputs per scale
_LEVELS = np.float32(127)  # symmetric: -127..127
_ZERO = 128  # MatMulNBits keeps weights unsigned, 128 meaning 0


def is_dense(name: str, array: NDArray[Any]) -> bool:
    """Whether the model's tensor `name` is a dense layer's weights (stored (out, in)): the
    ones questions run in 8 bits; not the embedding tables, the layer norms or the biases."""
    return array.ndim == 2 and "embeddings" not in name and not name.startswith("pooler.")


def _blocks(weight: NDArray[np.float32]) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    """The rounded integers (as floats) and scales of `weight` (out, in): (out, in/32, 32)
    and (out, in/32)."""
    out, width = weight.shape
    blocks = np.asarray(weight, dtype=np.float32).reshape(out, width // BLOCK, BLOCK)
    scales = np.abs(blocks).max(axis=2) / _LEVELS
    steps = np.where(scales > 0, scales, np.float32(1)).astype(np.float32, copy=False)
    integers = blocks / steps[..., None]  # an all-zero block stays zero
    np.rint(integers, out=integers)  # in place: a question's first rounding is 36 of these
    return integers, scales.astype(np.float32)


def quantize(weight: NDArray[np.float32]) -> tuple[NDArray[np.uint8], NDArray[np.float32]]:
    """`weight` (out, in) as MatMulNBits takes it: unsigned 8-bit blocks (out, in/32, 32)
    and their scales, flattened (out * in/32)."""
    integers, scales = _blocks(weight)
    return (integers + _ZERO).astype(np.uint8), scales.reshape(-1)


def rounded(weight: NDArray[np.float32]) -> NDArray[np.float32]:
    """`weight` (out, in) as the 8-bit blocks give it back, in floats."""
    integers, scales = _blocks(weight)
    integers *= scales[..., None]
    return integers.reshape(weight.shape)


def rounded_inputs(x: NDArray[np.float32]) -> NDArray[np.float32]:
    """A layer's input `x` (in, tokens: one column per token) rounded as MatMulNBits rounds
    it before multiplying: per token, per block of 32 inputs."""
    width, tokens = x.shape
    blocks = x.reshape(width // BLOCK, BLOCK, tokens)
    scales = np.abs(blocks).max(axis=1, keepdims=True) / _LEVELS
    steps = np.where(scales > 0, scales, np.float32(1))
    result: NDArray[np.float32] = (np.rint(blocks / steps) * scales).reshape(width, tokens)
    return result
