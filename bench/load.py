"""Load: 1,000 interactions of every kind from 50 users in 5 servers while an admin adds files.

Run from the repository root::

    python -m bench.load [--interactions 1000] [--db PATH]

The BBC News and RealTimeQA corpora (``$NEWSDESK_EVAL_DIR``, default ``../shared/eval``) are
ingested with ``newsdesk ingest`` into a temporary database (or ``--db PATH``, reused when it
exists). The real ``newsdesk run`` process serves the fake Discord of
``tests/bot/fake_discord.py`` on 127.0.0.1 with five guilds. Interactions, 20 in flight, are
a fixed pseudo-random mix: ``/ask`` (with and without filters), its Next / More context
buttons, every autocomplete (``/ask source``, ``/article title``, ``/sources query``,
``/corpus remove article``), ``/sources``, ``/article`` and ``/corpus stats``; meanwhile an
admin adds a file with ``/corpus add`` every 50 interactions. An interaction whose first
response comes after 3 s has expired (Discord would refuse it). Printed: expired and error
counts, p50 / p95 / p99 / max to the first response and to the final answer, the largest
event-loop stall the bot logged, and its resident memory before, during and after (with a
fresh process on the same database for comparison).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.discord_latency import EVAL, REPO, Timer
from tests.bot.fake_discord import ADMIN_PERMISSIONS, TOKEN, Attachment, FakeDiscord

CORPORA = [EVAL / "bbc-news" / "articles.jsonl", EVAL / "realtimeqa" / "articles.jsonl.gz"]
GUILDS = [(1000 + n, 2000 + n, f"Guild {n}") for n in range(5)]
DEADLINE = 3.0  # seconds Discord allows before the first response
STALL = re.compile(r"largest event-loop stall while serving: ([\d.]+) ms")


def _titles() -> list[str]:
    titles = []
    with CORPORA[0].open(encoding="utf-8") as lines:
        for line in lines:
            title = json.loads(line).get("title")
            if title:
                titles.append(title.strip())
    return titles


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(share * len(ordered)) - 1)] if ordered else float("nan")


def _line(name: str, values_ms: list[float]) -> str:
    return (f"{name:<28} p50 {_percentile(values_ms, .5):7.1f} ms  p95 "
            f"{_percentile(values_ms, .95):7.1f} ms  p99 {_percentile(values_ms, .99):7.1f} ms  "
            f"max {max(values_ms, default=float('nan')):7.1f} ms")


async def _ingest(db: Path) -> None:
    for corpus in CORPORA:
        print(f"ingesting {corpus.name} into {db} ...", flush=True)
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "ingest", str(corpus), "--db", str(db),
            cwd=db.parent, env={**os.environ, "PYTHONPATH": str(REPO)},
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
        if await process.wait() != 0:
            raise SystemExit(f"ingest of {corpus} failed")


def _env(fake: FakeDiscord, db: Path, log_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSDESK_", "DISCORD_"))}
    env.update(PYTHONPATH=str(REPO), DISCORD_TOKEN=TOKEN, DISCORD_API_BASE=fake.api_base,
               DISCORD_GATEWAY_URL=fake.gateway_url, NEWSDESK_DB=str(db),
               NEWSDESK_ASK_COOLDOWN="0", NEWSDESK_LOG_LEVEL="INFO",
               NEWSDESK_VIEW_TIMEOUT="600")
    return env


class Load:
    """One run: the fake, the bot process, the interaction mix and what was measured."""

    def __init__(self, fake: FakeDiscord, pid: int, seed: int) -> None:
        self.fake = fake
        self.pid = pid
        self.rng = random.Random(seed)
        self.titles = _titles()
        self.users = [fake.next_id() for _ in range(50)]
        self.timer = Timer(final_callbacks=(4, 7, 8))  # also button updates, choices
        fake.listeners.append(self.timer)
        self.first_ms: list[float] = []
        self.final_ms: list[float] = []
        self.expired = 0
        self.errors = 0
        self.kinds: dict[str, int] = {}
        self.failed: dict[str, int] = {}
        self.answers: list[tuple[dict[str, Any], int]] = []  # (message, asker)
        self.rss_peak = 0.0

    def _payload(self, number: int) -> tuple[str, dict[str, Any]]:
        rng, fake = self.rng, self.fake
        guild = rng.choice(GUILDS)[0]
        user = rng.choice(self.users)
        title = rng.choice(self.titles)
        if number % 50 == 49:
            data = f"Load test story {number}\n\nThe load test added story {number} today."
            attachment_id, resolved = fake.attachment(f"story{number}.md", data.encode(),
                                                      "text/markdown")
            return "corpus add", fake.slash(
                "corpus", {"file": Attachment(attachment_id)}, subcommand="add",
                guild_id=guild, user_id=user, permissions=ADMIN_PERMISSIONS,
                attachments={attachment_id: resolved})
        roll = rng.random()
        if roll < 0.12 and self.answers:
            message, asker = rng.choice(self.answers)
            buttons = {c["label"]: c["custom_id"] for row in message.get("components", [])
                       for c in row["components"] if "custom_id" in c}
            label = rng.choice([b for b in ("Next", "More context") if b in buttons] or [""])
            if label:
                return f"button {label}", fake.click(message, buttons[label], guild_id=guild,
                                                     user_id=asker)
        if roll < 0.50:
            options: dict[str, Any] = {"question": f"What happened: {title}?"[:300]}
            if rng.random() < 0.1:
                options["since"] = "2022-01-01"
            return "ask", fake.slash("ask", options, guild_id=guild, user_id=user)
        if roll < 0.58:
            return "autocomplete ask source", fake.slash(
                "ask", {"question": "x", "source": rng.choice(["", "bb", "ne", "cnn"])},
                guild_id=guild, user_id=user, focused="source")
        if roll < 0.68:
            return "autocomplete article", fake.slash(
                "article", {"title": title[: rng.randint(0, 12)]}, guild_id=guild,
                user_id=user, focused="title")
        if roll < 0.74:
            return "autocomplete sources", fake.slash(
                "sources", {"query": title[:5]}, guild_id=guild, user_id=user, focused="query")
        if roll < 0.78:
            return "autocomplete corpus remove", fake.slash(
                "corpus", {"article": "Load"}, subcommand="remove", guild_id=guild,
                user_id=user, permissions=ADMIN_PERMISSIONS, focused="article")
        if roll < 0.86:
            return "sources", fake.slash("sources", {}, guild_id=guild, user_id=user)
        if roll < 0.95:
            return "article", fake.slash("article", {"title": title[:300]}, guild_id=guild,
                                         user_id=user)
        return "corpus stats", fake.slash("corpus", {}, subcommand="stats", guild_id=guild,
                                          user_id=user, permissions=ADMIN_PERMISSIONS)

    async def one(self, number: int) -> None:
        kind, payload = self._payload(number)
        self.kinds[kind] = self.kinds.get(kind, 0) + 1
        done = self.timer.expect(payload["token"])
        sent = await self.fake.dispatch_interaction(payload)
        try:
            at, record = await asyncio.wait_for(done, 30)
        except TimeoutError:
            self.errors += 1
            self.failed[kind] = self.failed.get(kind, 0) + 1
            return
        first = self.timer.first.get(payload["token"], at) - sent
        self.first_ms.append(first * 1000)
        self.final_ms.append((at - sent) * 1000)
        self.expired += first > DEADLINE
        content = str((record.message or {}).get("content") or "")
        if "went wrong" in content:
            self.errors += 1
            self.failed[kind] = self.failed.get(kind, 0) + 1
        if kind == "ask" and record.reply and record.reply.get("components"):
            self.answers.append((record.reply, int(payload["member"]["user"]["id"])))

    async def run(self, count: int, concurrency: int) -> None:
        slots = asyncio.Semaphore(concurrency)

        async def bounded(number: int) -> None:
            async with slots:
                await self.one(number)

        async def sample() -> None:
            while True:
                self.rss_peak = max(self.rss_peak, _rss_mb(self.pid))
                await asyncio.sleep(0.2)

        sampler = asyncio.create_task(sample())
        try:
            await asyncio.gather(*(bounded(n) for n in range(count)))
        finally:
            sampler.cancel()


async def _start(fake: FakeDiscord, db: Path, scratch: Path, name: str
                 ) -> tuple[asyncio.subprocess.Process, Path]:
    log_path = scratch / f"{name}.log"
    with log_path.open("wb") as log:
        bot = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", "--guild-ready-timeout", "0.5", cwd=scratch,
            env=_env(fake, db, log_path), stderr=log)
    await fake.wait_ready(300)
    return bot, log_path


async def _stop(bot: asyncio.subprocess.Process) -> None:
    if bot.returncode is None:
        bot.send_signal(signal.SIGTERM)
        await asyncio.wait_for(bot.wait(), 30)


async def main_async(args: argparse.Namespace) -> int:
    missing = [c for c in CORPORA if not c.exists()]
    if missing:
        print(f"skipped: corpus not found: {missing[0]} (set NEWSDESK_EVAL_DIR)")
        return 0
    with tempfile.TemporaryDirectory(prefix="newsdesk-load-") as folder:
        scratch = Path(folder)
        db = Path(args.db) if args.db else scratch / "load.db"
        if not db.exists():
            await _ingest(db)
        fake = FakeDiscord(heartbeat_interval=41_250)
        fake.guilds = GUILDS
        await fake.start()
        try:
            bot, log_path = await _start(fake, db, scratch, "bot")
            assert bot.pid is not None
            warm = Load(fake, bot.pid, seed=1)
            await warm.run(20, 4)
            before = _rss_mb(bot.pid)
            load = Load(fake, bot.pid, seed=args.seed)
            wall = time.perf_counter()
            await load.run(args.interactions, args.concurrency)
            wall = time.perf_counter() - wall
            await asyncio.sleep(args.settle)  # background rebuilds finish
            after = _rss_mb(bot.pid)
            await _stop(bot)
            fresh_bot, _ = await _start(fake, db, scratch, "fresh")
            assert fresh_bot.pid is not None
            await Load(fake, fresh_bot.pid, seed=1).run(20, 4)
            fresh = _rss_mb(fresh_bot.pid)
            await _stop(fresh_bot)
        finally:
            await fake.stop()
        stalls = STALL.findall(log_path.read_text(encoding="utf-8", errors="replace"))
    print(f"{len(load.final_ms)} interactions answered of {args.interactions}, "
          f"{args.concurrency} in flight, {wall:.1f}s wall; mix: "
          + ", ".join(f"{k} {v}" for k, v in sorted(load.kinds.items())))
    print(f"expired (first response > {DEADLINE:.0f} s): {load.expired}   errors: {load.errors}"
          + (f" ({', '.join(f'{k} {v}' for k, v in sorted(load.failed.items()))})"
             if load.failed else ""))
    print(_line("-> first response", load.first_ms))
    print(_line("-> final answer", load.final_ms))
    print(f"largest event-loop stall: {stalls[-1] if stalls else '?'} ms")
    print(f"resident memory: before {before:.0f} MB, peak during {load.rss_peak:.0f} MB, "
          f"after {after:.0f} MB; fresh process on the same database {fresh:.0f} MB "
          f"(after / fresh = {after / fresh:.2f})")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and run the load."""
    parser = argparse.ArgumentParser(prog="python -m bench.load")
    parser.add_argument("--interactions", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--seed", type=int, default=20261202)
    parser.add_argument("--settle", type=float, default=20.0,
                        help="seconds to wait after the load before measuring memory")
    parser.add_argument("--db", help="database to use (ingested first if missing)")
    return asyncio.run(main_async(parser.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
