"""Build the passage index, or load it from a cache on disk keyed by the seeds' content.

Building 100,000 passages takes seconds (analysis, then BM25); loading the cached index
takes a fraction of that. The key covers every essay's name and bytes and the index
library's own source, so any edit to the essays or to the analyzer rebuilds it.

The cache holds data only, so writing to the cache folder cannot make the bot run code:
one `.npys` file (bot/npys.py) of the index's scalar values and the arrays of
`PassageIndex.to_state`, each checksummed, replaced atomically. Anything unreadable, of
another format version, damaged or not fitting (`StateError`) is ignored with one
warning, then rebuilt and overwritten.
"""

from __future__ import annotations

import gc
import hashlib
import logging
from collections.abc import Callable
from functools import cache
from pathlib import Path

import index as index_package
from bot.npys import UNREADABLE, read_records, replace_file
from index import PassageIndex, essay_bytes, fingerprint, load_documents
from index.state import State

__all__ = ["CACHE_MIN_BYTES", "code_version", "load_index"]

log = logging.getLogger(__name__)

CACHE_MIN_BYTES = 1_000_000  # smaller seeds build in well under a second: no cache
_KEEP = 5  # cached indexes kept per cache folder, newest first
FORMAT = 1  # the layout of the cache file; a file of any other is rebuilt
_KIND = "essaybot_index"  # the files' kind, as bot/npys.py records it


@cache
def code_version() -> str:
    """A digest of the index library's source (the analyzer's with it)."""
    digest = hashlib.sha256()
    for source in sorted(Path(index_package.__file__).parent.glob("*.py")):
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


def load_index(
    seeds: Path,
    cache_dir: Path | None,
    progress: Callable[[int, int], None] | None = None,
    *,
    min_bytes: int = CACHE_MIN_BYTES,
) -> PassageIndex:
    """The index of `seeds`, from `cache_dir` when an up-to-date copy is there."""
    # Small seeds build faster than they hash: only big ones are read for a fingerprint.
    if cache_dir is None or essay_bytes(seeds) < min_bytes:
        return PassageIndex(load_documents(seeds), progress=progress)
    path = cache_dir / f"index-{fingerprint(seeds)[:32]}-{code_version()}.npys"
    try:
        cached = _read(path)
        log.info("loaded the index from %s", path)
        return cached
    except FileNotFoundError:
        pass
    except UNREADABLE as error:
        log.warning("ignoring the unreadable index cache %s (%s)", path, error)
    built = PassageIndex(load_documents(seeds), progress=progress)
    _store(built, path)
    return built


def _read(path: Path) -> PassageIndex:
    """The index stored at `path`, or one of `UNREADABLE` saying why not."""
    # Loading makes some 100,000 objects and no cycles: collecting meanwhile only costs time.
    collecting = gc.isenabled()
    gc.disable()
    try:
        values, arrays = read_records(path, _KIND, FORMAT)
        return PassageIndex.from_state(State(arrays, values))
    finally:
        if collecting:
            gc.enable()


def _store(built: PassageIndex, path: Path) -> None:
    """Write atomically (a reader never sees half a file); keep only the newest few."""
    try:
        state = built.to_state()
        replace_file(path, _KIND, FORMAT, state.values, state.arrays)
        older = sorted(path.parent.glob("index-*.npys"), key=lambda p: p.stat().st_mtime)
        # Earlier versions pickled the index: those files are removed, never read.
        for stale in [*older[:-_KEEP], *path.parent.glob("index-*.pickle")]:
            stale.unlink(missing_ok=True)
    except (OSError, ValueError) as error:
        log.warning("could not write the index cache %s (%s); continuing without", path, error)
