"""essaybot: answers questions about essays with verbatim, cited quotes.

The names below load on first use, so importing a light module (`bot.settings`,
`bot.errors`) does not import the index library and numpy with it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.answering import (
        DEFAULT_POLICY,
        MAX_QUESTION_CHARS,
        Answer,
        Answerer,
        Evidence,
        Outcome,
        Policy,
        Quote,
    )
    from bot.errors import EssaybotError

__all__ = [
    "DEFAULT_POLICY",
    "MAX_QUESTION_CHARS",
    "Answer",
    "Answerer",
    "EssaybotError",
    "Evidence",
    "Outcome",
    "Policy",
    "Quote",
]


def __getattr__(name: str) -> object:
    if name not in __all__:
        raise AttributeError(f"module 'bot' has no attribute {name!r}")
    module = "bot.errors" if name == "EssaybotError" else "bot.answering"
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted(__all__)
