"""Feed state in the store: followed feeds, polls, entries seen, settings, provenance."""

import sqlite3
from dataclasses import replace
from importlib import resources

from corpus.backend import FeedPoll
from corpus.locations import store_for
from corpus.models import Article
from corpus.store import SCHEMA_VERSION, ArticleStore, SentenceRow

BODY = "The ferry resumed service. Crossings run hourly"
ARTICLE = Article(title="Ferry back", body=BODY, url="https://news.example/ferry",
                  source="Harbour Post", published="2026-03-01", origin="feed")


def rows(body: str) -> list[SentenceRow]:
    first, second = body.split(". ")
    return [SentenceRow(0, 0, 0, 0, len(first), first),
            SentenceRow(0, 1, 0, len(first) + 2, len(body), second)]


async def test_following_twice_keeps_one_feed_and_takes_the_new_interval(location):
    async with store_for(location) as store:
        feed, created = await store.add_feed("https://news.example/rss", scope="shared",
                                             every_minutes=15)
        again, created_again = await store.add_feed("https://news.example/rss",
                                                     scope="shared", every_minutes=5)
        other, _ = await store.add_feed("https://news.example/rss", scope="42",
                                        every_minutes=15)
        feeds = await store.list_feeds()
        guild_feeds = await store.list_feeds(scopes=["42"])
    assert (created, created_again) == (True, False)
    assert again.feed_id == feed.feed_id
    assert again.every_minutes == 5
    assert [f.feed_id for f in feeds] == [feed.feed_id, other.feed_id]
    assert [f.scope for f in guild_feeds] == ["42"]


async def test_unfollow_is_scoped_and_keeps_the_feeds_articles(location):
    async with store_for(location) as store:
        feed, _ = await store.add_feed("https://news.example/rss", scope="42", every_minutes=15)
        stored = await store.upsert(ARTICLE, rows(BODY), scope="42", feed_id=feed.feed_id)
        assert not await store.remove_feed(feed.feed_id, scope="shared")
        assert await store.remove_feed(feed.feed_id, scope="42")
        assert await store.list_feeds() == []
        assert await store.get_article(stored.article_id) is not None


async def test_polls_keep_validators_and_count_failures(location):
    async with store_for(location) as store:
        feed, _ = await store.add_feed("https://news.example/rss", scope="shared",
                                       every_minutes=15)
        await store.record_poll(feed.feed_id, FeedPoll(
            polled_at="2026-12-01T10:00:00+00:00", next_poll_at="2026-12-01T10:15:00+00:00",
            title="Harbour Post", etag='"v1"', last_modified="Tue, 01 Dec 2026 10:00:00 GMT",
            new_entries=3))
        await store.record_poll(feed.feed_id, FeedPoll(
            polled_at="2026-12-01T10:15:00+00:00", next_poll_at="2026-12-01T10:45:00+00:00",
            error="HTTP 503"))
        await store.record_poll(feed.feed_id, FeedPoll(
            polled_at="2026-12-01T10:45:00+00:00", next_poll_at="2026-12-01T11:45:00+00:00",
            error="timed out"))
        (failing,) = await store.list_feeds()
        await store.record_poll(feed.feed_id, FeedPoll(
            polled_at="2026-12-01T11:45:00+00:00", next_poll_at="2026-12-01T12:00:00+00:00"))
        (recovered,) = await store.list_feeds()
    assert (failing.title, failing.etag) == ("Harbour Post", '"v1"')
    assert failing.entries_stored == 0  # counted from the articles, not from the polls
    assert (failing.failures, failing.last_error) == (2, "timed out")
    assert failing.last_new_at == "2026-12-01T10:00:00+00:00"
    assert (recovered.failures, recovered.etag) == (0, '"v1"')
    assert recovered.last_poll_at == "2026-12-01T11:45:00+00:00"


async def test_entries_stored_counts_the_feeds_articles_whether_or_not_a_poll_was_recorded(
    location,
):
    async with store_for(location) as store:
        feed, _ = await store.add_feed("https://news.example/rss", scope="shared",
                                       every_minutes=15)
        other, _ = await store.add_feed("https://news.example/other", scope="shared",
                                        every_minutes=15)
        await store.upsert(ARTICLE, rows(BODY), scope="shared", feed_id=feed.feed_id)
        second = replace(ARTICLE, url="https://news.example/ferry-2", body=BODY + " again")
        await store.upsert(second, rows(BODY + " again"), scope="shared", feed_id=feed.feed_id)
        counted = {f.feed_id: f.entries_stored for f in await store.list_feeds()}
        again, _ = await store.add_feed("https://news.example/rss", scope="shared",
                                        every_minutes=5)
    assert counted == {feed.feed_id: 2, other.feed_id: 0}
    assert again.entries_stored == 2


async def test_entries_seen_are_remembered_per_feed(location):
    async with store_for(location) as store:
        one, _ = await store.add_feed("https://a.example/rss", scope="shared", every_minutes=15)
        two, _ = await store.add_feed("https://b.example/rss", scope="shared", every_minutes=15)
        await store.mark_entries(one.feed_id, [("urn:1", None), ("urn:2", None)])
        assert await store.seen_entries(one.feed_id, ["urn:1", "urn:3"]) == {"urn:1"}
        assert await store.seen_entries(two.feed_id, ["urn:1"]) == set()
        many = [f"urn:{n}" for n in range(1200)]
        await store.mark_entries(two.feed_id, [(key, None) for key in many])
        assert len(await store.seen_entries(two.feed_id, many)) == 1200


async def test_article_by_url_and_retention_filters(location):
    async with store_for(location) as store:
        feed, _ = await store.add_feed("https://news.example/rss", scope="shared",
                                       every_minutes=15)
        from_feed = await store.upsert(ARTICLE, rows(BODY), feed_id=feed.feed_id)
        by_hand_body = "The old pier closed. Repairs start soon"
        by_hand = await store.upsert(
            replace(ARTICLE, title="Pier", body=by_hand_body, url="https://news.example/pier"),
            rows(by_hand_body))
        undated_body = "A new bridge opened. Traffic is light"
        undated = await store.upsert(
            replace(ARTICLE, title="Bridge", body=undated_body, url=None, published=None),
            rows(undated_body), feed_id=feed.feed_id)
        assert await store.article_id_for_url("https://news.example/ferry", scope="shared") == (
            from_feed.article_id)
        assert await store.article_id_for_url("https://news.example/ferry", scope="42") is None
        old = await store.find_article_ids(older_than="2026-06-01")
        old_from_feeds = await store.find_article_ids(older_than="2026-06-01", from_feeds=True)
        everything_from_feeds = await store.find_article_ids(older_than="9999-01-01",
                                                             from_feeds=True)
    assert old == [from_feed.article_id, by_hand.article_id]
    assert old_from_feeds == [from_feed.article_id]
    assert everything_from_feeds == [from_feed.article_id, undated.article_id]


async def test_settings_are_per_scope(location):
    async with store_for(location) as store:
        await store.set_setting("42", "announce_channel", "1234")
        assert await store.get_setting("42", "announce_channel") == "1234"
        assert await store.get_setting("43", "announce_channel") is None
        await store.set_setting("42", "announce_channel", None)
        assert await store.get_setting("42", "announce_channel") is None


async def test_a_version_1_database_is_migrated_keeping_its_articles(tmp_path):
    path = tmp_path / "v1.db"
    schema = resources.files("corpus") / "schema" / "0001_init.sql"
    with sqlite3.connect(path) as raw:
        raw.executescript(schema.read_text(encoding="utf-8"))
        raw.execute(
            "INSERT INTO articles (title, body, content_hash, ingested_at)"
            " VALUES ('Old', 'Old text.', 'h', '2025-01-01T00:00:00+00:00')")
        raw.execute("PRAGMA user_version = 1")
    async with ArticleStore(path) as store:
        stats = await store.stats()
        assert await store.find_article_ids(from_feeds=True) == []
    assert (stats.schema_version, stats.articles) == (SCHEMA_VERSION, 1)
    assert SCHEMA_VERSION >= 2
