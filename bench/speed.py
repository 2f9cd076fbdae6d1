"""Index build time, memory and answer latency at growing corpus sizes, beside rank-bm25.

Run from the repository root::

    python -m bench.speed --sentences 10000,100000,1000000 [--work DIR] [--questions 500]

The corpus is real news: RealTime QA's ``articles.jsonl.gz`` and BBC News'
``articles.jsonl``, ingested once through newsdesk's pipeline (reader, clean-up, splitter,
store) into ``DIR/base.db``. A corpus of N sentences takes whole articles in that order
until it holds N sentences; past the end it starts again with copies: copy k (k = 1, 2, ...)
of an article has `` zq<k>`` appended to its title and to every sentence, so no two
sentences are the same text and every copy adds one new term to each sentence. Copies are
written to ``DIR/size-N.db`` with ``ArticleStore.upsert`` (the stored sentences are reused,
not re-split). ``DIR`` defaults to a temporary directory; pass one to reuse the databases.

Each size is measured in a fresh child process (so peak RSS is that size's alone):

* **build s**: `AnswerService.reindex` on the database with no saved index: stream the
  stored sentences, analyse, assemble the arrays (saving measured apart as **save s**);
* **peak RSS** of the process during the build, and the index's own arrays split into
  **index MB** (postings, lengths, vocabulary, document metadata) and **text MB** (the
  sentences' UTF-8 text and spans, kept for passages);
* **p50 / p95 ms**: `bot.answering.answer_question`, the whole answer path the worker thread
  runs (query analysis, article pass, fused scoring with pruning, rerank, abstention,
  passage assembly), over ``--questions`` real questions (the RealTime QA gold questions,
  then quiz questions in file order), after 20 warm-up questions;
* **rank-bm25 ms**: ``BM25Okapi.get_scores`` (lowercased word tokens of the same
  sentences) p50 over ``--baseline-queries`` of the same questions, and the **speed-up**
  (its p50 over newsdesk's p50);
* **loop lag ms**: the largest delay of a 5 ms ticker on the event loop while 4 rounds of
  50 concurrent ``answer()`` calls run;
* **add s** / **add lag ms**: ingesting one new article file through ``ingest`` until a
  question about it is answered from it, and the loop's largest lag meanwhile;
  **rebuild s**: the background full rebuild that follows (lag measured during it too);
* **open s**: a new process opening the saved index (``AnswerService.open``) up to its
  first answer (Python start-up and imports not included).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from bench.quality import eval_dir, plain_terms
from bot.answering import Question, answer_question
from bot.config import Settings
from bot.indexing import IndexLifecycle
from bot.service import AnswerService
from corpus.models import Article
from corpus.store import ArticleStore, SentenceRow

WARM_UP = 20
CONCURRENT = 50
ROUNDS = 4


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB (VmHWM; ru_maxrss survives exec)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def questions(limit: int) -> list[str]:
    """Real questions: RealTime QA gold questions, then quiz questions in file order."""
    folder = eval_dir() / "realtimeqa"
    found: list[str] = []
    for name in ("gold_questions.jsonl", "questions.jsonl"):
        with (folder / name).open(encoding="utf-8") as lines:
            for line in lines:
                found.append(json.loads(line)["question_sentence"])
    return list(dict.fromkeys(found))[:limit]


def quiet_settings(db: Path, **overrides: Any) -> Settings:
    return Settings(db=db, question_log=False, **overrides)


# -- corpora ---------------------------------------------------------------------------------


async def make_base(work: Path) -> Path:
    """``work/base.db``: RealTime QA and BBC News ingested through the pipeline (once)."""
    db = work / "base.db"
    if await asyncio.to_thread(db.exists):
        return db
    folder = eval_dir()
    staging = work / "base.db.partial"
    await asyncio.to_thread(_remove_database, staging)
    service = await AnswerService.open(quiet_settings(staging, persist_index=False),
                                       load_sample=False)
    try:
        for path in (folder / "realtimeqa" / "articles.jsonl.gz",
                     folder / "bbc-news" / "articles.jsonl"):
            started = time.perf_counter()
            report = await service.ingest([path], reindex=False)
            print(f"ingested {report.added} articles from {path.name} in "
                  f"{time.perf_counter() - started:.0f}s", flush=True)
    finally:
        await service.close()
    await asyncio.to_thread(_publish, staging, db)
    return db


def _remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _publish(staging: Path, db: Path) -> None:
    staging.rename(db)
    _remove_database(Path(f"{staging}"))


async def make_size(base: Path, work: Path, size: int) -> Path:
    """``work/size-N.db``: whole articles of the base, then marked copies, up to N sentences."""
    db = work / f"size-{size}.db"
    if await asyncio.to_thread(db.exists):
        return db
    staging = work / f"size-{size}.db.partial"
    await asyncio.to_thread(_remove_database, staging)
    source = await ArticleStore.open(base)
    target = await ArticleStore.open(staging)
    try:
        articles = sorted(await source.list_articles(), key=lambda a: a.article_id)
        rows: dict[int, list[SentenceRow]] = {}
        async for row in source.iter_sentences():
            rows.setdefault(row.article_id, []).append(row)
        bodies = {a.article_id: await source.get_body(a.article_id) or "" for a in articles}
        total, copy = 0, 0
        while total < size:
            for stored in articles:
                if total >= size:
                    break
                marker = f" zq{copy}" if copy else ""
                sentences = [
                    SentenceRow(r.article_id, r.position, r.paragraph, r.start, r.end,
                                r.text + marker)
                    for r in rows.get(stored.article_id, [])
                ]
                if not sentences:
                    continue
                article = Article(
                    title=(stored.title or "untitled") + marker,
                    body=bodies[stored.article_id],
                    url=f"{stored.url}#copy{copy}" if stored.url and copy else stored.url,
                    source=stored.source,
                    published=stored.published,
                    authors=stored.authors,
                    origin=f"copy {copy}",
                )
                await target.upsert(article, sentences)
                total += len(sentences)
            copy += 1
    finally:
        await source.close()
        await target.close()
    await asyncio.to_thread(_publish, staging, db)
    print(f"wrote {db.name}: {total} sentences ({copy} pass(es) over the base)", flush=True)
    return db


# -- measurements (child process) ------------------------------------------------------------


class LagMonitor:
    """A 5 ms ticker on the event loop recording how late each tick fires."""

    def __init__(self) -> None:
        self.lags: list[float] = []
        self._task: asyncio.Task[None] | None = None

    async def _tick(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            due = loop.time() + 0.005
            await asyncio.sleep(0.005)
            self.lags.append(max(0.0, loop.time() - due) * 1000)

    def __enter__(self) -> LagMonitor:
        self._task = asyncio.get_running_loop().create_task(self._tick())
        return self

    def __exit__(self, *exc: object) -> None:
        if self._task is not None:
            self._task.cancel()

    @property
    def worst(self) -> float:
        return max(self.lags, default=0.0)


def index_memory(service: AnswerService) -> dict[str, float]:
    """MB of the index (arrays, vocabulary, metadata) and of the kept sentence text."""
    snapshot = service.index.snapshot
    assert snapshot is not None
    sizes = snapshot.index.nbytes()
    vocabulary = 0
    for segment in snapshot.index.segments:
        vocabulary += sys.getsizeof(segment.vocabulary)
        vocabulary += sum(sys.getsizeof(term) for term in segment.vocabulary)
        vocabulary += sum(sys.getsizeof(info) + sum(sys.getsizeof(v) for v in (
            info.title, info.source, info.url, info.published)) for info in segment.infos)
    return {"index_mb": (sizes["index"] + vocabulary) / 2**20, "text_mb": sizes["text"] / 2**20}


async def measure(db: Path, size: int, limit: int, baseline_queries: int) -> dict[str, Any]:
    """Everything but `open s`, for one size, in this (fresh) process."""
    result: dict[str, Any] = {"size": size}
    settings = quiet_settings(db, persist_index=False)
    store = await ArticleStore.open(db)
    service = AnswerService(store, settings)
    rss_before = peak_rss_mb()
    started = time.perf_counter()
    await service.reindex()
    result["build_s"] = time.perf_counter() - started
    result["peak_rss_mb"] = peak_rss_mb()
    result["rss_before_mb"] = rss_before
    snapshot = service.index.snapshot
    assert snapshot is not None
    result["sentences"] = snapshot.index.sentence_count
    result["articles"] = snapshot.index.doc_count
    result.update(index_memory(service))
    started = time.perf_counter()
    saver = IndexLifecycle(service.store, quiet_settings(db))  # persisting, unlike `service`
    await saver.save(snapshot.index.segments[0], await service.store.list_articles(),
                     snapshot.version)
    result["save_s"] = time.perf_counter() - started

    asked = questions(limit)
    for query in asked[:WARM_UP]:
        answer_question(service.index.snapshot, service.settings,
                        Question(query, 3, 1, date.today()))
    times = []
    for query in asked:
        started = time.perf_counter()
        answer_question(service.index.snapshot, service.settings,
                        Question(query, 3, 1, date.today()))
        times.append((time.perf_counter() - started) * 1000)
    result["questions"] = len(asked)
    result["p50_ms"] = float(np.percentile(times, 50))
    result["p95_ms"] = float(np.percentile(times, 95))
    async_times = []
    for query in asked[:100]:
        started = time.perf_counter()
        await service.answer(query)
        async_times.append((time.perf_counter() - started) * 1000)
    result["async_p50_ms"] = statistics.median(async_times)

    with LagMonitor() as monitor:
        for round_number in range(ROUNDS):
            batch = asked[round_number * CONCURRENT : (round_number + 1) * CONCURRENT]
            await asyncio.gather(*(service.answer(q) for q in batch))
    result["loop_lag_ms"] = monitor.worst

    # one new article: searchable through the incremental path, then the background rebuild
    await service.close()
    service = await AnswerService.open(quiet_settings(db, rebuild_delay=0.0), load_sample=False)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "new.txt"
        await asyncio.to_thread(
            path.write_text, "Zephyrine ferry launched\n\nThe zephyrine ferry service was "
            "launched on Tuesday by the harbour authority of Quillport.\n", encoding="utf-8")
        with LagMonitor() as monitor:
            started = time.perf_counter()
            await service.ingest([path])
            answer = await service.answer("When was the zephyrine ferry launched in Quillport?")
            result["add_s"] = time.perf_counter() - started
            result["add_found"] = bool(answer.best and "zephyrine" in answer.best.sentence.text)
        result["add_lag_ms"] = monitor.worst
        task = service.index.pending_rebuild
        with LagMonitor() as monitor:
            started = time.perf_counter()
            if task is not None:
                await task
            result["rebuild_s"] = time.perf_counter() - started
            answer = await service.answer("When was the zephyrine ferry launched in Quillport?")
            result["rebuilt_found"] = bool(answer.best and "zephyrine" in answer.best.sentence.text)
        result["rebuild_lag_ms"] = monitor.worst
        # put the saved index back to the measured corpus for the open test
        removed = await service.store.remove_article(answer.best.document.doc_id, scope="shared") \
            if answer.best else False
        result["removed_again"] = removed
    await service.reindex()
    task = service.index.pending_rebuild
    if task is not None:
        await task
    snapshot = service.index.snapshot
    assert snapshot is not None
    texts = [snapshot.index.sentence_text(i) for i in range(snapshot.index.sentence_count)]
    await service.close()

    if baseline_queries:
        from rank_bm25 import BM25Okapi

        started = time.perf_counter()
        model = BM25Okapi([plain_terms(t) for t in texts])
        result["bm25_build_s"] = time.perf_counter() - started
        bm25_times = []
        for query in asked[:baseline_queries]:
            terms = plain_terms(query)
            started = time.perf_counter()
            model.get_scores(terms)
            bm25_times.append((time.perf_counter() - started) * 1000)
        result["bm25_p50_ms"] = statistics.median(bm25_times)
        result["speedup"] = result["bm25_p50_ms"] / result["p50_ms"]
    return result


async def open_first_answer(db: Path) -> dict[str, Any]:
    """Open the saved index in this (fresh) process and answer one question."""
    started = time.perf_counter()
    service = await AnswerService.open(quiet_settings(db), load_sample=False)
    answer = await service.answer("Which country is now bankrupt?")
    seconds = time.perf_counter() - started
    snapshot = service.index.snapshot
    segments = len(snapshot.index.segments) if snapshot else 0
    await service.close()
    return {"open_s": seconds, "answered": answer.best is not None, "segments": segments,
            "rss_mb": peak_rss_mb()}


# -- driver ----------------------------------------------------------------------------------


def child(argv: Sequence[str]) -> dict[str, Any]:
    """Run ``python -m bench.speed --child ...`` and return its JSON result."""
    command = [sys.executable, "-m", "bench.speed", "--child", *argv]
    done = subprocess.run(command, capture_output=True, text=True, check=False,
                          cwd=Path(__file__).resolve().parents[1])
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"child failed: {' '.join(argv)}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def report(rows: Sequence[dict[str, Any]]) -> None:
    header = ["sentences", "build s", "save s", "peak RSS MB", "index MB", "text MB",
              "p50 ms", "p95 ms", "async p50 ms", "rank-bm25 ms", "speed-up", "loop lag ms",
              "add s", "add lag ms", "rebuild s", "rebuild lag ms", "open s"]
    print("\n| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for r in rows:
        cells = [f"{r['sentences']:,}", f"{r['build_s']:.1f}", f"{r['save_s']:.1f}",
                 f"{r['peak_rss_mb']:.0f}", f"{r['index_mb']:.0f}", f"{r['text_mb']:.0f}",
                 f"{r['p50_ms']:.2f}", f"{r['p95_ms']:.2f}", f"{r['async_p50_ms']:.2f}",
                 f"{r.get('bm25_p50_ms', float('nan')):.0f}",
                 f"{r.get('speedup', float('nan')):.0f}x", f"{r['loop_lag_ms']:.1f}",
                 f"{r['add_s']:.2f}{'' if r['add_found'] else ' (not found!)'}",
                 f"{r['add_lag_ms']:.1f}", f"{r['rebuild_s']:.1f}",
                 f"{r['rebuild_lag_ms']:.1f}", f"{r['open_s']:.2f}"]
        print("| " + " | ".join(cells) + " |")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.speed", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sentences", default="10000,100000,1000000",
                        help="comma-separated corpus sizes")
    parser.add_argument("--work", help="keep the databases here and reuse them")
    parser.add_argument("--questions", type=int, default=500)
    parser.add_argument("--baseline-queries", type=int, default=20)
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    if args.child:
        kind, db, *rest = args.child
        if kind == "measure":
            result = asyncio.run(measure(Path(db), int(rest[0]), args.questions,
                                         args.baseline_queries))
        else:
            result = asyncio.run(open_first_answer(Path(db)))
        print(json.dumps(result))
        return 0
    folder = eval_dir()
    if not (folder / "realtimeqa" / "articles.jsonl.gz").exists() or not (
        folder / "bbc-news" / "articles.jsonl"
    ).exists():
        print(f"RealTime QA / BBC News data not found in {folder}; skipping")
        return 0
    sizes = [int(s) for s in args.sentences.split(",") if s.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(args.work) if args.work else Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        base = asyncio.run(make_base(work))
        rows = []
        for size in sizes:
            db = asyncio.run(make_size(base, work, size))
            row = child(["measure", str(db), str(size), "--questions", str(args.questions),
                         "--baseline-queries", str(args.baseline_queries)])
            row.update(child(["open", str(db)]))
            print(json.dumps(row), flush=True)
            rows.append(row)
    report(rows)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
