"""/ask: defer -> service.answer -> render -> followup, with paging buttons."""

from __future__ import annotations

import logging
from datetime import date
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.cogs.common import (
    NO_MENTIONS,
    Interaction,
    bot_of,
    defer,
    followup,
    scopes_for,
    send_ephemeral,
)
from bot.cogs.views import PREFIX, AskerView
from bot.discord_render import abstain_text, answer_content, answer_embed, context_sentences
from bot.discord_text import BUTTON_LABEL_LIMIT, button_url, choice_name
from retrieval.types import Answer

if TYPE_CHECKING:
    from bot.client import NewsBot

log = logging.getLogger(__name__)

WIDE_WINDOW = 3
MAX_TOP_K = 10
NOT_YOURS = "Only the person who asked can page through this answer. Ask your own with /ask."
NO_FILTER_MATCH = "No articles match those filters (source / since): try without them."


class DateTransformer(app_commands.Transformer):
    """A ``YYYY-MM-DD`` string option as a `datetime.date`."""

    async def transform(self, interaction: Interaction, value: Any) -> date:
        """Parse the option; a bad date becomes a TransformerError (a short user message)."""
        return date.fromisoformat(str(value).strip())


def _ask_cooldown(interaction: Interaction) -> app_commands.Cooldown | None:
    seconds = bot_of(interaction).settings.ask_cooldown
    return app_commands.Cooldown(1, seconds) if seconds > 0 else None


def _embeds_allowed(interaction: Interaction) -> bool:
    """Whether replies may carry embeds here; without Embed Links we send plain content."""
    return interaction.app_permissions.embed_links


class AnswerView(AskerView):
    """Buttons under an answer: Previous / Next hit, More context, and a link to the source.

    Only the asker can press them; they are disabled when the view times out.
    """

    def __init__(self, answer: Answer, *, asker_id: int, timeout: float, plain: bool) -> None:
        super().__init__(asker_id=asker_id, timeout=timeout, refusal=NOT_YOURS)
        self.answer = answer
        self.plain = plain
        self.page = 0
        self.wide = False
        self._link: discord.ui.Button[AnswerView] | None = None
        self._update_buttons()

    def payload(self) -> dict[str, Any]:
        """Return the message fields for the current page (embed, or content in plain mode)."""
        hit = self.answer.hits[self.page]
        sentences = context_sentences(hit, WIDE_WINDOW) if self.wide else None
        if self.plain:
            return {"content": answer_content(self.answer, self.page, sentences=sentences)}
        embed = answer_embed(self.answer, self.page, sentences=sentences)
        return {"embed": discord.Embed.from_dict(embed)}

    def _update_buttons(self) -> None:
        last = len(self.answer.hits) - 1
        self.previous.disabled = self.page == 0
        self.next.disabled = self.page >= last
        self.context.label = "Less context" if self.wide else "More context"
        if self._link is not None:
            self.remove_item(self._link)
            self._link = None
        url = button_url(self.answer.hits[self.page].document.url)
        if url:
            label = "Read the article"[:BUTTON_LABEL_LIMIT]
            self._link = discord.ui.Button(label=label, url=url)
            self.add_item(self._link)

    async def _show(self, interaction: Interaction) -> None:
        self._update_buttons()
        await interaction.response.edit_message(
            **self.payload(), view=self, allowed_mentions=NO_MENTIONS
        )

    @discord.ui.button(label="Previous", style=discord.ButtonStyle.secondary,
                       custom_id=f"{PREFIX}ask:previous")
    async def previous(self, interaction: Interaction, button: discord.ui.Button[Any]) -> None:
        """Show the previous hit."""
        self.page = max(0, self.page - 1)
        self.wide = False
        await self._show(interaction)

    @discord.ui.button(label="Next", style=discord.ButtonStyle.primary,
                       custom_id=f"{PREFIX}ask:next")
    async def next(self, interaction: Interaction, button: discord.ui.Button[Any]) -> None:
        """Show the next hit."""
        self.page = min(len(self.answer.hits) - 1, self.page + 1)
        self.wide = False
        await self._show(interaction)

    @discord.ui.button(label="More context", style=discord.ButtonStyle.secondary,
                       custom_id=f"{PREFIX}ask:context")
    async def context(self, interaction: Interaction, button: discord.ui.Button[Any]) -> None:
        """Toggle a wider window of sentences around the hit."""
        self.wide = not self.wide
        await self._show(interaction)


class AskCog(commands.Cog):
    """The /ask command."""

    def __init__(self, bot: NewsBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="ask", description="Ask about the news articles; get the best passage and its source"
    )
    @app_commands.describe(
        question="What you want to know (3-300 characters)",
        source="Only articles from this publisher",
        since="Only articles published on or after this date (YYYY-MM-DD)",
        top_k=f"How many hits to page through (1-{MAX_TOP_K})",
    )
    @app_commands.checks.dynamic_cooldown(_ask_cooldown)
    async def ask(
        self,
        interaction: Interaction,
        question: app_commands.Range[str, 3, 500],
        source: app_commands.Range[str, 1, 100] | None = None,
        since: app_commands.Transform[date, DateTransformer] | None = None,
        top_k: app_commands.Range[int, 1, MAX_TOP_K] | None = None,
    ) -> None:
        """Answer a question with the best passage, its headline, publisher and date."""
        if not await defer(interaction):
            return
        service = self.bot.service
        answer = await service.answer(
            question,
            top_k=top_k or self.bot.settings.top_k,
            scopes=scopes_for(interaction),
            source=source,
            since=since,
            as_of=interaction.created_at.date(),
        )
        if not answer.hits:
            filtered = answer.reason == "empty_corpus" and (source or since)
            await send_ephemeral(interaction, NO_FILTER_MATCH if filtered else abstain_text(answer))
            return
        view = AnswerView(
            answer,
            asker_id=interaction.user.id,
            timeout=self.bot.settings.view_timeout,
            plain=not _embeds_allowed(interaction),
        )
        view.attach(await followup(interaction, view=view, **view.payload()), self.bot.live_views)

    @ask.autocomplete("source")
    async def source_choices(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Offer the publishers this server can see, filtered by what was typed."""
        needle = current.casefold().strip()
        names = self.bot.service.sources(scopes_for(interaction))
        return [
            app_commands.Choice(name=choice_name(name), value=name)
            for name in names
            if needle in name.casefold() and len(name) <= 100
        ][:25]
