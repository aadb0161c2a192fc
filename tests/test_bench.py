"""The end-to-end bench row: real answers over a generated folder, against rank-bm25."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.measure.bench_answers import _cold_env, time_end_to_end
from bot.measure.synthetic import essay_questions, write_essays
from index import PassageIndex, load_documents


def test_questions_are_words_of_a_passage_in_order() -> None:
    texts = ["Alpha beta gamma. Delta epsilon zeta eta.", "One two three four five six."]
    for question in essay_questions(texts, 20, words=3):
        words = question.rstrip("?").split()
        assert len(words) == 3
        assert any(
            [w for w in text.lower().replace(".", "").split() if w in words] == words
            for text in texts
        )


@pytest.mark.slow
def test_end_to_end_times_every_question_and_the_baseline(tmp_path: Path) -> None:
    write_essays(tmp_path, count=3, paragraphs=12)
    built = PassageIndex(load_documents(tmp_path))
    row = time_end_to_end(built, questions=2, baseline=1)
    assert row.passages == len(built.passages) >= 36
    assert (row.questions, row.rank_bm25_questions) == (2, 1)
    assert row.search_p50_ms > 0 and 0 < row.ask_p50_ms <= row.ask_p99_ms
    assert 0 < row.first_use_p50_ms <= row.first_use_p99_ms and row.embed_question_p50_ms > 0
    assert row.speedup_p50 == row.rank_bm25_p50_ms / row.ask_p50_ms
    assert row.first_use_speedup_p50 == row.rank_bm25_p50_ms / row.first_use_p50_ms
    assert 0 <= row.model_not_run <= row.questions


def test_cold_starts_are_timed_with_compiled_modules_kept_even_where_told_not_to(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # else each start compiles essaybot's source again, as no installed program does
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    env = _cold_env(str(tmp_path))
    assert "PYTHONDONTWRITEBYTECODE" not in env
    assert env["PYTHONPYCACHEPREFIX"] == str(tmp_path / "bytecode")  # not in the checkout
    assert env["ESSAYBOT_CACHE_DIR"] == str(tmp_path) and env["OPENBLAS_NUM_THREADS"] == "1"
