"""The table of contents' page-turning buttons: Previous, the page number, and Next.

Each is a `DynamicItem` whose custom id names the page it shows, so pages turn after a
restart too, and nothing is kept per message (as the answers' buttons, bot.discord_bot._buttons).
"""

from __future__ import annotations

import re
from typing import Any

import discord
from discord.ui import Button, DynamicItem

from bot.discord_bot._buttons import _bot, _guarded
from bot.discord_bot._replies import _reply, to_embeds

CONTENTS = "essaybot:contents:"
_LABELS = {"previous": "Previous", "next": "Next"}


class TurnPage(
    DynamicItem[Button[Any]], template=CONTENTS + r"(?P<way>previous|at|next):(?P<page>\d{1,4})"
):
    """Shows page `page` (from 0) of the table of contents in place; "at" is the page
    number, shown disabled."""

    def __init__(self, way: str, page: int, count: int) -> None:
        label = _LABELS.get(way, f"{page + 1} / {count}")
        style = discord.ButtonStyle.primary if way == "next" else discord.ButtonStyle.secondary
        button: Button[Any] = Button(label=label, style=style, custom_id=f"{CONTENTS}{way}:{page}")
        super().__init__(button)
        self.page = page

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: Any, match: re.Match[str], /
    ) -> TurnPage:
        """The button a press was on, from its custom id."""
        return cls(match["way"], int(match["page"]), 0)

    async def callback(self, interaction: discord.Interaction) -> None:
        """Show the page, with buttons to the pages beside it."""
        await _guarded(interaction, "contents page", self._turn(interaction))

    async def _turn(self, interaction: discord.Interaction) -> None:
        bot = _bot(interaction)
        if refusal := bot.page_refusal(interaction.user.id):
            await _reply(interaction, refusal)
            return
        pages = bot.contents_pages  # built at start: nothing grows on the loop
        page = min(self.page, len(pages) - 1)  # the essays may have shrunk since
        await interaction.response.edit_message(
            embeds=to_embeds(pages[page]), view=contents_view(page, len(pages))
        )


def contents_view(page: int, count: int) -> discord.ui.View:
    """Previous, "page / count" and Next under page `page` of `count`."""
    view = discord.ui.View(timeout=None)  # every item is dynamic: nothing is stored per message
    for way, to, disabled in (
        ("previous", max(page - 1, 0), page == 0),
        ("at", page, True),
        ("next", min(page + 1, count - 1), page == count - 1),
    ):
        item = TurnPage(way, to, count)
        item.item.disabled = disabled
        view.add_item(item)
    return view
