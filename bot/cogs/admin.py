"""/corpus add | remove | stats: a server's own articles, for members with Manage Server.

The feed subcommands (follow, unfollow, feeds, announce) are in `bot.cogs.feeds`.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import PurePath
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.cogs.common import CORPUS, Interaction, defer, followup, require_manager, send_ephemeral
from bot.cogs.feeds import FeedCommands
from bot.cogs.sources import title_choices
from bot.discord_embeds import EmbedSpec, Field, fit_embed
from bot.discord_text import SEPARATOR, Text, escape, message
from bot.fetch import check_url
from bot.service import IngestReport
from corpus.backend import SHARED_SCOPE

if TYPE_CHECKING:
    from bot.client import NewsBot

log = logging.getLogger(__name__)

UPLOAD_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".json", ".jsonl",
                   ".xml", ".rss", ".atom")
LISTED = 10


def report_text(report: IngestReport) -> str:
    """Describe an ingest for the admin: added titles, updates, duplicates, skips and why."""
    lines: list[str] = []
    if report.added:
        titles = ", ".join(f"“{escape(t)}”" for t in report.added_titles[:LISTED])
        more = f" and {report.added - LISTED} more" if report.added > LISTED else ""
        lines.append(f"Added {report.added} article(s) to this server's corpus: {titles}{more}.")
    if report.updated:
        lines.append(f"Updated {report.updated} article(s) (same URL, new content).")
    if report.duplicates:
        lines.append(f"Already stored, unchanged: {report.duplicates}.")
    if report.skipped:
        lines.append(f"Skipped {len(report.skipped)}:")
        lines.extend(f"• {escape(str(skip))}" for skip in report.skipped[:5])
        if len(report.skipped) > 5:
            lines.append(f"… and {len(report.skipped) - 5} more.")
    if report.truncated:
        lines.append(f"Stored only in part (too long) {len(report.truncated)}:")
        lines.extend(f"• {escape(str(note))}" for note in report.truncated[:5])
    if not lines:
        lines.append("Nothing was added: no article text was found.")
    return message("\n".join(lines))


class CorpusCog(FeedCommands):
    """Admin commands for this server's own articles (and, from `FeedCommands`, its feeds).

    discord.py lets one cog own a command group, so the feed subcommands of ``/corpus``
    (``bot/cogs/feeds.py``) are its base class rather than a cog of their own.
    """

    corpus = CORPUS

    def __init__(self, bot: NewsBot) -> None:
        self.bot = bot

    @corpus.command(name="add", description="Add articles from a web page URL or an attached file")
    @app_commands.describe(
        url="An http(s) link to an article page or feed",
        file="A .txt, .md, .html, .json or .jsonl file of articles",
    )
    async def add(
        self,
        interaction: Interaction,
        url: app_commands.Range[str, 8, 2000] | None = None,
        file: discord.Attachment | None = None,
    ) -> None:
        """Fetch or read the articles, store them for this server, and report what happened."""
        scope = require_manager(interaction)
        settings = self.bot.settings
        if (url is None) == (file is None):
            await send_ephemeral(interaction, "Give either a URL or an attached file (one).")
            return
        if file is not None:
            suffix = PurePath(file.filename).suffix.lower()
            if suffix not in UPLOAD_SUFFIXES:
                await send_ephemeral(
                    interaction, f"Unsupported file type: use one of {', '.join(UPLOAD_SUFFIXES)}."
                )
                return
            if file.size > settings.fetch_max_bytes:
                limit = settings.fetch_max_bytes / 1_000_000
                await send_ephemeral(interaction, f"That file is larger than {limit:g} MB.")
                return
        if url is not None:
            check_url(url)
        if not await defer(interaction, ephemeral=True):
            return
        service = self.bot.service
        if url is not None:
            page = await self.bot.fetcher.fetch(url)
            log.info("guild %s: fetched %d bytes for ingest", scope, len(page.data))
            report = await service.ingest_bytes(
                page.data, filename=page.filename, content_type=page.content_type,
                url=page.url, scope=scope,
            )
        else:
            assert file is not None
            data = await file.read()
            report = await service.ingest_bytes(
                data, filename=file.filename, content_type=file.content_type, scope=scope
            )
        log.info("guild %s: ingest added %d, updated %d, skipped %d", scope,
                 report.added, report.updated, len(report.skipped))
        await followup(interaction, content=report_text(report), ephemeral=True)

    @corpus.command(name="remove", description="Remove one of this server's articles")
    @app_commands.describe(article="The article to remove (pick from the list)")
    async def remove(
        self, interaction: Interaction, article: app_commands.Range[str, 1, 300]
    ) -> None:
        """Remove an article this server added (shared articles belong to the operator)."""
        scope = require_manager(interaction)
        document = await asyncio.to_thread(self.bot.service.listings.find, (scope,), article)
        if document is None:
            await send_ephemeral(
                interaction,
                "None of this server's articles matches that. Shared articles can only be "
                "removed by the bot's operator.",
            )
            return
        if not await defer(interaction, ephemeral=True):
            return
        removed = await self.bot.service.remove(document.doc_id, scope=scope)
        title = escape(document.title or "untitled")
        text = f"Removed “{title}”." if removed else f"“{title}” was already gone."
        log.info("guild %s: removed article %d: %s", scope, document.doc_id, removed)
        await followup(interaction, content=message(text), ephemeral=True)

    @remove.autocomplete("article")
    async def article_choices(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Offer this server's own articles (never shared or other servers' ones)."""
        if interaction.guild_id is None:
            return []
        return title_choices(
            self.bot.service.listings.titles((str(interaction.guild_id),), current))

    @corpus.command(name="stats", description="Counts of the articles this server can search")
    async def stats(self, interaction: Interaction) -> None:
        """Articles (shared and this server's), sentences, publishers and date range."""
        scope = require_manager(interaction)
        counts = await asyncio.to_thread(
            self.bot.service.listings.counts, (SHARED_SCOPE, scope), scope)
        shared = counts.articles - counts.own
        spec = EmbedSpec(
            title=Text("Corpus for this server"),
            fields=[
                Field(Text("Articles"), Text(
                    f"{counts.articles} ({shared} shared, {counts.own} added here)"
                ), inline=True),
                Field(Text("Sentences"), Text(str(counts.sentences)), inline=True),
                Field(Text("Publishers"), Text(str(counts.publishers)), inline=True),
                Field(Text("Published"),
                      Text(f"{counts.oldest} to {counts.newest}" if counts.oldest
                           else "dates unknown"),
                      inline=True),
            ],
            footer=f"Add with /corpus add{SEPARATOR}remove with /corpus remove",
        )
        await interaction.response.send_message(
            embed=discord.Embed.from_dict(fit_embed(spec)), ephemeral=True,
            allowed_mentions=discord.AllowedMentions.none(),
        )
