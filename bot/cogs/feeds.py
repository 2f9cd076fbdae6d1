"""/corpus follow | unfollow | feeds | announce: a server's own feeds, for Manage Server.

These subcommands belong to the ``/corpus`` group, which discord.py lets one cog own, so
`FeedCommands` is the base class of `bot.cogs.admin.CorpusCog`. Every command works on the
calling server's scope only (its guild id): a feed id of another server is "not one of
this server's feeds". Following only records the feed; the feed poller that runs inside
``newsdesk run`` polls it when it is due (a new feed at once, on the poller's next pass).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.announce import ANNOUNCE_KEY
from bot.cogs.common import (
    CORPUS,
    NO_MENTIONS,
    Interaction,
    defer,
    followup,
    require_manager,
    send_ephemeral,
)
from bot.cogs.views import PREFIX, AskerView
from bot.discord_embeds import EmbedSpec, Field, fit_embed
from bot.discord_text import SEPARATOR, Text, choice_name, escape, message, usable_url
from bot.feeds.urls import check_feed_url
from corpus.backend import Feed, FeedStateStore

if TYPE_CHECKING:
    from bot.client import NewsBot

log = logging.getLogger(__name__)

MIN_EVERY, MAX_EVERY, DEFAULT_EVERY = 5, 1440, 15  # minutes between polls of one feed
MAX_FEEDS = 25  # feeds one server may follow
PAGE_SIZE = 6  # feeds shown per page of /corpus feeds
NOT_FOUND = "None of this server's feeds matches that. See /corpus feeds for the list."


def when(stamp: str | None, now: datetime) -> str | None:
    """An ISO 8601 UTC time as ``2026-12-01 10:00 UTC (3 min ago)``; None stays None."""
    if stamp is None:
        return None
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp[:40]
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    seconds = (moment - now).total_seconds()
    minutes = int(abs(seconds) // 60)
    if minutes == 0:
        relative = "now"
    else:
        days, hours, rest = minutes // 1440, minutes // 60 % 24, minutes % 60
        parts = [f"{days} d"] if days else []
        parts += [f"{hours} h"] if hours else []
        parts += [f"{rest} min"] if rest and not days else []
        amount = " ".join(parts)
        relative = f"in {amount}" if seconds > 0 else f"{amount} ago"
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC ({relative})"


def feed_field(feed: Feed, now: datetime) -> Field:
    """One feed as an embed field: its title (else URL), then its polling state."""
    stored = feed.entries_stored
    lines = [f"every {feed.every_minutes} min{SEPARATOR}{stored} "
             f"{'entry' if stored == 1 else 'entries'} stored{SEPARATOR}id {feed.feed_id}",
             f"last poll: {when(feed.last_poll_at, now) or 'not polled yet'}",
             f"last new entry: {when(feed.last_new_at, now) or 'none yet'}",
             f"next poll due: {when(feed.next_poll_at, now) or 'now (on the next pass)'}"]
    if feed.last_error:
        failing = f", {feed.failures} failed in a row" if feed.failures else ", since recovered"
        lines.append(f"last error: {feed.last_error[:300]} "
                     f"({when(feed.last_error_at, now) or 'time unknown'}{failing})")
    url = usable_url(feed.url, 512)
    return Field(Text(feed.title or feed.url), Text("\n".join(lines), url=url))


def feeds_embed(feeds: list[Feed], page: int, now: datetime, announcing: str) -> dict[str, Any]:
    """One page of ``feeds`` (all of this server's, in id order) as an embed dict."""
    pages = max(1, -(-len(feeds) // PAGE_SIZE))
    shown = feeds[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    spec = EmbedSpec(
        title=Text(f"Feeds this server follows ({len(feeds)})"),
        description=Text(f"New-article posts: {announcing}"),
        fields=[feed_field(feed, now) for feed in shown],
        footer=f"page {page + 1} of {pages}{SEPARATOR}add with /corpus follow"
               f"{SEPARATOR}stop with /corpus unfollow",
    )
    return fit_embed(spec)


class FeedListView(AskerView):
    """Previous / Next pages of ``/corpus feeds``; only the admin who asked can page.

    Each page turn reads the server's feeds again, so the polling state shown is current.
    """

    def __init__(self, feeds: list[Feed], announcing: str, *, store: FeedStateStore,
                 asker_id: int, timeout: float) -> None:
        super().__init__(asker_id=asker_id, timeout=timeout,
                         refusal="Only the person who ran /corpus feeds can page this list.")
        self.feeds = feeds
        self.store = store
        self.announcing = announcing
        self.page = 0
        self._update_buttons()

    @property
    def pages(self) -> int:
        """Return the number of pages."""
        return max(1, -(-len(self.feeds) // PAGE_SIZE))

    def embed(self) -> discord.Embed:
        """Render the current page."""
        return discord.Embed.from_dict(
            feeds_embed(self.feeds, self.page, datetime.now(UTC), self.announcing))

    def _update_buttons(self) -> None:
        self.previous.disabled = self.page == 0
        self.next.disabled = self.page >= self.pages - 1

    async def _show(self, interaction: Interaction) -> None:
        if self.feeds:  # the state as it is now (polls go on while the list is open)
            self.feeds = await self.store.list_feeds(scopes=[self.feeds[0].scope])
            self.page = min(self.page, self.pages - 1)
        self._update_buttons()
        await interaction.response.edit_message(embed=self.embed(), view=self,
                                                allowed_mentions=NO_MENTIONS)

    @discord.ui.button(label="Previous", style=discord.ButtonStyle.secondary,
                       custom_id=f"{PREFIX}feeds:previous")
    async def previous(self, interaction: Interaction, button: discord.ui.Button[Any]) -> None:
        """Show the previous page."""
        self.page = max(0, self.page - 1)
        await self._show(interaction)

    @discord.ui.button(label="Next", style=discord.ButtonStyle.primary,
                       custom_id=f"{PREFIX}feeds:next")
    async def next(self, interaction: Interaction, button: discord.ui.Button[Any]) -> None:
        """Show the next page."""
        self.page = min(self.pages - 1, self.page + 1)
        await self._show(interaction)


def _label(feed: Feed) -> str:
    return f"{feed.title}{SEPARATOR}{feed.url}" if feed.title else feed.url


class FeedCommands(commands.Cog):
    """The feed subcommands of ``/corpus``: the base of `bot.cogs.admin.CorpusCog`."""

    bot: NewsBot

    async def _feeds(self, scope: str) -> list[Feed]:
        return await self.bot.service.store.list_feeds(scopes=[scope])

    @CORPUS.command(name="follow", description="Follow an RSS or Atom feed: its new articles "
                    "become answerable here")
    @app_commands.describe(
        url="The feed's http(s) address",
        every=f"Minutes between polls, {MIN_EVERY}-{MAX_EVERY} (default {DEFAULT_EVERY})",
    )
    async def follow(
        self,
        interaction: Interaction,
        url: app_commands.Range[str, 8, 2000],
        every: app_commands.Range[int, MIN_EVERY, MAX_EVERY] = DEFAULT_EVERY,
    ) -> None:
        """Follow a feed for this server (or change how often it is polled)."""
        scope = require_manager(interaction)
        canonical = check_feed_url(url)
        if not await defer(interaction, ephemeral=True):
            return
        store = self.bot.service.store
        known = await self._feeds(scope)
        if len(known) >= MAX_FEEDS and all(feed.url != canonical for feed in known):
            await followup(interaction, ephemeral=True, content=message(
                f"This server already follows {MAX_FEEDS} feeds, the most allowed: "
                "unfollow one first (/corpus unfollow)."))
            return
        feed, created = await store.add_feed(canonical, scope=scope, every_minutes=every)
        log.info("guild %s: %s feed %d every %d min", scope,
                 "followed" if created else "re-followed", feed.feed_id, every)
        shown = escape(feed.title or feed.url)
        if created:
            text = (f"Following {shown} for this server, polled every {every} minutes. The "
                    "first poll is due now: the feed poller picks it up on its next pass, and "
                    "new entries become answerable with /ask. See it with /corpus feeds.")
        else:
            due = when(feed.next_poll_at, datetime.now(UTC)) or "now (on the next pass)"
            text = (f"Already following {shown}: now polled every {every} minutes. "
                    f"Next poll due: {due}.")
        await followup(interaction, content=message(text), ephemeral=True,
                       suppress_embeds=True)

    @CORPUS.command(name="unfollow", description="Stop following one of this server's feeds")
    @app_commands.describe(feed="The feed to stop following (pick from the list)")
    async def unfollow(
        self, interaction: Interaction, feed: app_commands.Range[str, 1, 2000]
    ) -> None:
        """Stop polling a feed of this server; the articles it brought stay."""
        scope = require_manager(interaction)
        feeds = await self._feeds(scope)
        wanted = next((f for f in feeds if str(f.feed_id) == feed.strip() or f.url == feed.strip()),
                      None)
        if wanted is None or not await self.bot.service.store.remove_feed(wanted.feed_id,
                                                                          scope=scope):
            await send_ephemeral(interaction, NOT_FOUND)
            return
        log.info("guild %s: unfollowed feed %d", scope, wanted.feed_id)
        brought = ("1 article it brought stays" if wanted.entries_stored == 1
                   else f"{wanted.entries_stored} articles it brought stay")
        await send_ephemeral(interaction, (
            f"Stopped following {escape(wanted.title or wanted.url)}. The {brought} (remove "
            "them with /corpus remove)."))

    @unfollow.autocomplete("feed")
    async def feed_choices(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Offer this server's feeds whose title or URL contains what was typed."""
        if interaction.guild_id is None:
            return []
        needle = current.casefold().strip()
        return [
            app_commands.Choice(name=choice_name(_label(f)), value=str(f.feed_id))
            for f in await self._feeds(str(interaction.guild_id))
            if needle in _label(f).casefold()
        ][:25]

    @CORPUS.command(name="feeds", description="List this server's feeds and their polling state")
    async def feeds(self, interaction: Interaction) -> None:
        """Show each feed: last poll, last new entry, entries stored, errors, next poll."""
        scope = require_manager(interaction)
        if not await defer(interaction, ephemeral=True):
            return
        feeds = await self._feeds(scope)
        announcing = await self._announcing(scope)
        if not feeds:
            await followup(interaction, ephemeral=True, content=message(
                "This server follows no feeds yet: add one with /corpus follow. "
                f"New-article posts: {announcing}."))
            return
        view = FeedListView(feeds, announcing, store=self.bot.service.store,
                            asker_id=interaction.user.id,
                            timeout=self.bot.settings.view_timeout)
        view.attach(await followup(interaction, embed=view.embed(), view=view, ephemeral=True),
                    self.bot.live_views)

    async def _announcing(self, scope: str) -> str:
        """Where new articles are posted, in words (a channel name is not a mention)."""
        value = await self.bot.service.store.get_setting(scope, ANNOUNCE_KEY)
        if value is None:
            return "off"
        channel = self.bot.get_channel(int(value)) if value.isdigit() else None
        name = getattr(channel, "name", None)
        return f"in #{name}" if name else f"in channel {value[:20]} (not found: posts skipped)"

    @CORPUS.command(name="announce", description="Post this server's new feed articles in a "
                    "channel (no channel: stop)")
    @app_commands.describe(channel="Where to post new articles; leave it out to stop posting")
    async def announce(
        self, interaction: Interaction, channel: discord.TextChannel | None = None
    ) -> None:
        """Set or clear the channel where new articles from this server's feeds are posted."""
        scope = require_manager(interaction)
        store = self.bot.service.store
        if channel is None:
            await store.set_setting(scope, ANNOUNCE_KEY, None)
            log.info("guild %s: announcements off", scope)
            await send_ephemeral(interaction, "New-article posts are off. Turn them on with "
                                 "/corpus announce and a channel.")
            return
        if channel.guild.id != interaction.guild_id:
            await send_ephemeral(interaction, "Pick a channel of this server.")
            return
        await store.set_setting(scope, ANNOUNCE_KEY, str(channel.id))
        log.info("guild %s: announcements in channel %s", scope, channel.id)
        per_minute = self.bot.settings.announce_per_minute
        text = (f"New articles from this server's feeds will be posted in {channel.mention}: "
                f"at most {per_minute} posts a minute, and a burst beyond that in one summary "
                "message. Stop with /corpus announce and no channel.")
        me = channel.guild.me
        if me is not None:
            allowed = channel.permissions_for(me)
            if not (allowed.view_channel and allowed.send_messages):
                text += (" I cannot post there yet: give me View Channel and Send Messages "
                         "in that channel.")
        await send_ephemeral(interaction, text)
