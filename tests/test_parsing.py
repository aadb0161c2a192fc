"""Parsing essays into titled documents, sections and paragraphs."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st

from index import (
    SeedFileError,
    find_sections,
    is_code,
    load_documents,
    parse_document,
    sentence_spans,
    with_parts,
)
from index.parsing import readable_title
from index.passages import split_passages
from tests.helpers import SEEDS


def test_seed_essay_has_four_sections_and_eighteen_paragraphs() -> None:
    (document,) = load_documents(SEEDS)
    assert [(s.heading, len(s.paragraphs)) for s in document.sections] == [
        ("Introduction", 3),
        ("The source of grievances", 5),
        ("Choosing between bad and bad", 5),
        ("In search of an alternative", 5),
    ]
    assert document.paragraph_count == 18
    assert document.slug == "russia-belarus"


def test_markdown_front_matter_title_and_headings() -> None:
    text = "---\ntitle: 'Orchards'\nauthor: me\n---\n# Planting\n\nSun.\n\n## Pruning\n\nWinter.\n"
    document = parse_document(text, stem="x", markdown=True, source="x.md")
    assert document.title == "Orchards"
    assert [(s.heading, s.paragraphs) for s in document.sections] == [
        ("Planting", ("Sun.",)),
        ("Pruning", ("Winter.",)),
    ]


def test_a_leading_heading_repeating_the_front_matter_title_is_no_section() -> None:
    text = "---\ntitle: Rooftop Bees\n---\n# Rooftop  bees\n\nTwo hives.\n\n## Costs\n\nLow.\n"
    document = parse_document(text, stem="x", markdown=True, source="x.md")
    assert document.title == "Rooftop Bees"
    assert [(s.heading, s.paragraphs) for s in document.sections] == [
        ("Introduction", ("Two hives.",)),
        ("Costs", ("Low.",)),
    ]


def test_markdown_leading_heading_is_the_title_and_lines_join() -> None:
    text = "# Bees\n\nIntro line one\nand line two.\n\n## Swarms\n\nA swarm.\n"
    document = parse_document(text, stem="bees", markdown=True, source="bees.md")
    assert document.title == "Bees"
    assert document.sections[0].heading == "Introduction"
    assert document.sections[0].paragraphs == ("Intro line one and line two.",)
    assert document.sections[1].heading == "Swarms"


def test_markdown_code_fences_and_rules_are_not_headings() -> None:
    text = "# T\n\nText.\n\n---\n\n```\n# not a heading\n```\n\nSetext\n------\n\nBody.\n"
    document = parse_document(text, stem="t", markdown=True, source="t.md")
    headings = [s.heading for s in document.sections]
    assert headings == ["Introduction", "Setext"]
    # Code is a paragraph of its own, its lines between fences of their own
    assert document.sections[0].paragraphs == ("Text.", "```\n# not a heading\n```")


def test_markdown_fenced_code_keeps_its_lines() -> None:
    text = (
        "# T\n\nInstall it with pip:\n\n```bash\npip install tallyho\n```\n\n"
        "- A list item\n\n  ```\n  [count]\n    skip = true\n\n  nested\n  ```\n\n"
        "~~~\n```\n~~~\n\n```\n\n```\n\nAfter.\n\n```\nnever closed\n\n## Not a heading\n"
    )
    document = parse_document(text, stem="t", markdown=True, source="t.md")
    assert document.sections[0].paragraphs == (
        "Install it with pip:",
        "```\npip install tallyho\n```",  # the language after the fence is no code
        "A list item",
        "```\n[count]\n  skip = true\n\nnested\n```",  # indented as in the block, blank kept
        "```\n```\n```",  # a tilde fence holds backticks
        "After.",  # an empty block is no paragraph
        "```\nnever closed\n\n## Not a heading\n```",  # an open fence holds the rest
    )
    assert [is_code(p) for p in document.sections[0].paragraphs] == [0, 1, 0, 1, 1, 0, 1]
    code = "```\nx = 1. Y = 2.\n```"
    assert sentence_spans(code) == [(0, len(code))]  # one sentence, whole


def test_markdown_markup_is_taken_off_the_words() -> None:
    text = (
        "# Bees\n\n"
        "Bees make **honey**, *wax* and _propolis_; see [the guide](https://x.org/g) "
        "or ![a hive](hive.png). Use `smoke_gun*2*` &amp; <b>care</b>: 5 \\* 3 \\_bees\\_.\n\n"
        "> Quoted line one\n> and two.\n\n"
        "[guide]: https://x.org/g\n\n"
        "<!-- a draft\n\nover lines -->\n"
        "Kept <!-- dropped --> too.\n"
    )
    (section,) = parse_document(text, stem="b", markdown=True, source="b.md").sections
    assert section.paragraphs == (
        "Bees make honey, wax and propolis; see the guide or a hive. "
        "Use smoke_gun*2* & care: 5 * 3 _bees_.",
        "Quoted line one and two.",
        "Kept too.",
    )


def test_asterisks_within_words_are_text_not_emphasis() -> None:
    # Trial round 10's lecture notes: "b*y ... b*y" was read as emphasis, and the quote said
    # "A = by", another formula.
    text = "# Flow\n\nA = b*y, P = b + 2y, R = b*y / (b + 2y); 2**10 bytes, *not* **more**.\n"
    (section,) = parse_document(text, stem="f", markdown=True, source="f.md").sections
    assert section.paragraphs == (
        "A = b*y, P = b + 2y, R = b*y / (b + 2y); 2**10 bytes, not more.",
    )


def test_a_list_nested_in_an_item_is_read_with_it() -> None:
    text = "# Fridge\n\n- Accepted:\n  - fresh fruit\n  - bread\n- Not accepted:\n"
    text += "  - raw meat or fish\n\t- anything with alcohol\n- Opening hours vary.\n\n"
    text += "1. Weigh it.\n   1. On the porch scale.\n2. Log it.\n\n- Tea\n - Coffee\n"
    (section,) = parse_document(text, stem="f", markdown=True, source="f.md").sections
    assert section.paragraphs == (
        "Accepted: - fresh fruit - bread",
        "Not accepted: - raw meat or fish - anything with alcohol",
        "Opening hours vary.",
        "Weigh it. 1. On the porch scale.",
        "Log it.",
        "Tea",
        "Coffee",  # indented less than an item's text: a sibling, as CommonMark reads it
    )


def test_a_numbered_heading_over_its_first_part_is_no_paragraph() -> None:
    text = "Hedges\n\n1. Background\n\nThe downs are old.\n\n2. The Survey\n\n2.1 Method\n\n"
    text += "We counted species.\n\n2.2 Results\n\nHawthorn won.\n\n3. After\n\n4. End\n\nDone.\n"
    document = parse_document(text, stem="h", markdown=False, source="h.txt")
    assert [(s.heading, s.paragraphs) for s in document.sections] == [
        ("1. Background", ("The downs are old.",)),
        ("2.1 Method", ("We counted species.",)),
        ("2.2 Results", ("Hawthorn won.", "3. After")),  # "4." is not a part of "3.": text
        ("4. End", ("Done.",)),
    ]


def test_html_tags_breaking_a_line_part_the_words_and_inline_tags_join_them() -> None:
    # A word processor's export: "<br>" between sentences, "<em>" inside a word.
    text = "# Market\n\nThe stalls shut every evening.<br>They reopened at<br/>dawn.\n\n"
    text += "It was <em>un</em>usual.</p><p>Nobody minded.\n"
    (section,) = parse_document(text, stem="m", markdown=True, source="m.md").sections
    assert section.paragraphs == (
        "The stalls shut every evening. They reopened at dawn.",
        "It was unusual. Nobody minded.",
    )


def test_a_code_span_opens_and_closes_with_whole_runs_of_backticks() -> None:
    from index import inline_text

    assert inline_text("a ``b ` c`` d") == "a b ` c d"
    assert inline_text("a ``b` c") == "a ``b` c"  # runs of two lengths close nothing
    assert inline_text("`" * 5000) == "`" * 5000  # a long run is text (read in linear time)


def test_a_one_line_html_comment_is_a_block_of_its_own() -> None:
    # Before, it began a paragraph that swallowed the title and its underline.
    text = "<!-- draft: do not publish -->\nHarbour Walks\n=============\n\nThe pier is old.\n"
    document = parse_document(text, stem="guide", markdown=True, source="guide.md")
    assert document.title == "Harbour Walks"
    assert [s.paragraphs for s in document.sections] == [("The pier is old.",)]
    text = "Text before\n<!-- a note -->\nand after.\n"  # it ends the paragraph, as in CommonMark
    document = parse_document(text, stem="t", markdown=True, source="t.md")
    assert document.sections[0].paragraphs == ("Text before", "and after.")


def test_what_a_reader_is_not_meant_to_read_as_prose_is_left_out() -> None:
    text = (
        "# Kiln\n\n"
        "Built for £0.40 each.<sup>1</sup> The arch was formed over the ~~coffin~~ former, in "
        "the 19<sup>th</sup> century, of 10<sup>6</sup> <del>bricks</del> stones. It was fired "
        "with coal ~~and a blowtorch~~.<script>alert('hi')</script>\n\n"
        "![The finished kiln on its plinth](kiln.jpg)\n\n"
        '> The children measure it.\n>\n> > She said, "Me."\n\n'
        "Last words.\n"
    )
    (section,) = parse_document(text, stem="k", markdown=True, source="k.md").sections
    assert section.paragraphs == (
        "Built for £0.40 each. The arch was formed over the former, in the 19th century, "
        "of 10^6 stones. It was fired with coal.",  # as the page reads: no space before "."
        "The children measure it.",  # a blockquote's blank line parts its paragraphs
        'She said, "Me."',
        "Last words.",
    )


@pytest.mark.parametrize("notes_heading", ["", "## Notes\n\n"])
def test_footnotes_are_a_section_of_notes_after_the_last(notes_heading: str) -> None:
    text = (
        "# Guild\n\n## Training\n\nUnder a quarter of an hour.[^2]\n\n"
        "[^2]: The record, set in 1862,\n    was four minutes.\n\n"
        f"## Legacy\n\nThe hall stands.[^1]\n\n{notes_heading}"
        "[^1]: The hall stood on Quay St.\n"
    )
    document = parse_document(text, stem="g", markdown=True, source="g.md")
    assert [(s.heading, s.paragraphs) for s in document.sections] == [
        ("Training", ("Under a quarter of an hour.",)),
        ("Legacy", ("The hall stands.",)),
        ("Notes", ("The record, set in 1862, was four minutes.", "The hall stood on Quay St.")),
    ]


def test_markdown_list_items_and_table_rows_are_paragraphs() -> None:
    text = (
        "## Steps\n\n"
        "Before you start in\n1990. Then read on.\n"
        "- Dig a hole\n  30 cm deep.\n* Water it.\n\n"
        "1. First.\n2) Second.\n* * *\n"
        "| Crop | Days |\n| --- | ---: |\n| Radish | 25 |\n"
    )
    (section,) = parse_document(text, stem="s", markdown=True, source="s.md").sections
    assert section.heading == "Steps"
    assert section.paragraphs == (
        "Before you start in 1990. Then read on.",
        "Dig a hole 30 cm deep.",
        "Water it.",
        "First.",
        "Second.",
        "Crop | Days",
        "Radish | 25",
    )


def test_markdown_heading_with_no_text_of_its_own_is_dropped() -> None:
    text = "---\ntitle: Orchards\n---\n# Orchards, a primer\n\n## Pruning\n\n- Winter.\n"
    document = parse_document(text, stem="o", markdown=True, source="o.md")
    assert [(s.heading, s.paragraphs) for s in document.sections] == [("Pruning", ("Winter.",))]


_MARKDOWN_PIECES = st.sampled_from(
    [
        "# ",
        "## ",
        "- ",
        "* ",
        "1. ",
        "2) ",
        "> ",
        "| ",
        " |",
        "---",
        "===",
        "```",
        "`",
        "**",
        "*",
        "_",
        "~~",
        "[",
        "](",
        ")",
        "![",
        "<b>",
        "</div>",
        "<!--",
        "-->",
        "&amp;",
        "\\",
        "[^1]: ",
        "> ",
        ">",
        "<sup>1</sup>",
        "<del>",
        "</del>",
        "\n",
        "\n\n",
        "word",
        "Word.",
        " ",
        "\t",
    ]
)


def test_sections_sharing_a_heading_are_named_with_their_parents() -> None:
    text = (
        "# Notebook\n\n## Soda Bread\n\nAn hour.\n\n### Method\n\nBake it.\n\n"
        "## Colcannon\n\n### Method\n\nBoil them.\n\n#### Serving\n\nHot.\n\n"
        "## Method\n\nA note on method.\n\n## The 3-2-1 Rule\n\n### Later history\n\nKept.\n"
    )
    document = parse_document(text, stem="n", markdown=True, source="n.md")
    assert [s.heading for s in document.sections] == [
        "Soda Bread",
        "Soda Bread › Method",  # two "Method"s under two recipes: cited apart
        "Colcannon › Method",  # its parent has no text of its own, and still names it
        "Serving",  # a heading no other section has stays as it is
        "Method",  # a top heading has no parent to name
        "The 3-2-1 Rule › Later history",  # its parent, with no text, has no section to name it
    ]
    ids = [p.id for p in split_passages([document])]
    assert ids[1:3] == ["n/soda-bread-method/1", "n/colcannon-method/1"]
    found = {
        typed: [s.heading for _, s in find_sections([document], typed)]
        for typed in ("method", "colcannon > method", "the 3 2 1 rule", "later")
    }
    assert found == {
        "method": ["Soda Bread › Method", "Colcannon › Method", "Method"],  # by its own name
        "colcannon > method": ["Colcannon › Method"],
        "the 3 2 1 rule": ["The 3-2-1 Rule"],  # dashes typed as spaces; no text, its parts
        "later": ["The 3-2-1 Rule › Later history"],
    }


def test_every_part_of_a_parent_whose_parts_repeat_is_named_with_it() -> None:
    # Trial round 13's minutes: "3. Treasurer's report" was cited with its meeting, as each
    # meeting has one, but "4. Community safety" alone: which meeting?
    text = (
        "# Minutes\n\n## Meeting of 14 January\n\nPresent: all.\n\n### 3. Treasurer's report\n\n"
        "£1,204.\n\n### 4. Community safety\n\nSpeedwatch.\n\n## Meeting of 11 February\n\n"
        "Present: most.\n\n### 3. Treasurer's report\n\n£1,310.\n\n## Notes\n\nNone.\n\n"
        "### Later\n\nKept.\n"
    )
    sections = parse_document(text, stem="m", markdown=True, source="m.md").sections
    assert [section.heading for section in sections] == [
        "Meeting of 14 January",
        "Meeting of 14 January › 3. Treasurer's report",
        "Meeting of 14 January › 4. Community safety",  # named too: its sibling repeats
        "Meeting of 11 February",
        "Meeting of 11 February › 3. Treasurer's report",
        "Notes",
        "Later",  # no part of "Notes" repeats: named alone, as before
    ]


def test_a_section_s_parts_stop_at_those_of_a_heading_with_no_text_after_it() -> None:
    text = (
        "# Village\n\n## Timeline\n\n1784: the mill is built.\n\n## Landmarks\n\n"
        "### Church\n\nOld.\n\n### Bridge\n\nStone.\n\n## Population\n\nSmall.\n"
    )
    document = parse_document(text, stem="v", markdown=True, source="v.md")
    headings = [s.heading for s in document.sections]
    assert headings == ["Timeline", "Landmarks › Church", "Landmarks › Bridge", "Population"]
    timeline = document.sections[0]
    assert list(with_parts(document, timeline)) == [timeline]  # not the landmarks after it
    # one essay's contents number its sections "1." to "4.": the number alone names one
    for typed in ("2", "2."):
        assert [s.heading for _, s in find_sections([document], typed)] == ["Landmarks › Church"]
    assert find_sections([document], "9") == []
    # the heading with no text is found as itself, and prints as its parts
    ((_, landmarks),) = find_sections([document], "landmarks")
    assert (landmarks.heading, landmarks.paragraphs) == ("Landmarks", ())
    parts = [s.heading for s in with_parts(document, landmarks)]
    assert parts == ["Landmarks", "Landmarks › Church", "Landmarks › Bridge"]
    other = parse_document(
        "# Other\n\n## 2. Rules\n\nKeep off.\n", stem="o", markdown=True, source="o.md"
    )
    # with two essays "2" is no section's number, only the start of a numbered heading
    assert [s.heading for _, s in find_sections([document, other], "2")] == ["2. Rules"]


def _headings_found(text: str, typed_in: Sequence[str]) -> dict[str, list[str]]:
    """Per name typed, the headings `find_sections` finds for it in the Markdown `text`."""
    document = parse_document(text, stem="e", markdown=True, source="e.md")
    return {typed: [s.heading for _, s in find_sections([document], typed)] for typed in typed_in}


def test_a_number_names_a_nested_heading_numbered_so_or_its_parent_with_no_text() -> None:
    """Trial round 17: in a paper whose "## 2. Methods" has no text but "### 2.1 ..." to
    "### 2.3 ...", ":section 2.3" found nothing and ":section 2" all of the parts, unsure
    which was meant."""
    text = (
        "# Hedgehogs\n\n## 1. Introduction\n\nWhy.\n\n## 2. Methods\n\n### 2.1 Site\n\n"
        "Here.\n\n### 2.3 Cameras and checks\n\nFilmed.\n\n## 3. Results\n\nUsed.\n"
    )
    found = _headings_found(text, "2 2.3 3".split())
    document = parse_document(text, stem="e", markdown=True, source="e.md")
    assert found == {
        "2": ["2. Methods"],
        "2.3": ["2. Methods › 2.3 Cameras and checks"],
        "3": ["3. Results"],
    }
    ((_, methods),) = find_sections([document], "2")
    assert [s.heading for s in with_parts(document, methods)][1:] == [
        "2. Methods › 2.1 Site",
        "2. Methods › 2.3 Cameras and checks",
    ]


def test_a_number_names_the_heading_numbered_so_before_the_contents_position() -> None:
    # Trials rounds 9 and 10: ":section 5" of a handbook showed the contents' fifth section
    # ("3. Holidays"), ":section 4" of a constitution its "ARTICLE 3".
    text = "Rules\n\nARTICLE 1 - NAME\n\n1.1 Riverside.\n\nARTICLE 2 - FEES\n\n2.1 Ten.\n\n"
    text += "ARTICLE 4 - PLOTS\n\n4.1 Dig.\n\nARTICLE 5 - SHEDS\n\n5.1 Small.\n\n"
    text += "4x4 vehicles\n\nNone.\n"
    document = parse_document(text, stem="r", markdown=False, source="r.txt")
    for typed in ("4", "4.", "article 4"):
        assert [s.heading for _, s in find_sections([document], typed)] == ["ARTICLE 4 - PLOTS"]
    # no heading numbered 3 ("4x4" is no number 4): the contents' third
    assert [s.heading for _, s in find_sections([document], "3")] == ["ARTICLE 4 - PLOTS"]
    assert [s.heading for _, s in find_sections([document], "5")] == ["ARTICLE 5 - SHEDS"]


def test_a_short_line_between_headings_lines_is_the_text_of_the_heading_over_it() -> None:
    # A guide's "Contact us" over "Phone 0161 555 0142" over "Opening hours": every line was
    # short with no stop, and all of them became text of the section before.
    text = "Guide\n\nWelcome to the museum.\n\nContact us\n\nPhone 0161 555 0142\n\n"
    text += "Opening hours\n\nMonday to Friday 9 to 5\n"
    document = parse_document(text, stem="g", markdown=False, source="g.txt")
    assert [(s.heading, s.paragraphs) for s in document.sections] == [
        ("Introduction", ("Welcome to the museum.",)),
        ("Contact us", ("Phone 0161 555 0142",)),
        ("Opening hours", ("Monday to Friday 9 to 5",)),
    ]
    # over a paragraph, a short line is a heading; a heading over it, with no text of its
    # own, names its section too (trial round 13: "Afternoon session: Key Stage 2" over "Track
    # events" had been text of the morning's section); a signature over a heading is text
    stacked = "Decision\n\nDismissed.\n\nReasons\n\nCharacter and appearance\n\nThe site is old.\n"
    stacked += "\nAll the best.\n\nImogen Treacher, Captain\n\nClub News\n\nThe bar is open.\n"
    document = parse_document(stacked, stem="d", markdown=False, source="d.txt")
    assert [(s.heading, s.paragraphs) for s in document.sections] == [
        ("Introduction", ("Dismissed.",)),
        (
            "Reasons › Character and appearance",
            ("The site is old.", "All the best.", "Imogen Treacher, Captain"),
        ),
        ("Club News", ("The bar is open.",)),
    ]


def test_a_field_giving_a_figure_alone_on_its_line_is_text_not_a_heading() -> None:
    # Trial round 34: a payslip's "Next pay date: 28 November 2025" over "Payroll queries"
    # had headed the section after it, so the date was in no passage; "Day 3: Into the
    # Hills" heads its part still.
    text = "Payslip\n\nNotes\n\n1. Paid monthly.\n\nNext pay date: 28 November 2025\n\n"
    text += "Payroll queries\n\nContact: Helen Marchetti\nEmail: payroll@example.com\n\n"
    text += "Day 3: Into the Hills\n\nWe walked.\n"
    document = parse_document(text, stem="p", markdown=False, source="p.txt")
    assert [(s.heading, s.paragraphs) for s in document.sections] == [
        ("Notes", ("1. Paid monthly.", "Next pay date: 28 November 2025")),
        ("Payroll queries", ("Contact: Helen Marchetti", "Email: payroll@example.com")),
        ("Day 3: Into the Hills", ("We walked.",)),
    ]


def test_a_line_giving_a_phone_number_or_email_address_is_no_heading() -> None:
    # Trial round 31: "Celia Abernethy, secretary: 07700 900 318 or secretary@..." had headed
    # the line after it, so her number was cited as a section's name, in no passage
    for contact in ("07700 900 318", "+44 (0)161 555 0142", "secretary@choir.example"):
        text = f"Choir notes\n\nWe sing.\n\nContacts\n\nCelia Abernethy, secretary: {contact}\n\n"
        text += "Fergus Mallinder, musical director: via Celia, please, not directly.\n"
        document = parse_document(text, stem="c", markdown=False, source="c.txt")
        assert [(s.heading, s.paragraphs) for s in document.sections][-1] == (
            "Contacts",
            (
                f"Celia Abernethy, secretary: {contact}",
                "Fergus Mallinder, musical director: via Celia, please, not directly.",
            ),
        )


def test_a_byline_under_a_subtitle_is_text_too() -> None:
    # Trial round 15: the byline under a subtitle under the title had been read as a heading
    text = "Arthur Pennock, 1938-2026\n\nCobbler, choirmaster and keeper of memory\n\n"
    text += "By Ruth Calloway, Calder Valley Gazette, 19 February 2026\n\nArthur died.\n\n"
    text += "Early years\n\nHe was born in 1938.\n"
    document = parse_document(text, stem="a", markdown=False, source="a.txt")
    assert document.title == "Arthur Pennock, 1938-2026"
    assert [(s.heading, len(s.paragraphs)) for s in document.sections] == [
        ("Introduction", 3),
        ("Early years", 1),
    ]
    assert document.sections[0].paragraphs[1].startswith("By Ruth Calloway")


def test_a_dateline_over_a_sentence_under_the_title_is_text() -> None:
    # Trial round 29: "Abbeymead Ward, polling day Thursday 7 May 2026" over "Published by
    # the Returning Officer, ...", no blank line between, had headed that sentence, so no
    # passage held the date. A heading with neither a comma nor a year over text stays one.
    text = "Candidates' Statements\n\nAbbeymead Ward, polling day Thursday 7 May 2026\n"
    text += "Published by the Returning Officer, Wrenfold Civic Centre, Market Square.\n\n"
    text += "How to vote\n\nPolls are open from 7am to 10pm.\n"
    document = parse_document(text, stem="c", markdown=False, source="c.txt")
    assert [(s.heading, s.paragraphs) for s in document.sections] == [
        (
            "Introduction",
            (
                "Abbeymead Ward, polling day Thursday 7 May 2026",
                "Published by the Returning Officer, Wrenfold Civic Centre, Market Square.",
            ),
        ),
        ("How to vote", ("Polls are open from 7am to 10pm.",)),
    ]
    headed = text.replace("Abbeymead Ward, polling day Thursday 7 May 2026", "About the ward")
    document = parse_document(headed, stem="c", markdown=False, source="c.txt")
    assert [s.heading for s in document.sections] == ["About the ward", "How to vote"]


def test_numbered_questions_alone_on_their_lines_are_headings() -> None:
    # Trial round 29: an information sheet's "4. Do I have to take part?" over its answer
    # had been a paragraph, so every answer was cited under the one heading asking nothing
    # ("9. Expenses and payments"); three or more make a document's headings, fewer are text.
    questions = ["1. Why have I been invited?", "2. Do I have to take part?"]
    questions += ["3. Expenses and payments", "4. What if there is a problem?"]
    text = "Information Sheet\n\nPlease read this.\n\n"
    text += "".join(f"{q}\n\nAnswer {n}.\n\n" for n, q in enumerate(questions, 1))
    document = parse_document(text, stem="i", markdown=False, source="i.txt")
    assert [(s.heading, s.paragraphs) for s in document.sections] == [
        ("Introduction", ("Please read this.",)),
        *((q, (f"Answer {n}.",)) for n, q in enumerate(questions, 1)),
    ]
    two = text.replace("4. What if there is a problem?", "4. Problems")
    two = two.replace("1. Why have I been invited?", "1. Invitations")
    document = parse_document(two, stem="i", markdown=False, source="i.txt")
    assert "2. Do I have to take part?" not in [s.heading for s in document.sections]


def test_a_letters_signature_ends_it_and_heads_nothing() -> None:
    # Trial round 14: "Ruth" alone under "With love," named the next letter's section, cited
    # "Ruth" over "II. Callum to Ruth"; the name is said with its closing words. Not a greeting's
    # name: "Dear Callum," opens a letter, and the line after it is the letter's.
    text = "Letters\n\nI. Ruth to Callum\n\nDear Callum,\n\nThe winter is mild.\n\n"
    text += "With love and good wishes for the new year,\n\nRuth\n\nII. Callum to Ruth\n\n"
    text += "Dear Ruth,\n\nSummer is hot.\n\nWith love from us both,\n\nCallum and Inés\n"
    document = parse_document(text, stem="l", markdown=False, source="l.txt")
    assert [(s.heading, s.paragraphs) for s in document.sections] == [
        (
            "I. Ruth to Callum",
            (
                "Dear Callum,",
                "The winter is mild.",
                "With love and good wishes for the new year, Ruth",
            ),
        ),
        (
            "II. Callum to Ruth",
            ("Dear Ruth,", "Summer is hot.", "With love from us both, Callum and Inés"),
        ),
    ]
    greeted = parse_document(
        "Dear Callum,\n\nHappy Birthday\n\nIt rains.\n", stem="g", markdown=False, source="g.txt"
    )
    assert "Dear Callum, Happy Birthday" not in greeted.sections[0].paragraphs


def test_each_message_of_an_email_thread_is_headed_by_its_sender() -> None:
    # Trial round 24: each message's sign-off ("Priya" over "Treasurer") headed the next
    # message, so Tobias's words were cited under "Priya", and the header lines of the first
    # message were the title's. A memo's "From:" and "Subject:" head it the same way.
    text = "Re: Spring concert venue (St Aldhelm's flooded)\n\n"
    text += "From: Maureen Okonkwo <sec@choir.example>\nTo: Committee\n"
    text += "Date: Mon, 3 Mar 2025 07:42\nSubject: Venue\n\nDear all,\n\nThe church is shut.\n\n"
    text += "Maureen\nHon Secretary, Brackenridge Choir\n\n\n"
    text += "From: Tobias Lind <music@choir.example>\n"
    text += "Date: Mon, 3 Mar 2025 09:15\n\nCentral Hall seats 300.\n\nTobias\nMusical Director\n"
    document = parse_document(text, stem="t", markdown=False, source="t.txt")
    assert document.title == "Re: Spring concert venue (St Aldhelm's flooded)"
    assert [(s.heading, s.paragraphs) for s in document.sections] == [
        (
            "Maureen Okonkwo, Mon, 3 Mar 2025 07:42",
            (
                "From: Maureen Okonkwo <sec@choir.example>",
                "To: Committee",
                "Date: Mon, 3 Mar 2025 07:42",
                "Subject: Venue",
                "Dear all,",
                "The church is shut.",
                "Maureen Hon Secretary, Brackenridge Choir",
            ),
        ),
        (
            "Tobias Lind, Mon, 3 Mar 2025 09:15",
            (
                "From: Tobias Lind <music@choir.example>",
                "Date: Mon, 3 Mar 2025 09:15",
                "Central Hall seats 300.",
                "Tobias Musical Director",
            ),
        ),
    ]
    memo = parse_document(
        "From: <hr@example.org>\nSubject: Leave\n\nBook leave early.\n",
        stem="m",
        markdown=False,
        source="m.txt",
    )
    assert [s.heading for s in memo.sections] == ["<hr@example.org>"]
    fields = parse_document(
        "Intro\n\nIt rains.\n\nTo: the council\nDate: 5 May\n",
        stem="f",
        markdown=False,
        source="f.txt",
    )
    assert "To: the council" in fields.sections[-1].paragraphs  # no sender: no message


def test_each_post_of_a_forum_thread_is_headed_by_its_number_poster_and_time() -> None:
    # Trial round 27: the posts ran on under the signature ending the post before ("Dave"
    # headed Hannah's update, "Gary | Roofing & rendering, Oldham | NFRC member" Ellie's),
    # and no passage held a signature's words.
    text = "Forums > Damp\n\nBlack mould on back bedroom wall\n\n"
    text += "#1  hollybank_hannah  »  Tue 14 Jan 2025, 21:47\n\nWe dry laundry indoors.\n\n"
    text += "#2  GrumpyPlasterer  »  Tue 14 Jan 2025, 22:30\n\nDo NOT inject anything.\n\n"
    text += "Dave\nPlasterer 26 years, Tameside. Lime where it belongs.\n\n"
    text += "#3  RoofnRender_Gaz  »  Wed 15 Jan 2025, 12:14\n\nClear the gutter first.\n\n"
    text += "Gary | Roofing & rendering, Oldham | NFRC member\n\n"
    text += "Reply #4 on: 16 January 2025, 08:11\n\nDave is right.\n\n"
    text += "Dave\nPlasterer 26 years, Tameside. Lime where it belongs.\n\n"
    text += "Who is online\n"
    document = parse_document(text, stem="t", markdown=False, source="t.txt")
    signature = "Dave Plasterer 26 years, Tameside. Lime where it belongs."
    assert [(s.heading, s.paragraphs) for s in document.sections][1:] == [
        ("#1 hollybank_hannah, Tue 14 Jan 2025, 21:47", ("We dry laundry indoors.",)),
        ("#2 GrumpyPlasterer, Tue 14 Jan 2025, 22:30", ("Do NOT inject anything.", signature)),
        (
            "#3 RoofnRender_Gaz, Wed 15 Jan 2025, 12:14",
            ("Clear the gutter first.", "Gary | Roofing & rendering, Oldham | NFRC member"),
        ),
        ("Reply #4 on: 16 January 2025, 08:11", ("Dave is right.", signature, "Who is online")),
    ]
    one = "Notes\n\n#1 hollybank_hannah » Tue 14 Jan 2025\n\nIt rains.\n\nDave\nPlasterer\n"
    alone = parse_document(one, stem="o", markdown=False, source="o.txt")
    assert "#1 hollybank_hannah » Tue 14 Jan 2025" in alone.sections[0].paragraphs  # no thread


def test_a_notice_signed_at_its_end_with_a_name_over_a_role_heads_nothing() -> None:
    # Trial round 24: "Martin Achterberg" over "Managing Director, Kestrel Garden Tools Ltd"
    # ending a recall notice was read as a heading, so no passage held the name.
    text = "Recall notice\n\nStop using the battery now.\n\nContact\n\nCall 0800 048 7712.\n\n"
    text += "Martin Achterberg\nManaging Director, Kestrel Garden Tools Ltd\n"
    document = parse_document(text, stem="r", markdown=False, source="r.txt")
    assert [(s.heading, s.paragraphs[-1]) for s in document.sections][-1] == (
        "Contact",
        "Martin Achterberg Managing Director, Kestrel Garden Tools Ltd",
    )
    headed = "Notes\n\nIt rains.\n\nOpening Hours\nMonday to Friday 9 to 5\n"
    assert (
        parse_document(headed, stem="h", markdown=False, source="h.txt").sections[-1].heading
        == "Opening Hours"
    )  # no comma: a heading over its text


def test_a_letters_page_signers_end_their_letters_and_head_nothing() -> None:
    # Trial round 41: on a newspaper's letters page each signer ("Margaret Oduya" over
    # "Hillside Road, Skelby") headed the next letter, so no quote named who wrote what, and
    # "HOW WILL WE GET THERE?" was a paragraph, its letter under the one before.
    prose = "I have used that library every week for forty years, first with my children "
    prose += "and now with my grandchildren, and I will go on doing so."
    text = f"Letters to the Editor\n\nWe print a selection.\n\nLIBRARY MOVE\n\n{prose}\n\n"
    text += "Margaret Oduya\nHillside Road, Skelby\n\nHOW WILL WE GET THERE?\n\n"
    text += f"{prose}\n\nMrs Eileen Spratt (aged 87)\nChapel Row, Skelby\n\n"
    text += f"A WORD FOR RIVERSIDE\n\n{prose}\n\nCllr Trevor Banham\nCabinet Member\n\n"
    text += "Editor's note: The Courier will report the meeting next week.\n"
    document = parse_document(text, stem="c", markdown=False, source="c.txt")
    assert [(s.heading, s.paragraphs[1:]) for s in document.sections[1:]] == [
        ("LIBRARY MOVE", ("Margaret Oduya Hillside Road, Skelby",)),
        ("HOW WILL WE GET THERE?", ("Mrs Eileen Spratt (aged 87) Chapel Row, Skelby",)),
        (
            "A WORD FOR RIVERSIDE",
            (
                "Cllr Trevor Banham Cabinet Member",
                "Editor's note: The Courier will report the meeting next week.",
            ),
        ),
    ]
    # one name over a place, between prose and a heading, may still head its section
    alone = f"Notes\n\n{prose}\n\nGreat Yarmouth\nNorfolk coast\n\nMORE\n\n{prose}\n"
    headings = [
        s.heading for s in parse_document(alone, stem="a", markdown=False, source="a.txt").sections
    ]
    assert "Great Yarmouth" in headings


def test_a_dash_is_no_word_of_a_headings_ten() -> None:
    # Trial round 12: "Day 4 - Train to the Douro Valley (Tuesday 17 September)" was text,
    # eleven "words" with the dash, and the whole day was cited under Day 3.
    text = "Trip\n\nDay 3 – Matosinhos (Monday 16 September)\n\nBeach day.\n\n"
    text += "Day 4 – Train to the Douro Valley (Tuesday 17 September)\n\nTake the 09:15 train.\n"
    document = parse_document(text, stem="t", markdown=False, source="t.txt")
    assert document.sections[-1].heading.startswith("Day 4")
    assert document.sections[-1].paragraphs == ("Take the 09:15 train.",)


def test_the_text_before_the_first_heading_is_no_second_introduction() -> None:
    # Trial round 11: a paper's author line over "## Abstract" and "## Introduction" was a
    # section "Introduction" too, and two paragraphs were both cited "Introduction", ¶1.
    text = "# Moss\n\nA. Writer, Norrby Institute.\n\n## Abstract\n\nMoss.\n\n"
    document = parse_document(
        text + "## Introduction\n\nSheds.\n", stem="m", markdown=True, source="m.md"
    )
    assert [s.heading for s in document.sections] == ["Opening", "Abstract", "Introduction"]
    alone = parse_document(text, stem="m", markdown=True, source="m.md")
    assert [s.heading for s in alone.sections] == ["Introduction", "Abstract"]
    # trial round 21: a numbered "## 1. Introduction" too
    numbered = parse_document(
        text + "## 1. Introduction\n\nSheds.\n", stem="m", markdown=True, source="m.md"
    )
    assert [s.heading for s in numbered.sections] == ["Opening", "Abstract", "1. Introduction"]


def test_a_word_numbering_two_headings_or_more_labels_them() -> None:
    # Trial round 11's museum guide: ":section 5" showed "Room 4" (the contents' fifth,
    # after the opening), and "Room 5: Trade and Empire (first floor)" was no heading at
    # all: a line ending with a bracket had been read as a sentence's end.
    text = "Guide\n\nWelcome to the museum.\n\nRoom 1: The Hall\n\nA long room.\n\n"
    text += "Room 2: Fishing\n\nHerring.\n\nRoom 3: Trade (first floor)\n\nTobacco jars.\n\n"
    text += "Shop 1\n\nPostcards and maps are sold here.\n"
    document = parse_document(text, stem="g", markdown=False, source="g.txt")
    headings = [s.heading for s in document.sections]
    assert headings == [
        "Introduction",
        "Room 1: The Hall",
        "Room 2: Fishing",
        "Room 3: Trade (first floor)",
        "Shop 1",
    ]
    for typed in ("3", "room 3"):
        assert [s.heading for _, s in find_sections([document], typed)] == [headings[3]]
    # "Shop" numbers one heading only: "1" is Room 1's, the contents' first otherwise
    assert [s.heading for _, s in find_sections([document], "1")] == ["Room 1: The Hall"]
    assert [s.heading for _, s in find_sections([document], "5")] == ["Shop 1"]


def test_a_heading_with_no_text_prints_its_parts_and_theirs() -> None:
    text = (
        "# Town\n\n## History\n\n### Early\n\nFarms.\n\n### The mill era\n\n"
        "#### Cotton\n\nSpinning.\n\n#### Decline\n\nClosed.\n\n### Later\n\nShops.\n\n"
        "## Timeline\n\n1784.\n"
    )
    document = parse_document(text, stem="t", markdown=True, source="t.md")
    ((_, history),) = find_sections([document], "history")
    assert [s.heading for s in with_parts(document, history)] == [
        "History",
        "History › Early",
        "The mill era › Cotton",  # a part of a part with no text: History's still
        "The mill era › Decline",
        "History › Later",
    ]
    ((_, early),) = find_sections([document], "early")
    assert [s.heading for s in with_parts(document, early)] == ["History › Early"]


@given(st.lists(_MARKDOWN_PIECES | st.text(max_size=8), max_size=60).map("".join))
def test_any_markdown_parses_into_non_empty_paragraphs(text: str) -> None:
    # (Text first: a leading "---" would open front matter, which has its own test.)
    document = parse_document("Text.\n" + text, stem="any", markdown=True, source="any.md")
    for section in document.sections:
        assert section.heading and section.heading == section.heading.strip()
        for paragraph in section.paragraphs:
            assert paragraph and paragraph == paragraph.strip()


def test_plain_text_lines_giving_fields_are_paragraphs_not_headings() -> None:
    text = (
        "Tenancy Agreement\n\nThe tenancy runs for twelve months from 7 September 2024.\n\n"
        "Schedule 1: Keys\n\nTwo front door keys are given.\n\n"
        "Signed by the Landlord: Gareth Pellow\nSigned by the Tenants: Hannah Osei, Lukas Brandt\n"
    )
    document = parse_document(text, stem="t", markdown=False, source="t.txt")
    assert [s.heading for s in document.sections] == ["Introduction", "Schedule 1: Keys"]
    assert document.sections[1].paragraphs[1:] == (
        "Signed by the Landlord: Gareth Pellow",
        "Signed by the Tenants: Hannah Osei, Lukas Brandt",
    )


def test_plain_text_wrapped_paragraphs_and_headings() -> None:
    text = (
        "Why rivers flood\n"
        "Rivers flood when rain falls faster than soil can absorb it, and the water\n"
        "has nowhere else to go.\n\n"
        "Levees\n\n"
        "Levees protect towns.\n"
    )
    document = parse_document(text, stem="rivers", markdown=False, source="rivers.txt")
    assert [s.heading for s in document.sections] == ["Why rivers flood", "Levees"]
    assert document.sections[0].paragraphs == (
        "Rivers flood when rain falls faster than soil can absorb it, and the water has "
        "nowhere else to go.",
    )


def test_a_heading_line_inside_a_block_follows_a_sentence_not_a_short_line() -> None:
    long = "The appeal is made under section 78 of the Act against a refusal to grant permission."
    text = (
        "Appeal Decision\n\n"
        f"Appeal Ref: APP/K4471\nLand at Orchard End, Wendleby\n{long * 2}\n"
        f"History of the site\n{long * 2}\n"
    )
    document = parse_document(text, stem="a", markdown=False, source="a.txt")
    assert [(s.heading, len(s.paragraphs)) for s in document.sections] == [
        ("Appeal Ref: APP/K4471", 2),  # the line under it is one of a run of short lines
        ("History of the site", 1),  # after a sentence's end: a heading
    ]


def test_plain_text_heading_ending_in_a_colon_on_a_line_of_its_own() -> None:
    text = (
        "The Winter Garden\n\n"
        "The glasshouse was built in 1902.\n\n"
        "Part Two - Decline:\n\n"
        "The palms died in 1947.\n\n"
        "You will need:\n- a ladder\n- a saw\n\n"  # a lead-in to its list: text
        "It is: fine.\n"
    )
    document = parse_document(text, stem="garden", markdown=False, source="garden.txt")
    assert [s.heading for s in document.sections] == ["Introduction", "Part Two - Decline"]
    assert document.sections[1].paragraphs[0] == "The palms died in 1947."
    assert document.sections[1].paragraphs[1:4] == ("You will need:", "a ladder", "a saw")


def test_plain_text_underlined_and_hash_headings() -> None:
    text = (
        "Keeping Hens\n============\n\n"
        "Why keep hens\n-------------\n\n"
        "Hens lay about 250 eggs a year.\n\n"
        "* * *\n\n"  # a break: dropped
        "# Predators\n\n"
        "Foxes are the main danger.\n\n"
        "#1 rule: close the pop-hole.\n"  # no space after "#": text
    )
    document = parse_document(text, stem="hens", markdown=False, source="hens.txt")
    assert document.title == "Keeping Hens"
    assert [(s.heading, s.paragraphs) for s in document.sections] == [
        ("Why keep hens", ("Hens lay about 250 eggs a year.",)),
        ("Predators", ("Foxes are the main danger.", "#1 rule: close the pop-hole.")),
    ]


def test_plain_text_paragraphs_opened_by_an_indented_line() -> None:
    text = (
        "The Old Mill\n"
        "    The mill was built in 1820 by Josiah Crane. It ground wheat for three\n"
        "villages and ran until 1931.\n"
        "    In 1931 the wheel broke.\n"
        "- Dig a hole\n  30 cm deep.\n"  # a hanging indent goes on with its line
    )
    document = parse_document(text, stem="mill", markdown=False, source="mill.txt")
    assert document.title == "The Old Mill"
    assert document.sections[0].paragraphs == (
        "The mill was built in 1820 by Josiah Crane. It ground wheat for three villages and "
        "ran until 1931.",
        "In 1931 the wheel broke. - Dig a hole 30 cm deep.",
    )


def test_plain_text_table_in_aligned_columns() -> None:
    text = (
        "Tramway\n\nThe locomotives were as follows:\n\n"
        "    Name        Built   Fate\n"
        "    Cadair      1879    Scrapped 1936\n"
        "    Gwenllian   1895\tSold to a quarry in Norway, 1934\n\n"
        "The last train ran in 1946.  Then the line closed.\n"  # two spaces after a stop
        "It was lifted in 1950.\n"
    )
    document = parse_document(text, stem="t", markdown=False, source="t.txt")
    assert [s.heading for s in document.sections] == ["Introduction"]  # no row as a heading
    assert document.sections[0].paragraphs == (
        "The locomotives were as follows:",
        "Name | Built | Fate",
        "Cadair | 1879 | Scrapped 1936",
        "Gwenllian | 1895 | Sold to a quarry in Norway, 1934",
        "The last train ran in 1946.  Then the line closed.",
        "It was lifted in 1950.",
    )


def test_a_heading_right_over_an_aligned_table_heads_its_rows() -> None:
    # Trial round 29: "Keeper history" over its table, no blank line between, had been one
    # wrapped paragraph of every row with its spacing, then a row a heading of its own.
    text = "Report\n\nThe car is sound.\n\nKeeper history\n"
    text += "Keeper   From               Type\n"
    text += "1        28 February 2014   Company (Dyfed Lettings Ltd)\n"
    text += "2        2 July 2017        Private\n\nIt has had one plate change.\n"
    document = parse_document(text, stem="r", markdown=False, source="r.txt")
    assert [(s.heading, s.paragraphs) for s in document.sections] == [
        ("Introduction", ("The car is sound.",)),
        (
            "Keeper history",
            (
                "Keeper | From | Type",
                "1 | 28 February 2014 | Company (Dyfed Lettings Ltd)",
                "2 | 2 July 2017 | Private",
                "It has had one plate change.",
            ),
        ),
    ]


def test_a_chapter_label_is_joined_to_the_name_under_it() -> None:
    text = "Mill\n\nBuilt in 1820.\n\nChapter 3\nRestoration\n\nReopened in 1998.\n"
    document = parse_document(text, stem="mill", markdown=False, source="mill.txt")
    assert [s.heading for s in document.sections] == ["Introduction", "Chapter 3: Restoration"]
    assert document.sections[0].paragraphs == ("Built in 1820.",)  # no stray "Chapter 3"
    text = "# Diary\n\n## Day 1\n\n## Day 2\n\n### Rain\n\nIt rained.\n"
    document = parse_document(text, stem="d", markdown=True, source="d.md")
    assert [s.heading for s in document.sections] == ["Day 2: Rain"]  # "Day 1" had nothing


def test_a_place_and_date_line_under_a_heading_is_its_first_paragraph() -> None:
    # Trial round 10's letters: each date line had been the letter's heading, and the
    # letter's own heading ("II. Daniel to Agnes") the last paragraph of the one before.
    text = (
        "Letters, 1994\n\nI. Agnes to Daniel\n\nFenwick, 3 September 1994\n\nDear Daniel,\n\n"
        "The house is quiet.\n\nYour sister,\nAgnes\n\nII. Daniel to Agnes\n\n"
        "Leeds, 19 September 1994\n\nDear Agnes,\n\nThe room is small.\n"
    )
    document = parse_document(text, stem="letters", markdown=False, source="letters.txt")
    assert [s.heading for s in document.sections] == ["I. Agnes to Daniel", "II. Daniel to Agnes"]
    assert document.sections[1].paragraphs[:2] == ("Leeds, 19 September 1994", "Dear Agnes,")
    assert document.sections[0].paragraphs[-1] == "Your sister, Agnes"


def test_a_plain_text_clause_goes_to_the_heading_its_number_is_part_of() -> None:
    # Trial round 9's handbook: "1.4" after 1.3's clauses was cited under "1.3 Breaks", and
    # "5. Health and safety" over "5.1 Protective clothing" was lost, 5.2 cited under 5.1.
    text = (
        "Handbook\n\n1. Working hours\n\n1.1 We open at 8.30am.\n\n1.3 Breaks\n\n"
        "1.3.1 Lunch is 30 minutes.\n\n1.4 Sundays are paid at time and a half.\n\n"
        "Sundays end at 4pm.\n\n5. Health and safety\n\n5.1 Protective clothing\n\n"
        "5.1.1 Boots must be worn.\n\n5.2 Only trained staff may drive the forklift.\n\n"
        "Notes\n\n6.1 A clause under no heading of its number stays where it is.\n"
    )
    document = parse_document(text, stem="h", markdown=False, source="h.txt")
    assert [(s.heading, s.paragraphs) for s in document.sections] == [
        (
            "1. Working hours",
            (
                "1.1 We open at 8.30am.",
                "1.4 Sundays are paid at time and a half.",
                "Sundays end at 4pm.",
            ),
        ),
        ("1.3 Breaks", ("1.3.1 Lunch is 30 minutes.",)),
        ("5. Health and safety", ("5.2 Only trained staff may drive the forklift.",)),
        ("5.1 Protective clothing", ("5.1.1 Boots must be worn.",)),
        ("Notes", ("6.1 A clause under no heading of its number stays where it is.",)),
    ]
    sections = {s.heading: s for s in document.sections}
    parts = with_parts(document, sections["5. Health and safety"])
    assert [s.heading for s in parts] == ["5. Health and safety", "5.1 Protective clothing"]


def test_a_table_of_contents_is_not_text() -> None:
    text = (
        "# Canal Boats\n\n## Contents\n\n- [History](#history)\n- 2. Living aboard\n\n"
        "## History\n\nNarrowboats are 7 feet wide.\n\nHistory\n\n"  # a TOC line, too
        "## Living aboard\n\nAbout 15,000 people live on boats.\n"
    )
    document = parse_document(text, stem="boats", markdown=True, source="boats.md")
    assert [(s.heading, s.paragraphs) for s in document.sections] == [
        ("History", ("Narrowboats are 7 feet wide.",)),
        ("Living aboard", ("About 15,000 people live on boats.",)),
    ]
    plain = (
        "Canal Boats\n\nContents\nHistory ........ 3\nEngines 7\n\n"
        "History\n\nOld boats.\n\nEngines\n\nDiesel.\n"
    )
    document = parse_document(plain, stem="boats", markdown=False, source="boats.txt")
    assert [s.paragraphs for s in document.sections] == [("Old boats.",), ("Diesel.",)]


def test_markdown_bold_lines_alone_are_headings() -> None:
    # as word processors export them
    text = (
        "**Keeping Goats: Notes**\n\n"
        "**Housing**\n\n"
        "Goats need a dry shed.\n\n"
        "**Never leave the gate open.**\n\n"  # a sentence in bold: text
        "- **Saanen**\n\n"  # a list item in bold: text
        "> **Quoted**\n\n"
        "**Hives** and **Honey**\n"  # two bold runs: text
    )
    document = parse_document(text, stem="goats", markdown=True, source="goats.md")
    assert document.title == "Keeping Goats: Notes"
    assert [(s.heading, s.paragraphs) for s in document.sections] == [
        (
            "Housing",
            (
                "Goats need a dry shed.",
                "Never leave the gate open.",
                "Saanen",
                "Quoted",
                "Hives and Honey",
            ),
        )
    ]


def test_a_bold_dateline_opening_a_markdown_file_is_text_not_a_heading() -> None:
    # Trial round 28: a licence's "**Version 6.2, effective 6 January 2025**" under its front
    # matter's title was a heading, so no passage held it; a later bold line with a year is
    # still a heading ("**2019 season**" over its text)
    text = "---\ntitle: LedgerLeaf Licence\n---\n\n**Version 6.2, effective 6 January 2025**\n\n"
    text += "Read this agreement carefully.\n\n**2019 season**\n\nWe won the league.\n"
    document = parse_document(text, stem="eula", markdown=True, source="eula.md")
    assert document.title == "LedgerLeaf Licence"
    assert [(s.heading, s.paragraphs) for s in document.sections] == [
        (
            "Introduction",
            ("Version 6.2, effective 6 January 2025", "Read this agreement carefully."),
        ),
        ("2019 season", ("We won the league.",)),
    ]


def test_plain_text_title_line_is_the_title_and_byline_and_date_are_text() -> None:
    text = "THE QUIET REVOLUTION IN TEA\nby Jane Doe\nMarch 3, 2021\n\nTea is popular.\n\n"
    text += "Origins\n\nLegend says an emperor found it.\n"
    document = parse_document(text, stem="tea", markdown=False, source="tea.txt")
    assert document.title == "THE QUIET REVOLUTION IN TEA"
    assert [(s.heading, s.paragraphs) for s in document.sections] == [
        ("Introduction", ("by Jane Doe", "March 3, 2021", "Tea is popular.")),
        ("Origins", ("Legend says an emperor found it.",)),
    ]
    alone = parse_document("Tea\n\nTea is popular.\n", stem="t", markdown=False, source="t.txt")
    assert (alone.title, alone.sections[0].paragraphs) == ("Tea", ("Tea is popular.",))
    for only in ("Rivers flood every spring\n", "Rivers flood\nevery spring.\n"):  # no title
        one = parse_document(only, stem="rivers", markdown=False, source="rivers.txt")
        assert one.title == "Rivers" and len(one.sections[0].paragraphs) >= 1
    titled = "---\ntitle: Leaves\n---\nTea\n\nTea is popular.\n"  # front matter wins
    leaves = parse_document(titled, stem="t", markdown=False, source="t.txt")
    assert (leaves.title, leaves.sections[0].paragraphs) == ("Leaves", ("Tea", "Tea is popular."))


def test_a_plain_text_title_may_be_as_long_as_a_title_with_its_subtitle() -> None:
    title = "Fire and Breath: An Interview with Teodora Brannick of Saltmarsh Glass"  # 11 words
    text = f"{title}\n\nQ: How did you start?\n\nA: By accident, really.\n\nThe Studio\n\nIt hums."
    document = parse_document(text, stem="glass", markdown=False, source="glass.txt")
    assert document.title == title
    assert document.sections[0].paragraphs == ("Q: How did you start?", "A: By accident, really.")
    # a heading later in the file keeps a heading's length: this one is a paragraph
    long = "The Studio in the Old Lifeboat Station on the Sea Wall at Hessle Quay"
    later = parse_document(text.replace("The Studio", long), stem="g", markdown=False, source="g")
    assert long in later.sections[0].paragraphs


def test_a_title_in_title_case_may_ask_before_its_subtitle() -> None:
    """Trial round 38: a study's guide opened "Do Hedgerows Keep Farm Soils Cooler? A
    Plain-Language Guide ...", read as a paragraph and titled from the file name."""
    title = "Do Hedgerows Keep Farm Soils Cooler? A Plain-Language Guide to the Marrowfield Study"
    text = f"{title}\n\nBy Dr Anjali Pershore, June 2024\n\nSummary\n\nThey do, a little."
    document = parse_document(text, stem="hedgerow-study", markdown=False, source="h.txt")
    assert document.title == title
    # a sentence asking, not in Title Case, still opens the text
    asked = "Do hedgerows keep soils cooler? We measured it on twelve farms over two summers"
    prose = parse_document(f"{asked}\n\nThey do.", stem="h", markdown=False, source="h.txt")
    assert prose.title == "H" and asked in prose.sections[0].paragraphs
    # or asks after its name (trial round 39: a phone-in titled from its file name)
    named = "Valley Talk: The Last Bus to Cefn Isaf?"
    text = f"{named}\nBroadcast on Tuesday.\n\nPart one\n\nGWEN: Hello."
    show = parse_document(text, stem="valley-talk", markdown=False, source="v.txt")
    assert show.title == named and named not in str(show.sections)


def test_a_title_case_title_over_a_line_of_text_is_the_title() -> None:
    """Trial round 16: a podcast's title line over "Recorded 14 November 2024 ...", no blank
    line between, was read as the first paragraph's opening, the title taken from the file
    name ("Hill Talk Episode 58")."""
    title = "Hill Talk, Episode 58: Twenty Winters with Glen Orrin Mountain Rescue"
    recorded = "Recorded 14 November 2024 at the team base. Host: Priya Castellan."
    text = f"{title}\n{recorded}\n\nPRIYA: Hello and welcome.\n\nDUNCAN: Thanks, Priya.\n"
    document = parse_document(text, stem="hill-talk-58", markdown=False, source="h.txt")
    assert document.title == title
    assert document.sections[0].paragraphs[0] == recorded
    # a wrapped paragraph's first line is not in Title Case: no title taken from it
    opening = "The Harbour Board met in the spring of that year and agreed at last"
    wrapped = f"{opening}\nthat the quay would be rebuilt.\n\nIt was."
    plain = parse_document(wrapped, stem="harbour", markdown=False, source="h.txt")
    assert plain.title == "Harbour"
    assert plain.sections[0].paragraphs[0] == f"{opening} that the quay would be rebuilt."


@pytest.mark.parametrize(
    "subtitle",
    [
        "User Manual, edition 3 (March 2024)",  # ends with ")"
        "Transcript of a public panel held at Port Alder Town Hall, 12 October 2023",  # 13 words
    ],
)
def test_a_plain_text_title_keeps_its_subtitle_line_under_it(subtitle: str) -> None:
    text = f"THE TK-40 KETTLE\n{subtitle}\n\nAbout this manual\nRead it all before use.\n"
    document = parse_document(text, stem="tk40-manual", markdown=False, source="m.txt")
    assert document.title == "THE TK-40 KETTLE"  # not "Tk40-Manual", the file's name
    assert [(s.heading, s.paragraphs) for s in document.sections] == [
        ("Introduction", (subtitle,)),
        ("About this manual", ("Read it all before use.",)),
    ]


def test_a_plain_text_heading_over_a_list_or_fields_with_no_blank_line_heads_them() -> None:
    text = (
        "Tent Guide\n\nPitching the tent\n1. Lay out the groundsheet.\n2. Peg the corners.\n\n"
        "Cleaning\nWARNING: Unplug it first.\n1. Wipe the outside.\n2. Rinse the filter.\n\n"
        "We need:\n- pegs\n- a mallet\n\nSpecifications\nWeight: 2.1 kg\n"
        "Packed size: 45 x 15 cm\n\nModerator: Gwen Tallis, editor of the Gazette\n"
        "Panel: Councillor Rhodri Vane (harbour committee chair), Dr Sunita Mehra (marine\n"
        "ecologist, University of Westhaven)\n"
    )
    document = parse_document(text, stem="tent", markdown=False, source="tent.txt")
    fields = (
        "Weight: 2.1 kg",
        "Packed size: 45 x 15 cm",
        "Moderator: Gwen Tallis, editor of the Gazette",  # a field, though heading-like
        "Panel: Councillor Rhodri Vane (harbour committee chair), Dr Sunita Mehra "
        "(marine ecologist, University of Westhaven)",  # a value wrapped onto a line
    )
    listed = ("WARNING: Unplug it first.", "Wipe the outside.", "Rinse the filter.")
    assert [(s.heading, s.paragraphs) for s in document.sections] == [
        ("Pitching the tent", ("Lay out the groundsheet.", "Peg the corners.")),
        ("Cleaning", (*listed, "We need:", "pegs", "a mallet")),  # a colon leads into a list
        ("Specifications", fields),
    ]


@pytest.mark.parametrize(
    "byline",
    [
        "By Nessa Cawthorne, Saltmarsh Courier, 9 June 2023",
        "written by the parish council",
        "A short biography, prepared for the village archive",
        "Saltmarsh Courier 2023",
    ],
)
def test_a_byline_or_subtitle_after_the_title_is_text_not_a_heading(byline: str) -> None:
    text = f"The Ferry\n\n{byline}\n\nThe ferry ran for a century.\n\nThe Strike\n\nIt ended.\n"
    document = parse_document(text, stem="ferry", markdown=False, source="ferry.txt")
    assert document.title == "The Ferry"
    assert [(s.heading, s.paragraphs) for s in document.sections] == [
        ("Introduction", (byline, "The ferry ran for a century.")),
        ("The Strike", ("It ended.",)),
    ]
    heading = text.replace(byline, "Early Years")  # a first section's heading stays one
    sections = parse_document(heading, stem="f", markdown=False, source="f.txt").sections
    assert [s.heading for s in sections] == ["Early Years", "The Strike"]


@pytest.mark.parametrize("opening", ["Introduction", "BACKGROUND", "Table of Contents"])
def test_plain_text_opening_with_a_usual_first_section_name_starts_with_that_section(
    opening: str,
) -> None:
    text = f"{opening}\n\nBees make honey.\n\nMethods\n\nWe counted hives.\n"
    document = parse_document(text, stem="bee-survey", markdown=False, source="b.txt")
    assert document.title == "Bee-Survey"  # from the file's name
    assert [(s.heading, s.paragraphs) for s in document.sections] == [
        (opening, ("Bees make honey.",)),
        ("Methods", ("We counted hives.",)),
    ]
    named = parse_document(
        "Introductions\n\nBees make honey.\n", stem="b", markdown=False, source="b"
    )
    assert named.title == "Introductions"  # only the name itself


def test_trailing_heading_like_line_is_kept_as_text() -> None:
    document = parse_document(
        "A paragraph.\nThanks for reading\n", stem="a", markdown=False, source="a.txt"
    )
    assert document.sections[0].paragraphs == ("A paragraph.", "Thanks for reading")


def test_unclosed_front_matter_names_the_file() -> None:
    with pytest.raises(SeedFileError, match=r"broken\.md: front matter .* never closed"):
        parse_document("---\ntitle: x\n\nText.\n", stem="b", markdown=True, source="broken.md")


@pytest.mark.parametrize(
    ("stem", "title"),
    [
        ("russia-belarus", "Russia-Belarus"),
        ("000_the_cold_war", "The Cold War"),
        ("ferry-strike-report", "Ferry Strike Report"),  # a slug
        ("2024-06-01-beekeeping", "Beekeeping"),  # a blog post's file, its date first
        ("01-how-to-bake-bread", "How To Bake Bread"),
        ("notes_on_post-soviet_ties", "Notes On Post-Soviet Ties"),
        ("notes", "Notes"),
    ],
)
def test_title_from_file_name(stem: str, title: str) -> None:
    assert readable_title(stem) == title


def test_wrapped_line_with_a_full_stop_inside_is_not_a_heading() -> None:
    text = (
        "1. Why towns matter\n\n"
        "Small towns were once the backbone of the country. They provided\n"
        "markets and schools.\n\n"
        "Yet the decline is not inevitable. Several towns have reinvented\n"
        "themselves around tourism, remote work and local food.\n"
    )
    document = parse_document(text, stem="towns", markdown=False, source="towns.txt")
    assert [s.heading for s in document.sections] == ["1. Why towns matter"]
    assert document.sections[0].paragraphs[1] == (
        "Yet the decline is not inevitable. Several towns have reinvented themselves around "
        "tourism, remote work and local food."
    )


@pytest.mark.parametrize("markdown", [True, False])
def test_front_matter_url_is_where_the_essay_is_published(markdown: bool) -> None:
    text = "---\ntitle: Levees\nurl: https://example.org/levees?x=1#top\n---\nRivers flood.\n"
    document = parse_document(text, stem="levees", markdown=markdown, source="levees")
    assert document.url == "https://example.org/levees?x=1#top"
    assert parse_document("Rivers flood.\n", stem="r", markdown=markdown, source="r").url == ""


@pytest.mark.parametrize("value", ["javascript:alert(1)", "example.org", "https://", "ftp://x.org"])
def test_a_url_that_is_no_web_address_names_the_file(value: str) -> None:
    text = f"---\nurl: {value}\n---\nRivers flood.\n"
    with pytest.raises(SeedFileError, match=r"levees\.md: url .* is not a web address"):
        parse_document(text, stem="levees", markdown=True, source="levees.md")


@pytest.mark.parametrize("markdown", [True, False])
def test_a_line_broken_after_a_words_hyphen_joins_without_a_space(markdown: bool) -> None:
    text = "# Mill\n\nThe mill had twenty-\none grinding stones -\nand Ely-\nFord lore.\n"
    document = parse_document(text, stem="mill", markdown=markdown, source="mill")
    assert document.sections[0].paragraphs[-1] == (
        "The mill had twenty-one grinding stones - and Ely- Ford lore."
    )


def test_a_plain_text_list_without_blank_lines_is_one_paragraph_an_item() -> None:
    text = "Tools\n\nYou will need:\n- a spanner and\n  a cloth\n- grease\n3. tape\n\nThen begin.\n"
    document = parse_document(text, stem="tap", markdown=False, source="tap.txt")
    assert document.sections[0].paragraphs == (
        "You will need:",
        "a spanner and a cloth",
        "grease",
        "tape",
        "Then begin.",
    )


def test_a_section_is_found_by_its_name_as_typed_without_accents_or_apostrophes() -> None:
    text = "# Le pain\n\n## Les débuts\n\nIl était une fois.\n\n## Aujourd’hui\n\nOn cuit.\n"
    documents = [parse_document(text, stem="pain", markdown=True, source="pain.md")]
    for typed, heading in (
        ("les debuts", "Les débuts"),
        ("LES  DÉBUTS", "Les débuts"),
        ("aujourd'hui", "Aujourd’hui"),
        ("aujourdhui", "Aujourd’hui"),  # typed without its apostrophe
        ("le pain: aujou", "Aujourd’hui"),
    ):
        assert [s.heading for _, s in find_sections(documents, typed)] == [heading], typed
    assert find_sections(documents, "les debits") == []


def test_labelled_fields_on_lines_of_one_markdown_paragraph_are_a_paragraph_each() -> None:
    text = (
        "# Committee Minutes\n\n**Date:** 14 March 2025\n**Location:** Community Hall,\n"
        "Back Lane\n**Present:** R. Okafor (Chair), D. Mills\n\n"
        "The minutes were approved.\nThey were signed: by the chair.\n"
    )
    document = parse_document(text, stem="minutes", markdown=True, source="minutes.md")
    assert document.sections[0].paragraphs == (
        "Date: 14 March 2025",
        "Location: Community Hall, Back Lane",  # a value wrapped onto a line
        "Present: R. Okafor (Chair), D. Mills",
        "The minutes were approved. They were signed: by the chair.",  # prose, joined
    )


def test_a_prefix_finds_a_numbered_heading_s_name_and_a_parent_without_its_parts() -> None:
    # Trial round 20: ":section treasurer" found nothing for "3. Treasurer's report", and
    # ":section cheese" listed "Cheese Scones" with its own "Ingredients" and "Method".
    text = (
        "# Club\n\n## Cheese Scones\n\nLovely.\n\n### Ingredients\n\nFlour.\n\n### Method\n\n"
        "Bake.\n\n## Cheese Straws\n\nCrisp.\n\n### Ingredients\n\nMore flour.\n\n"
        "## 3. Treasurer's report\n\nMoney.\n\n## 4. Cheesemaking\n\nCurds.\n\n"
        "## The Wrayness Ferry\n\nOars.\n"
    )
    typed_in = ("treasurer", "treasurers rep", "cheese", "cheesem", "ingredients", "3", "wray")
    found = _headings_found(text, typed_in)
    assert found == {
        "treasurer": ["3. Treasurer's report"],
        "treasurers rep": ["3. Treasurer's report"],
        "cheese": ["Cheese Scones", "Cheese Straws", "4. Cheesemaking"],  # parents, not parts
        "cheesem": ["4. Cheesemaking"],
        "ingredients": ["Cheese Scones › Ingredients", "Cheese Straws › Ingredients"],
        "3": ["3. Treasurer's report"],
        "wray": ["The Wrayness Ferry"],  # its name after its article (trial round 21)
    }


def test_a_prefix_finds_a_parent_with_no_text_of_its_own_not_its_parts() -> None:
    # Trial round 22: ":section person" of "Person specification", whose text is all in its
    # "Essential criteria" and "Desirable criteria", was refused as either of them.
    text = (
        "# Job\n\n## Person specification\n\n### Essential criteria\n\nA degree.\n\n"
        "### Desirable criteria\n\nA licence.\n\n## Personal data\n\nKept safe.\n"
    )
    found = _headings_found(text, ("person s", "person", "essential"))
    assert found == {
        "person s": ["Person specification"],
        "person": ["Person specification", "Personal data"],
        "essential": ["Person specification › Essential criteria"],
    }


def _plain(text: str, *, markdown: bool = False) -> list[tuple[str, tuple[str, ...]]]:
    source = "letter.md" if markdown else "letter.txt"
    document = parse_document(text, stem="letter", markdown=markdown, source=source)
    return [(s.heading, s.paragraphs) for s in document.sections]


def test_an_address_is_no_heading_and_a_line_repeating_it_is_kept() -> None:
    """Trial round 35: an address under "Contact us" headed the phone and email under it,
    and the same address under the title was then dropped as a contents entry."""
    address = "Revenues Office, Brackenmoor House, Station Road, Brackenmoor BR1 4AA"
    text = (
        f"Council Tax Bill 2025/26\n\n{address}\n\nAccount reference: 60044721\n\n"
        f"Please keep this bill.\n\nContact us\n\n{address}\nPhone: 0300 123 4580\n"
        "Email: counciltax@brackenmoor.gov.uk\n"
    )
    assert _plain(text) == [
        ("Introduction", (address, "Account reference: 60044721", "Please keep this bill.")),
        ("Contact us", (address, "Phone: 0300 123 4580", "Email: counciltax@brackenmoor.gov.uk")),
    ]


def test_a_letter_s_addressee_and_signer_with_a_role_are_no_headings() -> None:
    """Trial round 35: "Mr Anthony Kilbride" headed his address and "Dear Mr Kilbride,";
    "Karen Whitlow" headed her role, so no quote said who signed the letter."""
    text = (
        "Westmere Hospital\n\nMr Anthony Kilbride\n27 Orchard Terrace\nBalsham Cross\n\n"
        "Dear Mr Kilbride,\n\nYour appointment\n\nYou were referred to us by your GP.\n\n"
        "Yours sincerely,\n\nKaren Whitlow\nEndoscopy Booking Coordinator, on behalf of Dr Marsh\n"
    )
    sections = _plain(text)
    assert [heading for heading, _ in sections] == ["Introduction", "Your appointment"]
    assert "Mr Anthony Kilbride" in sections[0][1]
    assert sections[1][1][-1] == (
        "Yours sincerely, Karen Whitlow Endoscopy Booking Coordinator, on behalf of Dr Marsh"
    )


def test_a_table_with_no_header_row_keeps_its_first_row_as_data() -> None:
    """Trial round 35: a list of contacts in aligned columns had its first row taken for the
    header, never found; a header naming a column of figures in words stays the header."""
    contacts = (
        "Useful contacts\n\nEndoscopy Bookings     01632 960 775    Monday to Friday 8am to 5pm\n"
        "Pre-assessment nurses  01632 960 781    Monday to Friday 9am to 4pm\n"
    )
    assert _plain(contacts)[0][1] == (
        "Endoscopy Bookings · 01632 960 775 · Monday to Friday 8am to 5pm",
        "Pre-assessment nurses · 01632 960 781 · Monday to Friday 9am to 4pm",
    )
    priced = "Prices\n\nItem        Cost\nBrake pads  £12.00\nChain       £18.50\n"
    assert _plain(priced)[0][1][0] == "Item | Cost"


def test_a_header_row_a_cell_short_is_parted_at_any_gap() -> None:
    """Trial round 35: "No.  Object" was one cell (a stop before the gap reads as prose's), so
    the header was a cell short and the first object's row was taken for the header."""
    text = (
        "Schedule\n\nNo.  Object                 Maker            Value\n"
        "1    Herring Fleet at Dusk  Annie Coldwell   £85,000\n"
        "2    Mending Nets           Annie Coldwell   £22,000\n"
    )
    assert _plain(text)[0][1][:2] == (
        "No. | Object | Maker | Value",
        "1 | Herring Fleet at Dusk | Annie Coldwell | £85,000",
    )


def test_a_line_leading_into_a_table_with_no_blank_line_is_its_own_paragraph() -> None:
    # Trial round 35: "Parking charges:" and its four rows had been one paragraph.
    text = "Getting here\n\nParking charges:\nUp to 2 hours     £3.20\nUp to 4 hours     £5.50\n"
    assert _plain(text)[0][1] == (
        "Parking charges:",
        "Up to 2 hours · £3.20",
        "Up to 4 hours · £5.50",
    )


def test_a_markdown_bold_label_of_many_words_or_a_share_opens_a_field() -> None:
    """Trial round 35: "VAT included at 20%" and a long bold label had been joined to the
    field before: "Total: £285.22 VAT included at 20%: £47.54"."""
    text = (
        "# Invoice\n\n**Parts and labour:** £299.58\n"
        "**Hexley Wheelers club discount (10% off parts only):** minus £14.36\n"
        "**Total:** £285.22\n**VAT included at 20%:** £47.54\n"
    )
    assert _plain(text, markdown=True)[0][1] == (
        "Parts and labour: £299.58",
        "Hexley Wheelers club discount (10% off parts only): minus £14.36",
        "Total: £285.22",
        "VAT included at 20%: £47.54",
    )


def test_a_bold_byline_under_a_markdown_title_heading_is_text() -> None:
    """Trial round 36: "**By Oliver Keane, Home & Hearth Test Lab, October 2025**" under the
    file's "# " title had headed the review's opening; "who wrote the review" found nothing."""
    text = (
        "# The best stick vacuums of 2025\n\n**By Oliver Keane, Home & Hearth Test Lab, "
        "October 2025**\n\nWe bought six models.\n\n**Verdict**\n\nBuy the Vantor.\n"
    )
    assert _plain(text, markdown=True) == [
        (
            "Introduction",
            ("By Oliver Keane, Home & Hearth Test Lab, October 2025", "We bought six models."),
        ),
        ("Verdict", ("Buy the Vantor.",)),
    ]
