"""/corpus follow | unfollow | feeds | announce, through the unmodified discord.py client and
the fake Discord: permissions, URL checks, bounds, per-server scope, paging, escaping."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.announce import ANNOUNCE_KEY
from bot.cogs.feeds import MAX_FEEDS, check_feed_url, feed_field, when
from bot.fetch import BlockedAddressError
from corpus.backend import Feed, FeedPoll
from corpus.models import Article
from tests.bot.fake_discord import (
    ADMIN_PERMISSIONS,
    CHANNEL_A,
    CHANNEL_B,
    GUILD_A,
    GUILD_B,
    MEMBER_PERMISSIONS,
    ChannelOption,
)
from tests.bot.live_bot import Live, connected_bot

EPHEMERAL = 64
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


@pytest.fixture
async def live(db_path: Path):
    async with connected_bot(db_path) as running:
        yield running


def follow(live: Live, url: str, guild: int = GUILD_A, **options: object) -> dict:
    return live.fake.slash("corpus", {"url": url, **options}, subcommand="follow",
                           guild_id=guild, permissions=ADMIN_PERMISSIONS)


def content(record) -> str:
    return (record.message or {}).get("content", "")


# -- pure parts ----------------------------------------------------------------------------


def test_feed_urls_are_checked_like_corpus_add_and_made_canonical() -> None:
    assert check_feed_url(" HTTPS://News.Example/feed.xml ") == "https://news.example/feed.xml"
    refused = {
        "file:///etc/passwd": "only http:// and https://",
        "ftp://news.example/feed": "only http:// and https://",
        "http://user:secret@news.example/feed": "user name or password",
        "http://127.0.0.1:8080/feed": "private or local",
        "http://[::1]/feed": "private or local",
        "http://10.1.2.3/feed": "private or local",
        "http://169.254.169.254/latest/meta-data/": "private or local",
        "http://[::ffff:192.168.0.1]/feed": "private or local",
        "http://localhost:9000/feed": "private or local",
        "http://feeds.localhost./rss": "private or local",
    }
    for url, reason in refused.items():
        with pytest.raises(BlockedAddressError, match=reason):
            check_feed_url(url)


def test_times_are_shown_in_utc_with_how_long_ago_or_until() -> None:
    assert when("2026-12-01T09:57:00+00:00", NOW) == "2026-12-01 09:57 UTC (3 min ago)"
    assert when("2026-12-01T12:00:00+00:00", NOW) == "2026-12-01 12:00 UTC (in 2 h)"
    assert when("2026-12-01T10:00:20+00:00", NOW) == "2026-12-01 10:00 UTC (now)"
    assert when("2026-11-28T07:30:00+00:00", NOW) == "2026-11-28 07:30 UTC (3 d 2 h ago)"
    assert when(None, NOW) is None


def test_a_feed_field_shows_its_state_and_escapes_what_the_feed_sent() -> None:
    feed = Feed(7, "42", "https://news.example/rss", "**Harbour** @everyone <@123>", 15,
                "2026-11-30T08:00:00+00:00", last_poll_at="2026-12-01T09:45:00+00:00",
                last_new_at="2026-12-01T08:15:00+00:00",
                next_poll_at="2026-12-01T10:15:00+00:00", entries_stored=12, failures=2,
                last_error="HTTP 503 from <@&99> [x](https://evil.example)",
                last_error_at="2026-12-01T09:45:00+00:00")
    field = feed_field(feed, NOW)
    name, value = field.name.render(), field.value.render()
    assert name == "\\*\\*Harbour\\*\\* @\u200beveryone \\<@123>"
    assert "every 15 min · 12 entries stored · id 7" in value
    assert "last poll: 2026-12-01 09:45 UTC (15 min ago)" in value
    assert "last new entry: 2026-12-01 08:15 UTC (1 h 45 min ago)" in value
    assert "next poll due: 2026-12-01 10:15 UTC (in 15 min)" in value
    assert "last error: HTTP 503 from \\<@&99> \\[x\\](https://evil.example)" in value
    assert "(2026-12-01 09:45 UTC (15 min ago), 2 failed in a row)" in value
    assert field.value.url == "https://news.example/rss"


# -- through Discord -----------------------------------------------------------------------


async def test_admin_follows_a_feed_for_this_server_only(live: Live) -> None:
    reply = await live.reply(follow(live, "https://News.Example/feed.xml", every=30))
    assert reply.flags & EPHEMERAL
    text = content(reply)
    assert "Following https://news.example/feed.xml" in text
    assert "every 30 minutes" in text
    assert "first poll is due now" in text
    (feed,) = await live.service.store.list_feeds()
    assert (feed.scope, feed.url, feed.every_minutes) == (str(GUILD_A), "https://news.example/"
                                                          "feed.xml", 30)
    again = await live.reply(follow(live, "https://news.example/feed.xml", every=60))
    assert "Already following https://news.example/feed.xml: now polled every 60 minutes" \
        in content(again)
    assert [f.every_minutes for f in await live.service.store.list_feeds()] == [60]
    assert await live.service.store.list_feeds(scopes=[str(GUILD_B)]) == []


async def test_follow_is_refused_to_members_local_addresses_and_out_of_bounds(
    live: Live,
) -> None:
    member = live.fake.slash("corpus", {"url": "https://news.example/rss"},
                             subcommand="follow", permissions=MEMBER_PERMISSIONS)
    assert "Manage Server" in content(await live.reply(member))
    local = await live.reply(follow(live, f"http://127.0.0.1:{live.fake.port}/pages/x"))
    assert "private or local" in content(local)
    scheme = await live.reply(follow(live, "file:///etc/passwd"))
    assert "only http:// and https://" in content(scheme)
    for every in (1, 100_000):
        crafted = await live.reply(follow(live, "https://news.example/rss", every=every))
        assert crafted.flags & EPHEMERAL
        assert f"must be from 5 to 1440 (got {every})" in content(crafted)
    long_url = "https://news.example/" + "a" * 2000
    assert "at most 2000 characters" in content(await live.reply(follow(live, long_url)))
    assert await live.service.store.list_feeds() == []
    assert not any("/pages/x" in r.path for r in live.fake.requests)


async def test_a_server_may_follow_a_bounded_number_of_feeds(live: Live) -> None:
    store = live.service.store
    for number in range(MAX_FEEDS):
        await store.add_feed(f"https://news.example/{number}.xml", scope=str(GUILD_A),
                             every_minutes=15)
    refused = await live.reply(follow(live, "https://news.example/one-more.xml"))
    assert f"already follows {MAX_FEEDS} feeds" in content(refused)
    changed = await live.reply(follow(live, "https://news.example/3.xml", every=45))
    assert "Already following" in content(changed)
    other = await live.reply(follow(live, "https://news.example/one-more.xml", guild=GUILD_B))
    assert "Following" in content(other)
    assert len(await store.list_feeds(scopes=[str(GUILD_A)])) == MAX_FEEDS


async def test_unfollow_offers_and_removes_only_this_servers_feeds(live: Live) -> None:
    store = live.service.store
    mine, _ = await store.add_feed("https://a.example/rss", scope=str(GUILD_A), every_minutes=15)
    theirs, _ = await store.add_feed("https://b.example/rss", scope=str(GUILD_B),
                                     every_minutes=15)
    complete = live.fake.slash("corpus", {"feed": "example"}, subcommand="unfollow",
                               permissions=ADMIN_PERMISSIONS, focused="feed")
    choices = (await live.reply(complete)).body["data"]["choices"]
    assert choices == [{"name": "https://a.example/rss", "value": str(mine.feed_id)}]

    crafted = live.fake.slash("corpus", {"feed": str(theirs.feed_id)}, subcommand="unfollow",
                              permissions=ADMIN_PERMISSIONS)
    refused = await live.reply(crafted)
    assert refused.flags & EPHEMERAL
    assert "None of this server's feeds matches that" in content(refused)
    assert [f.feed_id for f in await store.list_feeds()] == [mine.feed_id, theirs.feed_id]

    remove = live.fake.slash("corpus", {"feed": str(mine.feed_id)}, subcommand="unfollow",
                             permissions=ADMIN_PERMISSIONS)
    removed = await live.reply(remove)
    assert "Stopped following https://a.example/rss" in content(removed)
    assert [f.feed_id for f in await store.list_feeds()] == [theirs.feed_id]


async def test_feeds_lists_this_servers_feeds_with_their_state_in_pages(live: Live) -> None:
    store = live.service.store
    empty = await live.reply(live.fake.slash("corpus", subcommand="feeds",
                                             permissions=ADMIN_PERMISSIONS))
    assert "follows no feeds yet" in content(empty)
    feeds = [(await store.add_feed(f"https://news.example/{n}.xml", scope=str(GUILD_A),
                                   every_minutes=15))[0] for n in range(8)]
    await store.add_feed("https://other.example/rss", scope=str(GUILD_B), every_minutes=15)
    await store.record_poll(feeds[0].feed_id, FeedPoll(
        polled_at="2026-12-01T09:45:00+00:00", next_poll_at="2026-12-01T10:15:00+00:00",
        title="Harbour @everyone News", new_entries=1))
    await live.service.store_article(
        Article(title="Ferry back", body="The ferry resumed service. Crossings run hourly.",
                url="https://news.example/ferry", origin="feed"),
        scope=str(GUILD_A), feed_id=feeds[0].feed_id)
    await store.record_poll(feeds[0].feed_id, FeedPoll(
        polled_at="2026-12-01T09:50:00+00:00", next_poll_at="2026-12-01T10:50:00+00:00",
        error="HTTP 503 <@123>"))
    await store.set_setting(str(GUILD_A), ANNOUNCE_KEY, str(CHANNEL_A))
    asker = live.fake.next_id()
    payload = live.fake.slash("corpus", subcommand="feeds", permissions=ADMIN_PERMISSIONS,
                              user_id=asker)
    shown = await live.reply(payload)
    assert shown.flags & EPHEMERAL
    embed = shown.body["embeds"][0]
    assert embed["title"] == "Feeds this server follows (8)"
    assert embed["description"] == "New-article posts: in #general"
    assert embed["footer"]["text"].startswith("page 1 of 2")
    assert len(embed["fields"]) == 6
    first = embed["fields"][0]
    assert first["name"] == "Harbour @\u200beveryone News"
    assert "1 entry stored" in first["value"]  # counted from the articles stored
    assert "last error: HTTP 503 \\<@123> (2026-12-01 09:50 UTC" in first["value"]
    assert "1 failed in a row" in first["value"]
    assert "https://news.example/0.xml" in first["value"]
    assert "other.example" not in json.dumps(embed)

    await store.record_poll(feeds[6].feed_id, FeedPoll(  # polled while the list is open
        polled_at="2026-12-01T09:55:00+00:00", next_poll_at="2026-12-01T10:10:00+00:00",
        title="Fresh title"))
    click = live.fake.click(shown.reply, "newsdesk:feeds:next", user_id=asker,
                            permissions=ADMIN_PERMISSIONS)
    turned = await live.reply(click)
    assert turned.callback_type == 7
    page = turned.body["data"]["embeds"][0]
    assert page["footer"]["text"].startswith("page 2 of 2")
    assert [f["name"] for f in page["fields"]] == ["Fresh title", "https://news.example/7.xml"]


async def test_announce_sets_and_clears_this_servers_channel(live: Live) -> None:
    store = live.service.store
    on = live.fake.slash("corpus", {"channel": ChannelOption(CHANNEL_A)}, subcommand="announce",
                         permissions=ADMIN_PERMISSIONS)
    reply = await live.reply(on)
    assert reply.flags & EPHEMERAL
    assert f"will be posted in <#{CHANNEL_A}>" in content(reply)
    assert "at most 5 posts a minute" in content(reply)
    assert await store.get_setting(str(GUILD_A), ANNOUNCE_KEY) == str(CHANNEL_A)

    foreign = live.fake.slash("corpus", {"channel": ChannelOption(CHANNEL_B)},
                              subcommand="announce", permissions=ADMIN_PERMISSIONS)
    refused = await live.reply(foreign)
    assert refused.flags & EPHEMERAL
    assert await store.get_setting(str(GUILD_A), ANNOUNCE_KEY) == str(CHANNEL_A)

    off = live.fake.slash("corpus", subcommand="announce", permissions=ADMIN_PERMISSIONS)
    assert "New-article posts are off" in content(await live.reply(off))
    assert await store.get_setting(str(GUILD_A), ANNOUNCE_KEY) is None
    member = live.fake.slash("corpus", {"channel": ChannelOption(CHANNEL_A)},
                             subcommand="announce", permissions=MEMBER_PERMISSIONS)
    assert "Manage Server" in content(await live.reply(member))
    assert await store.get_setting(str(GUILD_A), ANNOUNCE_KEY) is None
    sent = [r for r in live.fake.requests if r.message is not None and r.callback_type != 5]
    assert sent
    assert all(r.message.get("allowed_mentions") == {"parse": []} for r in sent)
