"""The feed poller against a real local site (127.0.0.1, NEWSDESK_FETCH_ALLOW_LOOPBACK=true).

After each poll the tests check what is stored and that it is answerable through the
answer path ``/ask`` uses (`AnswerService.answer`), with its URL and date.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import timedelta

import pytest

from bot.config import Settings
from bot.feeds.poller import FeedPoller
from bot.feeds.schedule import parse_iso
from bot.service import AnswerService
from corpus.backend import SHARED_SCOPE, Feed
from tests.bot.feed_site import FeedSite, Item, Reply, atom, http_date, page, rss1, rss2

FERRY = ["The new ferry terminal opened on Monday with twelve berths for island routes.",
         "Officials said the terminal cost 40 million euros and took three years to build."]
BRIDGE = ["The harbour bridge closed for repairs after inspectors found corroded cables.",
          "Engineers expect the bridge to reopen in September once the cables are replaced."]
MARKET = ["The fish market moved to the old customs warehouse on the north quay.",
          "Traders said the warehouse gives them cold storage for the first time."]


@pytest.fixture
async def site():
    site = await FeedSite().start()
    yield site
    await site.stop()


@pytest.fixture
def feed_settings(db_path, monkeypatch) -> Settings:
    monkeypatch.setenv("NEWSDESK_FETCH_ALLOW_LOOPBACK", "true")
    monkeypatch.setattr("bot.feeds.poller.REFRESH_DELAY", 0.0)  # no wait to merge refreshes
    return Settings(db=db_path, persist_index=False, index_workers=0, refresh_interval=0,
                    question_log=False, feed_workers=0)


@pytest.fixture
async def service(feed_settings):
    async with await AnswerService.open(feed_settings, load_sample=False) as service:
        yield service


async def follow(service: AnswerService, url: str, scope: str = SHARED_SCOPE) -> Feed:
    feed, _ = await service.store.add_feed(url, scope=scope, every_minutes=1)
    return feed


async def current(service: AnswerService, feed: Feed) -> Feed:
    return next(f for f in await service.store.list_feeds() if f.feed_id == feed.feed_id)


def serve_story(site: FeedSite, path: str, title: str, paragraphs: list[str],
                published: str | None = None) -> Item:
    site.routes[path] = Reply(page(title, paragraphs, published=published))
    return Item(title=title, link=site.url(path), summary=paragraphs[0])


async def best(service: AnswerService, question: str, scopes=(SHARED_SCOPE,)):
    answer = await service.answer(question, scopes=scopes)
    return answer.best


@pytest.mark.parametrize(("build", "date"), [
    (rss2, "Mon, 01 Jun 2026 09:00:00 GMT"),
    (atom, "2026-06-01T09:00:00Z"),
    (rss1, "2026-06-01T09:00:00Z"),
], ids=["rss2", "atom1", "rss1"])
async def test_feed_entries_are_stored_and_answerable_with_url_and_date(
    site, service, feed_settings, build, date
):
    ferry = serve_story(site, "/news/ferry", "Ferry terminal opens", FERRY)
    bridge = serve_story(site, "/news/bridge", "Bridge closes", BRIDGE, published="2026-05-30")
    ferry.date = bridge.date = date
    site.routes["/feed.xml"] = Reply(build([ferry, bridge]), content_type="application/xml")
    feed = await follow(service, site.url("/feed.xml"))

    result = await FeedPoller(service, feed_settings).poll_feed(feed)

    assert result.status == "ok", result.error
    assert len(result.added) == 2
    assert (await current(service, feed)).entries_stored == 2
    hit = await best(service, "When did the ferry terminal open?")
    assert hit is not None
    assert hit.sentence.text == FERRY[0]
    assert hit.document.url == site.url("/news/ferry")
    assert hit.document.published == "2026-06-01"  # the page has none: the feed's date
    assert hit.document.title == "Ferry terminal opens"
    hit = await best(service, "Why did the harbour bridge close?")
    assert hit is not None
    assert hit.document.url == site.url("/news/bridge")
    assert hit.document.published == "2026-05-30"  # the page's own date wins


async def test_entries_added_between_polls_are_fetched_once(site, service, feed_settings):
    ferry = serve_story(site, "/news/ferry", "Ferry terminal opens", FERRY)
    site.routes["/feed.xml"] = Reply(rss2([ferry]), content_type="application/rss+xml")
    feed = await follow(service, site.url("/feed.xml"))
    poller = FeedPoller(service, feed_settings)
    assert len((await poller.poll_feed(feed)).added) == 1
    assert await best(service, "Where did the fish market move?") is None

    market = serve_story(site, "/news/market", "Fish market moves", MARKET)
    site.routes["/feed.xml"] = Reply(rss2([market, ferry]), content_type="application/rss+xml")
    second = await poller.poll_feed(await current(service, feed))

    assert len(second.added) == 1
    assert len(site.hits("/news/ferry")) == 1
    hit = await best(service, "Where did the fish market move?")
    assert hit is not None
    assert hit.document.url == site.url("/news/market")
    assert (await current(service, feed)).entries_stored == 2


async def test_not_modified_sends_the_validators_and_stores_nothing(site, service, feed_settings):
    ferry = serve_story(site, "/news/ferry", "Ferry terminal opens", FERRY)
    modified = "Mon, 01 Jun 2026 10:00:00 GMT"
    site.routes["/feed.xml"] = Reply(rss2([ferry]), content_type="application/rss+xml",
                                     etag='"v1"', headers={"Last-Modified": modified})
    feed = await follow(service, site.url("/feed.xml"))
    poller = FeedPoller(service, feed_settings)
    await poller.poll_feed(feed)
    stored = await current(service, feed)
    assert (stored.etag, stored.last_modified) == ('"v1"', modified)

    again = await poller.poll_feed(stored)

    assert again.status == "not_modified"
    assert again.added == ()
    conditional = site.hits("/feed.xml")[-1]
    assert conditional["If-None-Match"] == '"v1"'
    assert conditional["If-Modified-Since"] == modified
    after = await current(service, feed)
    assert (after.failures, after.entries_stored, after.last_error) == (0, 1, None)


async def test_server_error_is_recorded_and_backs_off(site, service, feed_settings):
    site.routes["/feed.xml"] = Reply("oops", status=500)
    feed = await follow(service, site.url("/feed.xml"))
    poller = FeedPoller(service, feed_settings)

    first = await poller.poll_feed(feed)
    failed = await current(service, feed)
    second = await poller.poll_feed(failed)
    twice = await current(service, feed)

    assert first.status == "error"
    assert first.error == "the feed answered HTTP 500"
    assert (failed.failures, failed.last_error) == (1, "the feed answered HTTP 500")
    assert failed.last_error_at == first.polled_at
    gap1 = parse_iso(failed.next_poll_at) - parse_iso(failed.last_poll_at)
    gap2 = parse_iso(twice.next_poll_at) - parse_iso(twice.last_poll_at)
    assert gap1 >= timedelta(seconds=2 * 60 * 0.9 - 1)  # one failure: twice the interval
    assert gap2 >= timedelta(seconds=4 * 60 * 0.9 - 1)  # two: four times
    assert second.status == "error"
    assert twice.failures == 2


@pytest.mark.parametrize("status", [429, 503])
async def test_retry_after_in_seconds_is_honoured(site, service, feed_settings, status):
    site.routes["/feed.xml"] = Reply("slow down", status=status, headers={"Retry-After": "900"})
    feed = await follow(service, site.url("/feed.xml"))

    result = await FeedPoller(service, feed_settings).poll_feed(feed)

    assert result.error == f"the feed answered HTTP {status}, retry after 900 s"
    stored = await current(service, feed)
    gap = parse_iso(stored.next_poll_at) - parse_iso(stored.last_poll_at)
    assert gap >= timedelta(seconds=900)


async def test_retry_after_as_an_http_date_is_honoured(site, service, feed_settings):
    later = http_date(time.time() + 3600)
    site.routes["/feed.xml"] = Reply("slow down", status=429, headers={"Retry-After": later})
    feed = await follow(service, site.url("/feed.xml"))

    await FeedPoller(service, feed_settings).poll_feed(feed)

    stored = await current(service, feed)
    gap = parse_iso(stored.next_poll_at) - parse_iso(stored.last_poll_at)
    assert gap >= timedelta(seconds=3600 - 2)


async def test_malformed_feed_is_an_error_with_a_one_line_message(site, service, feed_settings):
    site.routes["/feed.xml"] = Reply('<?xml version="1.0"?>\n<rss version="2.0"><channel>\n'
                                     "<<title>broken", content_type="application/rss+xml")
    feed = await follow(service, site.url("/feed.xml"))

    result = await FeedPoller(service, feed_settings).poll_feed(feed)

    assert result.status == "error"
    assert result.error is not None
    assert result.error.startswith("malformed feed: ")
    assert "line 3" in result.error
    assert "\n" not in result.error
    assert (await current(service, feed)).last_error == result.error


async def test_a_page_that_is_not_a_feed_is_an_error(site, service, feed_settings):
    site.routes["/index.html"] = Reply(page("Home", ["Welcome to the harbour site."]))
    feed = await follow(service, site.url("/index.html"))

    result = await FeedPoller(service, feed_settings).poll_feed(feed)

    assert result.error == "not an RSS or Atom feed (a web page)"


SUMMARY = ("The council voted to build a second lighthouse on the eastern breakwater, "
           "citing the rise in night-time traffic.")


@pytest.mark.parametrize("reply", [
    Reply(page("Lighthouse vote", ["Subscribe to continue reading."])),
    Reply("gone", status=404),
    Reply(status=302, headers={"Location": "http://10.0.0.1/lighthouse"}),
    Reply(b"<html><body><p>" + b"x" * 20_000_000 + b"</p></body></html>"),
], ids=["paywall-stub", "404", "redirect-to-private", "20MB"])
async def test_page_without_article_falls_back_to_the_summary_as_an_excerpt(
    site, service, feed_settings, reply
):
    site.routes["/news/lighthouse"] = reply
    item = Item("Second lighthouse approved", site.url("/news/lighthouse"), SUMMARY,
                date="Tue, 02 Jun 2026 08:00:00 GMT", author="Ana Ruiz")
    site.routes["/feed.xml"] = Reply(rss2([item]), content_type="application/rss+xml")
    feed = await follow(service, site.url("/feed.xml"))

    result = await FeedPoller(service, feed_settings).poll_feed(feed)

    assert (len(result.added), result.excerpts) == (1, 1)
    [stored] = await service.store.list_articles()
    assert stored.partial
    assert (stored.title, stored.url, stored.published) == (
        "Second lighthouse approved", site.url("/news/lighthouse"), "2026-06-02")
    assert await service.store.get_body(stored.article_id) == SUMMARY
    hit = await best(service, "Where will the second lighthouse be built?")
    assert hit is not None
    assert hit.document.partial
    assert hit.document.url == site.url("/news/lighthouse")
    assert hit.document.published == "2026-06-02"


async def test_redirect_to_a_private_address_is_refused(site, service, feed_settings):
    site.routes["/news/a"] = Reply(status=302, headers={"Location": "http://10.0.0.1/a"})
    site.routes["/feed.xml"] = Reply(rss2([Item("A story", site.url("/news/a"), SUMMARY)]),
                                     content_type="application/rss+xml")
    feed = await follow(service, site.url("/feed.xml"))
    from bot.fetch import BlockedAddressError, settings_fetcher

    with pytest.raises(BlockedAddressError):
        await settings_fetcher(feed_settings).fetch(site.url("/news/a"))
    result = await FeedPoller(service, feed_settings).poll_feed(feed)
    assert result.excerpts == 1


async def test_the_same_story_in_two_feeds_is_stored_once(site, service, feed_settings):
    ferry = serve_story(site, "/news/ferry", "Ferry terminal opens", FERRY)
    market = serve_story(site, "/news/market", "Fish market moves", MARKET)
    site.routes["/a.xml"] = Reply(rss2([ferry], title="A"), content_type="application/rss+xml")
    site.routes["/b.xml"] = Reply(rss2([market, ferry], title="B"),
                                  content_type="application/rss+xml")
    first = await follow(service, site.url("/a.xml"))
    second = await follow(service, site.url("/b.xml"))
    poller = FeedPoller(service, feed_settings)

    one = await poller.poll_feed(first)
    two = await poller.poll_feed(second)

    assert (len(one.added), len(two.added), two.duplicates) == (1, 1, 1)
    assert len(site.hits("/news/ferry")) == 1
    assert len(await service.store.list_articles()) == 2
    assert (await service.answer("When did the ferry terminal open?")).hits[1:] == ()


async def test_relative_links_resolve_against_the_channel_link(site, service, feed_settings):
    serve_story(site, "/news/ferry", "Ferry terminal opens", FERRY)
    item = Item("Ferry terminal opens", "/news/ferry", FERRY[0])
    site.routes["/feeds/main.xml"] = Reply(rss2([item], link=site.url("/")),
                                           content_type="application/rss+xml")
    feed = await follow(service, site.url("/feeds/main.xml"))

    result = await FeedPoller(service, feed_settings).poll_feed(feed)

    assert result.excerpts == 0
    hit = await best(service, "When did the ferry terminal open?")
    assert hit is not None
    assert hit.document.url == site.url("/news/ferry")


@pytest.mark.parametrize(("written", "day"), [
    ("Mo, 01 Jun 2026 09:00:00 +0200", "2026-06-01"),  # German weekday
    ("Mon, 01 Jun 26 09:00:00 GMT", "2026-06-01"),  # two-digit year
    ("2026-06-01T23:30:00-05:00", "2026-06-01"),  # the local day, not UTC's
])
async def test_odd_feed_dates_are_read(site, service, feed_settings, written, day):
    item = serve_story(site, "/news/ferry", "Ferry terminal opens", FERRY)
    item.date = written
    site.routes["/feed.xml"] = Reply(rss2([item]), content_type="application/rss+xml")
    feed = await follow(service, site.url("/feed.xml"))

    await FeedPoller(service, feed_settings).poll_feed(feed)

    hit = await best(service, "When did the ferry terminal open?")
    assert hit is not None
    assert hit.document.published == day


async def test_a_guild_feed_feeds_that_guild_only(site, service, feed_settings):
    ferry = serve_story(site, "/news/ferry", "Ferry terminal opens", FERRY)
    site.routes["/feed.xml"] = Reply(rss2([ferry]), content_type="application/rss+xml")
    feed = await follow(service, site.url("/feed.xml"), scope="1234")

    await FeedPoller(service, feed_settings).poll_feed(feed)

    [stored] = await service.store.list_articles()
    assert stored.scope == "1234"
    assert await best(service, "When did the ferry terminal open?") is None
    assert await best(service, "When did the ferry terminal open?", ("shared", "99")) is None
    hit = await best(service, "When did the ferry terminal open?", ("shared", "1234"))
    assert hit is not None
    assert hit.document.url == site.url("/news/ferry")


async def test_entries_over_the_cap_wait_for_the_next_poll_newest_first(
    site, service, feed_settings
):
    items = []
    for day in range(1, 6):
        story = serve_story(site, f"/news/{day}", f"Harbour day {day}",
                            [f"On day {day} the harbour counted {day * 11} ships at anchor."])
        story.date = f"Mon, 0{day} Jun 2026 09:00:00 GMT"
        items.append(story)
    site.routes["/feed.xml"] = Reply(rss2(items), content_type="application/rss+xml",
                                     etag='"same"')
    feed = await follow(service, site.url("/feed.xml"))
    poller = FeedPoller(service, feed_settings.model_copy(update={"feed_max_entries": 2}))

    first = await poller.poll_feed(feed)
    stored = [a.title for a in await service.store.list_articles()]
    second = await poller.poll_feed(await current(service, feed))
    third = await poller.poll_feed(await current(service, feed))

    assert (len(first.added), first.left) == (2, 3)
    assert stored == ["Harbour day 5", "Harbour day 4"]
    assert (second.status, len(second.added), second.left) == ("ok", 2, 1)
    assert (len(third.added), third.left) == (1, 0)
    assert (await current(service, feed)).etag == '"same"'


async def test_on_article_is_called_for_each_added_article(site, service, feed_settings):
    ferry = serve_story(site, "/news/ferry", "Ferry terminal opens", FERRY)
    market = serve_story(site, "/news/market", "Fish market moves", MARKET)
    site.routes["/feed.xml"] = Reply(rss2([ferry, market], title="Harbour Times"),
                                     content_type="application/rss+xml")
    feed = await follow(service, site.url("/feed.xml"))
    seen = []

    async def on_article(feed, article):
        answer = await service.answer(f"{article.title}?")
        seen.append((feed.title, article.url, answer.best is not None))

    await FeedPoller(service, feed_settings, on_article=on_article).poll_feed(feed)

    assert sorted(seen) == [("Harbour Times", site.url("/news/ferry"), True),
                            ("Harbour Times", site.url("/news/market"), True)]


async def test_a_slow_feed_does_not_hold_up_the_others(site, service, feed_settings):
    gate = asyncio.Event()
    site.routes["/slow.xml"] = Reply(rss2([]), content_type="application/rss+xml", gate=gate)
    ferry = serve_story(site, "/news/ferry", "Ferry terminal opens", FERRY)
    site.routes["/fast.xml"] = Reply(rss2([ferry]), content_type="application/rss+xml")
    slow = await follow(service, site.url("/slow.xml"))
    fast = await follow(service, site.url("/fast.xml"))
    stored = asyncio.Event()

    async def on_article(feed, article):
        stored.set()

    poller = FeedPoller(service, feed_settings, on_article=on_article)
    running = asyncio.create_task(poller.run())
    try:
        await asyncio.wait_for(stored.wait(), 60)
        assert (await current(service, fast)).entries_stored == 1
        assert (await current(service, slow)).last_poll_at is None  # still waiting
        assert await best(service, "When did the ferry terminal open?") is not None
    finally:
        running.cancel()
        with pytest.raises(asyncio.CancelledError):
            await running
        gate.set()
    assert (await current(service, slow)).last_poll_at is None  # cancelled, not recorded


async def test_worker_processes_parse_and_extract_and_stop_with_the_poller(
    site, service, feed_settings
):
    ferry = serve_story(site, "/news/ferry", "Ferry terminal opens", FERRY)
    site.routes["/feed.xml"] = Reply(rss2([ferry]), content_type="application/rss+xml")
    feed = await follow(service, site.url("/feed.xml"))
    settings = feed_settings.model_copy(update={"feed_workers": 1})

    async with FeedPoller(service, settings) as poller:
        result = await poller.poll_feed(feed)
        pool = poller._pool
        assert pool is not None
        workers = list(pool._processes.values())
        assert [w.is_alive() for w in workers] == [True]

    assert poller._pool is None
    assert not workers[0].is_alive()
    assert len(result.added) == 1
    hit = await best(service, "When did the ferry terminal open?")
    assert hit is not None
    assert hit.document.url == site.url("/news/ferry")


async def test_the_leader_jobs_of_newsdesk_run_include_the_poller(service, feed_settings):
    from bot.runner import background_jobs

    [job] = background_jobs(service, feed_settings)
    assert job.__func__ is FeedPoller.run  # type: ignore[attr-defined]
    assert background_jobs(service, feed_settings.model_copy(update={"feeds": False})) == []


@pytest.mark.parametrize("redirect", [False, True], ids=["followed", "redirected-to"])
async def test_an_invalid_host_name_is_a_recorded_bad_url_error_not_a_traceback(
    site, service, feed_settings, caplog, redirect
):
    bad = "http://" + "a" * 100 + ".example/feed.xml"  # a DNS label over 63 characters
    site.routes["/feed.xml"] = Reply("", status=301, headers={"Location": bad})
    feed = await follow(service, site.url("/feed.xml") if redirect else bad)

    result = await FeedPoller(service, feed_settings).poll_feed(feed)

    assert result.error == "the URL's host name is not valid"
    assert (await current(service, feed)).last_error == "the URL's host name is not valid"
    assert not [r for r in caplog.records if r.exc_info or r.levelname == "ERROR"]


async def test_an_entry_with_a_bare_guid_and_no_link_is_its_summary_and_nothing_is_fetched(
    site, service, feed_settings
):
    site.routes["/feed.xml"] = Reply(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour Times</title>'
        f"<item><title>Ferry terminal opens</title><guid>xxe1</guid><description>{FERRY[0]}"
        "</description></item></channel></rss>", content_type="application/rss+xml")
    feed = await follow(service, site.url("/feed.xml"))

    result = await FeedPoller(service, feed_settings).poll_feed(feed)

    assert (len(result.added), result.excerpts) == (1, 1)
    [stored] = await service.store.list_articles()
    assert stored.url is None
    assert [path for path, _headers in site.requests] == ["/feed.xml"]


async def test_credentials_in_an_entry_link_are_never_sent_stored_or_cited(
    site, service, feed_settings
):
    site.routes["/news/ferry"] = Reply(page("Ferry terminal opens", FERRY))
    link = site.url("/news/ferry").replace("http://", "http://user:secret@")
    site.routes["/feed.xml"] = Reply(rss2([Item("Ferry terminal opens", link, FERRY[0])]),
                                     content_type="application/rss+xml")
    feed = await follow(service, site.url("/feed.xml"))

    result = await FeedPoller(service, feed_settings).poll_feed(feed)

    assert (len(result.added), result.excerpts) == (1, 0)
    [headers] = site.hits("/news/ferry")
    assert "Authorization" not in headers
    [stored] = await service.store.list_articles()
    assert stored.url == site.url("/news/ferry")
    hit = await best(service, "How many berths does the new ferry terminal have?")
    assert hit is not None
    assert hit.document.url == site.url("/news/ferry")


@pytest.mark.parametrize(("level", "name"), [(None, "WARNING"), (logging.INFO, "INFO")],
                         ids=["daemon", "cli"])
async def test_a_failed_poll_is_logged_at_warning_unless_the_caller_reports_it(
    site, service, feed_settings, caplog, level, name
):
    site.routes["/feed.xml"] = Reply("oops", status=500)
    feed = await follow(service, site.url("/feed.xml"))
    options = {} if level is None else {"failure_level": level}
    caplog.set_level(logging.DEBUG, logger="bot.feeds.poller")

    await FeedPoller(service, feed_settings, **options).poll_feed(feed)

    [failed] = [r for r in caplog.records if "poll failed" in r.getMessage()]
    assert failed.levelname == name
