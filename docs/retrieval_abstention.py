"""The report's tables of whether to answer: the confidence signal and its threshold, and
the answer-type checks (docs/retrieval.md, "Abstention").

Part of `python docs/retrieval_report.py`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np
from retrieval_sets import (
    ROOT,
    RULES,
    answerer_with,
    essay_sets,
    halves,
    seed_index,
    set_metrics,
)

from bot.answering import DEFAULT_POLICY, Answerer, Policy
from bot.measure.evaluation import EvalQuestion, evaluate
from bot.similarity import best_similarity, model_words

COVERAGE_WEIGHT = DEFAULT_POLICY.coverage_weight
CONFIDENCE_PASSAGES = DEFAULT_POLICY.confidence_passages


# A confidence signal is the Answerer's confidence under a policy: coverage alone is weight 1
# on the best passage, similarity alone weight 0, blends in between (no formula copied here).
# Respelling is off, so each signal weighs the question as written.
Signal = Policy


def signal_of(weight: float, passages: int) -> Signal:
    """The confidence `weight` x coverage + (1 - weight) x similarity, best of `passages`."""
    return replace(RULES, coverage_weight=weight, confidence_passages=passages, spelling=False)


def blend_name(weight: float, passages: int) -> str:
    best = "best passage" if passages == 1 else f"best of the top {passages} passages"
    return f"{weight:.2f} coverage + {1 - weight:.2f} similarity, {best}"


BLENDS = [(w, n) for n in (1, 2, 3) for w in (0.1, 0.2, 0.3, 0.4, 0.5)]
SHIPPED_BLEND = (COVERAGE_WEIGHT, CONFIDENCE_PASSAGES)
SHIPPED = blend_name(*SHIPPED_BLEND) + " (**shipped**)"
SIGNALS: dict[str, Signal] = {
    "coverage: share of the question's idf mass in the best passage": signal_of(1.0, 1),
    "similarity: closest sentence of the best passage, by meaning": signal_of(0.0, 1),
    "similarity: closest sentence of the best 3 passages": signal_of(0.0, 3),
    **{blend_name(w, n): signal_of(w, n) for w, n in BLENDS if (w, n) != SHIPPED_BLEND},
    SHIPPED: replace(RULES, spelling=False),
}


def confidences(questions: Sequence[EvalQuestion], signal: Signal) -> list[tuple[float, bool]]:
    answerer = Answerer(seed_index(), signal, best_similarity, english=model_words())
    return [(answerer.ask(q.question).confidence, bool(q.relevant)) for q in questions]


def rates(points: Sequence[tuple[float, bool]], threshold: float) -> tuple[float, float]:
    answerable = [c for c, a in points if a]
    unanswerable = [c for c, a in points if not a]
    answered = sum(c >= threshold for c in answerable) / len(answerable)
    declined = sum(c < threshold for c in unanswerable) / len(unanswerable)
    return answered, declined


def auc(points: Sequence[tuple[float, bool]]) -> float:
    """Probability that an answerable question outscores an unanswerable one (ties: half)."""
    answerable = [c for c, a in points if a]
    unanswerable = [c for c, a in points if not a]
    wins = sum((p > n) + 0.5 * (p == n) for p in answerable for n in unanswerable)
    return wins / (len(answerable) * len(unanswerable))


def middle_of_best(score: Callable[[float], float]) -> float:
    """The middle of the run of thresholds (0.05 to 0.95) with the highest score."""
    grid = [t / 100 for t in range(5, 96)]
    scores = {t: score(t) for t in grid}
    plateau = [t for t in grid if scores[t] == max(scores.values())]
    return plateau[len(plateau) // 2]


def best_threshold(tuning: Sequence[tuple[float, bool]]) -> float:
    """The middle of the run of thresholds that maximise answered + declined on tuning."""
    return middle_of_best(lambda t: sum(rates(tuning, t)))


# AUCs closer than this are ties, and ties keep the shipped signal (the tuning sets' pooled
# AUC weighs about 60,000 pairs; 0.005 is a few hundred of them).
AUC_RESOLUTION = 0.005


def signal_table() -> list[str]:
    """Each signal's row; exits unless the shipped one has the best AUC on the tuning sets
    pooled (since issue #15; before, on the tuning half alone)."""
    lines = [
        "| confidence | threshold | tuning AUC | tuning answered | tuning declined "
        "| held-out AUC | held-out answered | held-out declined | other essays AUC | dev AUC "
        "| tuning sets AUC |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    pooled_auc = {}
    for name, signal in SIGNALS.items():
        tuning = confidences(halves()["tuning"], signal)
        heldout = confidences(halves()["heldout"], signal)
        t = best_threshold(tuning)
        others, dev = (
            [(r.confidence, bool(r.question.relevant)) for r in set_metrics(signal, s).results]
            for s in ("other essays", "dev")
        )
        pooled_auc[name] = auc(tuning + others + dev)
        cells = [auc(tuning), *rates(tuning, t), auc(heldout), *rates(heldout, t)]
        cells += [auc(others), auc(dev), pooled_auc[name]]
        lines.append(f"| {name} | {t:.2f} | " + " | ".join(f"{c:.3f}" for c in cells) + " |")
    best = max(pooled_auc, key=pooled_auc.__getitem__)
    if pooled_auc[best] > pooled_auc[SHIPPED] + AUC_RESOLUTION:
        sys.exit(
            f"tuning now chooses {best!r}: set the confidence in bot/answering/_policy.py to it"
        )
    return lines


def calibrate(best: float) -> list[str]:
    """The shipped confidence's rates at the chosen threshold and its neighbours; the plot."""
    shipped = SIGNALS[SHIPPED]
    tuning = confidences(halves()["tuning"], shipped)
    heldout = confidences(halves()["heldout"], shipped)
    lines = [
        "| threshold | tuning answered | tuning declined | held-out answered | held-out declined |",
        "| ---: | ---: | ---: | ---: | ---: |",
    ]
    for t in sorted({0.3, 0.4, best, 0.55, 0.6}):
        mark = " (**chosen**)" if t == best else ""
        lines.append(
            f"| {t:.2f}{mark} | "
            + " | ".join(f"{r:.3f}" for r in rates(tuning, t) + rates(heldout, t))
            + " |"
        )
    plot(tuning, heldout, best)
    return lines


def plot(
    tuning: list[tuple[float, bool]], heldout: list[tuple[float, bool]], threshold: float
) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 3.6))
    rng = np.random.default_rng(0)
    for y, points in enumerate((tuning, heldout)):
        for answerable, colour, label in (
            (True, "tab:blue", "answerable"),
            (False, "tab:red", "unanswerable"),
        ):
            xs = [c for c, a in points if a == answerable]
            ax.scatter(
                xs,
                y + rng.uniform(-0.25, 0.25, len(xs)),
                s=18,
                alpha=0.7,
                color=colour,
                label=label if y == 0 else None,
            )
    ax.axvline(threshold, color="black", linestyle="--", label=f"threshold {threshold:.2f}")
    ax.set_yticks([0, 1], ["tuning", "held-out"])
    ax.set_xlabel(
        f"confidence: {COVERAGE_WEIGHT:.2f} idf coverage + {1 - COVERAGE_WEIGHT:.2f} sentence "
        f"similarity, best of the top {CONFIDENCE_PASSAGES} passages"
    )
    ax.set_xlim(-0.03, 1.03)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, frameon=False)
    fig.tight_layout()
    fig.savefig(ROOT / "docs/confidence.png", dpi=110)


def answer_type_table(threshold: float) -> list[str]:
    sets = essay_sets()
    lines = [
        "| checks | " + " | ".join(f"{s} answered | {s} declined" for s in sets) + " |",
        "| --- |" + " ---: | ---: |" * len(sets),
    ]
    checks = {
        "none": (False, False),
        "answer type": (True, False),
        "answer type and names (**shipped**)": (True, True),
    }
    for name, (types, names) in checks.items():
        cells = []
        for index, questions in sets.values():
            answerer = answerer_with(
                index, min_confidence=threshold, answer_types=types, known_names=names
            )
            m = evaluate(answerer, questions)
            cells += [f"{m.answer_rate:.3f}", f"{m.abstention_rate:.3f}"]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines
