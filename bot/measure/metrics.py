"""`essaybot eval`'s output: the metrics of an evaluation as text for people or as JSON."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.measure.evaluation import Metrics
from bot.render import render_hits

__all__ = ["METRICS", "metrics_to_dict", "render_metrics"]

# Metrics attribute -> label, in the order they are shown.
METRICS = {
    "success_at_1": "Success@1",
    "success_at_3": "Success@3",
    "success_at_5": "Success@5",
    "mrr": "MRR@10",
    "ndcg": "nDCG@10",
    "answer_rate": "answered (answerable)",
    "abstention_rate": "declined (unanswerable)",
    "quoted_relevant": "answers quoting a relevant ¶",
}


def metrics_to_dict(metrics: Metrics) -> dict[str, Any]:
    """The figures, then every miss and wrong answer, for `essaybot eval --json`."""
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
            for r in getattr(metrics, kind)
        ]
        for kind in ("wrongly_declined", "wrongly_answered")
    }
    wrong["wrongly_quoted"] = [
        {"question": r.question.question, "quoted": [p.id for p in r.quoted]}
        for r in metrics.wrongly_quoted
    ]
    return {**figures, "questions": len(metrics.results), "misses": misses, **wrong}


def render_metrics(metrics: Metrics, files: Sequence[Path]) -> str:
    """The figures, then every miss and wrong answer, as plain text."""
    names = ", ".join(str(path) for path in files)
    lines = [
        f"{len(metrics.results)} questions ({len(metrics.answerable)} answerable) from {names}"
    ]
    lines += [f"  {label:<28} {getattr(metrics, name):.3f}" for name, label in METRICS.items()]
    for result in metrics.misses:
        where = f"rank {result.first_relevant}" if result.first_relevant else "not in top 10"
        lines.append(
            f"\nmiss ({where}): {result.question.question}\n{render_hits(result.hits[:1])}"
        )
    for kind, label in (
        ("wrongly_declined", "declined, though answerable"),
        ("wrongly_answered", "answered, though unanswerable"),
    ):
        results = getattr(metrics, kind)
        if results:
            lines.append(f"\n{label} ({len(results)}), with confidence:")
            lines += [f"  {r.confidence:.2f}  {r.question.question}" for r in results]
    if wrongly_quoted := metrics.wrongly_quoted:
        lines.append(
            f"\nanswered from passages without the answer ({len(wrongly_quoted)}), quoting:"
        )
        for result in wrongly_quoted:
            lines.append(
                f"  {result.question.question}\n    {', '.join(p.id for p in result.quoted)}"
            )
    return "\n".join(lines)
