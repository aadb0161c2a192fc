"""essaybot's retrieval library: essays -> sections -> passages -> BM25 -> ranked hits.

Pure: it reads files only in `loader`, never prints, never reads settings or the environment.
"""

from index.analyzer import analyze, normalize, query_terms
from index.documents import Document, Section, find_sections, with_parts
from index.errors import CorpusError, EmptyCorpusError, SeedFileError, SeedsNotFoundError
from index.loader import essay_bytes, fingerprint, load_documents
from index.markdown import inline_text
from index.parsing import (
    EMAIL_ADDRESS,
    PHONE_DIGITS,
    is_email_header,
    parse_document,
    read_heading,
)
from index.passages import Passage
from index.search import Hit, PassageIndex
from index.sentences import code_lines, is_code, sentence_spans, split_sentences
from index.spelling import respell

__all__ = [
    "EMAIL_ADDRESS",
    "PHONE_DIGITS",
    "CorpusError",
    "Document",
    "EmptyCorpusError",
    "Hit",
    "Passage",
    "PassageIndex",
    "Section",
    "SeedFileError",
    "SeedsNotFoundError",
    "analyze",
    "code_lines",
    "essay_bytes",
    "find_sections",
    "fingerprint",
    "inline_text",
    "is_code",
    "is_email_header",
    "load_documents",
    "normalize",
    "parse_document",
    "query_terms",
    "read_heading",
    "respell",
    "sentence_spans",
    "split_sentences",
    "with_parts",
]
