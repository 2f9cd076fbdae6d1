"""FeedPoller: poll followed feeds, store their new entries, make them answerable.

One poll of one feed (`FeedPoller.poll_feed`):

1. A conditional GET of the feed (``If-None-Match`` / ``If-Modified-Since`` from the last
   good poll) through `bot.fetch.URLFetcher.request`: 304 means nothing new; 429/503 wait
   for ``Retry-After``; any other failure is recorded on the feed and backs it off
   (`bot.feeds.schedule`).
2. The body is parsed by `corpus.readers.feeds.parse_feed` in a thread. A feed that is not
   a feed, or whose XML is broken beyond recovery, is an error with a one-line message.
3. Entries not seen before in this feed (by key: id, else link), newest first, at most
   ``feed_max_entries`` (the rest wait for the next poll, as do entries past the poll's
   time budget). Each one: skipped when an article of the feed's scope already has its URL
   (the same story in two feeds is stored once); otherwise its page or its excerpt
   (`bot.feeds.entries`) is stored in the feed's scope with the feed's id
   (`AnswerService.store_article`; identical content is skipped by the store), and the
   entry is marked seen. Each article is written in one transaction, so a poll cancelled
   half-way (SIGTERM) leaves whole articles only; unmarked entries come back next poll.
4. The poll is recorded (`record_poll`, with the next poll's time), the index caught up
   (`AnswerService.reindex`, an extra segment rather than a rebuild on a large index; feeds
   storing within `REFRESH_DELAY` of each other share one refresh), and `on_article` is
   awaited for each article added.

`FeedPoller.run` polls every feed when due, at most ``feed_concurrency`` at once, each in
its own task: a slow or broken feed never holds up the others. Feed parsing and page
extraction run in threads, or in ``feed_workers`` worker processes
(`bot.workers.process_pool`, started at the first poll). Measured with ``bench.poll_cycle``
on a shared 2-core machine, threads were as kind to the event loop as one worker process
(worst stalls came from index refreshes either way) and cheaper in CPU and memory, so they
are the default.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import random
import sqlite3
import time
from collections.abc import Awaitable, Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from datetime import datetime
from typing import ParamSpec, TypeVar

from bot.config import Settings
from bot.feeds.entries import fetch_entry_article, read_page
from bot.feeds.results import PollResult, PollStatus, Tally, newest_first, unique
from bot.feeds.schedule import (
    MAX_RETRY_AFTER,
    is_due,
    iso,
    next_poll,
    parse_iso,
    retry_after_note,
    retry_after_seconds,
    utc_now,
)
from bot.fetch import FetchError, URLFetcher, settings_fetcher
from bot.service import AnswerService
from bot.workers import process_pool
from corpus.backend import Feed, FeedPoll
from corpus.models import Article, StoredArticle
from corpus.readers.feeds import FeedEntry, ParsedFeed, parse_feed

log = logging.getLogger(__name__)
_P = ParamSpec("_P")
_T = TypeVar("_T")

ArticleCallback = Callable[[Feed, StoredArticle], Awaitable[None]]
"""``await on_article(feed, article)``: called once for each article a poll added.

Called after the poll is recorded and the index caught up (the article is answerable),
in the order the entries were stored (newest first). ``feed`` carries the title the poll
read. Exceptions are logged and never stop the poller; the callback should return quickly
(queue slow work, such as rate-limited announcements, in its own task).
"""

POLL_BUDGET = 120.0  # seconds: entries not reached within this are left for the next poll
IDLE_CHECK = 30.0  # seconds: longest sleep of `run`, so feeds followed elsewhere are seen
REFRESH_DELAY = 2.0  # seconds: stores within this of each other share one index refresh


class FeedPoller:
    """Polls followed feeds into the store of ``service`` (see the module docstring).

    Parameters
    ----------
    service
        The answer service: its store holds the feeds and articles.
    settings
        ``feed_max_entries``, ``feed_concurrency``, and the fetch caps and loopback switch
        of the default fetcher.
    fetcher
        The HTTP fetcher (default: `bot.fetch.settings_fetcher`).
    on_article
        Called for each article added (see `ArticleCallback`).
    index
        Catch the service's index up after a poll stores something (off for a process
        that never answers, such as ``newsdesk feeds run``: the bot's index follows the
        database by itself).
    failure_level
        The `logging` level of the one line logged per failed poll: WARNING for a daemon
        or the bot; INFO when the caller prints each `PollResult` itself (the CLI's
        ``feeds poll`` and ``follow``), so an error is not shown twice.
    """

    def __init__(
        self,
        service: AnswerService,
        settings: Settings,
        *,
        fetcher: URLFetcher | None = None,
        on_article: ArticleCallback | None = None,
        index: bool = True,
        rng: random.Random | None = None,
        failure_level: int = logging.WARNING,
    ) -> None:
        self.service = service
        self.store = service.store
        self.settings = settings
        self.fetcher = fetcher or settings_fetcher(settings)
        self.on_article = on_article
        self.index = index
        self.failure_level = failure_level
        self._rng = rng or random.Random()
        self._slots = asyncio.Semaphore(settings.feed_concurrency)
        self._refresh_task: asyncio.Task[None] | None = None
        self._dirty = False
        self._wake = asyncio.Event()
        self._running: dict[int, asyncio.Task[PollResult]] = {}
        self._pool: ProcessPoolExecutor | None = None

    async def _off_loop(self, function: Callable[_P, _T], *args: _P.args,
                        **kwargs: _P.kwargs) -> _T:
        """``function(*args, **kwargs)`` in a worker process (a thread with no workers)."""
        if self.settings.feed_workers == 0:
            return await asyncio.to_thread(function, *args, **kwargs)
        if self._pool is None:
            self._pool = process_pool(self.settings.feed_workers)
        call = functools.partial(function, *args, **kwargs)
        return await asyncio.get_running_loop().run_in_executor(self._pool, call)

    async def _read_page(self, data: bytes, filename: str, content_type: str, url: str
                         ) -> Article | None:
        return await self._off_loop(read_page, data, filename, content_type, url)

    async def __aenter__(self) -> FeedPoller:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        """Stop the worker processes and a pending index refresh (idempotent)."""
        refresh, self._refresh_task = self._refresh_task, None
        if refresh is not None and not refresh.done():
            refresh.cancel()
            await asyncio.gather(refresh, return_exceptions=True)
        pool, self._pool = self._pool, None
        if pool is not None:
            await asyncio.to_thread(pool.shutdown, True, cancel_futures=True)

    # -- one feed -------------------------------------------------------------------------

    async def poll_feed(self, feed: Feed) -> PollResult:
        """Poll ``feed`` once, store its new entries and record the poll.

        Never raises but `asyncio.CancelledError`: an unexpected error is recorded on the
        feed (and logged) like any failed poll.
        """
        async with self._slots:
            started = time.perf_counter()
            try:
                result = await self._poll(feed)
            except (sqlite3.Error, OSError) as error:
                result = await self._failed(feed, f"could not store an entry: {error}",
                                            utc_now())
            except Exception as error:
                log.exception("feed %d: unexpected error while polling", feed.feed_id)
                result = await self._failed(feed, f"unexpected error: {type(error).__name__}",
                                            utc_now())
            result = replace(result, seconds=time.perf_counter() - started)
        if result.added:
            await self._refresh()
            await self._announce(result)
        return result

    async def _poll(self, feed: Feed) -> PollResult:
        now = utc_now()
        headers: dict[str, str] = {}
        if feed.etag:
            headers["If-None-Match"] = feed.etag
        if feed.last_modified:
            headers["If-Modified-Since"] = feed.last_modified
        try:
            response = await self.fetcher.request(feed.url, headers=headers)
        except FetchError as error:
            return await self._failed(feed, str(error), now)
        if response.status == 304:
            return await self._record(feed, "not_modified", now, Tally(), etag=response.etag,
                                      last_modified=response.last_modified)
        if not response.ok:
            asked = (retry_after_seconds(response.retry_after, now, cap=None)
                     if response.status in {429, 503} else None)
            wait = None if asked is None else min(asked, MAX_RETRY_AFTER)
            return await self._failed(
                feed, f"the feed answered HTTP {response.status}{retry_after_note(asked)}",
                now, retry_after=wait)
        parsed: ParsedFeed = await self._off_loop(
            parse_feed, response.data, origin=feed.url, content_type=response.content_type,
            url=response.url)
        if parsed.problem is not None:
            return await self._failed(feed, parsed.problem, now)
        if parsed.malformed:
            log.warning("feed %d: malformed XML; using the %d entries recovered",
                        feed.feed_id, len(parsed.entries))
        feed = replace(feed, title=parsed.title or feed.title)
        tally = await self._take_entries(feed, newest_first(unique(parsed.entries)))
        # entries left over: keep the old validators, so the next poll reads the feed again
        validators = tally.left == 0
        return await self._record(feed, "ok", now, tally, title=parsed.title,
                                  etag=response.etag if validators else None,
                                  last_modified=response.last_modified if validators else None)

    async def _take_entries(self, feed: Feed, entries: list[FeedEntry]) -> Tally:
        tally = Tally()
        seen = await self.store.seen_entries(feed.feed_id, [e.key for e in entries])
        new = [entry for entry in entries if entry.key not in seen]
        cap = self.settings.feed_max_entries
        tally.left = max(len(new) - cap, 0)
        deadline = time.monotonic() + POLL_BUDGET
        for number, entry in enumerate(new[:cap]):
            if time.monotonic() > deadline:
                tally.left += len(new[:cap]) - number
                break
            await self._take(feed, entry, tally)
        return tally

    async def _take(self, feed: Feed, entry: FeedEntry, tally: Tally) -> None:
        """Store one new entry (or find it already stored) and mark it seen."""
        scope = feed.scope
        existing = (await self.store.article_id_for_url(entry.url, scope=scope)
                    if entry.url else None)
        if existing is None:
            got = await fetch_entry_article(entry, self.fetcher, reader=self._read_page)
            article = got.article
            if article is not None and article.url and article.url != entry.url:
                existing = await self.store.article_id_for_url(article.url, scope=scope)
            if existing is None:
                result = (await self.service.store_article(article, scope=scope,
                                                           feed_id=feed.feed_id)
                          if article is not None else None)
                if result is None:
                    tally.empty += 1
                    await self.store.mark_entries(feed.feed_id, [(entry.key, None)])
                    return
                await self.store.mark_entries(feed.feed_id, [(entry.key, result.article_id)])
                if result.status == "skipped":
                    tally.duplicates += 1
                    return
                if result.status == "added":
                    tally.added.append(result.article_id)
                else:
                    tally.updated += 1
                tally.excerpts += got.origin == "excerpt"
                return
        tally.duplicates += 1
        await self.store.mark_entries(feed.feed_id, [(entry.key, existing)])

    async def _record(
        self, feed: Feed, status: PollStatus, now: datetime, tally: Tally, *,
        title: str | None = None, etag: str | None = None, last_modified: str | None = None,
    ) -> PollResult:
        due = next_poll(utc_now(), feed.every_minutes, 0, rng=self._rng)
        stored = len(tally.added) + tally.updated
        poll = FeedPoll(polled_at=iso(now), next_poll_at=iso(due), title=title, etag=etag,
                        last_modified=last_modified, new_entries=stored)
        await self.store.record_poll(feed.feed_id, poll)
        log.info("feed %d: %s, %d new, %d already stored, %d left", feed.feed_id, status,
                 stored, tally.duplicates, tally.left)
        return PollResult(feed, status, poll.polled_at, poll.next_poll_at, tuple(tally.added),
                          tally.updated, tally.duplicates, tally.excerpts, tally.empty,
                          tally.left)

    async def _failed(
        self, feed: Feed, error: str, now: datetime, *, retry_after: float | None = None
    ) -> PollResult:
        due = next_poll(utc_now(), feed.every_minutes, feed.failures + 1,
                        retry_after=retry_after, rng=self._rng)
        poll = FeedPoll(polled_at=iso(now), next_poll_at=iso(due), error=error)
        with contextlib.suppress(sqlite3.Error):  # a full disk: the error is logged below
            await self.store.record_poll(feed.feed_id, poll)
        log.log(self.failure_level, "feed %d: poll failed (%s); next poll %s", feed.feed_id,
                error, poll.next_poll_at)
        return PollResult(feed, "error", poll.polled_at, poll.next_poll_at, error=error)

    async def _refresh(self) -> None:
        """Wait until the index holds what was stored (`REFRESH_DELAY` merges refreshes).

        Each refresh of a large index adds a segment and schedules a full rebuild, so feeds
        finishing within a couple of seconds of each other share one refresh.
        """
        if not self.index:
            return
        self._dirty = True
        if self._refresh_task is None or self._refresh_task.done():
            self._refresh_task = asyncio.create_task(self._refresh_soon(),
                                                     name="newsdesk-feed-refresh")
        await asyncio.shield(self._refresh_task)

    async def _refresh_soon(self) -> None:
        await asyncio.sleep(REFRESH_DELAY)
        while self._dirty:
            self._dirty = False
            await self.service.reindex()

    async def _announce(self, result: PollResult) -> None:
        if self.on_article is None:
            return
        for article_id in result.added:
            try:
                article = await self.store.get_article(article_id)
                if article is not None:
                    await self.on_article(result.feed, article)
            except Exception:
                log.exception("feed %d: on_article failed for article %d",
                              result.feed.feed_id, article_id)

    # -- many feeds -----------------------------------------------------------------------

    async def poll_all(self, feeds: Iterable[Feed] | None = None) -> list[PollResult]:
        """Poll ``feeds`` (default: every followed feed) once each, due or not, in id order."""
        chosen = list(feeds) if feeds is not None else await self.store.list_feeds()
        return list(await asyncio.gather(*(self.poll_feed(feed) for feed in chosen)))

    def wake(self) -> None:
        """Make `run` look at the followed feeds now (after a follow, say)."""
        self._wake.set()

    async def run(self) -> None:
        """Poll each feed whenever it is due, until cancelled (then in-flight polls are).

        Reads the followed feeds at least every `IDLE_CHECK` seconds, so feeds followed by
        another process (the CLI) are picked up; `wake` makes it look at once.
        """
        log.info("polling followed feeds")
        try:
            while True:
                self._wake.clear()
                try:
                    feeds = await self.store.list_feeds()
                except (sqlite3.Error, OSError) as error:  # a busy or vanished file: later
                    log.warning("could not read the followed feeds: %s", error)
                    feeds = []
                now = utc_now()
                waiting: list[datetime] = []
                for feed in feeds:
                    if feed.feed_id in self._running:
                        continue
                    if is_due(feed.next_poll_at, now):
                        task = asyncio.create_task(self.poll_feed(feed),
                                                   name=f"newsdesk-feed-{feed.feed_id}")
                        self._running[feed.feed_id] = task
                        task.add_done_callback(self._finished)
                    else:
                        waiting.append(parse_iso(feed.next_poll_at) or now)
                pause = min([IDLE_CHECK, *((w - now).total_seconds() for w in waiting)])
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(max(pause, 0.2)):
                        await self._wake.wait()
        finally:
            await self._cancel_running()
            await self.close()

    def _finished(self, task: asyncio.Task[PollResult]) -> None:
        for feed_id, running in list(self._running.items()):
            if running is task:
                del self._running[feed_id]
        self._wake.set()  # its next poll time is known now
        if not task.cancelled() and task.exception() is not None:
            log.error("feed poll task failed", exc_info=task.exception())

    async def _cancel_running(self) -> None:
        tasks = list(self._running.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._running.clear()
