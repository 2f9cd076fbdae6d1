"""Announcements of new feed articles, posted by the unmodified discord.py client to the fake
Discord: the right channel, nothing pinged, the rate limit, skipped channels."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

import pytest

from bot.announce import ANNOUNCE_KEY, Announcer, announcement, summary
from corpus.backend import SHARED_SCOPE, Feed
from corpus.models import Article, StoredArticle
from corpus.store import ArticleStore, SentenceRow
from tests.bot.fake_discord import CHANNEL_A, CHANNEL_B, GUILD_A, GUILD_B
from tests.bot.live_bot import Live, connected_bot

HOSTILE = "Mayor says @everyone should see <@123> and <@&456> **now** [x](https://evil.example)"
POLLED = "2026-12-01T09:00:00+00:00"


def stored(title: str, *, article_id: int = 1, url: str | None = "https://news.example/a",
           source: str | None = "Harbour Post", published: str | None = "2026-12-01",
           scope: str = str(GUILD_A)) -> StoredArticle:
    return StoredArticle(article_id, title, url, source, published, (), "hash",
                         "2026-12-01T09:00:00+00:00", False, scope, 1)


async def feed_with_article(store: ArticleStore, scope: str, title: str, number: int = 0,
                            url: str = "https://news.example/rss") -> tuple[Feed, StoredArticle]:
    """A followed feed of ``scope`` (polled before) and one article stored from it."""
    feed, _ = await store.add_feed(url, scope=scope, every_minutes=15)
    body = f"The harbour reopened on day {number}."
    article = Article(title=title, body=body, url=f"https://news.example/{scope}/{number}",
                      source="Harbour Post", published="2026-12-01")
    result = await store.upsert(article, [SentenceRow(0, 0, 0, 0, len(body), body)],
                                scope=scope, feed_id=feed.feed_id)
    found = await store.get_article(result.article_id)
    assert found is not None
    return replace(feed, last_poll_at=POLLED), found


@pytest.fixture
async def live(db_path: Path):
    async with connected_bot(db_path) as running:
        yield running


def posts(live: Live, channel: int | None = None) -> list[dict]:
    return [p for p in live.fake.channel_posts
            if channel is None or p["channel_id"] == str(channel)]


# -- what is posted ------------------------------------------------------------------------


def test_an_announcement_is_headline_publisher_date_and_link_all_escaped() -> None:
    text = announcement(stored(HOSTILE))
    headline, meta, link = text.split("\n")
    assert headline == ("📰 **Mayor says @\u200beveryone should see \\<@123> and \\<@&456> "
                        "\\*\\*now\\*\\* \\[x\\](https://evil.example)**")
    assert meta == "Harbour Post · 2026-12-01"
    assert link == "https://news.example/a"
    assert announcement(stored("Quiet day", url="javascript:alert(1)", source=None,
                               published=None)) == "📰 **Quiet day**"


def test_a_summary_lists_ten_headlines_then_counts_the_rest_within_2000() -> None:
    articles = [stored(f"Headline {n} " + "word " * 60, article_id=n,
                       url=f"https://news.example/{n}") for n in range(40)]
    text = summary(articles, more=5)
    assert len(text) <= 2000
    assert text.startswith("📰 45 new articles:\n• **Headline 0 word")
    assert "<https://news.example/0>" in text
    listed = text.count("\n• ")
    assert 1 <= listed <= 10
    assert text.endswith(f"… and {45 - listed} more: see /sources")
    short = summary([stored("One", article_id=1), stored("Two", article_id=2)])
    assert short == ("📰 2 new articles:\n"
                     "• **One** · Harbour Post · 2026-12-01 <https://news.example/a>\n"
                     "• **Two** · Harbour Post · 2026-12-01 <https://news.example/a>")


# -- through Discord -----------------------------------------------------------------------


async def test_a_new_article_is_posted_in_its_servers_channel_pinging_nobody(
    live: Live,
) -> None:
    store = live.service.store
    await store.set_setting(str(GUILD_A), ANNOUNCE_KEY, str(CHANNEL_A))
    feed, article = await feed_with_article(store, str(GUILD_A), HOSTILE)
    other_feed, other = await feed_with_article(store, str(GUILD_B), "Tram line opens", 1)
    announcer = live.bot.announcer
    assert announcer is not None
    await announcer.on_article(feed, article)
    await announcer.on_article(other_feed, other)  # guild B chose no channel
    await announcer.on_article(feed, article)  # the same article again: posted once
    await announcer.wait_idle()
    (post,) = posts(live)
    assert post["channel_id"] == str(CHANNEL_A)
    assert post["allowed_mentions"] == {"parse": []}
    text = post["content"]
    assert "@everyone" not in text
    assert "@\u200beveryone" in text
    assert "\\<@123>" in text
    assert "\\<@&456>" in text
    assert text.endswith("Harbour Post · 2026-12-01\nhttps://news.example/" + str(GUILD_A)
                         + "/0")
    assert not posts(live, CHANNEL_B)


async def test_a_feeds_first_poll_is_its_backlog_and_not_announced(live: Live) -> None:
    store = live.service.store
    await store.set_setting(str(GUILD_A), ANNOUNCE_KEY, str(CHANNEL_A))
    feed, article = await feed_with_article(store, str(GUILD_A), "Backlog story")
    assert live.bot.announcer is not None
    await live.bot.announcer.on_article(replace(feed, last_poll_at=None), article)
    await live.bot.announcer.wait_idle()
    assert posts(live) == []
    backlog = Announcer(live.bot, store, announce_backlog=True)
    await backlog.on_article(replace(feed, last_poll_at=None), article)
    await backlog.wait_idle()
    assert [p["channel_id"] for p in posts(live)] == [str(CHANNEL_A)]


async def test_shared_feeds_are_announced_only_where_the_operator_says(live: Live) -> None:
    store = live.service.store
    await store.set_setting(str(GUILD_A), ANNOUNCE_KEY, str(CHANNEL_A))
    feed, article = await feed_with_article(store, SHARED_SCOPE, "Operator news")
    assert live.bot.announcer is not None
    await live.bot.announcer.on_article(feed, article)
    await live.bot.announcer.wait_idle()
    assert posts(live) == []
    operator = Announcer(live.bot, store, shared_channel=CHANNEL_B)
    await operator.on_article(feed, article)
    await operator.wait_idle()
    assert [p["channel_id"] for p in posts(live)] == [str(CHANNEL_B)]
    assert "Operator news" in posts(live)[0]["content"]


async def test_posts_keep_to_the_rate_and_a_burst_becomes_one_summary(live: Live) -> None:
    store = live.service.store
    await store.set_setting(str(GUILD_A), ANNOUNCE_KEY, str(CHANNEL_A))
    announcer = Announcer(live.bot, store, per_minute=2, window=1.0)
    pairs = [await feed_with_article(store, str(GUILD_A), f"Story {n}", n) for n in range(6)]
    for feed, article in pairs[:5]:
        await announcer.on_article(feed, article)
    await announcer.wait_idle()
    first, second = posts(live)
    assert first["content"].startswith("📰 **Story 0**")
    assert second["content"].startswith("📰 4 new articles:\n• **Story 1**")
    assert "• **Story 4**" in second["content"]
    await announcer.on_article(*pairs[5])
    await announcer.wait_idle()
    third = posts(live)[2]
    assert third["content"].startswith("📰 **Story 5**")
    assert third["at"] - first["at"] >= 1.0  # the third post waited for the window
    assert announcer.posts == 3


async def test_a_missing_channel_or_permission_is_skipped_with_one_log_line(
    live: Live, caplog: pytest.LogCaptureFixture
) -> None:
    store = live.service.store
    await store.set_setting(str(GUILD_A), ANNOUNCE_KEY, "123456789")
    announcer = live.bot.announcer
    assert announcer is not None
    pairs = [await feed_with_article(store, str(GUILD_A), f"Story {n}", n) for n in range(3)]
    with caplog.at_level(logging.DEBUG, logger="bot.announce"):
        for feed, article in pairs[:2]:
            await announcer.on_article(feed, article)
            await announcer.wait_idle()
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "channel 123456789 skipped: the channel does not exist" in warnings[0].getMessage()
    assert posts(live) == []
    assert await store.get_setting(str(GUILD_A), ANNOUNCE_KEY) == "123456789"

    await store.set_setting(str(GUILD_A), ANNOUNCE_KEY, str(CHANNEL_B))  # guild B's channel
    await announcer.on_article(*pairs[2])
    await announcer.wait_idle()
    assert posts(live) == []

    caplog.clear()
    await store.set_setting(str(GUILD_A), ANNOUNCE_KEY, str(CHANNEL_A))
    route = ("POST", f"/channels/{CHANNEL_A}/messages")
    live.fake.failures[route] = 403
    extra = [await feed_with_article(store, str(GUILD_A), f"Later {n}", 10 + n)
             for n in range(2)]
    with caplog.at_level(logging.WARNING, logger="bot.announce"):
        for feed, article in extra:
            await announcer.on_article(feed, article)
            await announcer.wait_idle()
    assert [r.getMessage() for r in caplog.records] == [
        f"announcements to channel {CHANNEL_A} skipped: Discord refused the post (missing "
        "permission) (the setting is kept)"]
    del live.fake.failures[route]
    last_feed, last = await feed_with_article(store, str(GUILD_A), "Permission back", 20)
    await announcer.on_article(last_feed, last)
    await announcer.wait_idle()
    assert [p["content"].split("\n")[0] for p in posts(live)] == ["📰 **Permission back**"]
