"""`essaybot eval` metrics: cross-checked with ir-measures; answer checks on every gold question."""

from __future__ import annotations

from pathlib import Path

import ir_measures
import pytest
from ir_measures import RR, Qrel, ScoredDoc, Success, nDCG

from bot.answers import Answerer
from bot.evaluation import (
    EvalError,
    EvalQuestion,
    evaluate,
    judge,
    load_questions,
    relevant_passages,
    with_typos,
)
from index import Hit, PassageIndex, load_documents, normalize, split_sentences

EVAL = Path(__file__).parent / "eval"


def half(name: str) -> list[EvalQuestion]:
    """A half of the gold set: every batch of it (tuning.jsonl, tuning-2.jsonl, ...)."""
    return [q for path in sorted(EVAL.glob(f"{name}*.jsonl")) for q in load_questions(path)]


QUESTIONS = half("tuning") + half("heldout")


@pytest.mark.parametrize("name", ["tuning", "heldout"])
def test_metrics_agree_with_ir_measures(answerer: Answerer, name: str) -> None:
    questions = half(name)
    metrics = evaluate(answerer, questions)
    answerable = [r for r in metrics.results if r.question.relevant]
    qrels = [
        Qrel(str(n), p.id, 1)
        for n, r in enumerate(answerable)
        for p in relevant_passages(answerer.index.passages, r.question)
    ]
    # Scores by rank, so that ir-measures sees exactly essaybot's order.
    run = [
        ScoredDoc(str(n), h.passage.id, 1 / h.rank)
        for n, r in enumerate(answerable)
        for h in r.hits
    ]
    measures = {
        "success_at_1": Success @ 1,
        "success_at_3": Success @ 3,
        "success_at_5": Success @ 5,
        "mrr": RR @ 10,
        "ndcg": nDCG @ 10,
    }
    per_query: dict[object, dict[str, float]] = {m: {} for m in measures.values()}
    for value in ir_measures.iter_calc(list(measures.values()), qrels, run):
        per_query[value.measure][value.query_id] = value.value
    for name, measure in measures.items():
        # A question with no hit at all is not in the run: it scores 0.
        expected = sum(per_query[measure].values()) / len(answerable)
        assert getattr(metrics, name) == pytest.approx(expected, abs=1e-9), name


def test_answers_quoting_a_relevant_passage(seed_index: PassageIndex) -> None:
    first, second, third = seed_index.passages[:3]
    questions = [
        EvalQuestion("answered from the right passage", (first.text[:40],)),
        EvalQuestion("answered from another passage", (second.text[:40],)),
        EvalQuestion("declined", (third.text[:40],)),
        EvalQuestion("not answerable", ()),
    ]
    hits = [Hit(first, 1.0, 1)]
    metrics = judge(
        seed_index.passages,
        questions,
        [hits] * 4,
        [True, True, False, True],
        quoted=[(third, first), (third,), (), (first,)],
    )
    assert [r.quoted_relevant for r in metrics.results] == [True, False, False, False]
    assert metrics.quoted_relevant == 0.5  # of the two answerable questions answered
    assert [r.question.question for r in metrics.wrongly_quoted] == [
        "answered from another passage"
    ]


@pytest.mark.parametrize("question", [q.question for q in QUESTIONS])
def test_answer_checks(answerer: Answerer, question: str) -> None:
    answer = answerer.ask(question)
    terms = set(answerer.index.query(question))
    sentences = []
    for quote in answer.quotes:
        assert quote.text in quote.passage.text  # verbatim
        assert terms & set(answerer.index.terms(quote.text))  # about the question
        sentences += [" ".join(normalize(s).split()) for s in split_sentences(quote.text)]
    assert len(sentences) == len(set(sentences))  # no sentence twice


# The targets of issue #4 on both batches of the held-out half (docs/retrieval.md): S@1 0.90,
# S@3 0.97, MRR 0.93, 95% answered, 90% declined; and, measured now, the answers given that
# quote a relevant passage.
HELD_OUT_FLOORS = {
    "success_at_1": 0.90,
    "success_at_3": 0.97,
    "mrr": 0.93,
    "answer_rate": 0.95,
    "abstention_rate": 0.90,
    "quoted_relevant": 0.98,
}


def test_held_out_floors(answerer: Answerer) -> None:
    metrics = evaluate(answerer, half("heldout"))
    for name, floor in HELD_OUT_FLOORS.items():
        assert getattr(metrics, name) >= floor, name


# The second essay (another topic, never tuned on): floors at what is measured now.
SECOND_ESSAY_FLOORS = {"success_at_3": 0.95, "answer_rate": 0.90, "abstention_rate": 1.00}


# The third essay (libraries, session 4, read once after every choice): floors at that reading.
THIRD_ESSAY_FLOORS = {"success_at_3": 0.95, "answer_rate": 0.95, "abstention_rate": 0.80}


# The fourth essay (night trains, session 5, questions in other words than the essay's):
# floors at what is measured now, which are low: BM25 cannot match "obstacle" to "bottleneck".
FOURTH_ESSAY_FLOORS = {"success_at_3": 0.70, "answer_rate": 0.80, "abstention_rate": 0.90}


# The fifth essay (remote work, session 5, written after the quoting changes): measured now.
FIFTH_ESSAY_FLOORS = {"success_at_3": 0.85, "answer_rate": 0.80, "abstention_rate": 1.00}


@pytest.mark.parametrize(
    ("essay", "floors"),
    [
        ("second-essay", SECOND_ESSAY_FLOORS),
        ("third-essay", THIRD_ESSAY_FLOORS),
        ("fourth-essay", FOURTH_ESSAY_FLOORS),
        ("fifth-essay", FIFTH_ESSAY_FLOORS),
    ],
)
def test_other_essay_floors(essay: str, floors: dict[str, float]) -> None:
    answerer = Answerer(PassageIndex(load_documents(EVAL / essay)))
    metrics = evaluate(answerer, load_questions(EVAL / f"{essay}.jsonl"))
    for name, floor in floors.items():
        assert getattr(metrics, name) >= floor, name


# The held-out half with one slip of the keys in each question (bot.evaluation.with_typos):
# floors at what is measured now (without respelling, session 4: S@1 0.77, 56% answered).
TYPO_FLOORS = {
    "success_at_1": 0.88,
    "success_at_3": 0.98,
    "answer_rate": 0.90,
    "abstention_rate": 0.87,
}


def test_typing_slips_cost_little(answerer: Answerer) -> None:
    metrics = evaluate(answerer, with_typos(half("heldout")))
    for name, floor in TYPO_FLOORS.items():
        assert getattr(metrics, name) >= floor, name


def test_gold_set_shape(answerer: Answerer) -> None:
    answerable = [q for q in QUESTIONS if q.relevant]
    unanswerable = [q for q in QUESTIONS if not q.relevant]
    assert len(answerable) >= 80 and len(unanswerable) >= 25
    assert len({q.question for q in QUESTIONS}) == len(QUESTIONS)
    # Near misses: unanswerable, yet sharing a word with the essay ("When was Putin born?").
    index = answerer.index
    near = [q for q in unanswerable if any(t in index for t in index.query(q.question))]
    assert len(near) >= len(unanswerable) / 3


def test_every_excerpt_is_in_a_passage(answerer: Answerer) -> None:
    lost = [
        (q.question, excerpt)
        for q in QUESTIONS
        for excerpt in q.relevant
        if not relevant_passages(answerer.index.passages, EvalQuestion(q.question, (excerpt,)))
    ]
    assert not lost


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("not json", ":1: expected"),
        ('{"question": "q"}', ":1: expected"),
        ('{"question": 3, "relevant": []}', ":1: expected"),
    ],
)
def test_malformed_eval_file_names_the_line(tmp_path: Path, line: str, problem: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(EvalError, match=rf"bad\.jsonl{problem}"):
        load_questions(path)


UNSEEN = sorted(path.stem for path in (EVAL / "unseen").glob("*.jsonl"))


@pytest.mark.parametrize("essay", UNSEEN)
def test_every_unseen_excerpt_is_in_one_passage(essay: str) -> None:
    # The unseen essays were written blind: this checks that parsing keeps each excerpt
    # inside one passage, not how well anything is answered.
    passages = PassageIndex(load_documents(EVAL / "unseen" / essay)).passages
    lost = []
    for q in load_questions(EVAL / "unseen" / f"{essay}.jsonl"):
        for excerpt in q.relevant:
            found = relevant_passages(passages, EvalQuestion(q.question, (excerpt,)))
            if len(found) != 1:
                lost.append((q.question, excerpt, len(found)))
    assert not lost
    assert len(UNSEEN) >= 6
