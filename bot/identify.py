"""IDENTIFY in Discord's ``max_concurrency`` buckets, across every cluster of the bot.

Discord allows one IDENTIFY per bucket every 5 seconds; shard ``s`` is in bucket
``s % max_concurrency`` (``session_start_limit.max_concurrency`` from ``GET /gateway/bot``:
1 for most bots, 16 and up for large ones). discord.py 2.7 does not look at buckets: its
default ``before_identify_hook`` waits 5 s before every IDENTIFY but the first of its own
process, so two clusters starting together IDENTIFY at once and one is refused (op 9, then
retried). `IdentifyGate` replaces that hook: a shard takes its bucket's lock (a file lock
beside a SQLite database, shared by every cluster on the machine), identifies, and the lock
is held ``interval`` seconds more, so different buckets identify in parallel and one bucket
never twice within 5 s.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from pathlib import Path

from bot.leader import TryLock, lock_for

log = logging.getLogger(__name__)

IDENTIFY_INTERVAL = 5.5  # seconds a bucket stays closed: Discord's 5 s plus a margin
POLL = 0.1  # seconds between tries for a bucket another shard holds


def bucket_locks(database: Path | str) -> Callable[[int], TryLock]:
    """Bucket number -> its lock (see `bot.leader.lock_for`).

    ``<db>.identify-<bucket>.lock`` files beside SQLite, or advisory locks on PostgreSQL, so
    clusters on several machines share the buckets.
    """
    return lambda bucket: lock_for(database, f"identify-{bucket}")


class IdentifyGate:
    """Admit one IDENTIFY per ``max_concurrency`` bucket every ``interval`` seconds.

    Parameters
    ----------
    make_lock
        Bucket number -> a fresh `TryLock` for that bucket (see `bucket_locks`).
    interval
        Seconds the bucket stays closed after an IDENTIFY.
    """

    def __init__(self, make_lock: Callable[[int], TryLock], *,
                 interval: float = IDENTIFY_INTERVAL) -> None:
        self.make_lock = make_lock
        self.interval = interval
        self.max_concurrency = 1
        self._holding: set[asyncio.Task[None]] = set()

    def bucket(self, shard_id: int) -> int:
        """The rate-limit bucket of ``shard_id``: ``shard_id % max_concurrency``."""
        return shard_id % max(1, self.max_concurrency)

    async def wait(self, shard_id: int) -> None:
        """Return when ``shard_id`` may IDENTIFY; its bucket then stays closed ``interval`` s.

        Raises OSError when a lock file cannot be opened (the caller may identify anyway).
        """
        lock = self.make_lock(self.bucket(shard_id))
        while not await lock.try_acquire():  # noqa: ASYNC110 - other processes hold it
            await asyncio.sleep(POLL)
        log.debug("shard %d may identify (bucket %d of %d)", shard_id, self.bucket(shard_id),
                  self.max_concurrency)
        task = asyncio.create_task(self._hold(lock), name="newsdesk-identify-bucket")
        self._holding.add(task)
        task.add_done_callback(self._holding.discard)

    async def _hold(self, lock: TryLock) -> None:
        try:
            await asyncio.sleep(self.interval)
        finally:
            await lock.release()

    async def close(self) -> None:
        """Release every bucket still held."""
        tasks = list(self._holding)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
