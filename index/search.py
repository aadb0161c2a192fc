"""PassageIndex: documents -> passages -> BM25 -> ranked hits, and the statistics answers need."""

from __future__ import annotations

import math
import re
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import chain, groupby, repeat
from operator import attrgetter, itemgetter

import numpy as np
from numpy.typing import NDArray

from index.analyzer import analyze, normalize, query_terms
from index.analyzer import words as words_of
from index.bm25 import BM25
from index.documents import PARENT_MARK, Document, own_heading
from index.homes import Span, find_homes, layout_from_state, layout_state
from index.parsing import GREETING
from index.passages import MAX_PASSAGE_WORDS, Passage, split_passages
from index.patterns import lazy
from index.replies import quoting
from index.sentences import sentence_spans
from index.state import (
    State,
    corpus_from_state,
    corpus_state,
    load_arrays,
    require,
    save_arrays,
    strings_state,
)
from index.variants import fold_demonyms, resolve_unknown

__all__ = ["SENTENCE_WEIGHT", "Hit", "PassageIndex"]

# How much a passage's best sentence counts in its rank, against the passage as a whole
# (both BM25, each divided by its best score over the passages). Chosen on the tuning half
# of the gold questions (docs/retrieval.md).
SENTENCE_WEIGHT = 3.0
# Passages whose best sentence is weighed: BM25's best this many (every passage that shares
# a word with the question, in essays of fewer passages), so big archives stay fast.
_CANDIDATES = 100
# A table's body rows looked through for its header row, at most.
_TABLE_ROWS = 1_000
# Passages whose index terms are kept once analysed (a few KB each).
_INDEXED_KEPT = 4096
# Texts this short (a word, two) have their query terms kept, this many of them.
_QUERIED_LETTERS = 40
_QUERIED_KEPT = 16_384
# A letter's greeting and nothing else: "Dear Ruth,", "My dearest Anne,", "Hi all,".
_GREETING_ONLY = lazy(
    rf"{GREETING}\s+[^\W\d_][\w.'’-]*(\s+[^\W\d_][\w.'’-]*){{0,3}}[,!]", re.IGNORECASE
)
# ... and its closing words with the signature: "Love, Ruth", "With love from us both, Callum
# and Inés", "Yours sincerely, Anne Lee." (index/parsing.py joins a signature to them).
_SIGN_OFF_ONLY = lazy(
    r"(?i:[^.!?\n]{0,60}\b(love|yours|regards|wishes|sincerely|faithfully|truly|ever|cheers|"
    r"thanks|warmly|affectionately|always|best)\b[^.!?\n]{0,30}),\s+"
    r"[A-Z][\w'’-]*(\s+(and\s+)?[A-Z][\w'’-]*){0,3}[.!]?"
)
# ... and an interview's thanks and nothing else, its speaker's label before them: "MORROW:
# Owen Pardew, thank you very much." (trial round 37: quoted in six answers, two first).
_THANKS_ONLY = lazy(
    r"([A-Z][\w .'’-]{0,30}:\s+)?([A-Z][\w'’-]*(\s+(and\s+)?[A-Z][\w'’-]*){0,4},\s+)?"
    r"(?i:thank\s+you|thanks)(?i:\s+(both|all|again))?(?i:\s+(very|so)\s+much)?"
    r"(?i:\s+for\s+[^.!?,]{0,25})?[.!]"
)
_LETTER_LINE = 120  # characters at most: the three read no longer text


def _letter_line(text: str) -> bool:
    return any(p.fullmatch(text) for p in (_GREETING_ONLY, _SIGN_OFF_ONLY, _THANKS_ONLY))


# What `to_state` saves besides the corpus and the two BM25s, attribute -> dtype: a new array
# is one line here (plus its checks in `from_state`); a new BM25 is one name in `_PARTS`.
_SAVED = {"_first_sentence": np.int64}
_PARTS = ("_bm25", "_sentence_bm25")
Scores = NDArray[np.float64]


@dataclass(frozen=True)
class Hit:
    """A passage ranked for a question: rank 1 is best."""

    passage: Passage
    score: float
    rank: int


_PROGRESS_EVERY = 10_000
# A word the essays never use is read as one of theirs of its family (`_relative`): alike to
# at least this many letters, then each ending in one of these (as stemmed: "allergi",
# "physiotherapist"), of the first few words so begun.
_MIN_RELATIVE = 5
_ENDINGS = frozenset("|i|e|y|r|s|t|er|or|st|ss|al|ic|iv|est|ist|ion".split("|"))
_MOST_RELATIVES = 50
# A speaker's label opening a transcript's turn: a name of up to four words, a colon, a space
# ("ANWEN: ", "Dr Mair Pryce: "), after the time of the recording it may give ("[00:01:35] ");
# opening this many turns of an essay, beside another, it is one.
_SPEAKER = lazy(
    r"(?:[\[(]?(?:\d{1,2}:)?\d{1,2}:\d{2}[\])]?[ \t]+)?"
    r"([A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*){0,3}):[ \t]+"
)
_SPEAKER_TURNS = 3
_QA = frozenset({"q", "a", "question", "answer"})
_TURN_WORDS = 8  # a speaker's turns hold this many words on average, at least


def _essay(passage: Passage) -> str:
    return passage.id.partition("/")[0]  # its essay's slug


class PassageIndex:
    """A read-only BM25 index over the passages of some documents."""

    def __init__(
        self,
        documents: Sequence[Document],
        *,
        max_passage_words: int = MAX_PASSAGE_WORDS,
        k1: float = 1.5,
        b: float = 0.75,
        sentence_weight: float = SENTENCE_WEIGHT,
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        """Index `documents`; `progress(done, total)` hears about long builds now and then."""
        self.documents = tuple(documents)
        self.passages = tuple(split_passages(self.documents, max_passage_words))
        self.sentence_weight = sentence_weight
        total = len(self.passages)
        analyzed: list[list[str]] = []
        sentences: list[list[str]] = []
        first_sentence = array("q")
        self._spans = [tuple(sentence_spans(p.text)) for p in self.passages]
        self._link()
        quotations = quoting(self.passages, self._document_of)  # of earlier posts: no words
        pairs = zip(self.passages, self._spans, strict=True)
        for done, (passage, spans) in enumerate(pairs, start=1):
            # Each sentence is indexed with its section heading, as its passage is, and a
            # table's body row with its header row's words ("Marrowby Rye | rye | £3.40" is
            # a "loaf" at a "price"); a header row alone answers nothing and is not indexed.
            context = analyze(self._context_text(passage))
            after = self.speaker_end(passage)  # a transcript's "ANWEN: " is no word of hers
            parts = [analyze(passage.text[max(a, after) : b]) for a, b in spans]
            if self.heads_table(passage) or done - 1 in quotations:
                context, parts = [], [[] for _ in parts]
            first_sentence.append(len(sentences))
            sentences += [context + part for part in parts or [[]]]
            analyzed.append(context + list(chain.from_iterable(parts)))
            if progress and done % _PROGRESS_EVERY == 0:
                progress(done, total)
        self._folds = fold_demonyms(set(chain.from_iterable(analyzed)))
        self._bm25 = BM25([self._fold(terms) for terms in analyzed], k1=k1, b=b)
        self._sentence_bm25 = BM25([self._fold(terms) for terms in sentences], k1=k1, b=b)
        self._first_sentence = np.append(np.frombuffer(first_sentence, np.int64), len(sentences))
        if progress:
            progress(total, total)
        self._homes = find_homes(self.passages, self._spans, self._document_of, quotations)

    def to_state(self) -> State:
        """The index as arrays and JSON values, for `from_state`."""
        folds = strings_state("folds.from", list(self._folds))
        folds |= strings_state("folds.to", list(self._folds.values()))
        state = corpus_state(self.documents, self.passages)
        layout = layout_state(self._spans, self._homes)
        state = State(
            state.arrays | save_arrays(self, _SAVED) | folds | layout,
            {"sentence_weight": float(self.sentence_weight)},
        )
        for name in _PARTS:
            state = state.with_part(name.lstrip("_"), getattr(self, name).to_state())
        return state

    @classmethod
    def from_state(cls, state: State) -> PassageIndex:
        """The index that `to_state` saved; StateError when any part of it does not fit."""
        index = cls.__new__(cls)
        index.documents, index.passages = corpus_from_state(state)
        index.sentence_weight = state.value("sentence_weight", float)
        folded = state.strings("folds.from")
        index._folds = dict(zip(folded, state.strings("folds.to", len(folded)), strict=True))
        for name in _PARTS:
            setattr(index, name, BM25.from_state(state.part(name.lstrip("_"))))
        load_arrays(index, _SAVED, state)
        first = index._first_sentence
        require(index._bm25.size == len(index.passages), "passage postings")
        require(len(first) == len(index.passages) + 1 and first[0] == 0, "sentence starts")
        # Every passage has a sentence, and no more of them than characters (so the number
        # of sentences, which sizes each query's scores, is bounded by the text's size).
        texts = map(attrgetter("text"), index.passages)
        counts, most = np.diff(first), np.maximum(np.fromiter(map(len, texts), np.int64), 1)
        ends = first[-1] == index._sentence_bm25.size
        require(ends and bool(np.all((counts > 0) & (counts <= most))), "sentence starts")
        index._spans, index._homes = layout_from_state(state, index.passages)
        index._link()
        return index

    def _link(self) -> None:
        """The lookups derived from the passages (rebuilt, not saved)."""
        ids = [p.id for p in self.passages]
        self._position = dict(zip(ids, range(len(ids)), strict=True))
        # Passages are grouped by document; ids start with the document's unique slug.
        self._document_of: list[range] = []
        slugs = map(itemgetter(0), map(str.partition, ids, repeat("/")))
        for _, group in groupby(slugs):
            start, count = len(self._document_of), len(list(group))
            self._document_of += [range(start, start + count)] * count

    def _fold(self, terms: list[str]) -> list[str]:
        return list(map(self._folds.get, terms, terms)) if self._folds else terms

    def terms(self, text: str) -> list[str]:
        """Index terms of any text (a passage, a sentence), as the index counts them."""
        return self._fold(analyze(text))

    def indexed_terms(self, passage: Passage) -> frozenset[str]:
        """The terms a passage is indexed under: its section heading's and its own (kept for
        the passages questions land on: analysing them took 0.3 ms of every answer)."""
        found = self._indexed.get(passage.id)
        if found is None:
            found = frozenset()  # a table's header row is not indexed
            if not self.heads_table(passage):
                text = passage.text[self.speaker_end(passage) :]
                found = frozenset(self.terms(f"{self._context_text(passage)}\n{text}"))
            if len(self._indexed) >= _INDEXED_KEPT:
                self._indexed.clear()
            self._indexed[passage.id] = found
        return found

    @cached_property
    def _indexed(self) -> dict[str, frozenset[str]]:
        return {}

    def title_terms(self, document: str) -> frozenset[str]:
        """The terms of the essay titled `document` (not indexed: a title is no passage)."""
        found = self._titled.get(document)
        if found is None:
            found = self._titled[document] = frozenset(self.terms(document))
        return found

    @cached_property
    def _titled(self) -> dict[str, frozenset[str]]:
        return {}

    def sentence_terms(self, passage: Passage) -> tuple[frozenset[str], ...]:
        """The terms of each of `passage`'s sentences (`spans`), kept like `indexed_terms`:
        quoting weighs them on every answer."""
        found = self._sentence_terms.get(passage.id)
        if found is None:
            text, after = passage.text, self.speaker_end(passage)
            found = tuple(
                frozenset(self.terms(text[max(a, after) : b])) for a, b in self.spans(passage)
            )
            if len(self._sentence_terms) >= _INDEXED_KEPT:
                self._sentence_terms.clear()
            self._sentence_terms[passage.id] = found
        return found

    @cached_property
    def _sentence_terms(self) -> dict[str, tuple[frozenset[str], ...]]:
        return {}

    def keep_terms(self) -> None:
        """Gather the essays' words, and analyse every passage's terms and its sentences' when
        all of them are kept, now (a long-running front end, at start: 4 ms for the shipped
        essay), so that a first question need not (it took 0.5-1 ms of some, and a first
        misspelt word the words: 1.3 s at 100,000 passages, and a word typed cut short their
        sorted list; a transcript's speakers: 34 ms)."""
        _ = self.words, self._speakers, self._sorted_words
        if len(self.passages) <= _INDEXED_KEPT:
            for passage in self.passages:
                self.indexed_terms(passage)
                self.sentence_terms(passage)

    @cached_property
    def _sorted_words(self) -> list[str]:
        return sorted(self.words)

    def words_beginning(self, start: str) -> list[str]:
        """The essays' words beginning with `start` (what a word typed cut short may be)."""
        words = self._sorted_words
        return words[bisect_left(words, start) : bisect_left(words, start + "\U0010ffff")]

    def query(self, question: str, *, relatives: bool = True) -> list[str]:
        """A question's terms, each once; an unknown word may match a known variant, or with
        `relatives`, when the essays use none of them, one of its family (`_relative`): read
        so always, they moved the answers of questions the essays' words already found
        (session 35: the tuning sets then chose another threshold). A short text's terms are
        kept: the spelling, synonym and answer checks look up each of a question's words, 20
        per question at 10-15 us each."""
        short = len(question) <= _QUERIED_LETTERS
        if short and (found := self._queried.get((question, relatives))) is not None:
            return list(found)
        terms = list(
            dict.fromkeys(resolve_unknown(t, self) for t in self._fold(query_terms(question)))
        )
        if relatives and not any(term in self for term in terms):
            terms = list(dict.fromkeys(map(self._relative, terms)))
        if short:
            if len(self._queried) >= _QUERIED_KEPT:
                self._queried.clear()
            self._queried[question, relatives] = tuple(terms)
        return terms

    @cached_property
    def _queried(self) -> dict[tuple[str, bool], tuple[str, ...]]:
        return {}

    def _relative(self, term: str) -> str:
        """`term`, or when the essays never use it, the one of theirs of its family that they
        use most: alike to at least five letters, then each ending in one of a word's endings
        the stemmer leaves ("allergic" and "allergies", "physiotherapists" and
        "physiotherapy", "cheap" and "cheapest": trial round 27, declined at confidence 0 for
        want of any word in common); not "current" for "currency", nor "standard" for "stand"."""
        if len(term) < _MIN_RELATIVE or term in self:
            return term
        start = term[:_MIN_RELATIVE]
        terms = self._sorted_terms
        at = bisect_left(terms, start)
        found = []
        for known in terms[at : at + _MOST_RELATIVES]:
            alike = 0
            while alike < min(len(term), len(known)) and term[alike] == known[alike]:
                alike += 1
            if alike >= _MIN_RELATIVE and {term[alike:], known[alike:]} <= _ENDINGS:
                found.append(known)
        return max(found, key=self._bm25.document_frequency, default=term)

    @cached_property
    def _sorted_terms(self) -> list[str]:
        """The index's terms in order, sorted once, when a question first needs a family:
        seldom (only when it shares no word with the essays), so not at start."""
        return sorted(self._bm25.terms())

    @cached_property
    def words(self) -> frozenset[str]:
        """Every word the essays use, normalised: what a misspelt question word may mean.

        Split at spaces first, then only the distinct pieces into words: the same words,
        4x faster (1.3 s for 100,000 passages)."""
        texts = {p.section for p in self.passages} | {p.text for p in self.passages}
        pieces = set(chain.from_iterable(normalize(text).split() for text in texts))
        return frozenset(chain.from_iterable(map(words_of, pieces)))

    def essay_uses(self, term: str, passage: Passage) -> bool:
        """Whether an index term occurs in a passage of `passage`'s essay (its headings and
        title words counted, as they are indexed)."""
        start, end = self._essay_ranges[_essay(passage)]
        found = self._bm25.passages_with(term)
        at = int(np.searchsorted(found, start))
        return at < len(found) and int(found[at]) < end

    @cached_property
    def _essay_ranges(self) -> dict[str, tuple[int, int]]:
        """Each essay's passages' positions, [start, end): an essay's passages are together."""
        ranges: dict[str, tuple[int, int]] = {}
        for position, passage in enumerate(self.passages):
            start, _ = ranges.get(_essay(passage), (position, position))
            ranges[_essay(passage)] = (start, position + 1)
        return ranges

    def essay_openings(self) -> dict[str, Passage]:
        """Each essay's first passage, by its slug (what its passages' ids start with)."""
        return {slug: self.passages[start] for slug, (start, _) in self._essay_ranges.items()}

    def uses_phrase(self, phrase: str, at_most: int = 64) -> bool:
        """Whether a passage holds `phrase` as written (case aside), of those holding each of
        its terms: at most `at_most` of them are read, the rarest term's first."""
        terms = self.query(phrase)
        if not terms or not all(term in self for term in terms):
            return False
        rarest = min(terms, key=self._bm25.document_frequency)
        found = self._bm25.passages_with(rarest)
        wanted = phrase.lower()  # no pattern compiled per phrase: 0.3-0.8 ms each, per new word
        return any(_holds(self.passages[int(at)].text.lower(), wanted) for at in found[:at_most])

    def __contains__(self, term: object) -> bool:
        """Whether an index term occurs anywhere in the corpus."""
        return isinstance(term, str) and self._bm25.document_frequency(term) > 0

    def search(self, question: str, k: int) -> list[Hit]:
        """The best `k` passages that share a term with `question`, best first.

        Of BM25's best passages (`_CANDIDATES`; further ones, up to k, follow in BM25's order,
        so asking for more never reorders the first), a passage ranks by its BM25 score plus
        `sentence_weight` times the BM25 score of its best sentence, each divided by the
        best of its kind, so that a passage saying it in one sentence beats one that scatters
        the same words; ties keep BM25's order. A hit's `score` is the passage's own BM25
        score (rank-bm25's). Each passage and sentence is indexed under its section heading
        too, so "alternative" finds the paragraphs of "In search of an alternative".
        """
        return self.search_terms(self.query(question), k)

    def search_terms(self, terms: Sequence[str], k: int) -> list[Hit]:
        """`search` for a question already analysed by `query`."""
        top = self._bm25.top(terms, max(k, _CANDIDATES)) if k > 0 else []
        top = [(i, score) for i, score in top if not self._says_nothing[i]]
        if not top:
            return []
        found = np.array([i for i, _ in top], dtype=np.int64)
        scores = np.array([score for _, score in top])
        pool = slice(0, _CANDIDATES)
        ranking = scores[pool] / scores[0]
        if self.sentence_weight:
            best = self._best_sentence_scores(terms, found[pool])
            ranking = ranking + self.sentence_weight * best / (best.max() or 1.0)
        head = np.lexsort((found[pool], -scores[pool], -ranking))
        order = np.concatenate([head, np.arange(len(head), len(found))])[:k]
        return [
            Hit(self.passages[found[j]], float(scores[j]), rank)
            for rank, j in enumerate(order, start=1)
        ]

    def _best_sentence_scores(self, terms: Sequence[str], passages: NDArray[np.int64]) -> Scores:
        """The BM25 score of each of `passages`' best sentence for `terms` (at least 0)."""
        starts, ends = self._first_sentence[passages], self._first_sentence[passages + 1]
        lengths = ends - starts  # every passage has a sentence
        offsets = np.cumsum(lengths) - lengths
        sentences = np.repeat(starts - offsets, lengths) + np.arange(lengths.sum())
        scores = self._sentence_bm25.scores_of(terms, sentences)
        return np.maximum(np.maximum.reduceat(scores, offsets), 0.0)

    def score(self, question: str, passage: Passage) -> float:
        """The BM25 score of one passage for `question`."""
        return self.score_terms(self.query(question), passage)

    def score_terms(self, terms: Sequence[str], passage: Passage) -> float:
        """`score` for a question already analysed by `query`."""
        return self._bm25.score(terms, self._position[passage.id])

    def spans(self, passage: Passage) -> tuple[Span, ...]:
        """The (start, end) spans of the sentences of `passage`'s text, as split at build."""
        return self._spans[self._position[passage.id]]

    def following(self, passage: Passage) -> Passage | None:
        """The passage after `passage` in its section, if any (an interview's answer)."""
        position = self._position[passage.id] + 1
        if position < len(self.passages):
            after = self.passages[position]
            if position in self._document_of[position - 1] and after.section == passage.section:
                return after
        return None

    def preceding(self, passage: Passage) -> Passage | None:
        """The passage before `passage` in its section, if any (an interview's question)."""
        position = self._position[passage.id] - 1
        if position >= 0:
            before = self.passages[position]
            if position + 1 in self._document_of[position] and before.section == passage.section:
                return before
        return None

    def speaker_end(self, passage: Passage) -> int:
        """Where the label of a transcript's speaker that opens `passage` ends ("ANWEN: ",
        "Dr Mair Pryce: ", "[00:01:35] Lena: "); else 0."""
        found = self._speaker_label(passage)
        return 0 if found is None else found.end()

    def speaker(self, passage: Passage) -> str:
        """The transcript's speaker whose turn `passage` is ("Lena" of "[00:01:35] Lena: "),
        or ""."""
        found = self._speaker_label(passage)
        return "" if found is None else found[1]

    def _speaker_label(self, passage: Passage) -> re.Match[str] | None:
        """The label of a transcript's speaker opening `passage`, if one does."""
        found = _SPEAKER.match(passage.text)
        if found is None or (_essay(passage), found[1]) not in self._speakers:
            return None
        return found

    @cached_property
    def _speakers(self) -> frozenset[tuple[str, str]]:
        """(essay slug, label) of the speakers of transcripts: labels that open three passages
        of their essay or more, of `_TURN_WORDS` words on average, when two such labels or
        more do (one alone, "Verdict: ...", is a word of the text; "Q:" and "A:" are read as
        labels elsewhere)."""
        opened, words = self._labels
        # a field of a list ("Capacity: 1.7 litres") is no speaker: turns run longer
        recurring = [
            key
            for key, count in opened.items()
            if count >= _SPEAKER_TURNS and words[key] >= _TURN_WORDS * count
        ]
        voices = Counter(essay for essay, _ in recurring)
        speakers = {key for key in recurring if voices[key[0]] >= 2}
        # In a transcript of speakers in capitals, a label in capitals ("AUDIENCE MEMBER:"
        # among "GWEN TALLIS:" and "RHODRI VANE:") is a speaker's, though it opens one turn.
        shouted = {essay for essay, label in speakers if label.isupper()}
        return frozenset(
            speakers | {(e, label) for e, label in opened if e in shouted and label.isupper()}
        )

    def minor_speaker(self, passage: Passage) -> bool:
        """Whether `passage` is a transcript's turn by a speaker of one turn or two (one of
        the floor, "AUDIENCE MEMBER: ..."), who asks rather than answers."""
        label = self.speaker(passage)
        return bool(label) and self._labels[0][(_essay(passage), label)] < _SPEAKER_TURNS

    @cached_property
    def _labels(self) -> tuple[Counter[tuple[str, str]], Counter[tuple[str, str]]]:
        """Per (essay slug, label) opening passages ("ANWEN:"; not "Q:" or "A:"), how many
        passages it opens, and how many words they hold besides it."""
        opened: Counter[tuple[str, str]] = Counter()
        words: Counter[tuple[str, str]] = Counter()
        for passage in self.passages:
            found = _SPEAKER.match(passage.text)
            if found and found[1].casefold() not in _QA:
                key = (_essay(passage), found[1])
                opened[key] += 1
                words[key] += len(passage.text[found.end() :].split())
        return opened, words

    def _context_text(self, passage: Passage) -> str:
        """What `passage` is indexed with besides its text: its section heading, its speaker
        when it is a transcript's turn (trial round 40: "What did Tomasz think of British
        bread?" found only the host's questions naming him; his label is no word he says, so
        it is read as his turn's context, like a heading), and its table's header row when it
        is a body row. A heading named with its parent's is indexed with it when another
        section of the essay shares it ("The Old Stone Bridge" of its "Construction", as the
        viaduct's has one too), else alone (every answer of a "Frequently asked questions"
        had matched those words)."""
        heading = own_heading(passage.section)
        if (passage.document, heading) in self._shared_headings:
            heading = passage.section
        if speaker := self.speaker(passage):
            heading = f"{heading}\n{speaker}"
        header = self.table_header(passage)
        return heading if header is None else f"{heading}\n{header.text}"

    @cached_property
    def _shared_headings(self) -> frozenset[tuple[str, str]]:
        """(essay title, heading) of the headings two sections of one essay share, named
        apart by their parents' (index.parsing)."""
        shared = set()
        for document in self.documents:
            own = Counter(own_heading(s.heading) for s in document.sections)
            shared |= {(document.title, heading) for heading, n in own.items() if n > 1}
        return frozenset(shared)

    def passages_of(self, document: str, section: str) -> tuple[Passage, ...]:
        """The passages of the section `section` of the essay titled `document`, in order."""
        return self._sections.get((document, section), ())

    @cached_property
    def _sections(self) -> dict[tuple[str, str], tuple[Passage, ...]]:
        """The passages of each (essay title, section), in order."""
        sections: dict[tuple[str, str], list[Passage]] = {}
        for passage in self.passages:
            sections.setdefault((passage.document, passage.section), []).append(passage)
        return {key: tuple(passages) for key, passages in sections.items()}

    def parent(self, passage: Passage) -> str | None:
        """The heading of the part `passage` belongs to when its essay repeats headings under
        parts ("Cheese Scones" of "Cheese Scones > Method", or of its own "Cheese Scones"
        section), else None."""
        parts = self.parts(passage)
        parent = passage.section.rpartition(PARENT_MARK)[0] or passage.section
        return parent if parent in parts else None

    def parts(self, passage: Passage) -> dict[str, dict[str, tuple[Passage, ...]]]:
        """The parts of `passage`'s essay whose sections share headings, each with its
        sections by their own heading: {"Cheese Scones": {"Method": (...), ...}, ...}."""
        return self._parts.get(passage.document, {})

    @cached_property
    def _parts(self) -> dict[str, dict[str, dict[str, tuple[Passage, ...]]]]:
        """`parts`, for every essay: its sections named with their parent's heading because
        another section of it shares their own."""
        found: dict[str, dict[str, dict[str, tuple[Passage, ...]]]] = {}
        for (document, section), passages in self._sections.items():
            parent, _, own = section.rpartition(PARENT_MARK)
            if parent and (document, own) in self._shared_headings:
                found.setdefault(document, {}).setdefault(parent, {})[own] = passages
        return found

    def says_nothing(self, passage: Passage) -> bool:
        """Whether `passage` is a letter's greeting or sign-off alone ("Dear Ruth,", "Love,
        Ruth"): indexed, so its names are words the essays use, but never found (trial round
        14: they had been the best passages for questions naming Ruth, and so quoted, or
        their confidence had declined the passage that answers)."""
        return bool(self._says_nothing[self._position[passage.id]])

    @cached_property
    def _says_nothing(self) -> NDArray[np.bool_]:
        """Per passage, whether it says nothing (`says_nothing`), read once per index."""
        texts = (passage.text.strip() for passage in self.passages)  # 18 ms at 100,000, once
        return np.array(
            [len(t) <= _LETTER_LINE and _letter_line(t) for t in texts],
            dtype=bool,
        )

    def heads_table(self, passage: Passage) -> bool:
        """Whether `passage` is the header row of a table (a body row follows it)."""
        after = self.following(passage)
        return after is not None and self.table_header(after) == passage

    def table_header(self, passage: Passage) -> Passage | None:
        """The header row of the Markdown table whose body row `passage` is, if it is one:
        the first of the passages before it in its section with as many cells (each row is a
        passage of its own, its cells joined by pipes)."""
        pipes = passage.text.count("|")
        position = self._position[passage.id]
        first = position
        while (
            pipes
            and first > 0
            and position - first < _TABLE_ROWS
            and first - 1 in self._document_of[position]
            and self.passages[first - 1].section == passage.section
            and self.passages[first - 1].text.count("|") == pipes
        ):
            first -= 1
        return self.passages[first] if first < position else None

    def idf(self, term: str) -> float:
        """Always-positive (Lucene) idf of an analysed term; an unknown term gets the maximum."""
        n, df = self._bm25.size, self._bm25.document_frequency(term)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def home(self, passage: Passage, start: int, end: int) -> tuple[Passage, int, int]:
        """Where the sentence at `start:end` of `passage` is best cited from: (passage, start, end).

        A sentence repeated in its essay, alone or inside a longer sentence (a standfirst
        repeating the body), is credited to its last copy: summaries precede what they sum up.
        Homes are found at build (`find_homes`); a span inside one sentence is cited from
        that sentence's home, a span over several sentences from where it is.
        """
        position = self._position[passage.id]
        spans = self._spans[position]
        i = bisect_right(spans, (start, len(passage.text) + 1)) - 1
        if i < 0 or end > spans[i][1]:
            return passage, start, end
        found = self._homes.get((position, spans[i][0]))
        if found is None:
            return passage, start, end
        home, home_start, home_end = found
        return self.passages[home], home_start, home_end


def _holds(text: str, phrase: str) -> bool:
    """Whether `text` holds `phrase` with no word's letter, digit or underscore either side."""
    at = text.find(phrase)
    while at >= 0:
        end = at + len(phrase)
        if not (_word_character(text, at - 1) or _word_character(text, end)):
            return True
        at = text.find(phrase, at + 1)
    return False


def _word_character(text: str, at: int) -> bool:
    return 0 <= at < len(text) and (text[at].isalnum() or text[at] == "_")
