"""ChangeListener: one PostgreSQL connection that LISTENs for corpus writes of any process.

`corpus.pg_store.PostgresStore.wait_for_change` uses it. The connection is made on the first
wait and made again after it drops (a server restart, a network cut); a wait that (re)connects
returns at once, since a write may have been announced while nobody listened. Writes this
process made itself do not wake it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import asyncpg

from corpus.backend import StoreError
from corpus.pg_sql import CHANNEL
from corpus.pg_url import endpoint

log = logging.getLogger(__name__)


class ChangeListener:
    """Waits for ``NOTIFY newsdesk_corpus`` on a dedicated connection to ``url``.

    Notifications sent by the server processes in ``own`` (this process's own connections)
    are ignored: the process applies its own writes itself.
    """

    def __init__(self, url: str, label: str, own: set[int] | None = None) -> None:
        self.url = url
        self.label = label
        self.own = own if own is not None else set()
        self._conn: asyncpg.Connection | None = None
        self._changed = asyncio.Event()

    def _on_notify(self, conn: object, pid: int, channel: str, payload: object) -> None:
        if pid not in self.own:
            self._changed.set()

    def _on_lost(self, conn: object) -> None:
        log.warning("lost the connection listening for corpus changes to %s; reconnecting",
                    self.label)
        self._conn = None
        self._changed.set()

    async def _connect(self) -> None:
        try:
            conn = await asyncpg.connect(self.url, server_settings={
                "application_name": "newsdesk-listen"})
            await conn.add_listener(CHANNEL, self._on_notify)
        except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
            raise StoreError(f"{self.label}: cannot listen for changes at {endpoint(self.url)}"
                             f" ({error})") from None
        conn.add_termination_listener(self._on_lost)
        self._conn = conn

    async def wait(self) -> None:
        """Return when a change is announced, or at once on (re)connecting.

        Raises `StoreError` when the server cannot be reached.
        """
        if self._conn is None or self._conn.is_closed():
            self._changed.clear()
            await self._connect()
            return
        await self._changed.wait()
        self._changed.clear()

    async def close(self) -> None:
        """Stop listening and close the connection (idempotent)."""
        conn, self._conn = self._conn, None
        if conn is not None and not conn.is_closed():
            conn.remove_termination_listener(self._on_lost)
            with contextlib.suppress(OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
                await conn.close(timeout=5)
