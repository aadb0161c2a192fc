"""Sentence vectors are computed once, ever: at build or first use, kept on disk, same floats."""

from __future__ import annotations

import logging
import os
import pickle
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from bot import similarity
from bot.cli import main
from bot.npys import read_records, replace_file
from bot.sentence_vectors import SentenceVectors, corpus_sentences, open_vectors
from bot.similarity import best_similarity, load_model, model_key
from bot.vector_files import read_segments, store_folder, write_segment
from index import PassageIndex, load_documents, read_heading
from tests.helpers import ROOT, SEEDS, answerer_for, index_of

QUESTIONS = ["Where do apple trees grow best?", "Who collects a swarm?", "Why build levees?"]


@pytest.fixture
def embedded(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every text the encoder embeds from now on, in order, sentences and questions (the real
    encoder still runs)."""
    load_model()
    texts: list[str] = []

    def counting(real: Callable[[str], similarity.Vectors]) -> Callable[[str], similarity.Vectors]:
        def embed(text: str) -> similarity.Vectors:
            texts.append(text)
            return real(text)

        return embed

    for name in ("embed_one", "embed_question"):
        monkeypatch.setattr(similarity, name, counting(getattr(similarity, name)))
    return texts


def _open(essays: Path, cache: Path | None, **options: int) -> tuple[SentenceVectors, PassageIndex]:
    index = index_of(essays)
    return open_vectors(index, essays, cache, **options), index


def _ask(store: SentenceVectors, index: PassageIndex, questions: list[str]) -> None:
    # The cascade off (a share of the words above 1 never covers): every question needs meaning.
    answerer = answerer_for(index, words_cover=1.1)
    answerer.similarity = store.similarity
    for question in questions:
        answerer.ask(question)


def _segments(essays: Path, cache: Path) -> list[Path]:
    return sorted(store_folder(cache, essays, model_key()).glob("segment-*.npys"))


def test_every_sentence_is_embedded_once_at_build_and_never_again(
    essays: Path, tmp_path: Path, embedded: list[str]
) -> None:
    store, index = _open(essays, tmp_path / "cache")
    sentences = set(corpus_sentences(index))
    assert sorted(embedded) == sorted(sentences) and len(store) == len(sentences)
    embedded.clear()
    _ask(store, index, QUESTIONS)
    assert embedded == QUESTIONS  # each question embeds itself, once, and nothing else
    embedded.clear()
    _ask(store, index, QUESTIONS)
    assert embedded == []
    restarted, index = _open(essays, tmp_path / "cache")
    _ask(restarted, index, QUESTIONS)
    assert embedded == QUESTIONS  # a restart reads the sentences' vectors: only questions


def test_a_restart_embeds_nothing_for_a_corpus_seen_before(
    essays: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, embedded: list[str]
) -> None:
    monkeypatch.setenv("ESSAYBOT_CACHE_DIR", str(tmp_path / "cache"))
    question = "Who collects a swarm of bees?"
    assert main(["ask", question, "--seeds", str(essays)]) == 0
    # Every sentence, and the question unless the words decided it (the cascade)
    assert sorted(set(embedded) - {question}) == sorted(set(corpus_sentences(index_of(essays))))
    first = embedded.count(question)
    embedded.clear()
    assert main(["ask", question, "--seeds", str(essays)]) == 0
    assert embedded == [question] * first


def test_an_edited_essay_embeds_only_its_changed_sentences(
    essays: Path, tmp_path: Path, embedded: list[str]
) -> None:
    _open(essays, tmp_path / "cache")
    text = (essays / "rivers.txt").read_text(encoding="utf-8")
    changed = text.replace("Engineers now prefer", "Engineers today prefer")
    (essays / "rivers.txt").write_text(changed + "\nBeavers build dams.\n", encoding="utf-8")
    embedded.clear()
    store, index = _open(essays, tmp_path / "cache")
    assert sorted(embedded) == [
        "Beavers build dams.",
        "Engineers today prefer to give rivers room.",
    ]
    # The old sentence's row is dropped when the store is saved: it holds the essays' only.
    (segment,) = _segments(essays, tmp_path / "cache")
    keys = read_records(segment, "essaybot_vectors", 1)[1]["keys"]
    assert len(keys) == len(set(corpus_sentences(index))) == len(store)


def test_a_big_corpus_embeds_on_first_use_and_keeps_it(
    essays: Path, tmp_path: Path, embedded: list[str]
) -> None:
    store, index = _open(essays, tmp_path / "cache", build_limit=3)
    assert embedded == [] and len(store) == 0  # over the limit: nothing ahead
    _ask(store, index, QUESTIONS)
    first_use = [t for t in embedded if t not in QUESTIONS]
    assert first_use and store.unsaved == len(first_use)
    store.save()
    embedded.clear()
    restarted, index = _open(essays, tmp_path / "cache", build_limit=3)
    assert len(restarted) == len(first_use)
    _ask(restarted, index, QUESTIONS)
    assert embedded == QUESTIONS


def test_without_a_cache_folder_nothing_is_embedded_ahead_or_written(
    essays: Path, tmp_path: Path, embedded: list[str]
) -> None:
    store, index = _open(essays, None)
    assert embedded == [] and len(store) == 0
    _ask(store, index, QUESTIONS[:1])
    store.save()
    assert len(embedded) > 1 and not list(tmp_path.glob("**/segment-*"))


def test_the_store_gives_the_same_floats_as_embedding_afresh(tmp_path: Path) -> None:
    load_model()  # one runtime for both (an earlier test's `ask` may have used numpy's)
    index = index_of(SEEDS)
    open_vectors(index, SEEDS, tmp_path)  # embeds and saves the essay's sentences
    store = open_vectors(index, SEEDS, tmp_path)  # ... read back from the file
    questions = ["Why is the union state a dead end?", "What does Belarus complain about?"]
    for question in questions:
        for passage in index.passages:
            sentences = [passage.text[a:b] for a, b in index.spans(passage)]
            assert store.similarity(question, sentences) == best_similarity(question, sentences)
            heading = read_heading(passage.section)  # read under it too, as weighed
            headed = store.similarity(question, sentences, heading)
            assert headed == best_similarity(question, sentences, heading)


def test_a_progress_line_counts_the_sentences_embedded(essays: Path, tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    index = index_of(essays)
    open_vectors(index, essays, tmp_path, lambda done, total: seen.append((done, total)))
    total = len(set(corpus_sentences(index)))
    assert seen[-1] == (total, total) and all(t == total for _, t in seen)


class _Boom:
    def __reduce__(self) -> tuple[object, ...]:
        return (open, ("sentinel-of-a-pickle-that-ran", "w"))


def _rewrite(
    change: Callable[[dict[str, object], dict[str, np.ndarray]], None],
) -> Callable[[Path], None]:
    def damage(path: Path) -> None:
        values, arrays = read_records(path, "essaybot_vectors", 1)
        change(values, arrays)
        replace_file(path, "essaybot_vectors", 1, values, arrays)

    return damage


def _flip(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) * 3 // 4] ^= 1
    path.write_bytes(bytes(data))


BAD_FILES: dict[str, Callable[[Path], object]] = {
    "a bit flipped in the vectors": _flip,
    "truncated": lambda p: p.write_bytes(p.read_bytes()[:-100]),
    "empty": lambda p: p.write_bytes(b""),
    "a pickle": lambda p: p.write_bytes(pickle.dumps(_Boom())),
    "another model's vectors": _rewrite(lambda v, _: v.update(model="another model")),
    "another kind of file": lambda p: replace_file(p, "essaybot_index", 1, {}, {}),
    "vectors of another width": _rewrite(lambda _, a: a.update(vectors=a["vectors"][:, :100])),
    "keys that do not fit": _rewrite(lambda _, a: a.update(keys=a["keys"][:-1])),
    "vectors as float16": _rewrite(lambda _, a: a.update(vectors=a["vectors"].astype("f2"))),
}


@pytest.mark.parametrize("damage", BAD_FILES)
def test_a_bad_store_file_warns_once_and_is_embedded_again(
    damage: str,
    essays: Path,
    tmp_path: Path,
    embedded: list[str],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)  # where a pickle that ran would leave its sentinel
    _open(essays, tmp_path / "cache")
    (path,) = _segments(essays, tmp_path / "cache")
    BAD_FILES[damage](path)
    embedded.clear()
    with caplog.at_level(logging.WARNING):
        _, index = _open(essays, tmp_path / "cache")
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and f"ignoring the unreadable sentence vectors {path}" in warnings[0]
    assert not (tmp_path / "sentinel-of-a-pickle-that-ran").exists()
    assert sorted(embedded) == sorted(set(corpus_sentences(index)))  # embedded again
    caplog.clear()
    embedded.clear()
    _open(essays, tmp_path / "cache")  # the bad file is gone, the new one read quietly
    assert embedded == [] and not caplog.records


_WRITER = """
import sys
from pathlib import Path
from bot.sentence_vectors import SentenceVectors
from bot.similarity import load_model, model_key

load_model()
store = SentenceVectors(Path(sys.argv[1]), model_key())
store.load()
for n in range(40):
    store.vectors([f"{sys.argv[2]} sentence number {n}."])
    store.save()  # a segment each time, merged every 16: while the other process does too
"""


@pytest.mark.slow
def test_two_processes_saving_at_once_lose_and_damage_nothing(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "vectors"
    writers = [
        subprocess.Popen([sys.executable, "-c", _WRITER, str(folder), name], cwd=ROOT)
        for name in ("First", "Second")
    ]
    assert [writer.wait(timeout=120) for writer in writers] == [0, 0]
    with caplog.at_level(logging.WARNING):
        store = SentenceVectors(folder, model_key())
        store.load()
    assert not caplog.records
    assert len(store) == 80
    texts = [f"{name} sentence number {n}." for name in ("First", "Second") for n in range(40)]
    load_model()
    assert np.array_equal(np.stack(store.vectors(texts)), similarity.embed(texts))
    assert len(list(folder.glob("*.tmp"))) == 0


def test_the_sentences_stored_are_those_the_answerer_weighs(essays: Path) -> None:
    """`PassageIndex.spans` of every passage, as `Answerer` cuts them."""
    index = PassageIndex(load_documents(essays))
    sentences = list(corpus_sentences(index))
    assert "A swarm is a colony looking for a new home." in sentences
    assert all(s == s.strip() and s for s in sentences)
    # ... and the headings they are read under for confidence, each once
    headings = {read_heading(p.section) for p in index.passages} - {""}
    assert headings and headings <= set(sentences)
    assert len(sentences) == len(set(sentences)) or all(sentences.count(h) == 1 for h in headings)


@pytest.mark.slow
def test_the_first_start_shows_its_embedding_on_a_terminal_only(
    essays: Path, tmp_path: Path
) -> None:
    import pexpect

    total = len(set(corpus_sentences(index_of(essays))))
    argv = ["-m", "bot", "ask", "Who collects a swarm?", "--seeds", str(essays)]
    env = {"ESSAYBOT_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin", "TERM": "xterm"}
    child = pexpect.spawn(
        sys.executable, argv, cwd=str(ROOT), env=env, encoding="utf-8", timeout=120
    )
    child.expect_exact(f"embedding {total}/{total} sentences")
    child.expect(pexpect.EOF)
    again = pexpect.spawn(sys.executable, argv, cwd=str(ROOT), env=env, encoding="utf-8")
    assert "embedding" not in again.read()  # read back: nothing to embed
    (essays / "bees.md").write_text("# Bees\n\nA new sentence here.\n", encoding="utf-8")
    piped = subprocess.run(
        [sys.executable, *argv], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert "embedding" not in piped.stderr and piped.stdout


def test_discord_saves_the_vectors_now_and_then(monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio
    import threading

    from bot.discord_bot import _run

    monkeypatch.setattr(_run, "SAVE_EVERY", 0.01)
    saved: list[str] = []

    async def serve_a_while() -> None:
        task = asyncio.create_task(
            _run._save_periodically(lambda: saved.append(threading.current_thread().name))
        )
        await asyncio.sleep(0.2)
        task.cancel()

    asyncio.run(serve_a_while())
    assert len(saved) >= 2
    assert threading.main_thread().name not in saved  # in a worker: never the event loop


def test_each_runtime_keeps_its_own_vectors() -> None:
    # numpy's floats differ from ONNX Runtime's in the seventh digit: never mixed in a store
    keys = []
    for runtime in ("numpy", "onnx"):
        similarity.use_model(runtime=runtime)
        keys.append(model_key())
    assert keys[0] != keys[1]
    similarity.use_model(runtime="numpy")
    assert model_key() == keys[0]
    similarity.use_model(runtime="onnx")


def test_eviction_keeps_the_stores_in_use(tmp_path: Path) -> None:
    """A store read by a running bot is kept, however long ago it was written, when newer
    stores crowd the cache folder; the least recently used one goes."""
    rows = np.ones((1, similarity.WIDTH), np.float32)
    stores = [tmp_path / f"vectors-{i:02d}" for i in range(8)]  # as many as are kept
    for age, folder in enumerate(stores):
        folder.mkdir()
        write_segment(folder, "m", np.array([age], np.uint64), rows)
        os.utime(folder, (1_000_000 + age, 1_000_000 + age))  # stores[0] the oldest
    in_use = stores[0]
    assert [s.keys.tolist() for s in read_segments(in_use, "m")] == [[0]]
    newest = tmp_path / "vectors-new"
    newest.mkdir()
    write_segment(newest, "m", np.array([99], np.uint64), rows)
    kept = sorted(p.name for p in tmp_path.glob("vectors-*"))
    assert in_use.name in kept and newest.name in kept
    assert stores[1].name not in kept  # the least recently used
    assert len(kept) == 8


def test_a_cache_that_cannot_be_written_is_said_once_with_the_fix(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    vectors = SentenceVectors(tmp_path / "a-file" / "store", model_key())
    load_model()
    with caplog.at_level(logging.WARNING):
        for sentence in ("The border is long.", "Minsk is the capital."):
            vectors.vectors([sentence])
            vectors.save()  # fails each time: the folder cannot be made
    said = [r.getMessage() for r in caplog.records if "could not save" in r.getMessage()]
    assert len(said) == 1 and "ESSAYBOT_CACHE_DIR" in said[0]
    assert vectors.unsaved == 2  # kept, for a save that may yet succeed


def test_a_cache_that_cannot_be_written_embeds_nothing_ahead(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    index = index_of(SEEDS)
    with caplog.at_level(logging.WARNING):
        store = open_vectors(index, SEEDS, tmp_path / "a-file")  # each start would pay again
    assert len(store) == 0 and store.unsaved == 0
    said = [r.getMessage() for r in caplog.records if "could not save" in r.getMessage()]
    assert len(said) == 1 and "ESSAYBOT_CACHE_DIR" in said[0]
    assert len(open_vectors(index, SEEDS, tmp_path / "cache")) > 0  # a writable one does


def test_a_sentence_merged_while_a_question_is_weighed_is_not_embedded_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.sentence_vectors as module

    load_model()
    vectors = SentenceVectors(tmp_path / "store", model_key())
    first, second = "The border is long.", "Minsk is the capital."
    (expected,) = vectors.vectors([second])  # embedded by this process, not saved yet
    monkeypatch.setattr(module, "_MAX_SEGMENTS", 0)  # every save merges
    embedded: list[str] = []
    real = similarity.embed_one

    def embed_one(text: str) -> np.ndarray:
        embedded.append(text)
        vectors.save()  # another thread saves meanwhile: `second` moves into the merged rows
        return real(text)

    monkeypatch.setattr(similarity, "embed_one", embed_one)
    got = vectors.vectors([first, second])
    assert embedded == [first]
    assert np.array_equal(got[1], expected)
