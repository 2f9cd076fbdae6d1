"""A year of news, simulated for a month: how the corpus, the index and the answers grow per day.

Run from the repository root::

    python -m bench.growth                                   # 500 articles a day, 30 days
    python -m bench.growth --articles-per-day 5000 --days 3  # full daily volume, fewer days
    python -m bench.growth --keep-days 7,14                  # more than one retention setting

Issue 11 expects 100 feeds x 50 articles a day: about 2 million articles (50 million
sentences) a year. This bench plays that growth one simulated day per step, at a chosen
scale, and prints what every day costs; then it extrapolates (linearly, and labelled so) to
the full daily volume and to a year.

The articles are real texts: RealTime QA's ``articles.jsonl.gz`` and BBC News'
``articles.jsonl`` (from ``../shared/eval``, or ``--sources`` files), read once through
`corpus.ingest.read_articles`, interleaved, and repeated in a cycle. Each copy is a new
article: its title gets the day and a number (``"... (2026-01-03 no. 17)"``, so the
content differs and is not deduplicated), its URL is new, ``published`` is the simulated day,
and it is stored with the ``feed_id`` of one of ``--feeds`` followed feeds (so retention
applies to it). Texts repeat, so the vocabulary stops growing once the pool has been used:
real news adds new names every day (the index's term tables would grow a little more).

Each day, in a fresh database per retention setting (each in its own process, so memory
figures are its own):

* **prune** (with ``--keep-days K`` only): articles from feeds published more than K days
  before the day are removed, as ``newsdesk prune`` does:
  ``find_article_ids(older_than=..., from_feeds=True)`` + ``remove_articles``, then the index
  follows (`AnswerService.reindex`; removed documents are masked). The corpus then holds
  the day and the K before it.
* **add s**: the day's articles arrive in ``--polls`` polls. Each poll is what a feed poll
  does for its new entries: split each article (`retrieval.sentences.segment_within`, in a
  thread), `CorpusStore.upsert` with its ``feed_id``, `IndexLifecycle.note`, then
  `AnswerService.reindex`, which adds the poll as a delta segment. **add ms/art** is per
  article; **segs** the index's segments after the last poll (1: the poll was a full
  rebuild); **add lag ms** the event loop's worst stall meanwhile (a 5 ms ticker, as in
  `bench.speed`). The background full rebuild the bot schedules after each delta is held back
  (``rebuild_delay`` is set very long) and done once at the end of the day instead:
* **build s**: a full build of the whole corpus as at startup: the saved index is deleted,
  then `IndexLifecycle.open` (list the articles, stream the stored sentences, analyse with
  ``index_workers`` processes, assemble, save, reopen memory-mapped). The service then uses it.
  **build CPU s**: CPU seconds of the process and its index workers during it; **build
  lag ms**: the loop's worst stall during it.
* **sentences**, **articles**; **db MB** (the SQLite file with its WAL); **index MB** (the
  saved index directory on disk); **arrays MB** (the index's numpy arrays: postings, lengths,
  the sentences' text; memory-mapped from the saved files); **RSS MB** of the process.
* **p50 / p95 ms**: ``--questions`` real questions (RealTime QA gold questions, then quiz
  questions; with ``--sources``, without the eval data, the pool's titles) through
  `AnswerService.answer` as of the simulated day, after the build, after 10 warm-up questions.
* **load**: the machine's 1-minute load average at the end of the day (other work on the
  machine stretches the wall-clock figures; the CPU seconds much less).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import math
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from bench.quality import eval_dir
from bench.speed import LagMonitor
from bot.config import Settings
from bot.indexing import DELTA_MAX_ARTICLES, MAX_SEGMENTS, IndexLifecycle
from bot.service import AnswerService
from corpus.backend import SHARED_SCOPE
from corpus.ingest import read_articles
from corpus.models import Article
from retrieval.sentences import segment_within

FULL_PER_DAY = 5_000  # 100 feeds x 50 articles
YEAR_DAYS = 365
START = date(2026, 1, 1)
WARM_UP = 10
HELD_BACK = 1e9  # seconds: the background rebuild never runs during a day's polls
ROW = "ROW "


def eval_sources() -> list[Path]:
    """The two eval files this bench reads by default (RealTime QA, BBC News)."""
    folder = eval_dir()
    return [folder / "realtimeqa" / "articles.jsonl.gz", folder / "bbc-news" / "articles.jsonl"]


def load_pool(paths: Sequence[Path], per_source: int | None) -> list[Article]:
    """Articles read from each file (at most ``per_source`` each), interleaved by source."""
    sources = []
    for path in paths:
        read = (item for item in read_articles(path) if isinstance(item, Article))
        sources.append(list(itertools.islice(read, per_source)))
    mixed = itertools.chain.from_iterable(itertools.zip_longest(*sources))
    return [article for article in mixed if article is not None and article.body.strip()]


def load_questions(limit: int, pool: Sequence[Article]) -> list[str]:
    """RealTime QA's questions (gold first) when present, else the pool's titles."""
    folder = eval_dir() / "realtimeqa"
    found: list[str] = []
    for name in ("gold_questions.jsonl", "questions.jsonl"):
        if (folder / name).exists():
            with (folder / name).open(encoding="utf-8") as lines:
                found.extend(json.loads(line)["question_sentence"] for line in lines)
    if not found:
        found = [a.title for a in pool if a.title]
    return list(dict.fromkeys(found))[:limit]


def copy_of(article: Article, day: date, number: int, feed: int) -> Article:
    """A new article with ``article``'s text, published on ``day`` by feed number ``feed``."""
    iso = day.isoformat()
    return replace(
        article,
        title=f"{article.title or 'Untitled'} ({iso} no. {number})",
        url=f"https://feed{feed:03d}.example/{iso}/{number}",
        source=article.source or f"feed{feed:03d}.example",
        published=iso,
        origin=f"day {iso} no. {number}",
    )


def file_mb(*paths: Path) -> float:
    """MB of the files and directories (recursively) at ``paths``; missing ones count 0."""
    total = 0
    for path in paths:
        if path.is_dir():
            total += sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
        elif path.exists():
            total += path.stat().st_size
    return total / 1e6


def cpu_seconds() -> float:
    """CPU seconds (user + system) of this process and its finished children so far."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def rss_mb() -> float:
    """Resident set size of this process now, in MB (0.0 where /proc is missing)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


# -- one retention setting, in a child process ------------------------------------------------


class Simulation:
    """One corpus growing day by day through the bot's own ingest and index paths."""

    def __init__(self, service: AnswerService, pool: Sequence[Article], questions: list[str],
                 feed_ids: list[int], args: argparse.Namespace) -> None:
        self.service = service
        self.pool = pool
        self.questions = questions
        self.feed_ids = feed_ids
        self.args = args
        self.next_text = 0

    async def prune(self, day: date) -> tuple[int, float]:
        """Remove feed articles published more than ``keep_days`` before ``day``."""
        store = self.service.store
        started = time.perf_counter()
        cutoff = (day - timedelta(days=self.args.keep_days)).isoformat()
        ids = await store.find_article_ids(older_than=cutoff, from_feeds=True)
        removed = await store.remove_articles(ids)
        await self.service.reindex()
        return removed, time.perf_counter() - started

    async def add_poll(self, day: date, first: int, count: int) -> tuple[float, int]:
        """One poll's articles: split, store with their feed, note, refresh (timed)."""
        articles = []
        for number in range(first, first + count):
            text = self.pool[self.next_text % len(self.pool)]
            self.next_text += 1
            feed = number % len(self.feed_ids)
            articles.append((copy_of(text, day, number, feed), self.feed_ids[feed]))
        max_bytes = self.service.settings.max_article_bytes
        started = time.perf_counter()
        split = await asyncio.to_thread(
            lambda: [segment_within(article.body, max_bytes) for article, _ in articles])
        for (article, feed_id), (body, sentences) in zip(articles, split, strict=True):
            if not sentences:
                continue
            if len(body) < len(article.body):
                article = replace(article, body=body, partial=True)
            result = await self.service.store.upsert(article, sentences, scope=SHARED_SCOPE,
                                                     feed_id=feed_id)
            self.service.index.note(result.status, result.article_id)
        await self.service.reindex()
        seconds = time.perf_counter() - started
        snapshot = self.service.index.snapshot
        return seconds, len(snapshot.index.segments) if snapshot else 0

    async def full_build(self) -> float:
        """Delete the saved index and build the whole corpus as at startup (timed)."""
        service = self.service
        await service.index.close()
        directory = service.index.index_dir()
        if directory is not None:
            await asyncio.to_thread(shutil.rmtree, directory, True)
        started = time.perf_counter()
        service.index = await IndexLifecycle.open(service.store, service.settings)
        return time.perf_counter() - started

    async def ask(self, day: date) -> tuple[float, float, int]:
        """p50 and p95 ms of the questions as of ``day``, and how many got an answer."""
        for query in self.questions[:WARM_UP]:
            await self.service.answer(query, as_of=day)
        times, answered = [], 0
        for query in self.questions:
            started = time.perf_counter()
            answer = await self.service.answer(query, as_of=day)
            times.append((time.perf_counter() - started) * 1000)
            answered += answer.best is not None
        return float(np.percentile(times, 50)), float(np.percentile(times, 95)), answered

    async def day(self, number: int) -> dict[str, Any]:
        """Play day ``number`` (1-based) and return its row."""
        args = self.args
        day = START + timedelta(days=number - 1)
        row: dict[str, Any] = {"day": number, "date": day.isoformat(), "pruned": 0,
                               "prune_s": 0.0}
        if args.keep_days is not None:
            row["pruned"], row["prune_s"] = await self.prune(day)
        per_poll = math.ceil(args.articles_per_day / args.polls)
        add_s, segments, first = 0.0, 0, 0
        with LagMonitor() as monitor:
            while first < args.articles_per_day:
                count = min(per_poll, args.articles_per_day - first)
                seconds, held = await self.add_poll(day, first, count)
                add_s += seconds
                segments = max(segments, held)
                first += count
        row["add_s"], row["segments"], row["add_lag_ms"] = add_s, segments, monitor.worst
        row["add_ms_per_article"] = add_s / args.articles_per_day * 1000
        cpu = cpu_seconds()
        with LagMonitor() as monitor:
            row["build_s"] = await self.full_build()
        row["build_cpu_s"] = cpu_seconds() - cpu  # the index workers included (reaped)
        row["build_lag_ms"] = monitor.worst
        service = self.service
        snapshot = service.index.snapshot
        assert snapshot is not None
        sizes = snapshot.index.nbytes()
        db = Path(service.settings.db)
        directory = service.index.index_dir()
        row.update(
            articles=await service.store.count_articles(),
            sentences=snapshot.index.sentence_count,
            db_mb=file_mb(db, Path(f"{db}-wal")),
            index_mb=file_mb(directory) if directory else 0.0,
            arrays_mb=(sizes["index"] + sizes["text"]) / 1e6,
            rss_mb=rss_mb(),
        )
        row["p50_ms"], row["p95_ms"], row["answered"] = await self.ask(day)
        row["load"] = os.getloadavg()[0]
        return row


async def simulate(args: argparse.Namespace) -> None:
    """Play ``args.days`` days in a fresh database; print one ``ROW`` JSON line per day."""
    paths = [Path(p) for p in args.sources]
    pool = await asyncio.to_thread(load_pool, paths, args.pool)
    questions = await asyncio.to_thread(load_questions, args.questions, pool)
    with tempfile.TemporaryDirectory(prefix="newsdesk-growth-") as tmp:
        settings = Settings(db=Path(tmp) / "growth.db", question_log=False,
                            rebuild_delay=HELD_BACK, refresh_interval=0.0)
        service = await AnswerService.open(settings, load_sample=False)
        try:
            feed_ids = []
            for number in range(args.feeds):
                feed, _ = await service.store.add_feed(
                    f"https://feed{number:03d}.example/rss", scope=SHARED_SCOPE, every_minutes=15)
                feed_ids.append(feed.feed_id)
            simulation = Simulation(service, pool, questions, feed_ids, args)
            for number in range(1, args.days + 1):
                row = await simulation.day(number)
                row["pool"] = len(pool)
                print(ROW + json.dumps(row), flush=True)
        finally:
            await service.close()


# -- the report ---------------------------------------------------------------------------------

COLUMNS = (  # heading, row key, format
    ("day", "day", "{:d}"), ("articles", "articles", "{:,}"), ("sentences", "sentences", "{:,}"),
    ("db MB", "db_mb", "{:.2f}"), ("index MB", "index_mb", "{:.2f}"),
    ("arrays MB", "arrays_mb", "{:.2f}"), ("RSS MB", "rss_mb", "{:.0f}"),
    ("add s", "add_s", "{:.2f}"), ("add ms/art", "add_ms_per_article", "{:.2f}"),
    ("segs", "segments", "{:d}"), ("add lag ms", "add_lag_ms", "{:.0f}"),
    ("build s", "build_s", "{:.2f}"), ("build CPU s", "build_cpu_s", "{:.2f}"),
    ("build lag ms", "build_lag_ms", "{:.0f}"),
    ("p50 ms", "p50_ms", "{:.1f}"), ("p95 ms", "p95_ms", "{:.1f}"),
    ("pruned", "pruned", "{:,}"), ("prune s", "prune_s", "{:.2f}"), ("load", "load", "{:.1f}"),
)


def table(rows: Sequence[dict[str, Any]]) -> str:
    """A Markdown table, one row per simulated day."""
    lines = ["| " + " | ".join(head for head, _, _ in COLUMNS) + " |",
             "|" + "---:|" * len(COLUMNS)]
    for row in rows:
        lines.append("| " + " | ".join(form.format(row[key]) for _, key, form in COLUMNS) + " |")
    return "\n".join(lines)


def fit(xs: Sequence[float], ys: Sequence[float]) -> tuple[float, float]:
    """``(intercept, slope)`` of the least-squares line (through 0 with one distinct x)."""
    if len(set(xs)) < 2:
        return 0.0, (ys[-1] / xs[-1] if xs and xs[-1] else 0.0)
    slope, intercept = np.polyfit(np.asarray(xs, float), np.asarray(ys, float), 1)
    return float(intercept), float(slope)


def per_day(rows: Sequence[dict[str, Any]], key: str) -> float:
    """Growth of ``key`` per simulated day (slope over the days)."""
    return fit([r["day"] for r in rows], [r[key] for r in rows])[1]


def at(rows: Sequence[dict[str, Any]], key: str, sentences: float) -> float:
    """``key`` at ``sentences``, on a line through the last measured day.

    The slope is fitted (least squares against the corpus's sentences) over the later half
    of the days, the marginal cost at the largest sizes measured; a falling slope (noise)
    counts as flat.
    """
    later = rows[len(rows) // 2 :] if len(rows) >= 4 else rows
    slope = max(fit([r["sentences"] for r in later], [r[key] for r in later])[1], 0.0)
    return float(rows[-1][key] + slope * (sentences - rows[-1]["sentences"]))


def summary(runs: dict[str, list[dict[str, Any]]], args: argparse.Namespace) -> list[str]:
    """Growth per day, what retention holds the figures to, memory, and the extrapolation."""
    grow = runs["no retention"]
    last = grow[-1]
    out = ["", "## Summary (measured)", ""]
    per_article = last["sentences"] / max(last["articles"], 1)
    out.append(f"scale: {args.articles_per_day:,} articles a day ({args.polls} polls of up to "
               f"{math.ceil(args.articles_per_day / args.polls)}), {args.days} days; "
               f"{per_article:.1f} sentences per article; texts from a pool of "
               f"{last['pool']:,} articles")
    out.append("growth per day without retention: " + ", ".join(
        f"{label} {per_day(grow, key):+,.{digits}f}" for label, key, digits in (
            ("articles", "articles", 0), ("sentences", "sentences", 0), ("db MB", "db_mb", 1),
            ("index MB", "index_mb", 1), ("arrays MB", "arrays_mb", 1),
            ("RSS MB", "rss_mb", 1), ("build s", "build_s", 3), ("build CPU s", "build_cpu_s", 3),
            ("add ms/art", "add_ms_per_article", 3), ("add lag ms", "add_lag_ms", 2),
            ("p50 ms", "p50_ms", 2), ("p95 ms", "p95_ms", 2))))
    checkpoints = sorted({grow[0]["day"], grow[len(grow) // 2]["day"], last["day"]})
    for label, key in (("build s per M sentences", "build_s"),
                       ("build CPU s per M sentences", "build_cpu_s"),
                       ("add ms per article", "add_ms_per_article"),
                       ("p50 ms", "p50_ms"), ("p95 ms", "p95_ms")):
        scale = (lambda r: 1e6 / max(r["sentences"], 1)) if "per M" in label else (lambda r: 1)
        out.append(f"{label}: " + ", ".join(
            f"day {r['day']} {r[key] * scale(r):.2f}" for r in grow if r["day"] in checkpoints))
    million = last["sentences"] / 1e6
    rss_slope = fit([r["sentences"] for r in grow], [r["rss_mb"] for r in grow])[1] * 1e6
    shares = ", ".join(f"{label} {last[key] / million:,.0f} MB" for label, key in (
        ("arrays", "arrays_mb"), ("saved index", "index_mb"), ("database", "db_mb"),
        ("RSS", "rss_mb")))
    out.append(f"memory per million sentences (day {last['day']}): {shares} "
               f"(RSS growth per extra million: {rss_slope:,.0f} MB)")
    for name, rows in runs.items():
        if name == "no retention":
            continue
        keep = rows[-1]
        out.append(f"{name}, day {keep['day']} (no retention in brackets): "
                   + ", ".join(f"{label} {keep[key]:,.{digits}f} ({last[key]:,.{digits}f})"
                               for label, key, digits in (
                                   ("articles", "articles", 0), ("sentences", "sentences", 0),
                                   ("db MB", "db_mb", 1), ("index MB", "index_mb", 1),
                                   ("RSS MB", "rss_mb", 0), ("add s", "add_s", 2),
                                   ("build s", "build_s", 2),
                                   ("build CPU s", "build_cpu_s", 2), ("p50 ms", "p50_ms", 1),
                                   ("p95 ms", "p95_ms", 1)))
                   + f"; prune {keep['prune_s']:.2f} s for {keep['pruned']:,} articles")
    out.extend(extrapolation(grow, args, per_article))
    return out


def extrapolation(grow: Sequence[dict[str, Any]], args: argparse.Namespace,
                  per_article: float) -> list[str]:
    """Figures at the full daily volume, for 30 days and a year (lines fitted to the run)."""
    out = ["", f"## Extrapolation (linear, from the {args.days}-day run at "
           f"{args.articles_per_day:,}/day; not measured)", ""]
    out.append("each figure: its value on the last measured day plus the slope (per sentence "
               "of corpus) fitted over the later half of the days; for add s/day, add ms per "
               f"article that way times {FULL_PER_DAY:,}")
    scales = [(f"full scale, day 30 ({30 * FULL_PER_DAY:,} articles)", 30 * FULL_PER_DAY),
              (f"full scale, one year ({YEAR_DAYS * FULL_PER_DAY:,} articles)",
               YEAR_DAYS * FULL_PER_DAY)]
    scales.append(("full scale, one year at the issue's 25 sentences/article",
                   50_000_000 / per_article))
    for keep in args.keep_days:
        scales.append((f"full scale, keep {keep} days ({(keep + 1) * FULL_PER_DAY:,} articles)",
                       (keep + 1) * FULL_PER_DAY))
    head = ["corpus", "sentences", "db GB", "index GB", "arrays GB", "RSS GB", "add s/day",
            "add lag ms", "build s", "build CPU s", "p50 ms", "p95 ms"]
    out += ["| " + " | ".join(head) + " |", "|" + "---:|" * len(head)]
    for label, articles in scales:
        sentences = articles * per_article
        add_day = at(grow, "add_ms_per_article", sentences) * FULL_PER_DAY / 1000
        cells = [label, f"{sentences / 1e6:,.1f} M"]
        cells += [f"{at(grow, key, sentences) / 1000:,.1f}"
                  for key in ("db_mb", "index_mb", "arrays_mb", "rss_mb")]
        cells.append(f"{add_day:,.0f}")
        cells += [f"{at(grow, key, sentences):,.0f}"
                  for key in ("add_lag_ms", "build_s", "build_cpu_s", "p50_ms", "p95_ms")]
        out.append("| " + " | ".join(cells) + " |")
    out.append(f"(these texts average {per_article:.1f} sentences per article; the issue "
               "estimates 25, 50 M sentences a year: that row is the year at 50 M sentences)")
    out.append("a running bot also rebuilds the whole index in the background after every poll "
               "that added a delta segment (rebuild_delay): each such rebuild costs the build s "
               "above, so a poll cycle every 15 minutes means up to 96 of them a day")
    return out


# -- driver -------------------------------------------------------------------------------------


def child(args: argparse.Namespace, keep: int | None) -> list[dict[str, Any]]:
    """Run one retention setting in a fresh process and return its rows."""
    command = [sys.executable, "-m", "bench.growth", "--child",
               "--articles-per-day", str(args.articles_per_day), "--days", str(args.days),
               "--polls", str(args.polls), "--feeds", str(args.feeds),
               "--questions", str(args.questions), "--sources", *args.sources]
    if args.pool is not None:
        command += ["--pool", str(args.pool)]
    command += ["--keep-days", "" if keep is None else str(keep)]
    rows = []
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True,
                          cwd=Path(__file__).resolve().parents[1]) as process:
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith(ROW):
                row = json.loads(line[len(ROW):])
                rows.append(row)
                print(f"  day {row['day']}: {row['articles']:,} articles, "
                      f"{row['sentences']:,} sentences, add {row['add_s']:.1f} s, "
                      f"build {row['build_s']:.1f} s, p50 {row['p50_ms']:.1f} ms", flush=True)
    if process.returncode != 0:
        raise SystemExit(f"the simulation failed: {' '.join(command)}")
    return rows


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m bench.growth", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles-per-day", type=int, default=500,
                        help=f"articles added a day (full scale: {FULL_PER_DAY:,})")
    parser.add_argument("--days", type=int, default=30, help="simulated days")
    parser.add_argument("--keep-days", default="7",
                        help="retention settings to compare with none, comma-separated "
                        "('' for none)")
    parser.add_argument("--polls", type=int, default=4,
                        help="polls a day: each is one delta segment")
    parser.add_argument("--feeds", type=int, default=100, help="followed feeds")
    parser.add_argument("--questions", type=int, default=200, help="questions timed a day")
    parser.add_argument("--pool", type=int, default=None,
                        help="at most this many texts from each source (default: all)")
    parser.add_argument("--sources", nargs="+", default=None,
                        help="article files (default: the RealTime QA and BBC News eval files)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        args.keep_days = int(args.keep_days) if args.keep_days else None
    else:
        args.keep_days = [int(k) for k in args.keep_days.split(",") if k.strip()]
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run every retention setting and print the tables, the summary and the extrapolation."""
    args = parse(argv)
    if args.child:
        asyncio.run(simulate(args))
        return 0
    if args.sources is None:
        args.sources = [str(path) for path in eval_sources()]
        if not all(Path(path).exists() for path in args.sources):
            print(f"RealTime QA / BBC News data not found in {eval_dir()}; skipping "
                  "(pass --sources FILE... to use other article files)")
            return 0
    per_poll = math.ceil(args.articles_per_day / args.polls)
    if per_poll > DELTA_MAX_ARTICLES or args.polls >= MAX_SEGMENTS:
        print(f"note: polls of {per_poll} articles, {args.polls} a day: over "
              f"{DELTA_MAX_ARTICLES} articles a poll or {MAX_SEGMENTS - 1} polls a day, a poll "
              "is a full rebuild instead of a delta segment (see the segs column)")
    print(f"# bench.growth: {args.articles_per_day:,} articles a day for {args.days} days, "
          f"{args.polls} polls a day, {args.feeds} feeds, {args.questions} questions; "
          f"started {time.strftime('%Y-%m-%d %H:%M:%S')}", flush=True)
    runs: dict[str, list[dict[str, Any]]] = {}
    for keep in [None, *args.keep_days]:
        name = "no retention" if keep is None else f"keep {keep} days"
        print(f"{name}:", flush=True)
        started = time.perf_counter()
        runs[name] = child(args, keep)
        print(f"  ({time.perf_counter() - started:.0f} s)", flush=True)
    for name, rows in runs.items():
        print(f"\n## {name} ({args.articles_per_day:,} articles a day)\n")
        print(table(rows))
    print("\n".join(summary(runs, args)))
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
