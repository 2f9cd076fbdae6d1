"""A real SQLite database holding feed and hand-added articles of several dates and scopes.

Used by the retention and ``newsdesk prune`` tests. Every article has a distinctive word
(its key) so a question shows whether it is still answerable.
"""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path

from corpus.models import Article
from corpus.store import ArticleStore
from retrieval.sentences import segment

GUILD = "42"
TODAY = date.today()


def days_ago(days: int) -> str:
    return (TODAY - timedelta(days=days)).isoformat()


# key: (scope, from a feed, published (None: undated), days since it was stored)
ARTICLES: dict[str, tuple[str, bool, str | None, int]] = {
    "walrus": ("shared", True, days_ago(400), 0),     # old feed article
    "pelican": ("shared", True, days_ago(10), 0),     # recent feed article
    "otter": ("shared", True, None, 300),             # undated, stored long ago
    "heron": ("shared", True, None, 1),               # undated, stored yesterday
    "badger": ("shared", False, days_ago(500), 500),  # old, added by hand
    "falcon": ("shared", False, days_ago(5), 5),      # recent, added by hand
    "lynx": (GUILD, True, days_ago(200), 0),          # old feed article of the guild
    "marten": (GUILD, True, days_ago(20), 0),         # recent feed article of the guild
    "beaver": (GUILD, False, days_ago(250), 250),     # old, added by hand in the guild
}


def body(key: str) -> str:
    return (f"The {key} sanctuary reopened after the storm. Keepers said every {key} was "
            f"safe and fed. Visitors can see the {key} enclosure from Monday.")


async def build(db: Path) -> dict[str, int]:
    """Store `ARTICLES` (with two followed feeds); returns each key's article id."""
    ids: dict[str, int] = {}
    async with ArticleStore(db) as store:
        shared_feed, _ = await store.add_feed("https://news.example/rss", scope="shared",
                                              every_minutes=15)
        guild_feed, _ = await store.add_feed("https://guild.example/rss", scope=GUILD,
                                             every_minutes=15)
        feeds = {"shared": shared_feed.feed_id, GUILD: guild_feed.feed_id}
        for key, (scope, fed, published, _) in ARTICLES.items():
            text = body(key)
            article = Article(title=f"{key.title()} sanctuary reopens", body=text,
                              url=f"https://news.example/{key}", source="Wildlife Post",
                              published=published)
            result = await store.upsert(article, segment(text), scope=scope,
                                        feed_id=feeds[scope] if fed else None)
            ids[key] = result.article_id
    with sqlite3.connect(db) as raw:  # back-date when each article was stored
        for key, (*_, stored_days) in ARTICLES.items():
            raw.execute("UPDATE articles SET ingested_at = ? WHERE id = ?",
                        (f"{days_ago(stored_days)}T08:00:00+00:00", ids[key]))
    return ids


def remaining(db: Path) -> set[str]:
    """The keys of the articles still stored."""
    with sqlite3.connect(db) as raw:
        urls = [row[0] for row in raw.execute("SELECT url FROM articles")]
    return {url.rsplit("/", 1)[1] for url in urls}
