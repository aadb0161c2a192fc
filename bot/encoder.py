"""The sentence model as an ONNX graph run by ONNX Runtime, built in memory from its weights.

The graph is written with onnx's helper API from the shipped safetensors weights at load
(about a second), so no torch is needed, nothing derived from the weights is stored on disk
to go stale or be tampered with, and the weights verified by `bot.model_files` are the ones
run. It computes what bot/similarity.py's reference encoder computes: BERT, then the mean of
the token vectors under the attention mask, scaled to unit length.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import onnxruntime as ort
from numpy.typing import NDArray
from onnx import ModelProto, NodeProto, TensorProto, helper, numpy_helper

__all__ = ["LAYERS", "Encoder", "build_graph"]

LAYERS, HEADS, WIDTH = 6, 12, 384
_OPSET = 18  # LayerNormalization (17), reductions taking their axes as an input (18)


def build_graph(weights: dict[str, NDArray[np.float32]]) -> ModelProto:
    """The ONNX graph of all-MiniLM-L6-v2: ids and mask (batch, tokens) to unit vectors."""
    nodes: list[NodeProto] = []
    inits: list[TensorProto] = []

    def const(name: str, array: NDArray[np.generic]) -> str:
        inits.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def node(op: str, inputs: list[str], name: str, **attrs: Any) -> str:
        nodes.append(helper.make_node(op, inputs, [name], name=name, **attrs))
        return name

    def linear(x: str, prefix: str) -> str:
        # Dense layers are stored (out, in); (in, out) makes x @ w one plain MatMul.
        w = const(prefix + ".weight", np.ascontiguousarray(weights[prefix + ".weight"].T))
        return node(
            "Add",
            [
                node("MatMul", [x, w], prefix + ".mm"),
                const(prefix + ".bias", weights[prefix + ".bias"]),
            ],
            prefix,
        )

    def norm(x: str, prefix: str) -> str:
        scale, bias = (
            const(prefix + ".weight", weights[prefix + ".weight"]),
            const(prefix + ".bias", weights[prefix + ".bias"]),
        )
        return node("LayerNormalization", [x, scale, bias], prefix, axis=-1, epsilon=1e-12)

    head = WIDTH // HEADS
    split_heads = const("split_heads", np.array([0, 0, HEADS, head], dtype=np.int64))
    join_heads = const("join_heads", np.array([0, 0, WIDTH], dtype=np.int64))
    one = const("one", np.array(1.0, dtype=np.float32))

    # Embeddings: word + position + token type 0, then a layer norm.
    shape = node("Shape", ["input_ids"], "ids_shape")
    length = node("Gather", [shape, const("axis1", np.array(1, dtype=np.int64))], "length")
    positions = node(
        "Range",
        [
            const("zero_i", np.array(0, dtype=np.int64)),
            length,
            const("one_i", np.array(1, dtype=np.int64)),
        ],
        "positions",
    )
    words = node(
        "Gather",
        [const("word_embeddings", weights["embeddings.word_embeddings.weight"]), "input_ids"],
        "words",
    )
    placed = node(
        "Gather",
        [const("position_embeddings", weights["embeddings.position_embeddings.weight"]), positions],
        "placed",
    )
    typed = weights["embeddings.token_type_embeddings.weight"][0]
    x = node(
        "Add",
        [node("Add", [words, placed], "words_placed"), const("token_type", typed)],
        "embedded",
    )
    x = norm(x, "embeddings.LayerNorm")

    # Padding gets -10000 before the softmax (as BERT does), so it weighs exp(-10000) = 0.
    mask = node("Cast", ["attention_mask"], "mask", to=TensorProto.FLOAT)
    blocked = node("Sub", [one, mask], "blocked")
    bias = node(
        "Mul",
        [
            node(
                "Unsqueeze",
                [blocked, const("axes12", np.array([1, 2], dtype=np.int64))],
                "blocked4",
            ),
            const("minus", np.array(-10000.0, dtype=np.float32)),
        ],
        "mask_bias",
    )
    scale = const("scale", np.array(1 / math.sqrt(head), dtype=np.float32))

    for layer in range(LAYERS):
        p = f"encoder.layer.{layer}."

        def heads(name: str, perm: list[int], x: str = x, p: str = p) -> str:
            projected = linear(x, p + "attention.self." + name)
            return node(
                "Transpose",
                [node("Reshape", [projected, split_heads], projected + ".split")],
                projected + ".heads",
                perm=perm,
            )

        q = heads("query", [0, 2, 1, 3])
        k = heads("key", [0, 2, 3, 1])
        v = heads("value", [0, 2, 1, 3])
        scores = node(
            "Add",
            [node("Mul", [node("MatMul", [q, k], p + "qk"), scale], p + "scaled"), bias],
            p + "scores",
        )
        weights_ = node("Softmax", [scores], p + "softmax", axis=-1)
        context = node("MatMul", [weights_, v], p + "context")
        context = node(
            "Reshape",
            [node("Transpose", [context], p + "context.t", perm=[0, 2, 1, 3]), join_heads],
            p + "context.joined",
        )
        attended = node("Add", [linear(context, p + "attention.output.dense"), x], p + "attended")
        x = norm(attended, p + "attention.output.LayerNorm")
        # BERT's exact GELU: h * (1 + erf(h / sqrt 2)) / 2; ONNX Runtime fuses it into one op.
        h = linear(x, p + "intermediate.dense")
        erf = node(
            "Erf",
            [
                node(
                    "Mul",
                    [h, const(p + "isqrt2", np.array(1 / math.sqrt(2), dtype=np.float32))],
                    p + "h_scaled",
                )
            ],
            p + "erf",
        )
        gelu = node(
            "Mul",
            [
                node("Mul", [h, node("Add", [erf, one], p + "erf1")], p + "h_erf"),
                const(p + "half", np.array(0.5, dtype=np.float32)),
            ],
            p + "gelu",
        )
        x = norm(
            node("Add", [linear(gelu, p + "output.dense"), x], p + "output.sum"),
            p + "output.LayerNorm",
        )

    # Mean over the real tokens, then unit length.
    mask3 = node("Unsqueeze", [mask, const("axis_last", np.array([-1], dtype=np.int64))], "mask3")
    total = node(
        "ReduceSum",
        [node("Mul", [x, mask3], "masked"), const("axis_tokens", np.array([1], dtype=np.int64))],
        "total",
        keepdims=0,
    )
    count = node("ReduceSum", [mask3, "axis_tokens"], "count", keepdims=0)
    pooled = node("Div", [total, node("Max", [count, one], "count1")], "pooled")
    length_ = node(
        "ReduceL2",
        [pooled, const("axis_width", np.array([-1], dtype=np.int64))],
        "norm",
        keepdims=1,
    )
    node(
        "Div",
        [
            pooled,
            node("Max", [length_, const("tiny", np.array(1e-12, dtype=np.float32))], "norm_floor"),
        ],
        "vectors",
    )

    graph = helper.make_graph(
        nodes,
        "all-MiniLM-L6-v2",
        [
            helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "tokens"]),
            helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "tokens"]),
        ],
        [helper.make_tensor_value_info("vectors", TensorProto.FLOAT, ["batch", WIDTH])],
        inits,
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", _OPSET)])


class Encoder:
    """An ONNX Runtime session of the graph, with its thread count fixed."""

    def __init__(self, weights: dict[str, NDArray[np.float32]], threads: int) -> None:
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        # Spinning threads wait for work by burning a core: bad on a machine that is shared.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(
            build_graph(weights).SerializeToString(), options, providers=["CPUExecutionProvider"]
        )

    def run(self, ids: NDArray[np.int64], mask: NDArray[np.int64]) -> NDArray[np.float32]:
        """Unit vectors for a (batch, tokens) array of token ids and its attention mask."""
        (vectors,) = self.session.run(None, {"input_ids": ids, "attention_mask": mask})
        return np.asarray(vectors, dtype=np.float32)
