"""Regular expressions compiled when first used (index/patterns.py)."""

from __future__ import annotations

import gc
import re
import subprocess
import sys

from index.patterns import LazyPattern, compile_all, lazy
from tests.helpers import ROOT


def test_a_lazy_pattern_is_compiled_at_its_first_use_and_answers_as_re() -> None:
    pattern = lazy(r"(\w+)-(\w+)", re.IGNORECASE)
    assert pattern._compiled is None and pattern.pattern == r"(\w+)-(\w+)"
    text = "Pre-season and post-Soviet"
    compiled = re.compile(pattern.pattern, pattern.flags)
    assert pattern.search(text).group(0) == "Pre-season"  # type: ignore[union-attr]
    assert pattern._compiled is not None
    assert pattern.match(text, 4) is None and pattern.fullmatch("a-b") is not None
    assert pattern.findall(text) == compiled.findall(text)
    assert [m.span() for m in pattern.finditer(text)] == [m.span() for m in compiled.finditer(text)]
    assert pattern.sub(r"\2-\1", text) == "season-Pre and Soviet-post"
    assert pattern.split(text) == compiled.split(text)


def test_importing_the_answering_code_compiles_no_check_or_markdown_pattern() -> None:
    """A one-question `essaybot ask` imports every rule: compiling their patterns took 47 ms
    of its 0.29 s; each is compiled when a question first needs it."""
    code = (
        "import re, bot.cli\n"
        "from index.patterns import LazyPattern\n"
        "import bot.answering._checks as c, index.markdown as m\n"
        "found = [v for mod in (c, m) for v in vars(mod).values() if isinstance(v, LazyPattern)]\n"
        "plain = [k for mod in (c, m) for k, v in vars(mod).items() if isinstance(v, re.Pattern)]\n"
        "print(len(found), sum(v._compiled is not None for v in found), plain)\n"
    )
    lazy_count, compiled, plain = _printed(code).split(maxsplit=2)
    assert int(lazy_count) > 60 and int(compiled) == 0 and plain.strip() == "[]"
    assert isinstance(lazy("x"), LazyPattern)


def test_compile_all_compiles_every_pattern_in_use_and_keeps_none_a_call_dropped() -> None:
    """A long-running front end compiles the rules' patterns at start (its first questions
    had waited about 40 ms for them); patterns a question makes with its own words are not
    kept for it."""
    code = (
        "import bot.answering._checks as c\n"
        "from index.patterns import LazyPattern, compile_all\n"
        "found = [v for v in vars(c).values() if isinstance(v, LazyPattern)]\n"
        "print(compile_all(), sum(v._compiled is not None for v in found), len(found))\n"
    )
    made, compiled, found = map(int, _printed(code).split())
    assert made >= found > 60 and compiled == found
    before = compile_all()
    for word in range(1_000):
        lazy(rf"\b{word}\b").search("1 2 3")
    gc.collect()
    assert compile_all() <= before + 10


def _printed(code: str) -> str:
    """What `code` prints, run in a fresh Python (nothing imported or compiled before it)."""
    shown = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return shown.stdout
