"""Text-fragment links to a quoted sentence: encoding, uniqueness, fallbacks."""

from __future__ import annotations

from urllib.parse import unquote

from hypothesis import given
from hypothesis import strategies as st

from bot.links import MAX_LINK_CHARS, fragment_link

URL = "https://example.org/essay"
PAGE = (
    "Rivers flood. Levees protect towns but push the flood downstream, and engineers "
    "now prefer to give rivers room to spread over fields that can take the water. "
    "A short one-liner, with commas & ampersands."
)


def _directive(link: str) -> list[str]:
    return [unquote(part) for part in link.split(":~:text=", 1)[1].split(",")]


def test_a_short_quote_is_matched_whole_with_its_syntax_characters_encoded() -> None:
    link = fragment_link(URL, "A short one-liner, with commas & ampersands.", PAGE)
    assert link.startswith(URL + "#:~:text=")
    encoded = link.split("text=", 1)[1]
    assert "," not in encoded and "&" not in encoded and "-" not in encoded
    assert "%2D" in encoded and "%2C" in encoded and "%26" in encoded
    assert _directive(link) == ["A short one-liner, with commas & ampersands."]


def test_a_long_quote_is_matched_by_its_first_and_last_words() -> None:
    quote = (
        "Levees protect towns but push the flood downstream, and engineers now prefer to "
        "give rivers room to spread over fields that can take the water."
    )
    start, end = _directive(fragment_link(URL, quote, PAGE))
    assert quote.startswith(start) and quote.endswith(end)
    assert len(start.split()) == 3  # unique already


def test_a_start_repeated_in_the_page_is_lengthened_until_unique() -> None:
    page = "The river rose in May. " * 3 + (
        "The river rose in June and the town, which had never flooded before, was flooded "
        "from end to end within a single night."
    )
    quote = page.split(". " * 1)[-1]
    quote = quote[quote.index("The river rose in June") :]
    start, _ = _directive(fragment_link(URL, quote, page))
    assert start == "The river rose in June"


def test_no_unique_start_or_a_quote_not_on_the_page_gives_the_plain_url() -> None:
    sentence = "The same long sentence appears here again and again to confuse the reader."
    page = f"{sentence} {sentence} {sentence}"
    assert fragment_link(URL, sentence, page) == URL
    assert fragment_link(URL, "Words the page does not have.", PAGE) == URL
    assert fragment_link("", "Rivers flood.", PAGE) == ""


def test_an_existing_fragment_keeps_its_place() -> None:
    link = fragment_link(URL + "#levees", "Rivers flood.", PAGE)
    assert link == URL + "#levees:~:text=Rivers%20flood."


@given(st.text(min_size=1, max_size=3000))
def test_links_never_exceed_the_limit_and_decode_to_the_quote(text: str) -> None:
    link = fragment_link(URL, text, f"Before. {text} After.")
    assert len(link) <= MAX_LINK_CHARS
    if ":~:text=" in link:
        parts = _directive(link)
        assert " ".join(text.split()).startswith(parts[0])
        assert " ".join(text.split()).endswith(parts[-1])
