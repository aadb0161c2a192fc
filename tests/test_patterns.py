"""Regular expressions compiled when first used (index/patterns.py)."""

from __future__ import annotations

import re
import subprocess
import sys

from index.patterns import LazyPattern, lazy
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
    shown = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    lazy_count, compiled, plain = shown.stdout.split(maxsplit=2)
    assert int(lazy_count) > 60 and int(compiled) == 0 and plain.strip() == "[]"
    assert isinstance(lazy("x"), LazyPattern)
