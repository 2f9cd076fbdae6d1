"""/sources (the articles this server can search) and /article (one article's details)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.cogs.common import (
    NO_MENTIONS,
    Interaction,
    defer,
    followup,
    scopes_for,
    send_ephemeral,
)
from bot.cogs.views import PREFIX, AskerView
from bot.discord_embeds import EmbedSpec, Field, fit_embed
from bot.discord_text import FIELD_VALUE_LIMIT, SEPARATOR, Text, choice_name, usable_url
from corpus.backend import CorpusStore
from corpus.models import StoredArticle
from corpus.store import SHARED_SCOPE
from retrieval.postings import DocumentInfo
from retrieval.types import Document

if TYPE_CHECKING:
    from bot.client import NewsBot

log = logging.getLogger(__name__)

PAGE_SIZE = 10
OPENING_CHARS = 1200
NOT_FOUND = "No article with that title here. Pick one from the list, or see /sources."


def _meta(article: StoredArticle) -> str:
    corpus = "shared" if article.scope == SHARED_SCOPE else "this server"
    return SEPARATOR.join([
        article.source or "unknown publisher",
        article.published or "date unknown",
        f"{article.sentence_count} sentences",
        corpus,
        f"id {article.article_id}",
    ])


def sources_embed(
    shown: list[StoredArticle], total: int, page: int, heading: str
) -> dict[str, Any]:
    """Render one page (``shown``, of ``total`` articles): title, then metadata and URL."""
    pages = max(1, -(-total // PAGE_SIZE))
    spec = EmbedSpec(
        title=Text(heading),
        footer=f"page {page + 1} of {pages}{SEPARATOR}{total} articles, newest first",
        fields=[
            Field(Text(a.title or "untitled"),
                  Text(_meta(a), url=usable_url(a.url, FIELD_VALUE_LIMIT // 2)))
            for a in shown
        ],
    )
    return fit_embed(spec)


class ArticleListView(AskerView):
    """Previous / Next pages of an article list; only the one who asked can page.

    The view keeps the articles' ids and the page shown, and reads each page from the
    store when it is turned to: a list left open holds kilobytes, not the whole corpus.
    """

    def __init__(
        self, articles: list[StoredArticle], heading: str, *, store: CorpusStore,
        asker_id: int, timeout: float,
    ) -> None:
        super().__init__(asker_id=asker_id, timeout=timeout,
                         refusal="Only the person who ran /sources can page this list.")
        self.ids = [a.article_id for a in articles]
        self.shown = articles[:PAGE_SIZE]
        self.store = store
        self.heading = heading
        self.page = 0
        self._update_buttons()

    @property
    def pages(self) -> int:
        """Return the number of pages."""
        return max(1, -(-len(self.ids) // PAGE_SIZE))

    def embed(self) -> discord.Embed:
        """Render the current page."""
        return discord.Embed.from_dict(
            sources_embed(self.shown, len(self.ids), self.page, self.heading))

    def _update_buttons(self) -> None:
        self.previous.disabled = self.page == 0
        self.next.disabled = self.page >= self.pages - 1

    async def _show(self, interaction: Interaction) -> None:
        wanted = self.ids[self.page * PAGE_SIZE : (self.page + 1) * PAGE_SIZE]
        by_id = {a.article_id: a for a in await self.store.list_articles(article_ids=wanted)}
        self.shown = [by_id[i] for i in wanted if i in by_id]  # removed since: left out
        self._update_buttons()
        await interaction.response.edit_message(
            embed=self.embed(), view=self, allowed_mentions=NO_MENTIONS
        )

    @discord.ui.button(label="Previous", style=discord.ButtonStyle.secondary,
                       custom_id=f"{PREFIX}sources:previous")
    async def previous(self, interaction: Interaction, button: discord.ui.Button[Any]) -> None:
        """Show the previous page."""
        self.page = max(0, self.page - 1)
        await self._show(interaction)

    @discord.ui.button(label="Next", style=discord.ButtonStyle.primary,
                       custom_id=f"{PREFIX}sources:next")
    async def next(self, interaction: Interaction, button: discord.ui.Button[Any]) -> None:
        """Show the next page."""
        self.page = min(self.pages - 1, self.page + 1)
        await self._show(interaction)


def title_choices(documents: Sequence[DocumentInfo]) -> list[app_commands.Choice[str]]:
    """Autocomplete choices for ``documents``: "title · publisher", the article id as value."""
    choices = []
    for document in documents:
        title = document.title or "untitled"
        label = f"{title}{SEPARATOR}{document.source}" if document.source else title
        choices.append(app_commands.Choice(name=choice_name(label), value=str(document.doc_id)))
    return choices


def article_embed(document: Document, stored: StoredArticle | None) -> dict[str, Any]:
    """Render one article's metadata and opening sentences as an embed dict."""
    opening: list[str] = []
    for sentence in document.sentences:
        if opening and sum(len(s) + 1 for s in opening) + len(sentence.text) > OPENING_CHARS:
            break
        opening.append(sentence.text)
    fields = [
        Field(Text("Publisher"), Text(document.source or "unknown"), inline=True),
        Field(Text("Published"), Text(document.published or "date unknown"), inline=True),
        Field(Text("Sentences"), Text(str(len(document.sentences))), inline=True),
    ]
    if stored is not None and stored.authors:
        fields.append(Field(Text("Authors"), Text(", ".join(stored.authors)), inline=True))
    corpus = "shared" if document.scope == SHARED_SCOPE else "this server"
    fields.append(Field(Text("Corpus"), Text(f"{corpus} (id {document.doc_id})"), inline=True))
    if document.partial:
        fields.append(Field(Text("Excerpt"), Text("The source is paywalled or truncated.")))
    spec = EmbedSpec(
        title=Text(document.title or "untitled"),
        url=document.url,
        description=Text(" ".join(opening)),
        fields=fields,
        footer="Ask about it with /ask",
    )
    return fit_embed(spec)


class SourcesCog(commands.Cog):
    """/sources and /article."""

    def __init__(self, bot: NewsBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="sources", description="List the articles this server can search, newest first"
    )
    @app_commands.describe(query="Only articles whose title or publisher contains this")
    async def sources(
        self, interaction: Interaction, query: app_commands.Range[str, 1, 100] | None = None
    ) -> None:
        """List the searchable articles, ten a page, newest first."""
        if not await defer(interaction, ephemeral=True):
            return
        articles = await self.bot.service.store.list_articles(scopes=scopes_for(interaction))
        heading = "Articles you can ask about"
        if query:
            needle = query.casefold()
            articles = [
                a for a in articles
                if needle in (a.title or "").casefold() or needle in (a.source or "").casefold()
            ]
            heading = f"Articles matching “{query}”"
        if not articles:
            text = "No articles match that." if query else "No articles are indexed here yet."
            await followup(interaction, content=text, ephemeral=True)
            return
        view = ArticleListView(
            articles, heading, store=self.bot.service.store, asker_id=interaction.user.id,
            timeout=self.bot.settings.view_timeout,
        )
        view.attach(await followup(interaction, embed=view.embed(), view=view, ephemeral=True),
                    self.bot.live_views)

    @sources.autocomplete("query")
    async def query_choices(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Offer titles containing what was typed (the title itself is the value)."""
        titles = self.bot.service.listings.named_titles(scopes_for(interaction), current)
        return [app_commands.Choice(name=choice_name(t), value=t) for t in titles]

    @app_commands.command(name="article", description="Show one article's details and opening")
    @app_commands.describe(title="The article's title (pick from the list)")
    async def article(
        self, interaction: Interaction, title: app_commands.Range[str, 1, 300]
    ) -> None:
        """Show an article's headline, publisher, date, link and opening sentences."""
        listings = self.bot.service.listings
        document = await asyncio.to_thread(listings.find, scopes_for(interaction), title)
        if document is None:
            await send_ephemeral(interaction, NOT_FOUND)
            return
        if not await defer(interaction):
            return
        stored = await self.bot.service.store.get_article(document.doc_id)
        embed = discord.Embed.from_dict(article_embed(document, stored))
        await followup(interaction, embed=embed)

    @article.autocomplete("title")
    async def title_autocomplete(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Offer titles this server can see, newest first."""
        return title_choices(self.bot.service.listings.titles(scopes_for(interaction), current))

