"""Retrieval evaluation on JSON Lines question files (format in the README, "Evaluation files")."""

from __future__ import annotations

import difflib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.answering import Answerer
from bot.errors import EssaybotError
from index import Hit, Passage, normalize

__all__ = [
    "EvalError",
    "EvalQuestion",
    "Metrics",
    "Result",
    "evaluate",
    "judge",
    "load_questions",
    "pool",
    "relevant_passages",
]

DEPTH = 10


class EvalError(EssaybotError):
    """The evaluation file is missing or malformed; the message names the file and line."""


@dataclass(frozen=True)
class EvalQuestion:
    """A question and excerpts of the passages that answer it (none: unanswerable)."""

    question: str
    relevant: tuple[str, ...]
    where: str = field(default="", compare=False)  # "file:line", for messages
    answer: str = ""  # the asked-for answer in a few words of the essay, when given
    adversarial: bool = False  # unanswerable, though worded from a passage that seems to answer


@dataclass(frozen=True)
class Result:
    """How one question fared: the rank of the first relevant hit (0: none in the top 10)."""

    question: EvalQuestion
    hits: tuple[Hit, ...]
    first_relevant: int
    answered: bool
    ndcg: float
    confidence: float
    quoted: tuple[Passage, ...] = ()  # the passages the answer quotes
    quotes: tuple[str, ...] = ()  # the quoted texts
    because: str = ""  # why it was declined, when a check declined it
    relevant_ids: frozenset[str] = frozenset()  # the relevant passages' (`relevant_passages`)

    @property
    def quoted_relevant(self) -> bool:
        """Whether the answer quotes a relevant passage (never, for an unanswerable question)."""
        return any(p.id in self.relevant_ids for p in self.quoted)

    @property
    def answer_in_quote(self) -> bool:
        """Whether a quote holds the question's `answer` (after quote and space normalising)."""
        wanted = _squash(self.question.answer)
        return bool(wanted) and any(wanted in _squash(text) for text in self.quotes)


@dataclass(frozen=True)
class Metrics:
    """Aggregate retrieval and answering metrics over an evaluation set."""

    results: tuple[Result, ...]
    success_at_1: float
    success_at_3: float
    success_at_5: float
    mrr: float
    ndcg: float
    answer_rate: float
    abstention_rate: float
    # Of the answerable questions answered, the share whose quotes include a relevant passage.
    quoted_relevant: float = 0.0
    # Of the answerable questions with an `answer`, the share answered with a quote holding it.
    answer_in_quote: float = 0.0
    # Of the adversarial unanswerable questions, the share declined.
    adversarial_declined: float = 0.0

    @property
    def answerable(self) -> list[Result]:
        """Results of the questions the essays answer."""
        return [r for r in self.results if r.question.relevant]

    @property
    def misses(self) -> list[Result]:
        """Answerable questions whose first hit is not relevant."""
        return [r for r in self.answerable if r.first_relevant != 1]

    @property
    def wrongly_declined(self) -> list[Result]:
        """Answerable questions the bot declined."""
        return [r for r in self.answerable if not r.answered]

    @property
    def wrongly_quoted(self) -> list[Result]:
        """Answerable questions answered, but with quotes from no relevant passage."""
        return [r for r in self.answerable if r.answered and not r.quoted_relevant]

    @property
    def answer_missed(self) -> list[Result]:
        """Answerable questions with an `answer` answered, but with no quote holding it."""
        return [
            r for r in self.answerable if r.answered and r.question.answer and not r.answer_in_quote
        ]

    @property
    def wrongly_answered(self) -> list[Result]:
        """Unanswerable questions the bot answered."""
        return [r for r in self.results if not r.question.relevant and r.answered]


def _squash(text: str) -> str:
    return " ".join(normalize(text).split())


def load_questions(path: Path) -> list[EvalQuestion]:
    """Read an evaluation file, or raise EvalError naming the file, line and fix."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise EvalError(f"{path}: cannot be read ({error.strerror})") from None
    except UnicodeDecodeError as error:
        raise EvalError(
            f"{path}: not UTF-8 text (byte offset {error.start}); save it as UTF-8"
        ) from None
    lines = text.split("\n")  # not splitlines(): JSON strings may hold U+2028 and the like
    questions, problems = [], []
    for number, line in enumerate(lines, start=1):
        if line.strip():
            where = f"{path}:{number}"
            try:
                questions.append(_question(line, where))
            except ValueError as error:
                problems.append(f"{where}: {error}")
    _stop_at(problems)
    if not questions:
        raise EvalError(f"{path}: no questions; add one JSON object per line")
    return questions


_KEYS = ("question", "relevant", "answer", "adversarial")


def _question(line: str, where: str) -> EvalQuestion:
    """One line of an evaluation file, or a ValueError saying what is wrong with it."""
    try:
        row = json.loads(line)
    except json.JSONDecodeError as error:
        raise ValueError(f"not JSON ({error.msg} at column {error.colno})") from None
    except RecursionError:  # red-team round 36, R7: a traceback
        raise ValueError("JSON nested too deep to read") from None
    except ValueError:  # a number of over 4,300 digits
        raise ValueError("a number too long to read") from None
    if not isinstance(row, dict):
        raise ValueError(
            f'expected an object {{"question": ..., "relevant": [...]}}, not {_kind(row)}'
        )
    for key in row:
        if key not in _KEYS:
            near = difflib.get_close_matches(key, _KEYS, n=1)
            hint = f'; did you mean "{near[0]}"?' if near else ""
            raise ValueError(f"unknown key {json.dumps(key, ensure_ascii=False)}{hint}")
    for key in ("question", "relevant"):
        if key not in row:
            raise ValueError(f'"{key}" is missing' + _RELEVANT_HINT * (key == "relevant"))
    question, relevant = row["question"], row["relevant"]
    if not isinstance(question, str) or not question.strip():
        raise ValueError(f'"question" must be a non-empty string, not {_kind(question)}')
    if not isinstance(relevant, list):
        raise ValueError(f'"relevant" must be a list of strings, not {_kind(relevant)}')
    for item, excerpt in enumerate(relevant, start=1):
        if not isinstance(excerpt, str) or not excerpt.strip():  # "" is in every passage
            raise ValueError(
                f'"relevant" must be a list of excerpts, but item {item} is {_kind(excerpt)}'
            )
    answer, adversarial = row.get("answer", ""), row.get("adversarial", False)
    if not isinstance(answer, str):
        raise ValueError(f'"answer" must be a string, not {_kind(answer)}')
    if answer and not relevant:
        raise ValueError('"answer" is given for a question with no "relevant" excerpt')
    if not isinstance(adversarial, bool):
        raise ValueError(f'"adversarial" must be true or false, not {_kind(adversarial)}')
    if adversarial and relevant:
        raise ValueError('"adversarial" marks an unanswerable question: "relevant" must be []')
    return EvalQuestion(question, tuple(relevant), where, answer.strip(), adversarial)


_RELEVANT_HINT = " (use [] for a question the essays cannot answer)"


def _kind(value: object) -> str:
    """What a JSON value is, in words: "a string", "a number", "an empty string"."""
    if isinstance(value, str):
        return "a string" if value.strip() else "an empty string"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    return "an object" if isinstance(value, dict) else "null"


def _ndcg(relevance: Sequence[bool], total_relevant: int) -> float:
    dcg = sum(1 / math.log2(rank + 1) for rank, rel in enumerate(relevance, 1) if rel)
    ideal = sum(1 / math.log2(rank + 1) for rank in range(1, min(total_relevant, DEPTH) + 1))
    return dcg / ideal if ideal else 0.0


def _stop_at(problems: Sequence[str]) -> None:
    """Raise EvalError saying every problem found (the first `_PROBLEMS_SHOWN`, one a line),
    if any: a file with several is mended in one go, not one a run (trial round 27)."""
    if problems:
        more = len(problems) - _PROBLEMS_SHOWN
        shown = [*problems[:_PROBLEMS_SHOWN], *([f"... and {more} more"] if more > 0 else [])]
        raise EvalError("\n".join(shown))


_PROBLEMS_SHOWN = 10


def _problem(q: EvalQuestion, found: Sequence[Passage]) -> str | None:
    """What is wrong with `q`'s excerpts or answer, `found` its relevant passages, if anything."""
    where = f"{q.where}: " if q.where else ""
    if q.relevant and not found:
        return f"{where}no passage contains the excerpts of {q.question!r}; check them"
    if q.answer and not any(_squash(q.answer) in _squash(f"{p.section} {p.text}") for p in found):
        return (
            f"{where}the answer {q.answer!r} of {q.question!r} is in no passage holding "
            "its excerpts; check it"
        )
    return None


def evaluate(answerer: Answerer, questions: Sequence[EvalQuestion]) -> Metrics:
    """Rank the top 10 passages for every question and score them against the excerpts
    (every question's excerpts checked first, before any is answered)."""
    passages = answerer.index.passages
    _stop_at([p for q in questions if (p := _problem(q, relevant_passages(passages, q)))])
    answers = [answerer.ask(q.question, k=DEPTH) for q in questions]
    return judge(
        answerer.index.passages,
        questions,
        [a.hits for a in answers],
        [a.answered for a in answers],
        [a.confidence for a in answers],
        [tuple(dict.fromkeys(quote.passage for quote in a.quotes)) for a in answers],
        [tuple(quote.text for quote in a.quotes) for a in answers],
        [a.declined_because for a in answers],
    )


def judge(
    passages: Sequence[Passage],
    questions: Sequence[EvalQuestion],
    rankings: Sequence[Sequence[Hit]],
    answered: Sequence[bool],
    confidences: Sequence[float] | None = None,
    quoted: Sequence[tuple[Passage, ...]] | None = None,
    quotes: Sequence[tuple[str, ...]] | None = None,
    reasons: Sequence[str] | None = None,
) -> Metrics:
    """Metrics for given rankings (best first), answer decisions and quoted passages (and
    why each declined question was, when a check declined it)."""
    results = []
    confidences = confidences or [0.0] * len(questions)
    quoted = quoted or [()] * len(questions)
    quotes = quotes or [()] * len(questions)
    reasons = reasons or [""] * len(questions)
    rows = zip(questions, rankings, answered, confidences, quoted, quotes, reasons, strict=True)
    for q, hits, said, confidence, cited, texts, because in rows:
        hits = tuple(hits[:DEPTH])
        found = relevant_passages(passages, q)
        if problem := _problem(q, found):
            raise EvalError(problem)
        ids = frozenset(p.id for p in found)
        relevance = [h.passage.id in ids for h in hits]
        first = relevance.index(True) + 1 if any(relevance) else 0
        ndcg = _ndcg(relevance, len(ids))
        results.append(Result(q, hits, first, said, ndcg, confidence, cited, texts, because, ids))
    return _aggregate(results)


def pool(parts: Sequence[Metrics]) -> Metrics:
    """The metrics of several evaluations' questions together (each essay with its own index)."""
    return _aggregate([r for metrics in parts for r in metrics.results])


def _aggregate(results: Sequence[Result]) -> Metrics:
    """Aggregate figures over the results of single questions."""
    answerable = [r for r in results if r.question.relevant]
    answered_answerable = [r for r in answerable if r.answered]
    unanswerable = [r for r in results if not r.question.relevant]

    def mean(values: Sequence[float]) -> float:
        return sum(values) / len(values) if values else 0.0

    return Metrics(
        results=tuple(results),
        success_at_1=mean([0 < r.first_relevant <= 1 for r in answerable]),
        success_at_3=mean([0 < r.first_relevant <= 3 for r in answerable]),
        success_at_5=mean([0 < r.first_relevant <= 5 for r in answerable]),
        mrr=mean([1 / r.first_relevant if r.first_relevant else 0.0 for r in answerable]),
        ndcg=mean([r.ndcg for r in answerable]),
        answer_rate=mean([r.answered for r in answerable]),
        abstention_rate=mean([not r.answered for r in unanswerable]),
        quoted_relevant=mean([r.quoted_relevant for r in answered_answerable]),
        answer_in_quote=mean([r.answer_in_quote for r in answerable if r.question.answer]),
        adversarial_declined=mean([not r.answered for r in unanswerable if r.question.adversarial]),
    )


def relevant_passages(passages: Sequence[Passage], question: EvalQuestion) -> list[Passage]:
    """The passages that contain one of the question's excerpts; for an excerpt no passage
    holds, those of the sections whose heading holds it: a fact a heading gives ("November:
    Letters to a Young Beekeeper by Morwenna Gale"), which the answer's citation shows
    (trial round 30: such excerpts had stopped `eval`)."""
    ids: set[str] = set()
    for excerpt in question.relevant:
        wanted = _squash(excerpt)
        held = {p.id for p in passages if wanted in _squash(p.text)}
        ids |= held or {p.id for p in passages if wanted in _squash(p.section)}
    return [p for p in passages if p.id in ids]
