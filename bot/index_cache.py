"""Build the passage index, or load it from a cache on disk keyed by the seeds' content.

Building 100,000 passages takes seconds (analysis, then BM25); loading the pickled index
takes a fraction of that. The key covers every essay's name and bytes and the index
library's own source, so any edit to the essays or to the analyzer rebuilds it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import index as index_package
from index import PassageIndex, essay_bytes, fingerprint, load_documents

__all__ = ["CACHE_MIN_BYTES", "load_index", "terminal_progress"]

log = logging.getLogger(__name__)

CACHE_MIN_BYTES = 1_000_000  # smaller seeds build in well under a second: no cache
_KEEP = 5  # cached indexes kept per cache folder, newest first


def _code_version() -> str:
    digest = hashlib.sha256()
    for source in sorted(Path(index_package.__file__).parent.glob("*.py")):
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


def terminal_progress() -> Callable[[int, int], None] | None:
    """A progress line on stderr when it is a terminal; nothing otherwise."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        end = "\n" if done == total else ""
        print(f"\rindexing {done:,}/{total:,} passages", end=end, file=sys.stderr, flush=True)  # noqa: T201

    return show


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
    path = cache_dir / f"index-{fingerprint(seeds)[:32]}-{_code_version()}.pickle"
    try:
        with path.open("rb") as file:
            cached = pickle.load(file)
        if isinstance(cached, PassageIndex):
            log.info("loaded the index from %s", path)
            return cached
    except FileNotFoundError:
        pass
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError) as error:
        log.warning("ignoring the unreadable index cache %s (%s)", path, error)
    built = PassageIndex(load_documents(seeds), progress=progress)
    _store(built, path)
    return built


def _store(built: PassageIndex, path: Path) -> None:
    """Write atomically (a reader never sees half a file); keep only the newest few."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as file:
            pickle.dump(built, file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(file.name, path)
        older = sorted(path.parent.glob("index-*.pickle"), key=lambda p: p.stat().st_mtime)
        for stale in older[:-_KEEP]:
            stale.unlink(missing_ok=True)
    except OSError as error:
        log.warning("could not write the index cache %s (%s); continuing without", path, error)
