"""Small pieces every PostgreSQL store module uses: text cleaning, the version bump."""

from __future__ import annotations

from typing import overload

import asyncpg

from corpus.rules import clean

CHANNEL = "newsdesk_corpus"
"""The NOTIFY channel: its payload is the new ``corpus_version``, as text."""


@overload
def pg_text(text: str) -> str: ...
@overload
def pg_text(text: str | None) -> str | None: ...
def pg_text(text: str | None) -> str | None:
    """`corpus.rules.clean`, and NUL characters (PostgreSQL text cannot hold them) as U+FFFD.

    One character for one keeps sentence offsets valid; None stays None.
    """
    if text is None:
        return text
    return clean(text).replace("\x00", "\ufffd")


async def bump_version(conn: asyncpg.Connection) -> int:
    """Bump ``corpus_version`` and announce it on `CHANNEL`; returns the new version.

    Call it inside the write's transaction: the notification is sent when it commits, and
    the row lock it takes serialises version bumps across processes.
    """
    version = int(await conn.fetchval(
        "UPDATE meta SET value = (value::bigint + 1)::text WHERE key = 'corpus_version'"
        " RETURNING value"
    ))
    await conn.execute("SELECT pg_notify($1, $2)", CHANNEL, str(version))
    return version
