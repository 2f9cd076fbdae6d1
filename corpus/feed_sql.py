"""Feed state on SQLite: followed feeds, entries seen, per-scope settings.

`FeedStateSQL` is mixed into `corpus.store.ArticleStore` (the one owner of the
connection), as `corpus.maintenance.StoreMaintenance` is; it implements
`corpus.backend.FeedStateStore` on the tables of ``schema/0002_feeds.sql``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from typing import Any

import aiosqlite

from corpus.backend import Feed, FeedPoll
from corpus.maintenance import placeholders
from corpus.rules import utc_now

#: the number of articles from a feed now stored, as an SQL expression on a ``feeds`` row
ENTRIES_STORED_SQL = "(SELECT count(*) FROM articles WHERE articles.feed_id = feeds.id)"
#: a feed's columns; ``entries_stored`` is counted from the articles at read time (a poll
#: cut short by SIGTERM or kill -9 stores whole articles but never records its count, so a
#: running total drifted); the stored column is only a copy refreshed at each recorded poll
FEED_COLUMNS = (
    "id, scope, url, title, every_minutes, added_at, etag, last_modified, last_poll_at,"
    " last_new_at, next_poll_at,"
    f" {ENTRIES_STORED_SQL} AS entries_stored,"
    " failures, last_error, last_error_at"
)
_CHUNK = 500


def feed_from_row(row: Sequence[Any]) -> Feed:
    """A `Feed` from a row holding ``FEED_COLUMNS`` in order (any DB-API row)."""
    values = tuple(row)
    return Feed(
        feed_id=int(values[0]),
        scope=str(values[1]),
        url=str(values[2]),
        title=values[3],
        every_minutes=int(values[4]),
        added_at=str(values[5]),
        etag=values[6],
        last_modified=values[7],
        last_poll_at=values[8],
        last_new_at=values[9],
        next_poll_at=values[10],
        entries_stored=int(values[11]),
        failures=int(values[12]),
        last_error=values[13],
        last_error_at=values[14],
    )


class FeedStateSQL:
    """`corpus.backend.FeedStateStore` on SQLite; see `corpus.store.ArticleStore`."""

    _write_lock: asyncio.Lock

    @property
    def db(self) -> aiosqlite.Connection:
        """The open connection (provided by `corpus.store.ArticleStore`)."""
        raise NotImplementedError

    def _check_writable(self) -> None:
        raise NotImplementedError

    async def _feed(self, sql: str, params: tuple[object, ...]) -> Feed | None:
        async with self.db.execute(f"SELECT {FEED_COLUMNS} FROM feeds WHERE {sql}",
                                   params) as cursor:
            row = await cursor.fetchone()
        return None if row is None else feed_from_row(row)

    async def add_feed(self, url: str, *, scope: str, every_minutes: int) -> tuple[Feed, bool]:
        """Follow ``url`` in ``scope``; returns the feed and True when it is new.

        Following a feed already followed in that scope changes only its interval.
        """
        self._check_writable()
        async with self._write_lock:
            await self.db.execute("BEGIN IMMEDIATE")
            try:
                cursor = await self.db.execute(
                    "UPDATE feeds SET every_minutes = ? WHERE scope = ? AND url = ?",
                    (every_minutes, scope, url),
                )
                created = cursor.rowcount == 0
                if created:
                    await self.db.execute(
                        "INSERT INTO feeds (scope, url, every_minutes, added_at)"
                        " VALUES (?, ?, ?, ?)",
                        (scope, url, every_minutes, utc_now()),
                    )
                await self.db.commit()
            except BaseException:
                await self.db.rollback()
                raise
        feed = await self._feed("scope = ? AND url = ?", (scope, url))
        assert feed is not None
        return feed, created

    async def remove_feed(self, feed_id: int, *, scope: str) -> bool:
        """Unfollow one feed of ``scope`` (its articles stay); True when it existed."""
        self._check_writable()
        async with self._write_lock:
            cursor = await self.db.execute(
                "DELETE FROM feeds WHERE id = ? AND scope = ?", (feed_id, scope)
            )
            await self.db.commit()
        return cursor.rowcount > 0

    async def list_feeds(self, *, scopes: Iterable[str] | None = None) -> list[Feed]:
        """Followed feeds (optionally only some scopes), in id order."""
        sql = f"SELECT {FEED_COLUMNS} FROM feeds"
        params: list[object] = []
        if scopes is not None:
            scope_list = list(scopes)
            sql += f" WHERE scope IN ({placeholders(scope_list)})"
            params.extend(scope_list)
        async with self.db.execute(sql + " ORDER BY id", params) as cursor:
            rows = await cursor.fetchall()
        return [feed_from_row(row) for row in rows]

    async def record_poll(self, feed_id: int, poll: FeedPoll) -> None:
        """Save one poll's outcome (validators, times, error) for the feed.

        ``poll.new_entries`` only moves ``last_new_at``: ``entries_stored`` is counted from
        the articles (see `FEED_COLUMNS`; the column's copy is refreshed here).
        """
        self._check_writable()
        if poll.error is None:
            sql = (
                "UPDATE feeds SET last_poll_at = ?, next_poll_at = ?,"
                " title = COALESCE(?, title), etag = COALESCE(?, etag),"
                " last_modified = COALESCE(?, last_modified),"
                f" entries_stored = {ENTRIES_STORED_SQL},"
                " last_new_at = CASE WHEN ? > 0 THEN ? ELSE last_new_at END,"
                " failures = 0 WHERE id = ?"
            )
            params: tuple[object, ...] = (
                poll.polled_at, poll.next_poll_at, poll.title, poll.etag, poll.last_modified,
                poll.new_entries, poll.polled_at, feed_id,
            )
        else:
            sql = (
                "UPDATE feeds SET last_poll_at = ?, next_poll_at = ?,"
                f" entries_stored = {ENTRIES_STORED_SQL},"
                " last_new_at = CASE WHEN ? > 0 THEN ? ELSE last_new_at END,"
                " failures = failures + 1, last_error = ?, last_error_at = ? WHERE id = ?"
            )
            params = (
                poll.polled_at, poll.next_poll_at, poll.new_entries, poll.polled_at,
                poll.error, poll.polled_at, feed_id,
            )
        async with self._write_lock:
            await self.db.execute(sql, params)
            await self.db.commit()

    async def seen_entries(self, feed_id: int, entry_keys: Iterable[str]) -> set[str]:
        """Those of ``entry_keys`` already seen in this feed."""
        keys = list(entry_keys)
        seen: set[str] = set()
        for start in range(0, len(keys), _CHUNK):
            chunk = keys[start : start + _CHUNK]
            async with self.db.execute(
                f"SELECT entry_key FROM feed_entries WHERE feed_id = ?"
                f" AND entry_key IN ({placeholders(chunk)})",
                (feed_id, *chunk),
            ) as cursor:
                seen.update(str(row[0]) for row in await cursor.fetchall())
        return seen

    async def mark_entries(self, feed_id: int, entries: Iterable[tuple[str, int | None]]) -> None:
        """Remember entries as seen: ``(entry_key, article_id or None)`` pairs."""
        self._check_writable()
        now = utc_now()
        rows = [(feed_id, key, article_id, now) for key, article_id in entries]
        if not rows:
            return
        async with self._write_lock:
            await self.db.executemany(
                "INSERT OR REPLACE INTO feed_entries (feed_id, entry_key, article_id, seen_at)"
                " VALUES (?, ?, ?, ?)",
                rows,
            )
            await self.db.commit()

    async def article_id_for_url(self, url: str, *, scope: str) -> int | None:
        """The id of an article of ``scope`` stored with exactly this URL, or None."""
        async with self.db.execute(
            "SELECT id FROM articles WHERE scope = ? AND url = ? ORDER BY id DESC LIMIT 1",
            (scope, url),
        ) as cursor:
            row = await cursor.fetchone()
        return None if row is None else int(row[0])

    async def get_setting(self, scope: str, key: str) -> str | None:
        """A per-scope setting (such as ``announce_channel``), or None when unset."""
        async with self.db.execute(
            "SELECT value FROM scope_settings WHERE scope = ? AND key = ?", (scope, key)
        ) as cursor:
            row = await cursor.fetchone()
        return None if row is None else str(row[0])

    async def set_setting(self, scope: str, key: str, value: str | None) -> None:
        """Set a per-scope setting; None deletes it."""
        self._check_writable()
        async with self._write_lock:
            if value is None:
                await self.db.execute(
                    "DELETE FROM scope_settings WHERE scope = ? AND key = ?", (scope, key)
                )
            else:
                await self.db.execute(
                    "INSERT OR REPLACE INTO scope_settings (scope, key, value) VALUES (?, ?, ?)",
                    (scope, key, value),
                )
            await self.db.commit()
