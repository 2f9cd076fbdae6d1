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
    report_error,
    scopes_for,
    send_ephemeral,
)
from bot.discord_render import (
    BUTTON_LABEL_LIMIT,
    abstain_text,
    answer_content,
    answer_embed,
    button_url,
    choice_name,
    context_sentences,
)
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


class AnswerView(discord.ui.View):
    """Buttons under an answer: Previous / Next hit, More context, and a link to the source.

    Only the asker can press them; they are disabled when the view times out.
    """

    def __init__(self, answer: Answer, *, asker_id: int, timeout: float, plain: bool) -> None:
        super().__init__(timeout=timeout)
        self.answer = answer
        self.asker_id = asker_id
        self.plain = plain
        self.page = 0
        self.wide = False
        self.message: discord.WebhookMessage | None = None
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

    async def interaction_check(self, interaction: Interaction) -> bool:
        """Only the asker may page; others get a short ephemeral note."""
        if interaction.user.id == self.asker_id:
            return True
        await send_ephemeral(interaction, NOT_YOURS)
        return False

    async def _show(self, interaction: Interaction) -> None:
        self._update_buttons()
        await interaction.response.edit_message(
            **self.payload(), view=self, allowed_mentions=NO_MENTIONS
        )

    @discord.ui.button(label="Previous", style=discord.ButtonStyle.secondary)
    async def previous(self, interaction: Interaction, button: discord.ui.Button[Any]) -> None:
        """Show the previous hit."""
        self.page = max(0, self.page - 1)
        self.wide = False
        await self._show(interaction)

    @discord.ui.button(label="Next", style=discord.ButtonStyle.primary)
    async def next(self, interaction: Interaction, button: discord.ui.Button[Any]) -> None:
        """Show the next hit."""
        self.page = min(len(self.answer.hits) - 1, self.page + 1)
        self.wide = False
        await self._show(interaction)

    @discord.ui.button(label="More context", style=discord.ButtonStyle.secondary)
    async def context(self, interaction: Interaction, button: discord.ui.Button[Any]) -> None:
        """Toggle a wider window of sentences around the hit."""
        self.wide = not self.wide
        await self._show(interaction)

    async def on_timeout(self) -> None:
        """Disable the buttons (the link stays) so stale answers cannot be paged."""
        for item in self.children:
            if isinstance(item, discord.ui.Button) and item.url is None:
                item.disabled = True
        if self.message is None:
            return
        try:
            await self.message.edit(view=self, allowed_mentions=NO_MENTIONS)
        except discord.HTTPException as error:
            log.debug("could not disable buttons of message %s: %s", self.message.id, error)

    async def on_error(
        self, interaction: Interaction, error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        """Route button failures to the one error handler."""
        await report_error(interaction, error)


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
        view.message = await followup(interaction, view=view, **view.payload())

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
