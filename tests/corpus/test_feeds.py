"""Feeds: entry links resolved, dates kept as written, stray bytes never shown as letters."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.ingest import read_article_bytes
from corpus.models import Article
from corpus.store import ArticleStore, SentenceRow


def articles(xml: str | bytes, name: str = "feed.xml", url: str | None = None) -> list[Article]:
    data = xml.encode() if isinstance(xml, str) else xml
    items = list(read_article_bytes(data, filename=name, url=url))
    assert all(isinstance(item, Article) for item in items), items
    return [item for item in items if isinstance(item, Article)]


def rss(items: str, channel_link: str = "<link>https://harbour-weekly.example/</link>") -> str:
    return ("<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>Harbour "
            f"Weekly</title>{channel_link}{items}</channel></rss>")


def item(title: str, link: str = "", date: str = "") -> str:
    link_tag = f"<link>{link}</link>" if link else ""
    date_tag = f"<pubDate>{date}</pubDate>" if date else ""
    return (f"<item><title>{title}</title>{link_tag}<description>The {title.lower()} story "
            f"was reported on Friday.</description>{date_tag}</item>")


# Case FEED-01 (../shared/cases/cases.jsonl): relative links in feeds
FEED_01 = {
    "harbour.xml": rss(item("Pier closes", "/2026/05/pier-closes",
                            "Fri, 08 May 2026 10:00:00 +0000")),
    "valley.xml": (
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>Valley "
        "Times</title><link>https://valley-times.example/</link><item><title>Depot reopens"
        "</title><link>/2026/05/pier-closes</link><description>The valley bus depot reopened "
        "on Friday after repairs.</description><pubDate>Fri, 08 May 2026 11:00:00 +0000"
        "</pubDate></item></channel></rss>"),
    "atom.xml": (
        "<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom' "
        "xml:base='https://atom-news.example/news/'><title>Atom News</title>"
        "<id>urn:example:atom-news</id><updated>2026-05-08T12:00:00Z</updated><entry><title>"
        "Lock gates fixed</title><id>urn:example:lock</id><link href='lock-gates-fixed'/>"
        "<updated>2026-05-08T12:00:00Z</updated><summary>The canal lock gates were repaired "
        "on Friday.</summary></entry></feed>"),
}


def test_feed_01_relative_links_resolve_against_xml_base_or_channel_link() -> None:
    urls = [article.url for name, xml in FEED_01.items() for article in articles(xml, name)]
    assert urls == [
        "https://harbour-weekly.example/2026/05/pier-closes",
        "https://valley-times.example/2026/05/pier-closes",
        "https://atom-news.example/news/lock-gates-fixed",
    ]


async def test_feed_01_entries_sharing_a_relative_path_are_all_stored(tmp_path: Path) -> None:
    stored = []
    async with ArticleStore(tmp_path / "news.db") as store:
        for name, xml in FEED_01.items():
            for article in articles(xml, name):
                rows = [SentenceRow(0, 0, 0, 0, len(article.body), article.body)]
                stored.append((await store.upsert(article, rows)).article_id)
        stats = await store.stats()
    assert len(set(stored)) == 3
    assert stats.articles == 3


def test_feed_01_relative_channel_link_resolves_against_the_feed_location() -> None:
    feed = rss(item("Pier closes", "2026/pier-closes"), channel_link="<link>/news/</link>")
    [article] = articles(feed, url="https://harbour-weekly.example/feeds/all.xml")
    assert article.url == "https://harbour-weekly.example/news/2026/pier-closes"


def test_feed_01_link_without_any_base_is_unknown_not_a_bare_path() -> None:
    [article] = articles(rss(item("Pier closes", "/2026/05/pier-closes"), channel_link=""))
    assert article.url is None


# Case FEED-02 (../shared/cases/cases.jsonl): nonstandard feed dates
@pytest.mark.parametrize(
    ("pub_date", "expected"),
    [
        ("2026/6/29 15:07:41", "2026-06-29"),
        ("Mo, 25 Jun 2018 11:41:36", "2018-06-25"),
        ("Thu, 30 Apr 2015 23:30:00 MEST", "2015-04-30"),
        ("Sun, 06 Sep 2009 22:18:00 EST", "2009-09-06"),
        # more of the same kinds
        ("Di., 26 Jun 2018 23:59:00 +0200", "2018-06-26"),
        ("lun., 25 juin 2018 08:00:00 CEST", "2018-06-25"),
        ("Sat, 30 Jun 2018 23:30:00 BST", "2018-06-30"),
        ("Wed, 31 Dec 2025 23:45:00 PDT", "2025-12-31"),
        ("2026/12/1 00:05", "2026-12-01"),
        ("Mon, 25 Jun 18 11:41:36 GMT", "2018-06-25"),  # RFC 822 two-digit year
    ],
)
def test_feed_02_rss_dates_keep_the_calendar_day_written(pub_date: str, expected: str) -> None:
    [article] = articles(rss(item("Slash date", "https://x.example/a", pub_date)))
    assert article.published == expected


def test_feed_02_atom_entry_with_only_updated_uses_it() -> None:
    feed = ("<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom'>"
            "<title>Atom News</title><id>urn:a</id><updated>2026-05-08T12:00:00Z</updated>"
            "<entry><title>Atom updated only</title><id>urn:x</id>"
            "<link href='https://atom-news.example/x'/><updated>2026-03-01T08:00:00Z</updated>"
            "<summary>The lock gates were repaired.</summary></entry></feed>")
    [article] = articles(feed)
    assert article.published == "2026-03-01"


def test_feed_02_entry_without_a_date_is_not_dated_from_the_feed_or_today() -> None:
    feed = rss(item("No date", "https://x.example/a")).replace(
        "<title>Harbour Weekly</title>",
        "<title>Harbour Weekly</title><pubDate>Fri, 08 May 2026 10:00:00 +0000</pubDate>"
        "<lastBuildDate>Fri, 08 May 2026 10:00:00 +0000</lastBuildDate>")
    [article] = articles(feed)
    assert article.published is None


@pytest.mark.parametrize("declared", ["utf-8", "iso-8859-1", "windows-1252"])
def test_stray_byte_in_a_wrongly_declared_feed_is_a_replacement_character(
    declared: str,
) -> None:
    feed = (f"<?xml version='1.0' encoding='{declared}'?>".encode()
            + rss(item("Café \xff opens", "https://x.example/a")).split("?>", 1)[1]
            .encode().replace("\xc3\xbf".encode("latin-1"), b"\xff"))
    [article] = articles(feed)
    assert article.title == "Café \ufffd opens"


def test_feed_02_a_two_digit_year_outside_rfc_822_stays_unknown() -> None:
    [article] = articles(rss(item("Short year", "https://x.example/a", "6/29/26")))
    assert article.published is None


def test_feed_02_unreadable_pub_date_falls_back_to_updated() -> None:
    feed = ("<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom'>"
            "<title>Atom News</title><id>urn:a</id><entry><title>Two dates</title><id>urn:x</id>"
            "<link href='https://atom-news.example/x'/><published>soon</published>"
            "<updated>2026-03-01T08:00:00Z</updated><summary>The gates were repaired.</summary>"
            "</entry></feed>")
    [article] = articles(feed)
    assert article.published == "2026-03-01"


def guid_item(guid: str, permalink: str = "") -> str:
    return (f"<item><title>Quay repaved</title><guid{permalink}>{guid}</guid><description>The "
            "north quay was repaved on Friday.</description></item>")


def test_a_bare_guid_without_a_link_is_no_link_not_a_url_made_up_against_the_feed() -> None:
    (article,) = articles(rss(guid_item("xxe1")), url="https://harbour-weekly.example/rss")
    assert article.url is None


def test_a_guid_that_is_an_absolute_url_stands_in_for_a_missing_link() -> None:
    (permalink,) = articles(rss(guid_item("https://harbour-weekly.example/quay")))
    (not_permalink,) = articles(rss(guid_item("https://harbour-weekly.example/quay",
                                              " isPermaLink='false'")))
    assert permalink.url == "https://harbour-weekly.example/quay"
    assert not_permalink.url is None


@pytest.mark.parametrize("link", ["http://user:pw@harbour-weekly.example/a",
                                  "http://user@harbour-weekly.example/a"])
def test_credentials_in_an_entry_link_are_removed(link: str) -> None:
    (article,) = articles(rss(item("Pier closes", link)))
    assert article.url == "http://harbour-weekly.example/a"
