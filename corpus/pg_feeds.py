"""Feed state on PostgreSQL: `corpus.backend.FeedStateStore` on ``pg_schema/0002_feeds.sql``.

`PgFeedState` is mixed into `corpus.pg_store.PostgresStore`, as `corpus.feed_sql.FeedStateSQL`
is into the SQLite store; rows become `Feed` values through the same `feed_from_row`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import asyncpg

from corpus.backend import Feed, FeedPoll
from corpus.feed_sql import ENTRIES_STORED_SQL, FEED_COLUMNS, feed_from_row
from corpus.rules import utc_now


class PgFeedState:
    """`corpus.backend.FeedStateStore` on PostgreSQL; see `corpus.pg_store.PostgresStore`."""

    @property
    def pool(self) -> asyncpg.Pool:
        """The connection pool (provided by `corpus.pg_store.PostgresStore`)."""
        raise NotImplementedError

    def _check_writable(self) -> None:
        raise NotImplementedError

    async def add_feed(self, url: str, *, scope: str, every_minutes: int) -> tuple[Feed, bool]:
        """Follow ``url`` in ``scope``; returns the feed and True when it is new.

        Following a feed already followed in that scope changes only its interval.
        """
        self._check_writable()
        row = await self.pool.fetchrow(
            "INSERT INTO feeds (scope, url, every_minutes, added_at) VALUES ($1, $2, $3, $4)"
            " ON CONFLICT (scope, url) DO UPDATE SET every_minutes = EXCLUDED.every_minutes"
            f" RETURNING (xmax = 0) AS created, {FEED_COLUMNS}",
            scope, url, every_minutes, utc_now(),
        )
        assert row is not None
        return feed_from_row(tuple(row)[1:]), bool(row["created"])

    async def remove_feed(self, feed_id: int, *, scope: str) -> bool:
        """Unfollow one feed of ``scope`` (its articles stay); True when it existed."""
        self._check_writable()
        status = await self.pool.execute(
            "DELETE FROM feeds WHERE id = $1 AND scope = $2", feed_id, scope
        )
        return bool(status != "DELETE 0")

    async def list_feeds(self, *, scopes: Iterable[str] | None = None) -> list[Feed]:
        """Followed feeds (optionally only some scopes), in id order."""
        sql = f"SELECT {FEED_COLUMNS} FROM feeds"
        params: list[Any] = []
        if scopes is not None:
            sql += " WHERE scope = ANY($1::text[])"
            params.append(list(scopes))
        return [feed_from_row(row) for row in await self.pool.fetch(sql + " ORDER BY id",
                                                                   *params)]

    async def record_poll(self, feed_id: int, poll: FeedPoll) -> None:
        """Save one poll's outcome (validators, times, error) for the feed.

        ``poll.new_entries`` only moves ``last_new_at``: ``entries_stored`` is counted from
        the articles (see `corpus.feed_sql.FEED_COLUMNS`; the column's copy is refreshed
        here).
        """
        self._check_writable()
        if poll.error is None:
            await self.pool.execute(
                "UPDATE feeds SET last_poll_at = $1, next_poll_at = $2,"
                " title = COALESCE($3, title), etag = COALESCE($4, etag),"
                " last_modified = COALESCE($5, last_modified),"
                f" entries_stored = {ENTRIES_STORED_SQL},"
                " last_new_at = CASE WHEN $6 > 0 THEN $1 ELSE last_new_at END,"
                " failures = 0 WHERE id = $7",
                poll.polled_at, poll.next_poll_at, poll.title, poll.etag, poll.last_modified,
                poll.new_entries, feed_id,
            )
        else:
            await self.pool.execute(
                "UPDATE feeds SET last_poll_at = $1, next_poll_at = $2,"
                f" entries_stored = {ENTRIES_STORED_SQL},"
                " last_new_at = CASE WHEN $3 > 0 THEN $1 ELSE last_new_at END,"
                " failures = failures + 1, last_error = $4, last_error_at = $1 WHERE id = $5",
                poll.polled_at, poll.next_poll_at, poll.new_entries, poll.error, feed_id,
            )

    async def seen_entries(self, feed_id: int, entry_keys: Iterable[str]) -> set[str]:
        """Those of ``entry_keys`` already seen in this feed."""
        rows = await self.pool.fetch(
            "SELECT entry_key FROM feed_entries WHERE feed_id = $1"
            " AND entry_key = ANY($2::text[])",
            feed_id, list(entry_keys),
        )
        return {str(row[0]) for row in rows}

    async def mark_entries(self, feed_id: int, entries: Iterable[tuple[str, int | None]]) -> None:
        """Remember entries as seen: ``(entry_key, article_id or None)`` pairs."""
        self._check_writable()
        now = utc_now()
        rows = [(feed_id, key, article_id, now) for key, article_id in entries]
        if rows:
            await self.pool.executemany(
                "INSERT INTO feed_entries (feed_id, entry_key, article_id, seen_at)"
                " VALUES ($1, $2, $3, $4) ON CONFLICT (feed_id, entry_key) DO UPDATE"
                " SET article_id = EXCLUDED.article_id, seen_at = EXCLUDED.seen_at",
                rows,
            )

    async def article_id_for_url(self, url: str, *, scope: str) -> int | None:
        """The id of an article of ``scope`` stored with exactly this URL, or None."""
        value = await self.pool.fetchval(
            "SELECT id FROM articles WHERE scope = $1 AND url = $2 ORDER BY id DESC LIMIT 1",
            scope, url,
        )
        return None if value is None else int(value)

    async def get_setting(self, scope: str, key: str) -> str | None:
        """A per-scope setting (such as ``announce_channel``), or None when unset."""
        value = await self.pool.fetchval(
            "SELECT value FROM scope_settings WHERE scope = $1 AND key = $2", scope, key
        )
        return None if value is None else str(value)

    async def set_setting(self, scope: str, key: str, value: str | None) -> None:
        """Set a per-scope setting; None deletes it."""
        self._check_writable()
        if value is None:
            await self.pool.execute(
                "DELETE FROM scope_settings WHERE scope = $1 AND key = $2", scope, key
            )
        else:
            await self.pool.execute(
                "INSERT INTO scope_settings (scope, key, value) VALUES ($1, $2, $3)"
                " ON CONFLICT (scope, key) DO UPDATE SET value = EXCLUDED.value",
                scope, key, value,
            )
