"""AnswerService: the single async answer path used by the console, the CLI and Discord."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import gc
import hashlib
import logging
import multiprocessing
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from datetime import date
from importlib import resources
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import numpy as np
import numpy.typing as npt

from bot.config import Settings
from corpus.ingest import read_article_bytes, read_articles
from corpus.models import Article, Skip, StoredArticle
from corpus.store import SHARED_SCOPE, ArticleStore, SentenceRow
from retrieval import persist
from retrieval.answer import compose
from retrieval.builder import Analyzed, SegmentBuilder, analyze_texts
from retrieval.confidence import Evidence, evidence, judged_terms
from retrieval.fusion import FusedIndex
from retrieval.postings import DocumentInfo, Segment
from retrieval.prose import is_prose
from retrieval.query import QueryPlan, detect_language, understand
from retrieval.recency import apply_recency
from retrieval.rerank import rerank
from retrieval.scoring import FusionParams
from retrieval.sentences import segment_within
from retrieval.spelling import compound_terms, correct
from retrieval.synonyms import expand
from retrieval.tokenization import tokenize, tokenize_with_spans
from retrieval.types import Answer, BM25Params, Document, ScoredPassage, Sentence, SentenceHit

log = logging.getLogger(__name__)

SAMPLE_CORPUS = "xi-kim-treaty-anniversary.md"
_BATCH = 64
_FETCH_ROWS = 2_000  # sentence rows per store fetch: keeps each event-loop slice short
_BUILD_ROWS = 50_000  # rows analysed at a time
_PARALLEL_MIN = 100_000  # sentences from which a full build analyses in worker processes
_DELTA_MAX_ARTICLES = 256  # more new articles than this at once: full rebuild
_MAX_SEGMENTS = 8  # extra segments before an ingest waits for a full rebuild
_SMALL_CORPUS = 10_000  # sentences; below it a typo correction may be found only once
_LEAD_WORDS = 5  # a headline's lead sentence has at least this many words
_RECENT_DEPTH = 30  # candidates ranked when the question asks for the current state


@dataclass(slots=True)
class IngestReport:
    """What one ingest run did: counts and, for each skip, where and why."""

    added: int = 0
    updated: int = 0
    duplicates: int = 0
    skipped: list[Skip] = field(default_factory=list)
    truncated: list[Skip] = field(default_factory=list)  # stored, but cut to the size limit
    seconds: float = 0.0
    added_titles: list[str] = field(default_factory=list)

    @property
    def stored(self) -> int:
        """Articles added or updated."""
        return self.added + self.updated

    @property
    def read_anything(self) -> bool:
        """True when at least one article was read (stored, updated or already present)."""
        return self.added + self.updated + self.duplicates > 0


class _DocumentView(Sequence[Document]):
    """Documents of an index, made on demand: ``positions`` picks and orders them."""

    def __init__(self, index: FusedIndex, positions: npt.NDArray[np.int64] | None = None) -> None:
        self._index = index
        self._positions = positions

    def __len__(self) -> int:
        return self._index.doc_count if self._positions is None else len(self._positions)

    def _at(self, i: int) -> Document:
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        return self._index.document(i if self._positions is None else int(self._positions[i]))

    def __getitem__(self, key: int | slice) -> Any:
        if isinstance(key, slice):
            return [self._at(i) for i in range(*key.indices(len(self)))]
        return self._at(key)


@dataclass(frozen=True, slots=True)
class _Snapshot:
    """An immutable index with the per-document arrays used for filtering.

    Arrays are per index position; ``documents`` lists the live documents (not removed).
    """

    index: FusedIndex
    documents: _DocumentView
    by_position: _DocumentView
    infos: tuple[DocumentInfo, ...]
    doc_ids: npt.NDArray[np.int64]
    scopes: npt.NDArray[np.str_]
    sources: npt.NDArray[np.str_]
    published: npt.NDArray[np.str_]
    version: int
    shared_only: bool
    newest: str

    @classmethod
    def of(cls, index: FusedIndex, version: int) -> _Snapshot:
        """Wrap ``index`` with its document arrays."""
        infos = tuple(info for seg in index.segments for info in seg.infos)
        live = np.flatnonzero(~index.removed).astype(np.int64)
        scopes = np.array([i.scope for i in infos], dtype=np.str_)
        return cls(
            index=index,
            documents=_DocumentView(index, live),
            by_position=_DocumentView(index),
            infos=infos,
            doc_ids=np.array([i.doc_id for i in infos], dtype=np.int64),
            scopes=scopes,
            sources=np.array([(i.source or "").casefold() for i in infos], dtype=np.str_),
            published=np.array([i.published or "" for i in infos], dtype=np.str_),
            version=version,
            shared_only=bool(np.all(scopes[live] == SHARED_SCOPE)),
            newest=max((i.published or "" for i in infos), default=""),
        )


def _evidence(
    snapshot: _Snapshot, query_terms: Sequence[str], best: ScoredPassage, plan: QueryPlan
) -> Evidence:
    """The abstention evidence for ``best`` (see `retrieval.confidence`)."""
    text = " ".join(s.text for s in best.sentences)
    doc_index = int(np.flatnonzero(snapshot.doc_ids == best.document.doc_id)[-1])
    return evidence(snapshot.index, query_terms, plan, text, doc_index)


def _names(text: str) -> set[str]:
    """Terms of words written with a capital inside a sentence: names, kept from correction."""
    names = set()
    for term, start, _ in tokenize_with_spans(text):
        before = text[:start].rstrip()
        if text[start].isupper() and before and before[-1] not in ".!?\"'\u201c(":
            names.add(term)
    return names


def _headlines(
    snapshot: _Snapshot, query: str, mask: npt.NDArray[np.bool_] | None, top_k: int
) -> Answer:
    """The newest dated articles (as-of day and filters applied), their lead sentence each."""
    live = ~snapshot.index.removed & (np.char.str_len(snapshot.published) > 0)
    if mask is not None:
        live &= mask
    positions = np.flatnonzero(live)
    order = positions[np.argsort(snapshot.published[positions], kind="stable")[::-1]]
    hits: list[ScoredPassage] = []
    for position in order[: top_k * 4].tolist():
        document = snapshot.by_position[position]
        if not document.sentences or any(h.document.title == document.title for h in hits):
            continue
        first = next((s for s in document.sentences[:8]  # past a dateline such as "CNN —"
                      if len(s.text.split()) >= _LEAD_WORDS and is_prose(s.text)),
                     document.sentences[0])
        hits.append(ScoredPassage(document, first.position, (first,), 0.0, len(hits) + 1))
        if len(hits) >= top_k:
            break
    return Answer(query, (), tuple(hits), reason="headlines" if hits else "no_match")


@dataclass(slots=True)
class _Changes:
    """Writes this service made since the last `reindex` (so it need not list every article)."""

    writes: int = 0
    added: set[int] = field(default_factory=set)
    removed: set[int] = field(default_factory=set)

    def note(self, status: str, article_id: int) -> None:
        """Record one store write: ``added``, ``updated``, ``removed`` (``skipped`` is none)."""
        if status == "skipped":
            return
        self.writes += 1
        if status == "removed":
            self.removed.add(article_id)
            self.added.discard(article_id)
        else:
            self.added.add(article_id)


def _difference(
    current: _Snapshot, articles: Sequence[StoredArticle]
) -> tuple[list[StoredArticle], list[int]]:
    """Articles stored but not live in ``current``, and live document ids no longer stored."""
    live = set(current.doc_ids[~current.index.removed].tolist())
    stored = {a.article_id for a in articles}
    return [a for a in articles if a.article_id not in live], sorted(live - stored)


def _info(article: StoredArticle) -> DocumentInfo:
    return DocumentInfo(article.article_id, article.title, article.source, article.url,
                        article.published, article.partial, article.scope)


def _complete_articles(
    rows: list[SentenceRow],
    articles: Sequence[StoredArticle],
    position: dict[int, int],
    added: list[int],
) -> list[tuple[DocumentInfo, list[SentenceRow]]]:
    """Group ``rows`` (whole articles, in order) by article; record each in ``added``."""
    documents: list[tuple[DocumentInfo, list[SentenceRow]]] = []
    start = 0
    for i in range(1, len(rows) + 1):
        if i < len(rows) and rows[i].article_id == rows[start].article_id:
            continue
        at = position.get(rows[start].article_id)
        if at is not None:
            documents.append((_info(articles[at]), rows[start:i]))
            added.append(at)
        start = i
    return documents


def _add_documents(
    builder: SegmentBuilder, documents: Sequence[tuple[DocumentInfo, list[SentenceRow]]]
) -> None:
    for info, rows in documents:
        builder.add(info, rows)


_GC_PAUSE = {"count": 0, "disabled": False}


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
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

    Worker processes are started with ``spawn`` (safe next to the event loop's threads), so
    a script that starts newsdesk without an ``if __name__ == "__main__"`` guard breaks
    them; the analysis then continues in a thread.
    """

    def __init__(self, builder: SegmentBuilder, workers: int) -> None:
        self.builder = builder
        self.workers = workers
        self.pool = (ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
                     if workers else None)
        self.queued: collections.deque[
            tuple[list[tuple[DocumentInfo, list[SentenceRow]]], asyncio.Future[Analyzed]]
        ] = collections.deque()

    async def submit(self, documents: list[tuple[DocumentInfo, list[SentenceRow]]]) -> None:
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

    async def _without_pool(self, documents: list[tuple[DocumentInfo, list[SentenceRow]]]) -> None:
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
            builder.add(_info(article), [])
            added.append(at)
    slot = {at: i for i, at in enumerate(added)}
    return builder.build([slot[at] for at in range(len(articles))])


def _delta(
    builder: SegmentBuilder, articles: Sequence[StoredArticle], bodies: Sequence[str],
    max_bytes: int,
) -> Segment | None:
    """A segment of ``articles`` re-split from their bodies; None if a split disagrees.

    A body over ``max_bytes`` (stored before the limit) disagrees: the full build caps it.
    """
    for article, body in zip(articles, bodies, strict=True):
        sentences = segment_within(body, max_bytes)[1]
        if len(sentences) != article.sentence_count:
            return None
        builder.add(_info(article), sentences)
    return builder.build()


def to_document(article: StoredArticle, rows: Sequence[SentenceRow]) -> Document:
    """Convert a stored article and its sentence rows to the retrieval `Document`."""
    return Document(
        doc_id=article.article_id,
        title=article.title,
        source=article.source,
        url=article.url,
        published=article.published,
        sentences=tuple(Sentence(r.position, r.paragraph, r.start, r.end, r.text) for r in rows),
        partial=article.partial,
        scope=article.scope,
    )


def _prepare(
    items: Iterator[Article | Skip], max_bytes: int
) -> list[tuple[Article | Skip, list[Sentence], Skip | None]]:
    """Pull up to one batch from the reader and split each article (runs in a thread).

    An article over ``max_bytes`` of text is cut at a sentence boundary and marked partial;
    the third item is then the note saying so (where, and how much was kept).
    """
    batch: list[tuple[Article | Skip, list[Sentence], Skip | None]] = []
    for item in items:
        if isinstance(item, Skip):
            batch.append((item, [], None))
        else:
            body, sentences = segment_within(item.body, max_bytes)
            note = None
            if len(body) < len(item.body):
                note = Skip(item.origin, _cut_reason(item.body, body, max_bytes))
                log.warning("article %s: %s", item.origin, note.reason)
                item = replace(item, body=body, partial=True)
            if not sentences:
                batch.append((Skip(item.origin, "no text extracted"), [], None))
            else:
                batch.append((item, sentences, note))
        if len(batch) >= _BATCH:
            break
    return batch


def _cut_reason(body: str, kept: str, max_bytes: int) -> str:
    """Why and where an article was cut, for the ingest report."""
    return (f"article text is {len(body.encode('utf-8', 'surrogatepass')):,} bytes, over the "
            f"{max_bytes:,}-byte limit (NEWSDESK_MAX_ARTICLE_BYTES): kept the first "
            f"{len(kept.encode('utf-8', 'surrogatepass')):,} bytes, up to a sentence end")


class AnswerService:
    """Store + index + worker threads behind one async API.

    ``answer()`` never raises for a normal "nothing found": it returns an `Answer` with no
    hits and a ``reason``. The index is immutable and swapped in one assignment after each
    change, so concurrent questions never lock.
    """

    def __init__(self, store: ArticleStore, settings: Settings) -> None:
        self.store = store
        self.settings = settings
        self.params = BM25Params(k1=settings.bm25_k1, b=settings.bm25_b, window=settings.window)
        self.fusion = FusionParams(
            article_weight=settings.article_weight, title_weight=settings.title_weight,
            article_k1=settings.article_k1, article_b=settings.article_b,
            title_k1=settings.title_k1, title_b=settings.title_b,
        )
        self._snapshot: _Snapshot | None = None
        self._rebuild_task: asyncio.Task[None] | None = None
        self._changes = _Changes()
        self._search_slots = asyncio.Semaphore(settings.max_concurrent_searches)
        self._reindex_lock = asyncio.Lock()

    @classmethod
    async def open(cls, settings: Settings, *, load_sample: bool = True) -> AnswerService:
        """Open the database, load the bundled sample into an empty one, build the index."""
        store = await ArticleStore.open(settings.db)
        service = cls(store, settings)
        try:
            if load_sample and await store.count_articles() == 0:
                await service.ingest_sample()
            await service.reindex()
        except BaseException:
            await store.close()
            raise
        return service

    async def close(self) -> None:
        """Stop a pending background rebuild and close the database."""
        task, self._rebuild_task = self._rebuild_task, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self.store.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    # -- ingest -------------------------------------------------------------------------

    async def ingest_sample(self) -> IngestReport:
        """Store the bundled sample article (the seed article, The Hill)."""
        sample = resources.files("corpus") / "data" / SAMPLE_CORPUS
        data = await asyncio.to_thread(sample.read_bytes)
        return await self.ingest_bytes(data, filename=SAMPLE_CORPUS, reindex=False)

    async def ingest(
        self,
        paths: Iterable[str | Path],
        *,
        scope: str = SHARED_SCOPE,
        progress: Callable[[int], None] | None = None,
        reindex: bool = True,
    ) -> IngestReport:
        """Read, split and store every article under ``paths``; then rebuild the index.

        Unreadable records become `Skip` entries in the report (with file and line); what
        was stored before is never lost. Raises FileNotFoundError for a missing path.
        """
        report = IngestReport()
        started = time.perf_counter()
        for path in paths:
            await self._consume(read_articles(path), scope, report, progress)
        report.seconds = time.perf_counter() - started
        if reindex and report.stored:
            await self.reindex()
        return report

    async def ingest_bytes(
        self,
        data: bytes,
        *,
        filename: str,
        content_type: str | None = None,
        url: str | None = None,
        scope: str = SHARED_SCOPE,
        reindex: bool = True,
    ) -> IngestReport:
        """Like `ingest` for one file already in memory (an upload or a fetched page)."""
        report = IngestReport()
        started = time.perf_counter()
        items = read_article_bytes(data, filename=filename, content_type=content_type, url=url)
        await self._consume(items, scope, report, None)
        report.seconds = time.perf_counter() - started
        if reindex and report.stored:
            await self.reindex()
        return report

    async def _consume(
        self,
        items: Iterator[Article | Skip],
        scope: str,
        report: IngestReport,
        progress: Callable[[int], None] | None,
    ) -> None:
        max_bytes = self.settings.max_article_bytes
        while batch := await asyncio.to_thread(_prepare, items, max_bytes):
            for item, sentences, note in batch:
                if isinstance(item, Skip):
                    report.skipped.append(item)
                    continue
                if note is not None:
                    report.truncated.append(note)
                result = await self.store.upsert(item, sentences, scope=scope)
                self._changes.note(result.status, result.article_id)
                if result.status == "skipped":
                    report.duplicates += 1
                elif result.status == "updated":
                    report.updated += 1
                else:
                    report.added += 1
                    report.added_titles.append(item.title or "untitled")
            if progress is not None:
                progress(len(batch))

    async def remove(self, article_id: int, *, scope: str) -> bool:
        """Remove one article of ``scope`` and rebuild the index; True when removed."""
        removed = await self.store.remove_article(article_id, scope=scope)
        if removed:
            self._changes.note("removed", article_id)
            await self.reindex()
        return removed

    # -- index --------------------------------------------------------------------------

    async def reindex(self) -> None:
        """Bring the index up to date with the store and swap it in (all work off the loop).

        Articles this service added or removed since the index was built are applied as a
        small extra segment, searchable at once; a full rebuild follows in the background.
        Otherwise a saved index of the same corpus is opened from disk (then caught up), or
        the index is rebuilt from the stored sentences and saved.
        """
        async with self._reindex_lock:
            version = await self.store.corpus_version()
            changes, self._changes = self._changes, _Changes()
            current = self._snapshot
            if current is not None and current.version == version:
                return
            caught: _Snapshot | None = None
            if current is not None and version - current.version == changes.writes:
                # every write since the snapshot was made through this service
                new = (await self.store.list_articles(article_ids=sorted(changes.added))
                       if changes.added else [])
                caught = await self._catch_up(current, new, changes.removed, version)
            else:
                articles = await self.store.list_articles()
                if current is None:
                    current = await self._open_saved()
                if current is not None:
                    new, gone = _difference(current, articles)
                    caught = await self._catch_up(current, new, gone, version)
                if caught is None:
                    self._swap(await self._build(articles, version))
                    return
            if caught is None:
                # too much changed for an extra segment: rebuild now
                self._swap(await self._build(await self.store.list_articles(), version))
                return
            self._swap(caught)
            if len(caught.index.segments) > 1 or caught.index.removed.any():
                self._schedule_rebuild()

    def _swap(self, snapshot: _Snapshot) -> None:
        """Make ``snapshot`` the one questions use (one assignment; readers never lock).

        The objects built so far are then frozen out of the garbage collector's full passes
        (`gc.freeze`): they live as long as the index, and walking them on every full
        collection would stall the event loop for tens of milliseconds.
        """
        self._snapshot = snapshot
        gc.freeze()

    def _index_dir(self) -> Path | None:
        if not self.settings.persist_index or str(self.settings.db) == ":memory:":
            return None
        if self.settings.index_dir is not None:
            return Path(self.settings.index_dir)
        db = Path(self.settings.db)
        return db.with_name(db.name + ".index")

    def _config_key(self) -> str:
        """What a saved index must have been built with: format, analyzer, parameters."""
        digest = hashlib.sha256(repr((persist.FORMAT, self.params.k1, self.params.b,
                                      self.fusion, self.settings.max_article_bytes)).encode())
        for name in ("tokenization.py", "fastterms.py", "scoring.py", "builder.py", "postings.py",
                     "data/stopwords.txt", "data/variants.txt"):
            digest.update(resources.files("retrieval").joinpath(name).read_bytes())
        return digest.hexdigest()

    async def _open_saved(self) -> _Snapshot | None:
        directory = self._index_dir()
        if directory is None:
            return None
        key = await asyncio.to_thread(self._config_key)
        saved = await asyncio.to_thread(persist.load, directory, key)
        if saved is None:
            return None
        log.info("opened saved index of %d sentences from %s", saved.sentence_count, directory)
        return await asyncio.to_thread(_Snapshot.of, FusedIndex([saved], self.fusion), -1)

    async def _catch_up(
        self,
        current: _Snapshot,
        new: Sequence[StoredArticle],
        gone: Iterable[int],
        version: int,
    ) -> _Snapshot | None:
        """``current`` plus the ``new`` articles, minus ``gone`` ids; None if that is too much.

        An article stored again with the same URL (updated) also retires the live document
        with that URL in its scope.
        """
        index = current.index
        live = ~index.removed
        known = set(current.doc_ids[live].tolist())
        new = [a for a in new if a.article_id not in known]
        retired = set(gone)
        if new:
            replaced = {(a.scope, a.url) for a in new if a.url}
            for at in np.flatnonzero(live).tolist():
                info = current.infos[at]
                if info.url and (info.scope, info.url) in replaced:
                    retired.add(info.doc_id)
        drop = np.flatnonzero(live & np.isin(current.doc_ids, list(retired)))
        if not new and not len(drop):
            return _Snapshot.of(index, version)
        large = index.sentence_count >= self.settings.incremental_min_sentences
        if not large or len(new) > _DELTA_MAX_ARTICLES or len(index.segments) >= _MAX_SEGMENTS:
            return None
        if new:
            bodies = [await self.store.get_body(a.article_id) or "" for a in new]
            delta = await asyncio.to_thread(_delta, index.delta_builder(), new, bodies,
                                            self.settings.max_article_bytes)
            if delta is None:
                return None
            index = index.with_segment(delta)
        if len(drop):
            index = index.without(drop.tolist())
        log.info("index caught up: %d articles added, %d removed", len(new), len(drop))
        return await asyncio.to_thread(_Snapshot.of, index, version)

    async def _build(self, articles: Sequence[StoredArticle], version: int) -> _Snapshot:
        """A full build from the stored sentences, saved for the next start.

        Rows are streamed from the store; each batch of whole articles is analysed in a
        worker process (``index_workers`` of them, for corpora of `_PARALLEL_MIN` sentences
        or more) or in a worker thread, and handed to the builder in a thread.
        """
        started = time.perf_counter()
        builder = FusedIndex.builder(self.params, self.fusion)
        added: list[int] = []
        total = sum(a.sentence_count for a in articles)
        analysis = _Analysis(builder, self.settings.index_workers if total >= _PARALLEL_MIN
                             else 0)
        with _gc_paused():
            await self._stream(articles, builder, analysis, added)
        built = await asyncio.to_thread(_finish, builder, articles, added)

        index = FusedIndex([built], self.fusion)
        log.info("indexed %d sentences of %d articles in %.2fs", built.sentence_count,
                 built.doc_count, time.perf_counter() - started)
        directory = self._index_dir()
        if directory is not None:
            key = await asyncio.to_thread(self._config_key)
            try:
                await asyncio.to_thread(persist.save, built, directory, key,
                                        {"corpus_version": version})
            except OSError as error:
                log.warning("could not save the index to %s: %s", directory, error)
        return await asyncio.to_thread(_Snapshot.of, index, version)

    async def _stream(
        self,
        articles: Sequence[StoredArticle],
        builder: SegmentBuilder,
        analysis: _Analysis,
        added: list[int],
    ) -> None:
        """Feed every stored sentence row, article by article, to ``analysis``.

        Rows are handed over in batches of whole articles, cut where an article starts once
        a batch holds `_BUILD_ROWS` rows: every row is looked at once, however long its
        article (an article longer than a batch makes one larger batch). Of an article
        stored before the size limit, only the sentences within ``max_article_bytes`` are
        indexed.
        """
        position = {a.article_id: i for i, a in enumerate(articles)}
        limit = self.settings.max_article_bytes
        article_id, used = -1, 0
        try:
            rows: list[SentenceRow] = []
            async for row in self.store.iter_sentences(batch=_FETCH_ROWS):
                if row.article_id != article_id:
                    article_id, used = row.article_id, 0
                size = len(row.text.encode("utf-8", "surrogatepass"))
                if used <= limit < used + size:  # stored before the limit: index a prefix
                    log.warning("article %d is over the %d-byte limit: indexing its first %d "
                                "sentences", article_id, limit, row.position)
                used += size
                if used > limit:
                    continue
                if len(rows) >= _BUILD_ROWS and row.article_id != rows[-1].article_id:
                    await analysis.submit(_complete_articles(rows, articles, position, added))
                    rows = []
                rows.append(row)
            await analysis.submit(_complete_articles(rows, articles, position, added))
            await analysis.finish()
        finally:
            await analysis.close()

    def _schedule_rebuild(self) -> None:
        if self._rebuild_task is None or self._rebuild_task.done():
            self._rebuild_task = asyncio.create_task(self._rebuild_later())

    async def _rebuild_later(self) -> None:
        """Replace an index with extra segments by a full rebuild, without blocking ingests."""
        await asyncio.sleep(self.settings.rebuild_delay)
        version = await self.store.corpus_version()
        fresh = await self._build(await self.store.list_articles(), version)
        async with self._reindex_lock:
            latest = await self.store.corpus_version()
            if latest != version:
                new, gone = _difference(fresh, await self.store.list_articles())
                caught = await self._catch_up(fresh, new, gone, latest)
                self._changes = _Changes()
                if caught is None:
                    self._swap(fresh)
                    self._rebuild_task = None
                    self._schedule_rebuild()
                    return
                fresh = caught
            self._swap(fresh)

    @property
    def documents(self) -> Sequence[Document]:
        """The documents of the current index (newest first, then any added since).

        A read-only sequence; each `Document` is made when it is looked at.
        """
        return self._snapshot.documents if self._snapshot else ()

    def visible_documents(self, scopes: Sequence[str]) -> list[Document]:
        """The indexed documents whose scope is in ``scopes``, in `documents` order."""
        snapshot = self._snapshot
        if snapshot is None:
            return []
        wanted = np.isin(snapshot.scopes, list(scopes)) & ~snapshot.index.removed
        return [snapshot.by_position[int(i)] for i in np.flatnonzero(wanted)]

    # -- answer -------------------------------------------------------------------------

    async def answer(
        self,
        query: str,
        *,
        top_k: int | None = None,
        scopes: Sequence[str] = (SHARED_SCOPE,),
        source: str | None = None,
        since: date | None = None,
        window: int | None = None,
        as_of: date | None = None,
    ) -> Answer:
        """Answer ``query`` from the documents visible in ``scopes``.

        ``source`` (publisher, case-insensitive) and ``since`` (published on or after; unknown
        dates excluded) filter the candidates before ranking. Returns an `Answer` whose
        ``reason`` is ``no_terms``, ``empty_corpus``, ``filtered_out`` (no article passes the
        filters) or ``no_match`` when it abstains. ``source`` matches any publisher containing
        it (case-insensitive). ``as_of`` is the day the question is asked (default: today):
        articles published after it are not used, and newer ones win near-ties.
        Raises TimeoutError after ``search_timeout`` seconds.
        """
        log.debug("question: %r", query)
        top_k = top_k or self.settings.top_k
        window = self.params.window if window is None else window
        async with self._search_slots, asyncio.timeout(self.settings.search_timeout):
            answer = await asyncio.to_thread(
                self._answer_sync, query, top_k, tuple(scopes), source, since, window,
                as_of or date.today(),
            )
        if not self.settings.question_log:
            return answer
        scope = next((s for s in scopes if s != SHARED_SCOPE), SHARED_SCOPE)
        await self.store.log_question(scope=scope, query=query, answered=bool(answer.hits))
        return answer

    def _answer_sync(
        self,
        query: str,
        top_k: int,
        scopes: tuple[str, ...],
        source: str | None,
        since: date | None,
        window: int,
        as_of: date | None = None,
    ) -> Answer:
        as_of = as_of or date.today()
        plan = understand(query)
        query_terms = tuple(tokenize(plan.text))
        if self._snapshot is not None and not self._snapshot.index.is_empty:
            query_terms = tuple(compound_terms(plan.text, self._snapshot.index.frequency))
        if not query_terms and not plan.headlines:
            return Answer(query, query_terms, (), reason="no_terms")
        snapshot = self._snapshot
        if snapshot is None or snapshot.index.is_empty:
            return Answer(query, query_terms, (), reason="empty_corpus")
        day = as_of.isoformat()
        current = snapshot.newest[:10] <= day
        mask: npt.NDArray[np.bool_] | None = None
        if not (snapshot.shared_only and SHARED_SCOPE in scopes and not source
                and since is None and current):
            mask = np.isin(snapshot.scopes, scopes)
            if source:
                mask &= np.char.find(snapshot.sources, source.casefold()) >= 0
            if since is not None:
                mask &= snapshot.published >= since.isoformat()
            if not current:  # undated articles stay in
                mask &= (np.char.str_len(snapshot.published) == 0) | (snapshot.published <= day)
            if not mask.any():
                return Answer(query, query_terms, (), reason="filtered_out")
        if plan.headlines:
            return _headlines(snapshot, query, mask, top_k)
        if not plan.is_english:
            return self._in_language(snapshot, query, query_terms, mask, top_k, window, plan)
        index = snapshot.index
        query_terms = tuple(correct(query_terms, index.frequency, _names(plan.text),
                                    1 if index.sentence_count < _SMALL_CORPUS else 3))
        return self._ranked(snapshot, query, query_terms, mask, top_k, window, plan, as_of)

    def _in_language(
        self,
        snapshot: _Snapshot,
        query: str,
        query_terms: tuple[str, ...],
        mask: npt.NDArray[np.bool_] | None,
        top_k: int,
        window: int,
        plan: QueryPlan,
    ) -> Answer:
        """A question not in English: answered only from a passage in its own language.

        Articles in other languages are stored as they are, so a German question can be
        answered from a German article; a passage in another language (matched on a name
        or a stray word) is never shown: the reason is then ``not_english``.
        """
        if query_terms:
            answer = self._ranked(snapshot, query, query_terms, mask, top_k, window, plan)
            best = answer.best
            if best is not None and detect_language(
                    " ".join(s.text for s in best.sentences)) == plan.language:
                return answer
        return Answer(query, query_terms, (), reason="not_english")

    def _ranked(
        self,
        snapshot: _Snapshot,
        query: str,
        query_terms: tuple[str, ...],
        mask: npt.NDArray[np.bool_] | None,
        top_k: int,
        window: int,
        plan: QueryPlan | None = None,
        as_of: date | None = None,
    ) -> Answer:
        """Fused search, rerank, recency prior, abstention and passage assembly."""
        settings = self.settings
        index = snapshot.index
        plan = plan or QueryPlan(text=query)
        wanted = top_k * (2 * window + 1) + 8
        depth = max(wanted, settings.rerank_depth, _RECENT_DEPTH if plan.recency else 0)
        added = tuple(expand(query_terms, index.frequency)) if settings.synonyms else ()
        searched = query_terms + added
        if plan.focus is not None and settings.focus_search:
            # a long message: rank by its asking sentence and its most informative words
            searched = judged_terms(index, query_terms, plan) + added
        hits = index.search(searched, depth, doc_mask=mask)

        def text_of(hit: SentenceHit) -> str:
            return index.sentence_text(hit.sentence)

        hits = rerank(query, hits, text_of, boost=settings.answer_type_boost,
                      question_penalty=settings.question_penalty)
        strength = settings.recency_strong if plan.recency else settings.recency_weak
        hits = apply_recency(hits, lambda hit: snapshot.infos[hit.doc_index].published,
                             as_of or date.today(), strength)
        shown = (hit for hit in hits if is_prose(index.sentence_text(hit.sentence)))
        answer = compose(query, searched, shown, snapshot.by_position, top_k=top_k,
                         window=window, weight=index.idf)
        if added:
            answer = replace(answer, added_terms=added)
        if answer.best is not None and (settings.min_match > 0 or settings.min_article_match > 0):
            passage, article = _evidence(snapshot, query_terms, answer.best, plan).match(
                settings.unknown_term_weight, settings.rarest_missing, settings.min_specific,
                settings.rarest_max_terms)
            if passage < settings.min_match or article < settings.min_article_match:
                return Answer(query, query_terms, (), reason="no_match")
        return answer

    def confidence(self, answer: Answer) -> tuple[float, float]:
        """``(passage, article)`` match of the best hit (0.0 each when there is none).

        Each is the share of the question's weight (the IDFs of its terms found in the
        corpus) whose terms occur in the passage shown, or anywhere in its article: what
        ``min_match`` and ``min_article_match`` are compared with.
        """
        snapshot = self._snapshot
        best = answer.best
        if snapshot is None or best is None or snapshot.index.is_empty:
            return 0.0, 0.0
        return self.evidence(answer).match(self.settings.unknown_term_weight,
                                           self.settings.rarest_missing,
                                           self.settings.min_specific,
                                           self.settings.rarest_max_terms)

    def evidence(self, answer: Answer) -> Evidence:
        """The parts of `confidence` (for benchmarks that try other weights)."""
        snapshot = self._snapshot
        best = answer.best
        if snapshot is None or best is None or snapshot.index.is_empty:
            return Evidence(0.0, 0.0, 0.0, 0.0, 0.0, False)
        asked = [t for t in answer.query_terms if t not in answer.added_terms]
        return _evidence(snapshot, asked, best, understand(answer.query))

    def sources(self, scopes: Sequence[str]) -> list[str]:
        """Distinct publishers of the visible documents, most articles first."""
        counts: dict[str, int] = {}
        snapshot = self._snapshot
        if snapshot is None:
            return []
        wanted = np.isin(snapshot.scopes, list(scopes)) & ~snapshot.index.removed
        for at in np.flatnonzero(wanted):
            name = snapshot.infos[int(at)].source
            if name:
                counts[name] = counts.get(name, 0) + 1
        return sorted(counts, key=lambda name: (-counts[name], name.casefold()))
