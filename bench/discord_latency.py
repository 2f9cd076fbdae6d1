"""Discord latency: INTERACTION_CREATE -> first response and -> final answer, against the fake.

Run from the repository root::

    python -m bench.discord_latency [--questions 200] [--db PATH] [--concurrency 1]

The BBC News corpus (``$NEWSDESK_EVAL_DIR/bbc-news/articles.jsonl``, default
``../shared/eval/bbc-news``) is loaded with ``newsdesk ingest`` into a temporary database
(or ``--db PATH``, reused when it exists). The real ``newsdesk run`` process then connects to
the fake Discord of ``tests/bot/fake_discord.py`` on 127.0.0.1, and ``/ask`` interactions
are sent through its gateway, one at a time by default. Times are taken in the fake: from
sending the INTERACTION_CREATE frame to receiving the bot's first response (the deferral)
and its final answer (the followup), so they include the gateway, discord.py, the search,
rendering and the REST round trips, but no internet. Questions are article headlines
turned into questions, in a fixed pseudo-random order.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.bot.fake_discord import GUILD_A, TOKEN, FakeDiscord, Recorded

REPO = Path(__file__).resolve().parents[1]
EVAL = Path(os.environ.get("NEWSDESK_EVAL_DIR", REPO.parent / "shared" / "eval"))
CORPUS = EVAL / "bbc-news" / "articles.jsonl"
TEMPLATES = ("What happened: {}?", "Tell me about {}", "{}?", "Why {}?", "What is known about {}?")


def _questions(count: int) -> list[str]:
    titles = []
    with CORPUS.open(encoding="utf-8") as lines:
        for line in lines:
            title = json.loads(line).get("title")
            if title:
                titles.append(title.strip())
    chooser = random.Random(20260401)
    return [
        chooser.choice(TEMPLATES).format(chooser.choice(titles))[:300] for _ in range(count)
    ]


def _env(fake: FakeDiscord, db: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSDESK_", "DISCORD_"))}
    env.update(
        PYTHONPATH=str(REPO), DISCORD_TOKEN=TOKEN, DISCORD_API_BASE=fake.api_base,
        DISCORD_GATEWAY_URL=fake.gateway_url, NEWSDESK_DB=str(db), NEWSDESK_ASK_COOLDOWN="0",
        NEWSDESK_LOG_LEVEL="WARNING",
    )
    return env


async def _ingest(db: Path) -> None:
    print(f"ingesting {CORPUS} into {db} with `newsdesk ingest` ...", flush=True)
    started = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "ingest", str(CORPUS), "--db", str(db),
        cwd=db.parent, env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
    )
    out, _ = await process.communicate()
    if process.returncode != 0:
        raise SystemExit(f"ingest failed with status {process.returncode}")
    print(f"  {out.decode().strip().splitlines()[0]} ({time.perf_counter() - started:.1f}s)")


class Timer:
    """Collects, per interaction token, when the first and the final responses arrived.

    Final: a followup message, or a callback of a type in ``final_callbacks`` (4: a message;
    7: a button's update; 8: autocomplete choices).
    """

    def __init__(self, final_callbacks: tuple[int, ...] = (4,)) -> None:
        self.final_callbacks = final_callbacks
        self.first: dict[str, float] = {}
        self.final: dict[str, asyncio.Future[tuple[float, Recorded]]] = {}

    def expect(self, token: str) -> asyncio.Future[tuple[float, Recorded]]:
        future: asyncio.Future[tuple[float, Recorded]] = asyncio.get_running_loop().create_future()
        self.final[token] = future
        return future

    def __call__(self, record: Recorded) -> None:
        token = record.token
        if token is None or token not in self.final:
            return
        if record.is_callback:
            self.first.setdefault(token, record.at)
        final = (record.method == "POST" and "/webhooks/" in record.path) or (
            record.callback_type in self.final_callbacks
        )
        future = self.final[token]
        if final and not future.done():
            future.set_result((record.at, record))


def _summary(name: str, values_ms: list[float]) -> str:
    ordered = sorted(values_ms)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return (f"{name:<32} median {statistics.median(ordered):7.1f} ms   p95 {p95:7.1f} ms   "
            f"mean {statistics.fmean(ordered):7.1f} ms   max {ordered[-1]:7.1f} ms")


async def _ask_all(fake: FakeDiscord, questions: list[str], concurrency: int
                   ) -> tuple[list[float], list[float], int]:
    timer = Timer()
    fake.listeners.append(timer)
    first_ms: list[float] = []
    final_ms: list[float] = []
    answered = 0
    slots = asyncio.Semaphore(concurrency)

    async def one(question: str) -> None:
        nonlocal answered
        async with slots:
            payload = fake.slash("ask", {"question": question}, guild_id=GUILD_A)
            done = timer.expect(payload["token"])
            sent = await fake.dispatch_interaction(payload)
            at, record = await asyncio.wait_for(done, 60)
            first_ms.append((timer.first[payload["token"]] - sent) * 1000)
            final_ms.append((at - sent) * 1000)
            answered += bool((record.message or {}).get("embeds"))

    await asyncio.gather(*(one(q) for q in questions))
    return first_ms, final_ms, answered


async def main_async(args: argparse.Namespace) -> int:
    if not CORPUS.exists():
        print(f"skipped: BBC corpus not found at {CORPUS} (set NEWSDESK_EVAL_DIR)")
        return 0
    with tempfile.TemporaryDirectory(prefix="newsdesk-latency-") as scratch:
        db = Path(args.db) if args.db else Path(scratch) / "bbc.db"
        if not db.exists():
            await _ingest(db)
        fake = FakeDiscord(heartbeat_interval=41_250)
        await fake.start()
        bot = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", "--guild-ready-timeout", "0.5",
            cwd=scratch, env=_env(fake, db), stderr=asyncio.subprocess.DEVNULL,
        )
        try:
            started = time.perf_counter()
            await fake.wait_ready(180)
            print(f"bot connected after {time.perf_counter() - started:.1f}s "
                  f"(index built from {db})")
            await _ask_all(fake, _questions(10), 1)  # warm-up, not counted
            questions = _questions(args.questions + 10)[10:]
            wall = time.perf_counter()
            first_ms, final_ms, answered = await _ask_all(fake, questions, args.concurrency)
            wall = time.perf_counter() - wall
        finally:
            if bot.returncode is None:
                bot.send_signal(signal.SIGTERM)
                await asyncio.wait_for(bot.wait(), 20)
            await fake.stop()
    print(f"{len(final_ms)} /ask interactions, concurrency {args.concurrency}, "
          f"{answered} answered with an embed, {len(final_ms) - answered} abstained, "
          f"{wall:.1f}s wall")
    print(_summary("INTERACTION_CREATE -> defer", first_ms))
    print(_summary("INTERACTION_CREATE -> answer", final_ms))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and run the benchmark."""
    parser = argparse.ArgumentParser(prog="python -m bench.discord_latency")
    parser.add_argument("--questions", type=int, default=200, help="timed interactions")
    parser.add_argument("--db", help="database to use (ingested first if missing)")
    parser.add_argument("--concurrency", type=int, default=1, help="interactions in flight")
    args: Any = parser.parse_args(argv)
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
