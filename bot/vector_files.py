"""Sentence vectors on disk: a folder per seeds folder and model, of data-only segment files.

A store is the folder `vectors-<model>-<seeds>` in the cache folder: `<model>` begins the
hash of everything a vector depends on besides its text (bot.similarity.model_key), so
another model's vectors are never read as this one's; `<seeds>` begins the hash of the seeds
folder's absolute path, so each folder of essays has its own. Each file in it is a segment:
an `.npys` file (bot/npys.py: data only, checksummed) of sentence keys (the first 8 bytes of
a BLAKE2b hash of the sentence's UTF-8 text, as uint64) and their float32 vectors, with the
model's whole key among its values. Segments are written once, under a name no other
process picks, by renaming a finished file into place: two processes saving at the same
time each add their own file, and neither can damage or lose the other's. A reader that
finds a segment gone (merged meanwhile by another process) skips it; rows are keyed by
content, so a row read twice, or embedded again, is the same row.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import secrets
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from bot.npys import UNREADABLE, RecordError, read_records, replace_file
from bot.similarity import WIDTH, Vectors

__all__ = ["Segment", "read_segments", "remove_segments", "store_folder", "write_segment"]

log = logging.getLogger(__name__)

_KIND = "essaybot_vectors"  # the files' kind, as bot/npys.py records it
FORMAT = 1  # the layout of a segment; a segment of any other is ignored and removed
_KEEP_STORES = 8  # stores kept per cache folder, most recently read or written first
Keys = NDArray[np.uint64]


@dataclass(frozen=True)
class Segment:
    """One segment file's rows: sentence keys and their vectors, row for row."""

    path: Path
    keys: Keys
    vectors: Vectors


def store_folder(cache_dir: Path, seeds: Path, model: str) -> Path:
    """Where the vectors of the sentences of `seeds`, embedded by `model`, are kept."""
    where = str(seeds.resolve()).encode("utf-8", "surrogatepass")
    return cache_dir / f"vectors-{model[:16]}-{hashlib.sha256(where).hexdigest()[:16]}"


def read_segments(folder: Path, model: str) -> list[Segment]:
    """Every readable segment in `folder`; a damaged or foreign one is removed, with a warning.
    The folder is marked as used now, so that eviction keeps it while it is read."""
    segments = []
    with contextlib.suppress(OSError):  # not there yet, or a read-only cache: nothing to keep
        os.utime(folder)
    for path in sorted(folder.glob("segment-*.npys")):
        try:
            segments.append(_read(path, model))
        except FileNotFoundError:  # merged by another process since the folder was listed
            continue
        except UNREADABLE as error:
            log.warning(
                "ignoring the unreadable sentence vectors %s (%s); they are embedded again",
                path,
                error,
            )
            remove_segments([path])
    return segments


def _read(path: Path, model: str) -> Segment:
    values, arrays = read_records(path, _KIND, FORMAT)
    if values.get("model") != model:
        raise RecordError("vectors of another model")
    keys, vectors = arrays.get("keys"), arrays.get("vectors")
    if keys is None or keys.dtype != np.uint64 or keys.ndim != 1:
        raise RecordError("no keys of sentences")
    if vectors is None or vectors.dtype != np.float32 or vectors.shape != (len(keys), WIDTH):
        raise RecordError("the vectors do not fit the keys")
    return Segment(path, keys, vectors)


def write_segment(folder: Path, model: str, keys: Keys, vectors: Vectors) -> Path:
    """Add a segment of these rows to `folder` (atomically, under a new name); its path.
    Raises OSError or ValueError when it cannot be written."""
    name = f"segment-{time.time_ns():020d}-{os.getpid()}-{secrets.token_hex(4)}.npys"
    path = folder / name
    replace_file(path, _KIND, FORMAT, {"model": model}, {"keys": keys, "vectors": vectors})
    _evict_others(folder)
    return path


def remove_segments(paths: list[Path]) -> None:
    """Remove segment files, as far as the file system allows (a leftover is only read again)."""
    for path in paths:
        try:
            path.unlink(missing_ok=True)
        except OSError as error:
            log.warning("could not remove %s (%s)", path, error)


def _evict_others(folder: Path) -> None:
    """Keep the most recently written stores of the cache folder: seeds folders come and go."""
    try:
        stores = [p for p in folder.parent.glob("vectors-*") if p.is_dir() and p != folder]
        stores.sort(key=lambda p: p.stat().st_mtime)
        for old in stores[: max(0, len(stores) - (_KEEP_STORES - 1))]:
            shutil.rmtree(old, ignore_errors=True)
    except OSError:  # another process evicting at the same time
        pass
