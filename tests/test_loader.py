"""Loading a folder of essays, and the one-line errors for bad seeds."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from index import EmptyCorpusError, SeedFileError, SeedsNotFoundError, fingerprint, load_documents


def test_three_essays_load_with_titles(essays: Path) -> None:
    titles = [d.title for d in load_documents(essays)]
    assert titles == ["Bees in the City", "Keeping an Orchard", "Rivers and floods"]


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(SeedsNotFoundError, match=r"'.*nowhere' does not exist.*--seeds"):
        load_documents(tmp_path / "nowhere")


def test_folder_without_essays(tmp_path: Path) -> None:
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    with pytest.raises(EmptyCorpusError, match=r"no \.txt or \.md essays"):
        load_documents(tmp_path)


def test_file_that_is_not_utf8_is_named(essays: Path) -> None:
    (essays / "latin1.txt").write_bytes("Caf\xe9 society.".encode("latin-1"))
    with pytest.raises(SeedFileError, match=r"latin1\.txt: not UTF-8 .*offset 3.*UTF-8"):
        load_documents(essays)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_utf16_with_a_byte_order_mark_is_read(tmp_path: Path, encoding: str) -> None:
    text = "# Tides\n\nThe tide rises twice a day at S\u00f8rra \u2014 \u201cspring\u201d tides.\n"
    data = text.encode(encoding)
    if encoding == "utf-16-be":  # Python's "utf-16" writes the mark; "utf-16-be" does not
        data = b"\xfe\xff" + data
    (tmp_path / "tides.md").write_bytes(data)
    (document,) = load_documents(tmp_path)
    assert document.title == "Tides"
    assert document.sections[0].paragraphs == (
        "The tide rises twice a day at S\u00f8rra \u2014 \u201cspring\u201d tides.",
    )


def test_damaged_utf16_is_named(tmp_path: Path) -> None:
    (tmp_path / "tides.txt").write_bytes("Tides".encode("utf-16") + b"\x00\xd8")  # lone half
    with pytest.raises(SeedFileError, match=r"tides\.txt: damaged UTF-16 .*re-save it as UTF-8"):
        load_documents(tmp_path)


def test_binary_file_is_named(essays: Path) -> None:
    (essays / "image.md").write_bytes(b"\x00\x01\x02")
    with pytest.raises(SeedFileError, match=r"image\.md: contains NUL bytes"):
        load_documents(essays)


def test_empty_file_is_skipped_with_a_warning(
    essays: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (essays / "empty.txt").write_text("  \n\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        documents = load_documents(essays)
    assert len(documents) == 3
    assert "empty.txt: empty essay, skipped" in caplog.text


def test_writing_in_a_format_not_read_is_named_not_skipped_silently(
    essays: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (essays / "orangery.rst").write_text("Orangery\n========\n\nGlass.\n", encoding="utf-8")
    (essays / "photo.jpg").write_bytes(b"\xff\xd8")  # not writing: not named
    with caplog.at_level(logging.WARNING):
        documents = load_documents(essays)
    assert len(documents) == 3
    assert "orangery.rst: not a .txt or .md essay, skipped" in caplog.text
    assert "photo.jpg" not in caplog.text


def test_only_empty_files_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("", encoding="utf-8")
    with pytest.raises(EmptyCorpusError, match=r"every essay .* is empty"):
        load_documents(tmp_path)


def test_same_stem_in_two_formats_keeps_both(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("Plain notes.\n", encoding="utf-8")
    (tmp_path / "notes.md").write_text("Markdown notes.\n", encoding="utf-8")
    slugs = sorted(d.slug for d in load_documents(tmp_path))
    assert slugs == ["notes-md", "notes-txt"]


def test_hidden_files_are_ignored(essays: Path) -> None:
    (essays / ".draft.md").write_bytes(b"\xe9t\xe9")  # would stop loading: not UTF-8
    assert len(load_documents(essays)) == 3


def test_one_essay_file_is_a_corpus_of_one(essays: Path) -> None:
    (document,) = load_documents(essays / "rivers.txt")
    assert (document.title, document.slug) == ("Rivers and floods", "rivers")
    assert fingerprint(essays / "rivers.txt") != fingerprint(essays / "bees.md")


def test_a_file_that_is_not_an_essay_is_named(tmp_path: Path) -> None:
    (tmp_path / "essay.pdf").write_bytes(b"%PDF")
    with pytest.raises(SeedFileError, match=r"essay\.pdf: not a \.txt or \.md essay"):
        load_documents(tmp_path / "essay.pdf")


def test_an_essay_in_a_subfolder_is_titled_by_its_file_name_not_its_path(tmp_path: Path) -> None:
    (tmp_path / "history").mkdir()
    (tmp_path / "history" / "002_the_roman_roads.txt").write_text("Roads ran straight.\n")
    (tmp_path / "roads.txt").write_text("Roads ran crooked.\n")
    documents = {d.slug: d for d in load_documents(tmp_path)}
    assert documents["history-002_the_roman_roads"].title == "The Roman Roads"
    assert documents["roads"].title == "Roads"


def test_essays_sharing_a_title_are_named_with_their_files(tmp_path: Path) -> None:
    """Two "# Notes" essays would cite alike: each is named with its file after its title."""
    (tmp_path / "sub").mkdir()
    (tmp_path / "notes.md").write_text("# Notes\n\nTomatoes need sun.\n", encoding="utf-8")
    (tmp_path / "sub" / "notes.md").write_text("# NOTES\n\nBasil hates cold.\n", encoding="utf-8")
    (tmp_path / "roads.txt").write_text("Roads ran crooked.\n", encoding="utf-8")
    titles = [d.title for d in load_documents(tmp_path)]
    assert titles == ["Notes (notes.md)", "Roads", "NOTES (sub/notes.md)"]
    assert [d.title for d in load_documents(tmp_path / "sub")] == ["NOTES"]  # alone: as it is
