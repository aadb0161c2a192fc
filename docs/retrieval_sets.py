"""The question sets the report measures on, pooled, and the ablation of the answering rules.

Sets: the shipped essay's tuning and held-out halves, the four other essays of tests/eval,
the blind development sets (tests/eval/dev/, tests/eval/dev2/ since session 14,
tests/eval/dev3/ since session 15 and tests/eval/dev4/ since session 16) and the unseen set
(tests/eval/unseen/). Choices are made on the first and the other essays and development
sets only (TUNING_SETS); the unseen set is measured after they are made.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

from bot.answering import DEFAULT_POLICY, Answerer, Policy
from bot.measure.evaluation import EvalQuestion, Metrics, evaluate, load_questions, pool
from bot.similarity import best_similarity, model_words, word_vectors
from index import PassageIndex, load_documents

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT / "tests/eval"
OTHER_ESSAYS = ("second-essay", "third-essay", "fourth-essay", "fifth-essay")

# A set is a list of (index, questions): one per essay folder.
Part = tuple[PassageIndex, list[EvalQuestion]]

# The policy of the session before issue #15's answering changes: no fusion, no lead, no
# following of interview questions, its margin for passages closer in meaning, its threshold.
BEFORE = replace(
    DEFAULT_POLICY,
    follow_questions=False,
    fusion_passages=0,
    lead_margin=2.0,
    closer_in_meaning=0.2,
    min_confidence=0.45,
)


# The sets choices are made on, and the sets only reported.
TUNING_SETS = ("shipped tuning", "other essays", "dev", "dev2", "dev3", "dev4")
REPORTED_SETS = ("shipped held-out", "unseen")


@cache
def index_of(folder: Path) -> PassageIndex:
    """The index of the essays in `folder` (built once per run)."""
    return PassageIndex(load_documents(folder))


def _folders(root: Path) -> list[Part]:
    """Each `<slug>.jsonl` of `root` with the essays of its folder `<slug>/`."""
    return [
        (index_of(path.with_suffix("")), load_questions(path))
        for path in sorted(root.glob("*.jsonl"))
    ]


@cache
def question_sets() -> dict[str, list[Part]]:
    """Every set by name, in the report's order."""
    seeds = index_of(ROOT / "seeds")

    def half(name: str) -> list[EvalQuestion]:
        return [q for path in sorted(EVAL.glob(f"{name}*.jsonl")) for q in load_questions(path)]

    return {
        "shipped tuning": [(seeds, half("tuning"))],
        "shipped held-out": [(seeds, half("heldout"))],
        "other essays": [
            (index_of(EVAL / name), load_questions(EVAL / f"{name}.jsonl")) for name in OTHER_ESSAYS
        ],
        "dev": _folders(EVAL / "dev"),
        "dev2": _folders(EVAL / "dev2"),
        "dev3": _folders(EVAL / "dev3"),
        "dev4": _folders(EVAL / "dev4"),
        "unseen": _folders(EVAL / "unseen"),
    }


def answerer(index: PassageIndex, policy: Policy) -> Answerer:
    """An Answerer over `index` with the real sentence model."""
    return Answerer(index, policy, best_similarity, english=model_words(), words=word_vectors)


def measured(policy: Policy, parts: Sequence[Part]) -> Metrics:
    """`policy`'s metrics over the questions of `parts`, pooled."""
    return pool([evaluate(answerer(index, policy), questions) for index, questions in parts])


@cache
def set_metrics(policy: Policy, name: str) -> Metrics:
    """`policy`'s metrics on the set called `name` (each measured once per run)."""
    return measured(policy, question_sets()[name])


def tuning_metrics(policy: Policy) -> Metrics:
    """`policy`'s metrics over every tuning set's questions together."""
    return pool([set_metrics(policy, name) for name in TUNING_SETS])


# The figures of the ablation and before/after tables: (attribute, label, needs what).
FIGURES = (
    ("success_at_1", "S@1", "answerable"),
    ("success_at_3", "S@3", "answerable"),
    ("answer_rate", "answered", "answerable"),
    ("abstention_rate", "declined", "unanswerable"),
    ("answer_in_quote", "answer in quote", "answer"),
    ("adversarial_declined", "declined (adversarial)", "adversarial"),
)


def _counts(metrics: Metrics) -> dict[str, int]:
    """How many questions each figure is a share of."""
    return {
        "answerable": len(metrics.answerable),
        "unanswerable": sum(1 for r in metrics.results if not r.question.relevant),
        "answer": sum(1 for r in metrics.answerable if r.question.answer),
        "adversarial": sum(1 for r in metrics.results if r.question.adversarial),
    }


def _cell(value: float, base: float | None, count: int) -> str:
    """A figure, and when `base` is given its change in questions: "0.912 (-2)"."""
    if not count:
        return "–"
    if base is None:
        return f"{value:.3f}"
    change = round((value - base) * count)
    return f"{value:.3f} ({change:+d})" if change else f"{value:.3f}"


# Each rule of the Policy, off: (name, the Policy's change, where the rule lives).
ABLATIONS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("interview questions ranked as their answers: off", {"follow_questions": False}),
    (
        "a passage not read with its title's words and the interview question it answers",
        {"context_words": False},
    ),
    ("a how-far question ranked with its adjective ('far', 'tall')", {"measure_words": False}),
    ("fusion with meaning off (BM25 and best sentence only)", {"fusion_passages": 0}),
    ("fusion by ranks alone (no blend of scores)", {"fusion_scores": 0.0}),
    (
        "a question naming a part of an essay that repeats headings: not kept to it",
        {"sibling_sections": False},
    ),
    ("'What is X?' not led by the passage defining X", {"definitions": False}),
    ("lead by the surest passage off", {"lead_margin": 2.0}),
    (
        "a time or sum asked for: the first quoted passage holding one does not lead",
        {"value_leads": False},
    ),
    ("confidence from the first passage only", {"confidence_passages": 1}),
    ("sentences weighed without their heading", {"headings": False}),
    ("further passages closer in meaning not quoted", {"closer_in_meaning": 2.0}),
    ("the sentence after one restating the question not quoted", {"quote_past_echoes": False}),
    (
        "the sentence after a quoted one, opening with a pronoun, not quoted",
        {"quote_continuations": False},
    ),
    (
        "the first passage's sentence nearest in meaning quoted only if its words choose it",
        {"quote_nearest": False},
    ),
    (
        "a followed answer sharing no word quoted from its first sentence alone",
        {"followed_sentences": 1},
    ),
    ("an answer of one sentence quoted without the sentence after it", {"quote_next": False}),
    ("a sentence between two quoted ones of a passage not quoted", {"quote_gaps": False}),
    (
        "the sentence holding a word of the question no quoted one holds not quoted",
        {"quote_uncovered": False},
    ),
    (
        "a quoted sentence's labelled fields ('Owner: ...') not quoted with it",
        {"quote_fields": False},
    ),
    (
        "a yes-or-no question quoted without the passage's opening 'Yes, ...' or 'Not yet.'",
        {"quote_replies": False},
    ),
    (
        "a labelled answer ('Cause:') quoted without the labelled answers after it ('Fix:')",
        {"quote_answer_parts": False},
    ),
    (
        "a list not quoted whole (after a first passage's colon, or under a heading named)",
        {"quote_lists": False},
    ),
    (
        "further quotes of other sections need not name what the first names",
        {"quotes_of_the_named": False},
    ),
    (
        "when the words decide, BM25's first passage leads, not the one they cover best",
        {"words_lead_covered": 2.0},
    ),
    (
        "a first passage holding the value asked and every other word is not answered below "
        "the threshold",
        {"typed_lead": False},
    ),
    ("answer-type check (when, how many) off", {"answer_types": False}),
    (
        "a time or sum a check misses not sought in the first passage's other sentences",
        {"mend_quotes": False},
    ),
    ("how many: a count of what is asked quoted: off", {"counted_answers": False}),
    ("price check (a sum of money quoted) off", {"money_answers": False}),
    ("years asked quoted: off", {"quoted_numbers": False}),
    ("a name asked quoted: off", {"name_answers": False}),
    ("someone asked who quoted: off", {"person_answers": False}),
    ("a place asked where quoted: off", {"place_answers": False}),
    ("a thing asked which, mentioned only as 'a ...': answered", {"unnamed_mentions": False}),
    ("a group asked of (adults, women) unnamed, another named: answered", {"group_answers": False}),
    ("unknown-names check off", {"known_names": False}),
    (
        "a name the essay uses elsewhere, but no quoted passage mentions: answered",
        {"quoted_names": False},
    ),
    ("respelling off", {"spelling": False}),
    (
        "an initialism the essays never use not spelt out ('KS2': 'Key Stage 2')",
        {"initialisms": False},
    ),
    ("who-wrote questions answered with bylines: off", {"bylines": False}),
    ("a part asked for by its number ('section 3.2') not quoted", {"numbered_parts": False}),
    (
        "what an essay is about, and when and where it took place, not answered by its opening",
        {"openings": False},
    ),
)


def ablation_tables(policy: Policy = DEFAULT_POLICY) -> dict[str, list[str]]:
    """Per set, a table: the shipped policy, then each rule off, with changes in questions."""
    rows = [("shipped", policy), *((name, replace(policy, **c)) for name, c in ABLATIONS)]
    tables = {}
    for set_name in question_sets():
        results = [(name, set_metrics(p, set_name)) for name, p in rows]
        base = results[0][1]
        counts = _counts(base)
        figures = [f for f in FIGURES if counts[f[2]]]
        lines = [
            "| policy | " + " | ".join(label for _, label, _ in figures) + " |",
            "| --- |" + " ---: |" * len(figures),
        ]
        for name, metrics in results:
            cells = [
                _cell(
                    getattr(metrics, attribute),
                    None if metrics is base else getattr(base, attribute),
                    counts[need],
                )
                for attribute, _, need in figures
            ]
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
        tables[set_name] = lines
    return tables


def figures_table(columns: dict[str, Callable[[Sequence[Part]], Metrics]]) -> list[str]:
    """One row per set and column (e.g. before and after): the figures of each."""
    lines = [
        "| set | version | questions | " + " | ".join(label for _, label, _ in FIGURES) + " |",
        "| --- | --- | ---: |" + " ---: |" * len(FIGURES),
    ]
    sets = question_sets()
    pooled = [part for name in TUNING_SETS for part in sets[name]]
    for set_name, parts in {"tuning sets, pooled": pooled, **sets}.items():
        for column, measure in columns.items():
            metrics = measure(parts)
            counts = _counts(metrics)
            cells = [_cell(getattr(metrics, a), None, counts[need]) for a, _, need in FIGURES]
            size = f"{counts['answerable']} + {counts['unanswerable']}"
            lines.append(f"| {set_name} | {column} | {size} | " + " | ".join(cells) + " |")
    return lines


# The answering rules are measured without the cascade (the words deciding alone, which
# would give a question the confidence of its coverage): the cascade is chosen afterwards,
# to change none of their decisions (bot/measure/cascade.py).
RULES = replace(DEFAULT_POLICY, words_cover=math.inf)


def answerer_with(index: PassageIndex, **changes: Any) -> Answerer:
    """An Answerer over `index` with the shipped policy, changed as `changes` say."""
    policy = replace(RULES, **changes)
    return Answerer(index, policy, best_similarity, english=model_words(), words=word_vectors)


def batches() -> dict[str, list[Path]]:
    """The gold question files of each half."""
    return {
        name: sorted((ROOT / "tests/eval").glob(f"{name}*.jsonl")) for name in ("tuning", "heldout")
    }


@cache
def halves() -> dict[str, list[EvalQuestion]]:
    """The gold questions of each half."""
    return {
        name: [q for p in paths for q in load_questions(p)] for name, paths in batches().items()
    }


@cache
def seed_index() -> PassageIndex:
    """The index of the shipped essay (built on first use: nothing runs at import)."""
    return PassageIndex(load_documents(ROOT / "seeds"))


def essay(name: str) -> tuple[PassageIndex, list[EvalQuestion]]:
    """One of the other essays of tests/eval: its index and its questions."""
    folder = ROOT / "tests/eval" / name
    return PassageIndex(load_documents(folder)), load_questions(folder.with_suffix(".jsonl"))


@cache
def other_essays() -> dict[str, tuple[PassageIndex, list[EvalQuestion]]]:
    """The other essays of tests/eval by name: (index, questions)."""
    return {
        "cycling (second essay)": essay("second-essay"),
        "libraries (third essay)": essay("third-essay"),
        "night trains (fourth essay)": essay("fourth-essay"),
        "remote work (fifth essay)": essay("fifth-essay"),
    }


def essay_sets() -> dict[str, tuple[PassageIndex, list[EvalQuestion]]]:
    """Where the answer checks and respelling are measured: (index, questions) by name."""
    return {
        **{h: (seed_index(), qs) for h, qs in halves().items()},
        "second essay": other_essays()["cycling (second essay)"],
    }


def pooled(parts: Sequence[Metrics]) -> tuple[float, float, float]:
    """S@1, S@3 and MRR over the answerable questions of several evaluations together."""
    firsts = [r.first_relevant for m in parts for r in m.answerable]
    return (
        sum(0 < f <= 1 for f in firsts) / len(firsts),
        sum(0 < f <= 3 for f in firsts) / len(firsts),
        sum(1 / f for f in firsts if f) / len(firsts),
    )


def one_folder_table() -> list[str]:
    """Every set's questions asked of one index of all the sets' essays (a user's folder of
    several), with the rule quoting other essays only when nearer in meaning, and without."""
    sets = question_sets()
    parts = [part for name in sets for part in sets[name]]
    essays = {id(index): index for index, _ in parts}
    together = PassageIndex([d for index in essays.values() for d in index.documents])
    lines = [
        "| set | other essays quoted | questions | "
        + " | ".join(label for _, label, _ in FIGURES)
        + " | answers quoting another essay |",
        "| --- | --- | ---: |" + " ---: |" * (len(FIGURES) + 1),
    ]
    for label, nearer in (("only when nearer in meaning", True), ("by score too", False)):
        one = Answerer(
            together,
            replace(DEFAULT_POLICY, other_essays_nearer=nearer),
            best_similarity,
            english=model_words(),
            words=word_vectors,
        )
        for name in sets:
            metrics = pool([evaluate(one, qs) for _, qs in sets[name]])
            own = {q.question: {d.slug for d in i.documents} for i, qs in sets[name] for q in qs}
            elsewhere = sum(
                1
                for r in metrics.results
                if r.answered
                and any(p.id.partition("/")[0] not in own[r.question.question] for p in r.quoted)
            )
            counts = _counts(metrics)
            cells = [_cell(getattr(metrics, a), None, counts[n]) for a, _, n in FIGURES]
            size = f"{counts['answerable']} + {counts['unanswerable']}"
            lines.append(
                f"| {name} | {label} | {size} | " + " | ".join(cells) + f" | {elsewhere} |"
            )
    return lines
