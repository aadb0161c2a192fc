"""The sentence model's ONNX graph, written with onnx's helper API (no torch needed).

It computes what bot/numpy_encoder.py computes in numpy: BERT, then the mean of the token
vectors under the attention mask, scaled to unit length. The graph holds no weights: each is
an initializer ONNX Runtime is given at load (bot/encoder.py), so the graph is 40 KB, the
same for any copy of the weights, and is built once and cached. The questions' graph
(`quantized`) runs the dense layers in 8 bits as bot/quantized.py prepares them (ONNX
Runtime's DynamicQuantizeMatMul), and attention and GELU as ONNX Runtime's own operators.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray
from onnx import NodeProto, TensorProto, helper, numpy_helper

from bot.quantized import QKV

__all__ = ["build_graph"]

LAYERS, HEADS, WIDTH = 6, 12, 384
_MS = "com.microsoft"  # ONNX Runtime's own operators
_OPSET = 18  # LayerNormalization (17), reductions taking their axes as an input (18)


def build_graph(
    weights: dict[str, tuple[tuple[int, ...], np.dtype[Any]]], *, quantized: bool = False
) -> bytes:
    """The serialized graph: token ids and mask (batch, tokens) in, unit vectors out.

    `weights` gives each initializer's shape and type by name (bot/encoder.py prepares them);
    `quantized`, the questions' graph: each dense layer's weights as `NAME.weight.q8` and
    `NAME.weight.scales`.
    """
    nodes: list[NodeProto] = []
    inits: list[TensorProto] = []

    def const(name: str, array: NDArray[np.generic]) -> str:
        inits.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def weight(name: str) -> str:
        shape, dtype = weights[name]
        tensor = TensorProto(name=name, dims=shape, data_location=TensorProto.EXTERNAL)
        tensor.data_type = helper.np_dtype_to_tensor_dtype(dtype)
        tensor.external_data.add(key="location", value="given at load")
        inits.append(tensor)
        return name

    def node(op: str, inputs: list[str], name: str, **attrs: Any) -> str:
        nodes.append(helper.make_node(op, inputs, [name], name=name, **attrs))
        return name

    def linear(x: str, prefix: str) -> str:
        product = node("MatMul", [x, weight(prefix + ".weight")], prefix + ".mm")
        return node("Add", [product, weight(prefix + ".bias")], prefix)

    def dense8(x: str, name: str) -> str:
        """x's product with the 8-bit NAME.q8, plus NAME.bias (bot/quantized.py)."""
        zero = weight(name + ".zero") if name + ".zero" in weights else ""  # unsigned weights
        inputs = [x, weight(name + ".q8"), weight(name + ".scales"), zero, weight(name + ".bias")]
        return node("DynamicQuantizeMatMul", inputs, name + ".mm", domain=_MS)

    def smoothed(x: str, name: str) -> str:
        return node("Mul", [x, weight(name + ".inverse")], name + ".smoothed")

    def norm(x: str, prefix: str) -> str:
        scale, bias = weight(prefix + ".weight"), weight(prefix + ".bias")
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
        [weight("embeddings.word_embeddings.weight"), "input_ids"],
        "words",
    )
    placed = node(
        "Gather",
        [weight("embeddings.position_embeddings.weight"), positions],
        "placed",
    )
    x = node(
        "Add",
        [node("Add", [words, placed], "words_placed"), weight("embeddings.token_type_0")],
        "embedded",
    )
    x = norm(x, "embeddings.LayerNorm")

    mask = node("Cast", ["attention_mask"], "mask", to=TensorProto.FLOAT)
    # Padding gets -10000 before the softmax (as BERT does), so it weighs exp(-10000) = 0;
    # MultiHeadAttention (questions) does so given the mask as integers.
    padding = node("Cast", ["attention_mask"], "padding", to=TensorProto.INT32)
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

    def question_layer(x: str, p: str) -> str:
        """One layer as a question runs it: its dense layers in 8 bits (bot/quantized.py),
        attention by ONNX Runtime's MultiHeadAttention, GELU by its Gelu."""
        qkv = p + QKV
        parts = [qkv + ".q", qkv + ".k", qkv + ".v"]
        split = [dense8(smoothed(x, qkv), qkv)]
        nodes.append(helper.make_node("Split", split, parts, qkv, axis=-1, num_outputs=3))
        context = node(
            "MultiHeadAttention",
            [*parts, "", padding],
            p + "attention.context",
            domain=_MS,
            num_heads=HEADS,
        )
        out = p + "attention.output.dense"
        attended = node("Add", [dense8(smoothed(context, out), out), x], p + "attended")
        x = norm(attended, p + "attention.output.LayerNorm")
        up, down = p + "intermediate.dense", p + "output.dense"
        gelu = node("Gelu", [dense8(smoothed(x, up), up)], p + "gelu", domain=_MS)
        # its inputs coldest first: the last `hot` multiplied in float32
        sizes = const(
            down + ".sizes", np.array([weights[down + ".q8"][0][0], weights[down + ".hot"][0][0]])
        )
        cold, hot = down + ".cold", down + ".hot_inputs"
        nodes.append(
            helper.make_node("Split", [smoothed(gelu, down), sizes], [cold, hot], down, axis=-1)
        )
        in_float = node("MatMul", [hot, weight(down + ".hot")], down + ".hot_mm")
        product = node("Add", [dense8(cold, down), in_float], down + ".sum")
        return norm(node("Add", [product, x], p + "output.sum"), p + "output.LayerNorm")

    for layer in range(LAYERS):
        p = f"encoder.layer.{layer}."
        if quantized:
            x = question_layer(x, p)
            continue

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

    nodes, inits = _used(nodes, inits, "vectors")
    graph = helper.make_graph(
        nodes,
        "all-MiniLM-L6-v2, questions" if quantized else "all-MiniLM-L6-v2",
        [
            helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "tokens"]),
            helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "tokens"]),
        ],
        [helper.make_tensor_value_info("vectors", TensorProto.FLOAT, ["batch", WIDTH])],
        inits,
    )
    opsets = [helper.make_opsetid("", _OPSET)]
    if quantized:
        opsets.append(helper.make_opsetid("com.microsoft", 1))
    model = helper.make_model(graph, opset_imports=opsets)
    # Fixed, not taken from the onnx installed, so the bytes depend on this code alone.
    model.ir_version, model.producer_name = 10, "essaybot"
    serialized: bytes = model.SerializeToString(deterministic=True)
    return serialized


def _used(
    nodes: list[NodeProto], inits: list[TensorProto], output: str
) -> tuple[list[NodeProto], list[TensorProto]]:
    """The nodes `output` needs and the initializers they read (the questions' graph has no
    use for the float32 attention's constants)."""
    needed, kept = {output}, []
    for each in reversed(nodes):
        if needed.intersection(each.output):
            kept.append(each)
            needed.update(each.input)
    return kept[::-1], [t for t in inits if t.name in needed]
