"""essaybot: answers questions about essays with verbatim, cited quotes."""

from bot.answers import MAX_QUESTION_CHARS, Answer, Answerer, Outcome, Quote

__all__ = ["MAX_QUESTION_CHARS", "Answer", "Answerer", "Outcome", "Quote"]
