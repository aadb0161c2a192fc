"""Golden retrieval test: the right paragraph ranks first (and in the top 3) often enough."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answers import Answerer
from bot.evaluation import evaluate, load_questions

EVAL = Path(__file__).parent / "eval"
# Floors measured on this set (see docs/retrieval.md); a change that ranks worse fails.
MIN_SUCCESS_AT_1 = 0.90
MIN_SUCCESS_AT_3 = 0.95


@pytest.mark.parametrize("half", ["tuning", "heldout"])
def test_right_paragraph_ranks_first(answerer: Answerer, half: str) -> None:
    questions = load_questions(EVAL / f"{half}.jsonl")
    assert sum(1 for q in questions if q.relevant) >= 30
    metrics = evaluate(answerer, questions)
    misses = [(r.question.question, r.first_relevant) for r in metrics.misses]
    assert metrics.success_at_1 >= MIN_SUCCESS_AT_1, misses
    assert metrics.success_at_3 >= MIN_SUCCESS_AT_3, misses
