"""The cache file holds data only: it loads back equal, never unpickles, and is rebuilt when bad."""

from __future__ import annotations

import json
import logging
import os
import pickle
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from bot.index_cache import load_index
from index import PassageIndex, load_documents
from tests.test_index_cache import _count_builds
from tests.test_index_state import EDGE_ESSAYS, assert_same_index


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The folders the cache had to build an index of, one entry per build."""
    return _count_builds(monkeypatch)


def _cached(essays: Path, cache_dir: Path) -> Path:
    """Build the index of `essays` into `cache_dir`; the cache file's path."""
    load_index(essays, cache_dir, min_bytes=0)
    (path,) = cache_dir.glob("index-*.npys")
    return path


def test_a_cached_index_equals_the_index_built(tmp_path: Path, builds: list[Path]) -> None:
    folder = tmp_path / "edge"
    folder.mkdir()
    for name, text in EDGE_ESSAYS.items():
        (folder / name).write_text(text, encoding="utf-8")
    _cached(folder, tmp_path / "cache")
    loaded = load_index(folder, tmp_path / "cache", min_bytes=0)
    assert len(builds) == 1
    assert_same_index(loaded, PassageIndex(load_documents(folder)))


class _Boom:
    """Unpickling this creates the file `sentinel`: proof that a pickle ran."""

    def __init__(self, sentinel: Path) -> None:
        self.sentinel = sentinel

    def __reduce__(self) -> tuple[Any, ...]:
        return (open, (str(self.sentinel), "w"))


def test_the_planted_payload_would_run_if_unpickled(tmp_path: Path) -> None:
    pickle.loads(pickle.dumps(_Boom(tmp_path / "proof")))
    assert (tmp_path / "proof").exists()  # so the tests below would notice it running


def _sentinel(path: Path) -> Path:
    """Where a pickle planted at the cache file `path` would leave its mark: the test's tmp_path."""
    return path.parent.parent / "sentinel"


def _raw_pickle(path: Path) -> None:
    path.write_bytes(pickle.dumps(_Boom(_sentinel(path))))


def _object_array_first(path: Path) -> None:
    with path.open("wb") as file:
        np.save(file, np.array([_Boom(_sentinel(path))], dtype=object), allow_pickle=True)


def _object_array_inside(path: Path) -> None:
    meta, arrays = _read_records(path)
    arrays["bm25.weights"] = np.array([_Boom(_sentinel(path))], dtype=object)
    _write_records(path, meta, arrays)


def test_old_pickled_caches_are_removed_unread(essays: Path, tmp_path: Path) -> None:
    old = tmp_path / "cache" / "index-0123456789abcdef-0123456789abcdef.pickle"
    old.parent.mkdir()
    old.write_bytes(pickle.dumps(_Boom(tmp_path / "sentinel")))
    (tmp_path / "cache" / "notes.pickle").write_bytes(b"not ours")
    load_index(essays, tmp_path / "cache", min_bytes=0)
    assert not old.exists()
    assert not (tmp_path / "sentinel").exists()
    assert (tmp_path / "cache" / "notes.pickle").exists()  # only the cache's own names


def test_only_the_newest_caches_are_kept(essays: Path, tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    folder.mkdir()
    for age in range(1, 8):
        older = folder / f"index-{age:032d}-{age:016d}.npys"
        older.write_bytes(b"old")
        os.utime(older, (1_000_000 - age, 1_000_000 - age))
    path = _cached_among(essays, folder)
    kept = sorted(p.name for p in folder.glob("index-*.npys"))
    assert path.name in kept
    assert kept == sorted([path.name] + [f"index-{a:032d}-{a:016d}.npys" for a in range(1, 5)])


def _cached_among(essays: Path, folder: Path) -> Path:
    load_index(essays, folder, min_bytes=0)
    return max(folder.glob("index-*.npys"), key=lambda p: p.stat().st_mtime)


def _read_records(path: Path) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """The cache file's JSON document and its arrays by name."""
    with path.open("rb") as file:
        meta = json.loads(np.load(file).tobytes())
        np.load(file)  # the document's checksum
        arrays = {name: np.load(file) for name, _ in meta["arrays"]}
    return meta, arrays


def _write_records(path: Path, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
    """Write a cache file as the cache does, with checksums that match (allowing objects)."""
    meta["arrays"] = [
        [name, zlib.crc32(pickle.dumps(a) if a.dtype == object else a.tobytes())]
        for name, a in arrays.items()
    ]
    text = np.frombuffer(json.dumps(meta).encode(), np.uint8)
    with path.open("wb") as file:
        for array in [text, np.array([zlib.crc32(text.tobytes())], np.uint32), *arrays.values()]:
            np.save(file, array, allow_pickle=True)


def _edit(
    change: Callable[[dict[str, Any], dict[str, np.ndarray]], None],
) -> Callable[[Path], None]:
    def damage(path: Path) -> None:
        meta, arrays = _read_records(path)
        change(meta, arrays)
        _write_records(path, meta, arrays)

    return damage


def _bytes(change: Callable[[bytes], bytes]) -> Callable[[Path], object]:
    return lambda path: path.write_bytes(change(path.read_bytes()))


def _flip(fraction: float) -> Callable[[bytes], bytes]:
    def flip(data: bytes) -> bytes:
        at = int(len(data) * fraction)
        return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]

    return flip


def _foreign_npz(path: Path) -> None:
    with path.open("wb") as file:
        np.savez(file, weights=np.arange(3.0))


def _foreign_npy(path: Path) -> None:
    with path.open("wb") as file:
        np.save(file, np.arange(10.0))


def _document(text: np.ndarray) -> Callable[[Path], None]:
    """A file whose JSON document record is `text`, its checksum matching (as written)."""

    def write(path: Path) -> None:
        crc = zlib.crc32(np.ascontiguousarray(text).tobytes())
        with path.open("wb") as file:
            np.save(file, text)
            np.save(file, np.array([crc], np.uint32))

    return write


_DEEP = np.frombuffer(b"[" * 100_000 + b"]" * 100_000, np.uint8)
_TWO_ROWS = np.asfortranarray(np.frombuffer(b'{"essaybot_index": 1}   ', np.uint8).reshape(2, 12))

BAD_FILES: dict[str, Callable[[Path], object]] = {
    "a JSON document nested 100,000 deep": _document(_DEEP),
    "a document of two rows, in Fortran order": _document(_TWO_ROWS),
    "not an index": _bytes(lambda _: b"not an index cache"),
    "empty": _bytes(lambda _: b""),
    "truncated inside the JSON": _bytes(lambda d: d[:100]),
    "truncated halfway": _bytes(lambda d: d[: len(d) // 2]),
    "truncated by a byte": _bytes(lambda d: d[:-1]),
    "a bit flipped in an array": _bytes(_flip(0.75)),
    "a bit flipped in the JSON": _bytes(_flip(0.05)),
    "data after the arrays": _bytes(lambda d: d + b"\0"),
    "another format version": _edit(lambda m, _: m.update(essaybot_index=0)),
    "a foreign JSON document": _edit(lambda m, _: m.clear()),
    "values that do not fit": _edit(lambda m, _: m["values"].update({"bm25.size": "18"})),
    "an array of another dtype": _edit(
        lambda _, a: a.update({"bm25.passages": a["bm25.passages"].astype(np.int64)})
    ),
    "postings out of range": _edit(
        lambda _, a: a.update({"bm25.passages": a["bm25.passages"] + 1000})
    ),
    "a foreign .npz": _foreign_npz,
    "a foreign .npy": _foreign_npy,
    "a pickle that would run code": _raw_pickle,
    "an array of objects, first": _object_array_first,
    "an array of objects, inside": _object_array_inside,
}


@pytest.mark.parametrize("damage", BAD_FILES)
def test_a_bad_cache_file_warns_once_and_is_rebuilt_and_no_pickle_runs(
    damage: str,
    essays: Path,
    tmp_path: Path,
    builds: list[Path],
    caplog: pytest.LogCaptureFixture,
) -> None:
    path = _cached(essays, tmp_path / "cache")
    BAD_FILES[damage](path)
    with caplog.at_level(logging.WARNING):
        index = load_index(essays, tmp_path / "cache", min_bytes=0)
    assert not _sentinel(path).exists()  # no pickle ran
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1
    assert f"ignoring the unreadable index cache {path}" in warnings[0]
    assert len(builds) == 2
    assert_same_index(index, PassageIndex(load_documents(essays)))
    caplog.clear()
    load_index(essays, tmp_path / "cache", min_bytes=0)  # rewritten: a hit, quietly
    assert len(builds) == 2
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_no_damage_to_the_file_makes_loading_fail(
    essays: Path, tmp_path: Path, builds: list[Path]
) -> None:
    path = _cached(essays, tmp_path / "cache")
    good = path.read_bytes()
    expected = [(h.passage.id, h.score) for h in load_index(essays, None).search("levees", 3)]
    rng = np.random.default_rng(12)
    for _ in range(200):
        data = bytearray(good)
        if rng.random() < 0.3:
            data = data[: int(rng.integers(0, len(data)))]
        else:
            data[int(rng.integers(0, len(data)))] ^= int(rng.integers(1, 256))
        path.write_bytes(bytes(data))
        index = load_index(essays, tmp_path / "cache", min_bytes=0)
        assert [(h.passage.id, h.score) for h in index.search("levees", 3)] == expected
    assert len(builds) > 150  # nearly every damaged file was noticed and rebuilt
