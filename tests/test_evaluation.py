"""`essaybot eval` metrics: cross-checked with ir-measures; answer checks on every gold question."""

from __future__ import annotations

import re
from pathlib import Path

import ir_measures
import pytest
from ir_measures import RR, Qrel, ScoredDoc, Success, nDCG

from bot.answering import Answerer
from bot.measure.evaluation import (
    EvalError,
    EvalQuestion,
    Metrics,
    evaluate,
    judge,
    load_questions,
    pool,
    relevant_passages,
)
from bot.measure.metrics import metrics_to_dict, render_metrics
from bot.measure.typos import with_typos
from index import Hit, PassageIndex, load_documents, normalize, split_sentences
from tests.helpers import answerer_for

EVAL = Path(__file__).parent / "eval"


def half(name: str) -> list[EvalQuestion]:
    """A half of the gold set: every batch of it (tuning.jsonl, tuning-2.jsonl, ...)."""
    return [q for path in sorted(EVAL.glob(f"{name}*.jsonl")) for q in load_questions(path)]


QUESTIONS = half("tuning") + half("heldout")


@pytest.mark.parametrize("name", ["tuning", "heldout"])
@pytest.mark.slow
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
        # about the question, by its words or its heading's ("What alternative does the
        # author propose?" of "In Search of an Alternative", read under it since session 29)
        assert terms & set(answerer.index.terms(f"{quote.passage.section}\n{quote.text}"))
        sentences += [" ".join(normalize(s).split()) for s in split_sentences(quote.text)]
    assert len(sentences) == len(set(sentences))  # no sentence twice


# The targets of issue #4 on both batches of the held-out half (docs/retrieval.md): S@1 0.90,
# S@3 0.97, MRR 0.93, 95% answered, 90% declined; and, measured now, the answers given that
# quote a relevant passage. Issue #15 (fusion with meaning, choices on the pooled tuning
# sets) raised S@1 to 0.934 and declined to 0.938. Session 27's blend of scores in the fusion
# (over every gold set 68 more ranked first) put "Why does Belarus keep complaining about
# Russia?" fifth: 0.918. Session 41's questions in 8 bits with smoothed inputs (every gold set
# S@1 +4, answered +4, answer in quote +5) put it fourth, behind the two passages quoted, so
# that answer no longer quotes a relevant one: quoted_relevant 0.983 -> 0.966.
HELD_OUT_FLOORS = {
    "success_at_1": 0.91,
    "success_at_3": 0.97,
    "mrr": 0.95,
    "answer_rate": 0.95,
    "abstention_rate": 0.93,
    "quoted_relevant": 0.96,
}


@pytest.mark.slow
def test_held_out_floors(answerer: Answerer) -> None:
    metrics = evaluate(answerer, half("heldout"))
    for name, floor in HELD_OUT_FLOORS.items():
        assert getattr(metrics, name) >= floor, name


# The other essays are tuning sets since issue #15 (pooled with the tuning half and
# tests/eval/dev/): floors at what is measured with its choices. Session 27's blend of
# scores in the fusion cost the second essay a question of S@1 (0.85 -> 0.80) and the third
# one of S@3 (0.95 -> 0.90), and gave the fourth one of S@3 (0.70 -> 0.75).
# The second essay (cycling).
SECOND_ESSAY_FLOORS = {
    "success_at_1": 0.80,
    "success_at_3": 0.95,
    "answer_rate": 0.90,
    "abstention_rate": 1.00,
}


# The third essay (libraries, session 4, read once after every choice of then).
THIRD_ESSAY_FLOORS = {"success_at_3": 0.90, "answer_rate": 0.95, "abstention_rate": 0.80}


# The fourth essay (night trains, session 5, questions in other words than the essay's):
# floors at what is measured now, which are low: BM25 cannot match "obstacle" to "bottleneck".
# Since its title line is its title (session 9), not the heading of its first paragraph, one
# answer fewer (0.80 -> 0.75): "What is the biggest obstacle...?", answered with no relevant
# passage in its first ten, is declined.
FOURTH_ESSAY_FLOORS = {"success_at_3": 0.70, "answer_rate": 0.75, "abstention_rate": 0.90}


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
@pytest.mark.slow
def test_other_essay_floors(essay: str, floors: dict[str, float]) -> None:
    answerer = answerer_for(PassageIndex(load_documents(EVAL / essay)))
    metrics = evaluate(answerer, load_questions(EVAL / f"{essay}.jsonl"))
    for name, floor in floors.items():
        assert getattr(metrics, name) >= floor, name


def _pooled(folder: Path) -> Metrics:
    """The metrics of every essay of `folder` (`<slug>/` beside `<slug>.jsonl`), pooled."""
    return pool(
        [
            evaluate(
                answerer_for(PassageIndex(load_documents(path.with_suffix("")))),
                load_questions(path),
            )
            for path in sorted(folder.glob("*.jsonl"))
        ]
    )


# The blind development set (tests/eval/dev/, a tuning set of issue #15): floors at what is
# measured with the choices made on it. Few of its unanswerable questions are declined: they
# ask for details the essays leave out, which the confidence cannot see (docs/retrieval.md);
# asking a price needs a sum in the quotes (`money_answers`, 0.32 -> 0.40) and a year asked
# must be quoted (`quoted_numbers`, 0.40 -> 0.43, and one answer fewer: 0.866 -> 0.859).
# Since a plain-text title line is the title (session 9), "Picking Season at Hollin Farm" no
# longer heads the memoir's first section, whose passages were found by its words: "How big
# was Hollin Farm?" ranks its answer 3rd (0.846 -> 0.839). Quoting the sentence after a
# quoted one when it opens with "it", "they", "he" or "she" (session 10): 0.799 -> 0.812.
DEV_FLOORS = {
    "success_at_1": 0.83,
    "success_at_3": 0.93,
    "answer_rate": 0.85,
    "abstention_rate": 0.43,
    "answer_in_quote": 0.80,
}
# The second development set (tests/eval/dev2/, written blind in session 14 to tune when to
# decline): floors at what is measured with the choices made on it.
DEV2_FLOORS = {
    "success_at_1": 0.76,
    "success_at_3": 0.89,
    "answer_rate": 0.80,
    "abstention_rate": 0.27,
    "answer_in_quote": 0.68,
}
# The third development set (tests/eval/dev3/, written blind in session 15 to tune when to
# decline; first read S@1 0.897, S@3 0.992, answered 0.921, declined 0.208, answer in quote
# 0.873): floors at what is measured with the choices made on it.
DEV3_FLOORS = {
    "success_at_1": 0.87,
    "success_at_3": 0.97,
    "answer_rate": 0.89,
    "abstention_rate": 0.26,
    "answer_in_quote": 0.85,
}
# The fourth development set (tests/eval/dev4/, written blind in session 16; first read S@1
# 0.744, S@3 0.910, answered 0.844, declined 0.500, answer in quote 0.735): floors at what is
# measured with the choices made on it.
DEV4_FLOORS = {
    "success_at_1": 0.72,
    "success_at_3": 0.89,
    "answer_rate": 0.82,
    "abstention_rate": 0.47,
    "answer_in_quote": 0.72,
}
# The unseen set (tests/eval/unseen/, never tuned on): floors at its reading after the
# choices of issue #15, so that later changes do not lose what it measured; S@3 and answer in
# quote are 2 questions lower since the cascade lets the words decide (bot/measure/cascade.py).
UNSEEN_FLOORS = {
    "success_at_1": 0.78,
    "success_at_3": 0.91,
    "answer_rate": 0.81,
    "abstention_rate": 0.38,
    "answer_in_quote": 0.63,  # 0.629 -> 0.634 with the sentence after quoted (session 10)
}


@pytest.mark.parametrize(
    ("folder", "floors"),
    [
        ("dev", DEV_FLOORS),
        ("dev2", DEV2_FLOORS),
        ("dev3", DEV3_FLOORS),
        ("dev4", DEV4_FLOORS),
        ("unseen", UNSEEN_FLOORS),
    ],
)
@pytest.mark.slow
def test_blind_set_floors(folder: str, floors: dict[str, float]) -> None:
    metrics = _pooled(EVAL / folder)
    for name, floor in floors.items():
        assert getattr(metrics, name) >= floor, name


def test_price_questions_of_the_dev_essays_need_a_sum() -> None:
    # Real dev questions: the unanswerable one was answered from "we now have to pay two
    # assistants" before `money_answers`; the answerable one quotes "twenty-eight euros".
    answerer = answerer_for(PassageIndex(load_documents(EVAL / "dev/cheesemaker-interview")))
    unpaid = answerer.ask("How much are her two summer assistants paid?")
    assert not unpaid.answered and "money" in unpaid.declined_because
    priced = answerer.ask("What does a kilo cost if you buy it at the farm today?")
    assert priced.answered and any("euros" in quote.text for quote in priced.quotes)


def test_a_year_asked_of_the_dev_essays_must_be_quoted() -> None:
    # Real dev questions: the unanswerable one was answered from "The gabelle was abolished in
    # 1790" before `quoted_numbers`; the answerable one quotes its year (and, asking a price,
    # a share: "three times").
    answerer = answerer_for(PassageIndex(load_documents(EVAL / "dev/salt-history")))
    wrong_year = answerer.ask("Why was the gabelle abolished in 1825?")
    assert not wrong_year.answered and "1825" in wrong_year.declined_because
    dated = answerer.ask(
        "By how much had firewood prices risen according to the 1538 guild records?"
    )
    assert dated.answered and any("1538" in quote.text for quote in dated.quotes)


def test_pooled_metrics_are_those_of_the_questions_together(seed_index: PassageIndex) -> None:
    passages = seed_index.passages
    questions = [
        EvalQuestion("first", (passages[0].text[:40],)),
        EvalQuestion("second", (passages[1].text[:40],)),
        EvalQuestion("third", (passages[2].text[:40],)),
        EvalQuestion("unanswerable", ()),
    ]
    rankings = [[Hit(p, 1.0, 1)] for p in (passages[0], passages[0], passages[2], passages[3])]
    said = [True, False, True, True]
    whole = judge(passages, questions, rankings, said)
    parts = [judge(passages, questions[:1], rankings[:1], said[:1])]
    parts.append(judge(passages, questions[1:], rankings[1:], said[1:]))
    together = pool(parts)
    assert together == whole
    assert together.success_at_1 == pytest.approx(2 / 3)  # not the mean of 1 and 1/2
    assert together.answer_rate == pytest.approx(2 / 3) and together.abstention_rate == 0.0


# The held-out half with one slip of the keys in each question (bot.measure.typos.with_typos):
# floors at what is measured now (without respelling, session 4: S@1 0.77, 56% answered).
# Issue #15's ranking raised S@1 from 0.885 to 0.902 and declined from 0.875 to 0.906.
# Session 27's blend of scores in the fusion: S@3 0.984 -> 0.951 ("Why does Belarus keep
# combplaining about Russia?" 2 -> 5, "... most uncvmfortable?" 3 -> 4).
TYPO_FLOORS = {
    "success_at_1": 0.90,
    "success_at_3": 0.95,
    "answer_rate": 0.90,
    "abstention_rate": 0.90,
}


@pytest.mark.slow
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


GOOD = '{"question": "Who?", "relevant": ["Lukashenko"]}'


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("not json", "not JSON (Expecting value at column 1)"),
        # red-team round 36, R7: tracebacks
        (
            '{"question": "x", "relevant": ' + "[" * 5000 + "]" * 5000 + "}",
            "JSON nested too deep to read",
        ),
        ("9" * 5000, "a number too long to read"),
        ('["Who?", ["x"]]', 'expected an object {"question": ..., "relevant": [...]}, not a list'),
        (
            '{"question": "q"}',
            '"relevant" is missing (use [] for a question the essays cannot answer)',
        ),
        ('{"relevant": []}', '"question" is missing'),
        ('{"question": 3, "relevant": []}', '"question" must be a non-empty string, not a number'),
        (
            '{"question": " ", "relevant": []}',
            '"question" must be a non-empty string, not an empty string',
        ),
        (
            '{"question": "q", "relevant": "a string"}',
            '"relevant" must be a list of strings, not a string',
        ),
        ('{"question": "q", "relevant": null}', '"relevant" must be a list of strings, not null'),
        (
            '{"question": "q", "relevant": ["x", 3]}',
            '"relevant" must be a list of excerpts, but item 2 is a number',
        ),
        (
            '{"question": "q", "relevant": [""]}',
            '"relevant" must be a list of excerpts, but item 1 is an empty string',
        ),
        (
            '{"question": "q", "relevant": ["x"], "answer": true}',
            '"answer" must be a string, not true',
        ),
        (
            '{"question": "q", "relevant": [], "answer": "x"}',
            '"answer" is given for a question with no "relevant" excerpt',
        ),
        (
            '{"question": "q", "relevant": [], "adversarial": "yes"}',
            '"adversarial" must be true or false, not a string',
        ),
        (
            '{"question": "q", "relevant": ["x"], "adversarial": true}',
            '"adversarial" marks an unanswerable question: "relevant" must be []',
        ),
        ('{"question": "q", "relevent": []}', 'unknown key "relevent"; did you mean "relevant"?'),
        ('{"question": "q", "relevant": [], "notes": "x"}', 'unknown key "notes"'),
    ],
)
def test_malformed_eval_file_names_the_file_and_line(
    tmp_path: Path, line: str, problem: str
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(f"{GOOD}\n\n{line}\n{GOOD}\n", encoding="utf-8")
    with pytest.raises(EvalError) as error:
        load_questions(path)
    assert str(error.value) == f"{path}:3: {problem}"


# The folders of essays written blind, and how many essays each holds at least.
BLIND_FOLDERS = {
    "dev": 6,
    "dev2": 4,
    "dev3": 4,
    "dev4": 5,
    "unseen": 6,
    "blind": 4,
    "blind2": 3,
    "blind3": 3,
    "blind4": 3,
    "blind5": 6,
    "blind6": 6,
    "blind7": 6,
    "blind8": 6,
    "blind9": 6,
    "blind10": 6,
    "blind11": 6,
    "blind12": 6,
    "blind13": 6,
    "blind14": 6,
    "blind15": 6,
    "blind16": 6,
    "blind17": 6,
    "blind18": 6,
    "blind19": 6,
    "blind20": 6,
    "blind21": 6,
    "blind22": 6,
    "blind23": 6,
    "blind24": 6,
    "blind25": 6,
    "blind26": 6,
    "blind27": 6,
    "blind28": 6,
    "blind29": 6,
    "blind30": 6,
    "blind31": 6,
    "blind32": 6,
    "blind33": 6,
    "blind34": 6,
    "blind35": 6,
    "blind36": 6,
    "blind37": 6,
    "blind38": 6,
    "blind39": 6,
    "blind40": 6,
}
BLIND = sorted(
    (folder, path.stem) for folder in BLIND_FOLDERS for path in (EVAL / folder).glob("*.jsonl")
)


# Excerpts their writer did not copy verbatim, kept as written (the gold is added unedited):
# the essay says "Our records ... show that your train arrived at 16:44".
WRITERS_SLIPS = {("blind33", "delay-repay", "shows that your train arrived at 16:44")}


@pytest.mark.parametrize(("folder", "essay"), BLIND)
def test_every_blind_excerpt_is_in_a_passage(folder: str, essay: str) -> None:
    # These essays were written blind: this checks that parsing keeps each excerpt inside
    # a passage (two meetings' minutes may list the same chair), not how well anything is
    # answered; or, for one its writer took from a Markdown "#" heading (a book club's
    # "November: Letters to a Young Beekeeper by Morwenna Gale"), in that heading: never in
    # a line parsing alone read as a heading (trial rounds 28, 29: a dateline had been).
    passages = PassageIndex(load_documents(EVAL / folder / essay)).passages
    lost = []
    for q in load_questions(EVAL / folder / f"{essay}.jsonl"):
        for excerpt in q.relevant:
            if (folder, essay, excerpt) in WRITERS_SLIPS:
                continue
            found = relevant_passages(passages, EvalQuestion(q.question, (excerpt,)))
            squashed = " ".join(normalize(excerpt).split())
            if any(squashed in " ".join(normalize(p.text).split()) for p in found):
                continue
            (source,) = (EVAL / folder / essay).iterdir()
            marked = [line for line in source.read_text().splitlines() if line[:1] == "#"]
            if not (found and any(excerpt in line for line in marked)):
                lost.append((q.question, excerpt))
    assert not lost
    assert [f for f, _ in BLIND].count(folder) >= BLIND_FOLDERS[folder]


def test_eval_file_format(tmp_path: Path) -> None:
    path = tmp_path / "good.jsonl"
    lines = [
        '{"question": "Who?", "relevant": ["Lukashenko", "Putin"], "answer": "Two men"}',
        '{"question": "Line\u2028break?", "relevant": []}',  # U+2028 is no line break here
        "",
    ]
    path.write_text("\ufeff" + "\n".join(lines), encoding="utf-8")  # a BOM is allowed
    assert load_questions(path) == [
        EvalQuestion("Who?", ("Lukashenko", "Putin"), answer="Two men"),
        EvalQuestion("Line\u2028break?", ()),
    ]
    assert load_questions(path)[1].where == f"{path}:2"


def test_an_excerpt_in_no_passage_names_its_line(seed_index: PassageIndex, tmp_path: Path) -> None:
    path = tmp_path / "gold.jsonl"
    path.write_text(f'{GOOD}\n{{"question": "Why?", "relevant": ["no such words"]}}\n')
    questions = load_questions(path)
    with pytest.raises(EvalError, match=rf"^{re.escape(str(path))}:2: no passage contains"):
        evaluate(answerer_for(seed_index), questions)


def test_an_excerpt_only_a_heading_holds_makes_its_sections_passages_relevant(
    tmp_path: Path,
) -> None:
    # Trial round 30: a book club's "## November: Letters to a Young Beekeeper by Morwenna
    # Gale" gives the author only in its heading, which the answer's citation shows; an
    # excerpt from it had stopped eval. An excerpt some passage holds is read as before.
    folder = tmp_path / "club"
    folder.mkdir()
    (folder / "club.md").write_text(
        "# Club\n\n## November: Letters to a Young Beekeeper by Morwenna Gale\n\n"
        "Chosen by Felix. He brought honey.\n\nClub score: 7.0.\n\n"
        "## December\n\nA party, with Morwenna Gale's honey cake.\n",
        encoding="utf-8",
    )
    index = PassageIndex(load_documents(folder))
    heading = EvalQuestion(
        "Who wrote Letters to a Young Beekeeper?", ("Beekeeper by Morwenna Gale",), "Morwenna Gale"
    )
    held = EvalQuestion("What cake?", ("Morwenna Gale's honey cake",))
    assert [p.text for p in relevant_passages(index.passages, heading)] == [
        "Chosen by Felix. He brought honey.",
        "Club score: 7.0.",
    ]
    assert [p.section for p in relevant_passages(index.passages, held)] == ["December"]
    metrics = evaluate(answerer_for(index), [heading, held])
    assert [r.first_relevant for r in metrics.results] == [1, 1]


def test_every_bad_line_is_named_at_once(seed_index: PassageIndex, tmp_path: Path) -> None:
    # Trial round 27: eval stopped at the first bad line, one fix a run; and an excerpt
    # in no passage was found only after every question had been answered.
    path = tmp_path / "gold.jsonl"
    bad = [f'{{"question": "Why {n}?", "relevant": ["no such words {n}"]}}' for n in range(12)]
    path.write_text(
        "\n".join(
            [GOOD, '{"question": 3, "relevant": []}', *bad, '{"question": "q", "relevent": []}']
        )
    )
    with pytest.raises(EvalError) as error:
        load_questions(path)
    assert str(error.value).splitlines() == [
        f'{path}:2: "question" must be a non-empty string, not a number',
        f'{path}:15: unknown key "relevent"; did you mean "relevant"?',
    ]
    path.write_text("\n".join([GOOD, *bad]))
    asked: list[str] = []
    answerer = answerer_for(seed_index)
    real = answerer.ask
    answerer.ask = lambda question, **kw: asked.append(question) or real(question, **kw)  # type: ignore[method-assign]
    with pytest.raises(EvalError) as error:
        evaluate(answerer, load_questions(path))
    lines = str(error.value).splitlines()
    assert lines[0] == f"{path}:2: no passage contains the excerpts of 'Why 0?'; check them"
    assert (
        len(lines) == 11 and lines[9].startswith(f"{path}:11: ") and lines[10] == "... and 2 more"
    )
    assert asked == []  # nothing answered before the file is known good


def test_an_answer_in_no_relevant_passage_names_its_line(
    seed_index: PassageIndex, tmp_path: Path
) -> None:
    path = tmp_path / "gold.jsonl"
    line = '{"question": "Why aid?", "relevant": ["await a return on its aid"], "answer": "%s"}'
    path.write_text(f"{GOOD}\n{line % 'a gift of gold'}\n")
    with pytest.raises(EvalError, match=rf"^{re.escape(str(path))}:2: the answer 'a gift of"):
        evaluate(answerer_for(seed_index), load_questions(path))
    path.write_text(f"{GOOD}\n{line % 'A  Return on its AID'}\n")  # compared as excerpts are
    assert evaluate(answerer_for(seed_index), load_questions(path)).results


def test_the_readme_example_of_an_evaluation_file_is_one(
    seed_index: PassageIndex, tmp_path: Path
) -> None:
    from tests.helpers import ROOT

    section = (ROOT / "README.md").read_text(encoding="utf-8").split("### Evaluation files")[1]
    example = section.split("```json\n")[1].split("```")[0]
    path = tmp_path / "example.jsonl"
    path.write_text(example, encoding="utf-8")
    questions = load_questions(path)
    assert [bool(q.relevant) for q in questions] == [True, True, False, False]
    assert [q.adversarial for q in questions] == [False, False, False, True]
    assert all(relevant_passages(seed_index.passages, q) for q in questions[:2])
    assert questions[1].answer in " ".join(questions[1].relevant)


def test_answer_in_quote_and_adversarial_declined(seed_index: PassageIndex) -> None:
    aid = "Russia continues to await a return on its aid"
    questions = [
        EvalQuestion("Why aid?", (aid,), answer="await a return on its aid"),
        EvalQuestion("Why aid again?", (aid,), answer="await a RETURN  on its aid"),
        EvalQuestion("Why no aid?", (aid,), answer="the Soviet inheritance"),
        EvalQuestion("Aid in 2019?", (), adversarial=True),
        EvalQuestion("Weather?", ()),
    ]
    passage = next(p for p in seed_index.passages if aid in p.text)
    hit = Hit(passage, 1.0, 1)
    metrics = judge(
        seed_index.passages,
        questions,
        [(hit,)] * 5,
        [True, True, True, False, True],
        quoted=[(passage,)] * 5,
        quotes=[(aid + " while Belarus believes",)] * 5,
    )
    assert metrics.answer_in_quote == pytest.approx(2 / 3)  # case and spacing aside
    assert metrics.adversarial_declined == 1.0
    assert metrics.abstention_rate == 0.5


def test_the_report_names_what_declined_and_what_a_quote_missed(seed_index: PassageIndex) -> None:
    aid = "Russia continues to await a return on its aid"
    questions = [
        EvalQuestion("Why aid?", (aid,), answer="the Soviet inheritance"),
        EvalQuestion("How much aid?", (aid,)),
    ]
    passage = next(p for p in seed_index.passages if aid in p.text)
    metrics = judge(
        seed_index.passages,
        questions,
        [(Hit(passage, 1.0, 1),)] * 2,
        [True, False],
        [0.9, 0.4494],
        quoted=[(passage,), ()],
        quotes=[(aid,), ()],
        reasons=["", "it asks for a sum of money and no quote holds one"],
    )
    text = render_metrics(metrics, "q.jsonl")
    assert text.startswith("2 questions (2 answerable)")
    # nothing to measure is no score of 0: no question here is unanswerable
    assert "  declined (unanswerable)      n/a\n" in text and "answer in quote" in text
    # cut, not rounded: "0.45" would read as the threshold it is below
    assert "  0.449  How much aid?\n         declined: it asks for a sum of money" in text
    assert "answered without the answer in a quote (1), wanted:\n  Why aid?" in text
    report = metrics_to_dict(metrics)
    assert report["wrongly_declined"][0]["declined_because"].startswith("it asks for a sum")
    assert report["answer_missed"] == [
        {"question": "Why aid?", "answer": "the Soviet inheritance", "quotes": [aid]}
    ]
    assert render_metrics(judge(seed_index.passages, questions[:1], [()], [False]), "q").startswith(
        "1 question (1 answerable)"
    )
