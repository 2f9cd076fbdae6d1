"""Announcements: each new feed article posted to its server's chosen channel.

`Announcer.on_article` is the feed poller's ``on_article(feed, article)`` callback. It only
queues the article (it never waits on Discord, so a slow channel cannot stall a poll); one
task per channel posts the queue:

- Where: a server's feeds post to the channel its admins chose with ``/corpus announce``
  (the per-scope setting `ANNOUNCE_KEY`); the operator's (shared) feeds post nowhere unless
  ``NEWSDESK_ANNOUNCE_CHANNEL`` names a channel. A channel of another server is never used.
- What: headline (bold), publisher and date, and the link; every text escaped
  (`bot.discord_text.escape`) and sent with ``AllowedMentions.none()``, so an article
  titled "@everyone" pings nobody.
- How often: at most ``per_minute`` posts in any sliding minute per channel (a sliding
  window, not a token bucket: a bucket of N refilled at N a minute allows 2N within one
  minute). When more articles wait than posts are left in the window, the last post left
  is one summary listing the waiting headlines ("12 new articles: ... and 2 more"), so a
  burst (a feed's big first poll, a busy morning) costs at most ``per_minute`` messages a
  minute and no article is silently lost: up to ``held`` wait, beyond that only a count.
- Failures: a missing channel, a channel of another server, or missing permissions skip
  that channel's waiting articles with one log line (repeated only at DEBUG until a post
  succeeds) and change no setting.

Articles from a feed's first poll (``feed.last_poll_at`` is None: the poller passes the feed
as it was before the poll) are the feed's backlog and are not announced unless
``announce_backlog``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

import discord

from bot.discord_text import CONTENT_LIMIT, SEPARATOR, Text, bold, escape, fit, usable_url
from corpus.backend import SHARED_SCOPE, Feed, FeedStateStore
from corpus.models import StoredArticle

log = logging.getLogger(__name__)

ANNOUNCE_KEY = "announce_channel"
"""The per-scope setting holding the announcement channel's id (decimal text)."""

HEADLINE_CHARS = 300
LISTED = 10  # headlines listed in one summary message
_REMEMBERED = 1000  # article ids remembered per channel, so none is posted twice


def _link(article: StoredArticle) -> str | None:
    url = usable_url(article.url, 1000)
    return url if url and ">" not in url else None


def announcement(article: StoredArticle) -> str:
    """One article's post: bold headline, then publisher · date, then the link (≤ 2000)."""
    lines = ["📰 " + bold(fit(Text(article.title or "untitled"), HEADLINE_CHARS))]
    meta = [escape(part) for part in (article.source, article.published) if part]
    if meta:
        lines.append(fit(Text(SEPARATOR.join(meta), markdown=False), 200))
    link = _link(article)
    if link:
        lines.append(link)
    return "\n".join(lines)


def summary(articles: list[StoredArticle], more: int = 0) -> str:
    """Several articles in one post: a line each (link without preview), then "and K more".

    ``more`` counts articles beyond ``articles`` that were not even held.
    """
    total = len(articles) + more
    head = f"📰 {total} new articles:"
    lines: list[str] = []
    used = len(head)
    for shown, article in enumerate(articles[:LISTED]):
        parts = [bold(fit(Text(article.title or "untitled"), 150))]
        parts += [escape(part) for part in (article.source, article.published) if part]
        link = _link(article)
        line = "• " + SEPARATOR.join(parts) + (f" <{link}>" if link else "")
        tail = len(f"\n… and {total - shown} more: see /sources")
        if used + 1 + len(line) + tail > CONTENT_LIMIT:
            break
        lines.append(line)
        used += 1 + len(line)
    if total > len(lines):
        lines.append(f"… and {total - len(lines)} more: see /sources")
    return "\n".join([head, *lines])


@dataclass(slots=True)
class _Channel:
    """One channel's waiting articles, recent posts and last logged problem."""

    waiting: list[tuple[str, StoredArticle]] = field(default_factory=list)  # (scope, article)
    overflow: int = 0  # articles beyond ``held``: counted, not kept
    posted: deque[float] = field(default_factory=deque)  # clock times of recent posts
    seen: deque[int] = field(default_factory=lambda: deque(maxlen=_REMEMBERED))
    worker: asyncio.Task[None] | None = None


class Announcer:
    """Posts new feed articles to Discord channels; see the module docstring.

    Parameters
    ----------
    client
        The connected Discord client (channels are looked up in its cache).
    store
        Where the per-server channel setting (`ANNOUNCE_KEY`) is read.
    per_minute
        Posts allowed per channel in any ``window`` seconds (default a minute).
    shared_channel
        Channel id for the operator's shared feeds (``NEWSDESK_ANNOUNCE_CHANNEL``); None:
        shared feeds are not announced.
    held
        Articles kept waiting per channel; more are only counted ("and K more").
    window
        Seconds of the sliding window ``per_minute`` applies to (tests shorten it).
    gather
        Seconds a channel's task waits before its first post, so the articles of one poll
        arrive together and a burst is summarised rather than posted one by one.
    announce_backlog
        Also announce the articles of a feed's first poll.
    """

    def __init__(
        self,
        client: discord.Client,
        store: FeedStateStore,
        *,
        per_minute: int = 5,
        shared_channel: int | None = None,
        held: int = 100,
        window: float = 60.0,
        gather: float = 0.5,
        announce_backlog: bool = False,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if per_minute < 1 or held < 1 or window <= 0:
            raise ValueError("per_minute and held must be at least 1, window positive")
        self.client = client
        self.store = store
        self.per_minute = per_minute
        self.shared_channel = shared_channel
        self.held = held
        self.window = window
        self.gather = gather
        self.announce_backlog = announce_backlog
        self.clock = clock
        self.posts = 0  # messages sent, summaries included
        self._channels: dict[int, _Channel] = {}
        self._problems: dict[int, str] = {}  # channel id -> the problem last logged
        # channels of servers this process does not hold (fetched over REST)
        self._fetched: dict[int, discord.TextChannel | discord.Thread] = {}

    async def channel_for(self, scope: str) -> int | None:
        """The channel id announcements of ``scope`` go to, or None (not announced)."""
        if scope == SHARED_SCOPE:
            return self.shared_channel
        value = await self.store.get_setting(scope, ANNOUNCE_KEY)
        return int(value) if value is not None and value.isdigit() else None

    async def on_article(self, feed: Feed, article: StoredArticle) -> None:
        """Queue one newly stored article of ``feed`` for its channel; returns at once.

        Never raises: announcing is optional, so a failure here (the setting cannot be read)
        is logged and must not break the poll that called it.
        """
        if feed.last_poll_at is None and not self.announce_backlog:
            return
        try:
            channel_id = await self.channel_for(feed.scope)
        except Exception:
            log.exception("announcement of article %d skipped", article.article_id)
            return
        if channel_id is None:
            return
        state = self._channels.setdefault(channel_id, _Channel())
        if article.article_id in state.seen:
            return
        state.seen.append(article.article_id)
        if len(state.waiting) < self.held:
            state.waiting.append((feed.scope, article))
        else:
            state.overflow += 1
        if state.worker is None or state.worker.done():
            state.worker = asyncio.create_task(self._drain(channel_id, state),
                                               name=f"newsdesk-announce-{channel_id}")

    async def wait_idle(self) -> None:
        """Wait until every queued article has been posted or skipped."""
        while workers := [s.worker for s in self._channels.values()
                          if s.worker is not None and not s.worker.done()]:
            await asyncio.wait(workers)

    async def close(self) -> None:
        """Stop posting; articles still waiting are dropped (their count is logged)."""
        dropped = 0
        for state in self._channels.values():
            dropped += len(state.waiting) + state.overflow
            if state.worker is not None and not state.worker.done():
                state.worker.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await state.worker
        if dropped:
            log.info("announcer stopped: %d articles were not announced", dropped)
        self._channels.clear()

    # -- posting ----------------------------------------------------------------------

    def _free(self, state: _Channel) -> int:
        """Posts still allowed in the current window (old post times are forgotten)."""
        now = self.clock()
        while state.posted and now - state.posted[0] >= self.window:
            state.posted.popleft()
        return self.per_minute - len(state.posted)

    async def _drain(self, channel_id: int, state: _Channel) -> None:
        """Post ``state``'s waiting articles within the rate limit (the channel's task)."""
        try:
            await self.client.wait_until_ready()
            await asyncio.sleep(self.gather)  # the rest of a poll's burst joins the queue
            await self._post_waiting(channel_id, state)
        except Exception:
            log.exception("announcements to channel %s failed", channel_id)
            state.waiting.clear()
            state.overflow = 0

    async def _post_waiting(self, channel_id: int, state: _Channel) -> None:
        while state.waiting:
            if self._free(state) <= 0:
                await asyncio.sleep(max(0.01, state.posted[0] + self.window - self.clock()))
                continue
            channel = await self._usable(channel_id)
            if channel is not None:
                state.waiting = self._in_scope(channel, state.waiting)
            if channel is None or not state.waiting:
                state.waiting.clear()
                state.overflow = 0
                return
            waiting = len(state.waiting) + state.overflow
            if waiting > 1 and self._free(state) == 1:
                content = summary([article for _, article in state.waiting], state.overflow)
                count, state.waiting, state.overflow = waiting, [], 0
            else:
                content = announcement(state.waiting.pop(0)[1])
                count = 1
            sent = await self._send(channel, content, count)
            # stamped when Discord has the post: the window counts from its arrival, so a
            # slow first request cannot let a later post in early
            state.posted.append(self.clock())
            if not sent:
                state.waiting.clear()
                state.overflow = 0
                return

    async def _usable(self, channel_id: int) -> discord.TextChannel | discord.Thread | None:
        """The channel when it exists in a server and newsdesk may post in it, else None.

        A channel missing from this process's cache is fetched over REST once: with shard
        clusters, the one process that polls feeds does not hold the other clusters'
        servers, yet posts to their channels like any bot may.
        """
        channel = self.client.get_channel(channel_id)
        if channel is None:
            channel = self._fetched.get(channel_id)
        if channel is None:
            try:
                channel = await self.client.fetch_channel(channel_id)
            except (discord.NotFound, discord.Forbidden, discord.InvalidData):
                channel = None
            except discord.HTTPException as error:
                self._problem(channel_id, f"Discord answered HTTP {error.status}")
                return None
            if isinstance(channel, discord.TextChannel | discord.Thread):
                self._fetched[channel_id] = channel
        if not isinstance(channel, discord.TextChannel | discord.Thread):
            self._problem(channel_id, "the channel does not exist or is not a text channel")
            return None
        me = channel.guild.me
        if me is not None:
            allowed = channel.permissions_for(me)
            if not (allowed.view_channel and allowed.send_messages):
                self._problem(channel_id, "missing View Channel or Send Messages there")
                return None
        return channel

    def _in_scope(
        self, channel: discord.TextChannel | discord.Thread,
        waiting: list[tuple[str, StoredArticle]],
    ) -> list[tuple[str, StoredArticle]]:
        """The waiting articles that may go to ``channel``: shared ones, or its server's."""
        kept = [(scope, a) for scope, a in waiting
                if scope in (SHARED_SCOPE, str(channel.guild.id))]
        if len(kept) < len(waiting):
            self._problem(channel.id, "the channel is not in the server whose feeds these are")
        return kept

    async def _send(
        self, channel: discord.TextChannel | discord.Thread, content: str, count: int
    ) -> bool:
        channel_id = channel.id
        try:
            await channel.send(content, allowed_mentions=discord.AllowedMentions.none())
        except discord.Forbidden:
            self._problem(channel_id, "Discord refused the post (missing permission)")
            return False
        except discord.NotFound:
            self._problem(channel_id, "the channel no longer exists")
            return False
        except discord.HTTPException as error:
            self._problem(channel_id, f"Discord answered HTTP {error.status}")
            return False
        self.posts += 1
        self._problems.pop(channel_id, None)
        log.info("announced %d article(s) in channel %s", count, channel_id)
        return True

    def _problem(self, channel_id: int, reason: str) -> None:
        """Log a skipped channel once (WARNING), then at DEBUG until a post succeeds."""
        if self._problems.get(channel_id) == reason:
            log.debug("announcements to channel %s skipped again: %s", channel_id, reason)
            return
        self._problems[channel_id] = reason
        log.warning("announcements to channel %s skipped: %s (the setting is kept)",
                    channel_id, reason)
