"""The cascade: questions the words decide skip the sentence model, and nothing it does not need
is loaded (the model, the English word list); its thresholds come from a rule."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pytest

from bot.answering import DEFAULT_POLICY, Answer, Answerer
from bot.measure.cascade import Logged, choose
from bot.similarity import best_similarity, model_words
from index import PassageIndex, load_documents, respell
from tests.helpers import ROOT, SEEDS


class Recorded:
    """The real similarity, recording the questions it was asked about."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def __call__(self, question: str, texts: Sequence[str], heading: str = "", /) -> float:
        self.asked.append(question)
        return best_similarity(question, texts, heading)


@pytest.fixture(scope="module")
def shipped() -> PassageIndex:
    return PassageIndex(load_documents(SEEDS))


def _ask(index: PassageIndex, question: str, **changes: float) -> tuple[Recorded, Answer]:
    meaning = Recorded()
    policy = replace(DEFAULT_POLICY, **changes)
    answer = Answerer(index, policy, meaning, english=model_words).ask(question)
    return meaning, answer


def test_a_question_in_the_essays_words_is_answered_without_the_model(
    shipped: PassageIndex,
) -> None:
    question = "Why should Russia and Belarus have a stable, conflict-free relationship?"
    meaning, answer = _ask(shipped, question)
    assert not meaning.asked and answer.answered
    surest = answer.surest
    assert surest is not None
    assert surest.similarity is None and surest.coverage >= DEFAULT_POLICY.words_cover
    # with the cascade off the model decides it, the same way, from the same passage
    meaning, weighed = _ask(shipped, question, words_cover=math.inf)
    assert meaning.asked and weighed.answered
    assert weighed.hits[0].passage == answer.hits[0].passage


def test_the_passage_the_words_cover_best_leads_not_bm25s_short_first(tmp_path: Path) -> None:
    """Trial round 23: "How does Velmoxan work?" led with a transcript's "That's genuinely
    detective work." (a short passage, so BM25's first) at confidence 1.0, which came from
    the leaflet's passage naming both."""
    facts = [  # "Velmoxan" in every passage, "work" in few: BM25 ranks the short one first
        "Velmoxan is a tablet taken once a day.",
        "Take Velmoxan with or without food.",
        "Do not take Velmoxan if you are pregnant.",
        "Keep Velmoxan out of the sight and reach of children.",
        "Velmoxan contains ramastine, which belongs to a group of medicines that lower blood "
        "pressure. It works by relaxing the blood vessels, so that the heart pumps blood "
        "through them more easily and the pressure falls over the first weeks of treatment.",
    ]
    podcast = ["That's genuinely detective work.", "We spent a year grafting the old trees."]
    (tmp_path / "folder.md").write_text(
        "\n\n".join(["# The tablets", *facts, "# The podcast", *podcast]), encoding="utf-8"
    )
    index = PassageIndex(load_documents(tmp_path))
    meaning, answer = _ask(index, "How does Velmoxan work?")
    assert not meaning.asked and answer.answered  # the words decided
    assert "It works by relaxing" in answer.quotes[0].passage.text
    # BM25 puts the short passage first: with the rule off, it leads
    _, first = _ask(index, "How does Velmoxan work?", words_lead_covered=2.0)
    assert first.quotes[0].text == "That's genuinely detective work."


def test_a_clear_lead_is_needed_when_words_lead_is_set(shipped: PassageIndex) -> None:
    question = "Why should Russia and Belarus have a stable, conflict-free relationship?"
    meaning, _ = _ask(shipped, question, words_lead=0.2)  # its second passage scores 0.26 of it
    assert meaning.asked


def test_a_question_naming_the_unknown_is_declined_without_the_model(
    shipped: PassageIndex,
) -> None:
    meaning, answer = _ask(shipped, "What did Putin say about the union state?")
    assert not meaning.asked and not answer.answered
    assert "Putin" in answer.declined_because
    # without the names check, meaning is weighed
    meaning, _ = _ask(shipped, "What did Putin say about the union state?", known_names=False)
    assert meaning.asked


@pytest.mark.parametrize(
    "question",
    [
        "What time is it?",  # every word matched, but one word is no evidence of meaning
        "Why do the neighbours keep complaining?",  # a paraphrase: the words say little
    ],
)
def test_other_questions_go_to_the_model(shipped: PassageIndex, question: str) -> None:
    meaning, _ = _ask(shipped, question)
    assert meaning.asked


def test_the_english_word_list_is_read_only_for_a_word_the_essays_do_not_use(
    shipped: PassageIndex,
) -> None:
    calls: list[int] = []

    def english() -> frozenset[str]:
        calls.append(1)
        return model_words()

    assert respell("Why is the union a dead end?", shipped, english) == (
        "Why is the union a dead end?"
    )
    assert not calls
    assert respell("Why is the goverment weak?", shipped, english) == "Why is the government weak?"
    assert calls == [1]


RIGHT, WRONG_FIRST = (True, True, True, True), (False, True, True, True)


def _row(
    coverage: float, words: tuple[bool, ...] = RIGHT, matched: int = 2, lead: float = 0.5
) -> Logged:
    return Logged("tuning", "q", 3, False, coverage, matched, lead, RIGHT, words)


def test_the_rule_stops_above_the_highest_coverage_that_would_make_a_figure_worse() -> None:
    rows = [
        _row(0.9),
        _row(0.7),
        _row(0.6, (True, True, False, True)),  # words would decide it wrongly: must not skip
        _row(0.5),
        _row(0.95, WRONG_FIRST, matched=2, lead=0.9),  # skips only with a lead under 0.9
    ]
    assert choose(rows) == (0.7, 2, 0.5)
    # rows outside the fitting sets are never looked at
    held_out = [replace(r, set_name="heldout") for r in rows]
    assert choose([*rows, replace(_row(0.8, WRONG_FIRST), set_name="heldout")]) == (0.7, 2, 0.5)
    assert choose(held_out)[0] == math.inf


def test_the_rule_needs_two_terms_and_may_gain() -> None:
    one_term = [_row(0.9, WRONG_FIRST, matched=1), _row(0.8, matched=1)]
    assert choose(one_term)[0] == math.inf  # one matched term never decides
    better = replace(_row(0.6), reference=WRONG_FIRST, words=RIGHT)  # words do better: allowed
    assert choose([_row(0.9), better]) == (0.6, 2, 0.5)


def test_the_rule_allows_one_question_worse_when_more_do_better() -> None:
    worse = _row(0.6, (True, True, False, True))
    better = replace(_row(0.6), reference=WRONG_FIRST, words=RIGHT)
    assert choose([_row(0.9), worse, better, better]) == (0.6, 2, 0.5)
    assert choose([_row(0.9), worse, better]) == (0.9, 2, 0.5)  # as many better as worse
    assert choose([_row(0.9), worse, worse, better, better, better]) == (0.9, 2, 0.5)
    # one worse in each of two gold sets is allowed, as issue #14 counts (per set)
    dev, dev2 = (replace(worse, set_name=f"{name}/essay") for name in ("dev", "dev2"))
    assert choose([_row(0.9), dev, dev2, better, better, better]) == (0.6, 2, 0.5)
    # ... and two essays of one folder are one set, as are the other essays
    again = replace(worse, set_name="dev/another")
    assert choose([_row(0.9), dev, again, better, better, better]) == (0.9, 2, 0.5)
    second, third = (replace(worse, set_name=n) for n in ("second-essay", "third-essay"))
    assert choose([_row(0.9), second, third, better, better, better]) == (0.9, 2, 0.5)


@pytest.fixture(scope="module")
def filled_cache(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment of a cold ask whose cache folder holds the essay's sentence vectors,
    as after its first start (which embeds them all, loading the model)."""
    cache = tmp_path_factory.mktemp("cache")
    env = {**os.environ, "ESSAYBOT_CACHE_DIR": str(cache)}
    subprocess.run(
        [sys.executable, "-m", "bot", "ask", "What is the union state?", "--seeds", str(SEEDS)],
        capture_output=True,
        check=True,
        cwd=ROOT,
        env=env,
    )
    return env


@pytest.mark.slow
@pytest.mark.parametrize(
    ("question", "loaded"),
    [
        # a question the essays' words cover, or naming the unknown, is decided by its words
        ("Why should Russia and Belarus have a stable, conflict-free relationship?", set()),
        (
            "Why is the current format of Russia-Belarus relations a dead end?",
            {"bot.numpy_encoder"},
        ),
        ("What did Putin say?", set()),
        ("Why do the neighbours keep complaining?", {"bot.numpy_encoder"}),
    ],
)
def test_a_cold_ask_loads_only_what_its_question_needs(
    question: str, loaded: set[str], filled_cache: dict[str, str]
) -> None:
    heavy = {"tokenizers", "onnxruntime", "bot.numpy_encoder", "bot.encoder", "safetensors"}
    code = (
        "import sys; from bot.cli import main; main(['ask', sys.argv[1], '--seeds', sys.argv[2]]);"
        f"print(sorted({heavy!r} & set(sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, question, str(SEEDS)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env=filled_cache,
    )
    assert result.stdout.strip().splitlines()[-1] == str(sorted(loaded))


def test_words_asking_what_kind_the_answer_is_do_not_count_against_coverage(
    tmp_path: Path,
) -> None:
    """Trial round 25: "What make is the boiler?" of "... from a Worcester combination
    boiler" matched half its idf mass, "make" being a word the essays never use."""
    from bot.answering._cascade import coverages

    (tmp_path / "house.md").write_text(
        "# A house\n\nGas central heating from a Worcester combination boiler.\n\n"
        "The garden faces south and has two apple trees.\n",
        encoding="utf-8",
    )
    index = PassageIndex(load_documents(tmp_path))
    hits = index.search("What make is the boiler?", 1)
    for question in ("What make is the boiler?", "What kind of boiler is it?"):
        terms = index.query(question)
        assert coverages(index, terms, hits, DEFAULT_POLICY)[0][0] == 1.0
    terms = index.query("What colour is the boiler?")  # a word it asks of, not a kind
    assert coverages(index, terms, hits, DEFAULT_POLICY)[0][0] < 1.0
