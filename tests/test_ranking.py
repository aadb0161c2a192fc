"""The answer's ranking: interview questions followed, fusion with meaning, the surest leading."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import pytest

from bot.answering import DEFAULT_POLICY, Quote
from bot.answering._cascade import context, coverages
from bot.answering._checks import lacks_time_or_amount, mentions_only
from bot.answering._ranking import asks, follow_questions, fuse, lead, without_measure
from index import Hit, PassageIndex, load_documents
from tests.helpers import answerer_for

INTERVIEW = """\
# Forty Summers

## The work

Q: How much cheese do you make in a season?

A: In a good year we make around 190 wheels, each weighing about 30 kilograms.

Q: Why do you still use a copper kettle?

A: Copper gives the cheese a slight nuttiness that steel never does.

## Later

Q: Do you ever rest?

Only in winter, when the alp is under snow.
"""


@pytest.fixture
def interview(tmp_path: Path) -> PassageIndex:
    (tmp_path / "interview.md").write_text(INTERVIEW, encoding="utf-8")
    return PassageIndex(load_documents(tmp_path))


def test_following_is_the_next_passage_of_the_same_section(interview: PassageIndex) -> None:
    first, answer, *_, rest, last = interview.passages
    assert interview.following(first) == answer
    assert interview.following(rest) == last
    assert interview.following(last) is None  # the end of the essay
    work_last = next(p for p in interview.passages if "nuttiness" in p.text)
    assert interview.following(work_last) is None  # the next passage is in another section


def test_preceding_is_the_passage_before_in_the_same_section(interview: PassageIndex) -> None:
    first, answer, *_ = interview.passages
    assert interview.preceding(answer) == first
    assert interview.preceding(first) is None  # the start of the essay
    later = next(p for p in interview.passages if p.text.startswith("Q: Do you ever rest"))
    assert interview.preceding(later) is None  # the passage before is in another section


def test_a_followed_answer_is_covered_by_its_questions_words(interview: PassageIndex) -> None:
    """ "What wheels of cheese does she make each season?" weighs the answer about 190 wheels,
    which lacks "cheese" and "season": the question it answers has them."""
    question = "What wheels of cheese does she make each season?"
    terms = interview.query(question)
    answer = next(p for p in interview.passages if "190 wheels" in p.text)
    hits = [Hit(answer, 1.0, 1)]
    ((read_with, _),) = coverages(interview, terms, hits, DEFAULT_POLICY)
    ((alone, _),) = coverages(interview, terms, hits, replace(DEFAULT_POLICY, context_words=False))
    assert read_with == 1.0 > alone
    # The title's words ("Forty Summers": no passage uses them), and no question before it
    assert context(interview, interview.passages[0]) == {"forti", "summer"}
    asked = {"q", "much", "chees", "make", "season", "work"}  # and the heading, "The work"
    assert context(interview, answer) == {"forti", "summer", *asked}


def test_a_followed_answer_is_as_near_in_meaning_as_its_question(tmp_path: Path) -> None:
    (tmp_path / "lock.txt").write_text(
        "Interview with a Lock Keeper\n\n"
        "INTERVIEWER: How long have you worked on the river?\n\n"
        "DAVIES: Twenty-six years this June. I started as a relief keeper at Hambleden.\n\n"
        "INTERVIEWER: What is the hardest part of the job?\n\n"
        "DAVIES: Floods. In 2014 the water came over the lock gates and we had to close the "
        "lock for nine days.\n",
        encoding="utf-8",
    )
    index = PassageIndex(load_documents(tmp_path))
    question = "What is the hardest part of being a lock keeper?"
    meaning = {"words_cover": math.inf}  # meaning decides, not the words alone
    answer = answerer_for(index, **meaning).ask(question)
    assert answer.answered and "Floods." in answer.quotes[0].passage.text
    # alone, "DAVIES: Floods. In 2014 the water came over ..." is far from the question
    alone = answerer_for(index, context_words=False, **meaning).ask(question)
    assert not alone.answered and alone.confidence < 0.45
    near, far = answer.surest, alone.surest
    assert near is not None and far is not None
    assert near.similarity is not None and far.similarity is not None
    assert near.similarity > far.similarity + 0.15  # the interviewer's question is near


@pytest.mark.parametrize(
    ("question", "counted"),
    [
        ("Where was the interview recorded?", True),  # "interview" only in the title
        ("Where is the lighthouse?", False),  # a title word the passages use stays theirs
    ],
)
def test_title_words_no_passage_uses_count_for_the_essays_passages(
    tmp_path: Path, question: str, counted: bool
) -> None:
    (tmp_path / "keeper.txt").write_text(
        "Interview with a Lighthouse Keeper\n\n"
        "Recorded on 14 March 2021 at the keeper's cottage in Portnacroish.\n\n"
        "The lighthouse stands on a reef two miles out.\n",
        encoding="utf-8",
    )
    index = PassageIndex(load_documents(tmp_path))
    terms = index.query(question)
    recorded = Hit(index.passages[0], 1.0, 1)
    ((_, matched),) = coverages(index, terms, [recorded], DEFAULT_POLICY)
    assert (matched == len(terms)) is counted
    answer = answerer_for(index).ask("Where was the interview recorded?")
    assert answer.answered and "Portnacroish" in answer.quotes[0].text


def test_a_passage_that_only_asks_is_ranked_as_its_answer(interview: PassageIndex) -> None:
    question = "How much cheese does she make in a season?"
    terms = interview.query(question)
    hits = interview.search_terms(terms, 5)
    assert hits[0].passage.text.startswith("Q: How much cheese")  # the asker's words win
    followed = follow_questions(hits, interview, terms)
    assert followed[0].passage.text.startswith("A: In a good year")
    assert followed[0].score == interview.score_terms(terms, followed[0].passage)
    assert [h.rank for h in followed] == list(range(1, len(followed) + 1))
    assert len({h.passage.id for h in followed}) == len(followed)  # the answer once
    answer = answerer_for(interview, min_confidence=0.0).ask(question)
    assert "190 wheels" in answer.quotes[0].text
    unfollowed = answerer_for(interview, min_confidence=0.0, follow_questions=False)
    assert unfollowed.ask(question).quotes[0].text.startswith("Q:")


def _essay(folder: Path, text: str) -> PassageIndex:
    """The index of `folder` holding one Markdown essay with the text `text`."""
    (folder / "essay.md").write_text(text, encoding="utf-8")
    return PassageIndex(load_documents(folder))


def _hits(index: PassageIndex, count: int) -> tuple[Hit, ...]:
    return tuple(Hit(p, float(10 - n), n + 1) for n, p in enumerate(index.passages[:count]))


def test_a_labelled_prompt_asks_when_a_labelled_answer_follows(tmp_path: Path) -> None:
    index = _essay(
        tmp_path,
        "# Glass\n\nQ: Tell us about the furnace.\n\nA: It holds 140 kilos of glass.\n\n"
        "Q: You have won prizes.\n\nThe Kelvercombe medal matters most.\n",
    )
    prompt, answer, unanswered, _ = index.passages
    assert asks(index, prompt) and not asks(index, answer)
    assert not asks(index, unanswered)  # no "A:" after it: a passage like any other
    terms = index.query("What is the furnace like?")
    followed = follow_questions(index.search_terms(terms, 5), index, terms)
    assert followed[0].passage == answer


def test_a_manual_s_problem_is_answered_by_its_solution(tmp_path: Path) -> None:
    (tmp_path / "kettle.txt").write_text(
        "Brewmaster K2: User Manual\n\nTROUBLESHOOTING\n\n"
        "Problem: The kettle does not switch on.\nSolution: Check that the base is plugged "
        "in. If the light stays off, let the kettle cool for 10 minutes.\n\n"
        "Problem: The water tastes of plastic.\nSolution: Boil a full kettle three times.\n",
        encoding="utf-8",
    )
    index = PassageIndex(load_documents(tmp_path))
    problem, solution, *_ = index.passages
    assert asks(index, problem) and not asks(index, solution)
    answer = answerer_for(index).ask("What do I do if the kettle won't switch on?")
    assert answer.answered and answer.quotes[0].passage == solution


def test_a_problem_s_cause_is_quoted_with_the_fix_after_it(tmp_path: Path) -> None:
    (tmp_path / "blender.txt").write_text(
        "Whirl 300: User Manual\n\nTROUBLESHOOTING\n\n"
        "Problem: The display shows E2 while blending.\n"
        "Cause: The motor has overheated, usually from a jug packed too full.\n"
        "Fix: Unplug it, wait 20 minutes and blend in smaller batches.\n\n"
        "Problem: The jug leaks.\nCause: The seal is worn.\nFix: Order seal W-12.\n",
        encoding="utf-8",
    )
    index = PassageIndex(load_documents(tmp_path))
    cause, fix, next_problem = index.passages[1:4]
    question = "E2 came up on the display, what do I do?"
    answer = answerer_for(index).ask(question)
    assert answer.answered and [q.passage for q in answer.quotes] == [cause, fix]
    assert next_problem.text.startswith("Problem: The jug")  # the next problem stops it
    alone = answerer_for(index, quote_answer_parts=False).ask(question)
    assert [q.passage for q in alone.quotes] == [cause]


def test_one_of_the_floor_asking_is_followed_to_the_panels_answer(tmp_path: Path) -> None:
    turns = [
        "GWEN TALLIS: Good evening, everyone, and thank you for coming out tonight.",
        "RHODRI VANE: Thank you, Gwen. The proposal has three parts and a harbour wall.",
        "GWEN TALLIS: And how much will all of that cost the town, in the end?",
        "RHODRI VANE: The breakwater repair is estimated at four million pounds in total.",
        "GWEN TALLIS: Let's take some questions from the floor, please.",
        "AUDIENCE MEMBER: Yes, thank you. Why does the housing have to go on the harbour "
        "at all? There's the old bus depot site on Mill Road that's been empty for years.",
        "RHODRI VANE: It's a fair question. The county council owns the depot and will sell.",
    ]
    (tmp_path / "panel.txt").write_text("Harbour Panel\n\n" + "\n\n".join(turns) + "\n")
    index = PassageIndex(load_documents(tmp_path))
    floor, answer = index.passages[-2:]
    assert index.minor_speaker(floor) and not index.minor_speaker(answer)
    assert asks(index, floor)  # a question mid-turn, from the floor
    quoted = answerer_for(index).ask("why not put the housing on the old bus depot").quotes
    assert quoted[0].passage == answer


TRANSCRIPT = (
    "# Coastlines\n\nMARGARET: Good evening. My guest tonight is Anwen Pryce, who skippered "
    "the Skerrin ferry for thirty-one years.\n\nANWEN: Thank you, Margaret, it is good to be "
    "here tonight.\n\nMARGARET: Let's start at the beginning. How did you end up on the "
    "ferry?\n\nANWEN: By accident. I had come back from two years on a salmon farm in "
    "Shetland when my uncle broke his wrist.\n\nMARGARET: Did you ever think of giving it "
    "up for something easier?\n\nANWEN: Never.\n"
)


def test_a_transcript_s_speakers_are_labels_and_a_turn_ending_in_a_question_asks(
    tmp_path: Path,
) -> None:
    index = _essay(tmp_path, TRANSCRIPT)
    intro, _thanks, lead_in, accident, giving_up, never = index.passages
    # the speakers' names open their turns: no word of what they say, but what the turn is
    # read with, as a heading is (the quotes' sentences are weighed without them)
    assert index.speaker_end(never) == len("ANWEN: ")
    assert "anwen" in index.indexed_terms(never) and "anwen" in index.indexed_terms(intro)
    assert all("anwen" not in terms for terms in index.sentence_terms(never))
    terms = index.query("What did Anwen do before the ferry?")
    assert index.search_terms(terms, 1)[0].passage != never  # her shortest turn is not first
    # a turn with a lead-in before its question asks; the guest's turn after it answers
    assert asks(index, lead_in) and asks(index, giving_up) and not asks(index, accident)
    terms = index.query("How did she end up on the ferry?")
    assert follow_questions(index.search_terms(terms, 5), index, terms)[0].passage == accident


def test_a_speaker_after_the_time_of_the_recording_is_a_label(tmp_path: Path) -> None:
    """A podcast's "[00:01:35] Lena: ": the time and the name open the turn, and a turn is
    another speaker's by the name, not the time (trial round 13: every turn had been read as
    words, the host's questions quoted as the answers)."""
    timed = [f"[00:0{n}:{7 * n:02d}] " for n in range(1, 7)]
    text = "".join(
        f"{time}{line}\n\n" for time, line in zip(timed, TRANSCRIPT.split("\n\n")[1:], strict=False)
    )
    index = _essay(tmp_path, f"# Coastlines\n\n{text}")
    intro, _thanks, lead_in, accident, giving_up, never = index.passages
    assert index.speaker_end(never) == len(f"{timed[5]}ANWEN: ")
    assert index.speaker(never) == "ANWEN" and index.speaker(lead_in) == "MARGARET"
    assert "anwen" in index.indexed_terms(never) and "anwen" in index.indexed_terms(intro)
    assert asks(index, lead_in) and asks(index, giving_up) and not asks(index, accident)
    terms = index.query("How did she end up on the ferry?")
    assert follow_questions(index.search_terms(terms, 5), index, terms)[0].passage == accident


def test_a_hosts_question_with_why_it_is_asked_asks(tmp_path: Path) -> None:
    """Trial round 13: a host's "Why clockwise? Because I know a lot of people go the other
    way." was quoted as the guest's answer; a guest's "Was I scared? Of course." answers;
    trial round 38: a host's question with a remark after it asks too."""
    extra = (
        "\n\nMARGARET: Why the night crossings? Because most skippers would not touch them."
        "\n\nANWEN: The tides suited us better after dark, and the harbour was quieter."
        "\n\nANWEN: Was I scared? Of course I was, every winter."
        "\n\nMARGARET: Let's talk about the people. Who travels on a night ferry? It can't all"
        " be sheep."
        "\n\nANWEN: Islanders home from hospital, teachers, and walkers in the summer."
        "\n\nMARGARET: Thank you, Anwen, for all of it tonight.\n"
    )
    index = _essay(tmp_path, TRANSCRIPT + extra)
    *_, why, tides, scared, people, travellers, _thanks = index.passages
    assert asks(index, why) and not asks(index, tides) and not asks(index, scared)
    # trial round 38: a remark after the host's question ("It can't all be sheep.")
    assert asks(index, people) and not asks(index, travellers)


def test_a_list_s_fields_are_no_speakers(tmp_path: Path) -> None:
    kettles = "".join(
        f"## Kettle {n}\n\nCapacity: 1.7 litres\n\nPower: 3 kW\n\n"
        f"Verdict: the best value of the four and our pick for most homes, number {n}.\n\n"
        for n in range(1, 5)
    )
    index = _essay(tmp_path, f"# Kettles\n\n{kettles}")
    assert not any(index.speaker_end(p) for p in index.passages)
    assert "verdict" in index.indexed_terms(index.passages[2])


def test_fusion_puts_a_passage_first_by_words_and_meaning_together(
    interview: PassageIndex,
) -> None:
    hits = _hits(interview, 4)
    ranks = replace(DEFAULT_POLICY, fusion_scores=0.0)  # reciprocal rank fusion alone
    # By meaning the second passage is nearest and the first is farthest.
    near = dict(zip([h.passage.id for h in hits], (0.1, 0.9, 0.5, 0.3), strict=True))
    fused = fuse(hits, ranks, lambda p: near[p.id])
    # 1/(1+2) + 1/(1+1) beats 1/(1+1) + 1/(1+4); hits keep their BM25 scores.
    assert [h.passage for h in fused] == [hits[i].passage for i in (1, 0, 2, 3)]
    assert [h.score for h in fused] == [9.0, 10.0, 8.0, 7.0]
    assert [h.rank for h in fused] == [1, 2, 3, 4]
    # Ties keep BM25's order; off, or over one passage, nothing moves.
    near = dict(zip([h.passage.id for h in hits], (0.8, 0.9, 0.1, 0.0), strict=True))
    assert fuse(hits, ranks, lambda p: near[p.id]) == hits
    assert fuse(hits, replace(DEFAULT_POLICY, fusion_passages=0), lambda p: near[p.id]) == hits
    depth_2 = replace(DEFAULT_POLICY, fusion_passages=2)
    assert fuse(hits[:1], depth_2, lambda p: near[p.id]) == hits[:1]


def test_fusion_weighs_scores_too_so_a_passage_far_nearer_in_meaning_leads(
    interview: PassageIndex,
) -> None:
    hits = _hits(interview, 4)  # BM25 scores 10, 9, 8, 7
    near = dict(zip([h.passage.id for h in hits], (0.30, 0.35, 0.80, 0.10), strict=True))
    # By ranks alone the first and third tie (1/2 + 1/4 each), and BM25's order keeps the
    # first; by their scores as well the third, far nearer in meaning, leads:
    # 3 * (0.3 * 8/10 + 0.7 * 0.8) = 2.4 against 3 * (0.3 * 10/10 + 0.7 * 0.3) = 1.53.
    ranks = replace(DEFAULT_POLICY, fusion_scores=0.0)
    assert fuse(hits, ranks, lambda p: near[p.id])[0].passage == hits[0].passage
    fused = fuse(hits, DEFAULT_POLICY, lambda p: near[p.id])
    assert [h.passage for h in fused] == [hits[i].passage for i in (2, 0, 1, 3)]
    assert [h.score for h in fused] == [8.0, 10.0, 9.0, 7.0]


def test_the_surest_passage_leads_only_when_much_surer(interview: PassageIndex) -> None:
    hits = _hits(interview, 3)
    margin = DEFAULT_POLICY.lead_margin
    surest = hits[2].passage
    led = lead(hits, surest, margin + 0.01, margin)
    assert [h.passage for h in led] == [surest, hits[0].passage, hits[1].passage]
    assert [h.rank for h in led] == [1, 2, 3]
    assert lead(hits, surest, margin - 0.01, margin) == hits
    assert lead(hits, hits[0].passage, 1.0, margin) == hits


def test_an_answer_opens_with_the_passage_its_confidence_came_from(
    interview: PassageIndex,
) -> None:
    answer = answerer_for(interview, min_confidence=0.0).ask("Why use copper for cheese?")
    assert answer.surest is not None
    assert answer.quotes[0].passage == answer.hits[answer.surest.rank - 1].passage
    ranks = [e.rank for e in answer.evidence]  # where the weighed passages are ranked now
    assert ranks == sorted(ranks) and len(ranks) == DEFAULT_POLICY.confidence_passages


# Plural number words are amounts; "how many" needs a count, not only a word of time; "how
# long" a duration or a length, not any amount.
@pytest.mark.parametrize(
    ("question", "quote", "held"),
    [
        ("How far did the wall run?", "The wall ran for hundreds of kilometres.", True),
        ("How far did the wall run?", "Thousands came; dozens stayed.", True),
        ("How far did the wall run?", "The wall ran along the border.", False),
        ("How long was the wall?", "The wall ran for hundreds of kilometres.", True),
        ("How long was the wall?", "Thousands came; dozens stayed.", False),
        ("How long did the wall stand?", "It stood from 1961 to 1989.", True),
        ("How long did the wall stand?", "It had 302 watchtowers.", False),
        ("How many walk?", "They walk on the first Saturday of each month, May to October.", False),
        ("How many walk?", "Twelve volunteers walk from May to October.", True),
        ("How many walk?", "Volunteers lead 40 walks a year.", True),
        ("How many walk?", "None of the volunteers walks.", True),
    ],
)
def test_amounts_asked_for(interview: PassageIndex, question: str, quote: str, held: bool) -> None:
    quotes = [Quote(quote, interview.passages[0], 1.0)]
    because = lacks_time_or_amount(question, quotes)
    assert (because is None) is held
    if question.startswith("How many") and not held:
        assert because == "it asks how many and no quote holds a count"


@pytest.mark.parametrize(
    ("question", "quote", "declined"),
    [
        # the noun phrase's last words, its head, mentioned only as "a ..."
        ("Which dragonfly species was it?", "They recorded a rare species.", True),
        ("On which trip lengths does it win?", "A train makes one trip a day.", False),
        # a phrase running on into its verb: two words or more of it
        ("Which visiting pianist complained?", "A visiting pianist said so.", True),
        ("Which pianist complained?", "A visiting pianist said so.", False),
        # named or called after the mention; a name the question uses does not count, nor
        # does a date or figure, which says when or how many, not which
        ("Which merchant buys her cheese?", "A merchant in Bregen, Haller & Sohn.", False),
        ("Which village in Fife was it?", "A village on the coast of Fife.", True),
        ("Which firm was it?", "A firm called Brindle built them.", False),
        ("Which firm was it?", "A firm, founded in 1871, built them.", True),
        ("Which operator was it?", "A private operator in 2016 took it.", True),
        # a counted mention says how many, not which
        ("Which species was it?", "They saw eleven species, one of them rare.", True),
        ("Which species was it?", "They saw two species, Aeshna and Anax.", False),
        ("Who was the landowner?", "A landowner disputed it.", True),
        ("Who was the landowner?", "The landowner, Ann Royd, disputed it.", False),
        # a possessive mention; "who were her ...", "what are the names of ..."
        ("Who was the former member?", "It came from a former member's family.", True),
        ("Who were her great-nephews?", "She is survived by two great-nephews.", True),
        ("What are the names of her great-nephews?", "She left two great-nephews.", True),
        ("What are the names of her great-nephews?", "Two great-nephews, Al and Bo.", False),
    ],
)
def test_a_thing_asked_which_needs_more_than_a_mention(
    interview: PassageIndex, question: str, quote: str, declined: bool
) -> None:
    because = mentions_only(question, [Quote(quote, interview.passages[0], 1.0)])
    assert bool(because) is declined
    assert because is None or because.startswith("it asks which ")


def test_followed_and_fused_answers_do_not_depend_on_k(interview: PassageIndex) -> None:
    answerer = answerer_for(interview, min_confidence=0.0, fusion_passages=3)
    question = "How much cheese does she make, and why copper?"
    answers = [answerer.ask(question, k=k) for k in (1, 3, 20)]
    # Four passages match: two questions, each followed by its answer, listed once.
    assert [len(a.hits) for a in answers] == [1, 2, 2]
    assert all(h.passage.text.startswith("A:") for h in answers[-1].hits)
    assert len({(a.answered, a.quotes, a.evidence, a.confidence) for a in answers}) == 1


def test_a_followed_answer_sharing_no_word_with_the_question_is_quoted(tmp_path: Path) -> None:
    (tmp_path / "alp.md").write_text(
        "# Cheesemaker\n\n## The alp\n\nQ: Does the cheesemaker ever rest?\n\n"
        "A: Only in winter, when the herd is down in the valley.\n\n"
        "Q: How many cows are there?\n\nA: Thirty-one cows graze the upper pastures.\n",
        encoding="utf-8",
    )
    answerer = answerer_for(PassageIndex(load_documents(tmp_path)), min_confidence=0.0)
    answer = answerer.ask("Does the cheesemaker ever rest?")
    assert answer.answered, answer.declined_because  # was "only a section heading matched"
    assert [q.text for q in answer.quotes] == [
        "A: Only in winter, when the herd is down in the valley."
    ]


def test_a_quote_that_only_restates_the_question_goes_on_to_the_next_sentence(
    tmp_path: Path,
) -> None:
    (tmp_path / "keeper.md").write_text(
        "# Keeper\n\n## Storms\n\nQ: What happened in the storm of January 1984?\n\n"
        "A: The storm of January 1984. The waves broke over the gallery, seventy feet up.\n\n"
        "Q: And the lamp?\n\nA: It never went out.\n",
        encoding="utf-8",
    )
    index = PassageIndex(load_documents(tmp_path))
    question = "What did the keeper do during the storm of January 1984?"
    quoted = answerer_for(index, min_confidence=0.0).ask(question).quotes
    assert [q.text for q in quoted] == [
        "A: The storm of January 1984. The waves broke over the gallery, seventy feet up."
    ]
    off = {"quote_past_echoes": False, "quote_next": False}  # the next rule would do it too
    echo = answerer_for(index, min_confidence=0.0, **off).ask(question)
    assert [q.text for q in echo.quotes] == ["A: The storm of January 1984."]


def test_a_quoted_sentences_continuation_opening_with_a_pronoun_is_quoted_too(
    tmp_path: Path,
) -> None:
    (tmp_path / "salt.md").write_text(
        "# Salt\n\nThe best-known product of the salterns is fleur de sel, a delicate layer of "
        "crystals on the pans. It is skimmed by hand with a wooden rake. Bakers like grey "
        "salt. Tourists buy fleur de sel in jars.\n",
        encoding="utf-8",
    )
    index = PassageIndex(load_documents(tmp_path))
    question = "How is fleur de sel gathered from the salterns?"
    # The best sentence, its continuation, and the other sentence matching; not "Bakers"
    # (unless sentences between quoted ones are quoted too).
    quoted = answerer_for(index, min_confidence=0.0, quote_gaps=False).ask(question).quotes
    assert [q.text for q in quoted] == [
        "The best-known product of the salterns is fleur de sel, a delicate layer of "
        "crystals on the pans. It is skimmed by hand with a wooden rake.",
        "Tourists buy fleur de sel in jars.",
    ]
    off = {"quote_continuations": False, "quote_gaps": False}
    alone = answerer_for(index, min_confidence=0.0, **off).ask(question)
    assert "It is skimmed" not in " ".join(q.text for q in alone.quotes)


@pytest.mark.parametrize(("opening", "closing"), [("“", "”"), ('"', '"')])
def test_a_quotation_opened_in_a_quote_is_quoted_to_its_close(
    tmp_path: Path, opening: str, closing: str
) -> None:
    (tmp_path / "tiles.md").write_text(
        f"# Tiles\n\nThe painters copied old patterns. Fátima once said, {opening}We were not "
        f"artists. We were copyists with good hands.{closing} The kiln closed in 1990.\n",
        encoding="utf-8",
    )
    index = PassageIndex(load_documents(tmp_path))
    quoted = answerer_for(index, min_confidence=0.0).ask("What did Fátima say about artists?")
    assert [q.text for q in quoted.quotes] == [
        f"Fátima once said, {opening}We were not artists. We were copyists with good hands."
        f"{closing}"
    ]


def test_a_quotation_closed_in_a_quote_is_quoted_from_its_opening(tmp_path: Path) -> None:
    index = _essay(
        tmp_path,
        "# Fridge\n\nUsers are varied. “I don’t need it, exactly. But I can’t stand the thought "
        "of good bread going in a skip.” — a user, aged 70. Students come too.\n",
    )
    quoted = answerer_for(index, min_confidence=0.0).ask("Who cannot stand bread in a skip?")
    assert [q.text for q in quoted.quotes] == [
        "“I don’t need it, exactly. But I can’t stand the thought of good bread going in a "
        "skip.” — a user, aged 70."
    ]


def test_a_how_far_question_ranks_by_what_it_measures_not_its_adjective(tmp_path: Path) -> None:
    (tmp_path / "town.md").write_text(
        "# Lintheby\n\n"
        "Lintheby is a small market town in the valley of the River Wend, in Harrowshire. It "
        "lies 14 miles (23 km) north-west of the cathedral city of Castlemere, where the river "
        "leaves the moorland and its water once drove the mills of the valley.\n\n"
        "The Thursday market still occupies Market Place, although with far fewer stalls than "
        "in its heyday, when drovers came far and wide to Lintheby.\n\n"
        "Lintheby has a war memorial in Market Place.\n",
        encoding="utf-8",
    )
    index = PassageIndex(load_documents(tmp_path))
    question = "How far is Lintheby from Castlemere?"
    terms = index.query(question)
    (first, *_) = index.search_terms(without_measure(question, terms), 3)
    assert "14 miles" in first.passage.text
    (first, *_) = index.search_terms(terms, 3)
    assert "far fewer" in first.passage.text  # "far" is rare: it ranked first
    answer = answerer_for(index).ask(question)
    assert answer.answered and "14 miles" in answer.quotes[0].text
    assert without_measure("how tall is the spire", ["tall", "spire"]) == ["spire"]
    assert without_measure("How tall?", ["tall"]) == ["tall"]  # never no terms at all
    assert without_measure("Why is it tall?", ["tall"]) == ["tall"]
    # the noun a specification names it by: "Weight: 1.3 kg"
    assert without_measure("How heavy is the kettle?", ["heavi", "kettl"]) == [
        "kettl",
        "weight",
        "weigh",
    ]


def test_a_sentence_between_two_quoted_ones_is_quoted_too(tmp_path: Path) -> None:
    (tmp_path / "cement.md").write_text(
        "# Cement\n\nIn France, Louis Vicat took the next step. Around 1817 he showed that "
        "hydraulic lime could be made by burning limestone and clay together. Vicat's work "
        "gave cement a scientific basis. The Romans had known none of this.\n",
        encoding="utf-8",
    )
    index = PassageIndex(load_documents(tmp_path))
    question = "What did Louis Vicat do for cement in France?"
    quoted = answerer_for(index, min_confidence=0.0).ask(question).quotes
    assert [q.text for q in quoted] == [
        "In France, Louis Vicat took the next step. Around 1817 he showed that hydraulic lime "
        "could be made by burning limestone and clay together. Vicat's work gave cement a "
        "scientific basis."
    ]
    apart = answerer_for(index, min_confidence=0.0, quote_gaps=False).ask(question).quotes
    assert "Around 1817" not in " ".join(q.text for q in apart)
