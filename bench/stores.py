"""SQLite beside PostgreSQL: ingest throughput, ask latency, and cross-process freshness.

Run from the repository root (as root, so a throwaway PostgreSQL can start; or pass one)::

    python -m bench.stores [--pg postgresql://user@host/db] [--questions 300] [--rounds 5]

For each store, on a fresh database:

* **ingest**: BBC News (``bbc-news/articles.jsonl``) then RealTime QA
  (``realtimeqa/articles.jsonl.gz``) through `AnswerService.ingest` (reader, splitter, one
  transaction per article; no index build): seconds, articles a second, sentences a second;
* **ask p50 / p95 ms**: `AnswerService.answer` over ``--questions`` real questions after 20
  warm-up ones, the question log on (each answer also writes a row, as ``/ask`` does);
* **fresh s**: a service in this process (the running bot) while a separate
  ``newsdesk ingest`` process adds one new article: seconds from that process's exit until
  the service answers from the article (median and worst of ``--rounds``). SQLite is polled
  (``NEWSDESK_REFRESH_INTERVAL``, 1 s by default); PostgreSQL wakes on NOTIFY.

Without ``--pg`` a throwaway cluster is started with the test suite's helper (`tests.pg`,
needs the PostgreSQL binaries and root). Without the evaluation data the run is skipped
with a message.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.quality import eval_dir
from bench.speed import questions as real_questions
from bot.config import Settings
from bot.service import AnswerService

REPO = Path(__file__).resolve().parents[1]
WARM_UP = 20


def corpus_files() -> list[Path] | None:
    """The BBC News and RealTime QA article files, or None when either is missing."""
    folder = eval_dir()
    files = [folder / "bbc-news" / "articles.jsonl", folder / "realtimeqa" / "articles.jsonl.gz"]
    return files if all(path.exists() for path in files) else None


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def ingest_and_ask(location: Path | str, files: list[Path], asked: list[str],
                         index_dir: Path) -> dict[str, Any]:
    settings = Settings(db=location, persist_index=False, index_dir=index_dir)
    service = await AnswerService.open(settings, load_sample=False)
    try:
        started = time.perf_counter()
        report = await service.ingest(files, reindex=False)
        seconds = time.perf_counter() - started
        stats = await service.store.stats()
        await service.reindex()
        for question in asked[:WARM_UP]:
            await service.answer(question)
        times = []
        for question in asked[WARM_UP:]:
            began = time.perf_counter()
            await service.answer(question)
            times.append((time.perf_counter() - began) * 1000)
    finally:
        await service.close()
    return {"articles": report.added, "sentences": stats.sentences, "ingest_s": seconds,
            "articles_per_s": report.added / seconds, "sentences_per_s": stats.sentences / seconds,
            "p50_ms": percentile(times, 0.5), "p95_ms": percentile(times, 0.95)}


async def freshness(location: Path | str, rounds: int, work: Path) -> list[float]:
    """Seconds from a separate ingest process's exit to an answer from its article."""
    settings = Settings(db=location, persist_index=False, index_dir=work / "index",
                        question_log=False)
    delays = []
    async with await AnswerService.open(settings, load_sample=False) as service:
        for number in range(rounds):
            word = f"quorvex{number}{int(time.time())}"
            article = work / f"{word}.md"
            article.write_text(f"# The {word} lighthouse\n\nThe {word} lighthouse was relit on "
                               "Friday after a long repair. Crowds watched.\n", encoding="utf-8")
            question = f"When was the {word} lighthouse relit?"
            ingest = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "ingest", "--db", str(location), str(article),
                cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            assert await ingest.wait() == 0, "ingest failed"
            done = time.perf_counter()
            while (await service.answer(question)).best is None:
                if time.perf_counter() - done > 30:
                    raise RuntimeError(f"not answerable after 30 s on {location}")
                await asyncio.sleep(0.01)
            delays.append(time.perf_counter() - done)
    return delays


def report(rows: dict[str, dict[str, Any]]) -> None:
    print(f"{'store':<11}{'articles':>9}{'sentences':>11}{'ingest s':>10}{'art/s':>8}"
          f"{'sent/s':>9}{'ask p50 ms':>12}{'p95 ms':>8}{'fresh s (median/max)':>23}")
    for name, row in rows.items():
        fresh = row["fresh"]
        print(f"{name:<11}{row['articles']:>9,}{row['sentences']:>11,}{row['ingest_s']:>10.1f}"
              f"{row['articles_per_s']:>8.0f}{row['sentences_per_s']:>9.0f}"
              f"{row['p50_ms']:>12.1f}{row['p95_ms']:>8.1f}"
              f"{statistics.median(fresh):>15.2f} / {max(fresh):.2f}")


async def measure(locations: dict[str, Path | str], files: list[Path], asked: list[str],
                  rounds: int, work: Path) -> dict[str, dict[str, Any]]:
    rows = {}
    for name, location in locations.items():
        print(f"{name}: ingesting and asking...", flush=True)
        row = await ingest_and_ask(location, files, asked, work / f"{name}.index")
        print(f"{name}: ingest in another process until answerable...", flush=True)
        row["fresh"] = await freshness(location, rounds, work)
        rows[name] = row
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.stores", description=__doc__)
    parser.add_argument("--pg", help="an empty PostgreSQL database's URL (default: start one)")
    parser.add_argument("--questions", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    files = corpus_files()
    if files is None:
        print(f"skipped: BBC News or RealTime QA articles missing under {eval_dir()}")
        return 0
    asked = real_questions(args.questions + WARM_UP)
    cluster = None
    url = args.pg
    if url is None:
        from tests.pg import start_cluster

        cluster, reason = start_cluster()
        if cluster is None:
            print(f"skipped: {reason}")
            return 0
        url = cluster.create_database("bench")
    try:
        with tempfile.TemporaryDirectory(prefix="newsdesk-stores-") as scratch:
            work = Path(scratch)
            rows = asyncio.run(measure({"SQLite": work / "bench.db", "PostgreSQL": url},
                                       files, asked, args.rounds, work))
    finally:
        if cluster is not None:
            cluster.stop()
    report(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
