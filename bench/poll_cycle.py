"""The cost of one poll cycle: 100 local feeds of 50 entries each, 5 of them new per feed.

Run from the repository root::

    python -m bench.poll_cycle [--feeds 100] [--entries 50] [--new 5] [--concurrency N]
                               [--workers N] [--warm-cache DIR]

A site in a child process (`bench.feed_sites`: BBC News texts, RSS 2.0, ETags) serves the
feeds. The feeds are followed in a fresh database and polled once with ``entries - new``
entries each (the warm-up: that many articles stored, the index built). Then ``new``
entries appear in every feed and one cycle (`FeedPoller.poll_all`, as `newsdesk feeds poll`
or one round of `newsdesk run`) stores them. Printed: wall time, CPU seconds of this process
(threads, index and feed worker processes; not the site's), peak RSS during the cycle, the worst
event-loop stall (a ticker task sleeping 10 ms measures how late it wakes), and ``/ask``
latency (`AnswerService.answer`, one question after another) before the cycle, during it,
and during the background index rebuild that follows it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from bench.feed_sites import SiteProcess, load_texts
from bot.config import Settings
from bot.feeds.poller import FeedPoller
from bot.service import AnswerService

TICK = 0.01


def _cpu(poller: FeedPoller) -> float:
    """CPU seconds of this process, its finished children, and the poller's live workers."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    total = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
    pool = poller._pool
    for process in (pool._processes or {}).values() if pool is not None else ():
        fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _rss_mb(field: str = "VmRSS") -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


class Ticker:
    """Measures event-loop stalls: how late a 10 ms sleep wakes up."""

    def __init__(self) -> None:
        self.worst = 0.0
        self.stalls_over_50ms = 0
        self._task: asyncio.Task[None] | None = None

    async def _tick(self) -> None:
        while True:
            asked = time.perf_counter()
            await asyncio.sleep(TICK)
            late = time.perf_counter() - asked - TICK
            self.worst = max(self.worst, late)
            self.stalls_over_50ms += late > 0.05

    def __enter__(self) -> Ticker:
        self._task = asyncio.create_task(self._tick())
        return self

    def __exit__(self, *exc: object) -> None:
        if self._task is not None:
            self._task.cancel()


async def _ask_loop(service: AnswerService, questions: list[str], out: list[float],
                    stop: asyncio.Event) -> None:
    number = 0
    while not stop.is_set():
        started = time.perf_counter()
        await service.answer(questions[number % len(questions)])
        out.append(time.perf_counter() - started)
        number += 1
        await asyncio.sleep(0.02)


def _latency(times: list[float]) -> str:
    if not times:
        return "no questions answered"
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return (f"{len(times)} questions: median {statistics.median(times) * 1000:.0f} ms, "
            f"p95 {p95 * 1000:.0f} ms, max {max(times) * 1000:.0f} ms")


async def _during(service: AnswerService, questions: list[str], work: asyncio.Future[object]
                  ) -> tuple[list[float], Ticker]:
    times: list[float] = []
    stop = asyncio.Event()
    with Ticker() as ticker:
        asker = asyncio.create_task(_ask_loop(service, questions, times, stop))
        try:
            await work
        finally:
            stop.set()
            await asker
    return times, ticker


async def _warm(args: argparse.Namespace, folder: Path) -> int:
    """Follow the feeds and poll ``entries - new`` entries of each into ``folder/bench.db``.

    With ``--warm-cache DIR`` the warmed database (and saved index) is copied from DIR when
    there, else saved there; returns the site's port (the feeds' URLs name it).
    """
    cache = Path(args.warm_cache) if args.warm_cache else None
    if cache is not None and (cache / "port").exists():
        await asyncio.to_thread(shutil.copytree, cache, folder, dirs_exist_ok=True)
        print(f"warm-up: copied from {cache}")
        return int((cache / "port").read_text())
    site = SiteProcess(visible=args.entries - args.new)
    settings = _settings(args, folder)
    try:
        async with await AnswerService.open(settings, load_sample=False) as service:
            for feed in range(args.feeds):
                await service.store.add_feed(site.feed_url(feed), scope="shared",
                                             every_minutes=1)
            started = time.perf_counter()
            async with FeedPoller(service, settings) as poller:
                warm = await poller.poll_all()
            print(f"warm-up: {args.feeds} feeds x {args.entries - args.new} entries: "
                  f"{sum(len(r.added) for r in warm)} articles stored in "
                  f"{time.perf_counter() - started:.1f} s")
            if service.index.pending_rebuild is not None:
                await service.index.pending_rebuild
        port = int(site.base.rsplit(":", 1)[1])
        (folder / "port").write_text(str(port))
        if cache is not None:
            await asyncio.to_thread(shutil.copytree, folder, cache, dirs_exist_ok=True)
        return port
    finally:
        site.stop()


def _settings(args: argparse.Namespace, folder: Path) -> Settings:
    return Settings(db=folder / "bench.db", fetch_allow_loopback=True,
                    feed_max_entries=args.entries, feed_concurrency=args.concurrency,
                    feed_workers=args.workers, question_log=False)


async def main(args: argparse.Namespace) -> None:
    texts = load_texts()
    folder = Path(tempfile.mkdtemp(prefix="newsdesk-poll-"))
    port = await _warm(args, folder)
    site = SiteProcess(visible=args.entries - args.new, port=port)
    settings = _settings(args, folder)
    try:
        async with await AnswerService.open(settings, load_sample=False) as service:
            poller = FeedPoller(service, settings)
            snapshot = service.index.snapshot
            assert snapshot is not None
            print(f"index: {snapshot.index.sentence_count} sentences, "
                  f"{len(snapshot.index.segments)} segment(s); feed workers: {args.workers}")
            questions = [text.split(". ")[0][:200] + "?" for _, text in texts[:300:7]]
            before, idle = await _during(service, questions, asyncio.ensure_future(
                asyncio.sleep(10)))
            site.visible = args.entries
            rss_before = _rss_mb()
            peak_reset = _reset_peak()
            cpu, wall = _cpu(poller), time.perf_counter()
            cycle = asyncio.ensure_future(poller.poll_all())
            during, ticker = await _during(service, questions, cycle)
            wall, cpu = time.perf_counter() - wall, _cpu(poller) - cpu
            results = cycle.result()
            peak = _rss_mb("VmHWM") if peak_reset else float("nan")
            await poller.close()
            added = sum(len(r.added) for r in results)
            failed = sum(r.status == "error" for r in results)
            rebuild = service.index.pending_rebuild
            rebuild_times: list[float] = []
            rebuild_ticker = None
            rebuild_wall = 0.0
            if rebuild is not None and not rebuild.done():
                rebuild_wall = time.perf_counter()
                rebuild_times, rebuild_ticker = await _during(
                    service, questions, asyncio.ensure_future(rebuild))
                rebuild_wall = time.perf_counter() - rebuild_wall
        print(f"cycle: {args.feeds} feeds, {args.new} new each: {added} articles added, "
              f"{failed} feeds failed")
        print(f"  wall time       {wall:.2f} s")
        print(f"  CPU             {cpu:.2f} s (this process, its index and feed workers)")
        print(f"  RSS             {rss_before:.0f} MB before, peak {peak:.0f} MB during")
        print(f"  worst loop stall {ticker.worst * 1000:.1f} ms "
              f"({ticker.stalls_over_50ms} ticks over 50 ms); idle before the cycle, same "
              f"machine load: {idle.worst * 1000:.1f} ms ({idle.stalls_over_50ms} over 50 ms)")
        print(f"  /ask before     {_latency(before)}")
        print(f"  /ask during     {_latency(during)}")
        if rebuild_ticker is not None:
            print(f"background full rebuild after the cycle: {rebuild_wall:.1f} s, worst loop "
                  f"stall {rebuild_ticker.worst * 1000:.1f} ms; /ask {_latency(rebuild_times)}")
    finally:
        site.stop()
        await asyncio.to_thread(shutil.rmtree, folder, True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--feeds", type=int, default=100)
    parser.add_argument("--entries", type=int, default=50)
    parser.add_argument("--new", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=Settings().feed_concurrency)
    parser.add_argument("--workers", type=int, default=Settings().feed_workers,
                        help="NEWSDESK_FEED_WORKERS for the cycle (0: threads)")
    parser.add_argument("--warm-cache", metavar="DIR",
                        help="reuse (or save) the warmed database here: later runs skip it")
    asyncio.run(main(parser.parse_args()))
