"""Operator maintenance of a PostgreSQL corpus: find and remove many, export, copy.

`PgMaintenance` is mixed into `corpus.pg_store.PostgresStore`, as
`corpus.maintenance.StoreMaintenance` is into the SQLite store, with the same methods and
meanings; `backup` points to ``pg_dump`` (or ``newsdesk migrate-db`` to a SQLite file).
It also implements the `corpus.transfer.TransferStore` side of ``newsdesk migrate-db``.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Iterable, Sequence
from pathlib import Path
from typing import Any

import asyncpg

from corpus.backend import StoreError
from corpus.maintenance import StoreLifecycle
from corpus.models import Article
from corpus.pg_sql import bump_version, pg_text
from corpus.rules import parse_authors
from corpus.transfer import BOOLEAN_COLUMNS, TABLES, Batch, table_name

_IDENTITY_TABLES = ("articles", "questions", "feeds")


class PgMaintenance(StoreLifecycle):
    """Bulk and whole-database operations; see `corpus.pg_store.PostgresStore`."""

    @property
    def pool(self) -> asyncpg.Pool:
        """The connection pool (provided by `corpus.pg_store.PostgresStore`)."""
        raise NotImplementedError

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

        The filters mean what `corpus.maintenance.StoreMaintenance.find_article_ids` says.
        """
        where: list[str] = []
        params: list[Any] = []

        def add(condition: str, value: object) -> None:
            params.append(value)
            where.append(condition.replace("$?", f"${len(params)}"))

        if article_ids is not None:
            add("id = ANY($?::bigint[])", list(article_ids))
        if source is not None:
            add("lower(source) = lower($?)", source)
        if before is not None:
            add("published IS NOT NULL AND published < $?", before)
        if scope is not None:
            add("scope = $?", scope)
        if older_than is not None:
            add("COALESCE(published, left(ingested_at, 10)) < $?", older_than)
        if from_feeds:
            where.append("feed_id IS NOT NULL")
        sql = "SELECT id FROM articles"
        if where:
            sql += " WHERE " + " AND ".join(where)
        return [int(row[0]) for row in await self.pool.fetch(sql + " ORDER BY id", *params)]

    async def remove_articles(self, article_ids: Iterable[int]) -> int:
        """Delete these articles and their sentences in one transaction; returns how many."""
        self._check_writable()
        id_list = list(article_ids)
        if not id_list:
            return 0
        async with self.pool.acquire() as conn, conn.transaction():
            status = await conn.execute("DELETE FROM articles WHERE id = ANY($1::bigint[])",
                                        id_list)
            removed = int(status.split()[-1])
            if removed:
                await bump_version(conn)
        return removed

    async def backup(self, target: str | Path) -> None:
        """Not done by newsdesk on PostgreSQL: raises `StoreError` saying what to use."""
        raise StoreError(f"{self.path}: back up a PostgreSQL corpus with pg_dump (pg_dump -Fc"
                         " URL > newsdesk.dump), or copy it to a SQLite file with"
                         " 'newsdesk migrate-db URL FILE'")

    async def iter_articles(
        self, *, scopes: Iterable[str] | None = None, batch: int = 500
    ) -> AsyncIterator[Article]:
        """Every stored article with its body, in id order (optionally only some scopes)."""
        sql = "SELECT title, body, url, source, published, authors, partial, id FROM articles"
        params: list[Any] = []
        if scopes is not None:
            sql += " WHERE scope = ANY($1::text[])"
            params.append(list(scopes))
        async with self.pool.acquire() as conn, conn.transaction(readonly=True):
            async for row in conn.cursor(sql + " ORDER BY id", *params, prefetch=batch):
                yield Article(
                    title=row["title"], body=row["body"], url=row["url"],
                    source=row["source"], published=row["published"],
                    authors=parse_authors(row["authors"]),
                    origin=f"article {row['id']}", partial=bool(row["partial"]),
                )

    async def forget_questions(self, *, scope: str | None = None) -> int:
        """Delete the question log (of one scope, or all); returns the rows deleted."""
        self._check_writable()
        if scope is None:
            status = await self.pool.execute("DELETE FROM questions")
        else:
            status = await self.pool.execute("DELETE FROM questions WHERE scope = $1", scope)
        return int(status.split()[-1])

    # -- migrate-db (corpus.transfer.TransferStore) ---------------------------------------

    async def count_rows(self, table: str) -> int:
        """Rows in ``table`` (one of `corpus.transfer.TABLES`)."""
        return int(await self.pool.fetchval(f"SELECT count(*) FROM {table_name(table)}"))

    async def iter_rows(
        self, table: str, columns: Sequence[str], batch: int
    ) -> AsyncGenerator[list[tuple[Any, ...]], None]:
        """Every row of ``table`` (those ``columns``), in batches, from one snapshot."""
        names = ", ".join(f'"{name}"' for name in columns)
        async with self.pool.acquire() as conn, conn.transaction(
            isolation="repeatable_read", readonly=True
        ):
            cursor = await conn.cursor(f"SELECT {names} FROM {table_name(table)}")
            while rows := await cursor.fetch(batch):
                yield [tuple(row) for row in rows]

    async def receive_copy(
        self, batches: AsyncIterator[Batch], *, identity: str, clear: bool
    ) -> None:
        """Store every batch with COPY and take ``identity``, all in ONE transaction.

        ``clear`` deletes every row of `corpus.transfer.TABLES` first, in that transaction;
        ids continue after the copied ones. On any error (or a killed client) PostgreSQL
        rolls the whole copy back.
        """
        self._check_writable()
        async with self.pool.acquire() as conn, conn.transaction():
            if clear:
                for table, _ in reversed(TABLES):
                    await conn.execute(f"DELETE FROM {table_name(table)}")
            async for table, columns, rows in batches:
                await conn.copy_records_to_table(table_name(table), columns=list(columns),
                                                 records=_pg_records(columns, rows))
            await conn.execute(
                "INSERT INTO meta (key, value) VALUES ('identity', $1)"
                " ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value", identity,
            )
            for table in _IDENTITY_TABLES:
                await conn.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                    f" COALESCE((SELECT max(id) FROM {table}), 0) + 1, false)"
                )
            await bump_version(conn)


def _pg_records(
    columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> list[tuple[Any, ...]]:
    """``rows`` as PostgreSQL takes them: text without NULs, 0/1 flags as booleans."""
    flags = [name in BOOLEAN_COLUMNS for name in columns]
    return [
        tuple(pg_text(value) if isinstance(value, str)
              else bool(value) if flag and value is not None else value
              for value, flag in zip(row, flags, strict=True))
        for row in rows
    ]
