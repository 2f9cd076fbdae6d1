"""Exactly one process runs the background jobs; a survivor takes over after ``kill -9``."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from bot.leader import AdvisoryLock, FileLock, Leadership, LocalLock, lock_key, lock_path

REPO = Path(__file__).resolve().parents[2]

# A process that campaigns for the lock; its job appends "<pid>" to a log, then waits forever.
CANDIDATE = textwrap.dedent("""
    import asyncio, os, sys
    from pathlib import Path
    from bot.leader import FileLock, Leadership

    async def main(lock_file, log_file):
        async def job():
            with open(log_file, "a") as log:
                log.write(f"{os.getpid()}\\n")
            await asyncio.Event().wait()
        leadership = Leadership(FileLock(Path(lock_file)), [job], retry=0.2)
        leadership.start()
        print("campaigning", flush=True)
        await asyncio.Event().wait()

    asyncio.run(main(sys.argv[1], sys.argv[2]))
""")


def _leaders(log: Path) -> list[int]:
    return [int(line) for line in log.read_text().split()] if log.exists() else []


def _wait(condition, timeout: float = 20.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not (found := condition()):
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)
    return found


def _candidate(lock: Path, log: Path) -> subprocess.Popen[str]:
    process = subprocess.Popen([sys.executable, "-c", CANDIDATE, str(lock), str(log)],
                               cwd=REPO, stdout=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONPATH": str(REPO)})
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "campaigning"
    return process


@pytest.mark.slow
def test_one_of_two_processes_leads_and_the_survivor_takes_over_after_kill_9(
    tmp_path: Path,
) -> None:
    lock, log = tmp_path / "newsdesk.db.leader.lock", tmp_path / "leaders.log"
    first, second = _candidate(lock, log), _candidate(lock, log)
    try:
        leader = _wait(lambda: _leaders(log))[0]
        time.sleep(1.0)  # five retries of the other: it must still be waiting
        assert _leaders(log) == [leader]
        survivor = second if leader == first.pid else first
        killed = first if leader == first.pid else second
        killed.send_signal(signal.SIGKILL)
        killed.wait()
        assert _wait(lambda: _leaders(log)[1:]) == [survivor.pid]
        assert survivor.poll() is None
    finally:
        for process in (first, second):
            if process.poll() is None:
                process.kill()
                process.wait()


async def test_two_file_locks_exclude_each_other_until_released(tmp_path: Path) -> None:
    one, two = FileLock(tmp_path / "x.lock"), FileLock(tmp_path / "x.lock")
    assert await one.try_acquire()
    assert await one.try_acquire()  # re-entrant for its holder
    assert not await two.try_acquire()
    await one.release()
    assert await two.try_acquire()
    await two.release()


async def test_the_leader_runs_its_jobs_and_close_releases_the_lock(tmp_path: Path) -> None:
    ran: list[str] = []
    stopped = asyncio.Event()

    async def job() -> None:
        ran.append("job")
        try:
            await asyncio.Event().wait()
        finally:
            stopped.set()

    first = Leadership(FileLock(tmp_path / "l.lock"), [job], retry=0.05)
    second = Leadership(FileLock(tmp_path / "l.lock"), [job], retry=0.05)
    first.start()
    await asyncio.wait_for(first.became_leader.wait(), 5)
    second.start()
    await asyncio.sleep(0.2)
    assert (first.leading, second.leading, ran) == (True, False, ["job"])
    await first.close()
    assert stopped.is_set()
    await asyncio.wait_for(second.became_leader.wait(), 5)
    assert ran == ["job", "job"]
    await second.close()


async def test_a_failing_job_is_logged_and_leadership_is_kept(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken() -> None:
        raise RuntimeError("feed down")

    leadership = Leadership(LocalLock("test-failing"), [broken], retry=0.05)
    leadership.start()
    await asyncio.wait_for(leadership.became_leader.wait(), 5)
    await asyncio.sleep(0.05)
    assert leadership.leading
    assert "background job broken failed" in caplog.text
    await leadership.close()
    assert await LocalLock("test-failing").try_acquire()
    await LocalLock("test-failing").release()


def test_lock_files_sit_beside_a_sqlite_database_and_not_for_urls(tmp_path: Path) -> None:
    assert lock_path(tmp_path / "n.db", "leader") == tmp_path / "n.db.leader.lock"
    assert lock_path("postgresql://u@h/db", "leader") is None
    assert lock_path(":memory:", "leader") is None


async def test_advisory_locks_on_a_real_postgresql_exclude_and_free_on_a_lost_session(
    pg_url: str,
) -> None:
    import asyncpg

    first, second = AdvisoryLock(pg_url, "leader"), AdvisoryLock(pg_url, "leader")
    other_name = AdvisoryLock(pg_url, "identify-0")
    try:
        assert await first.try_acquire()
        assert not await second.try_acquire()
        assert await other_name.try_acquire()
        assert await first.holds()
        admin = await asyncpg.connect(pg_url)
        try:  # the leader's session dies (a killed process, a dropped connection)
            await admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_locks"
                " WHERE locktype = 'advisory' AND pid <> pg_backend_pid()"
                " AND (classid::bigint << 32 | objid::bigint) = $1 & x'ffffffffffffffff'::bigint",
                lock_key("leader"))
        finally:
            await admin.close()
        assert not await first.holds()
        assert await second.try_acquire()
        assert not await first.try_acquire()
    finally:
        for lock in (first, second, other_name):
            await lock.release()
    assert lock_key("leader") == lock_key("leader") != lock_key("identify-0")
    assert -(2**63) <= lock_key("leader") < 2**63


async def test_a_leader_that_loses_its_postgresql_session_stops_its_jobs(pg_url: str) -> None:
    """Its lock went with the session, so another process may lead: the jobs stop, and
    afterwards exactly one process leads (either may win the new race)."""
    import asyncpg

    started: list[str] = []
    running: set[str] = set()

    def job_of(name: str):
        async def job() -> None:
            started.append(name)
            running.add(name)
            try:
                await asyncio.Event().wait()
            finally:
                running.discard(name)
        return job

    one = Leadership(AdvisoryLock(pg_url, "leader"), [job_of("one")], retry=0.1)
    one.start()
    await asyncio.wait_for(one.became_leader.wait(), 10)
    two = Leadership(AdvisoryLock(pg_url, "leader"), [job_of("two")], retry=0.1)
    two.start()
    try:
        await asyncio.sleep(0.3)
        assert (started, running) == (["one"], {"one"})
        admin = await asyncpg.connect(pg_url)
        try:
            await admin.execute("SELECT pg_terminate_backend(pid) FROM pg_locks"
                                " WHERE locktype = 'advisory' AND pid <> pg_backend_pid()")
        finally:
            await admin.close()
        for _ in range(100):
            if len(started) == 2:
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(0.3)
        assert len(started) == 2
        assert len(running) == 1
        assert [one.leading, two.leading].count(True) == 1
    finally:
        await one.close()
        await two.close()
