"""discord.ui views: the table of contents' page-turning buttons."""

from __future__ import annotations

from typing import Any

import discord

from bot.discord_bot._replies import to_embeds
from bot.embeds import EmbedSpec


class ContentsPages(discord.ui.View):
    """Previous and Next buttons that turn the pages of the table of contents in place."""

    def __init__(self, pages: list[list[EmbedSpec]]) -> None:
        super().__init__(timeout=15 * 60)  # as long as the interaction's token lasts
        self.pages, self.page = pages, 0
        self._show()

    def _show(self) -> None:
        self.previous.disabled = self.page == 0
        self.next.disabled = self.page == len(self.pages) - 1
        self.counter.label = f"{self.page + 1} / {len(self.pages)}"

    async def _turn(self, interaction: discord.Interaction, step: int) -> None:
        self.page = min(max(self.page + step, 0), len(self.pages) - 1)
        self._show()
        await interaction.response.edit_message(embeds=to_embeds(self.pages[self.page]), view=self)

    @discord.ui.button(label="Previous", style=discord.ButtonStyle.secondary)
    async def previous(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        """Show the page before."""
        await self._turn(interaction, -1)

    @discord.ui.button(label="1 / 1", style=discord.ButtonStyle.secondary, disabled=True)
    async def counter(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        """Only shows the page number."""

    @discord.ui.button(label="Next", style=discord.ButtonStyle.primary)
    async def next(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        """Show the page after."""
        await self._turn(interaction, 1)
