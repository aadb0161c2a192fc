"""Regular expressions compiled when first used, not when their module is imported.

A one-question `essaybot ask` imports every answering rule, and compiling their patterns
took about 47 ms of its 0.29 s on the project's machine, though a question uses about half
of them (the checks of a time, a sum, a name ... run only for questions asking one). A
long-running front end compiles them all at start instead (`compile_all`): left to its
first questions, they took about 40 ms among them.
"""

from __future__ import annotations

import re
import sys
import threading
import weakref
from collections.abc import Callable, Iterator
from typing import Any

__all__ = ["LazyPattern", "compile_all", "lazy"]

_lock = threading.Lock()
# every pattern made and still in use, for `compile_all` (not those a call makes and drops)
_made: weakref.WeakSet[LazyPattern] = weakref.WeakSet()


class LazyPattern:
    """A compiled pattern's methods, the pattern compiled at the first call of one."""

    __slots__ = ("__weakref__", "_compiled", "flags", "pattern")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern, self.flags = pattern, flags
        self._compiled: re.Pattern[str] | None = None

    @property
    def compiled(self) -> re.Pattern[str]:
        """The pattern, compiled once."""
        if self._compiled is None:
            with _lock:
                if self._compiled is None:
                    self._compiled = re.compile(self.pattern, self.flags)
        return self._compiled

    def match(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled.match(string, pos, endpos)

    def fullmatch(
        self, string: str, pos: int = 0, endpos: int = sys.maxsize
    ) -> re.Match[str] | None:
        return self.compiled.fullmatch(string, pos, endpos)

    def search(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled.search(string, pos, endpos)

    def finditer(
        self, string: str, pos: int = 0, endpos: int = sys.maxsize
    ) -> Iterator[re.Match[str]]:
        return self.compiled.finditer(string, pos, endpos)

    def findall(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> list[Any]:
        return self.compiled.findall(string, pos, endpos)

    def split(self, string: str, maxsplit: int = 0) -> list[str | Any]:
        return self.compiled.split(string, maxsplit)

    def sub(self, repl: str | Callable[[re.Match[str]], str], string: str, count: int = 0) -> str:
        return self.compiled.sub(repl, string, count)


def lazy(pattern: str, flags: int = 0) -> LazyPattern:
    """`re.compile(pattern, flags)`, compiled when first used."""
    made = LazyPattern(pattern, flags)
    _made.add(made)
    return made


def compile_all() -> int:
    """Compile every pattern made so far (the modules imported), as a long-running front end
    does at start, so that its first questions do not wait for them; how many there are."""
    made = list(_made)
    return len([pattern.compiled for pattern in made])
