"""Exactly one process runs the background jobs: a lock the operating system or database owns.

No home-made consensus: on SQLite (one machine) the lock is ``fcntl.flock`` on a file beside
the database, which the kernel releases when its process dies, even by ``kill -9``; on
PostgreSQL it is a session-level ``pg_advisory_lock``, released when the connection closes.
Every process runs a `Leadership`: it tries the lock every ``retry`` seconds, and the one
that holds it runs the jobs (feed polling, say) until it stops or dies; a survivor then takes
the lock at its next try.

The same `TryLock` interface serves the IDENTIFY buckets of `bot.identify`.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import logging
import os
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any, Protocol

from corpus.pg_url import is_postgres_url

log = logging.getLogger(__name__)

Job = Callable[[], Coroutine[Any, Any, None]]


class TryLock(Protocol):
    """A lock taken without waiting; held until `release` or the holder's death."""

    async def try_acquire(self) -> bool:
        """Take the lock if free: True when this holder now has it (or had it already)."""
        ...

    async def release(self) -> None:
        """Let go of the lock (nothing when not held)."""
        ...

    async def holds(self) -> bool:
        """True while the lock taken is still this holder's (a lost connection loses it)."""
        ...


class FileLock:
    """``flock(LOCK_EX | LOCK_NB)`` on ``path`` (created if missing, never deleted).

    Each `FileLock` opens its own file description, so two of them exclude each other even
    in one process. Raises OSError from `try_acquire` when the file cannot be opened.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        """True while this object holds the lock."""
        return self._fd is not None

    async def try_acquire(self) -> bool:
        """Take the lock if no other holder has it; never waits for one."""
        if self._fd is not None:
            return True
        fd = await asyncio.to_thread(os.open, self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # non-blocking: fine on the loop
        except BlockingIOError:
            os.close(fd)
            return False
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        return True

    async def release(self) -> None:
        """Unlock and close the file."""
        fd, self._fd = self._fd, None
        if fd is not None:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    async def holds(self) -> bool:
        """True while held: the kernel keeps the lock for as long as the file is open."""
        return self._fd is not None


class LocalLock:
    """A `TryLock` shared only inside one process (when there is no file or database)."""

    _held: set[str] = set()  # noqa: RUF012 - process-wide on purpose

    def __init__(self, name: str) -> None:
        self.name = name
        self._mine = False

    async def try_acquire(self) -> bool:
        """Take the named lock if no other `LocalLock` of this name holds it."""
        if self._mine:
            return True
        if self.name in LocalLock._held:
            return False
        LocalLock._held.add(self.name)
        self._mine = True
        return True

    async def release(self) -> None:
        """Let go of the named lock."""
        if self._mine:
            LocalLock._held.discard(self.name)
            self._mine = False

    async def holds(self) -> bool:
        """True while held."""
        return self._mine


class AdvisoryConnection(Protocol):
    """What `AdvisoryLock` needs of an asyncpg-style connection."""

    async def fetchval(self, query: str, *args: Any) -> Any:
        """Run ``query`` with ``$1..`` arguments; return the first column of the first row."""
        ...


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for ``name`` (PostgreSQL advisory-lock keys are bigint)."""
    digest = hashlib.blake2b(f"newsdesk:{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class AdvisoryLock:
    """A session-level ``pg_try_advisory_lock(key)`` on its own connection to ``url``.

    The connection (asyncpg, opened at the first try) is used for nothing else: PostgreSQL
    releases the lock when it closes, which is how a dead leader's lock is freed. A lost
    connection loses the lock (`holds` turns False) and the next try reconnects. Raises
    OSError from `try_acquire` when the server cannot be reached (the message has no
    password).
    """

    def __init__(self, url: str, name: str) -> None:
        self.url = url
        self.key = lock_key(name)
        self._connection: Any = None
        self._held = False

    async def try_acquire(self) -> bool:
        """``SELECT pg_try_advisory_lock($1)``; True when this session holds the lock."""
        if not await self.holds():
            await self._close()
            import asyncpg

            from corpus.pg_url import endpoint

            try:
                self._connection = await asyncpg.connect(self.url, timeout=10)
                self._held = bool(await self._connection.fetchval(
                    "SELECT pg_try_advisory_lock($1)", self.key))
            except (TimeoutError, OSError, asyncpg.PostgresError) as error:
                await self._close()
                raise OSError(f"PostgreSQL at {endpoint(self.url)}: {error}") from error
            if not self._held:
                await self._close()
        return self._held

    async def holds(self) -> bool:
        """True while the lock's connection is alive (checked with a round trip)."""
        if not self._held or self._connection is None or self._connection.is_closed():
            self._held = False
            return False
        try:
            await self._connection.fetchval("SELECT 1", timeout=10)
        except Exception:  # any failure of the round trip means the session is gone
            self._held = False
        return self._held

    async def release(self) -> None:
        """Let go of the lock by closing its connection."""
        self._held = False
        await self._close()

    async def _close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None and not connection.is_closed():
            with contextlib.suppress(Exception):
                await connection.close(timeout=5)


def lock_for(database: Path | str, name: str) -> TryLock:
    """The `TryLock` called ``name`` for this database.

    A file beside SQLite, an advisory lock on PostgreSQL, or an in-process lock for
    ``:memory:``.
    """
    if is_postgres_url(database):
        return AdvisoryLock(str(database), name)
    path = lock_path(database, name)
    return FileLock(path) if path is not None else LocalLock(name)


def lock_path(database: Path | str, name: str) -> Path | None:
    """The lock file ``<database>.<name>.lock`` beside a SQLite file; None for a URL."""
    text = str(database)
    if "://" in text or text == ":memory:":
        return None
    path = Path(text)
    return path.with_name(f"{path.name}.{name}.lock")


class Leadership:
    """Runs ``jobs`` in the one process holding ``lock``; others retry every ``retry`` s.

    ``leading`` is True while this process holds the lock. A job that returns or fails is
    logged and not restarted; `close` cancels the jobs, then releases the lock.
    """

    def __init__(self, lock: TryLock, jobs: Sequence[Job] = (), *, retry: float = 5.0,
                 name: str = "background jobs") -> None:
        self.lock = lock
        self.jobs = list(jobs)
        self.retry = retry
        self.name = name
        self.leading = False
        self.became_leader = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._running: list[asyncio.Task[None]] = []

    def start(self) -> None:
        """Begin trying for the lock in the background (idempotent)."""
        if self._task is None:
            self._task = asyncio.create_task(self._campaign(), name="newsdesk-leadership")

    async def _campaign(self) -> None:
        while True:
            while not self.leading:
                try:
                    self.leading = await self.lock.try_acquire()
                except OSError as error:
                    log.warning("cannot take the %s lock: %s", self.name, error)
                if not self.leading:
                    await asyncio.sleep(self.retry)
            log.info("leader: this process (pid %d) runs the %s (%d)", os.getpid(),
                     self.name, len(self.jobs))
            self.became_leader.set()
            self._running = [asyncio.create_task(self._run(job), name="newsdesk-job")
                             for job in self.jobs]
            while await self.lock.holds():  # noqa: ASYNC110 - a check every retry s
                await asyncio.sleep(self.retry)
            # the lock went with its connection: another process may lead by now
            log.warning("lost the %s lock: stopping the jobs and trying again", self.name)
            await self._stop_jobs()
            self.leading = False
            self.became_leader.clear()
            await self.lock.release()

    async def _stop_jobs(self) -> None:
        running, self._running = self._running, []
        for task in running:
            task.cancel()
        for task in running:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self, job: Job) -> None:
        try:
            await job()
        except Exception:
            log.exception("background job %s failed", getattr(job, "__name__", job))

    async def close(self) -> None:
        """Stop trying, cancel the jobs, release the lock."""
        tasks = [t for t in (self._task, *self._running) if t is not None]
        self._task, self._running = None, []
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self.leading:
            self.leading = False
            await self.lock.release()
