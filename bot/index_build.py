"""Building index segments from the store.

A full build streams the stored sentences, analysed in worker processes for large corpora;
a delta segment re-splits a few articles from their bodies. No state of its own:
`bot.indexing.IndexLifecycle` decides when to build.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import gc
import logging
from collections.abc import Iterator, Sequence
from concurrent.futures.process import BrokenProcessPool

from bot.workers import process_pool
from corpus.backend import CorpusStore, SentenceRow
from corpus.models import StoredArticle
from retrieval.builder import Analyzed, SegmentBuilder, analyze_texts
from retrieval.postings import DocumentInfo, Segment
from retrieval.sentences import segment_within

log = logging.getLogger(__name__)

FETCH_ROWS = 2_000  # sentence rows per store fetch: keeps each event-loop slice short
BUILD_ROWS = 50_000  # rows analysed at a time
PARALLEL_MIN = 100_000  # sentences from which a full build analyses in worker processes

_Batch = list[tuple[DocumentInfo, list[SentenceRow]]]


def info_of(article: StoredArticle) -> DocumentInfo:
    """The index's metadata for a stored article."""
    return DocumentInfo(article.article_id, article.title, article.source, article.url,
                        article.published, article.partial, article.scope)


def _complete_articles(
    rows: list[SentenceRow],
    articles: Sequence[StoredArticle],
    position: dict[int, int],
    added: list[int],
) -> _Batch:
    """Group ``rows`` (whole articles, in order) by article; record each in ``added``."""
    documents: _Batch = []
    start = 0
    for i in range(1, len(rows) + 1):
        if i < len(rows) and rows[i].article_id == rows[start].article_id:
            continue
        at = position.get(rows[start].article_id)
        if at is not None:
            documents.append((info_of(articles[at]), rows[start:i]))
            added.append(at)
        start = i
    return documents


def _add_documents(builder: SegmentBuilder, documents: _Batch) -> None:
    for info, rows in documents:
        builder.add(info, rows)


_GC_PAUSE = {"count": 0, "disabled": False}


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Suspend the cyclic garbage collector while a build streams rows.

    A build creates and frees a million short-lived row objects; each full collection would
    then walk them all on whichever thread allocates, the event loop's included (100+ ms
    stalls at a million sentences). The rows hold no cycles, so nothing piles up. Builds
    that overlap share one pause; the collector is back on when the last one ends.
    """
    if _GC_PAUSE["count"] == 0 and gc.isenabled():
        gc.disable()
        _GC_PAUSE["disabled"] = True
    _GC_PAUSE["count"] += 1
    try:
        yield
    finally:
        _GC_PAUSE["count"] -= 1
        if _GC_PAUSE["count"] == 0 and _GC_PAUSE["disabled"]:
            _GC_PAUSE["disabled"] = False
            gc.enable()


class _Analysis:
    """Hands batches of documents to a builder, analysed in worker processes if asked.

    Worker processes (`bot.workers.process_pool`: spawned, ending with their parent) break
    in a script that starts newsdesk without an ``if __name__ == "__main__"`` guard; the
    analysis then continues in a thread.
    """

    def __init__(self, builder: SegmentBuilder, workers: int) -> None:
        self.builder = builder
        self.workers = workers
        self.pool = process_pool(workers) if workers else None
        self.queued: collections.deque[tuple[_Batch, asyncio.Future[Analyzed]]] = (
            collections.deque())

    async def submit(self, documents: _Batch) -> None:
        """Analyse ``documents`` (keeping at most ``workers`` batches in flight)."""
        if self.pool is None:
            await asyncio.to_thread(_add_documents, self.builder, documents)
            return
        texts = [row.text for _, rows in documents for row in rows]
        future = asyncio.get_running_loop().run_in_executor(self.pool, analyze_texts, texts)
        self.queued.append((documents, future))
        await self._drain(self.workers)

    async def finish(self) -> None:
        """Wait for every batch in flight."""
        await self._drain(0)

    async def _drain(self, limit: int) -> None:
        while len(self.queued) > limit:
            documents, future = self.queued.popleft()
            try:
                analyzed = await future
            except BrokenProcessPool:
                log.warning("index worker processes failed; analysing in a thread instead")
                await self._without_pool(documents)
                continue
            await asyncio.to_thread(self.builder.add_analyzed, documents, analyzed)

    async def _without_pool(self, documents: _Batch) -> None:
        await self.close()
        await asyncio.to_thread(_add_documents, self.builder, documents)
        while self.queued:
            waiting, future = self.queued.popleft()
            future.cancel()
            await asyncio.to_thread(_add_documents, self.builder, waiting)

    async def close(self) -> None:
        """Stop the worker processes."""
        pool, self.pool = self.pool, None
        if pool is not None:
            await asyncio.to_thread(pool.shutdown, True, cancel_futures=True)


def _finish(
    builder: SegmentBuilder, articles: Sequence[StoredArticle], added: list[int]
) -> Segment:
    """Add articles without sentences, then build with documents in ``articles`` order."""
    seen = set(added)
    for at, article in enumerate(articles):
        if at not in seen:
            builder.add(info_of(article), [])
            added.append(at)
    slot = {at: i for i, at in enumerate(added)}
    return builder.build([slot[at] for at in range(len(articles))])


async def _stream(
    store: CorpusStore,
    articles: Sequence[StoredArticle],
    analysis: _Analysis,
    added: list[int],
    max_article_bytes: int,
) -> None:
    """Feed every stored sentence row, article by article, to ``analysis``.

    Rows are handed over in batches of whole articles, cut where an article starts once a
    batch holds `BUILD_ROWS` rows: every row is looked at once, however long its article
    (an article longer than a batch makes one larger batch). Of an article stored before
    the size limit, only the sentences within ``max_article_bytes`` are indexed.
    """
    position = {a.article_id: i for i, a in enumerate(articles)}
    article_id, used = -1, 0
    try:
        rows: list[SentenceRow] = []
        async for row in store.iter_sentences(batch=FETCH_ROWS):
            if row.article_id != article_id:
                article_id, used = row.article_id, 0
            size = len(row.text.encode("utf-8", "surrogatepass"))
            if used <= max_article_bytes < used + size:  # stored before the limit
                log.warning("article %d is over the %d-byte limit: indexing its first %d "
                            "sentences", article_id, max_article_bytes, row.position)
            used += size
            if used > max_article_bytes:
                continue
            if len(rows) >= BUILD_ROWS and row.article_id != rows[-1].article_id:
                await analysis.submit(_complete_articles(rows, articles, position, added))
                rows = []
            rows.append(row)
        await analysis.submit(_complete_articles(rows, articles, position, added))
        await analysis.finish()
    finally:
        await analysis.close()


async def build_segment(
    store: CorpusStore,
    articles: Sequence[StoredArticle],
    builder: SegmentBuilder,
    *,
    workers: int,
    max_article_bytes: int,
) -> Segment:
    """One segment of every stored sentence, documents in ``articles`` order.

    Rows are streamed from ``store``; each batch of whole articles is analysed in one of
    ``workers`` worker processes (only for corpora of `PARALLEL_MIN` sentences or more) or
    in a worker thread, and handed to ``builder`` in a thread. Articles in ``articles``
    without stored sentences become empty documents; rows of other articles are ignored.
    """
    added: list[int] = []
    total = sum(a.sentence_count for a in articles)
    analysis = _Analysis(builder, workers if total >= PARALLEL_MIN else 0)
    with gc_paused():
        await _stream(store, articles, analysis, added, max_article_bytes)
    return await asyncio.to_thread(_finish, builder, articles, added)


def delta_segment(
    builder: SegmentBuilder, articles: Sequence[StoredArticle], bodies: Sequence[str],
    max_article_bytes: int,
) -> Segment | None:
    """A segment of ``articles`` re-split from their bodies; None if a split disagrees.

    A body over ``max_article_bytes`` (stored before the limit) disagrees: the full build
    caps it. CPU-bound (sentence splitting): run it in a thread.
    """
    for article, body in zip(articles, bodies, strict=True):
        sentences = segment_within(body, max_article_bytes)[1]
        if len(sentences) != article.sentence_count:
            return None
        builder.add(info_of(article), sentences)
    return builder.build()
