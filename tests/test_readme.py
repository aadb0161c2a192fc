"""The README's example session is what essaybot prints."""

from __future__ import annotations

import re
import shlex

import pytest

from bot.answering import Answerer
from bot.cli import main
from tests.helpers import ROOT, SEEDS
from tests.test_repl import transcript

_SESSION = (ROOT / "README.md").read_text(encoding="utf-8").split("## Example session")[1]
_CONSOLE = _SESSION.split("```console\n")[1].split("```")[0]
# Each `$ essaybot ask "..."` line, and what it prints up to the blank line before the next `$`.
_EXAMPLES = re.findall(r"^\$ (essaybot ask .+)\n((?:.*\n)+?)\n(?=\$ )", _CONSOLE, re.MULTILINE)


def test_the_readme_shows_ask_examples() -> None:
    assert len(_EXAMPLES) >= 3


@pytest.mark.parametrize(("command", "printed"), _EXAMPLES)
def test_readme_example_is_what_ask_prints(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, command: str, printed: str
) -> None:
    monkeypatch.setenv("COLUMNS", "89")  # the README was captured 88 columns wide
    assert main([*shlex.split(command)[1:], "--seeds", str(SEEDS)]) == 0
    assert capsys.readouterr().out == printed


def test_readme_repl_session_is_what_the_repl_prints(
    answerer: Answerer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "89")
    shown = _CONSOLE.split("$ essaybot repl\n")[1]
    asked = [line.removeprefix("essaybot> ") for line in re.findall(r"^essaybot> .*", shown, re.M)]
    # "   ..." in the README stands for the rest of the ranked passages.
    pattern = "".join(
        r"(?:.*\n)*?" if line.strip() == "..." else re.escape(line) + r"\n"
        for line in shown.splitlines()
    )
    printed = transcript(answerer, *asked)
    assert re.fullmatch(pattern, printed), printed
