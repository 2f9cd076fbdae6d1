"""Where a corpus lives: a SQLite file path, or a PostgreSQL URL; and the store for it.

``postgresql://user@host:port/db`` (or ``postgres://``) selects `corpus.pg_store.PostgresStore`;
anything else is a SQLite file for `corpus.store.ArticleStore`. `corpus.pg_url.redact` gives
a URL fit for logs and messages (no password).
"""

from __future__ import annotations

from pathlib import Path

from corpus.pg_store import PostgresStore
from corpus.pg_url import is_postgres_url, redact
from corpus.store import ArticleStore

__all__ = ["AnyStore", "is_postgres_url", "open_store", "redact", "store_for"]

AnyStore = ArticleStore | PostgresStore
"""A store with the operator methods too (remove, export, forget-questions, migrate-db)."""


def store_for(location: str | Path) -> AnyStore:
    """The store for ``location``, not yet open (``async with`` or ``await .connect()``)."""
    if is_postgres_url(location):
        return PostgresStore(str(location).strip())
    return ArticleStore(location)


async def open_store(location: str | Path) -> AnyStore:
    """The store for ``location``, open: connected, migrated (or checked when read-only).

    Raises `corpus.backend.StoreError` (PostgreSQL) or ``sqlite3.DatabaseError`` (SQLite)
    with a one-line reason when the database cannot be used.
    """
    store = store_for(location)
    await store.connect()
    return store
