"""Operator maintenance of a newsdesk database: find and remove many, back up, export.

`StoreMaintenance` is mixed into `corpus.store.ArticleStore` (the one owner of the
connection), so these commands share its connection, write lock and read-only guard. They
back ``newsdesk remove``, ``backup``, ``export`` and ``forget-questions``.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncGenerator, AsyncIterator, Iterable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import aiosqlite

from corpus.models import Article
from corpus.rules import parse_authors
from corpus.transfer import TABLES, Batch, table_name


def placeholders(values: list[object] | list[int] | list[str]) -> str:
    """``?,?,?``: one SQL parameter placeholder per value, for an ``IN (...)`` clause."""
    return ",".join("?" * len(values))


class ReadOnlyDatabaseError(sqlite3.OperationalError):
    """A write was asked of a database opened read-only (the message names the path)."""


class StoreLifecycle:
    """Opening and closing shared by both stores: ``async with``, the read-only guard."""

    path: str
    read_only: bool

    async def connect(self) -> None:
        """Open the database (provided by each store)."""
        raise NotImplementedError

    async def close(self) -> None:
        """Close the database, idempotent (provided by each store)."""
        raise NotImplementedError

    def is_open(self) -> bool:
        """True between `connect` and `close` (provided by each store)."""
        raise NotImplementedError

    async def __aenter__(self) -> Self:
        if not self.is_open():
            await self.connect()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    def _check_writable(self) -> None:
        """Raise `ReadOnlyDatabaseError` when the database was opened read-only."""
        if self.read_only:
            raise ReadOnlyDatabaseError(f"{self.path}: the database is read-only")


class StoreMaintenance(StoreLifecycle):
    """Bulk and whole-database operations; see `corpus.store.ArticleStore`."""

    _write_lock: asyncio.Lock

    @property
    def db(self) -> aiosqlite.Connection:
        """The open connection (provided by `corpus.store.ArticleStore`)."""
        raise NotImplementedError

    async def _bump_version(self) -> None:
        await self.db.execute(
            "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'corpus_version'"
        )

    async def find_article_ids(
        self,
        *,
        article_ids: Iterable[int] | None = None,
        source: str | None = None,
        before: str | None = None,
        scope: str | None = None,
        older_than: str | None = None,
        from_feeds: bool = False,
    ) -> list[int]:
        """Ids of the articles matching every filter given, in id order.

        ``source`` is the publisher's exact name (case-insensitive); ``before`` an ISO date
        (published earlier; unknown dates never match); ``scope`` ``shared`` or a guild id;
        ``older_than`` an ISO date matched against the publication date, or the time it was
        stored when the date is unknown (for retention); ``from_feeds`` keeps only articles
        that came from a followed feed (never those added by hand).
        """
        where: list[str] = []
        params: list[object] = []
        if article_ids is not None:
            id_list = list(article_ids)
            where.append(f"id IN ({placeholders(id_list)})")
            params.extend(id_list)
        if source is not None:
            where.append("lower(source) = lower(?)")
            params.append(source)
        if before is not None:
            where.append("published IS NOT NULL AND published < ?")
            params.append(before)
        if scope is not None:
            where.append("scope = ?")
            params.append(scope)
        if older_than is not None:
            where.append("COALESCE(published, substr(ingested_at, 1, 10)) < ?")
            params.append(older_than)
        if from_feeds:
            where.append("feed_id IS NOT NULL")
        sql = "SELECT id FROM articles"
        if where:
            sql += " WHERE " + " AND ".join(where)
        async with self.db.execute(sql + " ORDER BY id", params) as cursor:
            rows = await cursor.fetchall()
        return [int(row[0]) for row in rows]

    async def remove_articles(self, article_ids: Iterable[int]) -> int:
        """Delete these articles and their sentences in one transaction; returns how many."""
        self._check_writable()
        id_list = list(article_ids)
        if not id_list:
            return 0
        removed = 0
        async with self._write_lock:
            await self.db.execute("BEGIN IMMEDIATE")
            try:
                for start in range(0, len(id_list), 500):
                    chunk = id_list[start : start + 500]
                    cursor = await self.db.execute(
                        f"DELETE FROM articles WHERE id IN ({placeholders(chunk)})", chunk
                    )
                    removed += max(cursor.rowcount, 0)
                if removed:
                    await self._bump_version()
                await self.db.commit()
            except BaseException:
                await self.db.rollback()
                raise
        return removed

    async def backup(self, target: str | Path) -> None:
        """Copy the database to ``target`` with SQLite's online backup API.

        The copy is consistent even while other connections write; it is made beside
        ``target`` and renamed into place, so a failed backup leaves no half file.
        """
        final = Path(target)
        partial = final.with_name(final.name + ".partial")
        await asyncio.to_thread(partial.unlink, missing_ok=True)
        try:
            async with aiosqlite.connect(partial) as copy:
                await self.db.backup(copy)
            await asyncio.to_thread(partial.replace, final)
        except BaseException:
            await asyncio.to_thread(partial.unlink, missing_ok=True)
            raise

    async def iter_articles(
        self, *, scopes: Iterable[str] | None = None, batch: int = 500
    ) -> AsyncIterator[Article]:
        """Every stored article with its body, in id order (optionally only some scopes)."""
        sql = ("SELECT title, body, url, source, published, authors, partial, id"
               " FROM articles")
        params: list[object] = []
        if scopes is not None:
            scope_list = list(scopes)
            sql += f" WHERE scope IN ({placeholders(scope_list)})"
            params.extend(scope_list)
        async with self.db.execute(sql + " ORDER BY id", params) as cursor:
            while rows := await cursor.fetchmany(batch):
                for row in rows:
                    yield Article(
                        title=row["title"], body=row["body"], url=row["url"],
                        source=row["source"], published=row["published"],
                        authors=parse_authors(row["authors"]),
                        origin=f"article {row['id']}", partial=bool(row["partial"]),
                    )

    async def forget_questions(self, *, scope: str | None = None) -> int:
        """Delete the question log (of one scope, or all); returns the rows deleted."""
        self._check_writable()
        async with self._write_lock:
            if scope is None:
                cursor = await self.db.execute("DELETE FROM questions")
            else:
                cursor = await self.db.execute("DELETE FROM questions WHERE scope = ?", (scope,))
            await self.db.commit()
        return max(cursor.rowcount, 0)

    # -- migrate-db (corpus.transfer.TransferStore) ---------------------------------------

    async def count_rows(self, table: str) -> int:
        """Rows in ``table`` (one of `corpus.transfer.TABLES`)."""
        async with self.db.execute(f"SELECT COUNT(*) FROM {table_name(table)}") as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def iter_rows(
        self, table: str, columns: Sequence[str], batch: int
    ) -> AsyncGenerator[list[tuple[Any, ...]], None]:
        """Every row of ``table`` (those ``columns``), in batches of up to ``batch`` rows."""
        names = ", ".join(f'"{name}"' for name in columns)
        async with self.db.execute(f"SELECT {names} FROM {table_name(table)}") as cursor:
            while rows := await cursor.fetchmany(batch):
                yield [tuple(row) for row in rows]

    async def receive_copy(
        self, batches: AsyncIterator[Batch], *, identity: str, clear: bool
    ) -> None:
        """Store every batch and take ``identity``, all in ONE transaction.

        ``clear`` deletes every row of `corpus.transfer.TABLES` first, in that transaction;
        AUTOINCREMENT follows the copied ids. On any error the transaction is rolled back,
        and a process killed part-way leaves an uncommitted transaction SQLite discards.
        """
        self._check_writable()
        async with self._write_lock:
            await self.db.execute("BEGIN IMMEDIATE")
            try:
                if clear:
                    for table, _ in reversed(TABLES):
                        await self.db.execute(f"DELETE FROM {table_name(table)}")
                async for table, columns, rows in batches:
                    names = ", ".join(f'"{name}"' for name in columns)
                    await self.db.executemany(
                        f"INSERT INTO {table_name(table)} ({names})"
                        f" VALUES ({placeholders(list(columns))})", rows)
                await self.db.execute(
                    "INSERT OR REPLACE INTO meta (key, value) VALUES ('identity', ?)",
                    (identity,),
                )
                await self._bump_version()
                await self.db.commit()
            except BaseException:
                await self.db.rollback()
                raise

