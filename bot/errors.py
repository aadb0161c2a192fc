"""essaybot's own errors: one base the front ends catch, beside the index library's CorpusError.

    EssaybotError
    ├── UsageError          the command line is wrong (bot.arguments)
    ├── SettingsError       a setting is invalid (bot.settings)
    ├── EvalError           a gold question file is unusable (bot.measure.evaluation)
    ├── ModelMissingError   the similarity model's files are not installed (bot.similarity)
    └── LogError            the question log cannot be opened or written (bot.question_log)
        └── LogHeld         a question not logged: the file was held elsewhere moments ago

Each message names the file, setting or argument at fault and the fix.
"""

from __future__ import annotations

__all__ = ["EssaybotError"]


class EssaybotError(Exception):
    """Base class: something essaybot was asked to do cannot be done as asked."""
