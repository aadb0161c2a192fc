"""The REPL: a transcript fed through its loop, and one session in a real terminal (pty)."""

from __future__ import annotations

import io
import re
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pexpect
import pytest

from bot.answering import Answer, Answerer, Evidence
from bot.render import text_width
from bot.repl import PROMPT, Repl
from index import PassageIndex, load_documents
from tests.helpers import ROOT, SEEDS, answerer_for


def transcript(answerer: Answerer, *lines: str | type[BaseException]) -> str:
    """Run the REPL over `lines` (an exception class is raised at that point); return output."""
    feed: Iterator[str | type[BaseException]] = iter(lines)
    out = io.StringIO()

    def read(prompt: str) -> str:
        out.write(prompt)
        item = next(feed, EOFError)
        if isinstance(item, type):
            raise item
        out.write(item + "\n")
        return item

    assert Repl(answerer, out, read).run() == 0
    return out.getvalue()


def test_question_gets_the_same_answer_as_ask(answerer: Answerer) -> None:
    from bot.render import render_answer

    question = "What did Lukashenko's news conference show?"
    out = transcript(answerer, question)
    assert render_answer(answerer.ask(question), with_document=False) in out


def test_a_command_typed_without_its_colon_is_no_question(answerer: Answerer) -> None:
    out = transcript(answerer, "help", "Quit", "sections?", "help me with the union")
    assert out.count(":section NAME") == 1  # "help" alone is :help
    assert "Commands start with ':' (:quit)" in out and "(:sections)" in out
    assert "The essays don't cover this" in out or "“" in out  # a question, answered or not


def test_a_heading_with_no_text_in_two_essays_is_offered_by_essay(tmp_path: Path) -> None:
    for town in ("Kelderwick", "Otherwick"):
        (tmp_path / f"{town}.md").write_text(
            f"# {town}\n\n## Timeline\n\n1784.\n\n## Landmarks\n\n### Church\n\nOld.\n",
            encoding="utf-8",
        )
    answerer = answerer_for(PassageIndex(load_documents(tmp_path)))
    out = transcript(answerer, ":section landmarks", ":section otherwick: landmarks")
    assert '"Kelderwick: Landmarks", "Otherwick: Landmarks"' in out  # no number: no section
    assert "Otherwick: Landmarks\n\nLandmarks › Church\n\n¶1  Old." in out


def test_commands(answerer: Answerer) -> None:
    out = transcript(
        answerer,
        ":help",
        ":sections",
        ":section choosing",
        ":section in",
        ":section zzz",
        ":k 2",
        ":debug",
        "Lukashenko",
        ":k 99",
        ":k ²",  # a digit to str.isdigit, not to int()
        "/section choosing",  # Discord's spelling
        "/quit",  # ... is not a question
        ":nope",
        ":quit",
        "never read",
    )
    assert ":section NAME" in out
    assert "3. Choosing between bad and bad" in out
    assert "Russia-Belarus: Choosing between bad and bad" in out and "¶5  The problem" in out
    assert "No section is called 'zzz'" in out
    assert "k = 2" in out and "debug on" in out
    assert "ranked passages:" in " ".join(out.split())
    assert "russia-belarus/choosing-between-bad-and-bad/2" in out
    assert out.count("Usage: :k N") == 2
    assert "Unknown command :nope" in out
    assert "commands start with ':' (:section)" in out
    assert "commands start with ':' (:quit)" in out
    assert "never read" not in out


def test_debug_says_when_the_words_decided(answerer: Answerer) -> None:
    # words decide a question covered only where a policy lets them (by default they never do)
    answerer = Answerer(
        answerer.index,
        replace(answerer.policy, words_cover=0.48),
        answerer.similarity,
        english=answerer.english,
    )
    out = transcript(answerer, ":debug", "Why does Russia give aid to Belarus?")
    match = re.search(r"confidence (\S+) \(passage 1: coverage (\S+), the words decided", out)
    assert match, out
    assert match[1] == match[2]  # the confidence is the coverage then


def test_debug_shows_how_the_confidence_is_made(answerer: Answerer) -> None:
    out = transcript(answerer, ":debug", "Why does Belarus keep complaining?", "asdfghjkl")
    match = re.search(
        r"confidence (\S+) \(passage (\d+): coverage (\S+), similarity (\S+); "
        r"answers from (\S+)\)",
        out,
    )
    assert match, out
    confidence, rank, coverage, similarity, threshold = (float(g) for g in match.groups())
    weight = answerer.policy.coverage_weight
    assert abs(confidence - (weight * coverage + (1 - weight) * similarity)) <= 0.01
    assert 1 <= rank <= answerer.policy.weighed  # weighed in BM25's order, ranked since
    assert threshold == answerer.policy.min_confidence and confidence >= threshold
    assert "no passage shares a word with the question" in out
    assert "no passage shares a word with the question" in out


def test_debug_shows_four_places_where_two_would_hide_which_side_of_the_threshold(
    answerer: Answerer,
) -> None:
    question = "Why does Belarus keep complaining?"
    confidence = answerer.ask(question).confidence
    just_over = round(confidence, 4) + 0.0001  # the same to two places, below to four
    if f"{just_over:.2f}" != f"{confidence:.2f}":
        just_over = round(confidence, 4) - 0.0001  # above, then: still the same two places
    near = Answerer(
        answerer.index,
        replace(answerer.policy, min_confidence=just_over),
        answerer.similarity,
        english=answerer.english,
    )
    out = transcript(near, ":debug", question)
    assert f"confidence {confidence:.4f} (passage" in out
    assert f"confidence {confidence:.2f} (passage" in transcript(answerer, ":debug", question)


def test_debug_shows_the_evidence_the_answer_carries(answerer: Answerer) -> None:
    """:debug renders the answer's evidence as it is, with nothing recomputed."""
    made_up = (Evidence(1, 0.125, 0.5, 0.4), Evidence(2, 0.875, 0.25, 0.6))

    class Told(Answerer):
        def ask(self, question: str, k: int | None = None) -> Answer:
            return replace(super().ask(question, k), confidence=0.6, evidence=made_up)

    told = Told(answerer.index, answerer.policy, answerer.similarity, english=answerer.english)
    out = " ".join(transcript(told, ":debug", "Why does Russia give aid to Belarus?").split())
    assert "confidence 0.60 (passage 2: coverage 0.88, similarity 0.25;" in out
    # with :k 1 the surest passage is not among those listed, and it says so
    out = transcript(told, ":debug", ":k 1", "Why does Russia give aid to Belarus?")
    assert "confidence 0.60 (passage 2, below the 1 listed: coverage 0.88" in " ".join(out.split())


def test_debug_says_how_an_answer_found_without_ranking_was_found(answerer: Answerer) -> None:
    out = transcript(answerer, ":debug", "Who wrote this essay?", "What is this essay about?")
    assert "confidence 0.00" not in out.split("What is this essay about?")[1]
    assert out.count("found without ranking") == 1  # the shipped essay has no byline
    assert "nothing was looked up" in transcript(answerer, ":debug", "hi")


def test_debug_says_why_a_confident_question_was_declined(answerer: Answerer) -> None:
    out = transcript(answerer, ":debug", "When was the Eurasian Economic Union founded?")
    assert max(map(len, out.splitlines())) <= text_width()  # wrapped, as answers are
    out = " ".join(out.split())
    # said in the answer too, not only in :debug
    assert "The essays don't cover this: it asks when and no quote holds a time." in out
    assert "but it asks when and no quote holds a time" in out
    out = " ".join(transcript(answerer, ":debug", "What did Putin say about Lukashenko?").split())
    assert "but it names Putin, which the essays never use" in out


def test_debug_shows_a_misspelt_question_as_read(answerer: Answerer) -> None:
    out = transcript(answerer, ":debug", "What did Lukashnko say about the goverment?")
    assert "read as: What did Lukashenko say about the government?" in out
    assert "read as" not in transcript(answerer, ":debug", "What did Lukashenko say?")


def test_ambiguous_prefix_lists_the_candidates(tmp_path: Path) -> None:
    from index import PassageIndex, parse_document

    text = "# Fruit\n\n# Apples\n\nRed.\n\n# Apricots\n\nOrange.\n\n# Bananas\n\nYellow.\n"
    document = parse_document(text, stem="fruit", markdown=True, source="fruit.md")
    out = transcript(answerer_for(PassageIndex([document])), ":section ap", ":section apr")
    assert 'could be any of 1 "Apples", 2 "Apricots"' in out
    assert "Orange." in out
    # two sections of one name, told apart by the number given
    twice = (
        "Report\n\nBy A. Writer, Norrby\n\nNotes\n\nMoss.\n\nMethod\n\nDug.\n\nNotes\n\nSheds.\n"
    )
    document = parse_document(twice, stem="r", markdown=False, source="r.txt")
    out = transcript(answerer_for(PassageIndex([document])), ":section notes", ":section 4")
    assert 'could be any of 2 "Notes", 4 "Notes"' in out and "Sheds." in out
    many = "".join(f"## Apple variety number {n}\n\nRed.\n\n" for n in range(12))
    document = parse_document(f"# Fruit\n\n{many}", stem="f", markdown=True, source="f.md")
    out = transcript(answerer_for(PassageIndex([document])), ":section apple")
    listed = out[out.index("could be any of") - 20 :].splitlines()
    assert len(listed) > 2 and all(len(line) <= 88 for line in listed)  # wrapped between words
    assert all(not line.endswith("Apple varie") for line in listed)


def test_a_numbered_heading_is_found_by_its_number_beside_the_contents_number(
    tmp_path: Path,
) -> None:
    from index import PassageIndex, parse_document

    text = "Survey\n\n1. Background\n\nOld hedges.\n\n2.1 Method\n\nWe counted.\n\n"
    text += "2.2 Results\n\nHawthorn won.\n"
    document = parse_document(text, stem="survey", markdown=False, source="survey.txt")
    answerer = answerer_for(PassageIndex([document]))
    # one essay: "1.2" is its second section by the contents; "2.2" only a heading's number
    assert "Hawthorn won." in transcript(answerer, ":section 2.2")
    assert "We counted." in transcript(answerer, ":section 1.2")


def test_ctrl_c_clears_the_line_and_ctrl_d_leaves(answerer: Answerer) -> None:
    out = transcript(answerer, KeyboardInterrupt, "Lukashenko")
    assert "^C" in out
    assert "Lukashenko’s news conference" in out
    assert out.rstrip().endswith(PROMPT.rstrip())


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pty")
@pytest.mark.slow
def test_real_terminal_session(tmp_path: Path) -> None:
    child = pexpect.spawn(
        sys.executable,
        ["-m", "bot", "repl", "--seeds", str(SEEDS)],
        cwd=str(ROOT),
        env={"ESSAYBOT_HISTORY": str(tmp_path / "history"), "TERM": "xterm", "PATH": "/usr/bin"},
        encoding="utf-8",
        timeout=20,
        dimensions=(40, 200),
    )

    def prompt() -> None:
        child.expect_exact(PROMPT)
        # Type as a person would, not within milliseconds of the prompt: keys sent while
        # readline is still setting the terminal up are sometimes held until Enter.
        time.sleep(0.3)

    prompt()
    child.sendline("Who welcomes Chinese investment?")
    child.expect_exact('"In search of an alternative", ¶2')
    prompt()
    child.send("half a line")
    child.expect_exact("half a line")  # echoed by readline
    child.sendintr()  # Ctrl-C: the line is dropped, the session goes on
    child.expect_exact("^C")
    prompt()
    child.send("\x1b[A")  # up arrow: readline history brings the question back
    child.sendline("")
    child.expect_exact('"In search of an alternative", ¶2')
    prompt()
    child.sendeof()  # Ctrl-D leaves
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "Who welcomes Chinese investment?" in (tmp_path / "history").read_text()


def test_a_heading_several_essays_share_is_picked_by_number_or_title(essays: Path) -> None:
    from index import PassageIndex, load_documents

    (essays / "pears.md").write_text("# Pears\n\n# Pruning\n\nPears need little pruning.\n")
    repl_answerer = answerer_for(PassageIndex(load_documents(essays)))
    out = transcript(repl_answerer, ":sections", ":section pruning")
    assert "2.2 Pruning" in out  # the table of contents numbers essay 2's second section
    assert '2.2 "Keeping an Orchard: Pruning"' in out
    assert '3.1 "Pears: Pruning"' in out
    by_number = transcript(repl_answerer, ":section 3.1")
    assert "Pears need little pruning." in by_number
    by_title = transcript(repl_answerer, ":section keeping: pruning")
    assert "Prune apple trees in winter" in by_title
    assert "Pears need little pruning" not in by_title
    assert "No section is called '9.9'" in transcript(repl_answerer, ":section 9.9")
    # an essay's title, or its start, alone: its sections to choose from
    by_essay = " ".join(transcript(repl_answerer, ":section keeping an").split())  # wrapped
    assert '2.2 "Keeping an Orchard: Pruning"' in by_essay and "Pears" not in by_essay
    assert "Pears need little pruning." in transcript(repl_answerer, ":section pears")


def test_terminal_escapes_in_essays_are_not_printed_raw(tmp_path: Path) -> None:
    from index import PassageIndex, load_documents
    from tests.test_cli import ESCAPES

    (tmp_path / "escapes.txt").write_text(ESCAPES, encoding="utf-8")
    answerer = answerer_for(PassageIndex(load_documents(tmp_path)))
    question = "Which colour sets a window title and clears the screen?"
    out = transcript(answerer, ":section colour", ":debug", question)
    assert "sets a window title" in out and "1.  " in out  # the section, and the debug hits
    assert not any(c in out for c in "\x1b\x07\x9b")
    assert out.count("\ufffd") > 6


def test_the_banner_counts_one_passage_as_one(tmp_path: Path) -> None:
    (tmp_path / "note.md").write_text("# Note\n\nThe ferry leaves at noon.\n", encoding="utf-8")
    out = transcript(answerer_for(PassageIndex(load_documents(tmp_path))), ":quit")
    assert "1 essay(s), 1 passage. Ask" in out


def test_a_sections_wrapped_lines_sit_under_their_paragraphs_text_from_the_tenth_on() -> None:
    from bot.render import render_section
    from index import parse_document

    words = " ".join(f"word{n}" for n in range(40))
    text = "# Long\n\n" + "\n\n".join(f"{n} {words}." for n in range(1, 12)) + "\n"
    document = parse_document(text, stem="long", markdown=True, source="long.md")
    shown = render_section(document, document.sections, 60).split("\n\n")[1:]
    for number, block in enumerate(shown, start=1):
        first, *rest = block.split("\n")
        mark = f"¶{number}  "
        assert first.startswith(mark) and rest
        assert all(line.startswith(" " * len(mark)) and line[len(mark)] != " " for line in rest)
