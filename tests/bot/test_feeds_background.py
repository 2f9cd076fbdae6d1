"""The background poller of ``newsdesk run``: gated by a leader, stopped by close."""

from __future__ import annotations

import asyncio
import contextlib

from bot.config import Settings
from bot.feeds.background import FeedsTask, always_leader
from bot.feeds.poller import FeedPoller
from bot.service import AnswerService
from tests.bot.feed_site import FeedSite, Reply, rss2


async def test_polling_waits_for_leadership_and_stops_on_close(db_path, monkeypatch):
    monkeypatch.setenv("NEWSDESK_FETCH_ALLOW_LOOPBACK", "true")
    settings = Settings(db=db_path, persist_index=False, index_workers=0, feed_workers=0,
                        question_log=False)
    site = await FeedSite().start()
    site.routes["/feed.xml"] = Reply(rss2([]), content_type="application/rss+xml")
    granted = asyncio.Event()
    released = asyncio.Event()

    @contextlib.asynccontextmanager
    async def leader():
        await granted.wait()
        try:
            yield
        finally:
            released.set()

    try:
        async with await AnswerService.open(settings, load_sample=False) as service:
            await service.store.add_feed(site.url("/feed.xml"), scope="shared",
                                         every_minutes=1)
            polled = asyncio.Event()
            poller = FeedPoller(service, settings)
            original = poller.poll_feed

            async def counting(feed):
                result = await original(feed)
                polled.set()
                return result

            poller.poll_feed = counting  # type: ignore[method-assign]
            task = FeedsTask(poller, leader=leader)
            task.start()
            await asyncio.sleep(0.3)
            assert site.hits("/feed.xml") == []  # not the leader yet
            assert task.running
            granted.set()
            await asyncio.wait_for(polled.wait(), 30)
            assert len(site.hits("/feed.xml")) == 1
            await task.close()
            assert released.is_set()
            assert not task.running
    finally:
        await site.stop()


async def test_always_leader_is_granted_at_once():
    async with always_leader():
        pass
