"""Shared fixtures: the shipped essay, and a small folder of three essays (tests/helpers.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answering import Answerer
from index import PassageIndex
from tests.helpers import BEES, ORCHARDS, RIVERS, SEEDS, answerer_for, index_of


@pytest.fixture(scope="session")
def seed_index() -> PassageIndex:
    """The index of the shipped essay."""
    return index_of(SEEDS)


@pytest.fixture(scope="session")
def answerer(seed_index: PassageIndex) -> Answerer:
    """Answers from the shipped essay with the default policy."""
    return answerer_for(seed_index)


@pytest.fixture
def essays(tmp_path: Path) -> Path:
    """A folder of three essays: Markdown with front matter, Markdown with a # title, text."""
    folder = tmp_path / "essays"
    folder.mkdir()
    (folder / "orchards.md").write_text(ORCHARDS, encoding="utf-8")
    (folder / "bees.md").write_text(BEES, encoding="utf-8")
    (folder / "rivers.txt").write_text(RIVERS, encoding="utf-8")
    return folder


@pytest.fixture(autouse=True)
def _question_log_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test (nor `essaybot discord` run by one) writes the user's own question log."""
    monkeypatch.setenv("ESSAYBOT_QUESTION_LOG", str(tmp_path / "questions.sqlite3"))
