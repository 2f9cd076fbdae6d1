"""Schema migrations on PostgreSQL: ``corpus/pg_schema/NNNN_*.sql``, applied in order.

The numbers are the SQLite migrations' (``corpus/schema``): schema version N means the same
tables in both stores. The version is kept in a one-row table ``schema_version``. Each
migration runs in its own transaction under ``pg_advisory_xact_lock``, so processes opening
a new database at once apply it once; the others wait, then see it done.
"""

from __future__ import annotations

import logging

import asyncpg

from corpus.backend import StoreError
from corpus.migrations import (
    FOREIGN_DATABASE,
    SCHEMA_VERSION,
    needs_migrating,
    newer_schema,
    read_migrations,
)

log = logging.getLogger(__name__)

#: advisory lock key of newsdesk migrations (any fixed 64-bit number; "newsdesk" in ASCII)
MIGRATION_LOCK = 0x6E65777364657368 & 0x7FFF_FFFF_FFFF_FFFF

_TABLES_SQL = (
    "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()"
    " AND tablename <> 'schema_version'"
)


async def schema_version(conn: asyncpg.Connection) -> int:
    """The database's schema version (0: new, or not newsdesk's)."""
    # pg_tables, not to_regclass: the latter may answer from a stale catalog cache and miss
    # the table another process has just committed
    if not await conn.fetchval(
        "SELECT EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = current_schema()"
        " AND tablename = 'schema_version')"
    ):
        return 0
    return int(await conn.fetchval("SELECT COALESCE(max(version), 0) FROM schema_version"))


async def check_version(conn: asyncpg.Connection, label: str) -> None:
    """For a database that cannot be written: its schema must be exactly this code's.

    Raises `StoreError` naming ``label``, the version found and what to do.
    """
    current = await schema_version(conn)
    if current > SCHEMA_VERSION:
        raise StoreError(f"{label}: {newer_schema(current)}")
    if current < SCHEMA_VERSION:
        raise StoreError(f"{label}: {needs_migrating(current)}")


async def migrate(conn: asyncpg.Connection, label: str) -> None:
    """Apply the migrations newer than the database's schema version, each atomically.

    Raises `StoreError` for a schema newer than this code, or a database whose schema
    already holds another application's tables (it is left unchanged).
    """
    current = await schema_version(conn)
    if current > SCHEMA_VERSION:
        raise StoreError(f"{label}: {newer_schema(current)}")
    if current == SCHEMA_VERSION:
        return
    for number, script in read_migrations("pg_schema"):
        async with conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
            # read again under the lock: another process may have applied it meanwhile
            current = await schema_version(conn)
            if current > SCHEMA_VERSION:
                raise StoreError(f"{label}: {newer_schema(current)}")
            if current == 0 and await conn.fetchval(_TABLES_SQL):
                raise StoreError(f"{label}: {FOREIGN_DATABASE}; refusing to change it")
            if number <= current:
                continue
            log.info("migrating %s to schema version %d", label, number)
            await conn.execute(script)
            await conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER"
                               " NOT NULL)")
            await conn.execute("DELETE FROM schema_version")
            await conn.execute("INSERT INTO schema_version (version) VALUES ($1)", number)
