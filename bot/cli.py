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
from collections.abc import Iterable, Sequence
from pathlib import Path

from bot.answers import Answerer
from bot.eval_report import metrics_to_dict, render_metrics
from bot.evaluation import EvalError, evaluate, load_questions
from bot.index_cache import load_index, terminal_progress
from bot.question_log import LogError, QuestionLog, group_gaps
from bot.render import (
    answer_to_dict,
    printable,
    render_answer,
    render_sections,
    text_width,
)
from bot.settings import Settings, SettingsError, load_settings
from bot.similarity import ModelError, load_model
from index import CorpusError, load_documents

__all__ = ["main"]

EXAMPLE_QUESTION = "Why is the current format of Russia-Belarus relations a dead end?"
EXAMPLE = f'essaybot ask "{EXAMPLE_QUESTION}"'


class UsageError(Exception):
    """The command line is wrong; the message says how to write it."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message} (see '{self.prog} --help')")


def _seeds(text: str) -> Path:
    if not text.strip():  # Path("") is ".": it would index the working directory
        raise argparse.ArgumentTypeError(
            "give a folder of essays or one essay file, not an empty name"
        )
    return Path(text)


def _top_k(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 50:
        raise argparse.ArgumentTypeError(f"-k takes a whole number from 1 to 50, not {text!r}")
    return int(text)


def _answerer(args: argparse.Namespace, settings: Settings) -> Answerer:
    # The model first: a damaged install should stop the bot before any indexing.
    load_model(threads=settings.threads, cache_dir=settings.cache_dir)
    index = load_index(settings.seeds_dir, settings.cache_dir, terminal_progress())
    return Answerer(
        index,
        top_k=getattr(args, "k", None) or settings.top_k,
        min_confidence=settings.min_confidence,
    )


_UNDECODED = re.compile("[\ud800-\udfff]")


def _valid(text: str) -> str:
    """`text` with the bytes that were not UTF-8 (lone surrogates, from argv) as U+FFFD, so
    that output, JSON included, stays valid UTF-8."""
    return _UNDECODED.sub("\ufffd", text)


def _questions(args: argparse.Namespace) -> Iterable[str]:
    if args.question is not None:
        if not args.question.strip():
            raise UsageError(f"the question is empty; ask something, e.g. {EXAMPLE}")
        return [_valid(args.question)]
    if sys.stdin is None or sys.stdin.isatty():  # None: stdin was closed
        raise UsageError(f"give a question, e.g. {EXAMPLE}, or pipe one question per line")
    return (_valid(line) for line in sys.stdin if line.strip())


def _log(args: argparse.Namespace, settings: Settings) -> QuestionLog | None:
    """The question log when `--log` asks for it (the terminal does not log otherwise)."""
    if not getattr(args, "log", False):
        return None
    if settings.question_log is None:
        raise UsageError("--log needs the question log, but ESSAYBOT_QUESTION_LOG is 'off'")
    return QuestionLog(settings.question_log, retention_days=settings.log_retention_days)


def _ask(args: argparse.Namespace, settings: Settings) -> int:
    questions = _questions(args)
    answerer = _answerer(args, settings)
    log = _log(args, settings)
    several = len(answerer.index.documents) > 1
    single = args.question is not None
    for question in questions:
        answer = answerer.ask(question)
        if log:
            log.record_answer(answer, answerer.index, source="terminal")
        if args.json:
            print(json.dumps(answer_to_dict(answer), ensure_ascii=False), flush=True)
        elif single:
            print(render_answer(answer, with_document=several, width=text_width()))
        else:
            print(
                f"Q: {printable(question.strip())}\n"
                f"{render_answer(answer, with_document=several, width=text_width())}\n",
                flush=True,
            )
    return 0


def _repl(args: argparse.Namespace, settings: Settings) -> int:
    from bot.repl import Repl, line_editing

    repl = Repl(_answerer(args, settings), sys.stdout, log=_log(args, settings))
    with line_editing(repl):
        return repl.run()


def _discord(args: argparse.Namespace, settings: Settings) -> int:
    from bot import discord_bot

    if settings.discord_token is None:  # before loading the essays: fail fast
        raise SettingsError(discord_bot.NO_TOKEN)
    logging.getLogger().setLevel(logging.INFO)
    for handler in logging.getLogger().handlers:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    try:
        discord_bot.run(settings, _answerer(args, settings), sync=args.sync)
    except discord_bot.DiscordUnreachable as error:
        print(f"essaybot: {error}", file=sys.stderr)
        return 2
    return 0


def _bench(args: argparse.Namespace, settings: Settings) -> int:
    from bot import bench

    def say(text: str) -> None:  # progress, only on a terminal
        if sys.stderr.isatty():
            print(text, file=sys.stderr)

    gold = Path(__file__).resolve().parent.parent / "tests/eval/heldout.jsonl"
    questions = [q.question for q in load_questions(gold)] if gold.exists() else [EXAMPLE_QUESTION]
    figures = bench.report(
        args.sizes, args.queries, settings.seeds_dir, questions, args.essays, say
    )
    print(json.dumps(figures) if args.json else bench.render_report(figures))
    return 0


def _gaps(args: argparse.Namespace, settings: Settings) -> int:
    path = settings.question_log
    if path is None:
        raise UsageError("the question log is off (ESSAYBOT_QUESTION_LOG=off): nothing to list")
    if not path.exists():
        print(f"No questions have been logged yet (the log would be {path}).")
        return 0
    log = QuestionLog(path, retention_days=settings.log_retention_days)
    logged = log.gaps(args.since)
    gaps = group_gaps(logged)
    log.close()
    if args.export:
        lines = [
            json.dumps({"question": q, "relevant": []}, ensure_ascii=False)
            for gap in gaps
            for q in gap.questions
        ]
        try:
            args.export.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
        except OSError as error:
            raise UsageError(f"cannot write {args.export} ({error.strerror})") from None
        print(f"Wrote {len(lines)} question(s) to {args.export}; fill in each 'relevant'.")
    elif args.json:
        print(json.dumps([dataclasses.asdict(gap) for gap in gaps], ensure_ascii=False))
    elif not gaps:
        print("Every logged question was answered, and no answer was voted down.")
    else:
        for gap in gaps:
            down = f", {gap.down_votes} voted down" if gap.down_votes else ""
            print(f"{gap.asked} asked, {gap.declined} not answered{down}: {', '.join(gap.terms)}")
            for question in gap.questions:
                print(f"    {printable(question)}")
    return 0


def _days(text: str) -> float:
    try:
        days = float(text)
    except ValueError:
        days = -1.0
    if not days > 0:
        raise argparse.ArgumentTypeError(f"--since takes a number of days above 0, not {text!r}")
    return days


def _queries(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"--queries takes a positive whole number, not {text!r}")
    return int(text)


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(part) for part in text.split(",")]
    except ValueError:
        sizes = []
    if not sizes or min(sizes) < 3:
        raise argparse.ArgumentTypeError(
            f"--sizes takes numbers of passages (3 or more) like 1000,10000, not {text!r}"
        )
    return sizes


def _sections(args: argparse.Namespace, settings: Settings) -> int:
    print(render_sections(load_documents(settings.seeds_dir)))
    return 0


def _eval(args: argparse.Namespace, settings: Settings) -> int:
    files: list[Path] = args.files or sorted(Path("tests/eval").glob("heldout*.jsonl"))
    if not files:
        raise EvalError(
            "no question file: pass one or more JSON Lines files of "
            '{"question": ..., "relevant": [...]}, or run from the repository root, '
            "where tests/eval/heldout*.jsonl are the default"
        )
    questions = [q for path in files for q in load_questions(path)]
    metrics = evaluate(_answerer(args, settings), questions)
    if args.json:
        print(json.dumps(metrics_to_dict(metrics)))
    else:
        print(render_metrics(metrics, ", ".join(str(path) for path in files)))
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="essaybot", description="Answers questions about essays with cited quotes."
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    seeds = _Parser(add_help=False)
    seeds.add_argument(
        "--seeds",
        type=_seeds,
        metavar="DIR",
        help="folder of .txt/.md essays, or one essay (default: $ESSAYBOT_SEEDS_DIR or seeds)",
    )

    ask = commands.add_parser(
        "ask", parents=[seeds], help="answer a question (or one per stdin line)"
    )
    ask.add_argument(
        "question", nargs="?", help="the question; omit it to read one per line from stdin"
    )
    ask.add_argument(
        "-k", type=_top_k, metavar="N", help="passages to rank (default: $ESSAYBOT_TOP_K or 5)"
    )
    ask.add_argument("--json", action="store_true", help="print JSON (JSON Lines for stdin)")
    ask.add_argument("--log", action="store_true", help="append to the question log")
    ask.set_defaults(run=_ask)

    repl = commands.add_parser("repl", parents=[seeds], help="interactive session")
    repl.add_argument("--log", action="store_true", help="append to the question log")
    repl.set_defaults(run=_repl)

    sections = commands.add_parser("sections", parents=[seeds], help="table of contents")
    sections.set_defaults(run=_sections)

    evaluate_ = commands.add_parser(
        "eval", parents=[seeds], help="retrieval metrics on question files"
    )
    evaluate_.add_argument(
        "files",
        nargs="*",
        type=Path,
        metavar="FILE",
        help="JSON Lines of {question, relevant}, taken together "
        "(default: the held-out half, tests/eval/heldout*.jsonl)",
    )
    evaluate_.add_argument("--json", action="store_true", help="print the metrics as JSON")
    evaluate_.set_defaults(run=_eval)
    bench = commands.add_parser("bench", parents=[seeds], help="retrieval speed and memory")
    bench.add_argument(
        "--sizes",
        type=_sizes,
        default=[1000, 10000, 100000],
        help="passages per synthetic corpus (default: 1000,10000,100000)",
    )
    bench.add_argument(
        "--queries",
        type=_queries,
        default=200,
        metavar="N",
        help="queries per corpus (default 200)",
    )
    bench.add_argument(
        "--essays",
        type=Path,
        metavar="DIR",
        help="also time loading a folder of 1,000 essays (written there if missing)",
    )
    bench.add_argument("--json", action="store_true", help="print the figures as JSON")
    bench.set_defaults(run=_bench)

    gaps = commands.add_parser(
        "gaps", help="questions the essays did not answer, or whose answers were voted down"
    )
    gaps.add_argument("--since", type=_days, metavar="DAYS", help="only the last DAYS days")
    gaps.add_argument("--json", action="store_true", help="print the groups as JSON")
    gaps.add_argument(
        "--export", type=Path, metavar="FILE", help="write them as evaluation-file lines"
    )
    gaps.set_defaults(run=_gaps)

    discord = commands.add_parser("discord", parents=[seeds], help="run the Discord bot")
    discord.add_argument(
        "--sync",
        action="store_true",
        help="sync slash commands globally (after adding or changing commands)",
    )
    discord.set_defaults(run=_discord)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (0 ok, 2 usage/configuration/corpus error)."""
    logging.basicConfig(level=logging.WARNING, format="essaybot: %(message)s", stream=sys.stderr)
    if isinstance(sys.stdin, io.TextIOWrapper):  # bytes that are not UTF-8 become U+FFFD
        sys.stdin.reconfigure(errors="replace")
    try:
        args = _parser().parse_args(argv)
        seeds = getattr(args, "seeds", None)  # `gaps` reads no essays
        overrides = {"seeds_dir": seeds} if seeds else {}
        return int(args.run(args, load_settings(**overrides)))
    except (
        UsageError,
        SettingsError,
        CorpusError,
        EvalError,
        ModelError,
        LogError,
    ) as error:
        print(f"essaybot: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `essaybot ask ... | head`: the reader left; so do we
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        return 130
