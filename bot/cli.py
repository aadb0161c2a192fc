"""The `essaybot` command: ask, repl, sections, eval. Errors become one line and exit 2."""

from __future__ import annotations

import argparse
import dataclasses
import io
import json
import logging
import os
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from bot.answering import DEFAULT_POLICY, Answerer, Policy, prepare_synonyms
from bot.arguments import UsageError, build_parser
from bot.errors import EssaybotError
from bot.index_cache import load_index
from bot.progress import terminal_progress
from bot.render import (
    answer_to_dict,
    printable,
    render_answer,
    render_sections,
    text_width,
)
from bot.sentence_vectors import SAVE_BATCH, SentenceVectors, open_vectors
from bot.settings_cache import KeptSettings, keep, kept
from bot.similarity import (
    DEFAULT_THREADS,
    Runtime,
    load_model,
    model_words,
    use_model,
    word_vectors,
)
from index import CorpusError, load_documents
from index.patterns import compile_all
from index.spelling import prepare as prepare_spelling

# Imported by the commands that use them: a cold `essaybot ask` pays for none of these.
if TYPE_CHECKING:
    from typing import TypeAlias

    from bot.question_log import QuestionLog
    from bot.settings import Settings

    # Validated now, or kept from a start with the same configuration (not for `discord`).
    AnySettings: TypeAlias = Settings | KeptSettings

__all__ = ["main"]

EXAMPLE_QUESTION = "Why is the current format of Russia-Belarus relations a dead end?"
EXAMPLE = f'essaybot ask "{EXAMPLE_QUESTION}"'
SHIPPED_ESSAY = "russia-belarus.txt"  # the essay EXAMPLE asks about


def _policy(args: argparse.Namespace, settings: AnySettings) -> Policy:
    """The default policy, with what the command line and settings change."""
    policy = DEFAULT_POLICY
    if top_k := getattr(args, "k", None) or settings.top_k:
        policy = replace(policy, top_k=top_k)
    if settings.min_confidence is not None:
        policy = replace(policy, min_confidence=settings.min_confidence)
    return policy


@dataclass(frozen=True)
class Answering:
    """What a command answers with: the answerer, and the store of its sentence vectors."""

    answerer: Answerer
    vectors: SentenceVectors


@contextmanager
def _answering(
    args: argparse.Namespace,
    settings: AnySettings,
    *,
    runtime: Runtime = "onnx",
    eager: bool = True,
) -> Iterator[Answering]:
    """The answerer of the settings' essays and its sentence vectors, saved at the end.

    The similarity model is run by `runtime`, loaded now when `eager`, else when a text is
    first embedded (never, when the words decide every question and the vectors are stored).
    """
    threads, bits = settings.threads or DEFAULT_THREADS, settings.question_bits
    if eager:  # a long-running front end: a damaged install stops it before any indexing
        load_model(threads=threads, cache_dir=settings.cache_dir, runtime=runtime, bits=bits)
        prepare_spelling(model_words())  # a first misspelt question need not wait for them
    else:
        use_model(threads=threads, cache_dir=settings.cache_dir, runtime=runtime, bits=bits)
    index = load_index(settings.seeds_dir, settings.cache_dir, terminal_progress())
    if eager:
        index.keep_terms()
        prepare_synonyms(index, word_vectors)  # nor a first question with an everyday word
        compile_all()  # nor one with a rule's pattern
    progress = terminal_progress("embedding", "sentences")
    vectors = open_vectors(index, settings.seeds_dir, settings.cache_dir, progress)
    policy = _policy(args, settings)
    answerer = Answerer(index, policy, vectors.similarity, english=model_words, words=word_vectors)
    try:
        yield Answering(answerer, vectors)
    finally:
        vectors.save()


# JSON escapes the C0 controls; DEL and the C1 controls ("\x9b" opens a terminal command,
# as ESC [ does) are escaped too, so a logged question cannot drive the reader's terminal.
_C1 = {code: f"\\u{code:04x}" for code in range(0x7F, 0xA0)}


def _json(value: object) -> str:
    """`value` as one line of JSON, non-ASCII text as it is, every control escaped."""
    return json.dumps(value, ensure_ascii=False).translate(_C1)


_UNDECODED = re.compile("[\ud800-\udfff]")


def _valid(text: str) -> str:
    """`text` with the bytes that were not UTF-8 (lone surrogates, from argv) as U+FFFD, so
    that output, JSON included, stays valid UTF-8."""
    return _UNDECODED.sub("\ufffd", text)


def _questions(args: argparse.Namespace, seeds: Path) -> Iterable[str]:
    if args.question is not None:
        if not args.question.strip():
            raise UsageError(f"the question is empty; ask something, e.g. {_example(seeds)}")
        return [_valid(args.question)]
    if sys.stdin is None or sys.stdin.isatty():  # None: stdin was closed
        raise UsageError(f"give a question, e.g. {_example(seeds)}, or pipe one question per line")
    return (_valid(line) for line in sys.stdin if line.strip())


def _example(seeds: Path) -> str:
    """How to ask: about the shipped essay when `seeds` holds it (or is it), else in general."""
    if seeds.name == SHIPPED_ESSAY or (seeds / SHIPPED_ESSAY).is_file():
        return EXAMPLE
    return 'essaybot ask "<a question your essays answer>"'


def _log(args: argparse.Namespace, settings: AnySettings) -> QuestionLog | None:
    """The question log when `--log` asks for it (the terminal does not log otherwise)."""
    if not getattr(args, "log", False):
        return None
    if settings.question_log is None:
        raise UsageError("--log needs the question log, but ESSAYBOT_QUESTION_LOG is 'off'")
    from bot.question_log import QuestionLog

    return QuestionLog(settings.question_log, retention_days=settings.log_retention_days)


def _ask(args: argparse.Namespace, settings: AnySettings) -> int:
    questions = _questions(args, settings.seeds_dir)
    # One question: the numpy encoder, which starts in milliseconds; a stream of them: ONNX
    # Runtime, which takes 0.3 s to start and then embeds twice as fast. Either only if a
    # question needs meaning (README, "The runtime").
    single = args.question is not None
    runtime: Runtime = "numpy" if single else "onnx"
    with _answering(args, settings, runtime=runtime, eager=False) as answering:
        return _answer_all(args, settings, questions, answering)


def _answer_all(
    args: argparse.Namespace, settings: AnySettings, questions: Iterable[str], answering: Answering
) -> int:
    from bot.question_log import record_terminal

    answerer = answering.answerer
    single = args.question is not None
    log = _log(args, settings)
    several = len(answerer.index.documents) > 1
    asked = 0
    for question in questions:
        asked += 1
        answer = answerer.ask(question)
        if log:
            record_terminal(log, answer, answerer.index)
        if args.json:
            print(_json(answer_to_dict(answer)), flush=True)
        elif single:
            print(render_answer(answer, with_document=several, width=text_width()))
        else:
            print(
                f"Q: {printable(question.strip())}\n"
                f"{render_answer(answer, with_document=several, width=text_width())}\n",
                flush=True,
            )
        answering.vectors.save(at_least=SAVE_BATCH)  # a long run keeps what it embedded
    if not asked:  # an empty file piped in: nothing to answer, and nothing wrong
        print("essaybot: no questions on stdin (one per line); nothing to answer", file=sys.stderr)
    return 0


def _repl(args: argparse.Namespace, settings: AnySettings) -> int:
    from bot.repl import Repl, line_editing

    with _answering(args, settings) as answering:
        repl = Repl(answering.answerer, sys.stdout, log=_log(args, settings))
        with line_editing(repl):
            return repl.run()


def _discord(args: argparse.Namespace, settings: Settings) -> int:
    from bot import discord_bot
    from bot.settings import SettingsError

    if settings.discord_token is None:  # before loading the essays: fail fast
        raise SettingsError(discord_bot.NO_TOKEN)
    logging.getLogger().setLevel(logging.INFO)
    for handler in logging.getLogger().handlers:
        handler.setFormatter(discord_bot.LogFormat())  # no interaction's token in a line
    try:
        with _answering(args, settings) as answering:
            discord_bot.run(
                settings, answering.answerer, sync=args.sync, save=answering.vectors.save
            )
    except discord_bot.DiscordUnreachable as error:
        print(f"essaybot: {error}", file=sys.stderr)
        return 2
    return 0


def _bench(args: argparse.Namespace, settings: AnySettings) -> int:
    from bot.measure import bench
    from bot.measure.evaluation import load_questions

    def say(text: str) -> None:  # progress, only on a terminal
        if sys.stderr.isatty():
            print(text, file=sys.stderr)

    load_documents(settings.seeds_dir)  # a missing or bad seeds folder: said now, not later
    gold = Path(__file__).resolve().parent.parent / "tests/eval/heldout.jsonl"
    questions = [q.question for q in load_questions(gold)] if gold.exists() else [EXAMPLE_QUESTION]
    figures = bench.report(
        args.sizes, args.queries, settings.seeds_dir, questions, args.essays, say
    )
    print(json.dumps(figures) if args.json else bench.render_report(figures))
    return 0


def _gaps(args: argparse.Namespace, settings: AnySettings) -> int:
    path = settings.question_log
    if path is None:
        raise UsageError("the question log is off (ESSAYBOT_QUESTION_LOG=off): nothing to list")
    if not path.exists():
        print(f"No questions have been logged yet (the log would be {path}).")
        return 0
    from bot.question_log import QuestionLog, group_gaps

    log = QuestionLog(path, retention_days=settings.log_retention_days)
    logged = log.gaps(args.since)
    gaps = group_gaps(logged)
    log.close()
    if args.export:
        lines = [_json({"question": q, "relevant": []}) for gap in gaps for q in gap.questions]
        try:
            args.export.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
        except OSError as error:
            raise UsageError(f"cannot write {args.export} ({error.strerror})") from None
        print(f"Wrote {len(lines)} question(s) to {args.export}; fill in each 'relevant'.")
    elif args.json:
        print(_json([dataclasses.asdict(gap) for gap in gaps]))
    elif not gaps:
        print("Every logged question was answered, and no answer was voted down.")
    else:
        for gap in gaps:
            down = f", {gap.down_votes} voted down" if gap.down_votes else ""
            print(f"{gap.asked} asked, {gap.declined} not answered{down}: {', '.join(gap.terms)}")
            for question in gap.questions:
                print(f"    {printable(question)}")
    return 0


def _sections(args: argparse.Namespace, settings: AnySettings) -> int:
    print(render_sections(load_documents(settings.seeds_dir)))
    return 0


def _eval(args: argparse.Namespace, settings: AnySettings) -> int:
    from bot.measure.evaluation import EvalError, evaluate, load_questions
    from bot.measure.metrics import metrics_to_dict, render_metrics

    files: list[Path] = args.files or sorted(Path("tests/eval").glob("heldout*.jsonl"))
    if not files:
        raise EvalError(
            "no question file: pass one or more JSON Lines files of "
            '{"question": ..., "relevant": [...]}, or run from the repository root, '
            "where tests/eval/heldout*.jsonl are the default"
        )
    if not args.files and settings.seeds_dir.resolve() != Path("seeds").resolve():
        raise EvalError(  # the default questions are the shipped essay's
            f"the default questions (tests/eval/heldout*.jsonl) ask about the shipped essay, "
            f"not {settings.seeds_dir}: pass a JSON Lines file of your own questions, "
            '{"question": ..., "relevant": [...]} per line (README, "Evaluation files")'
        )
    questions = [q for path in files for q in load_questions(path)]
    with _answering(args, settings) as answering:
        metrics = evaluate(answering.answerer, questions)
    if args.json:
        print(json.dumps(metrics_to_dict(metrics)))
    else:
        print(render_metrics(metrics, ", ".join(str(path) for path in files)))
    return 0


_HANDLERS = {
    "ask": _ask,
    "bench": _bench,
    "discord": _discord,
    "eval": _eval,
    "gaps": _gaps,
    "repl": _repl,
    "sections": _sections,
}


def _settings(args: argparse.Namespace) -> AnySettings:
    """The settings: kept from a start with the same configuration, else validated now (and
    kept); `discord`, which needs the token, always validates them."""
    seeds = getattr(args, "seeds", None)  # `gaps` reads no essays
    if args.run is not _discord and (known := kept(seeds)) is not None:
        return known
    from bot.settings import load_settings

    settings = load_settings(**({"seeds_dir": seeds} if seeds else {}))
    keep(settings, seeds)
    return settings


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (0 ok, 2 usage/configuration/corpus error)."""
    logging.basicConfig(level=logging.WARNING, format="essaybot: %(message)s", stream=sys.stderr)
    if isinstance(sys.stdin, io.TextIOWrapper):  # bytes that are not UTF-8 become U+FFFD
        sys.stdin.reconfigure(errors="replace")
    argv = sys.argv[1:] if argv is None else argv
    try:
        # `essaybot` alone starts the interactive session, as `python` alone does
        args = build_parser(_HANDLERS).parse_args(argv or ["repl"])
        return int(args.run(args, _settings(args)))
    except (EssaybotError, CorpusError) as error:
        print(f"essaybot: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `essaybot ask ... | head`: the reader left; so do we
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        return 130
