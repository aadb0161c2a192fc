"""essaybot's command line as argparse sees it: commands, options and their checks."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from bot.errors import EssaybotError

if TYPE_CHECKING:
    from bot.settings import Settings

__all__ = ["Handler", "UsageError", "build_parser"]

# A command's handler: (arguments, settings) -> exit status.
Handler = Callable[[argparse.Namespace, "Settings"], int]


class UsageError(EssaybotError):
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
    if not text.isdecimal() or not 1 <= int(text) <= 50:
        raise argparse.ArgumentTypeError(f"-k takes a whole number from 1 to 50, not {text!r}")
    return int(text)


def _days(text: str) -> float:
    try:
        days = float(text)
    except ValueError:
        days = -1.0
    if not days > 0:
        raise argparse.ArgumentTypeError(f"--since takes a number of days above 0, not {text!r}")
    return days


def _queries(text: str) -> int:
    if not text.isdecimal() or int(text) < 1:
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


def build_parser(run: Mapping[str, Handler]) -> argparse.ArgumentParser:
    """essaybot's argument parser; each command's handler is `run[command]`, set as `args.run`."""
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
    ask.set_defaults(run=run["ask"])

    repl = commands.add_parser("repl", parents=[seeds], help="interactive session")
    repl.add_argument("--log", action="store_true", help="append to the question log")
    repl.set_defaults(run=run["repl"])

    sections = commands.add_parser("sections", parents=[seeds], help="table of contents")
    sections.set_defaults(run=run["sections"])

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
    evaluate_.set_defaults(run=run["eval"])
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
    bench.set_defaults(run=run["bench"])

    gaps = commands.add_parser(
        "gaps", help="questions the essays did not answer, or whose answers were voted down"
    )
    gaps.add_argument("--since", type=_days, metavar="DAYS", help="only the last DAYS days")
    gaps.add_argument("--json", action="store_true", help="print the groups as JSON")
    gaps.add_argument(
        "--export", type=Path, metavar="FILE", help="write them as evaluation-file lines"
    )
    gaps.set_defaults(run=run["gaps"])

    discord = commands.add_parser("discord", parents=[seeds], help="run the Discord bot")
    discord.add_argument(
        "--sync",
        action="store_true",
        help="sync slash commands globally (after adding or changing commands)",
    )
    discord.set_defaults(run=run["discord"])
    return parser
