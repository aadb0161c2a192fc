"""Discord markdown escaping in time linear in the text, by construction: no regular expression.

discord.utils.escape_markdown runs a link pattern (`\\[.+\\]\\(.+\\)`) that backtracks: a
4,000-character run of `[` and `](` takes seconds. Here every step is a string method
(split, translate, find, replace, lstrip) or a loop that moves forward through the text,
and `fit` cuts a text to its limit before escaping it, so the work is bounded by the limit.
"""

from __future__ import annotations

__all__ = ["bidi_closed", "block_quotes", "clip", "code_block", "escape", "fit", "without_bidi"]

from index import code_lines

# Inline markdown: a backslash before any of these shows it as typed. `[` starts a masked link.
_INLINE = str.maketrans({c: "\\" + c for c in "\\*_~`|["})
_LINE_MARKS = ("#", ">", "-")  # a heading, a block quote, a list item or -# subtext
_SCHEMES = ("https", "http", "steam")
_URL_TAIL = ".,:;\"']"  # not part of a link when last, as in Discord's own link rule
_DIGITS = "0123456789"
# How Discord's other live tokens start: channel, slash command, custom emoji (animated or
# not), timestamp, guide link (<id:customize>).
_TOKENS = ("<#", "</", "<:", "<a:", "<t:", "<id:", "<sound:")  # "<sound:1:2>" plays a sound
_SURROGATES = dict.fromkeys(range(0xD800, 0xE000), "\ufffd")
# Explicit bidi formatting: embeddings and overrides (closed by PDF), isolates (by PDI).
_PDF, _PDI = "\u202c", "\u2069"
_CLOSERS = dict.fromkeys("\u202a\u202b\u202d\u202e", _PDF)
_CLOSERS |= dict.fromkeys("\u2066\u2067\u2068", _PDI)
_BIDI = (*_CLOSERS, _PDF, _PDI)
_NO_BIDI = dict.fromkeys(map(ord, _BIDI))


def bidi_closed(text: str) -> str:
    """`text` with each bidi embedding, override or isolate it leaves open closed at the end
    of its line, as the Unicode bidi algorithm pairs them: echoed text (a question, an
    essay's heading) cannot reorder the bot's own words after it ("¶13" shown "31¶" after
    a heading holding U+202E). At most one character more for each of `text`'s."""
    if not any(mark in text for mark in _BIDI):
        return text
    return "\n".join(_closed_line(line) for line in text.split("\n"))


def _closed_line(line: str) -> str:
    opened: list[str] = []  # closers due, innermost last
    for ch in line:
        if ch in _CLOSERS:
            opened.append(_CLOSERS[ch])
        elif ch == _PDF and opened and opened[-1] == _PDF:
            opened.pop()  # a PDF closes an embedding opened within the same isolate only
        elif ch == _PDI and _PDI in opened:
            del opened[len(opened) - 1 - opened[::-1].index(_PDI) :]  # and all within it
    return line + "".join(reversed(opened))


def block_quotes(text: str) -> tuple[list[str], str]:
    """The block quotes of `text` as Discord shows them (a run of lines opening with "> ",
    or every line from one opening with ">>> "), each without its marks, and the text
    outside them."""
    blocks: list[list[str]] = []
    outside: list[str] = []
    quoting = False  # the last line was quoted: a next quoted line goes on its block
    lines = text.split("\n")
    for i, line in enumerate(lines):
        bare = line.lstrip(" \t")
        if bare.startswith(">>> "):
            blocks.append([bare[4:], *lines[i + 1 :]])
            break
        if bare.startswith("> ") or bare == ">":
            if not quoting:
                blocks.append([])
            blocks[-1].append(bare[2:])
            quoting = True
        else:
            outside.append(line)
            quoting = False
    return ["\n".join(block) for block in blocks], "\n".join(outside)


def without_bidi(text: str) -> str:
    """`text` without explicit bidi formatting characters (for text that is only named)."""
    return text.translate(_NO_BIDI)


def clip(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, at a word boundary when one is near, with "…"."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.8:
        cut = cut[:space]
    return cut.rstrip("\\") + "…"  # never leave a dangling escape


def escape(text: str) -> str:
    """Text shown as typed: markdown escaped (links left whole), mentions and Discord's
    other live tokens (channels, timestamps, commands, custom emoji, guide links) broken by
    U+200B.

    At most twice as long as `text`: each character gains at most one backslash, one
    zero-width space or (a bidi control left open) one closing control.
    """
    return _unlive("\n".join(_escape_line(line) for line in bidi_closed(text).split("\n")))


def _unlive(text: str) -> str:
    """`text` with mentions and Discord's other live tokens broken by U+200B, and lone
    surrogates (no Unicode, and so no JSON Discord reads) as U+FFFD."""
    # "<@" first, so that "<@everyone" gets one zero-width space, not two.
    text = text.translate(_SURROGATES).replace("<@", "<@\u200b")
    for token in _TOKENS:  # "<#1>" shows a channel's link, "<t:0:R>" a date: break each
        text = text.replace(token, "<\u200b" + token[1:])
    return text.replace("@everyone", "@\u200beveryone").replace("@here", "@\u200bhere")


def code_block(text: str, limit: int) -> str:
    """Fenced code `text` (or a cut piece of it) as a Discord code block of at most `limit`
    characters (16 at least): its lines, cut with "…" when too long; backticks within are
    parted by U+200B so that no run of three ends the block, mentions are broken, and bidi
    controls dropped (they would reorder the code's characters: "Trojan Source")."""
    room = limit - len("```\n\n```")
    # cut before the replacing (which only lengthens), so the work is bounded by `limit`;
    # each pair of a run becomes "`\u200b`": no three backticks stay together
    body = without_bidi("\n".join(code_lines(text[: room + len("```\n") + 1])))
    body = _unlive(body).replace("``", "`\u200b`")
    if len(body) > room:
        body = body[: room - 1] + "…"
    return f"```\n{body}\n```"


def fit(text: str, limit: int) -> str:
    """`text` escaped and within `limit` characters; cut before escaping, so the work is bounded."""
    escaped = escape(clip(text, limit))
    if len(escaped) > limit:  # backslashes made it longer: cut the text by as much again
        escaped = escape(clip(text, max(2 * limit - len(escaped), limit // 2)))
    if len(escaped) > limit:  # the shorter cut escaped differently; half always fits
        escaped = escape(clip(text, limit // 2))
    return escaped


def _escape_line(line: str) -> str:
    parts: list[str] = []
    position = 0
    for start, end in _links(line):
        parts += [line[position:start].translate(_INLINE), line[start:end]]
        position = end
    parts.append(line[position:].translate(_INLINE))
    escaped = "".join(parts)
    # Leading spaces and digits are never escaped, so `mark` is the same index in `escaped`.
    mark = len(line) - len(line.lstrip())
    digits = len(line) - mark - len(line[mark:].lstrip(_DIGITS))
    if digits and line.startswith(".", mark + digits):  # "1. " starts a numbered list
        mark += digits
    elif not line.startswith(_LINE_MARKS, mark):
        return escaped
    return escaped[:mark] + "\\" + escaped[mark:]


def _links(line: str) -> list[tuple[int, int]]:
    """Where the bare links are (`https://…`), left unescaped so that they still work."""
    spans = []
    position = 0
    while (colon := line.find("://", position)) != -1:
        scheme = next((s for s in _SCHEMES if line.startswith(s, colon - len(s), colon)), "")
        start = end = colon + 3
        if not scheme or start - 3 - len(scheme) < position:
            position = start
            continue
        while end < len(line) and not line[end].isspace() and line[end] != "<":
            end += 1  # every character is passed once: the next search starts at `end`
        position = end
        while end > start and line[end - 1] in _URL_TAIL:
            end -= 1
        if end - start >= 2:
            spans.append((colon - len(scheme), end))
    return spans
