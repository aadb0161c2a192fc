"""Progress shown to a person at a terminal while the command line builds the index and vectors."""

from __future__ import annotations

import sys
from collections.abc import Callable

__all__ = ["terminal_progress"]


def terminal_progress(
    doing: str = "indexing", things: str = "passages"
) -> Callable[[int, int], None] | None:
    """A progress line on stderr ("indexing 10,000/12,000 passages") when it is a terminal;
    nothing otherwise."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        end = "\n" if done == total else ""
        print(f"\r{doing} {done:,}/{total:,} {things}", end=end, file=sys.stderr, flush=True)  # noqa: T201

    return show
