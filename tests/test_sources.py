"""Find the source: exact and near-exact quotations, and words the essays never wrote."""

from __future__ import annotations

from bot.sources import Match, best_source, find_source
from index import PassageIndex

DEAD_END = "the accustomed format of Russia-Belarus relations represents a dead end"


def test_a_verbatim_quotation_is_found_whatever_its_case_and_quotes(
    seed_index: PassageIndex,
) -> None:
    source = find_source(seed_index, f"“{DEAD_END.upper()}”")
    assert source.match is Match.EXACT
    assert source.passage is not None
    assert source.passage.id == "russia-belarus/choosing-between-bad-and-bad/4"
    assert source.text == DEAD_END  # the essay's own words, as it writes them


def test_a_quotation_copied_with_invisible_characters_is_word_for_word(
    seed_index: PassageIndex,
) -> None:
    # Red-team round 25: a web page's soft hyphens or a zero-width space inside a word had
    # split it, and the copy was called near (Discord's menu read it first; now any caller).
    for copied in (
        DEAD_END.replace("accustomed", "ac\u00adcus\u00adtomed"),
        DEAD_END.replace("format", "for\u200bmat"),
    ):
        assert find_source(seed_index, copied).match is Match.EXACT


def test_a_misquotation_is_near_and_shows_what_the_essay_says(seed_index: PassageIndex) -> None:
    misquoted = (
        "We must acknowledge that the usual format of Russia-Belarus relations is a dead end"
    )
    source = find_source(seed_index, misquoted)
    assert source.match is Match.NEAR
    assert source.passage is not None
    assert source.passage.id == "russia-belarus/choosing-between-bad-and-bad/4"
    assert DEAD_END in source.text
    assert source.text in source.passage.text


def test_a_paraphrase_is_no_quotation_but_names_the_nearest_passage(
    seed_index: PassageIndex,
) -> None:
    source = find_source(seed_index, "Relations between Russia and Belarus have hit a wall.")
    assert source.match is Match.NONE
    assert source.passage is not None


def test_words_the_essays_never_wrote_have_no_source(seed_index: PassageIndex) -> None:
    source = find_source(seed_index, "Belarus will join the European Union next year.")
    assert source.match is Match.NONE
    assert find_source(seed_index, "  ?!  ").match is Match.NONE
    assert find_source(seed_index, "format dead").match is Match.NONE  # words, not a quote


def test_a_word_inside_another_word_is_no_quotation(seed_index: PassageIndex) -> None:
    # "end relations" is in no passage as words, though "...dead end. Relations" might be
    assert find_source(seed_index, "ate of Russia").match is not Match.EXACT


def test_a_quotation_under_a_title_is_found_by_its_own_line(seed_index: PassageIndex) -> None:
    # Red-team round 10: an embed's "Quote of the day" over its quote made the whole no match.
    sentence = seed_index.passages[3].text.split(". ")[0]
    shared = f"Quote of the day, from a reader\n{sentence}"
    assert find_source(seed_index, shared).match is not Match.EXACT
    found, looked_up = best_source(seed_index, shared)
    assert found.match is Match.EXACT and looked_up == sentence
    # a whole found word for word is not split
    assert best_source(seed_index, sentence) == (find_source(seed_index, sentence), sentence)
