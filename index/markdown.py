"""Markdown's markup taken off the words, so passages read (and are quoted) as prose.

Block level, for the parser: list items, blockquote markers, table rows, link definitions.
Inline: emphasis, code spans, links and images (their text kept), HTML tags, entities and
comments, backslash escapes; struck-out text and footnote marks are dropped.
"""

from __future__ import annotations

import html
import re

from index.patterns import lazy

__all__ = ["block_line", "inline_text", "is_table_rule"]

_BLOCK_STARTS = frozenset("-*+>|[0123456789")  # a line starting otherwise is plain text
# A list item's marker: "- ", "* ", "+ ", "1. ", "1) ".
_LIST_ITEM = lazy(r"^(?:[-*+]|(\d{1,9})[.)])[ \t]+(?=\S)")
_BLOCKQUOTE = lazy(r"^(?:>[ \t]?)+")
_TABLE_RULE = lazy(r"^\|?[ \t]*:?-+:?[ \t]*(\|[ \t]*:?-+:?[ \t]*)*\|?$")
_LINK_DEFINITION = lazy(r"^ {0,3}\[[^\]^]+\]:[ \t]*\S+.*$")
_FOOTNOTE_DEFINITION = lazy(r"^\[\^[^\]]+\]:[ \t]*")

# Spans are bounded (_SPAN characters) so that a paragraph full of unclosed openers ("**a **a")
# costs linear time, not quadratic; a longer span keeps its markup.
_SPAN = 500
# Kept verbatim, out of reach of the rules below: escaped characters and code spans.
# A code span opens and closes with runs of backticks of one length, each run whole (as in
# CommonMark): without that, a long run of backticks took time growing with its cube.
_LITERAL = lazy(rf"\\([!-/:-@\[-`{{-~])|(?<!`)(`+)(?!`)(.{{1,{_SPAN}}}?)(?<!`)\2(?!`)", re.DOTALL)
_PLACEHOLDER = lazy("\ue000(\\d+)\ue001")
_MARKUP = "*_`[<&\\~"  # a text with none of these has no markup to take off
_QUESTION_MARKUP = _MARKUP + "|#"  # and a question none of Discord's marks either
# Tags that break a line or a block part the words on either side ("evening.<br>They" is
# two sentences); the others ("<em>") join them.
_BREAKING_TAGS = "|".join(
    "blockquote br center dd details div dl dt figcaption figure h1 h2 h3 h4 h5 h6 hr li ol p "
    "pre section summary table tbody td tfoot th thead tr ul".split()
)
_TAGS = "|".join(
    "a abbr b big cite code del dfn em font i img ins kbd mark q s samp small span strike "
    "strong sub sup tt u var".split()
)
# Struck-out text is what an essay's author took back: "the ~~coffin~~ former" reads "the
# former" (in a question, the words are the asker's and stay: "Who is ~~Lukashenko~~?").
# Before punctuation, the space before it goes too: "a heat gun ~~and a torch~~." reads "a heat
# gun.", as the page shows it.
_STRIKE = lazy(rf"~~(?=\S)((?:(?!~~).){{1,{_SPAN}}}?)(?<=\S)~~")
_DELETION = lazy(rf"<(del|s|strike)\b[^<>]*>(?:(?!</?\1\b).){{0,{_SPAN}}}?</\1\s*>", re.IGNORECASE)
_STRUCK = [
    (lazy(rf"(?<![ \t])[ \t]*{pattern.pattern}(?=[.,;:!?…)\]])", pattern.flags), "")
    for pattern in (_STRIKE, _DELETION)
] + [(_STRIKE, ""), (_DELETION, "")]
_STRUCK_KEPT = [(_STRIKE, r"\1")]
_FOOTNOTE_MARK = (
    r"<sup\b[^<>]*>\s*(<a\b[^<>]*>)?\s*\[?(\d{1,3}|[*†‡§]{1,3}|[a-z])\]?\s*(</a>)?\s*</sup>"
)
_INLINE = [
    # A script or a style sheet is no text of the page ("<script>alert(1)</script>").
    (lazy(rf"<(script|style)\b[^<>]*>.{{0,{_SPAN * 20}}}?</\1\s*>", re.I | re.S), " "),
    (lazy(rf"!\[([^\]]{{0,{_SPAN}}})\]\([^)]{{0,{_SPAN}}}\)"), r"\1"),
    (lazy(rf"\[([^\]]{{1,{_SPAN}}})\]\([^)]{{0,{_SPAN}}}\)"), r"\1"),
    (lazy(rf"\[\^[^\]]{{1,{_SPAN}}}\]"), ""),
    (lazy(rf"\[([^\]]{{1,{_SPAN}}})\]\[[^\]]{{0,{_SPAN}}}\]"), r"\1"),
    (lazy(r"<((?:https?|mailto):[^>\s]+)>"), r"\1"),
    # A footnote's mark ("each.<sup>1</sup> The arch"), not glued to the next words; after a
    # figure an ordinal ("19<sup>th</sup>": 19th) or a power ("10<sup>6</sup>": 10^6).
    (lazy(r"(\d)<sup>\s*(st|nd|rd|th|er|e|o|a)\s*</sup>", re.IGNORECASE), r"\1\2"),
    (lazy(r"(\d)<sup>\s*([^<>\s]{1,12})\s*</sup>", re.IGNORECASE), r"\1^\2"),
    (lazy(_FOOTNOTE_MARK, re.IGNORECASE), ""),
    (lazy(rf"</?(?:{_BREAKING_TAGS})\b[^<>]*>", re.IGNORECASE), " "),
    (lazy(rf"</?(?:{_TAGS})\b[^<>]*>", re.IGNORECASE), ""),
    # Emphasis within a word is left as written: "A = b*y, R = b*y / P" is a formula
    # (its quote must be what the essay says), and so is "2**10".
    (lazy(rf"(?<![\w*])(\*\*|__)(?=\S)(.{{1,{_SPAN}}}?)(?<=\S)\1(?![\w*])"), r"\2"),
    (lazy(rf"(?<![\w*])\*(?=[^\s*])(.{{1,{_SPAN}}}?)(?<=[^\s*])\*(?![\w*])"), r"\1"),
    (lazy(rf"(?<!\w)_(?=[^\s_])(.{{1,{_SPAN}}}?)(?<=[^\s_])_(?!\w)"), r"\1"),
]
# Discord's own marks, in a question typed there: a spoiler ("||Who?||"), and a line made
# small text ("-# Who?").
_DISCORD_MARKS = [
    (lazy(rf"\|\|(?=\S)(.{{1,{_SPAN}}}?)(?<=\S)\|\|"), r"\1"),
    (lazy(r"^[ \t]*-#[ \t]+", re.MULTILINE), ""),
]
_ESSAY_RULES = (*_STRUCK, *_INLINE)
_QUESTION_RULES = (*_STRUCK_KEPT, *_DISCORD_MARKS, *_INLINE)


def block_line(line: str, *, in_paragraph: bool) -> tuple[str, str]:
    """A stripped line without its block markers, and its kind.

    Kinds: "text", "item", "row", "note" or "skip".

    An item (of a list) or a note (a footnote's text) starts a paragraph; a table row is a
    paragraph of its own, without its outer pipes; a link definition is skipped. Inside a
    paragraph, as in CommonMark, only "1." starts an ordered list: "1990. Then" is text.
    """
    if line[:1] not in _BLOCK_STARTS:
        return line, "text"
    line = _BLOCKQUOTE.sub("", line).strip()
    if _LINK_DEFINITION.match(line):
        return "", "skip"
    item = _LIST_ITEM.match(line)
    if item and not (in_paragraph and item.group(1) not in (None, "1")):
        return line[item.end() :], "item"
    footnote = _FOOTNOTE_DEFINITION.match(line)
    if footnote:
        return line[footnote.end() :], "note"
    if line.startswith("|") and line.endswith("|") and len(line) > 1:
        return line[1:-1].strip(), "row"
    return line, "text"


def is_table_rule(line: str) -> bool:
    """Whether `line` is a table's alignment row ("| --- | :-: |")."""
    line = line.strip()
    return "|" in line and bool(_TABLE_RULE.match(line))


def _without_comments(text: str) -> str:
    """`text` with its closed HTML comments removed (in linear time)."""
    kept, position = [], 0
    while (start := text.find("<!--", position)) != -1:
        end = text.find("-->", start + 4)
        if end == -1:
            break
        kept.append(text[position:start])
        position = end + 3
    return "".join(kept) + text[position:]


def inline_text(text: str, *, struck: bool = False) -> str:
    """`text` with inline Markdown and HTML taken off; escaped characters kept literally;
    struck-out text dropped, or, when `struck` (a question), kept without its marks, and
    Discord's spoiler and small-text marks taken off too."""
    if not any(c in text for c in (_QUESTION_MARKUP if struck else _MARKUP)):
        return text.strip()
    literals: list[str] = []

    def hide(match: re.Match[str]) -> str:
        literals.append(match.group(1) or match.group(3).strip())
        return f"\ue000{len(literals) - 1}\ue001"

    text = _LITERAL.sub(hide, _without_comments(text))
    for pattern, replacement in _QUESTION_RULES if struck else _ESSAY_RULES:
        text = pattern.sub(replacement, text)
    text = html.unescape(text)
    text = _PLACEHOLDER.sub(lambda m: literals[int(m.group(1))], text)
    return " ".join(text.split())
