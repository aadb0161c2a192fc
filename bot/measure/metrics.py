"""The report of `essaybot eval`: metrics and what went wrong, as text or as JSON."""

from __future__ import annotations

import math
from typing import Any

from bot.measure.evaluation import Metrics
from bot.render import printable, render_hits

__all__ = ["METRICS", "metrics_to_dict", "render_metrics"]

METRICS = {
    "success_at_1": "Success@1",
    "success_at_3": "Success@3",
    "success_at_5": "Success@5",
    "mrr": "MRR@10",
    "ndcg": "nDCG@10",
    "answer_rate": "answered (answerable)",
    "abstention_rate": "declined (unanswerable)",
    "quoted_relevant": "answers quoting a relevant ¶",
    "answer_in_quote": "answer in quote",
    "adversarial_declined": "declined (adversarial)",
}
_WRONG = {
    "wrongly_declined": "declined, though answerable",
    "wrongly_answered": "answered, though unanswerable",
}


def metrics_to_dict(metrics: Metrics) -> dict[str, Any]:
    """The figures, the misses (with what ranked first) and every wrong decision."""
    figures = {name: getattr(metrics, name) for name in METRICS}
    misses = [
        {
            "question": r.question.question,
            "first_relevant": r.first_relevant,
            "top": r.hits[0].passage.id if r.hits else None,
        }
        for r in metrics.misses
    ]
    wrong: dict[str, list[dict[str, Any]]] = {
        kind: [
            {"question": r.question.question, "confidence": r.confidence}
            | ({"declined_because": r.because} if r.because else {})
            for r in getattr(metrics, kind)
        ]
        for kind in _WRONG
    }
    wrong["answer_missed"] = [
        {"question": r.question.question, "answer": r.question.answer, "quotes": list(r.quotes)}
        for r in metrics.answer_missed
    ]
    wrong["wrongly_quoted"] = [
        {"question": r.question.question, "quoted": [p.id for p in r.quoted]}
        for r in metrics.wrongly_quoted
    ]
    return {**figures, "questions": len(metrics.results), "misses": misses, **wrong}


def render_metrics(metrics: Metrics, source: str) -> str:
    """The figures, then each miss with its first hit, and each wrong decision."""
    answerable, asked = len(metrics.answerable), len(metrics.results)
    lines = [f"{_count(asked, 'question')} ({answerable} answerable) from {printable(source)}"]
    measured = _measured(metrics)
    lines += [
        f"  {label:<28} {getattr(metrics, name):.3f}" if measured[name] else f"  {label:<28} n/a"
        for name, label in METRICS.items()
    ]
    for result in metrics.misses:
        where = f"rank {result.first_relevant}" if result.first_relevant else "not in top 10"
        question = printable(result.question.question)
        lines += ["", f"miss ({where}): {question}", render_hits(result.hits[:1])]
    for kind, label in _WRONG.items():
        if results := getattr(metrics, kind):
            lines += ["", f"{label} ({len(results)}), with confidence:"]
            lines += [
                f"  {_confidence(r.confidence)}  {printable(r.question.question)}"
                + (f"\n         declined: {printable(r.because)}" if r.because else "")
                for r in results
            ]
    if wrongly_quoted := metrics.wrongly_quoted:
        lines += [
            "",
            f"answered from passages without the answer ({len(wrongly_quoted)}), quoting:",
        ]
        for result in wrongly_quoted:
            quoted = ", ".join(p.id for p in result.quoted)
            lines += [f"  {printable(result.question.question)}", f"    {printable(quoted)}"]
    if missed := metrics.answer_missed:
        lines += ["", f"answered without the answer in a quote ({len(missed)}), wanted:"]
        for result in missed:
            question, answer = (
                printable(result.question.question),
                printable(result.question.answer),
            )
            lines += [f"  {question}", f"    {answer!r}"]
    return "\n".join(lines)


def _measured(metrics: Metrics) -> dict[str, bool]:
    """Per metric, whether any question measures it ("declined (unanswerable)" of a file of
    answerable questions is none, not 0.000)."""
    answerable = metrics.answerable
    unanswerable = [r for r in metrics.results if not r.question.relevant]
    counts = {
        "quoted_relevant": sum(r.answered for r in answerable),
        "abstention_rate": len(unanswerable),
        "answer_in_quote": sum(bool(r.question.answer) for r in answerable),
        "adversarial_declined": sum(r.question.adversarial for r in unanswerable),
    }
    return {name: counts.get(name, len(answerable)) > 0 for name in METRICS}


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _confidence(value: float) -> str:
    """`value` cut, not rounded, to three places: 0.4494 is "0.449", not "0.45", which reads
    as the threshold it is below."""
    return f"{math.floor(value * 1000) / 1000:.3f}"
