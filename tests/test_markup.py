"""Escaping for Discord: shown as typed, nothing rendered or pinged, work linear in the text."""

from __future__ import annotations

import re

import discord
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.markup import bidi_closed, clip, code_block, escape, fit
from tests.work import work

# Characters that mean something to Discord, and some that don't.
ALPHABET = "[]()_*~`|\\#>-.1@<&!:/ \naitdZé\u200b"
SPECIAL = "*_~`|["
SIZES = (2000, 5000, 10000, 20000)

ADVERSARIAL = {  # each grows with n; the first two froze the old link pattern for seconds
    "brackets": lambda n: "[" * (n // 2) + "](" * (n // 4),
    "link parts": lambda n: "[[[" + "](" * (n // 2),
    "empty links": lambda n: "[](" * (n // 3),
    "one long link": lambda n: "https://" * (n // 8),
    "many links": lambda n: "https://ab " * (n // 11),
    "false schemes": lambda n: "x://" * (n // 4),
    "link tail": lambda n: "https://a" + "." * n,
    "list items": lambda n: "\n-" * (n // 2),
    "numbered lines": lambda n: "\n1." * (n // 3),
    "mentions": lambda n: "<@everyone @here " * (n // 17),
    "markdown": lambda n: "_*~`|\\[#>" * (n // 10),
    "bidi controls": lambda n: "\u202e\u2067a\u202c\n" * (n // 4),
}


def shown(escaped: str) -> str:
    """What Discord displays: a backslash before punctuation shows the punctuation alone."""
    return re.sub(r"\\([^0-9A-Za-z\s])", r"\1", escaped).replace("\u200b", "")


def assert_inert(escaped: str) -> None:
    """No markdown, no mention: every special character is escaped, every mention broken."""
    lines = escaped.split("\n")
    for line in lines:
        body = line.lstrip()
        assert not body.startswith(("#", ">", "-")), line
        assert not re.match(r"\d+\.", body), line
        i = 0
        while i < len(line):
            if line[i] == "\\":
                assert i + 1 < len(line), "a dangling backslash"
                i += 2
                continue
            assert line[i] not in SPECIAL, line
            i += 1
    assert "@everyone" not in escaped and "@here" not in escaped
    assert re.search("<@[^\u200b]", escaped) is None
    # Channels, slash commands, custom emoji, timestamps and guide links render live too.
    assert re.search("<(#|/|:|a:|t:|id:)", escaped) is None


@settings(max_examples=400)
@given(st.text(alphabet=ALPHABET, max_size=400) | st.text(max_size=400))
def test_escaped_text_shows_as_typed_and_renders_nothing(text: str) -> None:
    text = text.replace("\u200b", "")
    escaped = escape(text)
    assert shown(escaped) == bidi_closed(text)  # what it leaves open, closed
    assert len(escaped) <= 2 * len(text)
    if "://" not in text:  # links are left whole, so that they still work
        assert_inert(escaped)


@given(st.text(alphabet="ab _*~`|\\", max_size=200))
def test_inline_markdown_escaped_as_discord_escapes_it(text: str) -> None:
    assert escape(text) == discord.utils.escape_markdown(text)


@settings(max_examples=300)
@given(st.text(alphabet=ALPHABET, max_size=3000) | st.text(max_size=3000), st.integers(2, 600))
def test_fit_respects_the_limit_and_leaves_no_dangling_escape(text: str, limit: int) -> None:
    text = text.replace("\u200b", "")
    fitted = fit(text, limit)
    assert len(fitted) <= limit
    if "://" not in text:
        assert_inert(fitted)
    assert fitted == escape(text) or fitted.endswith("…")


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("see https://x.com/a_b_c.", "see https://x.com/a_b_c."),
        ("<https://x.com/a_b>", "<https://x.com/a_b>"),
        ("_https://x.com/a_b", "\\_https://x.com/a_b"),
        ("ftp://x.com/a_b", "ftp://x.com/a\\_b"),
        ("https://_", "https://\\_"),
        ("**bold** [link](https://x.com)", "\\*\\*bold\\*\\* \\[link](https://x.com)"),
        ("# head\n> quote\n  - item\n-# small\n12. twelfth", None),
        ("@everyone <@&123> <@!456>", "@\u200beveryone <@\u200b&123> <@\u200b!456>"),
        ("<#1> <t:0:R> </ask:2>", "<\u200b#1> <\u200bt:0:R> <\u200b/ask:2>"),
        (
            "<:pepe:3> <a:wave:4> <id:customize>",
            "<\u200b:pepe:3> <\u200ba:wave:4> <\u200bid:customize>",
        ),
        ("storm flags <sound:1:2>.", "storm flags <\u200bsound:1:2>."),  # red-team round 14
    ],
)
def test_escape_examples(text: str, escaped: str | None) -> None:
    assert escape(text) == (escaped or "\\# head\n\\> quote\n  \\- item\n\\-# small\n12\\. twelfth")


@pytest.mark.parametrize("family", sorted(ADVERSARIAL))
def test_escaping_work_is_linear_in_the_text(family: str) -> None:
    make = ADVERSARIAL[family]
    counts = []
    for n in SIZES:
        done = work(escape, make(n))
        assert done.modules == {"bot.markup"}, done.modules  # no regular expression engine
        assert not any(b.startswith(("Pattern.", "Match.")) for b in done.builtins)
        assert done.steps <= 16 * n + 100
        counts.append(done.steps)
    # Ten times the text, at most ten times the steps (plus the constant): linear, not more.
    assert counts[-1] <= 10 * counts[0] + 100, counts


@pytest.mark.parametrize("family", sorted(ADVERSARIAL))
def test_fit_cuts_before_escaping(family: str) -> None:
    text = ADVERSARIAL[family](20000)
    assert work(fit, text, 256).steps <= 16 * 3 * 256 + 300  # bounded by the limit, not the text
    assert len(fit(text, 256)) <= 256


@given(st.text(max_size=3000), st.integers(2, 2500))
def test_clip_respects_the_limit(text: str, limit: int) -> None:
    clipped = clip(text, limit)
    assert len(clipped) <= limit
    assert clipped == text or clipped.endswith("…")


RLO, RLI, LRE, PDF, PDI = "\u202e", "\u2067", "\u202a", "\u202c", "\u2069"


@pytest.mark.parametrize(
    ("text", "closed"),
    [
        ("plain", "plain"),
        (f"Frost {RLO}and turnips", f"Frost {RLO}and turnips{PDF}"),
        (f"{RLO}a{PDF} b", f"{RLO}a{PDF} b"),  # closed already
        (f"{RLI}a{LRE}b", f"{RLI}a{LRE}b{PDF}{PDI}"),  # innermost first
        (f"{LRE}a{RLI}b{PDF}", f"{LRE}a{RLI}b{PDF}{PDI}{PDF}"),  # a PDF in an isolate: no close
        (f"{RLI}{LRE}{PDI}x", f"{RLI}{LRE}{PDI}x"),  # a PDI closes what it holds
        (f"{PDF}{PDI}x", f"{PDF}{PDI}x"),  # closers with nothing open: left as they are
        (f"{RLO}one\n{RLI}two", f"{RLO}one{PDF}\n{RLI}two{PDI}"),  # each line closed
    ],
)
def test_bidi_controls_are_closed_where_the_text_ends(text: str, closed: str) -> None:
    # Red-team round 8: a question or heading holding U+202E reversed the bot's own words
    # after it ("¶13" shown as "31¶").
    assert bidi_closed(text) == closed
    assert escape(text) == closed
    assert RLO not in code_block(f"if x {RLO}:", 100) and RLI not in code_block(RLI, 100)


def test_block_quotes_are_told_from_the_text_around_them() -> None:
    from bot.markup import block_quotes

    answer = 'Why?\n> With that in mind,\n> it stays.\n— *"Bad and bad", ¶4*\n\n> Second one\nafter'
    assert block_quotes(answer) == (
        ["With that in mind,\nit stays.", "Second one"],
        'Why?\n— *"Bad and bad", ¶4*\n\nafter',
    )
    assert block_quotes(">>> all of it\nto the end") == (["all of it\nto the end"], "")
    assert block_quotes("Is 3 > 2?\n>not a quote") == ([], "Is 3 > 2?\n>not a quote")
