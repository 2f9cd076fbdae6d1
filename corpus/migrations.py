"""Schema migrations: ``corpus/schema/NNNN_*.sql``, applied in order.

The version a database is at is kept in ``PRAGMA user_version``.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from importlib import resources

import aiosqlite

log = logging.getLogger(__name__)

_MIGRATION_NAME = re.compile(r"^(\d{4})_[\w-]+\.sql$")


async def _user_version(db: aiosqlite.Connection) -> int:
    async with db.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


def read_migrations(folder_name: str = "schema") -> list[tuple[int, str]]:
    """``(version, SQL script)`` of every ``corpus/<folder_name>/NNNN_*.sql``, in order."""
    folder = resources.files("corpus") / folder_name
    found = []
    for entry in folder.iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.read_text(encoding="utf-8")))
    return sorted(found)


SCHEMA_VERSION = max(number for number, _ in read_migrations())
FOREIGN_DATABASE = "it has tables but is not a newsdesk database (another application's file?)"


def newer_schema(current: int) -> str:
    """The reason an older newsdesk gives for refusing a database at schema ``current``."""
    return (f"schema version {current} is newer than this newsdesk ({SCHEMA_VERSION}): "
            "upgrade newsdesk to use it")


def needs_migrating(current: int) -> str:
    """The reason a read-only database at an older schema ``current`` cannot be used."""
    return (f"read-only, and its schema version {current} needs migrating to "
            f"{SCHEMA_VERSION}: open it once where it can be written")


async def _foreign_tables(db: aiosqlite.Connection) -> bool:
    """True when a database at schema version 0 already holds tables (not ours)."""
    async with db.execute(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ) as cursor:
        row = await cursor.fetchone()
    return bool(row and row[0])


async def check_version(db: aiosqlite.Connection, path: str) -> None:
    """For a database that cannot be written: its schema must be exactly this code's.

    Raises sqlite3.DatabaseError naming the version found and what to do.
    """
    current = await _user_version(db)
    if current > SCHEMA_VERSION:
        raise sqlite3.DatabaseError(newer_schema(current))
    if current < SCHEMA_VERSION:
        raise sqlite3.DatabaseError(needs_migrating(current))


async def migrate(db: aiosqlite.Connection, path: str) -> None:
    """Apply the migrations newer than the database's ``user_version``, each atomically.

    Safe when several processes open a fresh database at once: a migration another process
    applied first is skipped. Raises sqlite3.DatabaseError for a schema newer than this code.
    """
    # the version and the tables are read in one snapshot: another process may finish
    # migrating this (new) file between two separate reads, and its tables are ours
    await db.execute("BEGIN")
    try:
        current = await _user_version(db)
        foreign = current == 0 and await _foreign_tables(db)
    finally:
        await db.rollback()
    if current > SCHEMA_VERSION:
        raise sqlite3.DatabaseError(newer_schema(current))
    if foreign:
        raise sqlite3.DatabaseError(FOREIGN_DATABASE)
    for number, script in read_migrations():
        if number <= current:
            continue
        log.info("migrating %s to schema version %d", path, number)
        try:
            await db.executescript(
                f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;"
            )
        except sqlite3.OperationalError:
            # another process may have applied it between our read and our write lock
            if db.in_transaction:
                await db.rollback()
            if await _user_version(db) < number:
                raise
