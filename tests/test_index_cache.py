"""The on-disk index cache: hit when the essays are unchanged, rebuilt when any changes."""

from __future__ import annotations

from pathlib import Path

import pytest

import bot.index_cache as cache
from bot.index_cache import load_index
from bot.progress import terminal_progress


def _count_builds(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    calls: list[Path] = []
    real = cache.load_documents

    def counting(folder: Path):  # type: ignore[no-untyped-def]
        calls.append(folder)
        return real(folder)

    monkeypatch.setattr(cache, "load_documents", counting)
    return calls


def test_second_load_comes_from_the_cache(
    essays: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    builds = _count_builds(monkeypatch)
    first = load_index(essays, tmp_path / "cache", min_bytes=0)
    second = load_index(essays, tmp_path / "cache", min_bytes=0)
    assert len(builds) == 1
    assert [p.id for p in second.passages] == [p.id for p in first.passages]
    assert second.search("swarm colony", 3)[0].passage.id == "bees/swarms/1"
    assert len(list((tmp_path / "cache").glob("index-*.npys"))) == 1


def test_any_edit_rebuilds(essays: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    builds = _count_builds(monkeypatch)
    load_index(essays, tmp_path / "cache", min_bytes=0)
    with (essays / "rivers.txt").open("a", encoding="utf-8") as file:
        file.write("\nBeavers build dams that slow floods.\n")
    rebuilt = load_index(essays, tmp_path / "cache", min_bytes=0)
    assert len(builds) == 2
    assert rebuilt.search("beavers", 3)


def test_small_seeds_and_no_cache_dir_write_nothing(essays: Path, tmp_path: Path) -> None:
    load_index(essays, tmp_path / "cache")  # far below the default 1 MB
    load_index(essays, None, min_bytes=0)
    assert not (tmp_path / "cache").exists()


def test_progress_reports_the_end_and_stays_quiet_off_a_terminal(essays: Path) -> None:
    seen: list[tuple[int, int]] = []
    index = load_index(essays, None, lambda done, total: seen.append((done, total)))
    assert seen[-1] == (len(index.passages), len(index.passages))
    assert terminal_progress() is None  # pytest captures stderr: not a terminal


@pytest.mark.slow
def test_a_big_build_shows_progress_only_on_a_terminal(tmp_path: Path) -> None:
    import subprocess
    import sys

    import pexpect

    from bot.measure.synthetic import write_essays
    from tests.helpers import ROOT

    write_essays(tmp_path / "essays", count=120, paragraphs=100)  # 12,000 passages
    argv = ["-m", "bot", "ask", "Part one?", "--seeds", str(tmp_path / "essays")]
    env = {"ESSAYBOT_CACHE_DIR": "off", "PATH": "/usr/bin", "TERM": "xterm"}
    child = pexpect.spawn(
        sys.executable, argv, cwd=str(ROOT), env=env, encoding="utf-8", timeout=60
    )
    child.expect_exact("indexing 10,000/12,000 passages")
    child.expect_exact("indexing 12,000/12,000 passages")
    child.expect(pexpect.EOF)
    piped = subprocess.run(
        [sys.executable, *argv], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert "indexing" not in piped.stderr
    assert piped.stdout
