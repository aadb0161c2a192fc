"""The model's tokenizer (BERT's WordPiece, lowercasing) for ASCII text, in plain Python.

A cold `essaybot ask` that embeds its question would spend about 45 ms importing the
`tokenizers` library and building its tokenizer from tokenizer.json, for a dozen tokens. For
ASCII text these steps are simple enough to do here from the vocabulary alone, with the same
ids (tests compare the two on every gold question and on arbitrary ASCII); other text is left
to the `tokenizers` library, which knows Unicode's categories, accents and CJK characters.

The steps, as tokenizer.json describes them: control characters but tab and line breaks are
dropped and those become spaces; letters are lowercased; words are split at spaces and every
punctuation character is a word of its own; each word is matched greedily, longest first, to
vocabulary pieces ("##" marks a piece inside a word), or is "[UNK]" when it cannot be; and
"[CLS]" ... "[SEP]" enclose at most `max_tokens` ids.
"""

from __future__ import annotations

import re
import string
from collections.abc import Sequence

__all__ = ["WordPiece"]

_DROPPED = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WORDS = re.compile(rf"[{re.escape(string.punctuation)}]|[^\s{re.escape(string.punctuation)}]+")
_BRACKETED = re.compile(r"\[[^\[\]\s]+\]")  # special tokens, "[UNK]", "[unused0]"
_MAX_WORD_CHARS = 100  # a longer word is "[UNK]", as tokenizer.json's max_input_chars_per_word


class WordPiece:
    """Token ids of ASCII text from `vocabulary` (the tokens in id order)."""

    def __init__(self, vocabulary: Sequence[str], max_tokens: int) -> None:
        self.ids = {token: number for number, token in enumerate(vocabulary)}
        self.unknown, self.first, self.last = (
            self.ids["[UNK]"],
            self.ids["[CLS]"],
            self.ids["[SEP]"],
        )
        self.max_tokens = max_tokens
        self.bracketed = frozenset(token for token in vocabulary if _BRACKETED.fullmatch(token))

    def encode(self, text: str) -> list[int] | None:
        """The ids of `text`, "[CLS]" and "[SEP]" included; None when it is not ASCII."""
        if not text.isascii() or any(map(self.bracketed.__contains__, _BRACKETED.findall(text))):
            return None  # "[UNK]" in a text is that token: the tokenizer's matter
        ids: list[int] = []
        room = self.max_tokens - 2
        for word in _WORDS.findall(_DROPPED.sub("", text).lower()):
            ids.extend(self._pieces(word))
            if len(ids) >= room:
                break
        return [self.first, *ids[:room], self.last]

    def _pieces(self, word: str) -> list[int]:
        if len(word) > _MAX_WORD_CHARS:
            return [self.unknown]
        pieces, start = [], 0
        while start < len(word):
            for end in range(len(word), start, -1):
                piece = word[start:end] if start == 0 else f"##{word[start:end]}"
                if (number := self.ids.get(piece)) is not None:
                    pieces.append(number)
                    start = end
                    break
            else:
                return [self.unknown]
        return pieces
