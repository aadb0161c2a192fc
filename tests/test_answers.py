"""Composing answers: verbatim cited quotes, no repeats, honest abstention, any input."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path
from typing import NoReturn

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.answering import (
    DEFAULT_POLICY,
    MAX_QUESTION_CHARS,
    Answer,
    Answerer,
    Outcome,
    Policy,
    Quote,
    as_read,
    unknown_names,
)
from bot.answering._cascade import coverages
from bot.answering._checks import (
    NOT_ENGLISH,
    asks_for_email,
    asks_for_phone,
    holds_count,
    lacks_money,
    lacks_place,
    not_in_english,
    spell_out,
)
from bot.answering._references import asked_part
from bot.answering._synonyms import with_synonyms
from bot.embeds import answer_message
from bot.measure.evaluation import load_questions
from bot.render import answer_to_dict, render_answer
from bot.similarity import model_words, word_vectors
from index import (
    Document,
    Passage,
    PassageIndex,
    Section,
    code_lines,
    is_code,
    load_documents,
    normalize,
    read_heading,
    split_sentences,
)
from index.passages import split_passages
from tests.helpers import ROOT, answerer_for, index_of

ANSWERABLE = [
    "Why is the current format of Russia-Belarus relations a dead end?",
    "What is the civilizational divorce?",
    "Why would Minsk and Moscow both want Belarus to drift away?",
    "Which organization holds the most economic promise?",
    "Is it time to discard the term post-Soviet?",
]
UNANSWERABLE = [
    "What is the capital of Australia?",
    "Where can I buy a cheap bicycle?",  # ("hello" is told to ask a question: below)
    "asdfghjkl",
    "How do I bake bread?",
    "Сколько лет Лукашенко?",
]


def _sentences(answer: Answer) -> list[str]:
    return [" ".join(normalize(s).split()) for q in answer.quotes for s in split_sentences(q.text)]


@pytest.mark.parametrize("question", ANSWERABLE)
def test_answerable_questions_get_verbatim_quotes(answerer: Answerer, question: str) -> None:
    answer = answerer.ask(question)
    assert answer.answered
    assert len(answer.quotes) >= 1
    terms = set(answerer.index.query(question))
    for quote in answer.quotes:
        assert quote.text in quote.passage.text
        assert terms & set(answerer.index.terms(quote.text))
    sentences = _sentences(answer)
    assert len(sentences) == len(set(sentences))


@pytest.mark.parametrize("question", UNANSWERABLE)
def test_unanswerable_questions_abstain(answerer: Answerer, question: str) -> None:
    answer = answerer.ask(question)
    assert answer.outcome is Outcome.NOT_COVERED
    assert answer.quotes == ()
    text = render_answer(answer, with_document=False)
    assert text.startswith("The essays don't cover this")  # "." or ": " and why
    assert answer.sections and f'"{answer.sections[0][1]}"' in text


def test_abstention_names_the_nearest_sections(answerer: Answerer) -> None:
    answer = answerer.ask("What is the weather like in Minsk today?")
    assert not answer.answered
    text = render_answer(answer, with_document=False)
    assert answer.hits
    assert f'"{answer.hits[0].passage.section}"' in text


@pytest.mark.parametrize("width", [20, 30, 40, 60, 88])
def test_a_section_name_is_never_broken_across_lines(answerer: Answerer, width: int) -> None:
    answer = answerer.ask("What is the weather like in Minsk today?")
    text = render_answer(answer, with_document=False, width=width)
    names = [f'"{section}"' for _, section in answer.sections]
    assert names and all(any(name in line for line in text.splitlines()) for name in names)
    assert " ".join(text.split()) == " ".join(
        render_answer(answer, with_document=False, width=10_000).split()
    )  # the same words, only the lines differ


@pytest.mark.parametrize(
    "question",
    [
        "civilizational divorce semi-divorce",
        "Minsk Moscow interest Belarus drift mother country",
        "accustomed format dead end",
    ],
)
def test_standfirst_repeats_are_quoted_once_from_the_body(
    answerer: Answerer, question: str
) -> None:
    answer = answerer.ask(question)
    assert answer.answered
    assert all(q.passage.section != "Introduction" for q in answer.quotes)
    sentences = _sentences(answer)
    assert len(sentences) == len(set(sentences))


def test_quote_scores_are_their_passages_bm25_scores(answerer: Answerer) -> None:
    answer = answerer.ask("What does Russia expect for its aid to Belarus?")
    for quote in answer.quotes:
        assert quote.score == pytest.approx(answerer.index.score(answer.question, quote.passage))


def test_empty_and_too_long_questions(answerer: Answerer) -> None:
    assert answerer.ask("   \n").outcome is Outcome.EMPTY
    # nothing to look up: asked nothing (or only words too common to look up)
    for wordless in ("?!?...", "🐔🥚🍞", "@#$ %^&", "What is it?", "Who?"):
        assert answerer.ask(wordless).outcome is Outcome.EMPTY
    # a greeting or thanks alone asks nothing of the essays
    for pleasantry in ("hi", "Hello there!", "Thanks!", "ok thank you very much"):
        assert answerer.ask(pleasantry).outcome is Outcome.EMPTY
    assert answerer.ask("hi, who is Lukashenko?").answered
    assert answerer.ask("2019?").outcome is not Outcome.EMPTY
    assert answerer.ask("\ufeffWho is Lukashenko? ").question == "Who is Lukashenko?"  # piped
    long = answerer.ask("Belarus " * 2000)
    assert long.outcome is Outcome.TOO_LONG
    assert f"at most {MAX_QUESTION_CHARS:,}" in render_answer(long, with_document=False)
    assert answerer.ask("Lukashenko? " + "x" * (MAX_QUESTION_CHARS - 20)).outcome is not (
        Outcome.TOO_LONG
    )


@pytest.mark.parametrize(
    "pasted",
    [
        "Who is \x1b[1mLukashenko\x1b[0m?",  # bold, from a terminal
        "\x1b[31mWho is Lukashenko?\x1b[0m",
        "Who is Luka\x1b[4mshenko?",
        "\x1b]0;a window title\x07Who is Lukashenko?",
        "Who is\x00Lukashenko?",
        # characters that show as nothing, copied inside words (red-team round 24, F7)
        "Who is Luka\u00adshen\u00adko?",
        "Who is Luka\u200bshenko?",
        "Who is Lu\u200dka\u2060shenko\ufeff?",
        # Markdown emphasis and code marks, as typed in Discord
        "**Who** is _Lukashenko_?",
        "Who is `Lukashenko`?",
        "***Who is ~~Lukashenko~~?***",
        "__Who__ is *Lukashenko*?",
        # Discord's spoiler and small-text marks
        "||Who is Lukashenko?||",
        "-# Who is Lukashenko?",
    ],
)
def test_escape_sequences_and_control_characters_are_no_part_of_a_question(
    answerer: Answerer, pasted: str
) -> None:
    answer, clean = answerer.ask(pasted), answerer.ask("Who is Lukashenko?")
    assert clean.answered
    assert (answer.question, answer.read_as) == (pasted, "Who is Lukashenko?")
    assert (answer.quotes, answer.confidence) == (clean.quotes, clean.confidence)


@pytest.mark.parametrize(
    "kept",
    ["What is snake_case?", "Is 2*3 six?", "Is a * b right?", "Is a || b true?", "Who is #1?"],
)
def test_marks_inside_words_or_alone_are_kept(answerer: Answerer, kept: str) -> None:
    assert not answerer.ask(kept).read_as  # read as asked


def test_with_no_threshold_a_question_matching_nothing_still_abstains(
    seed_index: PassageIndex,
) -> None:
    answer = answerer_for(seed_index, min_confidence=0.0).ask("asdfghjkl")
    assert answer.outcome is Outcome.NOT_COVERED and answer.sections


def test_several_documents_cite_the_document(essays: Path) -> None:
    answerer = answerer_for(PassageIndex(load_documents(essays)))
    answer = answerer.ask("When should apple trees be pruned?")
    assert answer.answered
    assert answer.quotes[0].passage.document == "Keeping an Orchard"
    assert 'Keeping an Orchard, "Pruning", ¶1' in render_answer(answer, with_document=True)


def test_an_abstention_over_several_documents_parts_their_sections_clearly(
    essays: Path,
) -> None:
    answer = answerer_for(PassageIndex(load_documents(essays))).ask("asdfghjkl")
    said = render_answer(answer, with_document=True, width=1000)
    named = [f'{document}, "{section}"' for document, section in answer.sections]
    assert len(named) > 1 and "; ".join(named) in said
    # Matching nothing, it points to every essay's first section before any essay's second.
    documents = load_documents(essays)
    firsts = [(d.title, d.sections[0].heading) for d in documents]
    assert list(answer.sections[: len(firsts)]) == firsts[: DEFAULT_POLICY.pointers]


def _quotes(*texts: str, section: str = "Facts") -> tuple[Quote, ...]:
    """Quotes of `texts`, each its own passage of one essay's section `section`."""
    return tuple(
        Quote(t, Passage(f"e/s/{n}", "E", section, n, t), 1.0) for n, t in enumerate(texts, 1)
    )


def _index_of(folder: Path, essay: str) -> PassageIndex:
    """The index of a folder holding one Markdown essay with the text `essay`."""
    (folder / "essay.md").write_text(essay, encoding="utf-8")
    return PassageIndex(load_documents(folder))


# Per check of the kind of answer a question asks for: an essay section, the check's switch,
# a question it answers with a quote holding `fragment`, questions on topic that the section
# does not answer (declined, and not for that reason with the check off), and questions it
# must not catch.
KIND_CHECKS = [
    (
        "# The Harbour\n\nThe harbour was dredged in 1998, and the old pier was rebuilt.\n\n"
        "The harbour master keeps the fishing fleet and the ferry schedule in good order.\n\n",
        "answer_types",
        ("When was the harbour dredged?", "1998"),
        (
            "When did the harbour master start?",
            "How many ferries does the fleet have?",
            "What is the population of the town?",
        ),
        # "cost": not asked (a figure of speech as often as a price)
        ("Who keeps the ferry schedule?", "What is the cost of the old pier's rebuild?"),
    ),
    (
        "# The Classes\n\nThe bread classes start at 7.30pm on Thursday evenings.\n\n"
        "The summer fete opens on Saturday 9 August on the recreation ground.\n\n"
        "The railway was proposed in 1889 by Edwin Marchbank, a slate merchant.\n\n"
        "She took over the cooperage in 1952, when she was twenty-one.\n\n"
        "The ferry was built in 1911. Sixteen volunteers crew it in summer.\n\n"
        "The village shop closes at six on weekdays.\n\n"
        "The masters four won the village regatta in a time of 7 minutes 42 seconds.\n\n"
        "The church clock stopped at twenty past four in the storm.\n\n"
        "Kerry fetched the sanitiser from the Line 3 store at about half two.\n\n"
        "Mrs Okonkwo taught in Year 2 for most of her time at the school.\n\n",
        "answer_types",
        ("What time do the bread classes start?", "7.30pm"),
        (
            "What time does the summer fete open?",  # a day is no time of day
            "How old was Edwin Marchbank when he proposed the railway?",  # a year is no age
        ),
        (
            "How old was she when she took over the cooperage?",
            "How old is the ferry?",  # a thing's age may be told by the year it was made
            "How many volunteers crew the ferry in summer?",
            "At what time of year does the fete open?",  # a season or a month answers
            "What time does the village shop close?",  # "at six": an hour in words
            "What time did the masters four get at the regatta?",  # a race's time
            "What time did the church clock stop at?",  # "twenty past four" (trial round 37)
            "What time did Kerry fetch the sanitiser?",  # "half two" (trial round 39)
            "Which year group did Mrs Okonkwo teach?",  # a school's year (trial round 42)
        ),
    ),
    (
        "# The Bakery\n\nThe dough rises for 12 hours overnight in the fridge.\n\n"
        "The oven is heated to 250 degrees for the first bake.\n\n"
        "About one customer in five buys rye. Clay and sand are mixed one to two.\n\n"
        "The loaves are proved in cane baskets before baking.\n\n",
        "answer_types",
        ("What temperature is the oven heated to?", "250 degrees"),
        (
            "At what temperature should the fridge be overnight?",
            "What proportion of the loaves are proved in cane baskets?",
        ),
        (
            "How hot is the oven for the first bake?",
            "What proportion of customers buy rye?",  # "one ... in five"
            "What proportion of clay to sand is mixed?",  # a ratio is a share
        ),
    ),
    (
        "# The Stones\n\nSoak the coarse stone until it stops releasing bubbles, about ten "
        "minutes.\n\nFiner stones above 3000 grit crack if they soak for long periods.\n\n"
        "The bridge over the weir was built in 1921 and is 40 m long.\n\n",
        "answer_types",
        ("How long should the coarse stone soak?", "ten minutes"),
        ("How long should the finer stones soak?",),  # "3000 grit", "long periods": no time
        (
            "How long is the bridge over the weir?",  # a length answers too
            "For how long has the bridge stood over the weir?",  # so does a year
        ),
    ),
    (
        "# The Office\n\nThe editor, Carol Fenwick, reads every letter by 31 August.\n\n"
        "Write to the office at office@example.org with any news.\n\n",
        "answer_types",
        ("What is the office's email address for news?", "office@example.org"),
        ("What is the editor Carol Fenwick's email address?",),  # a date is no address
        ("Who reads every letter?",),
    ),
    (
        "# The Taxis\n\nCall the taxi office on 01632 960123 before noon.\n\n"
        "The minibus firm meets the Saturday morning train.\n\n",
        "answer_types",
        ("What is the phone number of the taxi office?", "01632 960123"),
        ("What is the phone number of the minibus firm?",),  # a morning is no number to call
        ("When does the minibus firm meet the train?",),
    ),
    (
        "# The Survey\n\nThe finished tower is 41 metres high.\n\n"
        "There were nine of us in the picking gang that year.\n\n"
        "In 2022 nine students surveyed the canal's dragonflies, recording eleven species.\n\n"
        "More than a hundred schools were told to close buildings.\n\n"
        "Some 340 runners took part in the race.\n\n",
        "counted_answers",
        ("How many kinds of dragonfly did the students record?", "eleven species"),
        (
            "How many steps are there up to the top of the tower?",
            "How many hospitals were told to close buildings?",
        ),
        # any word for people counts people; "of the" before what is counted is passed over
        (
            "How many people were in the picking gang?",
            "How many people ran in the race?",  # runners are people
            "How many of the schools were told to close?",
        ),
    ),
    (
        "# The Accounts\n\nExpenditure was £1,892, leaving the club a surplus of £254.\n\n"
        "The rent for the hall rose to £180, higher than in 2022.\n\n",
        "answer_types",
        ("Was the rent for the hall higher than in 2022?", "higher"),
        ("Was the club's surplus bigger than the year before?",),
        ("Why was the club's surplus bigger than expected?",),  # no yes or no asked
    ),
    (
        "# The Dairy\n\nWe now have to pay two assistants for the whole summer.\n\n"
        "The merchant charges restaurants twenty euros a kilo for the cheese.\n\n"
        "In 2019 the museum acquired her tools and a half-finished cheese press.\n\n"
        "Each household may book two slots a week in the laundry.\n\n"
        "She bought a new straw hat and wore it twice.\n\n"
        "The merchant gives two weeks' notice of any rise in the cheese's price.\n\n",
        "money_answers",
        ("How much does the merchant charge restaurants for the cheese?", "euros"),
        (
            "How much are the two assistants paid?",
            "What do the assistants earn?",
            "How much did the museum pay for her tools?",  # "half-finished" is no half
            "How much is the deposit for booking a laundry slot?",
            "How much did her new straw hat cost?",  # "twice" says how often, not a price
        ),
        (
            "Why do they pay two assistants?",
            "What would earn her a new straw hat?",
            "How much notice of a price rise does the merchant give?",  # notice, not money
        ),
    ),
    (
        "# The Alp\n\nThe hut stands 1,840 metres up and was rebuilt in 1998.\n\n"
        "The cows went up to the alp in June of 2011.\n\n"
        "A hundred wheels of cheese were sold at the hut that summer.\n\n",
        "quoted_numbers",
        ("When in 2011 did the cows go up to the alp?", "June"),
        (
            "Was the hut rebuilt in 1999?",
            "Where did the cows graze in 2012?",
            "Where were 300 wheels of cheese sold?",
        ),
        # short: not asked; "100" in words (trial round 40: "what did 100 oysters sell for")
        (
            "Is the hut 1840 metres up?",
            "Was the hut rebuilt in 25 days?",
            "Where were 100 wheels of cheese sold?",
        ),
    ),
    (
        "# The Song\n\nA local folk song tells of a reed cutter who follows a bird into the "
        "fen.\n\nThe mill by the fen was built by Ada Threlkeld in 1820.\n\n"
        "Women ran most of the boiling houses by the fen.\n\n"
        "The shop owner complains about the queue on Saturdays in March.\n\n"
        "Most mixer taps in the fen cottages have a single replaceable cartridge.\n\n"
        "The fen cottages buy their bread from a shop in the next village.\n\n",
        "name_answers",
        ("Who built the mill by the fen?", "Ada Threlkeld"),
        (
            "Who wrote the folk song about the reed cutter?",
            "What is the name of the reed cutter?",
            "What is the name of the shop owner?",  # a day or a month is no one's name
            "Which brand of mixer tap do the fen cottages have?",  # a maker is a name
            "Which shop do the fen cottages buy their bread from?",  # and a business
        ),
        # "who" alone may ask for a kind of person, and so may "who ran"; "what is it called"
        # for a word
        (
            "Who follows the bird into the fen?",
            "What is the folk song called?",
            "Who ran the boiling houses?",
        ),
    ),
    (
        "# The Reserve\n\nThe creation of the Marrowfen Reserve in 1952 halted the loss of the "
        "reedbeds.\n\nThe first warden, Ada Threlkeld, counted the warblers each spring.\n\n"
        "The hide by the pool was paid for by the parish council.\n\n"
        "The new boardwalk was paid for by the town's savings bank.\n\n"
        "Action: D. Mills to book the repair of the trough by 31 March.\n\n"
        "Anyone can join the spring walk along the dyke.\n\n",
        "person_answers",
        ("Who counted the warblers each spring?", "Ada Threlkeld"),
        ("Who paid for the creation of the Marrowfen Reserve in 1952?",),
        # a word for a group, or for one who does, is someone
        (
            "Who paid for the hide by the pool?",
            "Who halted the loss of the reedbeds each spring?",
            "Who paid for the new boardwalk?",  # a bank is someone, as a council is
            "Who will book the repair of the trough?",  # after an initial, a name
            "Who can join the spring walk along the dyke?",  # "anyone" is someone (an FAQ's)
        ),
    ),
    (
        "# The Meeting\n\nThe next annual general meeting will be held in March 2025.\n\n"
        "The strawberry tea returns to the rectory garden on Saturday 6 July.\n\n"
        "The choir sings at Haddowmouth Abbey every Easter.\n\n",
        "place_answers",
        ("Where does the choir sing every Easter?", "Haddowmouth Abbey"),
        ("Where will the next annual general meeting be held?",),
        # a preposition of place before a noun not of time says where
        ("Where is the strawberry tea held?",),
    ),
    (
        "# The Canal\n\nA local builders' merchant, which had a yard by the wharf, supplied the "
        "sand at cost.\n\nThe lock gates were made by a firm called Brindle and Sons.\n\n"
        "A landowner disputed access to the towpath for a season.\n\n",
        "unnamed_mentions",
        ("Which firm made the lock gates?", "Brindle and Sons"),
        (
            "Which builders' merchant supplied the sand?",
            "Who was the landowner that disputed access to the towpath?",
        ),
        # no "which" asked, nor who a named role was
        ("What did the builders' merchant supply?", "Who disputed access to the towpath?"),
    ),
    (
        "# Dosage\n\nFor children aged 6 to 17, the usual starting dose is 2.5 mg a day.\n\n"
        "The recommended initial dose is one tablet once daily.\n\n"
        "The men's eight won the head race in 2019.\n\n",
        "group_answers",
        ("What is the starting dose for children?", "2.5 mg a day"),
        # trial round 14: the adults' dose had been answered with the children's
        ("What is the usual starting dose for adults?", "Who won the women's eight?"),
        ("What is the starting dose for children and adults?",),  # both asked: either answers
    ),
]


def test_a_yes_or_no_question_is_quoted_with_the_reply_opening_its_answer(tmp_path: Path) -> None:
    # Trial round 12: "does it work on windows" quoted the sentence after "Yes, since version
    # 1.4.", which shares no word with the question.
    index = _index_of(
        tmp_path,
        "# logsnip\n\n## Does logsnip work on Windows?\n\nYes, since version 1.4. Windows paths "
        "work with backslashes, but the colour option is ignored in the old cmd.exe console.\n",
    )
    answerer = answerer_for(index, min_confidence=0.0)
    quoted = answerer.ask("Does it work on Windows?").quotes[0].text
    assert quoted.startswith("Yes, since version 1.4. Windows paths work")
    off = answerer_for(index, min_confidence=0.0, quote_replies=False).ask(
        "Does it work on Windows?"
    )
    assert not off.quotes[0].text.startswith("Yes")
    # the reply answers the heading's question, not another one the passage touches on
    other = answerer.ask("Does the colour option work in the old cmd.exe console?")
    assert not other.quotes[0].text.startswith("Yes")


def test_a_biographys_infobox_answers_when_where_born_and_whom_married(tmp_path: Path) -> None:
    # Trial round 12: "who was her husband" was declined and "when was edith marchbank born"
    # quoted a sentence with no date, though the infobox opening the essay says both.
    (tmp_path / "ada.txt").write_text(
        "Ada Quill\n\nBorn: 3 April 1871, Kendal\nDied: 22 November 1948, Grasmere\n"
        "Spouse: Walter Henshaw (m. 1899)\n\nEarly life\n\nQuill was born in Kendal and "
        "grew up above her father's shop.\n\nMarriage\n\nShe met her future husband at a "
        "lecture on ferns.\n",
        encoding="utf-8",
    )
    answerer = answerer_for(index_of(tmp_path))
    for question, field in [
        ("When was Ada Quill born?", "Born: 3 April 1871, Kendal"),
        ("Where was she born?", "Born: 3 April 1871, Kendal"),
        ("When did she die?", "Died: 22 November 1948, Grasmere"),
        ("Who was her husband?", "Spouse: Walter Henshaw (m. 1899)"),
    ]:
        assert [q.text for q in answerer.ask(question).quotes] == [field], question
    answered = answerer.ask("Where did she meet her husband?").quotes  # no field says so
    assert answered and answered[0].text.startswith("She met her future husband")


def test_an_opening_after_a_line_or_two_answers_of_its_subject_not_of_their_kin(
    tmp_path: Path,
) -> None:
    # Trial round 33: an estate's accounts open with who prepared them, then "1. Particulars
    # of the estate" and its fields: "when did gwendolen pascoe die" had been declined as
    # holding no time. "When did her husband die" asks of another life.
    (tmp_path / "estate.txt").write_text(
        "Estate of Gwendolen Pascoe\n\nPrepared by Vyvyan LLP, solicitors, for the executors, "
        "21 February 2025.\n\n1. Particulars of the estate\n\nName of deceased: Gwendolen "
        "Pascoe\nDate of death: 2 February 2024, at Treliske, Truro\nAge at death: 88\n\n"
        "Mrs Pascoe was a widow; her husband Stanley Pascoe died on 14 August 2009 and left "
        "his whole estate to her.\n\n2. Assets\n\nThe house was valued at £240,000 in March "
        "2024 and sold for £245,000 when the estate was wound up.\n",
        encoding="utf-8",
    )
    answerer = answerer_for(index_of(tmp_path))
    for question in ("When did Gwendolen Pascoe die?", "Where did she die?"):
        answer = answerer.ask(question)
        assert [q.text for q in answer.quotes] == [
            "Date of death: 2 February 2024, at Treliske, Truro"
        ], question
    kin = answerer.ask("When did her husband die?").quotes
    assert kin and "14 August 2009" in kin[0].text


def test_a_day_of_a_month_asked_of_must_be_quoted(tmp_path: Path) -> None:
    # Trial round 33: "what was her blood pressure on 10 march" was answered with "138/82 on
    # 3 March 2025" (confidence 0.76); a rota's row is dated by its week's heading.
    essay = (
        "# Care plan\n\n## Monitoring\n\nBlood pressure is checked every Monday morning; "
        "it was 138/82 on 3 March 2025. Tell the GP if the top figure is over 170.\n\n"
        "## Week 2: Monday 10 March to Sunday 16 March\n\n| Day | Early |\n| --- | --- |\n"
        "| Mon 10 | Margaret Holt |\n| Tue 11 | Ann Wharfe |\n"
    )
    answerer = answerer_for(_index_of(tmp_path, essay), min_confidence=0.0)
    for asked in ("on 3 March", "on March 3rd", "on the 3rd"):
        answer = answerer.ask(f"What was her blood pressure {asked}?")
        assert answer.answered and "138/82" in answer.quotes[0].text, asked
    for asked in ("on 10 March", "on March 10th", "on the 10th"):
        answer = answerer.ask(f"What was her blood pressure {asked}?")
        assert answer.declined_because == f"it names {asked[3:]}, which no quote holds"
    early = answerer.ask("Who is on the early shift on Tuesday 11 March?")
    assert early.answered and any("Ann Wharfe" in quote.text for quote in early.quotes)


def test_a_year_asked_of_is_held_by_the_interview_question_the_quote_answers(
    tmp_path: Path,
) -> None:
    # Trial round 42: "where did the 1962 fire start" was declined as naming 1962, though the
    # answer follows "INTERVIEWER: What happened in the fire of 1962?"
    essay = (
        "# Voices of the Quay\n\n"
        "INTERVIEWER: What happened in the fire of 1962?\n\n"
        "DES: That was the night of the twelfth of March. A fire started in the label store, "
        "where the paper labels were kept, and it spread into the roof of the packing shed.\n\n"
        "INTERVIEWER: And the flood?\n\n"
        "DES: The flood of 1958 came up the slipway into the boiler room.\n"
    )
    answerer = answerer_for(_index_of(tmp_path, essay), min_confidence=0.0)
    fire = answerer.ask("Where did the 1962 fire start?")
    assert fire.answered and "label store" in fire.quotes[0].text, fire.declined_because
    earlier = answerer.ask("Where did the 1961 fire start?")
    assert earlier.declined_because == "it names 1961, which no quote holds"


def test_a_number_in_a_range_quoted_is_held_unless_the_range_is_of_years(tmp_path: Path) -> None:
    # Trial round 42: "My kettle is an AK-175 with batch code 2401, is it affected?" was
    # declined as naming 2401, beside "your batch code is between 2318 and 2447"
    essay = (
        "# Kettle recall\n\nIf your model is AK-175 and your batch code is between 2318 and "
        "2447, your kettle is affected.\n\nThe ledger records every ship entering the harbour "
        "between 1802 and 1809, with the duty paid.\n"
    )
    answerer = answerer_for(_index_of(tmp_path, essay), min_confidence=0.0)
    within = answerer.ask("My kettle is an AK-175 with batch code 2401, is it affected?")
    assert within.answered and "2318 and 2447" in within.quotes[0].text, within.declined_because
    beyond = answerer.ask("My kettle is an AK-175 with batch code 2501, is it affected?")
    assert beyond.declined_because == "it names 2501, which no quote holds"
    years = answerer.ask("How many ships entered the harbour in 1805?")
    assert not years.answered


def test_a_version_of_what_release_notes_are_about_is_held_by_its_heading(
    tmp_path: Path,
) -> None:
    # Trial round 41: "What's the minimum Python for Marlpit 3?" of release notes was declined
    # as naming "Marlpit 3" (read as 3 March, then as a numbered thing no quote named), though
    # its passage sits under "3.0.0 — 2024-02-06"; "Marlpit 1.x" as much, beside "1.x".
    essay = (
        "# Marlpit Release Notes\n\n## 3.0.0 — 2024-02-06\n\n### Changed\n\n"
        "The minimum supported Python is now 3.10.\n\nRepositories written by 1.x can be "
        "read but not written; use marlpit upgrade-repo to convert them.\n\n"
        "## 2.0.0 — 2021-09-14\n\n### Changed\n\nThe minimum supported Python is 3.8.\n"
    )
    answerer = answerer_for(_index_of(tmp_path, essay), min_confidence=0.0)
    python = answerer.ask("What's the minimum Python for Marlpit 3?")
    assert python.answered and "3.10" in python.quotes[0].text, python.declined_because
    convert = answerer.ask("How do I convert a Marlpit 1.x repository?")
    assert convert.answered and "upgrade-repo" in convert.quotes[0].text, convert.declined_because
    later = answerer.ask("What's the minimum Python for Marlpit 4?")
    assert later.declined_because == "it names Marlpit 4, which no quote holds"
    # a version of something else the essay is not about is no heading's
    assert not answerer.ask("What's the minimum Python for Django 3?").answered
    # a month is still read in short: "Mar 3", "3 Sept."
    from bot.answering._checks import _DAY_OF_MONTH

    assert [m.group() for m in _DAY_OF_MONTH.finditer("Mar 3, 3 Sept. or Marlpit 3")] == [
        "Mar 3",
        "3 Sept.",
    ]


def test_a_month_asked_of_must_be_quoted(tmp_path: Path) -> None:
    # Trial round 34: "how many night shifts did i work in september" was answered with
    # "You worked five night shifts in October." (confidence 0.72)
    essay = (
        "# Payslip\n\n## Notes\n\nThe night shift allowance is paid for each month in "
        "which you work at least four night shifts. You worked five night shifts in October."
        "\n\nYour tax code changed in September 2025.\n\nThe rota for 02/11 is posted.\n"
    )
    answerer = answerer_for(_index_of(tmp_path, essay), min_confidence=0.0)
    answer = answerer.ask("how many night shifts did i work in october")
    assert answer.answered and "five night shifts" in answer.quotes[0].text
    september = answerer.ask("how many night shifts did i work in september")
    assert september.declined_because == "it names september, which no quote holds"
    assert answerer.ask("May I work night shifts?").declined_because != (
        "it names May, which no quote holds"  # "may" and "march" only by a day's number
    )


def test_a_bare_reply_is_quoted_with_the_question_it_answers(tmp_path: Path) -> None:
    # Trial round 33: a property form's "No." was the whole answer to "are there any
    # disputes with the neighbours", cited from another "No." (the septic tank's).
    (tmp_path / "form.txt").write_text(
        "Property information form\n\n2. Disputes and complaints\n\n2.1 Have there been any "
        "complaints about noise from a property nearby?\nYes. In 2022 the sellers complained "
        "to the council about late deliveries to the bakery.\n\n2.2 Are the sellers aware of "
        "anything that might lead to a dispute with the neighbours?\nNo.\n\n12. Services\n\n"
        "12.5 Is the property connected to mains surface water drainage?\nYes.\n\n12.6 Is "
        "there a septic tank or sewage treatment plant?\nNo.\n",
        encoding="utf-8",
    )
    answerer = answerer_for(index_of(tmp_path), min_confidence=0.0)
    answer = answerer.ask("Is there anything that might lead to a dispute with the neighbours?")
    texts = [(q.passage.section, q.text) for q in answer.quotes]
    question = "2.2 Are the sellers aware of anything that might lead to a dispute with the"
    assert texts[:2] == [
        ("2. Disputes and complaints", f"{question} neighbours?"),
        ("2. Disputes and complaints", "No."),
    ]


def test_a_quotes_heading_may_say_when(tmp_path: Path) -> None:
    # Trial round 12: "when was the --tz option added" was declined as holding no time,
    # though its changelog heading, "1.6.0 (2024-05-12)", dates it.
    changelog = "# Changelog\n\n## 1.6.0 (2024-05-12)\n\nAdded the --tz option.\n\n"
    answerer = answerer_for(
        _index_of(tmp_path, changelog + "## Notes\n\nThe --utc option is older.\n"),
        min_confidence=0.0,
    )
    answer = answerer.ask("When was the --tz option added?")
    assert answer.answered and answer.quotes[0].passage.section.endswith("(2024-05-12)")
    # a heading with no date dates nothing
    assert answerer.ask("When was the --utc option added?").declined_because


@pytest.mark.parametrize(("section", "check", "answered", "declined", "let_be"), KIND_CHECKS)
def test_a_question_asking_a_kind_of_answer_needs_one_in_the_quotes(
    tmp_path: Path,
    section: str,
    check: str,
    answered: tuple[str, str],
    declined: tuple[str, ...],
    let_be: tuple[str, ...],
) -> None:
    index = _index_of(
        tmp_path,
        section + "# The Town\n\nThe town has a market square with a fountain.\n\n"
        "Gulls nest on the church roof.\n\nThe bakery sells rye bread.\n",
    )
    answerer = answerer_for(index, min_confidence=0.0)
    question, fragment = answered
    answer = answerer.ask(question)
    assert answer.answered and fragment in answer.quotes[0].text
    for question in declined:
        because = answerer.ask(question).declined_because
        assert because
        # this check declines it (another may too: "who wrote" asks for a name and someone)
        off = answerer_for(index, min_confidence=0.0, **{check: False}).ask(question)
        assert off.answered or off.declined_because != because
    for question in let_be:
        assert answerer.ask(question).answered


@pytest.mark.parametrize(
    ("text", "question", "because"),
    [
        (
            "Ilkka Varjo started the seed library with a team of four volunteers.",
            "When did Ilkka Varjo start the seed library?",
            "it asks when and no quote holds a time",
        ),
        (
            "For years Maud Ellery caned chairs in her kitchen at Hollin.",
            "In what year did Maud Ellery start caning chairs?",
            "it asks for a year and no quote holds one",
        ),
    ],
)
def test_a_count_is_no_time_and_a_span_of_years_no_year(
    tmp_path: Path, text: str, question: str, because: str
) -> None:
    index = _index_of(tmp_path, f"# Notes\n\n{text}\n\nThe bakery sells rye bread.\n")
    assert answerer_for(index, min_confidence=0.0).ask(question).declined_because == because
    assert answerer_for(index, min_confidence=0.0, answer_types=False).ask(question).answered
    dated = _index_of(tmp_path, f"# Notes\n\nIn 1998 {text[0].lower()}{text[1:]}\n")
    assert answerer_for(dated, min_confidence=0.0).ask(question).answered


def test_a_measure_asked_of_must_be_quoted_in_figures_or_words(tmp_path: Path) -> None:
    index = _index_of(
        tmp_path,
        "# Bread\n\nBulk fermentation takes about five hours at 24 degrees, but at nineteen "
        "degrees the same dough can need eight. The loaf bakes for 40 minutes.\n",
    )
    asked = "How long does bulk fermentation take at {}?"
    for measure in ("30 degrees", "24.5 degrees", "7%"):
        answer = answerer_for(index, min_confidence=0.0).ask(asked.format(measure))
        assert answer.declined_because == f"it names {measure}, which no quote holds"
    for measure in ("24 degrees", "24°", "19 degrees"):  # "nineteen" in words
        assert answerer_for(index, min_confidence=0.0).ask(asked.format(measure)).answered
    checks_off = answerer_for(index, min_confidence=0.0, quoted_numbers=False)
    assert checks_off.ask(asked.format("30 degrees")).answered
    assert answerer_for(index, min_confidence=0.0).ask("Does it bake for forty minutes?").answered


def test_a_numbered_thing_asked_of_must_be_named_by_the_first_quote(tmp_path: Path) -> None:
    index = _index_of(
        tmp_path,
        "# Motions\n\nMotion 2: That the subscription rise to £40. Proposed by Tomás Álvarez.\n\n"
        "Motion 3: That juniors under 16 play free. Carried unanimously.\n\n"
        "# Brio 17\n\nPrice at the time of testing: £64.99\n\n"
        "# Walks\n\nThe club walks on the Flats every Sunday.\n",
    )
    from bot.answering._checks import misses_numbers

    motion_2, motion_3, price, _ = index.passages
    question = "Who proposed Motion 3?"
    # another motion's proposer quoted first does not answer for Motion 3
    quotes = (Quote(motion_2.text, motion_2, 1.0), Quote(motion_3.text, motion_3, 0.5))
    assert misses_numbers(question, quotes) == "it names Motion 3, which no quote holds"
    assert misses_numbers(question, quotes[::-1]) is None
    assert misses_numbers("Was 3 enough?", quotes) is None  # a figure after a verb numbers nothing
    # the first quote's heading may name it
    assert misses_numbers("How much was the Brio 17?", (Quote(price.text, price, 1.0),)) is None
    answer = answerer_for(index, min_confidence=0.0).ask("How much did the Brio 17 cost?")
    assert "£64.99" in answer.quotes[0].text
    # typed in lower case, it is one of a kind the first quote numbers otherwise
    lower = "who proposed motion 3"
    assert misses_numbers(lower, quotes) == "it names motion 3, which no quote holds"
    assert misses_numbers(lower, quotes[::-1]) is None
    # a number in parts too: "version 4.0" is not answered by versions 4.2 and 4.1
    from index import Passage

    sheet = Passage("s/v/1", "s", "Sheet", 1, "Version 4.2 of 18 November, replacing version 4.1.")
    versions = (Quote(sheet.text, sheet, 1.0),)
    for asked, missing in (("version 4.0", "version 4.0"), ("Python 2.7", "Python 2.7")):
        because = misses_numbers(f"When was {asked} issued?", versions)
        assert because == f"it names {missing}, which no quote holds"
    assert misses_numbers("When was version 4.1 issued?", versions) is None
    walks = index.passages[-1]  # numbering no motion, it says nothing of motion 3 either way
    assert misses_numbers(lower, (Quote(walks.text, walks, 1.0),)) is None
    # named with a word or two between, as a heading names it in full (trial round 23)
    dram = Passage("t/d/1", "t", "Dram 7: Ardnaclach Peated 10 Year Old", 1, "Phenol: 45 ppm.")
    drams = (Quote(dram.text, dram, 1.0),)
    assert misses_numbers("What is the phenol level of the Ardnaclach 10?", drams) is None
    because = misses_numbers("What is the phenol level of the Ardnaclach 12?", drams)
    assert because == "it names Ardnaclach 12, which no quote holds"
    # ... or after a stop: "No 4" as typed is the essay's "No. 4" (trial round 36)
    furnace = Passage("k/f/1", "k", "Inside", 1, "Furnace No. 4 was last rebuilt in 2019.")
    rebuilt = (Quote(furnace.text, furnace, 1.0),)
    assert misses_numbers("When was Furnace No 4 last rebuilt?", rebuilt) is None
    because = misses_numbers("When was Furnace No 5 last rebuilt?", rebuilt)
    assert because == "it names No 5, which no quote holds"
    # ... capitalised ones only: "Motion was 3" names no motion
    carried = Passage("m/c/1", "m", "Votes", 1, "The Motion was 3 votes short.")
    assert misses_numbers(question, (Quote(carried.text, carried, 1.0),)) is not None
    assert misses_numbers("are under 16s free", quotes[::-1]) is None  # "under": no label
    # "Brio 17s" are more than one Brio 17 (trial round 20: "How many Polkerran 26s ...?")
    assert misses_numbers("How many Brio 17s were sold?", (Quote(price.text, price, 1.0),)) is None


def test_a_check_quotes_the_first_passages_sentence_that_holds_what_it_asks(
    tmp_path: Path,
) -> None:
    index = _index_of(
        tmp_path,
        "# 7 May\n\nWe reached Caminha and took the small ferry across the Minho river into "
        "Spain. The crossing cost two euros and took ten minutes.\n\n"
        "# 8 May\n\nI bought a knee brace at the pharmacy in Tui. The knee hurt, so I iced it "
        "twice.\n\n# 9 May\n\nThe bakery sells rye bread.\n",
    )
    question = "How much did the ferry across the Minho cost?"
    answer = answerer_for(index, min_confidence=0.0).ask(question)
    assert answer.answered
    assert answer.quotes[0].text.startswith("We reached") and "two euros" in answer.quotes[0].text
    unmended = answerer_for(index, min_confidence=0.0, mend_quotes=False).ask(question)
    assert "money" in unmended.declined_because  # the ferry's sentence alone has no price
    # a sentence of the passage holding no price does not mend it ("twice" is how often)
    assert (
        not answerer_for(index, min_confidence=0.0)
        .ask("How much did the knee brace cost?")
        .answered
    )


def test_the_names_in_an_essays_byline_are_its_passages_words(tmp_path: Path) -> None:
    (tmp_path / "allotment.txt").write_text(
        "Allotment Diary\n\nBy Zoë Ødegård, 3 June 2024\n\n"
        "The Brussels sprouts went in on the twelfth of April.\n\n"
        "Slugs ate half the lettuces in one wet night, so I put down copper tape around the "
        "raised beds.\n",
        encoding="utf-8",
    )
    (tmp_path / "minutes.txt").write_text(
        "Chess Club Minutes\n\nRecorded by the club secretary, Siobhán Ó Dálaigh.\n\n"
        "Fourteen members were present at the meeting in the library.\n",
        encoding="utf-8",
    )
    index = PassageIndex(load_documents(tmp_path))
    question = "What did Zoe Odegard do about the slugs?"  # the diary's "I"
    answer = answerer_for(index).ask(question)
    assert answer.answered and "copper tape" in answer.quotes[0].text
    assert not answerer_for(index, context_words=False).ask(question).answered
    # minutes "recorded by" someone say who wrote them
    written = answerer_for(index).ask("Who wrote the minutes?")
    assert [q.text for q in written.quotes] == [
        "Recorded by the club secretary, Siobhán Ó Dálaigh."
    ]


def test_who_wrote_an_essay_is_answered_with_its_byline(tmp_path: Path) -> None:
    (tmp_path / "ferry.txt").write_text(
        "The Saltmarsh Ferry\n\nBy Nessa Cawthorne, Saltmarsh Courier, 9 June 2023\n\n"
        "The ferry was started by Ilkka Varjo.\n\nThe Strike\n\nIn 1990 the crew walked out.\n",
        encoding="utf-8",
    )
    (tmp_path / "mill.md").write_text(
        "# The Mill\n\nBy Monday the river had risen.\n\nThe mill ground oats.\n",
        encoding="utf-8",
    )
    index = PassageIndex(load_documents(tmp_path))
    answerer = answerer_for(index)
    for question in ("Who wrote this?", "Who is the author?", "Who wrote the ferry essay?"):
        answer = answerer.ask(question)
        assert answer.answered, question
        assert [q.text for q in answer.quotes] == [
            "By Nessa Cawthorne, Saltmarsh Courier, 9 June 2023"
        ]
        assert answer.quotes[0].passage.document == "The Saltmarsh Ferry"
    # the mill essay's "By Monday ..." is no byline; other books and questions go on as ever
    for question in ("Who wrote the mill essay?", "Who wrote War and Peace?"):
        assert not answerer.ask(question).answered, question
    assert "Ilkka" in answerer.ask("Who started the ferry?").quotes[0].text
    assert not answerer_for(index, bylines=False).ask("Who wrote this?").answered


def test_when_an_essay_was_written_is_answered_with_its_dated_byline(tmp_path: Path) -> None:
    """Trial round 37: "When did she write this?" found no passage, a byline answering only
    who wrote; "Who wrote this history?" was not asked of the essay."""
    (tmp_path / "dinghy.txt").write_text(
        "Bringing Her Back\nBy Tamsin Roskilly, written over the winter of 2023\n\n"
        "My own boat is Wren, a dinghy built in 1961.\n\nThe Hull\n\nStrip the paint.\n",
        encoding="utf-8",
    )
    answerer = answerer_for(PassageIndex(load_documents(tmp_path)))
    byline = "By Tamsin Roskilly, written over the winter of 2023"
    for question in ("When did she write this?", "When was this history written?"):
        assert [q.text for q in answerer.ask(question).quotes] == [byline], question
    assert [q.text for q in answerer.ask("Who wrote this history?").quotes] == [byline]
    built = answerer.ask("When was the boat built?")
    assert byline not in [q.text for q in built.quotes]


def test_who_gave_a_speech_is_answered_with_its_byline(tmp_path: Path) -> None:
    """Trial round 24: "Delivered by Dr Ines Valcourt-Mbeki, Tidewater Pavilion, ..." was no
    byline and "Who gave the commencement address?" no question of who wrote it; a speech's
    byline says where and when too, so it is searched as any passage."""
    (tmp_path / "speech.txt").write_text(
        "Commencement Address to the Class of 2025, Harrowgate College\n"
        "Delivered by Dr Ines Valcourt-Mbeki, Tidewater Pavilion, Port Selwyn, 14 June 2025\n\n"
        "Thank you, Provost Aldridge, and thank you all.\n\nI left school at sixteen.\n\n"
        "Failure is not a gift.\n\nGo and build ships.\n",
        encoding="utf-8",
    )
    answerer = answerer_for(PassageIndex(load_documents(tmp_path)))
    for question in ("Who gave the commencement address?", "Who delivered this speech?"):
        answer = answerer.ask(question)
        assert answer.answered, question
        assert answer.quotes[0].text.startswith("Delivered by Dr Ines Valcourt-Mbeki"), question
    where = answerer.ask("Where was the address delivered?", k=10)
    assert any(h.passage.text.startswith("Delivered by") for h in where.hits)


def test_a_byline_answers_only_who_wrote(tmp_path: Path) -> None:
    (tmp_path / "memoir.txt").write_text(
        "Under the Wrecks\n\nBy Teodora Vance\n\nMy uncle Bartholomew first took Teodora Vance, "
        "as he called me, out to the wrecks off Kell Point.\n\nThe Boat\n\nWe dived from a "
        "crabber all that summer.\n",
        encoding="utf-8",
    )
    index = PassageIndex(load_documents(tmp_path))
    answer = answerer_for(index, min_confidence=0.0).ask("Did Teodora Vance ever marry?")
    assert "By Teodora Vance" not in [hit.passage.text for hit in answer.hits]
    assert [hit.rank for hit in answer.hits] == list(range(1, len(answer.hits) + 1))
    answer = answerer_for(index, bylines=False, min_confidence=0.0).ask("Did Teodora Vance marry?")
    assert answer.hits[0].passage.text == "By Teodora Vance"  # as BM25 ranks it
    assert answerer_for(index).ask("Who wrote this?").quotes[0].text == "By Teodora Vance"


def test_a_letters_sign_off_is_no_answer(tmp_path: Path) -> None:
    (tmp_path / "letter.txt").write_text(
        "A Letter to My Granddaughter\n\nDear Niamh,\n\nI was born in Cork in 1941.\n\n"
        "We were married on 7 September 1963 at St Osburg's church.\n\n"
        "Your mother was born in 1966.\n\nWe moved to Coventry for the factories.\n\n"
        "All my love, always,\n\nGranny Peggy\n",
        encoding="utf-8",
    )
    index = PassageIndex(load_documents(tmp_path))
    answer = answerer_for(index, min_confidence=0.0).ask("When did Granny Peggy marry?")
    texts = [q.text for q in answer.quotes]
    assert texts[0].startswith("We were married") and "Granny Peggy" not in " ".join(texts)
    # the signature is said with its closing words, one paragraph (index/parsing.py)
    signed = "All my love, always, Granny Peggy"
    assert index.passages[-1].text == signed
    assert signed not in {h.passage.text for h in answer.hits}


def test_a_subtitle_naming_its_writer_is_a_byline(tmp_path: Path) -> None:
    credit = "A report for the Brindle Street Residents' Association — written by Orla Kiernan"
    (tmp_path / "fridge.md").write_text(
        f"# The Community Fridge\n\n{credit}\n\nThe fridge was set up in 2020.\n\n"
        "The shelves were written by hand.\n",
        encoding="utf-8",
    )
    answer = answerer_for(PassageIndex(load_documents(tmp_path))).ask("Who is the author?")
    assert answer.answered and [q.text for q in answer.quotes] == [credit]


def test_a_papers_author_line_is_a_byline(tmp_path: Path) -> None:
    authors = "Hanna Lindqvist and T. Ruiz, Department of Urban Ecology, Norrby Institute"
    (tmp_path / "moss.md").write_text(
        f"# Moss Roofs on Garden Sheds\n\n*{authors}*\n\n## Abstract\n\nMoss cools sheds.\n\n"
        "## Introduction\n\nSheds get hot. Port Alder, Norrby and Kellow have many.\n",
        encoding="utf-8",
    )
    answerer = answerer_for(PassageIndex(load_documents(tmp_path)))
    for question in ("Who wrote this?", "Who wrote the study?", "Who are the authors?"):
        assert [q.text for q in answerer.ask(question).quotes] == [authors], question


def test_an_author_line_with_the_reports_number_is_a_byline_and_a_passage(
    tmp_path: Path,
) -> None:
    # Trial round 11: "... Institute of Urban Ecology. Report DIUE-2024-07." was no byline
    # (who wrote the report was declined); it is one, and its number is still found.
    authors = "Priya Raman and Carys Owen, Dunmere Institute of Urban Ecology. Report DI-07."
    essay = f"# Moss Roofs\n\n{authors}\n\n## Abstract\n\nMoss cools sheds.\n\n"
    answerer = answerer_for(_index_of(tmp_path, essay + "## Introduction\n\nSheds get hot.\n"))
    assert [q.text for q in answerer.ask("Who wrote the moss report?").quotes] == [authors]
    assert answerer.ask("What is the report number?").quotes[0].text == "Report DI-07."


def test_who_wrote_this_review_is_asked_of_the_essay_as_typed(tmp_path: Path) -> None:
    # Trial round 11: "review" is a kind of text, and the index read it as "view" (a word
    # the essay uses), so the question was answered with a critic it quotes.
    front = "---\ntitle: The Salt Road\nauthor: Malcolm Ferrante\ndate: 2024-10-05\n---\n\n"
    text = "The film is slow. Gwen Atherley wrote that it mistakes slowness for depth, a view."
    answerer = answerer_for(_index_of(tmp_path, front + text))
    said = "their text does not say who wrote them, but their front matter gives the author"
    assert answerer.ask("Who wrote this review?").declined_because == f"{said} as Malcolm Ferrante"
    when = answerer.ask("When was the review published?").declined_because
    assert (
        when
        == "their text does not say when they were written, but their front matter dates 2024-10-05"
    )


# An essay whose closing says who wrote something else ("Its songs were written by ..."),
# never who wrote it.
LAMP_GUILD = (
    "# The Lamp Guild\n\nThe guild trained the men and women who tended the lamps.\n\n"
    "## Songs\n\nIts songs were written by Ann Lee.\n"
)


def test_who_wrote_is_answered_by_a_closing_sentence_naming_the_authors(tmp_path: Path) -> None:
    # Trial round 40: "who wrote the report" of a field study was told it does not say, its
    # last paragraph naming "the authors"
    credit = (
        "The views expressed here are those of the authors, Dr Sian Lloyd and Tomos Jenkins "
        "of the Field Ecology Group, and not of the Trust."
    )
    (tmp_path / "beetles.md").write_text(
        "# Dung Beetles at Cwm Eithin\n\nWe counted beetles on two upland farms.\n\n"
        "## Results\n\nThe farm without wormers had twice as many species.\n\n"
        f"## Acknowledgements\n\nThe work was funded by the Trust.\n\n{credit}\n",
        encoding="utf-8",
    )
    (tmp_path / "lamps.md").write_text(LAMP_GUILD, encoding="utf-8")
    answerer = answerer_for(PassageIndex(load_documents(tmp_path)))
    answer = answerer.ask("Who wrote the beetles report?")
    assert [q.text for q in answer.quotes] == [credit]
    # what else a closing says was written by someone does not say who wrote the essay
    assert not answerer.ask("Who wrote the lamp guild essay?").answered


def test_who_wrote_is_answered_by_the_openings_sentence_saying_so(tmp_path: Path) -> None:
    credit = (
        "The report was compiled by the society's honorary secretary, Marguerite Ashdown, "
        "with help from the works committee."
    )
    (tmp_path / "canal.md").write_text(
        f"# Canal Report 2023\n\nThe canal reopened in May. {credit} Figures are checked.\n\n"
        "## Locks\n\nThe lock gates were made by hand in Leeds.\n",
        encoding="utf-8",
    )
    (tmp_path / "lamps.md").write_text(LAMP_GUILD, encoding="utf-8")
    answerer = answerer_for(PassageIndex(load_documents(tmp_path)))
    for question in ("Who put this report together?", "Who wrote the canal report?"):
        answer = answerer.ask(question)
        assert answer.answered, question
        assert [q.text for q in answer.quotes] == [credit]  # the sentence, not its paragraph
    # an essay whose opening does not say who wrote it is declined, not answered by "men and
    # women" (past the opening, "written by" tells of something else: its songs)
    answer = answerer.ask("Who wrote the lamp guild essay?")
    assert not answer.answered and answer.declined_because
    songs = answerer.ask("Who wrote the lamp guild's songs?")
    assert "Ann Lee" in " ".join(q.text for q in songs.quotes)
    assert (
        answerer_for(PassageIndex(load_documents(tmp_path)), bylines=False)
        .ask("Who wrote the lamp guild essay?")
        .declined_because
        != answer.declined_because
    )


def test_who_wrote_reads_a_byline_that_goes_on_and_a_credit_naming_the_kind(
    tmp_path: Path,
) -> None:
    """Trial round 22: a guide's byline going on in sentences, a match report's "Report by"
    in its opening and a play's subtitle each say who wrote them, and a question naming the
    kind of text ("the play") asks of the essays calling themselves so."""
    byline = "By Freya Lindqvist, outdoor gear editor. Updated 2 April 2025."
    (tmp_path / "tents.md").write_text(
        f"# The Best Tents\n\n{byline}\n\nWe pitched seven tents on the hills.\n",
        encoding="utf-8",
    )
    (tmp_path / "match.txt").write_text(
        "Castlebrook 3 Millbridge 2\n\nSaturday 8 March 2025, at The Weir Ground. "
        "Report by Dylan Osei.\n\nMatch report\n\nThe referee was Anika Sorensen.\n",
        encoding="utf-8",
    )
    play = "A play in two acts by Corin Mabey, first performed in Falmouth."
    (tmp_path / "salt.txt").write_text(
        f"The Salt House\n\n{play}\n\nEDITH: Sit down.\n", encoding="utf-8"
    )
    answerer = answerer_for(PassageIndex(load_documents(tmp_path)))
    cases = {
        "Who wrote the tent guide?": [byline],
        "Who wrote the match report?": ["Report by Dylan Osei."],  # a heading names it
        "Who wrote the play?": [play],
        "Who wrote this?": [byline, "Report by Dylan Osei.", play],
    }
    for question, quoted in cases.items():
        assert sorted(q.text for q in answerer.ask(question).quotes) == sorted(quoted), question
    # the byline saying more is still searched for what it says
    hits = answerer.ask("When was the tent guide updated?").hits
    assert byline in [hit.passage.text for hit in hits]


def test_further_quotes_of_other_sections_name_what_the_first_does(tmp_path: Path) -> None:
    """Trial round 22: a spec line asked of one tent is not followed by other tents' bare
    spec lines, which only their citations tell apart."""
    from bot.answering._quotes import of_the_named

    spec = "Flysheet hydrostatic head: {} mm; groundsheet {} mm"
    index = _index_of(
        tmp_path,
        "# Tents\n\n## Kestrel Dome 3\n\nThe Kestrel sleeps three.\n\n"
        f"{spec.format('4,000', '8,000')}\n\n## Larkspur Ridge 2\n\nLight and roomy.\n\n"
        f"{spec.format('3,000', '5,000')}\n\n## Care\n\nDry the Kestrel before packing, or "
        "its groundsheet rots.\n",
    )
    _, kestrel, _, larkspur, care = index.passages
    quotes = tuple(Quote(p.text, p, 1.0) for p in (kestrel, larkspur, care))
    question = "What's the hydrostatic head of the Kestrel's groundsheet?"
    # the Larkspur's line names no Kestrel; the care section does
    assert of_the_named(index, question, quotes) == (quotes[0], quotes[2])
    # a question naming nothing the first quote names keeps them all
    assert of_the_named(index, "What's the hydrostatic head?", quotes) == quotes
    assert of_the_named(index, "Is the Norrsken's head higher?", quotes) == quotes


def test_initialisms_in_the_plural_or_spelt_with_a_title_are_not_unknown(tmp_path: Path) -> None:
    """Trial round 22: "CV" is used when the essay says "CVs"; "MP" is not Mrs Pellow's
    initials; "OK" is no name."""
    from bot.answering._checks import names_unknown, spell_out

    index = _index_of(
        tmp_path,
        "# Applying\n\nWe do not accept CVs on their own.\n\n"
        "## Cast\n\nMrs Pellow keeps the lodger. The tent is fine for summer camping.\n",
    )
    assert names_unknown("Can I just send my CV?", index) is None
    assert names_unknown("Is the tent OK for summer camping?", index) is None
    assert spell_out("Who is the local MP?", index) == "Who is the local MP?"
    assert names_unknown("Who is the local MP?", index) == "it names MP, which the essays never use"


def test_a_sentence_opening_with_a_pronoun_is_quoted_with_the_one_before(tmp_path: Path) -> None:
    index = _index_of(
        tmp_path,
        "# Rail\n\nThe Austrian railway took the opposite view. It bought the sleeping cars "
        "and relaunched the routes under the Nightjet brand. Fares rose in 2020.\n\n"
        "Ferries stayed as they were. It seems the Nightjet idea spread.\n\n"
        "They sold well. The buses ran empty.\n",
    )
    # (the sentence after a lone quoted one, `quote_next`, would join it: off here)
    answerer = answerer_for(index, min_confidence=0.0, quote_next=False)
    quotes = [q.text for q in answerer.ask("Who relaunched the Nightjet brand?").quotes]
    # The antecedent joins the quote; the fares sentence, matching nothing, stays out.
    assert quotes[0] == (
        "The Austrian railway took the opposite view. It bought the sleeping cars and "
        "relaunched the routes under the Nightjet brand."
    )
    # "It seems" stands for nothing; a passage's first sentence has nothing before it.
    spread = answerer.ask("Did the idea spread?").quotes
    assert [q.text for q in spread] == ["It seems the Nightjet idea spread."]
    sold = answerer.ask("What sold well?").quotes
    assert [q.text for q in sold] == ["They sold well."]
    # The sentence before counts against max_sentences, but the best sentence is always quoted
    # (the year asked, not quoted, would decline the question: that check is off here, and
    # so is quoting the sentence that holds it, `quote_uncovered`, once the checks passed).
    two = answerer_for(
        index,
        min_confidence=0.0,
        max_sentences=2,
        quoted_numbers=False,
        quote_next=False,
        quote_uncovered=False,
    )
    assert [q.text for q in two.ask("Which brand relaunched the routes in 2020?").quotes] == [
        quotes[0]
    ]
    one = answerer_for(index, min_confidence=0.0, max_sentences=1, quote_next=False)
    assert one.ask("Who relaunched the Nightjet brand?").quotes[0].text == quotes[0]


@pytest.mark.parametrize(
    ("sentence", "needs"),
    [
        ("At Kessingford these mounds still stand.", True),  # after a place named
        ("In 1990, they closed the works.", True),
        ("After that it rained.", True),
        ("In this essay I look at salt.", False),  # "this" names what follows
        ("At first the pans were small.", False),
        ("It seems the works closed.", False),
        ("It appears that the works closed.", False),
        ("It appears gradually in the second summer.", True),  # the band appears
    ],
)
def test_a_pronoun_after_a_short_opening_phrase_needs_the_sentence_before(
    sentence: str, needs: bool
) -> None:
    from bot.answering._quotes import _antecedent

    text = f"The sand was dumped in mounds. {sentence}"
    spans = [(0, 30), (31, len(text))]
    assert (_antecedent(text, spans, 31) == (0, 30)) is needs


_TENTS = (
    "# Tents\n\nWe tested three tents on the hills.\n\n"
    "| Tent | Weight | Price |\n| --- | --- | ---: |\n"
    "| Ridgeline | 1.4 kg | £240 |\n| Stormhaven | 2.9 kg | £410 |\n\n"
    "Pitch the Stormhaven with its narrow end into the wind.\n\n"
    "| Peg | Use |\n| --- | --- |\n| Y-stake | soft ground |\n"
)


def test_a_table_row_is_found_with_its_tables_header_row(tmp_path: Path) -> None:
    index = _index_of(tmp_path, _TENTS)
    texts = [p.text for p in index.passages]
    header_of = {p.text: getattr(index.table_header(p), "text", None) for p in index.passages}
    assert header_of["Stormhaven | 2.9 kg | £410"] == "Tent | Weight | Price"
    assert header_of["Ridgeline | 1.4 kg | £240"] == "Tent | Weight | Price"
    assert header_of["Y-stake | soft ground"] == "Peg | Use"  # its own table's, not the first
    assert header_of["Tent | Weight | Price"] is None  # a header has none
    assert header_of["Pitch the Stormhaven with its narrow end into the wind."] is None
    assert texts.index("Peg | Use") > texts.index(
        "Pitch the Stormhaven with its narrow end into the wind."
    )


def test_a_table_rows_quote_comes_after_its_header_row(tmp_path: Path) -> None:
    answerer = answerer_for(_index_of(tmp_path, _TENTS), min_confidence=0.0)
    quotes = [q.text for q in answerer.ask("How much does the Stormhaven weigh?").quotes]
    row = quotes.index("Stormhaven | 2.9 kg | £410")
    assert quotes[row - 1] == "Tent | Weight | Price"
    assert quotes.count("Tent | Weight | Price") == 1  # once, however many of its rows
    pegs = [q.text for q in answerer.ask("Which peg suits soft ground?").quotes]
    assert pegs[:2] == ["Peg | Use", "Y-stake | soft ground"]


def test_a_table_rows_header_is_shown_over_it_with_the_rows_citation(tmp_path: Path) -> None:
    # Trial rounds 32 and 33: the header row was shown as a quote of its own, "— ¶1", and
    # read as an answer; it is shown on a line over its row, cited by the row.
    answer = answerer_for(_index_of(tmp_path, _TENTS), min_confidence=0.0).ask(
        "How much does the Stormhaven weigh?"
    )
    text = render_answer(answer, with_document=False)
    assert (
        '“Tent | Weight | Price\n   Stormhaven | 2.9 kg | £410”\n     — "Introduction", ¶4' in text
    )
    assert "¶2" not in text  # the header row's own paragraph is cited nowhere
    (spec,) = answer_message(answer, with_document=False)
    assert (
        '> Tent \\| Weight \\| Price\n> Stormhaven \\| 2.9 kg \\| £410\n— *"Introduction", ¶4*'
        in (spec.description)
    )
    assert answer_to_dict(answer)["quotes"][0]["text"] == "Tent | Weight | Price"  # as it was


def test_a_table_row_is_indexed_with_its_header_and_the_header_alone_is_not(
    tmp_path: Path,
) -> None:
    index = _index_of(tmp_path, _TENTS)
    header = next(p for p in index.passages if p.text == "Tent | Weight | Price")
    row = next(p for p in index.passages if p.text.startswith("Stormhaven"))
    assert index.heads_table(header) and not index.heads_table(row)
    assert index.indexed_terms(header) == frozenset()
    assert {"weight", "price"} <= index.indexed_terms(row)
    # "price" is only in the header: the row is found by it, the header never leads
    hits = index.search("What is the price of the Stormhaven tent?", 3)
    assert hits[0].passage == row and header not in [h.passage for h in hits]
    answer = answerer_for(index, min_confidence=0.0).ask("Which tent has the highest price?")
    assert answer.quotes[0].text == "Tent | Weight | Price"  # quoted before its row, not alone
    assert answer.quotes[1].text.endswith("| £240") or answer.quotes[1].text.endswith("| £410")


def test_a_first_passage_ending_with_a_colon_is_quoted_with_the_list_it_opens(
    tmp_path: Path,
) -> None:
    later = (
        "The treasurer then reads the accounts aloud, which takes most of an hour on a wet night."
    )
    index = _index_of(
        tmp_path,
        "# Money\n\nSurplus money is divided four ways at the annual meeting:\n\n"
        "- a third goes back to members as a dividend;\n- a third goes into a reserve fund;\n"
        "- a third pays for free loaves;\n- and nothing else.\n\n"
        f"{later}\n\n## Later\n\nThe bank.\n",
    )
    answer = answerer_for(index, min_confidence=0.0).ask("What happens to the surplus money?")
    assert [q.text for q in answer.quotes] == [
        "Surplus money is divided four ways at the annual meeting:",
        "a third goes back to members as a dividend;",
        "a third goes into a reserve fund;",
        "a third pays for free loaves;",
        "and nothing else.",  # a list's items, all of them (trial round 13: the 4th was cut)
    ]
    alone = answerer_for(index, min_confidence=0.0, quote_lists=False)
    assert len(alone.ask("What happens to the surplus money?").quotes) == 1
    # paragraphs after it, not a list's items, three at most
    prose = "\n\n".join(f"{n}. {later}" for n in range(1, 6))
    index = _index_of(tmp_path, f"# Money\n\nSurplus money is divided at the meeting:\n\n{prose}\n")
    answer = answerer_for(index, min_confidence=0.0).ask("What happens to the surplus money?")
    assert len(answer.quotes) == 4  # the opening and three of the five


def test_a_passage_closer_in_meaning_than_the_best_is_quoted_too(tmp_path: Path) -> None:
    index = _index_of(
        tmp_path,
        "# Rail\n\nThe railway station has night trains and day trains on every platform, "
        "and the trains are painted blue.\n\n"
        "The railway ended its sleeper services because they lost money every year.\n\n"
        "Buses leave from the square.\n",
    )
    question = "Why did the railway abandon its night trains?"
    # BM25 puts the platform paragraph first, far ahead (it shares "night" and "trains"); the
    # sleeper paragraph's nearest sentence is closer in meaning to the question, by 0.15.
    # The cascade off: the words cover this question, which would quote by score alone.
    off = {"min_confidence": 0.0, "words_cover": math.inf}
    answerer = answerer_for(index, closer_in_meaning=0.1, **off)
    answer = answerer.ask(question)
    assert [q.passage.paragraph for q in answer.quotes] == [1, 2]
    first, second = answer.evidence  # the quoted passages are the two ranked first
    assert [h.passage for h in answer.hits[:2]] == [q.passage for q in answer.quotes]
    assert first.similarity is not None and second.similarity is not None
    gap = second.similarity - first.similarity
    assert 0.1 <= gap < 0.2
    for margin in (0.2, 1.0):  # a margin wider than the gap: by BM25 score alone
        by_words = answerer_for(index, closer_in_meaning=margin, **off).ask(question)
        assert [q.passage.paragraph for q in by_words.quotes] == [1]
        assert by_words.hits == answer.hits  # the ranking is the same either way


@pytest.mark.parametrize(
    ("question", "names"),
    [
        ("What did Putin say about Lukashenko?", ["Putin"]),
        ("Is visa-free travel to Japan possible for Russians?", ["Japan"]),
        ("Who is Putin?", ["Putin"]),
        ("Putin said what about Lukashenko?", []),  # opens the question: any word would
        ("Lukashenko spoke. Putin replied?", []),  # opens a sentence
        ("WHAT DID PUTIN SAY ABOUT LUKASHENKO?", []),  # capitals say nothing here
        ("What Did Putin Say About Lukashenko?", []),
        ("What does the essay say about Ukraine and the EU?", []),  # the essay names both
        ("Does Europe matter to Ukraine?", []),  # found as "European"
        ("what did putin say", []),  # no capitals, no names
        ("¿Cuánto cuesta?", []),  # "¿" opens a sentence as "." ends one
    ],
)
def test_unknown_names(seed_index: PassageIndex, question: str, names: list[str]) -> None:
    assert unknown_names(question, seed_index) == names


def test_a_name_the_essays_give_in_other_words_is_known(tmp_path: Path) -> None:
    (tmp_path / "concrete.md").write_text(
        "# Concrete\n\nA team at the Massachusetts Institute of Technology studied it, with a "
        "partner university in Canada and engineers from Portugal and the United States. "
        "Britain has some four and a half thousand such buildings.\n",
        encoding="utf-8",
    )
    index = PassageIndex(load_documents(tmp_path))
    for question in (
        "Who led the MIT study?",  # spelt out, the small word's initial left out
        "Which Canadian university was a partner?",  # a people's word, its place's
        "Did the Portuguese engineers help?",
        "What did the US engineers do?",
        "What did the US's engineers do?",
        # a country as often named otherwise (trial round 41: declined as naming UK)
        "roughly how many such buildings exist in the UK",
    ):
        assert unknown_names(question, index) == [], question
    for question, names in (
        ("Who led the UCLA study?", ["UCLA"]),  # no run of capitals spells it
        ("Which Danish university was a partner?", ["Danish"]),
        ("Did the Chilean engineers help?", ["Chilean"]),
        ("How many are in the EU?", ["EU"]),
    ):
        assert unknown_names(question, index) == names


def test_an_initialism_the_essays_spell_out_is_read_as_its_words(tmp_path: Path) -> None:
    """Trial round 13: "KS1" of a report saying "Key Stage 1" had been declined as a name the
    essays never use, or found nothing; a list ("Uganda and Kenya") spells out no "UK"."""
    (tmp_path / "sports.md").write_text(
        "# Sports day\n\nThe morning was for Key Stage 1 and the afternoon for Key Stage 2. "
        "Birds winter in Uganda and Kenya.\n\nThe Key Stage 1 relay was won by Rowan, with "
        "Willow second.\n\nThe Key Stage 2 relays were won by Ash, each runner running 100 "
        "metres.\n\nResults: Year 3 girls 60 m: Maya Patel (Ash), 10.9 seconds.\n\nYear 4 "
        "girls 60 m: Zara Ahmed (Willow), 10.1 seconds.\n",
        encoding="utf-8",
    )
    index = PassageIndex(load_documents(tmp_path))
    assert spell_out("Who won the KS1 relay?", index) == "Who won the Key Stage 1 relay?"
    assert spell_out("Is it found in the UK?", index) == "Is it found in the UK?"
    assert spell_out("Who won the KS3 relay?", index) == "Who won the KS3 relay?"
    answer = answerer_for(index).ask("Which house won the KS1 relay?")
    assert answer.answered and "won by Rowan" in answer.quotes[0].text
    assert answer.read_as == "Which house won the Key Stage 1 relay?"
    unspelt = answerer_for(index, initialisms=False).ask("Which house won the KS1 relay?")
    assert unspelt.read_as == ""
    # a number and its unit apart in the text, together in the question, or the other way
    for question in ("Who won the Year 3 girls 60m?", "who won the year 3 girls 60 m"):
        answer = answerer_for(index).ask(question)
        assert answer.answered and "Maya Patel" in answer.quotes[0].text, question


def test_an_initialism_typed_in_lower_case_in_the_plural_or_with_in_is_read_as_its_words(
    tmp_path: Path,
) -> None:
    """Trial round 31: "when is the agm" found nothing, though "When is the AGM?" finds the
    Annual General Meeting; nor did "CCs" (Challenge Certificates) or "BIS" (Best in Show)."""
    (tmp_path / "club.md").write_text(
        "# Club notes\n\nThe Annual General Meeting is on 4 March in the Swan Upper Bar.\n\n"
        "Moss has won three Challenge Certificates. Best in Show went to Juniper.\n",
        encoding="utf-8",
    )
    index = PassageIndex(load_documents(tmp_path))
    english = frozenset({"when", "is", "the", "how", "many", "has", "won", "who", "sub"})
    read = spell_out("when is the agm", index, english)
    assert read == "when is the Annual General Meeting"
    assert spell_out("how many CCs has Moss won", index, english) == (
        "how many Challenge Certificates has Moss won"
    )
    assert spell_out("who won BIS", index, english) == "who won Best in Show"
    # a word of English in lower case is that word: "sub" is no "Swan Upper Bar"
    assert spell_out("who won the sub", index, english) == "who won the sub"
    assert spell_out("where is the SUB", index, english) == "where is the Swan Upper Bar"
    answer = answerer_for(index).ask("when is the agm")
    assert answer.answered and "4 March" in answer.quotes[0].text


def test_an_initialism_spelt_out_after_the_is_read_as_its_words(tmp_path: Path) -> None:
    """Trial round 24: "the IMO's target" of "The International Maritime Organization has set
    a target" had been declined as a name the essays never use ("TIMO" was spelt out)."""
    (tmp_path / "speech.md").write_text(
        "# Speech\n\nThe International Maritime Organization has set a target of net-zero "
        "emissions by 2050.\n\nThe yard builds ferries.\n\nThe tugs are old.\n",
        encoding="utf-8",
    )
    index = PassageIndex(load_documents(tmp_path))
    assert unknown_names("What is the IMO's target?", index) == []
    read = "What is the International Maritime Organization's target?"
    assert spell_out("What is the IMO's target?", index) == read
    assert spell_out("Is it IMO-compliant?", index) == "Is it IMO-compliant?"
    assert unknown_names("What is the EMA's target?", index) == ["EMA's"]


def test_a_word_of_an_essays_title_is_no_unknown_name(essays: Path) -> None:
    index = PassageIndex(load_documents(essays))  # "Keeping an Orchard": no "orchard" in its text
    assert unknown_names("When does the Orchard essay say to prune?", index) == []
    assert unknown_names("When does the Vineyard essay say to prune?", index) == ["Vineyard"]


def test_a_question_naming_what_the_essays_never_name_is_declined(
    seed_index: PassageIndex,
) -> None:
    question = "What did Putin say about Lukashenko?"
    assert not answerer_for(seed_index, min_confidence=0.0).ask(question).answered
    assert answerer_for(seed_index, min_confidence=0.0, known_names=False).ask(question).answered


@pytest.mark.parametrize(
    ("question", "answered"),
    [
        ("When was the Eurasian Economic Union founded?", False),
        ("How old is Alexander Lukashenko?", False),
        ("How many years after the collapse of the USSR was this written?", True),
        ("How long has the Russia-Belarus model been unsatisfactory?", True),
    ],
)
def test_when_questions_on_the_essay(answerer: Answerer, question: str, answered: bool) -> None:
    assert answerer.ask(question).answered is answered


def _check_schema(payload: dict[str, object], question: str) -> None:
    assert set(payload) - {"read_as", "outcome", "declined_because"} == {
        "question",
        "answered",
        "confidence",
        "quotes",
        "hits",
    }
    confidence = payload["confidence"]
    assert isinstance(confidence, float | int) and 0 <= confidence <= 1
    if payload["answered"]:
        assert "outcome" not in payload and "declined_because" not in payload
    else:
        assert payload["outcome"] in ("not_covered", "empty", "too_long")
    if "read_as" in payload:  # respelt, or its control characters taken out
        read_as = payload["read_as"]
        assert isinstance(read_as, str) and not any(c in read_as for c in "\x00\x07\x1b\x9b")
    assert isinstance(payload["answered"], bool)
    assert isinstance(payload["quotes"], list) and isinstance(payload["hits"], list)
    for quote in payload["quotes"]:
        assert set(quote) == {"text", "document", "section", "paragraph", "passage_id", "score"}
        assert isinstance(quote["paragraph"], int) and isinstance(quote["score"], float)
    for rank, hit in enumerate(payload["hits"], start=1):
        assert set(hit) == {
            "rank",
            "passage_id",
            "document",
            "section",
            "paragraph",
            "score",
            "text",
        }
        assert hit["rank"] == rank and isinstance(hit["score"], float)
    # Through JSON, as a reader sees it: escaped surrogate halves that form a pair come
    # back joined ("\\ud800\\udc00" is U+10000).
    assert payload["question"] == json.loads(json.dumps(question.strip()))
    assert payload["answered"] == bool(payload["quotes"])


# Any character, lone surrogates included (undecodable bytes on a command line arrive as
# them), alone or after a real question, so that strange text reaches every stage.
_ANY_TEXT = st.text(st.characters(exclude_categories=()), max_size=300)
_ODD_TEXT = st.text(st.characters(categories=["Cs", "Cc", "Cf", "Mn", "So"]), min_size=1)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    question=_ANY_TEXT
    | st.sampled_from(ANSWERABLE + UNANSWERABLE)
    | st.builds("{} {}".format, st.sampled_from(ANSWERABLE), _ANY_TEXT | _ODD_TEXT)
)
@example(question="\ud800\udc00")  # two surrogate halves: JSON joins them into one character
def test_any_string_gives_an_answer_with_the_json_schema(answerer: Answerer, question: str) -> None:
    answer = answerer.ask(question)
    payload = json.loads(json.dumps(answer_to_dict(answer)))
    _check_schema(payload, question)
    assert render_answer(answer, with_document=False)


def test_json_says_why_it_did_not_answer(answerer: Answerer) -> None:
    cases = [
        ("?!", "empty"),
        ("x" * 1001, "too_long"),
        ("Who won the 1966 World Cup?", "not_covered"),
    ]
    for question, outcome in cases:
        assert answer_to_dict(answerer.ask(question))["outcome"] == outcome
    checked = answer_to_dict(answerer.ask("When was the Eurasian Economic Union founded?"))
    assert checked["declined_because"] == "it asks when and no quote holds a time"
    answered = answer_to_dict(answerer.ask("Who is Lukashenko?"))
    assert answered["answered"] and "outcome" not in answered


def test_a_year_asked_must_be_quoted_from_the_leading_section() -> None:
    from bot.answering._checks import misses_numbers
    from bot.answering._values import Quote
    from index import Passage

    storm = Passage("keeper/storms/1", "keeper", "Storms", 1, "A: The storm of January 1984.")
    tiles = Passage("tiles/people/1", "tiles", "People", 1, "Li Wei came in 1990.")
    question = "What happened in the storm of 1990?"
    other_essay = (Quote(storm.text, storm, 2.0), Quote(tiles.text, tiles, 1.0))
    assert misses_numbers(question, other_essay) == "it names 1990, which no quote holds"
    led_by_it = (Quote(tiles.text, tiles, 2.0), Quote(storm.text, storm, 1.0))
    assert misses_numbers(question, led_by_it) is None
    # another section of the same essay names 1990 for something else
    later = Passage("keeper/later/1", "keeper", "Later", 1, "By 1990 the light was automatic.")
    other_section = (Quote(storm.text, storm, 2.0), Quote(later.text, later, 1.0))
    assert misses_numbers(question, other_section) == "it names 1990, which no quote holds"
    # the next passage of the leading section does hold it
    next_one = Passage("keeper/storms/2", "keeper", "Storms", 2, "Another came in 1990.")
    same_section = (Quote(storm.text, storm, 2.0), Quote(next_one.text, next_one, 1.0))
    assert misses_numbers(question, same_section) is None


@pytest.mark.parametrize("nearer", [0.5, 0.7])
def test_another_essays_passage_is_quoted_only_when_nearer_in_meaning(
    tmp_path: Path, nearer: float
) -> None:
    """A vineyard essay's passage sharing the question's words is no answer about the
    orchard unless it is closer in meaning; the orchard's own next passage is quoted."""
    from bot.answering._quotes import select_quotes

    (tmp_path / "orchard.md").write_text(
        "# Orchard\n\nPickers late to breakfast picked the plum trees.\n\n"
        "Pickers late to breakfast lost an hour.\n",
        encoding="utf-8",
    )
    (tmp_path / "vineyard.md").write_text(
        "# Vineyard\n\nPickers late to breakfast sang in the vines.\n", encoding="utf-8"
    )
    index = PassageIndex(load_documents(tmp_path))
    terms = index.query("What happened to pickers late to breakfast in the orchard?")
    hits = index.search_terms(terms, 3)
    assert hits[0].passage.id.startswith("orchard/")
    similarity = {p.id: 0.6 for p in index.passages} | {"vineyard/introduction/1": nearer}

    def quoted(policy: Policy) -> list[str]:
        found = select_quotes(index, policy, terms, hits, lambda p: similarity[p.id])
        return sorted(q.passage.id for q in found)

    mine = ["orchard/introduction/1", "orchard/introduction/2"]
    assert quoted(DEFAULT_POLICY) == mine + ["vineyard/introduction/1"] * (nearer > 0.6)
    by_score = quoted(replace(DEFAULT_POLICY, other_essays_nearer=False))
    assert by_score == [*mine, "vineyard/introduction/1"]


def test_the_first_passage_s_sentence_nearest_in_meaning_is_quoted_though_its_words_lose(
    tmp_path: Path,
) -> None:
    index = _index_of(
        tmp_path,
        "# Keepers\n\nGoing ashore was rare for a keeper, who could spend his wages only in "
        "Port Aldery. Each posting on the rock lasted six weeks. The lamp burned colza oil.\n\n"
        "## Building\n\nThe tower was built of granite from the mainland.\n",
    )
    question = "How long did a keeper spend on the rock before going ashore?"
    # by its words (four of the question's against "rock" alone) only the first is quoted
    # (with no check of the kind of answer, which would decline it or seek the time itself)
    # (nor the sentence after a lone quoted one, `quote_next`, which here is the same, nor
    # the one holding "rock", `quote_uncovered`)
    changes = {
        "min_confidence": 0.0,
        "words_cover": math.inf,
        "answer_types": False,
        "quote_next": False,
        "quote_uncovered": False,
    }
    by_words = answerer_for(index, **changes, quote_nearest=False)
    assert [q.text for q in by_words.ask(question).quotes] == [
        "Going ashore was rare for a keeper, who could spend his wages only in Port Aldery."
    ]
    answer = answerer_for(index, **changes).ask(question)
    assert [q.text for q in answer.quotes] == [
        "Going ashore was rare for a keeper, who could spend his wages only in Port Aldery. "
        "Each posting on the rock lasted six weeks."
    ]


TOOL = (
    "# Tallyho\n\nTallyho counts the words in your notes.\n\n## Installing\n\n"
    "Install it from PyPI with pip:\n\n```bash\npip install tallyho\n```\n\n"
    "## Configuration\n\nThe settings live in a TOML file in your home folder. "
    "A minimal one looks like this.\n\n~~~toml\n[count]\nskip_headings = true\n~~~\n\n"
    "Restart the program after editing the settings.\n\n## Other\n\nThe cat sleeps.\n"
)


@pytest.mark.parametrize(
    ("question", "introduced", "code"),
    [
        # the code's words find it; the sentence introducing it is quoted before it
        ("How do I install tallyho?", "Install it from PyPI with pip:", "pip install tallyho"),
        # the sentence before the code is quoted: the code it introduces follows
        (
            "What does a minimal settings file look like?",
            "A minimal one looks like this.",
            "[count]\nskip_headings = true",
        ),
    ],
)
def test_fenced_code_is_quoted_with_the_sentence_introducing_it(
    tmp_path: Path, question: str, introduced: str, code: str
) -> None:
    index = _index_of(tmp_path, TOOL)
    answer = answerer_for(index, min_confidence=0.0).ask(question)
    texts = [q.text for q in answer.quotes]
    at = next(i for i, text in enumerate(texts) if text.endswith(introduced))
    assert texts[at + 1] == f"```\n{code}\n```"
    shown = render_answer(answer, with_document=False)
    assert f"  ```\n  {code.replace(chr(10), chr(10) + '  ')}\n  ```\n     — " in shown


def test_long_fenced_code_is_split_into_fenced_parts_of_whole_lines() -> None:
    lines = [f"step_{n} = run(part_{n}, 'x')" for n in range(400)]
    text = "```\n" + "\n".join(lines) + "\n```"
    document = Document("Code", "code", (Section("All", (text,)),))
    parts = [p.text for p in split_passages([document], max_words=250)]
    assert len(parts) > 1 and all(is_code(part) for part in parts)
    assert [line for part in parts for line in code_lines(part)] == lines


def test_a_followed_answer_sharing_no_word_is_quoted_from_its_first_two_sentences(
    tmp_path: Path,
) -> None:
    index = _index_of(
        tmp_path,
        "# Harbour Voices\n\nJAMES: Tonight I'm talking to Margaret Tallis, who ran the ferry "
        "between Penmor and Skerry Island for thirty-one years.\n\n"
        "JAMES: What was the worst crossing you remember?\n\n"
        "MARGARET: January 1984. The swell was bigger than the boat.\n\n"
        "JAMES: What happened to the boat when you retired?\n\n"
        "MARGARET: The council bought her for the maritime museum. She sits in a shed in "
        "Penmor now and children climb all over her. I visit.\n",
    )
    question = "Where is the boat now?"  # its answer shares no word with it
    # surer by 0.13 than the first passage, it leads only under session 27's lead margin
    answer = answerer_for(index, lead_margin=0.1).ask(question)
    assert [q.text for q in answer.quotes] == [
        "MARGARET: The council bought her for the maritime museum. She sits in a shed in "
        "Penmor now and children climb all over her."
    ]
    one = answerer_for(index, lead_margin=0.1, followed_sentences=1).ask(question)
    assert one.declined_because == "it asks where and no quote says where"


def test_a_speaker_s_turn_is_quoted_from_its_first_sentence(tmp_path: Path) -> None:
    turns = [
        "MARGARET: Welcome back to Coastlines, where we talk to people who work the shore.",
        "ANWEN: Thank you, Margaret, it is good to be here in the studio tonight.",
        "MARGARET: And who takes the wheel of the Skerrin ferry from next week on?",
        "ANWEN: Tegan Moyle. Tegan has been my mate for six years and got her ticket in 2022.",
        "MARGARET: Will you miss the crossings in the winter storms, do you think?",
        "ANWEN: Not the winter ones, though I will miss the summer evenings on the water.",
    ]
    index = _index_of(tmp_path, "# Coastlines\n\n" + "\n\n".join(turns) + "\n")
    answer = answerer_for(index, min_confidence=0.0).ask("Who has been her mate for six years?")
    assert answer.quotes[0].text == turns[3]  # its opening too: who speaks, and the answer


def test_a_courtesy_alone_is_not_quoted_beside_what_was_said(tmp_path: Path) -> None:
    """Trial round 39: a phone-in's "Go ahead, Geraint." and "Good morning, Doctor." were
    quoted as if they said something, for sharing a name with the question."""
    turns = [
        "GWEN: And finally, this is Geraint, who has a different view of the bus. Go ahead, "
        "Geraint.",
        "GERAINT: Morning. I think the village should run its own community bus instead.",
    ]
    index = _index_of(tmp_path, "# Valley Talk\n\n" + "\n\n".join(turns) + "\n")
    answer = answerer_for(index, min_confidence=0.0).ask("What view of the bus has Geraint?")
    quoted = " ".join(q.text for q in answer.quotes)
    assert "different view of the bus" in quoted and "Go ahead" not in quoted


def test_an_answer_of_one_sentence_is_quoted_with_the_sentence_after_it(tmp_path: Path) -> None:
    """A lead-in ("Carrick Bay took a different approach.") is read with what it leads
    into; the checks have passed before, so the decision is the same."""
    index = _index_of(
        tmp_path,
        "# Night buses\n\nCarrick Bay took a different approach to its night routes. Four "
        "became two long loops.\n\nFelsham kept its night buses.\n",
    )
    question = "What did Carrick Bay do with its night routes?"
    lead = "Carrick Bay took a different approach to its night routes."
    alone = answerer_for(index, min_confidence=0.0, quote_next=False).ask(question)
    assert [q.text for q in alone.quotes] == [lead]
    answer = answerer_for(index, min_confidence=0.0).ask(question)
    assert [q.text for q in answer.quotes] == [f"{lead} Four became two long loops."]
    assert answer.confidence == alone.confidence
    # the last sentence of its passage has none after it
    kept = answerer_for(index, min_confidence=0.0).ask("Did Felsham keep its night buses?")
    assert kept.quotes[0].text == "Felsham kept its night buses."


def test_a_short_lead_in_quoted_first_is_read_with_its_next_sentence(tmp_path: Path) -> None:
    """... also when other passages are quoted after it, if it is short: the answer is most
    often what it leads into; a longer first sentence says more itself."""
    index = _index_of(
        tmp_path,
        "# Clocks\n\nI did take on an apprentice once, in 2014. Her name was Priya Nair, and "
        "she stayed three years.\n\nAn apprentice today would need patience above all.\n\n"
        "# Oil\n\nThe oil that the old clock makers used on their clock pivots turned to "
        "varnish within ten years. Modern oil lasts.\n\nOil is sold in tiny bottles.\n\n"
        "# Points\n\nTwo things matter. First, the oil is cheap. Second, it is quick.\n",
    )
    answer = answerer_for(index, min_confidence=0.0).ask("What about the apprentice?")
    lead = "I did take on an apprentice once, in 2014."
    assert [q.text for q in answer.quotes] == [
        f"{lead} Her name was Priya Nair, and she stayed three years.",
        "An apprentice today would need patience above all.",
    ]
    alone = answerer_for(index, min_confidence=0.0, quote_next=False).ask(
        "What about the apprentice?"
    )
    assert alone.quotes[0].text == lead
    from bot.answering._quotes import with_next_sentence

    oil, bottles, points = index.passages[2:]
    longer = oil.text.partition(" Modern")[0]  # 17 words: it says more itself
    quotes = (Quote(longer, oil, 1.0), Quote(bottles.text, bottles, 1.0))
    assert with_next_sentence(index, quotes) == quotes
    assert with_next_sentence(index, quotes[:1])[0].text == oil.text  # alone, it is read on
    # ... but not on to the next point of a list
    first = (Quote("First, the oil is cheap.", points, 1.0),)
    assert with_next_sentence(index, first) == first


FOREIGN = [
    "¿Cuáles son los problemas entre Rusia y Bielorrusia?",
    "Quels sont les problèmes entre la Russie et la Biélorussie ?",
    "Comment s'appelait le chien du gardien de phare ?",
    "Welche Probleme gibt es zwischen Russland und Weißrussland?",
    "Quali sono i problemi tra Russia e Bielorussia?",
    "Quais são os problemas entre a Rússia e a Bielorrússia?",
    "Wat zijn de problemen tussen Rusland en Wit-Rusland?",
    "Jakie są problemy między Rosją a Białorusią?",
    "Какие проблемы между Россией и Беларусью?",
    "ロシアとベラルーシの問題は何ですか",
    "¿Cuánto cuesta?",
]


@pytest.mark.parametrize("question", FOREIGN)
def test_a_question_not_in_english_is_declined_saying_so(answerer: Answerer, question: str) -> None:
    answer = answerer.ask(question)
    assert not answer.answered and answer.declined_because == NOT_ENGLISH
    assert "not to be in English" in render_answer(answer, with_document=False)


def test_no_gold_question_and_none_in_the_essays_language_is_read_as_foreign(
    answerer: Answerer, tmp_path: Path
) -> None:
    gold = (ROOT / "tests/eval").rglob("*.jsonl")
    questions = [q.question for path in gold for q in load_questions(path)]
    assert len(questions) > 2000
    english = model_words()
    seeds = answerer.index
    assert [q for q in questions if not_in_english(q, seeds, lambda: english)] == []
    # asked in the essays' own language, a question is theirs to answer or not
    spanish = _index_of(
        tmp_path, "# El ferry\n\nEl ferry cuesta dos euros. Los problemas son pocos.\n"
    )
    assert not not_in_english("¿Cuánto cuesta el ferry?", spanish, lambda: english)
    assert not_in_english("¿Cuánto cuesta el ferry?", seeds, lambda: english)


def test_a_name_only_another_essay_uses_is_not_answered_from_this_one(tmp_path: Path) -> None:
    """With a story and a field guide in one folder, the guide's population is no answer
    about the story's town; alone, the guide declines the question as naming nothing."""
    (tmp_path / "guide.md").write_text(
        "# Amberback Salamander\n\n## Quick facts\n\nEstimated population: about 8,400 "
        "breeding adults.\n\nAdults live under stones near streams.\n",
        encoding="utf-8",
    )
    (tmp_path / "story.md").write_text(
        "# The Winter I Kept the Light\n\nThe supply boat came from Stromsay every "
        "fortnight, weather allowing.\n\nThe lamp needed trimming at dusk.\n",
        encoding="utf-8",
    )
    index = PassageIndex(load_documents(tmp_path))
    answerer = answerer_for(index)  # asked again of the story, it is not sure enough
    answer = answerer.ask("What is the population of Stromsay?")
    assert answer.declined_because == "it names Stromsay, which the quoted essay never uses"
    assert answerer.ask("Did the supply boat come from Stromsay?").answered
    off = answerer_for(index, min_confidence=0.0, known_names=False)
    assert off.ask("What is the population of Stromsay?").answered


def test_a_why_question_is_quoted_with_the_sentence_giving_the_reason() -> None:
    """Trial round 19: "Weekend 4: Saturday 5 April and Sunday 6 April. Trains run as
    normal." was quoted without the next sentence's reason, "because of the Cresswater
    Half Marathon"."""
    index = PassageIndex(load_documents(ROOT / "tests/eval/blind17/railway"))
    answer = answerer_for(index).ask("Why is there no work on 5 and 6 April?")
    assert answer.answered, answer.declined_because
    assert "because of the Cresswater Half Marathon" in answer.quotes[0].text
    what = answerer_for(index).ask("What happens on 5 and 6 April?")  # asks no reason
    assert "Half Marathon" not in " ".join(quote.text for quote in what.quotes)
    # Trial round 34: a reason in words no list holds ("... by £730 to collect tax on your
    # private medical insurance"), after a note saying only what changed
    payslip = answerer_for(index_of(ROOT / "tests/eval/blind32/payslip"))
    changed = payslip.ask("why did my tax code change")
    assert "to collect tax on your private medical insurance" in changed.quotes[0].text
    # Trial round 37: quoted ending its passage, with the sentence before it, the cause
    history = answerer_for(index_of(ROOT / "tests/eval/blind35/ashburn-institute"))
    closed = history.ask("Why did the committee vote to close in 1979?")
    assert "could not afford to treat it" in closed.quotes[0].text


def test_a_which_question_is_quoted_with_the_sentence_naming_what_it_asks_for() -> None:
    """Trial round 29: "Which hospital was the man with chest pain taken to?" quoted his
    collapse and the doctor's arrival, not "He was flown to Raigmore Hospital by Rescue
    948." The noun a which or what question asks for is quoted when no quote names it."""
    index = PassageIndex(load_documents(ROOT / "tests/eval/blind27/callout-log-2025"))
    answer = answerer_for(index).ask("Which hospital was the man with chest pain taken to?")
    assert answer.answered, answer.declined_because
    assert "flown to Raigmore Hospital" in answer.quotes[0].text
    assert answer.quotes[0].text.startswith("A man in his seventies collapsed")
    when = answerer_for(index).ask("What time did the man with chest pain collapse?")
    assert "Raigmore" not in " ".join(quote.text for quote in when.quotes)  # no noun asked


def test_a_registers_entry_is_quoted_with_its_number_and_date() -> None:
    """Trial round 30: "No. 426. 6 December 1840. Susan, daughter of ..." was quoted without
    the sentences labelling it, so "When was Susan Pascoe baptised" was declined as no
    quote holding a time. The labels are quoted with the sentence they label; a lone
    sentence is still quoted with the one after it ("M. Boscawen-Hicks, vicar.")."""
    index = PassageIndex(load_documents(ROOT / "tests/eval/blind28/st-wenna-registers"))
    answer = answerer_for(index).ask("When was Susan Pascoe baptised")
    assert answer.answered, answer.declined_because
    assert answer.quotes[0].text.startswith("No. 426. 6 December 1840. Susan, daughter of")
    who = answerer_for(index).ask("Who baptised James Trewin?")
    assert who.quotes[0].text.startswith("No. 403. 28 January 1838. James, son of")
    assert "Boscawen-Hicks, vicar" in " ".join(quote.text for quote in who.quotes)


def test_a_name_another_essay_uses_is_asked_again_of_that_essay() -> None:
    """Trial round 19: with its six essays in one folder, "When did Quenby get its market?"
    led with the festival's "Tellow Market" and was declined as naming Quenby, which the
    town's timeline does use; asked again of the essays naming it, the timeline answers."""
    blind17 = ROOT / "tests/eval/blind17"
    essays = [d for path in sorted(blind17.glob("*/")) for d in load_documents(path)]
    answerer = answerer_for(PassageIndex(essays))
    answer = answerer.ask("When did Quenby get its market?")
    assert answer.answered, answer.declined_because
    assert answer.quotes[0].text.startswith("1214: Henry de Quenby")


def test_a_question_the_essay_asks_itself_is_quoted_with_its_answer(tmp_path: Path) -> None:
    index = _index_of(
        tmp_path,
        "# Streets\n\nClosing the road to through traffic worked. Does this mean I am against "
        "cars? Not at all: I drive to work. Buses run every ten minutes.\n",
    )
    asked = "Is the writer against cars?"
    # (`quote_next` would add it too, to an answer of one sentence: off, as with more quotes)
    answer = answerer_for(index, min_confidence=0.0, quote_next=False).ask(asked)
    assert [q.text for q in answer.quotes] == [
        "Does this mean I am against cars? Not at all: I drive to work."
    ]
    off = answerer_for(index, min_confidence=0.0, quote_past_echoes=False, quote_next=False)
    assert [q.text for q in off.ask(asked).quotes] == ["Does this mean I am against cars?"]


def test_a_phone_number_asked_for_is_sought_in_the_next_passages() -> None:
    """A new user's manual: its troubleshooting says "Contact customer support" three
    times, and the number is in the warranty section, ranked fourth."""
    index = PassageIndex(load_documents(ROOT / "tests/eval/blind6/kettle-manual"))
    question = "whats the customer support phone number"
    # (not as a contact line naming customer support, which finds it first since trial 31)
    answer = answerer_for(index, openings=False).ask(question)
    assert answer.answered and any("0800 915 4420" in q.text for q in answer.quotes)
    # (ranked by ranks alone: the blend of scores puts the warranty's passage in the quotes)
    off = answerer_for(index, openings=False, mend_quotes=False, fusion_scores=0.0).ask(question)
    assert off.declined_because == "it asks for a phone number and no quote holds one"
    # no sentence sharing the question's words holds one: still declined
    assert not answerer_for(index).ask("What's the taxi firm's phone number?").answered


def test_how_often_is_answered_by_a_frequency_in_words_and_when_is_not(tmp_path: Path) -> None:
    index = _index_of(
        tmp_path,
        "# The Light\n\nThe supply boat came from Stromsay every fortnight, weather allowing."
        "\n\nThe lamp needed trimming at dusk.\n",
    )
    answerer = answerer_for(index, min_confidence=0.0)
    assert answerer.ask("How often did the boat come from Stromsay?").answered
    stopped = answerer.ask("When did the boat stop coming?")
    assert stopped.declined_because == "it asks when and no quote holds a time"


RECIPES = (
    "# Weekend Baking\n\n## Cheese Scones\n\nMakes 8 scones.\n\n### Ingredients\n\n"
    "- 225 g self-raising flour\n- 55 g cold butter, cubed\n- 150 ml milk\n\n### Method\n\n"
    "1. Heat the oven to 220°C (200°C fan).\n2. Rub the butter into the flour.\n"
    "3. Bake for 12–15 minutes until golden.\n\n## Banana Bread\n\nMakes one 900 g loaf.\n\n"
    "### Ingredients\n\n- 3 very ripe bananas\n- 75 g melted butter\n- 190 g plain flour\n\n"
    "### Method\n\n1. Heat the oven to 180°C (160°C fan).\n2. Mash the bananas.\n"
    "3. Bake for 50–60 minutes, until a skewer comes out clean.\n"
)


@pytest.mark.parametrize(
    ("question", "answer", "other"),
    [
        ("How much flour is in the scones?", "225 g", "190 g"),
        ("How long do the scones bake?", "12–15 minutes", "50–60 minutes"),
        ("How long does the banana bread bake?", "50–60 minutes", "12–15 minutes"),
        ("How hot should the oven be for the scones?", "220°C", "180°C"),
    ],
)
def test_a_question_naming_a_part_is_answered_from_that_parts_section(
    tmp_path: Path, question: str, answer: str, other: str
) -> None:
    # Each recipe has an "Ingredients" and a "Method": the recipe's name, in most of its
    # passages, hardly tells them apart for BM25 or meaning.
    index = _index_of(tmp_path, RECIPES)
    quoted = [quote.text for quote in answerer_for(index, min_confidence=0.0).ask(question).quotes]
    assert answer in quoted[0]
    assert not any(other in text for text in quoted)  # the other recipe's figure goes last
    unscoped = answerer_for(index, min_confidence=0.0, sibling_sections=False).ask(question)
    assert unscoped.quotes[0].text != quoted[0] or any(other in q.text for q in unscoped.quotes)


HANDBOOK = (
    "Staff Handbook\n\n3. HOLIDAYS\n\n3.1 Employees are entitled to 25 days of paid holiday.\n\n"
    "3.2 Holiday requests must be made two weeks in advance.\n\n4. SICKNESS\n\n"
    "Call your manager before 9am on your first day of absence.\n\n"
    "Bring 3 copies of the form.\n"
)


@pytest.mark.parametrize(
    ("question", "quoted"),
    [
        ("What does section 3.2 say?", ["3.2 Holiday requests"]),
        ("clause 3.1", ["3.1 Employees"]),
        ("Show me section 4", ["Call your manager", "Bring 3 copies"]),  # under its heading
        ("What does Section 3 say?", ["3.1 Employees", "3.2 Holiday"]),
    ],
)
def test_a_part_asked_for_by_its_number_is_quoted(
    tmp_path: Path, question: str, quoted: list[str]
) -> None:
    (tmp_path / "handbook.txt").write_text(HANDBOOK, encoding="utf-8")
    index = index_of(tmp_path)
    answer = answerer_for(index).ask(question)
    assert len(answer.quotes) == len(quoted)
    assert [q.text[: len(start)] for q, start in zip(answer.quotes, quoted, strict=True)] == quoted
    without = answerer_for(index, numbered_parts=False).ask(question)
    assert [q.text for q in without.quotes] != [q.text for q in answer.quotes]


def test_a_part_is_found_by_the_number_after_its_headings_label(tmp_path: Path) -> None:
    # Trial round 10's constitution: "show me article 4" was declined, "the essays have no
    # article 4", over "ARTICLE 4 - PLOT RULES".
    text = "Rules\n\nARTICLE 3 - RENTS\n\nRent is due in October.\n\nARTICLE 4 - PLOT RULES\n\n"
    (tmp_path / "rules.txt").write_text(text + "Plots must be kept tidy.\n", encoding="utf-8")
    answer = answerer_for(index_of(tmp_path)).ask("Show me article 4")
    assert [q.text for q in answer.quotes] == ["Plots must be kept tidy."]


def test_a_part_no_essay_numbers_is_declined_saying_so(tmp_path: Path) -> None:
    (tmp_path / "handbook.txt").write_text(HANDBOOK, encoding="utf-8")
    answerer = answerer_for(index_of(tmp_path))
    assert answerer.ask("What does section 9 say?").declined_because == (
        "the essays have no section 9"
    )
    # "Bring 3 copies": a count, not part 3; and a question asking more is answered as any
    assert asked_part("How many days of holiday does section 3.1 give?") is None
    assert answerer.ask("What does paragraph 3 say?").quotes[0].text.startswith("3.1")


@pytest.mark.parametrize(
    ("question", "items"),
    [
        (
            "What ingredients do I need for the banana bread?",
            ["3 very ripe bananas", "75 g melted butter", "190 g plain flour"],
        ),
        (  # the part's section of the heading named, though an ingredient ranks first
            "What is the method for the banana bread?",
            ["Heat the oven to 180°C", "Mash the bananas.", "Bake for 50–60 minutes"],
        ),
    ],
)
def test_a_list_whose_heading_the_question_names_is_quoted_whole(
    tmp_path: Path, question: str, items: list[str]
) -> None:
    index = _index_of(tmp_path, RECIPES)
    quoted = [q.text for q in answerer_for(index, min_confidence=0.0).ask(question).quotes]
    assert [text[: len(item)] for text, item in zip(quoted, items, strict=False)] == items
    alone = answerer_for(index, min_confidence=0.0, quote_lists=False).ask(question).quotes
    assert len(alone) < len(items)  # an item alone
    # an item asked for is quoted alone
    flour = answerer_for(index, min_confidence=0.0).ask("How much flour is in the scones?")
    assert [q.text for q in flour.quotes if q.passage.section.endswith("Ingredients")] == [
        "225 g self-raising flour"
    ]


def test_a_list_is_quoted_whole_only_when_the_question_names_what_it_lists(
    tmp_path: Path,
) -> None:
    """Trial round 36: "Can I buy Dunmere Crystal glasses online?" of an essay on glass quoted
    all twelve dates of "Kettleby glass: a timeline", named by its "glass" alone."""
    index = _index_of(
        tmp_path,
        "# Glass\n\n## Kettleby glass: a timeline\n\n- 1698: The first glasshouse is built.\n"
        "- 1847: Josiah Harrow buys two glasshouses.\n- 1988: Dunmere Crystal is founded.\n"
        "- 2016: The visitor centre opens.\n\n## The shop\n\nThe shop sells seconds.\n",
    )
    answerer = answerer_for(index, min_confidence=0.0)
    bought = answerer.ask("Can I buy Dunmere Crystal glass online?")
    assert [q.text for q in bought.quotes][:1] == ["1988: Dunmere Crystal is founded."]
    assert len(bought.quotes) < 4
    timeline = answerer.ask("What is on the Kettleby glass timeline?")
    assert len([q for q in timeline.quotes if q.passage.section.endswith("timeline")]) == 4


def test_a_tables_rows_are_no_list_quoted_whole(tmp_path: Path) -> None:
    index = _index_of(
        tmp_path,
        "# Kelby\n\n## Population\n\n| Year | People |\n| --- | --- |\n| 1901 | 874 |\n"
        "| 1951 | 702 |\n| 2021 | 1,184 |\n\n## Trade\n\nThe mill made bobbins.\n",
    )
    answer = answerer_for(index, min_confidence=0.0).ask("What was the population in 2021?")
    assert [q.text for q in answer.quotes] == ["Year | People", "2021 | 1,184"]


def test_what_an_essay_is_about_is_answered_with_its_summary_or_opening(tmp_path: Path) -> None:
    (tmp_path / "ferry.md").write_text(
        "# The Ferry\n\nBy Nessa Cawthorne, 9 June 2023\n\nDate: 1 May 2023\n\n"
        "The ferry to Inishcarra ran for a century before the strike of 1998 ended it. "
        "Islanders still argue about why. Nobody agrees.\n\n## The strike\n\nIt began in May.\n",
        encoding="utf-8",
    )
    (tmp_path / "moss.md").write_text(
        "# Moss Roofs\n\n## Methods\n\nTwelve sheds were fitted with moss mats over two "
        "summers and compared with bare sheds.\n\n## Abstract\n\nMoss mats kept the sheds "
        "cooler by four degrees on the hottest days of the trial. They cost little.\n",
        encoding="utf-8",
    )
    answerer = answerer_for(index_of(tmp_path))
    ferry = answerer.ask("What is the ferry essay about?")
    assert [q.text for q in ferry.quotes] == [  # the first two sentences, past byline and date
        "The ferry to Inishcarra ran for a century before the strike of 1998 ended it. "
        "Islanders still argue about why."
    ]
    summed = answerer.ask("Summarise the moss report")  # its abstract, though not first
    assert [q.text[:18] for q in summed.quotes] == ["Moss mats kept the"]
    assert len(answerer.ask("What are these essays about?").quotes) == 2
    assert not answerer_for(index_of(tmp_path), openings=False).ask("What is it about?").answered
    # naming what no title holds, it is answered as any other question
    assert answerer.ask("Summarise the harbour dredging").quotes == ()


def test_a_request_to_list_is_read_as_a_question(tmp_path: Path) -> None:
    # "List" and "show" frame the question, words the essays never use: not counted missing
    index = _index_of(tmp_path, RECIPES)
    for question in ("List the ingredients for the scones", "Show the scones' ingredients"):
        terms = index.query(question)
        hits = [hit for hit in index.search_terms(terms, 10) if "Scones" in hit.passage.section]
        ((coverage, matched),) = coverages(index, terms, hits[:1], DEFAULT_POLICY)
        assert (coverage, matched) == (1.0, 2)
    listed = answerer_for(index).ask("List the ingredients for the scones")
    assert [q.text for q in listed.quotes][:2] == [
        "225 g self-raising flour",
        "55 g cold butter, cubed",
    ]


MINUTES = (
    "# Allotment Society Committee Meeting: Minutes\n\n**Date:** 14 March 2025\n"
    "**Location:** Community Hall, Back Lane\n**Present:** R. Okafor (Chair), D. Mills\n"
    "**Apologies:** J. Barr\n\n## 1. Last meeting\n\n"
    "The minutes of the meeting on 10 February were approved without changes.\n\n"
    "## 2. Any other business\n\nNext meeting: 11 April 2025, 7pm.\n"
)


@pytest.mark.parametrize(
    ("question", "quoted"),
    [
        ("When was the meeting?", "Date: 14 March 2025"),
        ("Where was the meeting held?", "Location: Community Hall, Back Lane"),
        ("Who attended?", "Present: R. Okafor (Chair), D. Mills"),
        ("Who chaired the meeting?", "Present: R. Okafor (Chair), D. Mills"),  # "(Chair)"
        ("Who was absent?", "Apologies: J. Barr"),
    ],
)
def test_when_where_and_who_of_the_essay_itself_are_its_opening_fields(
    tmp_path: Path, question: str, quoted: str
) -> None:
    index = _index_of(tmp_path, MINUTES)
    assert [q.text for q in answerer_for(index).ask(question).quotes] == [quoted]
    assert [q.text for q in answerer_for(index, openings=False).ask(question).quotes] != [quoted]


def test_a_question_naming_more_than_the_title_is_no_question_of_the_opening_fields(
    tmp_path: Path,
) -> None:
    index = _index_of(tmp_path, MINUTES)
    nxt = answerer_for(index).ask("When is the next meeting?")
    assert nxt.quotes[0].text == "Next meeting: 11 April 2025, 7pm."


def test_who_wrote_an_essay_whose_front_matter_names_its_author_says_so(tmp_path: Path) -> None:
    (tmp_path / "river.md").write_text(
        '---\ntitle: The Aldwen\nauthor: "Delphine Ashworth-Kell"\n---\n\n'
        "The river runs past the mills at Fellbridge.\n",
        encoding="utf-8",
    )
    index = index_of(tmp_path)
    assert index.documents[0].author == "Delphine Ashworth-Kell"
    assert PassageIndex.from_state(index.to_state()).documents == index.documents  # cached too
    because = answerer_for(index).ask("Who wrote this?").declined_because
    assert because == (
        "their text does not say who wrote them, but their front matter gives the author as "
        "Delphine Ashworth-Kell"
    )
    # in a folder, one essay's author is not all of theirs
    (tmp_path / "notes.md").write_text("# Mill notes\n\nThe mills closed in 1921.\n")
    because = answerer_for(index_of(tmp_path)).ask("Who wrote this?").declined_because
    assert because == (
        'their text does not say who wrote them, but the front matter of "The Aldwen" gives '
        "the author as Delphine Ashworth-Kell (no other essay's does)"
    )
    (tmp_path / "weirs.md").write_text(  # a title leaving a bidi override open is closed
        "---\ntitle: Weirs \u202eof the Aldwen\nauthor: Tom Reed\n---\n\nThe weirs are old.\n"
    )
    because = answerer_for(index_of(tmp_path)).ask("Who wrote this?").declined_because
    assert because == (
        "their text does not say who wrote them, but their front matter gives the authors as "
        "The Aldwen: Delphine Ashworth-Kell; Weirs \u202eof the Aldwen\u202c: Tom Reed "
        "(no other essay's does)"
    )


BRIDGE = """# Tarrow Bridge

Tarrow District Council has approved a £4.2 million plan to repair the Victorian bridge over \
the River Tarrow, which has been closed to vehicles since January.

The council's cabinet voted 7–2 on Tuesday evening to fund the work from its capital reserves \
and a £1.5m grant from the regional transport fund.

"This bridge is the spine of the valley," said council leader Marian Colley. "Every week it \
stays shut costs local businesses money we cannot get back."

Engineers found corrosion in 14 of the bridge's 22 steel beams during an inspection last \
winter. Repairs are expected to take 11 months, with work starting in March.

Not everyone is pleased. Opposition councillor Dev Rana, who voted against, called the plan "a \
sticking plaster". He said: "We are spending four million pounds to patch a bridge that will \
need replacing within twenty years."

Local traders say footfall has fallen by about 30% since the closure. Ruth Abbey, who runs the \
Old Mill Café, said takings were "down by a third" and that she had cut two staff.

A temporary footbridge will remain open throughout the works.
"""  # a news report, of the developers'


def test_what_happened_in_a_year_is_answered_by_the_entry_of_that_year(tmp_path: Path) -> None:
    index = _index_of(
        tmp_path,
        "# Harlow Point Lifeboat Station: A Timeline\n\n"
        "- **1859** – The first lifeboat arrives, paid for by public subscription.\n"
        "- **1874** – The boathouse is built on the south slipway.\n"
        "- **1901** – Coxswain James Treloar and six crew drown in the Great Gale.\n"
        "- **1932** – The station receives its first motor lifeboat.\n",
    )
    answerer = answerer_for(index)
    assert "Great Gale" in answerer.ask("What happened in 1901?").quotes[0].text
    assert not answerer.ask("What happened in 1990?").answered  # no entry for it
    assert not answerer.ask("What happened to the station's cat?").answered


def test_a_question_asking_for_a_date_format_needs_no_date(tmp_path: Path) -> None:
    index = _index_of(
        tmp_path, "# Options\n\nThe report command's --from option is written as YYYY-MM-DD.\n"
    )
    answerer = answerer_for(index, min_confidence=0.0)  # the check alone
    answer = answerer.ask("What date format does the --from option take?")
    assert answer.quotes and "YYYY-MM-DD" in answer.quotes[0].text, answer.declined_because


def test_a_rate_of_pay_answers_how_much_something_is_paid(tmp_path: Path) -> None:
    index = _index_of(
        tmp_path,
        "# Pay\n\nOvertime must be agreed in advance and is paid at time and a half.\n\n"
        "Night shifts on the loading bay are paid at double time.\n\n"
        "Warehouse staff are paid monthly by bank transfer.\n",
    )
    answerer = answerer_for(index)
    assert "time and a half" in answerer.ask("How much is overtime paid?").quotes[0].text
    assert "double time" in answerer.ask("How much are night shifts paid?").quotes[0].text
    because = answerer.ask("How much are warehouse staff paid?").declined_because
    assert because == "it asks for a sum of money and no quote holds one"


def test_the_letters_of_an_ampersand_initialism_name_nothing_alone(tmp_path: Path) -> None:
    # Trial round 15: "where's the nearest A&E" was declined: "it names E, which the essays
    # never use"; a name the essays never use still is
    index = _index_of(
        tmp_path,
        "# Emergencies\n\nThe nearest hospital with an accident and emergency department is "
        "West Cornwall Hospital in Penzance.\n",
    )
    answerer = answerer_for(index, min_confidence=0.0)
    answer = answerer.ask("Where's the nearest A&E hospital?")
    assert answer.answered and "West Cornwall" in answer.quotes[0].text, answer.declined_because
    assert "Truro" in answerer.ask("Where's the nearest A&E in Truro?").declined_because


def test_a_quoted_sentences_labelled_fields_are_quoted_with_it(tmp_path: Path) -> None:
    # Trial round 15: "who is auditing the leaver secrets" was declined, the action's
    # "Owner: Marcus Oyelaran." never quoted
    index = _index_of(
        tmp_path,
        "# Actions\n\nA6. Audit every secret created by the leaver process for hidden expiry "
        "dates. Owner: Marcus Oyelaran. Due 30 April 2026.\n\nA7. Rotate the proxy keys "
        "every quarter, starting in May with the payment gateway.\n",
    )
    answer = answerer_for(index).ask("Who is auditing the leaver secrets?")
    assert answer.answered, answer.declined_because
    assert answer.quotes[0].text.endswith("hidden expiry dates. Owner: Marcus Oyelaran.")
    off = answerer_for(index, quote_fields=False).ask("Who is auditing the leaver secrets?")
    assert off.declined_because == "it asks who and no quote names anyone"


def test_a_games_coins_are_a_sum_of_money(tmp_path: Path) -> None:
    # Trial round 14: "Moving against the tide costs 1 coin per space" was no sum.
    index = _index_of(
        tmp_path,
        "# Actions\n\nSail: move your ship up to 3 spaces along the sea lanes. Moving against "
        "the tide costs 1 coin per space.\n\nTrade: swap one cargo cube for another.\n",
    )
    answerer = answerer_for(index, min_confidence=0.0)  # the check alone
    answer = answerer.ask("What does it cost to sail against the tide?")
    assert answer.quotes and "1 coin per space" in answer.quotes[0].text, answer.declined_because
    because = answerer.ask("How much does a Trade cost?").declined_because
    assert because == "it asks for a sum of money and no quote holds one"


@pytest.mark.parametrize(
    ("text", "a_sum"),
    [
        ("Taxable pay: 2,963.52", True),
        ("Employer pension contribution: 114.00.", True),
        ("USDAW union subscription | 17.85", True),
        ("The pension scheme opens at 10.30 on Mondays.", False),  # a time
        ("The pension scheme pole is 2.50 m tall.", False),  # a measure
        ("The pension scheme covers 37.50 hours a week.", False),
        ("The pension scheme is version 2.10 of the rules.", False),  # no sum, said
    ],
)
def test_pounds_and_pence_without_a_currency_are_a_sum(text: str, a_sum: bool) -> None:
    # Trial round 34: a payslip's figures carry no "£" ("Taxable pay: 2,963.52"), and "how
    # much of my pay was taxable this month" was declined as holding no sum of money.
    quote = Quote(text, Passage("p/s/1", "p", "s", 1, text), 1.0)
    because = lacks_money("How much does the pension scheme pay?", [quote])
    assert (because is None) is a_sum


def test_a_fee_given_in_any_currency_is_a_sum_of_money(tmp_path: Path) -> None:
    # Trial round 18: "The standard visa fee is 120 korun" was no sum (a currency no list
    # holds), and "what does a quick 10 minute charge give you" asked for one (a battery's).
    index = _index_of(
        tmp_path,
        "# Fees\n\nThe standard visa fee is 120 korun and is paid online.\n\nThe visa "
        "itself is valid for 90 days from the date of entry.\n\nAn extension is granted once, "
        "for a fee payable at the border office.\n\n# Charging\n\nA ten-minute "
        "charge gives about two hours of listening.\n",
    )
    answerer = answerer_for(index, min_confidence=0.0)  # the checks alone
    answer = answerer.ask("How much is the visa fee?")
    assert answer.quotes and "120 korun" in answer.quotes[0].text, answer.declined_because
    because = answerer.ask("How much is the fee for an extension?").declined_because
    assert because == "it asks for a sum of money and no quote holds one"
    charge = answerer.ask("What does a quick 10 minute charge give you?")
    assert "money" not in charge.declined_because
    assert charge.quotes and "two hours" in charge.quotes[0].text


@pytest.mark.parametrize(
    ("text", "a_sum"),
    [
        ("The entry fee to the reserve was 150 bolivianos.", True),  # trial round 38
        ("The exit fee was fifteen bolivianos, paid in cash.", True),
        ("The fee was one of the reasons we left.", False),
        ("The fee for parking at the school was waived.", False),
    ],
)
def test_a_fee_may_be_said_some_words_before_its_sum(text: str, a_sum: bool) -> None:
    quote = Quote(text, Passage("p/s/1", "p", "s", 1, text), 1.0)
    because = lacks_money("How much was the reserve entrance fee?", [quote])
    assert (because is None) is a_sum


def test_a_count_may_come_in_the_short_sentence_after_what_it_counts(tmp_path: Path) -> None:
    # Trial round 14: the count is said after the sentence the question's words find
    index = _index_of(
        tmp_path,
        '# The visit\n\nFenn wrote in his notebook. "The Board is reviewing all the rock '
        'stations on this coast," he said. "Carrick Head is one of nine."\n\n'
        "# Roads\n\nRoad safety suffers too. Drivers who have slept less react more slowly. "
        "Traffic researchers have tracked a small but consistent increase in fatal crashes in "
        "the days that follow the clocks change. A small increase, repeated every year across "
        "millions of people, adds up to a real cost. Insurers have noticed it as well.\n",
    )
    answer = answerer_for(index, min_confidence=0.0).ask("How many stations are being reviewed?")
    assert answer.answered and "one of nine" in answer.quotes[0].text, answer.declined_because
    # a long sentence after, holding some count, is not what was asked: "millions of people"
    crashes = "How many people died in fatal crashes in the week after the clocks change?"
    assert not answerer_for(index, min_confidence=0.0).ask(crashes).answered


def test_a_count_naming_nothing_counts_what_the_sentence_before_names(tmp_path: Path) -> None:
    # Trial round 39: "thirty-one in the folder" counts the forms the sentence before names
    index = _index_of(
        tmp_path,
        "# Not finished yet\n\nThe branch is clear that the settlement has gaps.\n\n"
        "At Netherby, the branch has started the incident forms again. By the end of November "
        "there were already thirty-one in the folder, most of them about the long unlit path "
        "between the wards and the mortuary.\n\n"
        "# Buses\n\nThe 47 runs from the bus station up the valley. It runs hourly on weekdays "
        "and three on a Sunday, the last at six.\n",
    )
    answerer = answerer_for(index, min_confidence=0.0)
    forms = answerer.ask("How many incident forms have been filled in at Netherby so far?")
    assert forms.answered and "thirty-one" in forms.quotes[0].text, forms.declined_because
    sundays = answerer.ask("How many runs of the 47 on a Sunday?")
    assert sundays.answered and "three on a Sunday" in sundays.quotes[0].text
    # a count of something else is still no answer
    assert not answerer.ask("How many porters work at Netherby?").answered


def test_a_question_asking_a_sum_is_led_by_the_passage_holding_one(tmp_path: Path) -> None:
    index = _index_of(tmp_path, BRIDGE)
    asked = "How much will the repair cost?"
    before = answerer_for(index, value_leads=False).ask(asked)
    assert "11 months" in before.quotes[0].text  # both share the words; one holds a sum
    answer = answerer_for(index).ask(asked)
    assert "£4.2 million" in answer.quotes[0].text
    assert answer.hits[0].passage.id == answer.quotes[0].passage.id

    def weighed(said: Answer) -> dict[str, float]:  # each weighed passage's confidence
        return {said.hits[e.rank - 1].passage.id: e.confidence for e in said.evidence}

    assert weighed(answer) == weighed(before)  # the evidence's ranks follow its passages
    assert {q.text for q in answer.quotes} == {q.text for q in before.quotes}  # only reordered


def test_a_question_asking_how_many_is_led_by_the_passage_counting_it(tmp_path: Path) -> None:
    index = _index_of(
        tmp_path,
        "# Ponds\n\nEach pond was surveyed at night by torchlight, and every newt seen in a "
        "pond was counted.\n\nThe survey team visited the ponds on six nights between March "
        "and May.\n\nThe ponds lie in a wood north of the village.\n",
    )
    asked = "On how many nights were the ponds surveyed?"
    ranks = {"fusion_scores": 0.0}  # fused by ranks alone, which put "Each pond ..." first
    before = answerer_for(index, value_leads=False, **ranks).ask(asked)
    assert before.quotes[0].text.startswith("Each")
    assert "six nights" in answerer_for(index, **ranks).ask(asked).quotes[0].text
    assert "six nights" in answerer_for(index).ask(asked).quotes[0].text


def test_a_question_asking_how_long_or_when_is_led_by_a_span_or_date_not_any_figure(
    tmp_path: Path,
) -> None:
    # Session 44: "How long do the eggs take to hatch?" led with "a survey in 2009 found cuckoo
    # eggs in 6 percent of nests", a figure but no span; the next passage holds "11 or 12 days"
    index = _index_of(
        tmp_path,
        "# Breeding\n\nThe most important nest predator is the water rail, which takes eggs and "
        "small chicks from the nests. A survey in 2009 found cuckoo eggs in 6 percent of nests, "
        "and the eggs of the warblers were taken in 14 percent.\n\n"
        "The clutch is normally four eggs, and incubation lasts 11 or 12 days.\n\n"
        "# Survey\n\nThe survey of the nests was made in 41 percent of the reed beds, on 12 "
        "visits. It ended when the winter floods came.\n\n"
        "The 6 volunteers of the survey met at the reed bed gate, as 14 percent had before.\n",
    )
    hatch = "How long do the eggs take to hatch?"
    before = answerer_for(index, value_leads=False, min_confidence=0.0).ask(hatch)
    assert "2009" in before.quotes[0].text, before.quotes  # the figure led
    answer = answerer_for(index, min_confidence=0.0).ask(hatch)
    assert "11 or 12 days" in answer.quotes[0].text, answer.quotes
    # asked when, a passage holding no date but a time in words ("when the winter floods
    # came") is led by neither figures nor a passage of figures after it
    ended = answerer_for(index, min_confidence=0.0).ask("When did the survey of the reed beds end?")
    assert "winter floods" in ended.quotes[0].text, ended.quotes


def test_when_an_essay_was_written_its_front_matter_date_is_named_if_its_text_is_silent(
    tmp_path: Path,
) -> None:
    (tmp_path / "fares.md").write_text(
        "---\ntitle: Ferry fares to rise\ndate: 2025-03-14\n---\n\n"
        "Ferry fares will rise by 8 percent from April, the operator said on Tuesday.\n\n"
        "The new fares start on 1 April.\n",
        encoding="utf-8",
    )
    index = index_of(tmp_path)
    assert index.documents[0].date == "2025-03-14"
    assert PassageIndex.from_state(index.to_state()).documents == index.documents  # cached too
    answerer = answerer_for(index)
    dated = "their text does not say when they were written, but their front matter dates "
    for question in ("When was this published?", "When was the ferry article written?"):
        assert answerer.ask(question).declined_because == dated + "2025-03-14", question
    # a question of what the essay tells is answered from its text, as before
    assert answerer.ask("When do the new fares start?").quotes[0].text == (
        "The new fares start on 1 April."
    )
    assert answerer.ask("When was the ferry opened?").declined_because != dated + "2025-03-14"
    (tmp_path / "tides.md").write_text(
        "---\ntitle: Spring tides\ndate: 2024-04-02\n---\n\nThe tides run high in April.\n",
        encoding="utf-8",
    )
    both = answerer_for(index_of(tmp_path))
    assert both.ask("When was this written?").declined_because == dated + (
        "Ferry fares to rise: 2025-03-14; Spring tides: 2024-04-02"
    )
    assert both.ask("When was the tides essay written?").declined_because == dated + "2024-04-02"
    (tmp_path / "notes.md").write_text("# Ferry notes\n\nThe ferry runs hourly.\n")
    three = answerer_for(index_of(tmp_path)).ask("When was this written?").declined_because
    assert three == (
        "their text does not say when they were written, but their front matter dates "
        "Ferry fares to rise: 2025-03-14; Spring tides: 2024-04-02 (no other essay's does)"
    )


def test_a_section_asked_for_by_number_in_an_essay_numbering_none_is_the_contents_one(
    tmp_path: Path,
) -> None:
    index = _index_of(tmp_path, "# Bees\n\nBees are kept.\n\n## Hives\n\nA hive holds frames.\n")
    answerer = answerer_for(index)
    # as `essaybot sections` numbers them: 1 "Introduction", 2 "Hives"
    assert [q.text for q in answerer.ask("What does section 2 say?").quotes] == [
        "A hive holds frames."
    ]
    assert answerer.ask("What does clause 2 say?").declined_because == "the essays have no clause 2"


def test_when_and_where_of_the_essay_itself_in_a_prose_opening(tmp_path: Path) -> None:
    index = _index_of(
        tmp_path,
        "# Ramblers: Minutes of the Annual General Meeting\n\nFourteen members came. The "
        "meeting was held on Thursday 14 March 2024 in the upstairs room of the Ferryman's "
        "Rest, Quay Lane.\n\n## Actions\n\nThe next meeting will be held in March 2025 at a "
        "venue to be decided. It closed at 9.14 pm in good spirits.\n",
    )
    answerer = answerer_for(index)
    held = "The meeting was held on Thursday 14 March 2024 in the upstairs room of the"
    for question in ("When was the meeting?", "Where was the meeting held?"):
        assert answerer.ask(question).quotes[0].text.startswith(held)
    assert answerer.ask("When?").outcome is Outcome.EMPTY  # it names no essay
    # where a thing comes from is not where the meeting was (trial round 37)
    came = answerer_for(index, min_confidence=0.0).ask("Where do the ramblers come from?")
    assert not came.quotes or not came.quotes[0].text.startswith(held)
    assert (
        not answerer_for(index, openings=False, fusion_scores=0.0)
        .ask("When was the meeting?")
        .quotes[0]
        .text.startswith(held)
    )


def test_an_opening_field_answers_for_the_essay_the_question_names(tmp_path: Path) -> None:
    (tmp_path / "minutes.md").write_text(MINUTES, encoding="utf-8")
    (tmp_path / "letter.md").write_text(
        "# A letter to the editor\n\nDate: 2 May 2024\n\nDear Sir, the new bridge is a "
        "disgrace and I want it said in print.\n",
        encoding="utf-8",
    )
    answerer = answerer_for(index_of(tmp_path))
    assert [q.text for q in answerer.ask("When was the meeting?").quotes] == ["Date: 14 March 2025"]
    assert [q.text for q in answerer.ask("When was the letter written?").quotes] == [
        "Date: 2 May 2024"
    ]


def test_when_a_document_was_published_is_its_field_labelled_so(tmp_path: Path) -> None:
    """Trial round 24: "When was version 1.2 published?" of a specification opening with
    "Published: 9 October 2025" had been answered with its abstract."""
    (tmp_path / "spec.txt").write_text(
        "Lantern Telemetry Exchange Protocol, Version 1.2\nStatus: Proposed Standard\n"
        "Published: 9 October 2025\n\nAbstract\n\nThis document specifies version 1.2 of "
        "the protocol, which adds acknowledgement batching.\n\nIntroduction\n\nThe "
        "protocol was first deployed in 2019.\n",
        encoding="utf-8",
    )
    answerer = answerer_for(index_of(tmp_path))
    answer = answerer.ask("When was version 1.2 published?")
    assert [q.text for q in answer.quotes] == ["Published: 9 October 2025"]
    # naming what no title holds, it is answered as any other question
    first = answerer.ask("When was the first edition published?")
    assert [q.text for q in first.quotes] != ["Published: 9 October 2025"]


def test_the_phone_number_or_email_of_the_essay_itself_is_its_contact_line(
    tmp_path: Path,
) -> None:
    """Trial round 24: "What is the phone number?" of a menu shares no word with its contact
    line, "14 Quayside Row, Kilbrannan · Tel. 01632 960 418", and found nothing."""
    (tmp_path / "menu.md").write_text(
        "# Harbour & Hearth, Autumn Dinner Menu\n\nServed Tuesday to Saturday, 5.30 pm to "
        "9.30 pm, in 2024-2025.\n\n14 Quayside Row, Kilbrannan, KB4 2QT · Tel. 01632 960 418\n\n"
        "## Mains\n\nRib-eye steak with chips, £28.\n\nFor groups, please email "
        "events@harbour.example or call 01632 960 419.\n",
        encoding="utf-8",
    )
    (tmp_path / "notes.md").write_text(
        "# Farm notes\n\nThe beef comes from Achnacraig Farm.\n\nCall the farm on 01632 555 777.\n",
        encoding="utf-8",
    )
    answerer = answerer_for(index_of(tmp_path))
    phones = [q.text for q in answerer.ask("What is the phone number?").quotes]
    assert phones == [
        "14 Quayside Row, Kilbrannan, KB4 2QT · Tel. 01632 960 418",
        "Call the farm on 01632 555 777.",
    ]
    menu = answerer.ask("What's the menu's phone number?")
    assert [q.text for q in menu.quotes] == [phones[0]]
    email = answerer.ask("What is the email address?")
    assert [q.text for q in email.quotes] == [
        "For groups, please email events@harbour.example or call 01632 960 419."
    ]
    # a question naming more than the essays' titles is answered as any other
    assert not answerer.ask("What is the phone number of the Glenmore estate?").answered


def test_the_phone_number_of_someone_named_is_the_contact_line_naming_them(
    tmp_path: Path,
) -> None:
    """Trial round 31: "what is Celia's phone number" was declined at 0.39, though her line
    under "Contacts" gives it: it shares only her name with the question."""
    (tmp_path / "choir.txt").write_text(
        "Choir notes\n\nSubscriptions are £65. Have a quiet word with Celia.\n\n"
        "Rehearsals run from 7.30pm to 9.30pm in St Anne's church hall.\n\nContacts\n\n"
        "Celia Abernethy, secretary: 07700 900 318 or secretary@choir.example\n\n"
        "Fergus Mallinder, musical director: via Celia, please, not directly.\n",
        encoding="utf-8",
    )
    answerer = answerer_for(index_of(tmp_path))
    celia = "Celia Abernethy, secretary: 07700 900 318 or secretary@choir.example"
    assert [q.text for q in answerer.ask("what is Celia's phone number").quotes] == [celia]
    assert [q.text for q in answerer.ask("Celia's email address?").quotes] == [celia]
    # nobody's line gives his number
    assert not answerer.ask("What is Fergus's phone number?").answered


def test_who_holds_a_role_is_the_field_labelled_with_it(tmp_path: Path) -> None:
    """Trial round 31: "who is the show secretary" quoted three rules asking exhibitors to
    see "the secretary"; the officers' "Secretary: Mr Kevin Oakes, ..." had ranked fourth."""
    (tmp_path / "catalogue.txt").write_text(
        "Harwell Vale Open Show Catalogue\n\nOfficers\n\nChairman: Mrs Rosalind Threlfall. "
        "Secretary: Mr Kevin Oakes, 4 Damson Close. Treasurer: Mrs Anita Brennan.\n\nRules"
        "\n\nAny complaint about the show must be made in writing to the secretary.\n\n"
        "Please collect your ring number from the secretary's table at the show.\n\n"
        "Signed by the Landlord: Gareth Pellow\n",
        encoding="utf-8",
    )
    from bot.answering._overview import role_fields

    index = index_of(tmp_path)
    answerer = answerer_for(index)
    oakes = "Secretary: Mr Kevin Oakes, 4 Damson Close."
    assert [q.text for q in answerer.ask("Who is the show secretary?").quotes] == [oakes]
    assert [q.text for q in answerer.ask("who's the treasurer").quotes] == [
        "Treasurer: Mrs Anita Brennan."
    ]
    # a role more than the label says, or a label more than the role: no field answers
    assert role_fields(index, "Who is the assistant secretary?", [], 3) == ()
    assert role_fields(index, "Who is the landlord?", [], 3) == ()  # a signature
    assert role_fields(index, "Who is the secretary's dog?", [], 3) == ()
    assert (
        answerer_for(index, openings=False).ask("Who is the show secretary?").quotes[0].text
        != oakes
    )


@pytest.mark.parametrize(
    ("text", "counts"),
    [
        ("4.3 Members who keep a private boat there pay a rack fee.", False),
        ("12. Members must wear a buoyancy aid.", False),
        ("(3) The club may borrow.", False),
        ("4.3 Members keep two boats.", True),
        ("12 people came.", True),
        ("4.5 million people", True),
    ],
)
def test_the_number_a_clause_opens_with_is_no_count(text: str, counts: bool) -> None:
    assert holds_count(text) is counts


def test_a_how_many_question_is_not_answered_by_a_clause_number(tmp_path: Path) -> None:
    """Trial round 16: "How many boats does the club own?" quoted a constitution's clause
    "4.3 Members who keep a private boat ...", its number read as the count."""
    index = _index_of(
        tmp_path,
        "# Constitution\n\n## Boats\n\n4.3 Members who keep a private boat in the boathouse "
        "pay a rack fee set each year by the committee.\n\n4.4 The committee decides who "
        "may take out a boat belonging to the club.\n",
    )
    answer = answerer_for(index, min_confidence=0.0).ask("How many boats does the club own?")
    assert answer.declined_because == "it asks how many and no quoted count is of what it counts"


def test_a_path_says_where(tmp_path: Path) -> None:
    """Trial round 16: "Where is the config file now?" of a changelog's "moved ... to
    ~/.config/tidewater/config.toml" was declined: no quote said where."""
    index = _index_of(
        tmp_path,
        "# Changelog\n\n## 3.0.0\n\nThe config file has moved from ~/.tidewater.toml to "
        "~/.config/tidewater/config.toml; the old file is read once and copied.\n\n"
        "## 2.9.0\n\nBackups of virtual machine images are smaller.\n",
    )
    answer = answerer_for(index, min_confidence=0.0).ask("Where is the config file now?")
    assert answer.answered and "~/.config/tidewater/config.toml" in answer.quotes[0].text


def test_a_letter_inside_a_number_is_no_name(tmp_path: Path) -> None:
    """Trial round 17: "what was plot 14B before I got it" was declined, "it names B, which
    the essays never use": the B of "14B" had been read as a word of its own."""
    index = _index_of(
        tmp_path,
        "# June\n\nMr Okafor has given me half of plot 14B, which used to be his friend's, "
        "for £22 a year.\n\nThe rain came on Tuesday.\n",
    )
    answer = answerer_for(index).ask("what was plot 14B before I got it")
    assert answer.declined_because != "it names B, which the essays never use"
    assert "14B" in answer.quotes[0].text


def test_a_why_question_holding_how_many_asks_for_a_reason(tmp_path: Path) -> None:
    """Trial round 17: "why cant they say how many hedgehogs used the houses" was declined
    by the how-many check: it asks why, not how many."""
    index = _index_of(
        tmp_path,
        "# Results\n\nWe cannot say how many hedgehogs used the houses, because the cameras "
        "could not tell the animals apart.\n\nGardens were visited in June.\n",
    )
    asked = "why cant they say how many hedgehogs used the houses"
    answer = answerer_for(index, min_confidence=0.0).ask(asked)
    assert answer.answered and "cameras" in answer.quotes[0].text


def test_a_name_its_essay_uses_elsewhere_is_not_answered_from_passages_never_naming_it() -> None:
    """Trial round 20: "How many crossings did the Morning Star make to Dunkirk?" was
    answered with the Tamsin's two crossings; a name in a run of capitals is mentioned by
    one of its words ("From the Beacon" for Penhale Beacon)."""
    history = answerer_for(index_of(ROOT / "tests/eval/blind18/history"))
    answer = history.ask("How many crossings did the Morning Star make to Dunkirk?")
    assert answer.declined_because == "it names Morning Star, which no quoted passage mentions"
    index = history.index
    off = answerer_for(index, quoted_names=False).ask(
        "How many crossings did the Morning Star make to Dunkirk?"
    )
    assert "Tamsin" in off.quotes[0].text
    assert history.ask("How many crossings did the Tamsin make to Dunkirk?").answered
    walk = answerer_for(index_of(ROOT / "tests/eval/blind15/trail"))
    beacon = walk.ask("How far away is Lundy Island from Penhale Beacon?")
    assert beacon.answered and "From the Beacon" in beacon.quotes[0].text


def test_shares_sales_and_servings_in_words_answer_their_questions() -> None:
    """Trial round 20: "one in fourteen adults" is a share, "How much did ... sell for?"
    asks for a sum (not "how much was the wall raised"), "Serves 10." counts people, and
    "Makes about 20." under "Welsh Cakes" counts the cakes."""
    from bot.answering._checks import asks_for_money, lacks_counted, lacks_time_or_amount

    def quote(text: str, section: str = "Facts") -> tuple[Quote, ...]:
        return _quotes(text, section=section)

    share = "What share of adults have never used the internet?"
    assert lacks_time_or_amount(share, quote("Around one in fourteen adults has not.")) is None
    assert lacks_time_or_amount(share, quote("Many adults have not.")) is not None
    assert asks_for_money("How much did the Hornby collection sell for?")
    assert asks_for_money("How much is the painting worth?")
    assert not asks_for_money("How much was the flood wall raised?")
    people = "How many people does the Victoria sponge serve?"
    assert lacks_counted(people, quote("Serves 10. Edie's birthday cake.")) is None
    assert lacks_counted(people, quote("Bake for 10 minutes.")) is not None
    cakes = "How many welsh cakes does the recipe make?"
    assert lacks_counted(cakes, quote("Makes about 20.", "Welsh Cakes")) is None
    assert lacks_counted(cakes, quote("Makes about 20.", "Scones")) is not None
    # people counted by what they do (trial round 23), not things: "41 contributors"
    helped = "How many people contributed to 3.0.0?"
    assert lacks_counted(helped, quote("Release 3.0.0 was the work of 41 contributors.")) is None
    assert lacks_counted(helped, quote("Release 3.0.0 fixed 41 bugs.")) is not None


def test_a_bracket_opened_is_quoted_to_its_close(tmp_path: Path) -> None:
    # Trial round 42: "how long is the recording" was answered "[End of recording.", its
    # passage's first sentence, without the second, "Duration 1 hour 12 minutes.]"
    essay = (
        "# Voices of the Quay\n\nThe recording was made at the Methodist Hall in October.\n\n"
        "We talked about the cannery, the fire and the strike.\n\n"
        "[End of recording. Duration 1 hour 12 minutes.]\n"
    )
    answer = answerer_for(_index_of(tmp_path, essay)).ask("how long is the recording")
    assert answer.answered, answer.declined_because
    assert any("[End of recording. Duration 1 hour 12 minutes.]" in q.text for q in answer.quotes)


def test_a_transcripts_turns_are_no_labelled_fields(tmp_path: Path) -> None:
    """Trial round 42: "which hotel in Falmouth did the girls go to work at" (the transcript
    does not say) was answered at confidence 1.0 led by "INTERVIEWER: Maureen Tallis and
    Desmond Keverne, thank you both very much.", read as a catalogue's "Artist:" field."""
    from bot.answering._quotes import section_fields

    turns = [
        "INTERVIEWER: What happened after the fire?",
        "MAUREEN: We were laid off for eleven weeks. Some of the girls went to work at the "
        "hotel in Falmouth and never came back.",
        "DES: I went picking daffodils at Tregarne for a few weeks.",
        "INTERVIEWER: And when did the cannery close?",
        "DES: In 1971, on the twenty-ninth of October.",
        "MAUREEN: I cried all the way home that day.",
        "INTERVIEWER: What was a working day like?",
        "MAUREEN: We packed the pilchards head to tail, so many to a tin.",
        "DES: The hooter went at half past six, and I set the seamers before seven.",
        "INTERVIEWER: Maureen Tallis and Desmond Keverne, thank you both very much.",
        "Recorded at: Pellow Methodist Hall",
    ]
    (tmp_path / "cannery.txt").write_text("Voices of Pellow Quay\n\n" + "\n\n".join(turns))
    index = PassageIndex(load_documents(tmp_path))
    laid_off = next(p for p in index.passages if "laid off" in p.text)
    assert [p.text for p in section_fields(index, laid_off)] == [turns[-1]]
    answer = answerer_for(index).ask("which hotel in Falmouth did the girls go to work at")
    assert not any("thank you" in quote.text for quote in answer.quotes)


def test_an_emails_header_names_no_one_and_its_sign_off_does(tmp_path: Path) -> None:
    """Trial round 24: "Who are the soloists?" of an email thread was answered at confidence
    1.0 by its "Date: Mon, 3 Mar 2025 11:03" header field, led as a catalogue's "Artist:"
    would be; and a sign-off, "Tobias Musical Director", names Tobias."""
    from bot.answering._checks import names_new
    from bot.answering._quotes import section_fields
    from index import analyze

    (tmp_path / "thread.txt").write_text(
        "Concert\n\nFrom: Priya <p@choir.example>\nDate: Mon, 3 Mar 2025 11:03\n"
        "Subject: Concert\n\nThe costs so far are these.\n\nSoloists: £600\n"
        "Artist: Edith Marrable\n\nPriya\n",
        encoding="utf-8",
    )
    index = PassageIndex(load_documents(tmp_path))
    soloists = next(p for p in index.passages if p.text.startswith("Soloists"))
    assert [p.text for p in section_fields(index, soloists)] == ["Artist: Edith Marrable"]
    asked = set(analyze("Who is the musical director?"))
    assert names_new(asked, "Tobias Musical Director")
    assert names_new(asked, "Gwen Atherley")
    assert not names_new(asked, "Printing: £96")
    assert not names_new(asked, "Soloists (soprano and baritone): £600")
    assert not names_new(asked, "Musical Director")
    assert not names_new(asked, "Thanks for all the help with the venue today and yesterday.")


def test_an_emails_date_says_when_it_was_sent_not_when_its_subject_is(tmp_path: Path) -> None:
    """Trial round 24: "When is the spring concert?" of a thread titled with it was answered
    at confidence 1.0 by the first message's "Date: Mon, 3 Mar 2025 07:42", as a meeting's
    minutes' "Date:" answers "When was the meeting?"; and then by the first sentence of its
    opening to hold a word of time ("... at least six weeks"), which is no date."""
    (tmp_path / "thread.txt").write_text(
        "Re: Spring concert venue (the church flooded)\n\nFrom: Maureen <m@choir.example>\n"
        "Date: Mon, 3 Mar 2025 07:42\nSubject: Spring concert venue\n\nThe church is flooded "
        "and closed for at least six weeks.\n\nThe tickets are sold and the programmes are "
        "printed.\n\nMaureen\n",
        encoding="utf-8",
    )
    answerer = answerer_for(index_of(tmp_path))
    for question in ("When is the spring concert?", "When does the concert start?"):
        assert not any(
            "3 Mar 2025" in q.text or "six weeks" in q.text for q in answerer.ask(question).quotes
        )


@pytest.mark.parametrize(
    ("heading", "dates"),
    [
        ("Saturday 25 May", True),
        ("1.6.0 (2024-05-12)", True),
        ("Mon, 3 Mar 2025 07:42", True),
        ("Day 3: Porto", True),
        ("Offers in excess of £412,500", False),
        ("2. Service intervals", False),
        ("Question 4", False),
    ],
)
def test_a_heading_dates_its_passages_by_a_date_not_by_any_figure(
    heading: str, dates: bool
) -> None:
    """Trial round 25: "When was the loft converted?" was answered at confidence 1.0 by "...
    a converted loft and no onward chain." under the price line, "Offers in excess of
    £412,500", read as a heading: any figure in a heading had dated its passages."""
    from bot.answering._checks import lacks_time_or_amount

    text = "A house with a converted loft and no onward chain."
    declined = lacks_time_or_amount("When was the loft converted?", _quotes(text, section=heading))
    assert (declined is None) is dates


def test_a_size_answers_how_long_and_paying_for_asks_for_a_use() -> None:
    """Trial round 24: "How long is the message header?" of "a fixed header of 16 bytes" and
    "How long is the budget book?" of "212 pages" had been declined for want of a duration;
    "What does the increase pay for?" asks what it buys, not a sum."""
    from bot.answering._checks import asks_for_money, lacks_time_or_amount

    quote = _quotes

    header = "How long is the message header?"
    assert lacks_time_or_amount(header, quote("A fixed header of 16 bytes.")) is None
    assert lacks_time_or_amount(header, quote("It ends with a 16-byte tag.")) is None
    assert lacks_time_or_amount(header, quote("Copies run to 212 pages.")) is None
    assert lacks_time_or_amount(header, quote("The header has many words in it.")) is not None
    assert not asks_for_money("What does the Council on Aging increase pay for?")
    assert asks_for_money("What does the ferry charge for a car?")
    assert asks_for_money("What do members pay for a plot?")


def test_a_figure_the_first_quote_lacks_is_quoted_from_its_passage() -> None:
    """Trial round 20: "... which had 4,300 signatures by last weekend." was declined as
    naming no 5000; the passage's next sentence says "If it reaches 5,000, ..."."""
    index = index_of(ROOT / "tests/eval/blind18/opinion")
    question = "What happens if the petition gets 5000 signatures?"
    answer = answerer_for(index).ask(question)
    assert answer.answered, answer.declined_because
    assert "If it reaches 5,000" in " ".join(quote.text for quote in answer.quotes)
    unmended = answerer_for(index, mend_quotes=False).ask(question)
    assert unmended.declined_because == "it names 5000, which no quote holds"


def test_a_short_sentence_is_weighed_under_its_heading_too() -> None:
    """Trial round 20: "Serves 10." under "Victoria Sponge" was ranked first for "How many
    people does the Victoria sponge serve?" and declined at confidence 0.36; read under its
    heading too, it is sure enough. Its similarity is never less than the sentence's own."""
    from bot.similarity import best_similarity

    question = "How many people does the Victoria sponge serve?"
    alone = best_similarity(question, ["Serves 10."])
    headed = best_similarity(question, ["Serves 10."], "Victoria Sponge")
    assert headed > alone + 0.2
    assert best_similarity(question, ["Serves 10."], "Ferry timetable") >= alone
    index = index_of(ROOT / "tests/eval/blind18/recipes")
    answer = answerer_for(index).ask(question)
    assert answer.answered and answer.quotes[0].text.startswith("Serves 10.")
    assert not answerer_for(index, headings=False).ask(question).answered
    assert read_heading("Cheese Scones › Method") == "Cheese Scones, Method"
    assert read_heading("Introduction") == ""  # the parser's name, not the writer's


def test_a_guest_s_answer_ending_by_asking_the_other_guest_is_their_own_answer() -> None:
    """Trial round 20: Jo's "... We call that braiding. Owen, why don't you explain the
    drainage side?" was ranked as Owen's turn after it, so "What is braiding?" never quoted
    it; a short lead-in and its question still ask ("I remember that! You had a grade four
    exam that afternoon. Did you pass?" then "JIM: Distinction.")."""
    podcast = answerer_for(index_of(ROOT / "tests/eval/blind18/podcast"))
    answer = podcast.ask("What is braiding?")
    assert answer.answered and "We call that braiding." in " ".join(q.text for q in answer.quotes)
    ferry = answerer_for(index_of(ROOT / "tests/eval/blind5/ferry-interview"))
    passed = ferry.ask("Did Jim pass his music exam?")
    assert passed.answered and passed.quotes[0].text.startswith("JIM: Distinction.")


def test_an_interview_s_prompts_without_labels_are_answered_by_the_passage_after(
    tmp_path: Path,
) -> None:
    """Trial round 21: a magazine's bold questions ("You grew up in the Netherlands. How did
    you end up breeding apples in Herefordshire?") were quoted as the answer; a section
    alternating prompts and answers reads them as an interviewer's. An essay's paragraph
    ending in a question is not one."""
    interview = answerer_for(index_of(ROOT / "tests/eval/blind19/interview"))
    taught = interview.ask("Who taught her to breed apples?")
    assert taught.answered and taught.quotes[0].text.startswith("A man called Harold Penfold")
    (tmp_path / "essay.md").write_text(
        "# Ponds\n\nA garden pond needs sun for half the day. Will frogs find it?\n\n"
        "They will, within a season, if there is a ditch nearby.\n"
    )
    pond = answerer_for(index_of(tmp_path)).ask("Will frogs find a garden pond?")
    assert pond.answered and pond.quotes[0].text.startswith("A garden pond needs sun")


def test_a_who_question_is_answered_by_a_labelled_field_of_its_section() -> None:
    """Trial round 21: "Who painted The Herring Season, Pellingham Quay?" quoted the object's
    description, which names no one, and was declined; its "Artist:" line answers it. A
    where question is not led by a field ("Power: 2,200 W" is no place)."""
    museum = answerer_for(index_of(ROOT / "tests/eval/blind19/museum"))
    painted = museum.ask("Who painted The Herring Season, Pellingham Quay?")
    assert painted.answered and painted.quotes[0].text == "Artist: Edith Marrable"
    kettles = answerer_for(index_of(ROOT / "tests/eval/dev4/kettle-comparison-review"))
    where = kettles.ask("Where is the cheapest place to buy the Pemberton?")
    assert not any(q.text.startswith("Power:") for q in where.quotes)


def test_a_reason_names_a_name_without_its_possessive() -> None:
    """Trial round 21: "it names Pellingham's, which no quoted passage mentions" read oddly."""
    museum = answerer_for(index_of(ROOT / "tests/eval/blind19/museum"))
    answer = museum.ask("When did Pellingham's fish market close?")
    assert answer.declined_because == "it names Pellingham, which no quoted passage mentions"


def test_a_year_the_essay_s_title_names_is_held_by_its_quotes() -> None:
    """Trial round 21: "total spending 2023-24" of the "Annual Report 2023-24" was declined
    as naming 2023, which no quote holds; a year the title does not name still is."""
    council = answerer_for(index_of(ROOT / "tests/eval/blind19/council"))
    spent = council.ask("total spending 2023-24")
    assert spent.answered and spent.quotes[0].text.startswith("Total spending was £2,198,730")
    before = council.ask("What was total spending in 2022-23?")
    assert before.declined_because == "it names 2022, which no quote holds"


def test_one_word_of_a_name_stands_for_it_only_as_written() -> None:
    """Trial round 21: "How many trees were planted at Memorial Park?" quoted Gorse Hill's
    6,200 trees under the heading "Parks and Open Spaces", whose "Parks" mentioned the park;
    a name's word written as the name is written still mentions it ("the Beacon")."""
    council = answerer_for(index_of(ROOT / "tests/eval/blind19/council"))
    trees = council.ask("How many trees were planted at Memorial Park?")
    assert trees.declined_because == "it names Memorial Park, which no quoted passage mentions"
    planted = council.ask("How many trees were planted at Gorse Hill?")
    assert planted.answered and "6,200" in planted.quotes[0].text


def test_a_heading_dates_its_passages_only_by_a_figure_or_a_calendar_name() -> None:
    """Trial round 21: "When did Edith Marrable die?" was answered "Artist: Edith Marrable",
    dated by its heading "The Herring Season, Pellingham Quay" ("season")."""
    museum = answerer_for(index_of(ROOT / "tests/eval/blind19/museum"))
    died = museum.ask("When did Edith Marrable die?")
    assert not died.answered or any("1948" in quote.text for quote in died.quotes)


def _tasting(folder: Path, fields: dict[str, str]) -> PassageIndex:
    """A tasting's catalogue: per dram (its heading), a field of `fields`, then two more."""
    drams = (
        f"## {name}\n\n{field}\n\nABV: 46%\n\nNose: smoke and brine.\n\n"
        for name, field in fields.items()
    )
    return _index_of(folder, "# Autumn tasting\n\n" + "".join(drams))


def test_a_labelled_field_naming_a_place_says_where(tmp_path: Path) -> None:
    """Trial round 23's tasting catalogue: "Where is Dunlossit Moss from?" had been declined
    ("no quote says where"), "Region: Campbeltown" quoted: a field's value opens its line."""
    regions = {
        "Dunlossit Moss 15 Year Old": "Campbeltown",
        "Kilmorran 12": "Speyside",
        "Isle of Tarsay 8": "Islay",
        "Auchtervane 10": "Highland",
    }
    index = _tasting(tmp_path, {name: f"Region: {region}" for name, region in regions.items()})
    answer = answerer_for(index).ask("Where is Dunlossit Moss from?")
    assert answer.answered and answer.quotes[0].text == "Region: Campbeltown"
    # a field of no place does not say where
    passage = answer.quotes[0].passage
    for text, says in [("Region: Campbeltown", True), ("ABV: 46%", False), ("Nose: smoke", False)]:
        reason = lacks_place("Where is it from?", [Quote(text, passage, 0.0)])
        assert (reason is None) == says


def test_a_name_holding_a_word_of_time_is_no_question_of_the_essays_opening(
    tmp_path: Path,
) -> None:
    """Trial round 23: "When is Apple Day this year?" of a podcast titled "The Apple
    Detectives" was answered with the opening's "Recorded 3 October 2026 at Carrow
    Orchard." at confidence 1.0: "Day" was read as asking of the event, "Apple" as naming
    the essay."""
    index = _index_of(
        tmp_path,
        "# The Apple Detectives\n\nRecorded 3 October 2026 at Carrow Orchard, near Ledbury. "
        "Hosts Freya Calloway and Dev Mistry, with their guest Rosalind Acheson.\n\n"
        "FREYA: Welcome to the orchard, where the late apples are coming ripe this week.\n\n"
        "ROSALIND: Our Apple Day is on the third Sunday of October, so this year that's the "
        "eighteenth.\n\nROSALIND: We graft forty new trees every winter in the old nursery.\n",
    )
    answer = answerer_for(index, min_confidence=0.0).ask("When is Apple Day this year?")
    assert "third Sunday of October" in answer.quotes[0].text
    recorded = answerer_for(index).ask("When was The Apple Detectives recorded?")
    assert recorded.quotes[0].text.startswith("Recorded 3 October 2026")


def test_a_first_passage_holding_the_value_asked_and_every_name_answers(tmp_path: Path) -> None:
    """Trial round 23: "How much does the Tarsay 8 cost?" was declined at confidence 0.296
    with "Price: £39" under "Isle of Tarsay 8" first: "cost" is not "price", and a field
    line says little to the sentence model. Holding a sum and every other word of the
    question, the value and the words decide, as the cascade's words do."""
    prices = {"Isle of Tarsay 8": "£39", "Auchtervane 10": "£42", "Kilmorran 12": "£55"}
    index = _tasting(tmp_path, {name: f"Price: {price}" for name, price in prices.items()})
    strict = answerer_for(index, min_confidence=0.9)  # meaning alone is too weak here
    answer = strict.ask("How much does the Tarsay 8 cost?")
    assert answer.answered and answer.quotes[0].text == "Price: £39"
    assert answer.confidence == 1.0 and answer.surest is not None
    assert answer.surest.coverage == 1.0 and answer.surest.similarity is not None
    off = answerer_for(index, min_confidence=0.9, typed_lead=False)
    assert not off.ask("How much does the Tarsay 8 cost?").answered
    # a name the first passage does not hold, or no sum in it: weak evidence as before
    assert not strict.ask("How much does the Tarsay 12 cost?").answered
    assert not strict.ask("How much smoke does the Tarsay 8 have?").answered


def test_a_size_or_a_day_asked_for_is_a_value_the_first_passage_may_hold(tmp_path: Path) -> None:
    """Trial round 34: "how tall is the wellingtonia" was declined at 0.42 with the tree's
    row ("T4 | Wellingtonia | Rear garden | 27 m") first, and "what day are my fillings
    booked" at 0.42 with the appointment's: "how tall" and "what day" asked for no value."""
    index = _index_of(
        tmp_path,
        "# Notice\n\n## Schedule of trees\n\n| Tree | Species | Height |\n| --- | --- | --- |\n"
        "| T1 | English oak | 21 m |\n| T4 | Wellingtonia | 27 m |\n\n## Appointments booked"
        "\n\n| Date | Treatment |\n| --- | --- |\n| Friday 24 October | UL4 fillings |\n"
        "\n## Pumps\n\n| Pump | Noise |\n| --- | --- |\n| Drayton | 41 dB |\n| Calder | 44 dB |\n",
    )
    strict = answerer_for(index, min_confidence=0.9)  # meaning alone is too weak here
    for asked, said in (
        ("how tall is the wellingtonia", "27 m"),
        ("what day are my fillings booked", "Friday 24 October"),
        ("how loud is the Drayton pump", "41 dB"),  # trial round 36: "how loud" too
    ):
        answer = strict.ask(asked)
        assert answer.answered and said in answer.quotes[-1].text, asked
        assert not answerer_for(index, min_confidence=0.9, typed_lead=False).ask(asked).answered


@pytest.mark.parametrize(
    ("question", "thing"),
    [
        ("What is Quillprint?", "Quillprint"),
        ("what's an ETP", "ETP"),
        ("Who is Miss Corrigan?", "Miss Corrigan"),
        ("What is the wetted perimeter?", "wetted perimeter"),
        ("What is she famous for?", None),
        ("What was her job?", None),
        ("What is Corvalan used for?", None),
        ("What is the fare cap for residents?", None),
    ],
)
def test_a_question_asking_only_what_a_thing_is(question: str, thing: str | None) -> None:
    from bot.answering._ranking import asks_definition

    assert asks_definition(question) == thing


def test_what_a_thing_is_is_answered_by_the_passage_defining_it(tmp_path: Path) -> None:
    """Trial round 25: "What is Quillprint?" of a page whose every passage names it quoted the
    shortest, "Check the service's state first:"; a sentence opening "Quillprint is the ..."
    defines it, as "... the foam, called the krausen" does, and "Quillprint is slow" and
    "Quillprint is retiring" do not."""
    (tmp_path / "quillprint.md").write_text(
        "# Quillprint troubleshooting\n\n## Before you start\n\nCheck Quillprint first.\n\n"
        "Quillprint is slow on Mondays, and Quillprint is retiring next year.\n\n"
        "## Overview\n\nWarehouse staff print labels all day long from every packing "
        "station, and most of them never think about how. Quillprint is the label-printing "
        "service that runs on every packing station in the warehouse.\n\n"
        "## Brewing\n\nLeave a fifth of the jar empty for the foam, called the krausen, which "
        "rises on the second day.\n",
        encoding="utf-8",
    )
    answerer = answerer_for(index_of(tmp_path))
    quotes = answerer.ask("What is Quillprint?").quotes
    assert quotes[0].text.startswith("Quillprint is the label-printing service")
    assert answerer.ask("What is krausen?").quotes[0].text.startswith("Leave a fifth")
    off = answerer_for(index_of(tmp_path), definitions=False).ask("What is Quillprint?")
    assert not off.quotes[0].text.startswith("Quillprint is the label-printing service")


def test_a_thing_asked_which_is_named_before_or_inside_its_mention_or_by_the() -> None:
    """Trial round 26: "Which room has its own shower?" was declined at confidence 1.0 as
    "the quotes only mention one" of "the Otter room is a private family room ... with its
    own shower"; so was "Which header does the API key go in?" of "sent in the X-Quaywise-Key
    header" quoted with "a Retry-After header giving ..."."""
    from bot.answering._checks import mentions_only

    quoted = _quotes

    shower = "Which room has its own shower?"
    rooms = "The Heron room sleeps six; the Otter room is a family room with its own shower."
    assert mentions_only(shower, quoted(rooms)) is None
    # an adverb is no part of what is asked: not "which still" (trial round 39)
    still = "Which hospital still has a single night porter?"
    netherby = "The community hospital at Netherby, where a single porter still covers nights."
    assert mentions_only(still, quoted(netherby)) is None
    assert (
        mentions_only(shower, quoted("There is a private family room with its own shower."))
        is not None
    )
    header = "Which header does the API key go in?"
    assert (
        mentions_only(
            header,
            quoted(
                "It is sent in the X-Quaywise-Key header.", "We return a header giving the wait."
            ),
        )
        is None
    )
    assert mentions_only(header, quoted("We return a Retry-After header giving the wait.")) is None
    assert mentions_only(header, quoted("We return a header giving the wait.")) is not None


def test_a_person_asked_who_is_named_as_what_the_quote_says_they_are() -> None:
    """Trial round 31: "who is the youngest player" was declined at confidence 1.0 as "the
    quotes only mention one" of "Eight-year-old Ruby Tollemache is the youngest player in
    the congress ..., with a win against a player rated 1340"."""
    from bot.answering._checks import mentions_only

    youngest = "who is the youngest player"
    ruby = "Eight-year-old Ruby Tollemache is the youngest player, with a win against a player."
    assert mentions_only(youngest, _quotes(ruby)) is None
    # the youngest player not named: "a player" says nobody
    vague = "The youngest player is on 2 points, with a win against a player rated 1340."
    assert mentions_only(youngest, _quotes(vague)) is not None
    assert (
        mentions_only(youngest, _quotes("She is the youngest player, beating a player."))
        is not None
    )


def test_a_catalogue_entry_number_is_no_time(tmp_path: Path) -> None:
    """Trial round 31: "when was brackenside otter born" was answered at confidence 1.0 with
    its entry's "102 BRACKENSIDE OTTER, owned by Mr and Mrs D. Ferris." and its sire, the
    entry's number read as a time; its "Born 30 September 2024." is quoted now."""
    from bot.answering._checks import lacks_time_or_amount

    asked = "when was brackenside otter born"
    entry = "102 BRACKENSIDE OTTER, owned by Mr and Mrs D. Ferris."
    assert lacks_time_or_amount(asked, _quotes(entry)) is not None
    assert lacks_time_or_amount(asked, _quotes(entry, "Born 30 September 2024.")) is None
    # a time labelling a log's line is one: "0715. Slipped from the quay."
    assert (
        lacks_time_or_amount("When did they sail?", _quotes("0715. Slipped from the quay.")) is None
    )
    (tmp_path / "show.txt").write_text(
        "Open Show Catalogue\n\nClass 1 Minor Puppy Dog\n\n101 HOLLYMEAD SUMMER STORM, owned by "
        "Mrs J. Pettifer. Br Exh. Born 12 October 2024. Sire Hollymead Thunder Road, dam "
        "Hollymead Daisy Chain. Yellow.\n\n102 BRACKENSIDE OTTER, owned by Mr and Mrs D. "
        "Ferris. Br Mrs L. Anstey. Born 30 September 2024. Sire Warrenhill Moss, dam "
        "Brackenside Bramble. Black.\n",
        encoding="utf-8",
    )
    answer = answerer_for(index_of(tmp_path)).ask(asked)
    assert any("30 September 2024" in quote.text for quote in answer.quotes)


def test_a_tables_header_row_names_no_one(tmp_path: Path) -> None:
    """Trial round 32: "what brand of solar panels are they using" was answered at
    confidence 1.0 with "Item | Cost" over "Solar panels, inverters and frames ... |
    £412,000", the header's column names read as a maker's name."""
    (tmp_path / "offer.md").write_text(
        "# Share offer\n\n## How the money will be used\n\n| Item | Cost |\n| --- | --- |\n"
        "| Solar panels, inverters and frames for the solar farm | £412,000 |\n"
        "| Roof panels for the schools | £98,000 |\n\n## Who\n\n| Role | Person |\n"
        "| --- | --- |\n| Chair | Dr Amara Quist |\n",
        encoding="utf-8",
    )
    answerer = answerer_for(index_of(tmp_path))
    brand = answerer.ask("what brand of solar panels are they using")
    assert brand.declined_because == "it asks for a name and no quote holds one"
    chair = answerer.ask("Who is the chair?")  # a row naming someone still does
    assert chair.answered and any("Amara Quist" in q.text for q in chair.quotes)


def test_asking_who_someone_is_a_pronoun_names_nobody() -> None:
    """Trial round 39: "Who was the director of estates?" was answered at confidence 1.0 by
    "The director of estates looked at the two sheets ... Then he asked how many forms we
    had." Asking who did something, a pronoun may still answer ("I" of a memoir)."""
    from bot.answering._checks import lacks_person

    director = _quotes('"The director of estates looked at them. Then he asked how many we had."')
    assert lacks_person("Who was the director of estates?", director) is not None
    assert lacks_person("Who asked how many forms there were?", director) is None
    named = _quotes("The director of estates, Ruth Abiola, looked at them.")
    assert lacks_person("Who was the director of estates?", named) is None


def test_email_as_a_verb_asks_for_no_address() -> None:
    """Trial round 26: "What date did she first email about the stain?" was declined as
    asking for an email address."""
    from bot.answering._checks import asks_for_email

    assert not asks_for_email("What date did she first email about the stain?")
    assert not asks_for_email("What do I email them about?")
    assert asks_for_email("What is Helena Marsh's email address?")
    assert asks_for_email("Which email do I write to?")
    # an email sent, not an address (trial round 39: declined as "it asks for an email address")
    assert not asks_for_email("Which email might have been a protected disclosure?")
    assert not asks_for_email("What email did he send to the manager?")
    assert not asks_for_email("What emails were sent that week?")
    assert asks_for_email("What email address did she give?")


@pytest.mark.parametrize(
    ("text", "holds"),
    [
        ("0715. Slipped from Custom House Quay under engine.", True),
        ("Hove to at 1430 hrs.", True),
        ("1912. The bridge opened.", False),
        ("In 1430 the abbey burned.", False),
    ],
)
def test_a_24_hour_clock_is_a_time_of_day_and_a_year_is_not(text: str, holds: bool) -> None:
    """Trial round 26: a deck log's every entry opens with its time ("0715.")."""
    from bot.answering._checks import lacks_time_or_amount

    quotes = _quotes(text, section="Log")
    assert (lacks_time_or_amount("What time did they slip?", quotes) is None) is holds


def test_a_sermons_byline_says_who_preached_it_where_and_when(tmp_path: Path) -> None:
    """Trial round 26: "Who preached the sermon?" was told the essays do not say who wrote
    them, and "When was this sermon given?" found nothing, though the sermon opens
    "Preached by the Revd Canon Judith Marwood at St Oswin's Church, ..., on Sunday 28
    September 2025"."""
    (tmp_path / "sermon.txt").write_text(
        "Bigger Barns: A Sermon for Harvest Festival\n\nPreached by the Revd Canon Judith "
        "Marwood at St Oswin's Church, Lower Hesket, on Sunday 28 September 2025\n\n"
        "Good morning, and a very happy harvest to you all. The rich fool built bigger barns "
        "and kept the grain for himself alone.\n\nThe food bank needs tins and dry goods more "
        "than fresh marrows, and the vicarage takes them on weekdays.\n",
        encoding="utf-8",
    )
    answerer = answerer_for(index_of(tmp_path))
    preached = "Preached by the Revd Canon Judith Marwood"
    for question in ("Who preached the sermon?", "When was this sermon given?"):
        assert answerer.ask(question).quotes[0].text.startswith(preached)


def test_a_forum_poster_is_named_by_the_run_together_name_heading_their_post(
    tmp_path: Path,
) -> None:
    # Trial round 27: "What did Ellie pay per square metre?" was declined ("it names Ellie,
    # which no quoted passage mentions") though her post, headed "#6 EcoHomeEllie, ...", was
    # quoted: the thread names her elsewhere ("Thanks Ellie").
    thread = "Damp thread\n\n#1  hollybank_hannah  »  Tue 14 Jan 2025, 21:47\n\n"
    thread += "Black mould keeps coming back on the bedroom wall. Any ideas?\n\n"
    thread += "#2  EcoHomeEllie  »  Wed 15 Jan 2025, 18:40\n\n"
    thread += "Use wood fibre boards finished with lime plaster. We paid about £95 per square "
    thread += "metre installed for 60mm wood fibre on our end terrace in 2023.\n\n"
    thread += "#3  hollybank_hannah  »  Sat 25 Jan 2025, 16:20\n\n"
    thread += "Thanks Ellie, and thanks everyone else who replied to the thread.\n"
    (tmp_path / "thread.txt").write_text(thread, encoding="utf-8")
    answer = answerer_for(index_of(tmp_path)).ask("What did Ellie pay per square metre?")
    assert answer.answered, answer.declined_because
    assert "£95 per square metre" in answer.quotes[0].text
    assert answer.quotes[0].passage.section == "#2 EcoHomeEllie, Wed 15 Jan 2025, 18:40"


def test_a_decomposed_accent_is_read_composed() -> None:
    # Red-team round 24 (F7): "Chine\u0301se" had been read as naming "Chine"
    assert as_read("Zoe\u0308 O\u0308degard and Chine\u0301se") == "Zoë Ödegard and Chinése"


@pytest.mark.parametrize(
    ("asked", "email", "phone"),
    [
        ("email address", True, False),
        ("admissions email", True, False),
        ("ward phone number", False, True),
        ("What is the phone number?", False, True),
        ("can notices be sent by email", False, False),  # a question of its own
        ("Is there a phone number?", False, False),
        ("email address for objections", True, False),  # and whose (trial round 34)
        ("phone number of the vet", False, True),
        ("send it by email to the office", False, False),
    ],
)
def test_a_contact_typed_as_a_search_asks_for_one(asked: str, email: bool, phone: bool) -> None:
    # Trial round 27: "email address" of a CV had not been read as asking for one
    assert (asks_for_email(asked), asks_for_phone(asked)) == (email, phone)


def test_an_email_address_asked_of_a_cv_is_its_owners_not_a_referees(tmp_path: Path) -> None:
    # Trial round 27: the referee's "Email: carol.ndiaye@post.example" fitted the word "email"
    # better than the CV's own contact line, which has no label
    cv = "# Ingrid Falkenrath\n\nLeeds · 07700 900 551 · ingrid.falkenrath@mailbox.example\n\n"
    cv += "## Profile\n\nA hydrologist with ten years of flood modelling for councils.\n\n"
    cv += "## Referees\n\nCarol Ndiaye, Area Manager. Email: carol.ndiaye@post.example\n"
    (tmp_path / "cv.md").write_text(cv, encoding="utf-8")
    answer = answerer_for(index_of(tmp_path)).ask("email address")
    assert answer.answered and "ingrid.falkenrath@mailbox.example" in answer.quotes[0].text


def test_a_month_or_day_as_dates_shorten_it_names_what_it_shortens(tmp_path: Path) -> None:
    # Trial round 28: "How did Pendle Bridge get on against St Oswin's on 2 Feb?" had been
    # declined as naming "Feb", which the essays never use; they say "2 February"
    (tmp_path / "league.md").write_text(
        "# Results\n\nOn Sunday 2 February 2025 Pendle Bridge beat St Oswin's 2-1.\n",
        encoding="utf-8",
    )
    index = index_of(tmp_path)
    assert unknown_names("Who won on 2 Feb?", index) == []
    assert unknown_names("Who won on Thurs 6 Feb?", index) == ["Thurs"]  # no Thursday there
    assert unknown_names("Who is Jan?", index) == ["Jan"]  # a name as often: not January


def test_an_everyday_word_the_essays_never_use_is_read_as_their_nearest(tmp_path: Path) -> None:
    # Trial round 34: "what are the kids eating" shared no word with the children's menu and
    # was declined at confidence 0.
    essay = (
        "# Wedding day\n\n## Food\n\nChildren's menu for the 7 children: chicken goujons and "
        "ice cream.\n\nThe cake is cut at 8pm, after the speeches.\n\n## Sunday\n\nBrunch "
        "for the family on Sunday at the hotel.\n\n## Guests\n\nAlice Hart sits at table 2.\n"
    )
    index = _index_of(tmp_path, essay)
    answer = answerer_for(index).ask("what are the kids eating")
    assert answer.read_as == "what are the children eating"
    assert answer.answered and "chicken goujons" in answer.quotes[0].text
    off = answerer_for(index, synonyms=False).ask("what are the kids eating")
    assert not off.read_as and not off.answered

    def unloadable() -> NoReturn:
        raise AssertionError("the model's words were read")

    # the model's words are read only for a word the essays never use that may stand for
    # one of theirs: not a stopword, a number, a name typed with a capital, nor a word
    # framing the question, which asks nothing of them (a cold ask need not read them)
    asked = "What did Putin say on Sunday about the three cakes?"
    assert with_synonyms(asked, index, unloadable, 0.7) == asked
    # and at most 8 words a question are looked up, whatever its length
    flood = with_synonyms(" ".join(["kids"] * 100), index, word_vectors, 0.7).split()
    assert flood.count("children") == 8 and flood.count("kids") == 92
    # not a day for another day, nor a name for another, nor a word typed with a capital
    for kept in ("what happens on saturday", "where does alison sit", "what are the Kids eating"):
        assert not answerer_for(index).ask(kept).read_as, kept


def test_a_sentence_holding_a_word_of_the_question_no_quote_holds_is_quoted(
    tmp_path: Path,
) -> None:
    """Trial round 36: "Will I be paid during jury service?" quoted only "If you are called
    for jury service, tell your manager ...", at confidence 1.0; the pay came after it."""
    index = _index_of(
        tmp_path,
        "# Handbook\n\n## Jury service\n\nIf you are called for jury service, tell your manager "
        "as soon as you receive the summons. Keep a copy of it. Bring it to the office. The "
        "company will continue to pay your normal salary for up to 15 working days.\n\n"
        "## Pay\n\nWe pay monthly.\n\nOvertime is paid at time and a half.\n\n"
        "Sick pay starts on day one.\n\nHoliday pay is your usual pay.\n",
    )
    question = "Will I be paid during jury service?"
    quoted = " ".join(q.text for q in answerer_for(index).ask(question).quotes)
    assert "pay your normal salary" in quoted and "Bring it" not in quoted
    alone = answerer_for(index, quote_uncovered=False).ask(question).quotes
    assert "pay your normal salary" not in " ".join(q.text for q in alone)
