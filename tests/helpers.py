"""What several test modules use: paths, small essays, and answerers with changed policies."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from bot.answering import DEFAULT_POLICY, Answerer
from bot.similarity import best_similarity, model_words, word_vectors
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


def answerer_for(index: PassageIndex, **changes: Any) -> Answerer:
    """An Answerer over `index` with the real model and the default policy, as `changes` say."""
    policy = replace(DEFAULT_POLICY, **changes)
    return Answerer(index, policy, best_similarity, english=model_words(), words=word_vectors)


def index_of(folder: Path) -> PassageIndex:
    """The index of the essays in `folder`."""
    return PassageIndex(load_documents(folder))


def counting(answerer: Answerer) -> tuple[Answerer, list[str]]:
    """`answerer` again, and the list of the questions it is asked, in order."""
    asked: list[str] = []

    class Counting(Answerer):
        def ask(self, question: str, k: int | None = None) -> Any:
            asked.append(question)
            return super().ask(question, k)

    return Counting(
        answerer.index,
        answerer.policy,
        answerer.similarity,
        english=answerer.english,
        words=answerer.words,
    ), asked
