"""The feed poller as a background task of a long-running process (``newsdesk run``).

Exactly one process should poll a database's feeds. `FeedsTask` takes a ``leader``: a
factory of async context managers entered before polling starts and left when it stops
(the default, `always_leader`, makes this process the leader at once). A leadership lock
(a file lock beside SQLite, an advisory lock on PostgreSQL) fits this shape: entering waits
until the lock is held, leaving releases it. Without one, two ``newsdesk run`` processes on
one database would both poll; their writes stay correct (entries already stored are
skipped by URL and content), only the work is doubled.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager

from bot.feeds.poller import FeedPoller

log = logging.getLogger(__name__)

LeaderFactory = Callable[[], AbstractAsyncContextManager[object]]
"""``async with leader():`` holds leadership for as long as the block runs."""


@contextlib.asynccontextmanager
async def always_leader() -> AsyncIterator[None]:
    """The leadership of a process that is alone: granted at once, nothing to release."""
    yield


class FeedsTask:
    """Runs ``poller.run()`` in a task once ``leader()`` is entered; `close` cancels it."""

    def __init__(self, poller: FeedPoller, *, leader: LeaderFactory = always_leader) -> None:
        self.poller = poller
        self.leader = leader
        self._task: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        """True while the task is alive (waiting for leadership or polling)."""
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        """Start the background task on the running loop (idempotent)."""
        if self._task is None:
            self._task = asyncio.create_task(self._lead(), name="newsdesk-feeds")

    async def _lead(self) -> None:
        try:
            async with self.leader():
                log.info("polling followed feeds in this process")
                await self.poller.run()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("the feed poller stopped on an unexpected error")

    async def close(self) -> None:
        """Cancel the poller (a poll in progress stops between whole articles)."""
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
