"""Build the passage index, or load it from a cache on disk keyed by the seeds' content.

Building 100,000 passages takes seconds (analysis, then BM25); loading the cached index
takes a fraction of that. The key covers every essay's name and bytes and the index
library's own source, so any edit to the essays or to the analyzer rebuilds it.

The cache holds data only, so writing to the cache folder cannot make the bot run code.
One `.npys` file is a run of `.npy` records (`np.save` once per array, each read back by
`np.load(..., allow_pickle=False)`): a JSON document, as bytes, with the format version,
the index's scalar values and each array's name and CRC-32; the document's own CRC-32;
then the arrays of `PassageIndex.to_state`. One file is replaced atomically; read in
sequence, no zip parser is involved, and its records load a little quicker than an `.npz`'s.
Anything unreadable, of another format version, damaged or not fitting (`StateError`) is
ignored with one warning, then rebuilt and overwritten.
"""

from __future__ import annotations

import gc
import hashlib
import json
import logging
import os
import tempfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import numpy as np
from numpy.typing import NDArray

import index as index_package
from index import PassageIndex, essay_bytes, fingerprint, load_documents
from index.state import State, StateError

__all__ = ["CACHE_MIN_BYTES", "load_index"]

log = logging.getLogger(__name__)

CACHE_MIN_BYTES = 1_000_000  # smaller seeds build in well under a second: no cache
_KEEP = 5  # cached indexes kept per cache folder, newest first
FORMAT = 1  # the layout of the cache file; a file of any other is rebuilt
# Whatever a damaged or hostile file makes reading raise (StateError is a ValueError).
_UNREADABLE = (OSError, ValueError, EOFError, MemoryError)


def _code_version() -> str:
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
    path = cache_dir / f"index-{fingerprint(seeds)[:32]}-{_code_version()}.npys"
    try:
        cached = _read(path)
        log.info("loaded the index from %s", path)
        return cached
    except FileNotFoundError:
        pass
    except _UNREADABLE as error:
        log.warning("ignoring the unreadable index cache %s (%s)", path, error)
    built = PassageIndex(load_documents(seeds), progress=progress)
    _store(built, path)
    return built


def _read(path: Path) -> PassageIndex:
    """The index stored at `path`, or one of `_UNREADABLE` saying why not."""
    # Loading makes some 100,000 objects and no cycles: collecting meanwhile only costs time.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _read_records(path)
    finally:
        if collecting:
            gc.enable()


def _read_records(path: Path) -> PassageIndex:
    with path.open("rb") as file:
        meta = _document(file)
        values, listed = meta.get("values"), meta.get("arrays")
        if not isinstance(values, dict) or not isinstance(listed, list):
            raise StateError("no values or arrays listed")
        arrays = {}
        for entry in listed:
            if not (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], str)):
                raise StateError(f"a listed array is {entry!r}")
            array = arrays[entry[0]] = _record(file)
            if _crc(array) != entry[1]:
                raise StateError(f"array {entry[0]!r} is damaged (its checksum differs)")
        if file.read(1):
            raise StateError("data after the last array")
    return PassageIndex.from_state(State(arrays, values))


def _document(file: IO[bytes]) -> dict[str, Any]:
    """The JSON document that opens the file, checked against the CRC-32 that follows it."""
    text, check = _record(file), _record(file)
    if check.dtype != np.uint32 or check.shape != (1,) or int(check[0]) != _crc(text):
        raise StateError("not an index cache, or its JSON document is damaged")
    meta = json.loads(str(text.data, "utf-8"))
    found = meta.get("essaybot_index") if isinstance(meta, dict) else None
    if type(found) is not int or found != FORMAT:
        raise StateError(f"cache format {found!r}, not {FORMAT}")
    return meta  # type: ignore[no-any-return]


def _record(file: IO[bytes]) -> NDArray[Any]:
    """The next `.npy` record of `file`; a pickle, or an array of objects, raises ValueError."""
    try:
        array = np.load(file, allow_pickle=False)
    except Exception as error:  # numpy parsing a damaged header raises SyntaxError too, etc.
        if "pickle" in str(error):
            raise StateError("not .npy data (a pickle, say: pickles are never loaded)") from None
        raise StateError(f"a damaged .npy record ({type(error).__name__}: {error})") from None
    if not isinstance(array, np.ndarray):  # a zip of arrays (.npz) at this point
        raise StateError("not an index cache")
    return array


def _crc(array: NDArray[Any]) -> int:
    return zlib.crc32(np.ascontiguousarray(array).data)


def _write(file: IO[bytes], state: State) -> None:
    """The JSON document (as bytes) and its CRC-32, then the arrays: one `.npy` record each."""
    listed = [[name, _crc(array)] for name, array in state.arrays.items()]
    meta = {"essaybot_index": FORMAT, "values": state.values, "arrays": listed}
    text = np.frombuffer(json.dumps(meta).encode("utf-8"), np.uint8)
    records: list[NDArray[Any]] = [text, np.array([_crc(text)], np.uint32)]
    for array in [*records, *state.arrays.values()]:
        np.save(file, array, allow_pickle=False)


def _store(built: PassageIndex, path: Path) -> None:
    """Write atomically (a reader never sees half a file); keep only the newest few."""
    try:
        state = built.to_state()
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as file:
            try:
                _write(file, state)
            except BaseException:
                Path(file.name).unlink(missing_ok=True)
                raise
        os.replace(file.name, path)
        older = sorted(path.parent.glob("index-*.npys"), key=lambda p: p.stat().st_mtime)
        # Earlier versions pickled the index: those files are removed, never read.
        for stale in [*older[:-_KEEP], *path.parent.glob("index-*.pickle")]:
            stale.unlink(missing_ok=True)
    except (OSError, ValueError) as error:
        log.warning("could not write the index cache %s (%s); continuing without", path, error)
