"""Several ``newsdesk run`` clusters on one SQLite corpus: memory, throughput, freshness.

Run from the repository root::

    python -m bench.processes --sentences 1000000 --work /tmp/nd-speed [--processes 2]

The corpus is `bench.speed`'s: ``WORK/size-N.db`` (made from RealTime QA and BBC News when
missing; pass the same ``--work`` to reuse it). ``newsdesk ask`` builds and saves the index
first (timed). Then ``--processes`` clusters start, cluster ``i`` running shard ``i`` of
``--processes``, against the fake Discord of ``tests/bot/fake_discord.py`` (one guild per
shard, so each cluster answers its own guild). Measured:

* **start s**: from starting the clusters until every shard is READY (saved index opened);
* **RSS MB** / **peak MB** of each cluster process (VmRSS, VmHWM) after warm-up questions;
* **questions/s**: ``--questions`` /ask interactions, ``--concurrency`` in flight, sent to
  one cluster, counted from sending to the followup (gateway, search, REST included);
* **visible s**: one new article stored by this (another) process through
  ``ArticleStore.upsert``, as ``newsdesk ingest`` or a feed poller stores it, from the
  moment its transaction commits until each cluster answers a question about it from that
  article (polling /ask every 50 ms), over ``--rounds`` articles: median and worst.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.speed import make_base, make_size
from corpus.models import Article
from corpus.store import ArticleStore
from retrieval.sentences import segment
from tests.bot.fake_discord import TOKEN, FakeDiscord, Recorded

REPO = Path(__file__).resolve().parents[1]
QUESTION = "What did the {word} committee decide about the {word} plan?"


def _rss(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of ``pid`` in MB."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in {"VmRSS", "VmHWM"}:
            found[key] = int(value.split()[0]) / 1024
    return found["VmRSS"], found["VmHWM"]


def _env(fake: FakeDiscord | None, db: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSDESK_", "DISCORD_"))}
    env.update(PYTHONPATH=str(REPO), NEWSDESK_DB=str(db), NEWSDESK_LOG_LEVEL="WARNING",
               NEWSDESK_ASK_COOLDOWN="0")
    env.update(extra)
    if fake is not None:
        env.update(DISCORD_TOKEN=TOKEN, DISCORD_API_BASE=fake.api_base,
                   DISCORD_GATEWAY_URL=fake.gateway_url)
    return env


async def _ask(fake: FakeDiscord, guild_id: int, question: str) -> dict[str, Any]:
    """Send /ask and return the followup's message once it arrives."""
    payload = fake.slash("ask", {"question": question}, guild_id=guild_id)
    token = payload["token"]
    arrived: asyncio.Future[Recorded] = asyncio.get_running_loop().create_future()

    def listen(record: Recorded) -> None:
        final = "/webhooks/" in record.path and record.method == "POST"
        if record.token == token and final and not arrived.done():
            arrived.set_result(record)

    fake.listeners.append(listen)
    try:
        await fake.dispatch_interaction(payload)
        record = await asyncio.wait_for(arrived, 120)
    finally:
        fake.listeners.remove(listen)
    return record.message or {}


def _title(message: dict[str, Any]) -> str:
    embeds = message.get("embeds") or []
    return str(embeds[0].get("title", "")) if embeds else ""


async def _visible(fake: FakeDiscord, store: ArticleStore, guilds: list[int],
                   number: int, limit: float) -> list[float | None]:
    """Seconds from an article's commit (in this process) until each cluster answers from it.

    None for a cluster that did not within ``limit`` seconds.
    """
    word = "zorb" + "".join(chr(ord("a") + int(d)) for d in f"{os.getpid()}0{number}")  # new
    title = f"The {word} committee reaches a decision"
    body = (f"The {word} committee decided on Monday to approve the {word} plan. "
            "Members voted after a long debate.")
    article = Article(title=title, body=body, url=f"https://news.example/{word}",
                      origin=f"bench {number}")
    sentences = await asyncio.to_thread(segment, body)
    assert (await store.upsert(article, sentences)).status == "added"
    done = time.perf_counter()  # the article's transaction has committed

    async def until_answered(guild_id: int) -> float | None:
        while _title(await _ask(fake, guild_id, QUESTION.format(word=word))) != title:
            if time.perf_counter() - done > limit:
                return None
            await asyncio.sleep(0.05)
        return time.perf_counter() - done

    return list(await asyncio.gather(*(until_answered(g) for g in guilds)))


async def _throughput(fake: FakeDiscord, guild_id: int, count: int, concurrency: int,
                      questions: list[str]) -> float:
    slots = asyncio.Semaphore(concurrency)

    async def one(number: int) -> None:
        async with slots:
            await _ask(fake, guild_id, questions[number % len(questions)])

    started = time.perf_counter()
    await asyncio.gather(*(one(n) for n in range(count)))
    return count / (time.perf_counter() - started)


def _questions() -> list[str]:
    from bench.speed import questions

    return questions(200)


async def main_async(args: argparse.Namespace) -> int:
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="newsdesk-procs-"))
    work.mkdir(parents=True, exist_ok=True)
    db = await make_size(await make_base(work), work, args.sentences)
    scratch = Path(tempfile.mkdtemp(prefix="newsdesk-procs-run-"))
    started = time.perf_counter()
    warm = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "ask", "warm up the index", env=_env(None, db),
        cwd=scratch, stdout=asyncio.subprocess.DEVNULL)
    assert await warm.wait() == 0
    print(f"corpus {db.name}: index ready (built or opened, saved) in "
          f"{time.perf_counter() - started:.1f}s", flush=True)
    count = args.processes
    guilds = [((1_000_000 + n) << 22) | 1 for n in range(count)]  # guild n on shard n
    fake = FakeDiscord(heartbeat_interval=41_250, shards=count, max_concurrency=count)
    fake.guilds = [(g, 7_000 + n, f"Guild {n}") for n, g in enumerate(guilds)]
    await fake.start()
    clusters: list[asyncio.subprocess.Process] = []
    try:
        started = time.perf_counter()
        for shard in range(count):
            with (scratch / f"cluster-{shard}.log").open("wb") as log:
                clusters.append(await asyncio.create_subprocess_exec(
                    sys.executable, "-m", "bot", "run", "--guild-ready-timeout", "0.5",
                    "--shard-count", str(count), "--shard-ids", str(shard), cwd=scratch,
                    env=_env(fake, db, NEWSDESK_LOG_LEVEL="INFO"), stderr=log))
        await fake.wait_ready(600)
        print(f"logs: {scratch}/cluster-N.log")
        print(f"{count} clusters READY in {time.perf_counter() - started:.1f}s", flush=True)
        questions = _questions()
        for guild_id in guilds:
            for question in questions[:10]:
                await _ask(fake, guild_id, question)
        for shard, process in enumerate(clusters):
            rss, peak = _rss(process.pid)
            print(f"cluster {shard}: RSS {rss:.0f} MB, peak {peak:.0f} MB", flush=True)
        rate = await _throughput(fake, guilds[0], args.questions, args.concurrency, questions)
        print(f"questions/s, one cluster, {args.concurrency} in flight: {rate:.1f}", flush=True)
        seen: list[float | None] = []
        store = await ArticleStore.open(db)
        try:
            for number in range(args.rounds):
                seconds = await _visible(fake, store, guilds, number, args.limit)
                seen += seconds
                print(f"ingest {number}: answerable in the clusters after " + ", ".join(
                    f"{s:.2f}s" if s is not None else f"more than {args.limit:.0f}s"
                    for s in seconds), flush=True)
        finally:
            await store.close()
        timely = [s for s in seen if s is not None]
        print(f"ingest -> answerable in another process: median "
              f"{statistics.median(timely) if timely else float('nan'):.2f}s, worst "
              f"{max(timely, default=float('nan')):.2f}s over {len(timely)}; "
              f"{len(seen) - len(timely)} not within {args.limit:.0f}s")
        for shard, process in enumerate(clusters):
            rss, peak = _rss(process.pid)
            print(f"cluster {shard} after the ingests: RSS {rss:.0f} MB, peak {peak:.0f} MB")
    finally:
        for process in clusters:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
                await asyncio.wait_for(process.wait(), 60)
        await fake.stop()
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and run the benchmark."""
    parser = argparse.ArgumentParser(prog="python -m bench.processes")
    parser.add_argument("--sentences", type=int, default=1_000_000, help="corpus size")
    parser.add_argument("--work", help="folder for the corpora (reused when present)")
    parser.add_argument("--processes", type=int, default=2, help="clusters, one shard each")
    parser.add_argument("--questions", type=int, default=200, help="for questions/s")
    parser.add_argument("--concurrency", type=int, default=8, help="/ask in flight")
    parser.add_argument("--rounds", type=int, default=3, help="ingests timed")
    parser.add_argument("--limit", type=float, default=180, help="seconds to wait per ingest")
    return asyncio.run(main_async(parser.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
