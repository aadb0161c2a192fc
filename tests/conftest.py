"""Shared fixtures: the shipped essay, and a small folder of three essays."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answers import Answerer
from index import PassageIndex, load_documents

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"

ORCHARDS = """\
---
title: "Keeping an Orchard"
---
# Planting

Apple trees want full sun and well-drained soil. Plant them in late autumn.

Pears are slower to bear fruit than apples.

# Pruning

Prune apple trees in winter, when they are dormant. Remove crossing branches first.
"""

BEES = """\
# Bees in the City

Urban beekeeping has grown quickly. Rooftop hives are now common in London.

## Swarms

A swarm is a colony looking for a new home. Call a local beekeeper to collect it.
"""

RIVERS = """\
Rivers and floods

Floodplains store water during heavy rain. Building on them raises the risk of damage.

Levees

Levees protect towns but push the flood downstream. Engineers now prefer to give rivers room.
"""


@pytest.fixture(scope="session")
def seed_index() -> PassageIndex:
    """The index of the shipped essay."""
    return PassageIndex(load_documents(SEEDS))


@pytest.fixture(scope="session")
def answerer(seed_index: PassageIndex) -> Answerer:
    """Answers from the shipped essay with the default thresholds."""
    return Answerer(seed_index)


@pytest.fixture
def essays(tmp_path: Path) -> Path:
    """A folder of three essays: Markdown with front matter, Markdown with a # title, text."""
    folder = tmp_path / "essays"
    folder.mkdir()
    (folder / "orchards.md").write_text(ORCHARDS, encoding="utf-8")
    (folder / "bees.md").write_text(BEES, encoding="utf-8")
    (folder / "rivers.txt").write_text(RIVERS, encoding="utf-8")
    return folder
