"""The one analyzer for passages and questions: normalise, lowercase, words, stopwords, stems."""

from __future__ import annotations

import re
import unicodedata

import Stemmer

__all__ = ["STOPWORDS", "analyze", "normalize", "query_terms", "unaccented", "words"]

# NLTK's English stopword list, which is what most BM25 setups use.
STOPWORDS = frozenset(
    """
    a about above after again against ain all am an and any are aren aren't as at be because been
    before being below between both but by can couldn couldn't d did didn didn't do does doesn
    doesn't doing don don't down during each few for from further had hadn hadn't has hasn hasn't
    have haven haven't having he her here hers herself him himself his how i if in into is isn
    isn't it it's its itself just ll m ma me mightn mightn't more most mustn mustn't my myself
    needn needn't no nor not now o of off on once only or other our ours ourselves out over own re
    s same shan shan't she she's should should've shouldn shouldn't so some such t than that
    that'll the their theirs them themselves then there these they this those through to too under
    until up ve very was wasn wasn't we were weren weren't what when where which while who whom why
    will with won won't wouldn wouldn't y you you'd you'll you're you've your yours yourself
    yourselves
    """.split()
)


def _base_forms(table: str) -> dict[str, str]:
    """Each form of a table's entries ("base form form; ...") -> its entry's base word."""
    return {form: entry.split()[0] for entry in table.split(";") for form in entry.split()[1:]}


# Irregular past forms and plurals, which stemming leaves as they are, read as their base
# word ("taught" finds "teach", "women" "woman"): each entry is the base and its forms. Forms
# that are as often another word are left out ("ground", "wound", "bore", "rose", "given").
_BASE_FORMS = _base_forms(
    """
    arise arose arisen; awake awoke awoken; beat beaten; become became; begin began begun;
    bend bent; bite bitten; bleed bled; blow blew blown; break broke broken; breed bred;
    bring brought; build built; burn burnt; buy bought; catch caught; choose chose chosen;
    cling clung; come came; creep crept; deal dealt; dig dug; draw drew drawn; dream dreamt;
    drink drank drunk; drive drove driven; eat ate eaten; fall fell fallen; feed fed;
    feel felt; fight fought; find found; flee fled; fly flew flown; forbid forbade forbidden;
    forget forgot forgotten; forgive forgave forgiven; freeze froze frozen; get got gotten;
    give gave; go went gone; grow grew grown; hang hung; hear heard; hide hid hidden;
    hold held; keep kept; kneel knelt; know knew known; lead led; lean leant; leap leapt;
    learn learnt; leave left; lend lent; lose lost; make made; mean meant; meet met;
    mistake mistook mistaken; overcome overcame; overtake overtook overtaken; pay paid;
    ride rode ridden; ring rang rung; rise risen; run ran; say said; see saw seen; seek sought;
    sell sold; send sent; shake shook shaken; shine shone; shoot shot; shrink shrank shrunk;
    sing sang sung; sink sank sunk; sit sat; sleep slept; slide slid; speak spoke spoken;
    speed sped; spend spent; spin spun; spring sprang sprung; stand stood; steal stole stolen;
    stick stuck; sting stung; stink stank stunk; stride strode; strike struck stricken;
    strive strove striven; swear swore sworn; sweep swept; swim swam swum; swing swung;
    take took taken; teach taught; tear tore torn; tell told; think thought;
    throw threw thrown; tread trod trodden; understand understood;
    undertake undertook undertaken; wake woke woken; wear wore worn; weave wove woven;
    weep wept; win won; withdraw withdrew withdrawn; write wrote written; child children;
    foot feet; goose geese; man men; mouse mice; tooth teeth; woman women
    """
)
# Nouns of an event or a measure, read as the verb or adjective they come from, which the
# stemmer leaves apart ("When did Grace die?" finds "her death in 1979"). "long" is not
# "length": "How long ..." asks for a duration as often as a length.
_BASE_FORMS |= _base_forms(
    """
    die death dead; marry marriage; born birth; sell sale; lose loss; grow growth;
    choose choice; speak speech; fly flight; prove proof; high height; wide width;
    deep depth; strong strength; bury burial; depart departure; admit admission;
    decide decision; permit permission; expand expansion; maintain maintenance;
    succeed success; convert conversion; explode explosion
    """
)

_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"'})
_WORD = re.compile(r"[^\W_]+")
# "(re)integration" means both "reintegration" and "integration".
_PAREN_PREFIX = re.compile(r"\(([^\W_]+)\)([^\W_]+)")
_stemmer = Stemmer.Stemmer("english")
# A measure's number and unit are written together as often as apart: "the girls' 400m" is
# the "400 m" final, "5km" the "5 km" ("1st", "mp3", "4x4" are no measures).
_GLUED_UNIT = re.compile(
    r"(?<![^\W_])(\d+(?:[.,]\d+)?)"
    r"(km|cm|mm|m|kg|mg|g|ml|l|lbs?|oz|ft|mph|kph|kmh|kwh|kw|mw|w|hz|ghz|mb|gb|tb|am|pm|hrs?|mins?)\b"
)


# A day or a month written short next to a day's number is the day or the month: "Tue 11"
# in a rota is "tuesday 11 march" asked (trial round 33), "14 Jan" is "14 January"; and a
# day's number is read without its ordinal ending, "the 3rd" for "Mon 3". Not alone: "sat",
# "sun", "mar", "wed" are words too.
_DAYS = {
    "mon": "monday",
    "tue": "tuesday",
    "tues": "tuesday",
    "wed": "wednesday",
    "thu": "thursday",
    "thur": "thursday",
    "thurs": "thursday",
    "fri": "friday",
    "sat": "saturday",
    "sun": "sunday",
}
_MONTHS = {
    "jan": "january",
    "feb": "february",
    "mar": "march",
    "apr": "april",
    "jun": "june",
    "jul": "july",
    "aug": "august",
    "sep": "september",
    "sept": "september",
    "oct": "october",
    "nov": "november",
    "dec": "december",
}
# A day's number, and a short day or month right before it or a short month right after it
# (searched for only by a number: a passage's regular expressions at every letter had
# doubled the time to analyse it).
_DAY_NUMBER = re.compile(r"([0-9]{1,2})(?:st|nd|rd|th)?(?![^\W_])")  # after no letter or digit
_SHORT = _DAYS | _MONTHS
_SHORT_AFTER = re.compile(rf"\s+({'|'.join(_MONTHS)})\.?(?![^\W_])")
_BEFORE = 8  # characters before a number that may hold a short day or month: "thurs., "


def _after_a_word(text: str, at: int) -> bool:
    """Whether a letter, digit or underscore is right before `at`: "ks1", "salmon 3"."""
    return at > 0 and (text[at - 1].isalnum() or text[at - 1] == "_")


def _short_before(text: str, since: int, at: int) -> tuple[str, int] | None:
    """The day or month written out, and where it starts, when what is written before `at`
    (from `since`) is a short day or month and a space, a comma or a full stop ("tue, ")."""
    end = at
    while end > since and text[end - 1] in " \t,.":
        end -= 1
    start = end
    while start > since and "a" <= text[start - 1] <= "z":
        start -= 1
    word = text[start:end]
    if end == at or word not in _SHORT or _after_a_word(text, start):
        return None
    return _SHORT[word], start


def _dates_spelt_out(text: str) -> str:
    """`text` (normalised) with short days and months by a day's number written out, and
    ordinal endings dropped."""
    parts: list[str] = []
    done = 0
    for number in _DAY_NUMBER.finditer(text):
        start, end = number.span()
        if _after_a_word(text, start):
            continue  # "ks1", "2025" (its last two digits), "mp3"
        if short := _short_before(text, max(done, start - _BEFORE), start):
            parts += [text[done : short[1]], short[0], " "]
        else:
            parts.append(text[done:start])
        parts.append(number[1])
        done = end
        if after := _SHORT_AFTER.match(text, end):
            parts += [" ", _MONTHS[after[1]]]
            done = after.end()
    return "".join(parts) + text[done:] if parts else text


def normalize(text: str) -> str:
    """NFKC, curly quotes made straight, case folded."""
    return unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold()


# British spellings folded to American so that "neighbours" finds "neighboring" and
# "criticise" finds "criticize"; applied to passages and questions alike.
_ISE = re.compile(r"is(e|es|ed|ing|ation|ations)$")
_OUR_KEPT = frozenset({"contour", "detour", "devour", "paramour", "troubadour", "velour"})


# Letters that carry no combining mark to drop but are read as a plain Latin letter.
_PLAIN_LETTERS = str.maketrans(
    {"ø": "o", "đ": "d", "ł": "l", "ħ": "h", "ı": "i", "æ": "ae", "œ": "oe"}
)


def unaccented(word: str) -> str:
    """`word` without diacritics, so that "odegard" finds "ødegård" and "cafe" "café"
    (CJK, Cyrillic and other scripts keep their letters; only marks are dropped)."""
    if word.isascii():
        return word
    parts = unicodedata.normalize("NFKD", word.translate(_PLAIN_LETTERS))
    plain = "".join(c for c in parts if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", plain)


def _stem(word: str) -> str:
    word = unaccented(word)
    stem = str(_stemmer.stemWord(_ISE.sub(r"iz\1", word)))
    if stem.endswith("our") and len(stem) > 5 and stem not in _OUR_KEPT:
        stem = stem[:-3] + "or"
    return stem


class _Terms(dict[str, str]):
    """Word -> index term ("" for a stopword), computed once per distinct word of up to
    `_LONGEST_KEPT` characters. Questions can bring endless new words, so it empties at
    `_MOST_KEPT` (red-team round 21: at a million words of 30 letters each, questions
    within their cooldowns had made it hold 153 MB)."""

    def __missing__(self, word: str) -> str:
        term = "" if word in STOPWORDS else _stem(_BASE_FORMS.get(word, word))
        if len(word) <= _LONGEST_KEPT:
            if len(self) >= _MOST_KEPT:
                self.clear()
            self[word] = term
        return term


_MOST_KEPT = 200_000  # about 40 MB at most; a 100,000-passage corpus's words fit
_LONGEST_KEPT = 24  # a longer word is rare in any text: stemmed again each time


_terms = _Terms()


def analyze(text: str) -> list[str]:
    """Index terms of `text`, in order, repeats kept (for passages)."""
    text = _GLUED_UNIT.sub(r"\1 \2", _PAREN_PREFIX.sub(r"\1\2 \2", normalize(text)))
    text = _dates_spelt_out(text)
    return [term for term in map(_terms.__getitem__, _WORD.findall(text)) if term]


def query_terms(text: str) -> list[str]:
    """Index terms of a question, each once (rank-bm25 would count a repeat twice)."""
    return list(dict.fromkeys(analyze(text)))


def words(text: str) -> list[str]:
    """The words of `text`, normalised but neither stemmed nor filtered."""
    return _WORD.findall(normalize(text))
