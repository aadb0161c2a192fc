"""Read a folder of essays (.txt, .md), or one essay, into Documents: the only file reader."""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from dataclasses import replace
from pathlib import Path

from index.documents import Document
from index.errors import EmptyCorpusError, SeedFileError, SeedsNotFoundError
from index.parsing import parse_document

__all__ = ["ESSAY_SUFFIXES", "essay_bytes", "fingerprint", "load_documents"]

log = logging.getLogger(__name__)

ESSAY_SUFFIXES = frozenset({".txt", ".md", ".markdown"})
_MARKDOWN = frozenset({".md", ".markdown"})
# Writing in other formats, not read but named when found beside essays ("orangery.rst").
_OTHER_DOCUMENTS = frozenset(
    ".rst .rtf .doc .docx .odt .pdf .html .htm .epub .org .adoc .asciidoc .tex .mdx".split()
)
_UTF16_MARKS = (b"\xff\xfe", b"\xfe\xff")


def _files_below(folder: Path, suffixes: frozenset[str]) -> list[Path]:
    """The files below `folder` with one of `suffixes`, sorted, skipping hidden files and
    folders."""
    return sorted(
        path
        for path in folder.rglob("*")
        if path.suffix.lower() in suffixes
        and path.is_file()
        and not any(part.startswith(".") for part in path.relative_to(folder).parts)
    )


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise SeedFileError(
            f"{path}: cannot be read ({error.strerror}); check its permissions"
        ) from error


def _read_text(path: Path) -> str:
    """The file's text, or a SeedFileError naming the file and the fix."""
    data = _read_bytes(path)
    # UTF-16 is known by its byte order mark (Windows Notepad's "Unicode"); nothing else is
    # guessed: an 8-bit encoding such as Windows-1252 would decode any bytes, reading a
    # Russian file as nonsense, so bytes that are not UTF-8 stop the load instead.
    encoding = "utf-16" if data.startswith(_UTF16_MARKS) else "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        if encoding == "utf-16":
            raise SeedFileError(
                f"{path}: damaged UTF-16 text (at byte offset {error.start}); re-save it as UTF-8"
            ) from error
        raise SeedFileError(
            f"{path}: not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start}); "
            "re-save it as UTF-8"
        ) from error
    if "\x00" in text:
        raise SeedFileError(f"{path}: contains NUL bytes, so it is not a text essay; remove it")
    return text


def _base(folder: Path) -> Path:
    """What essay names are relative to: the folder, or the folder holding a single essay."""
    return folder.parent if folder.is_file() else folder


def _checked_files(folder: Path) -> list[Path]:
    """The essay files below `folder` (or `folder` itself, one essay), or why there are none."""
    if folder.is_file():
        if folder.suffix.lower() not in ESSAY_SUFFIXES:
            raise SeedFileError(
                f"{folder}: not a .txt or .md essay; save it as text, or pass its folder"
            )
        return [folder]
    if not folder.is_dir():
        raise SeedsNotFoundError(
            f"seeds folder '{folder}' does not exist; create it with .txt or .md essays, "
            "or pass --seeds DIR (or set ESSAYBOT_SEEDS_DIR)"
        )
    paths = _files_below(folder, ESSAY_SUFFIXES)
    if not paths:
        raise EmptyCorpusError(
            f"seeds folder '{folder}' has no .txt or .md essays; add at least one"
        )
    return paths


def essay_bytes(folder: Path) -> int:
    """Total size of the essays below `folder`, from the file system (nothing is read)."""
    return sum(path.stat().st_size for path in _checked_files(folder))


def fingerprint(folder: Path) -> str:
    """A digest of every essay's name and bytes: it changes with any edit."""
    digest = hashlib.sha256()
    base = _base(folder)
    for path in _checked_files(folder):
        data = _read_bytes(path)
        digest.update(f"{path.relative_to(base).as_posix()}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def load_documents(folder: Path) -> list[Document]:
    """Load every essay below `folder` (or the one essay it names); empty ones are skipped."""
    paths = _checked_files(folder)
    base = _base(folder)
    if folder.is_dir():
        for other in _files_below(folder, _OTHER_DOCUMENTS):  # named, not read
            log.warning(
                "%s: not a .txt or .md essay, skipped; save it as text to include it", other
            )
    stems = [str(path.relative_to(base).with_suffix("")) for path in paths]
    taken = Counter(stems)
    documents: list[Document] = []
    files: list[str] = []  # each document's file, relative to `base`
    for path, stem in zip(paths, stems, strict=True):
        if taken[stem] > 1:  # "notes.txt" beside "notes.md": keep both, distinctly named
            stem = f"{stem}-{path.suffix.lstrip('.')}"
        document = parse_document(
            _read_text(path),
            stem=stem.replace("/", "-"),
            markdown=path.suffix.lower() in _MARKDOWN,
            source=str(path),
            name=path.stem,  # a title from the file name leaves out the folders it is in
        )
        if document.paragraph_count == 0:
            log.warning("%s: empty essay, skipped", path)
            continue
        documents.append(document)
        files.append(path.relative_to(base).as_posix())
    if not documents:
        raise EmptyCorpusError(f"every essay in '{folder}' is empty; add some text to one")
    return _distinct_titles(documents, files)


def _distinct_titles(documents: list[Document], files: list[str]) -> list[Document]:
    """`documents`, those sharing a title (case aside) named with their file after it,
    "Notes (garden/notes.md)", so citations and section names tell them apart."""
    shared = Counter(document.title.casefold() for document in documents)
    return [
        replace(document, title=f"{document.title} ({file})")
        if shared[document.title.casefold()] > 1
        else document
        for document, file in zip(documents, files, strict=True)
    ]
