"""Data-only files of named numpy arrays, each checksummed: the caches' one file format.

One `.npys` file is a run of `.npy` records (`np.save` once per array, each read back by
`np.load(..., allow_pickle=False)`): a JSON document, as bytes, with the file's kind and
format version, its scalar values and each array's name and CRC-32; the document's own
CRC-32; then the arrays. Read in sequence, no zip parser is involved, and its records load
a little quicker than an `.npz`'s. A file is written beside its final name and renamed over
it, so a reader never sees half of one. Whatever is wrong with a file raises `RecordError`
(a ValueError), OSError or MemoryError, never runs code: pickles are never loaded.
"""

from __future__ import annotations

import json
import os
import tempfile
import zlib
from pathlib import Path
from typing import IO, Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["UNREADABLE", "RecordError", "read_records", "replace_file", "write_records"]


class RecordError(ValueError):
    """A file that is not a whole, undamaged file of the kind and version expected."""


# Whatever a damaged or hostile file makes reading raise.
UNREADABLE = (OSError, ValueError, EOFError, MemoryError)

Values = dict[str, Any]
Arrays = dict[str, NDArray[Any]]


def read_records(path: Path, kind: str, version: int) -> tuple[Values, Arrays]:
    """The values and arrays of the file at `path`, written by `write_records` as `kind`."""
    with path.open("rb") as file:
        meta = _document(file, kind, version)
        values, listed = meta.get("values"), meta.get("arrays")
        if not isinstance(values, dict) or not isinstance(listed, list):
            raise RecordError("no values or arrays listed")
        arrays = {}
        for entry in listed:
            if not (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], str)):
                raise RecordError(f"a listed array is {entry!r}")
            array = arrays[entry[0]] = _record(file, kind)
            if _crc(array) != entry[1]:
                raise RecordError(f"array {entry[0]!r} is damaged (its checksum differs)")
        if file.read(1):
            raise RecordError("data after the last array")
    return values, arrays


def _document(file: IO[bytes], kind: str, version: int) -> dict[str, Any]:
    """The JSON document that opens the file, checked against the CRC-32 that follows it."""
    text, check = _record(file, kind), _record(file, kind)
    if check.dtype != np.uint32 or check.shape != (1,) or int(check[0]) != _crc(text):
        raise RecordError(f"not an {kind} file, or its JSON document is damaged")
    if text.dtype != np.uint8 or text.ndim != 1:
        raise RecordError(f"not an {kind} file: its document is not text")
    try:  # a checksum matches whatever was written: JSON nested 100,000 deep, say
        meta = json.loads(text.tobytes().decode("utf-8"))
    except (ValueError, RecursionError) as error:
        raise RecordError(f"its JSON document is unreadable ({type(error).__name__})") from None
    found = meta.get(kind) if isinstance(meta, dict) else None
    if type(found) is not int or found != version:
        raise RecordError(f"{kind} format {found!r}, not {version}")
    return meta  # type: ignore[no-any-return]


def _record(file: IO[bytes], kind: str) -> NDArray[Any]:
    """The next `.npy` record of `file`; a pickle, or an array of objects, raises RecordError."""
    try:
        array = np.load(file, allow_pickle=False)
    except Exception as error:  # numpy parsing a damaged header raises SyntaxError too, etc.
        if "pickle" in str(error):
            raise RecordError("not .npy data (a pickle, say: pickles are never loaded)") from None
        raise RecordError(f"a damaged .npy record ({type(error).__name__}: {error})") from None
    if not isinstance(array, np.ndarray):  # a zip of arrays (.npz) at this point
        raise RecordError(f"not an {kind} file")
    return array


def _crc(array: NDArray[Any]) -> int:
    return zlib.crc32(np.ascontiguousarray(array).data)


def write_records(file: IO[bytes], kind: str, version: int, values: Values, arrays: Arrays) -> None:
    """The JSON document (as bytes) and its CRC-32, then the arrays: one `.npy` record each."""
    listed = [[name, _crc(array)] for name, array in arrays.items()]
    meta = {kind: version, "values": values, "arrays": listed}
    text = np.frombuffer(json.dumps(meta).encode("utf-8"), np.uint8)
    records: list[NDArray[Any]] = [text, np.array([_crc(text)], np.uint32)]
    for array in [*records, *arrays.values()]:
        np.save(file, array, allow_pickle=False)


def replace_file(path: Path, kind: str, version: int, values: Values, arrays: Arrays) -> None:
    """Write the file at `path` atomically (a temporary file renamed over it); OSError or
    ValueError when it cannot be written, leaving no temporary file behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as file:
        try:
            write_records(file, kind, version, values, arrays)
        except BaseException:
            Path(file.name).unlink(missing_ok=True)
            raise
    try:
        os.replace(file.name, path)
    except OSError:
        Path(file.name).unlink(missing_ok=True)
        raise
