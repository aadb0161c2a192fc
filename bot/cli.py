"""The `essaybot` command: ask, repl, sections, eval. Errors become one line and exit 2."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from bot.answers import Answerer
from bot.evaluation import EvalError, evaluate, load_questions
from bot.index_cache import load_index, terminal_progress
from bot.render import (
    answer_to_dict,
    printable,
    render_answer,
    render_hits,
    render_sections,
    text_width,
)
from bot.settings import Settings, SettingsError, load_settings
from bot.similarity import ModelMissingError
from index import CorpusError, load_documents

__all__ = ["main"]

EXAMPLE_QUESTION = "Why is the current format of Russia-Belarus relations a dead end?"
EXAMPLE = f'essaybot ask "{EXAMPLE_QUESTION}"'


class UsageError(Exception):
    """The command line is wrong; the message says how to write it."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message} (see '{self.prog} --help')")


def _top_k(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 50:
        raise argparse.ArgumentTypeError(f"-k takes a whole number from 1 to 50, not {text!r}")
    return int(text)


def _answerer(args: argparse.Namespace, settings: Settings) -> Answerer:
    seeds: Path = args.seeds or settings.seeds_dir
    index = load_index(seeds, settings.cache_dir, terminal_progress())
    return Answerer(
        index,
        top_k=getattr(args, "k", None) or settings.top_k,
        min_confidence=settings.min_confidence,
    )


def _questions(args: argparse.Namespace) -> Iterable[str]:
    if args.question is not None:
        if not args.question.strip():
            raise UsageError(f"the question is empty; ask something, e.g. {EXAMPLE}")
        return [args.question]
    if sys.stdin.isatty():
        raise UsageError(f"give a question, e.g. {EXAMPLE}, or pipe one question per line")
    return (line for line in sys.stdin if line.strip())


def _ask(args: argparse.Namespace, settings: Settings) -> int:
    questions = _questions(args)
    answerer = _answerer(args, settings)
    several = len(answerer.index.documents) > 1
    single = args.question is not None
    for question in questions:
        answer = answerer.ask(question)
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

    repl = Repl(_answerer(args, settings), sys.stdout)
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
    seeds: Path = args.seeds or settings.seeds_dir
    figures = bench.report(args.sizes, args.queries, seeds, questions, args.essays, say)
    print(json.dumps(figures) if args.json else bench.render_report(figures))
    return 0


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
    seeds: Path = args.seeds or settings.seeds_dir
    print(render_sections(load_documents(seeds)))
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
        figures = {name: getattr(metrics, name) for name in _METRICS}
        misses = [
            {
                "question": r.question.question,
                "first_relevant": r.first_relevant,
                "top": r.hits[0].passage.id if r.hits else None,
            }
            for r in metrics.misses
        ]
        wrong = {
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
        print(json.dumps({**figures, "questions": len(questions), "misses": misses, **wrong}))
        return 0
    answerable = len(metrics.answerable)
    names = ", ".join(str(path) for path in files)
    print(f"{len(questions)} questions ({answerable} answerable) from {names}")
    for name, label in _METRICS.items():
        print(f"  {label:<28} {getattr(metrics, name):.3f}")
    for result in metrics.misses:
        where = f"rank {result.first_relevant}" if result.first_relevant else "not in top 10"
        print(f"\nmiss ({where}): {result.question.question}\n{render_hits(result.hits[:1])}")
    for kind, label in (
        ("wrongly_declined", "declined, though answerable"),
        ("wrongly_answered", "answered, though unanswerable"),
    ):
        results = getattr(metrics, kind)
        if results:
            print(f"\n{label} ({len(results)}), with confidence:")
            for result in results:
                print(f"  {result.confidence:.2f}  {result.question.question}")
    if wrongly_quoted := metrics.wrongly_quoted:
        print(f"\nanswered from passages without the answer ({len(wrongly_quoted)}), quoting:")
        for result in wrongly_quoted:
            print(f"  {result.question.question}\n    {', '.join(p.id for p in result.quoted)}")
    return 0


_METRICS = {
    "success_at_1": "Success@1",
    "success_at_3": "Success@3",
    "success_at_5": "Success@5",
    "mrr": "MRR@10",
    "ndcg": "nDCG@10",
    "answer_rate": "answered (answerable)",
    "abstention_rate": "declined (unanswerable)",
    "quoted_relevant": "answers quoting a relevant ¶",
}


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="essaybot", description="Answers questions about essays with cited quotes."
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    seeds = _Parser(add_help=False)
    seeds.add_argument(
        "--seeds",
        type=Path,
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
    ask.set_defaults(run=_ask)

    repl = commands.add_parser("repl", parents=[seeds], help="interactive session")
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
    try:
        args = _parser().parse_args(argv)
        return int(args.run(args, load_settings()))
    except (UsageError, SettingsError, CorpusError, EvalError, ModelMissingError) as error:
        print(f"essaybot: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `essaybot ask ... | head`: the reader left; so do we
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        return 130
