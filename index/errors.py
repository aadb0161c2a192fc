"""The errors the index library raises; each message names the file or folder and the fix."""

from __future__ import annotations

__all__ = [
    "CorpusError",
    "EmptyCorpusError",
    "SeedFileError",
    "SeedsNotFoundError",
]


class CorpusError(Exception):
    """Base class: the essays could not be turned into a searchable corpus."""


class SeedsNotFoundError(CorpusError):
    """The seeds folder does not exist or is not a folder."""


class EmptyCorpusError(CorpusError):
    """The seeds folder holds no usable essay."""


class SeedFileError(CorpusError):
    """One essay file cannot be read (not UTF-8, unreadable, malformed)."""
