"""Links that open an essay's published page at the quoted sentence (a URL text fragment).

`https://example.org/essay#:~:text=start,end` makes browsers that support text fragments
(Chrome, Edge, Safari, Firefox 131+) scroll to and highlight the first run of the page that
starts with `start` and ends with `end`; others simply open the page. The spec:
https://wicg.github.io/scroll-to-text-fragment/. A short quote is given whole; a long one by
its first and last words, as few as make the start unique in the essay. When no short start
is unique, the quote is on the page twice, or the link would be too long, the plain URL is
given instead.
"""

from __future__ import annotations

from urllib.parse import quote as percent_encode

__all__ = ["MAX_LINK_CHARS", "fragment_link"]

MAX_LINK_CHARS = 1024  # well inside Discord's 2,048 for a link, and readable in JSON
_WHOLE_CHARS = 80  # a quote this short is matched whole
_EDGE_WORDS = (3, 10)  # words at each end of a longer quote: at least, at most


def _encoded(text: str) -> str:
    """Percent-encoded for a text directive: '-', ',' and '&' are its syntax, so encoded too."""
    return percent_encode(text, safe="").replace("-", "%2D")


def _folded(text: str) -> str:
    return " ".join(text.casefold().split())


def fragment_link(url: str, quote: str, page_text: str) -> str:
    """`url` with a text fragment for `quote`, a verbatim run of `page_text` (else `url`)."""
    if not url:
        return ""
    words = quote.split()
    page = _folded(page_text)
    whole = _folded(quote)
    at = page.find(whole)
    if not words or at == -1 or page.find(whole, at + 1) != -1:
        return url  # not on the page, or on it twice: a highlight could land on the other
    if len(whole) <= _WHOLE_CHARS:
        directive = _encoded(" ".join(words))
    else:
        edges = _edges(words, page)
        if edges is None:
            return url
        directive = f"{_encoded(edges[0])},{_encoded(edges[1])}"
    separator = ":~:" if "#" in url else "#:~:"
    link = f"{url}{separator}text={directive}"
    return link if len(link) <= MAX_LINK_CHARS else url


def _edges(words: list[str], page: str) -> tuple[str, str] | None:
    """The fewest first words whose text occurs once in `page`, and as many last words."""
    low, high = _EDGE_WORDS
    for count in range(low, min(high, len(words) // 2) + 1):
        start, end = " ".join(words[:count]), " ".join(words[-count:])
        at = page.find(_folded(start))
        if page.find(_folded(start), at + 1) != -1:
            continue  # the page has this start twice: try a longer one
        # The highlight ends at the first `end` after the start: it must be the quote's own.
        quote_end = at + len(_folded(" ".join(words)))
        if page.find(_folded(end), at + len(_folded(start))) + len(_folded(end)) == quote_end:
            return start, end
    return None
