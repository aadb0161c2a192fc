"""Golden retrieval test: the right paragraph ranks first (and in the top 3) often enough.

The golden file is the first batch of the tuning half of the gold questions, fixed since
retrieval choices were first made on it; the whole held-out half has its own floors in
test_evaluation.py.
"""

from __future__ import annotations

from pathlib import Path

from bot.answering import Answerer
from bot.measure.evaluation import evaluate, load_questions

GOLDEN = Path(__file__).parent / "eval" / "tuning.jsonl"
MIN_SUCCESS_AT_1 = 0.90
MIN_SUCCESS_AT_3 = 0.97


def test_right_paragraph_ranks_first(answerer: Answerer) -> None:
    questions = load_questions(GOLDEN)
    assert sum(1 for q in questions if q.relevant) >= 30
    metrics = evaluate(answerer, questions)
    misses = [(r.question.question, r.first_relevant) for r in metrics.misses]
    assert metrics.success_at_1 >= MIN_SUCCESS_AT_1, misses
    assert metrics.success_at_3 >= MIN_SUCCESS_AT_3, misses
