"""The answer's ranking: questions followed to answers, fused with meaning, led by the surest."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from functools import lru_cache

from bot.answering._policy import Policy
from index import Hit, Passage, PassageIndex, analyze
from index.documents import own_heading

__all__ = [
    "answered_on",
    "asks",
    "follow_questions",
    "fuse",
    "lead",
    "reorder",
    "to_definition",
    "to_sibling",
    "without_measure",
]

# The end of a sentence that asks: "?" before any closing quotes, brackets or asterisks.
_ASKS = re.compile(r"\?[\"'”’)\]*]*\s*$")
# Labels: "Q: ..." (or "Question: ...") asks, "A: ..." (or "Answer: ...") answers, as a
# manual's "Problem: The kettle does not switch on." is answered by "Solution: Check ...".
_QUESTION_LABEL = re.compile(r"[*_]*(Q|Question|Problem|Symptom|Fault)[*_]*\s*:", re.IGNORECASE)
_ANSWER_LABEL = re.compile(
    r"[*_]*(A|Answer|Solution|Fix|Remedy|Cause|Possible cause|What to do)[*_]*\s*:", re.IGNORECASE
)


# "How far", "how big", "how tall": the adjective names what is measured, and the answer
# gives the measure ("It lies 14 miles north-west of Castlemere"), seldom the adjective; as a
# term it was rare and ranked passages using it otherwise ("far fewer stalls") first.
_HOW_MEASURED = re.compile(
    r"\W*how\s+(far|big|large|small|heavy|tall|wide|deep|high|fast)\b", re.IGNORECASE
)


# ... but a specification names it by its noun ("Weight: 1.3 kg"), which is ranked by
# instead. Not for "tall", "high", "wide", "deep": "41 metres high" says the adjective
# (with "high" as "height", blind 3's "How high should the sand mould be?" lost its passage).
_MEASURES = {
    "far": "distance",
    "big": "size",
    "large": "size",
    "small": "size",
    "heavy": "weight weighs",
    "fast": "speed",
}


def without_measure(question: str, terms: list[str]) -> list[str]:
    """`terms` to rank passages by: a "how far" question's adjective replaced by what it
    measures ("distance")."""
    how = _HOW_MEASURED.match(question)
    if how is None:
        return terms
    adjective = analyze(how.group(1))
    kept = [term for term in terms if term not in adjective]
    return kept + analyze(_MEASURES.get(how.group(1).lower(), "")) if kept else terms


def reorder(
    hits: Sequence[Hit],
    policy: Policy,
    similarity_of: Callable[[Passage], float],
) -> tuple[Hit, ...]:
    """`hits` in the answer's order: the first `policy.weighed` fused with meaning, the rest
    after them as they were. Only those first ones are weighed and quoted, so how many hits
    are listed (`-k`) changes nothing about them."""
    head = fuse(hits[: policy.weighed], policy, similarity_of)
    seen = {hit.passage.id for hit in head}
    return _renumbered([*head, *(h for h in hits[policy.weighed :] if h.passage.id not in seen)])


def follow_questions(
    hits: Sequence[Hit], index: PassageIndex, terms: Sequence[str]
) -> tuple[Hit, ...]:
    """`hits` with each passage that only asks questions (an interviewer's, an FAQ's)
    replaced by the passage after it in its section, which answers them: a question shares
    the asker's words, its answer the information. A passage already ranked stays once."""
    followed: list[Hit] = []
    seen: set[str] = set()
    for hit in hits:
        passage, score = hit.passage, hit.score
        if asks(index, passage) and (after := index.following(passage)) is not None:
            passage, score = after, index.score_terms(terms, after)
        if passage.id not in seen:
            seen.add(passage.id)
            followed.append(Hit(passage, score, hit.rank))
    return _renumbered(followed)


def asks(index: PassageIndex, passage: Passage) -> bool:
    """Whether every sentence of `passage` asks (an interviewer's question, an FAQ's), or it
    is labelled a question and the passage after it an answer ("Q: Tell us about the
    furnace." then "A: ..."): an interviewer's prompt need not end with "?"; or it is a
    speaker's turn ending in a question, and another speaker's turn follows; or an
    interview's unlabelled prompt."""
    if _QUESTION_LABEL.match(passage.text):
        after = index.following(passage)
        return after is not None and bool(_ANSWER_LABEL.match(after.text))
    spans = index.spans(passage)
    # one of the floor asking, whatever they end with ("AUDIENCE MEMBER: ... Why does the
    # housing have to go on the harbour at all? There's the old bus depot site ...")
    floor = index.minor_speaker(passage) and any(_ASKS.search(passage.text[a:b]) for a, b in spans)
    # a host's question and why it is asked ("Why clockwise? Because I know a lot of people
    # go the other way.": trial round 13, quoted as the guest's answer), or with a remark
    # after it ("Who travels on a night ferry? It can't all be sheep.": trial round 38, the
    # first hit of five questions); not a guest's "Was I scared? Of course.": the speaker
    # asks in half their turns or more
    asked = [n for n, (a, b) in enumerate(spans) if _ASKS.search(passage.text[a:b])]
    after_words = len(passage.text[spans[asked[-1]][1] :].split()) if asked else 0
    put = (
        bool(asked)
        and ((len(spans) == 2 and asked[0] == 0) or after_words <= _REMARK_WORDS)
        and _asker(index, passage)
    )
    if not spans or not (floor or put or _ASKS.search(passage.text[slice(*spans[-1])])):
        return False
    if all(_ASKS.search(passage.text[a:b]) for a, b in spans):
        return True
    after, speaker = index.following(passage), index.speaker(passage)
    # a short prompt ending in a question, without speakers' labels, in a section that
    # alternates prompts and answers (a magazine's bold questions: trial round 21)
    if not speaker and after is not None:
        lead_in = passage.text[: spans[-1][0]]
        return (
            len(lead_in.split()) <= _LEAD_IN_WORDS
            and _prompts(index, passage)
            and not _ASKS.search(after.text)
        )
    # a transcript's turn ending in a question, then another speaker's ("MARGARET: Let's
    # start at the beginning. How did you end up on the ferry?" then "ANWEN: ..."): a host's,
    # or a short one; not a guest's answer that ends by asking the other guest ("... We call
    # that braiding. Owen, why don't you explain the drainage side?": trial round 20)
    if not speaker or after is None or speaker == index.speaker(after):
        return False
    lead_in = passage.text[index.speaker_end(passage) : spans[-1][0]]
    return len(lead_in.split()) <= _LEAD_IN_WORDS or _asker(index, passage)


# The most words a host's turn may say after its question and still only ask ("It can't all
# be sheep.").
_REMARK_WORDS = 8
# The most words before a turn's question for it to ask all the same, as a lead-in does
# ("I remember that! You had a grade four exam that afternoon. Did you pass?").
_LEAD_IN_WORDS = 15


# The prompts a section needs to be read as an interview: passages ending in a question,
# each followed by one that does not ("You've named more than forty varieties. Which is
# your favourite?" then "Marguerite. ...": trial round 21, a magazine's bold questions).
_PROMPTS = 3


def _prompts(index: PassageIndex, passage: Passage) -> bool:
    """Whether `passage`'s section alternates prompts and answers, as an interview does."""
    return _prompted(index, passage.document, passage.section) >= _PROMPTS


@lru_cache(maxsize=64)
def _prompted(index: PassageIndex, document: str, section: str) -> int:
    """How many passages of a section end in a question and are followed by one that does not."""
    passages = index.passages_of(document, section)
    return sum(
        bool(_ASKS.search(one.text)) and not _ASKS.search(two.text)
        for one, two in itertools.pairwise(passages)
    )


def _asker(index: PassageIndex, passage: Passage) -> bool:
    """Whether `passage` is a transcript's turn by a speaker who asks in half their turns of
    its section or more (an interviewer, a host)."""
    speaker = index.speaker(passage)
    return bool(speaker) and speaker in _askers(index, passage.document, passage.section)


@lru_cache(maxsize=64)
def _askers(index: PassageIndex, document: str, section: str) -> frozenset[str]:
    """The speakers of a section's transcript who ask in half their turns or more, read once
    per section (a long interview's turns were read again for each turn weighed)."""
    turns: dict[str, list[bool]] = {}
    for passage in index.passages_of(document, section):
        if speaker := index.speaker(passage):
            turns.setdefault(speaker, []).append("?" in passage.text)
    return frozenset(s for s, asked in turns.items() if 2 * sum(asked) >= len(asked))


def answered_on(index: PassageIndex, passage: Passage) -> tuple[Passage, ...]:
    """The labelled answers after `passage`, itself a labelled answer to a labelled question,
    up to the next question: a manual's "Cause: The lid is not locked." goes on in "Fix: Turn
    the lid clockwise ...", which says what to do about it."""
    before = index.preceding(passage)
    if before is None or not _ANSWER_LABEL.match(passage.text):
        return ()
    if not (_QUESTION_LABEL.match(before.text) or _ANSWER_LABEL.match(before.text)):
        return ()
    found: list[Passage] = []
    after = index.following(passage)
    while after is not None and len(found) < _ANSWER_PARTS and _ANSWER_LABEL.match(after.text):
        found.append(after)
        after = index.following(after)
    return tuple(found)


# Labelled answers after the first one quoted with it, at most ("Cause:", "Fix:", "Note:").
_ANSWER_PARTS = 2


def fuse(
    hits: Sequence[Hit], policy: Policy, similarity_of: Callable[[Passage], float]
) -> tuple[Hit, ...]:
    """`hits` with the best `fusion_passages` re-ordered by reciprocal rank fusion and a
    blend of their scores.

    Each of them scores 1/(c + its rank in `hits`) + 1/(c + its rank by the similarity of
    its nearest sentence), c being `fusion_constant`, plus `fusion_scores` times the blend
    (`fusion_bm25_share` of its BM25 score over the best, the rest that similarity); ties
    keep the order of `hits`, whose words matched more surely than meaning. A hit keeps its
    BM25 score; ranks are renumbered.
    """
    depth = policy.fusion_passages
    if depth < 2 or len(hits) < 2:
        return tuple(hits)
    head = list(hits[:depth])
    near = [similarity_of(h.passage) for h in head]
    by_meaning = sorted(range(len(head)), key=lambda i: -near[i])
    meaning_rank = {i: rank for rank, i in enumerate(by_meaning, start=1)}
    c, share = policy.fusion_constant, policy.fusion_bm25_share
    best = max(h.score for h in head) or 1.0  # scores are BM25's (0 for a followed answer)

    def fused(i: int) -> float:
        blend = share * head[i].score / best + (1 - share) * near[i]
        return 1 / (c + i + 1) + 1 / (c + meaning_rank[i]) + policy.fusion_scores * blend

    order = sorted(range(len(head)), key=lambda i: (-fused(i), i))
    return _renumbered([head[i] for i in order] + list(hits[depth:]))


def lead(hits: Sequence[Hit], surest: Passage, surer_by: float, margin: float) -> tuple[Hit, ...]:
    """`hits` led by `surest`, the passage the confidence came from, when it is surer than
    the first of `hits` by at least `margin` (`surer_by` says by how much; `lead_margin`,
    or `words_lead_covered` when the words decide)."""
    if surer_by < margin or hits[0].passage == surest:
        return tuple(hits)
    moved = next(i for i, hit in enumerate(hits) if hit.passage == surest)
    return _renumbered([hits[moved], *hits[:moved], *hits[moved + 1 :]])


def to_sibling(hits: Sequence[Hit], index: PassageIndex, terms: Sequence[str]) -> tuple[Hit, ...]:
    """`hits` kept to the part of an essay the question names, when its parts repeat their
    headings ("How much flour is in the scones?" of "Cheese Scones > Ingredients" and
    "Banana Bread > Ingredients"): the parts' words are in most of their passages, so
    neither BM25 nor meaning tells them apart. A first passage of another part, or of
    another section than the one of the part whose heading the question names ("the method
    for the banana bread"), gives way to the named part's section of that heading, else of
    its own (its passage ranked first, else its passage scoring best); the other parts'
    passages go last."""
    if not hits:
        return ()
    first = hits[0].passage
    parts = index.parts(first)
    asked = set(terms)
    named = [parent for parent in parts if asked & _heading_terms(index, parent)]
    if len(named) != 1:  # none named, or more than one
        return tuple(hits)
    chosen = hits[0]
    # its section of the heading the question names ("the method for banana bread"), else
    # of the first passage's heading
    headings = [own for own in parts[named[0]] if asked & _heading_terms(index, own)]
    heading = headings[0] if len(headings) == 1 else own_heading(first.section)
    if index.parent(first) not in (None, named[0]) or heading != own_heading(first.section):
        section = parts[named[0]].get(heading, ())
        ids = [passage.id for passage in section]
        if ranked := [hit for hit in hits if hit.passage.id in ids]:
            chosen = ranked[0]
        elif section:  # the first of equals
            scored = [Hit(p, index.score_terms(terms, p), 0) for p in section]
            chosen = max(scored, key=lambda hit: hit.score)
    rest = [hit for hit in hits if hit.passage.id != chosen.passage.id]
    elsewhere = [
        hit.passage.document == first.document and index.parent(hit.passage) not in (None, named[0])
        for hit in rest
    ]
    kept = [hit for hit, other in zip(rest, elsewhere, strict=True) if not other]
    others = [hit for hit, other in zip(rest, elsewhere, strict=True) if other]
    return _renumbered([chosen, *kept, *others])


# "What is clinker?", "What's an ETP?", "Who is Miss Corrigan?": a question asking only what
# or who a thing of a few words is.
_ASKS_WHAT_IS = re.compile(
    r"\W*(?:what|who)(?:['’]s|\s+(?:is|are|was|were))\s+(?:(?:an?|the)\s+)?"
    r"(?P<thing>[\w'’-]+(?:\s+[\w'’-]+){0,3}?)\s*\??\s*$",
    re.IGNORECASE,
)
# Words that make the rest no thing defined: "What is she famous for?", "What was her job?"
_NOT_DEFINED = frozenset(
    "i you he she it we they this that these those there here his her its their our your my "
    "used made called for about like in on of at to from with when where why how which what "
    "who job name names answer".split()
)
# Passages looked through for a definition, by BM25.
_DEFINITION_DEPTH = 50


def asks_definition(question: str) -> str | None:
    """The thing `question` asks only what (or who) it is, or None."""
    found = _ASKS_WHAT_IS.match(question)
    if found is None:
        return None
    thing = found["thing"]
    if any(word.lower() in _NOT_DEFINED for word in thing.split()):
        return None
    return thing


def to_definition(
    hits: Sequence[Hit], index: PassageIndex, thing: str, terms: Sequence[str]
) -> tuple[Hit, ...]:
    """`hits` led by the passage defining `thing`, when one of BM25's best does and the
    first does not: a sentence opening "Quillprint is ...", "A tarka is ...", "Clinker, the
    ...", or naming it "... the foam, called the krausen", or a glossary's "Krausen: ...".
    "What is Quillprint?" of a page whose every passage names it had quoted "Check the
    service's state first:" (trial round 25), the shortest of them."""
    if not hits:
        return tuple(hits)
    defines = _definition(thing)
    if _defines(index, hits[0].passage, defines):
        return tuple(hits)
    for hit in hits[1:]:
        if _defines(index, hit.passage, defines):
            return _renumbered([hit, *(h for h in hits if h is not hit)])
    ids = {hit.passage.id for hit in hits}
    for hit in index.search_terms(list(terms), _DEFINITION_DEPTH):
        if hit.passage.id not in ids and _defines(index, hit.passage, defines):
            return _renumbered([hit, *hits])
    return tuple(hits)


def _definition(thing: str) -> re.Pattern[str]:
    """A sentence defining `thing`: opening with it and "is a", "means", a comma or colon
    ("Miss Corrigan is retiring" says no more who she is), or naming it ("called the
    krausen", "known as")."""
    named = r"\s+".join(re.escape(word) for word in thing.split())
    return re.compile(
        rf"^\W*(?:(?:the|an?)\s+)?{named}\s*(?:\([^)]*\)\s*)?(?:,\s*(?:the|an?)\s|:\s|[—–]\s*|"
        r"(?:is|are|was|were)\s+(?:an?|the|one|my|our|his|her|their|its)\s|"
        r"(?:means|refers\s+to|stands\s+for)\s)"
        rf"|\b(?:called|named|known\s+as)\s+(?:(?:the|an?)\s+)?{named}\b",
        re.IGNORECASE,
    )


def _defines(index: PassageIndex, passage: Passage, defines: re.Pattern[str]) -> bool:
    return any(defines.search(passage.text[start:end]) for start, end in index.spans(passage))


def _heading_terms(index: PassageIndex, heading: str) -> frozenset[str]:
    """The index terms of a part's heading (a cookbook's hundred recipes are read once)."""
    known = _headings_read(index)
    if heading not in known:
        known[heading] = frozenset(index.terms(heading))
    return known[heading]


@lru_cache(maxsize=8)
def _headings_read(index: PassageIndex) -> dict[str, frozenset[str]]:
    return {}


def _renumbered(hits: Sequence[Hit]) -> tuple[Hit, ...]:
    return tuple(Hit(h.passage, h.score, rank) for rank, h in enumerate(hits, start=1))
