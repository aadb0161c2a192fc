"""The similarity model: real weights from the wordllama wheel, no network, clear failures."""

from __future__ import annotations

import math
import subprocess
import sys
from collections.abc import Iterator

import numpy as np
import pytest

from bot import similarity
from bot.cli import main
from bot.similarity import ModelMissingError, best_similarity, embed
from tests.conftest import ROOT, SEEDS


def test_vectors_are_unit_length_or_zero_for_text_without_tokens() -> None:
    vectors = embed(["Belarus and Russia", "", "   ", "\x00\u200b"])
    assert math.isclose(float(np.linalg.norm(vectors[0])), 1.0, rel_tol=1e-5)
    assert not vectors[1].any()
    assert np.isfinite(vectors).all()


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
def test_any_string_embeds(text: str) -> None:
    assert 0.0 <= best_similarity(text, [text, "Belarus and Russia"]) <= 1.0 + 1e-6


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
    monkeypatch.setattr(similarity, "_WEIGHTS", "weights/not-there.safetensors")
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
