"""Copying a whole corpus between stores (SQLite and PostgreSQL, either way).

`transfer_corpus` reads every table of the source in batches and writes them, ids kept, to
the destination in ONE transaction that also gives it the source's identity and bumps its
corpus version (running bots on it refresh): a copy that fails or is killed part-way leaves
the destination as it was. `copy_corpus` then checks that every table holds as many rows as
the source. Both stores implement `TransferStore`.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Callable, Sequence
from contextlib import aclosing
from dataclasses import dataclass
from typing import Any, Protocol

#: every table and the columns copied, parents before children (foreign keys)
TABLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("articles", ("id", "scope", "title", "url", "source", "published", "authors", "body",
                  "content_hash", "partial", "origin", "ingested_at", "feed_id")),
    ("sentences", ("article_id", "position", "paragraph", "start", "end", "text")),
    ("questions", ("id", "asked_at", "scope", "query", "answered")),
    ("feeds", ("id", "scope", "url", "title", "every_minutes", "added_at", "etag",
               "last_modified", "last_poll_at", "last_new_at", "next_poll_at",
               "entries_stored", "failures", "last_error", "last_error_at")),
    ("feed_entries", ("feed_id", "entry_key", "article_id", "seen_at")),
    ("scope_settings", ("scope", "key", "value")),
)
BOOLEAN_COLUMNS = frozenset({"partial", "answered"})
"""Columns that are 0/1 integers in SQLite and booleans in PostgreSQL."""
ROW_BATCH = 2_000
Batch = tuple[str, Sequence[str], Sequence[tuple[Any, ...]]]
"""One batch of a copy: (table, columns, rows), rows in the order of the columns."""
_TABLE_NAMES = frozenset(table for table, _ in TABLES)


def table_name(name: str) -> str:
    """``name`` when it is one of newsdesk's tables (SQL interpolates it); else ValueError."""
    if name not in _TABLE_NAMES:
        raise ValueError(f"not a newsdesk table: {name!r}")
    return name


class TransferStore(Protocol):
    """What `copy_corpus` needs of a store (both `ArticleStore` and `PostgresStore`)."""

    path: str

    async def count_rows(self, table: str) -> int:
        """Rows in ``table`` (one of `TABLES`)."""

    def iter_rows(
        self, table: str, columns: Sequence[str], batch: int
    ) -> AsyncGenerator[list[tuple[Any, ...]], None]:
        """Every row of ``table`` (those ``columns``), in batches of up to ``batch`` rows."""

    async def receive_copy(
        self, batches: AsyncIterator[Batch], *, identity: str, clear: bool
    ) -> None:
        """Store every batch (ids kept) and take ``identity``, all in ONE transaction.

        ``clear`` first deletes every row of every table in `TABLES` (in that transaction).
        The corpus version is bumped and ids continue after the copied ones. When anything
        fails (a batch, the source, the connection) nothing of it is kept and the error
        propagates.
        """

    async def identity(self) -> str:
        """The database's identity (see `corpus.backend.CorpusStore.identity`)."""


@dataclass(frozen=True, slots=True)
class CopyReport:
    """Rows per table in the source and, after the copy, in the destination."""

    source: dict[str, int]
    copied: dict[str, int]

    @property
    def matches(self) -> bool:
        """True when every table of the destination holds as many rows as the source's."""
        return self.source == self.copied


async def is_empty(store: TransferStore) -> bool:
    """True when ``store`` holds no articles, questions or feeds."""
    for table in ("articles", "questions", "feeds", "scope_settings"):
        if await store.count_rows(table):
            return False
    return True


async def source_counts(store: TransferStore) -> dict[str, int]:
    """Rows per table of `TABLES` in ``store``."""
    return {table: await store.count_rows(table) for table, _ in TABLES}


async def transfer_corpus(
    source: TransferStore,
    target: TransferStore,
    *,
    progress: Callable[[int], None] | None = None,
    clear: bool = False,
) -> dict[str, int]:
    """Copy every table of ``source`` into ``target`` in one transaction; see `copy_corpus`.

    Returns the rows per table of ``source``, counted before the copy. When it raises,
    ``target`` kept nothing of the copy (and, with ``clear``, lost nothing it held).
    """
    counts = await source_counts(source)
    identity = await source.identity()

    async def batches() -> AsyncGenerator[Batch, None]:
        for table, columns in TABLES:
            async with aclosing(source.iter_rows(table, columns, ROW_BATCH)) as table_rows:
                async for rows in table_rows:
                    yield table, columns, rows
                    if progress is not None:
                        progress(len(rows))

    # closed here, not by the garbage collector after the stores are (a failed copy)
    async with aclosing(batches()) as all_batches:
        await target.receive_copy(all_batches, identity=identity, clear=clear)
    return counts


async def copy_corpus(
    source: TransferStore,
    target: TransferStore,
    *,
    progress: Callable[[int], None] | None = None,
    clear: bool = False,
) -> CopyReport:
    """Copy every table of ``source`` into ``target``; ``progress(rows)`` after each batch.

    ``clear`` empties ``target`` first (otherwise it should be empty: ids are kept, so rows
    already there collide). All or nothing: ``target`` is written in one transaction, so
    when the copy fails (the error propagates) or the process dies, it keeps none of it.
    Returns the row counts of both, the destination's counted after the copy.
    """
    counts = await transfer_corpus(source, target, progress=progress, clear=clear)
    return CopyReport(counts, await source_counts(target))
