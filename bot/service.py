"""AnswerService: the single async answer path used by the console, the CLI and Discord."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from types import TracebackType
from typing import Self

import numpy as np
import numpy.typing as npt

from bot.config import Settings
from corpus.ingest import read_article_bytes, read_articles
from corpus.models import Article, Skip, StoredArticle
from corpus.store import SHARED_SCOPE, ArticleStore, SentenceRow
from retrieval.answer import compose
from retrieval.bm25 import BM25Index
from retrieval.rerank import rerank
from retrieval.sentences import segment
from retrieval.tokenization import tokenize
from retrieval.types import Answer, BM25Params, Document, Sentence

log = logging.getLogger(__name__)

SAMPLE_CORPUS = "xi-kim-treaty-anniversary.md"
_BATCH = 64


@dataclass(slots=True)
class IngestReport:
    """What one ingest run did: counts and, for each skip, where and why."""

    added: int = 0
    updated: int = 0
    duplicates: int = 0
    skipped: list[Skip] = field(default_factory=list)
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


@dataclass(frozen=True, slots=True)
class _Snapshot:
    """An immutable index with the per-document arrays used for filtering."""

    index: BM25Index
    documents: tuple[Document, ...]
    scopes: npt.NDArray[np.str_]
    sources: npt.NDArray[np.str_]
    published: npt.NDArray[np.str_]
    version: int


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


def _prepare(items: Iterator[Article | Skip]) -> list[tuple[Article | Skip, list[Sentence]]]:
    """Pull up to one batch from the reader and split each article (runs in a thread)."""
    batch: list[tuple[Article | Skip, list[Sentence]]] = []
    for item in items:
        if isinstance(item, Skip):
            batch.append((item, []))
        else:
            sentences = segment(item.body)
            if not sentences:
                batch.append((Skip(item.origin, "no text extracted"), []))
            else:
                batch.append((item, sentences))
        if len(batch) >= _BATCH:
            break
    return batch


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
        self._snapshot: _Snapshot | None = None
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
        """Close the database."""
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
        while batch := await asyncio.to_thread(_prepare, items):
            for item, sentences in batch:
                if isinstance(item, Skip):
                    report.skipped.append(item)
                    continue
                result = await self.store.upsert(item, sentences, scope=scope)
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
            await self.reindex()
        return removed

    # -- index --------------------------------------------------------------------------

    async def reindex(self) -> None:
        """Rebuild the index from the store (off the event loop) and swap it in."""
        async with self._reindex_lock:
            version = await self.store.corpus_version()
            if self._snapshot is not None and self._snapshot.version == version:
                return
            articles = await self.store.list_articles()
            rows: dict[int, list[SentenceRow]] = {a.article_id: [] for a in articles}
            async for row in self.store.iter_sentences():
                rows.setdefault(row.article_id, []).append(row)
            documents = tuple(to_document(a, rows[a.article_id]) for a in articles)
            index = await asyncio.to_thread(BM25Index.build, documents, self.params)
            self._snapshot = _Snapshot(
                index=index,
                documents=documents,
                scopes=np.array([d.scope for d in documents], dtype=np.str_),
                sources=np.array([(d.source or "").casefold() for d in documents], dtype=np.str_),
                published=np.array([d.published or "" for d in documents], dtype=np.str_),
                version=version,
            )

    @property
    def documents(self) -> tuple[Document, ...]:
        """The documents of the current index, newest first."""
        return self._snapshot.documents if self._snapshot else ()

    def visible_documents(self, scopes: Sequence[str]) -> list[Document]:
        """The indexed documents whose scope is in ``scopes``, newest first."""
        return [d for d in self.documents if d.scope in scopes]

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
    ) -> Answer:
        """Answer ``query`` from the documents visible in ``scopes``.

        ``source`` (publisher, case-insensitive) and ``since`` (published on or after; unknown
        dates excluded) filter the candidates before ranking. Returns an `Answer` whose
        ``reason`` is ``no_terms``, ``empty_corpus`` or ``no_match`` when it abstains.
        Raises TimeoutError after ``search_timeout`` seconds.
        """
        log.debug("question: %r", query)
        top_k = top_k or self.settings.top_k
        window = self.params.window if window is None else window
        async with self._search_slots, asyncio.timeout(self.settings.search_timeout):
            answer = await asyncio.to_thread(
                self._answer_sync, query, top_k, tuple(scopes), source, since, window
            )
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
    ) -> Answer:
        query_terms = tuple(tokenize(query))
        if not query_terms:
            return Answer(query, query_terms, (), reason="no_terms")
        snapshot = self._snapshot
        if snapshot is None or snapshot.index.is_empty:
            return Answer(query, query_terms, (), reason="empty_corpus")
        mask = np.isin(snapshot.scopes, scopes)
        if source:
            mask &= snapshot.sources == source.casefold()
        if since is not None:
            mask &= snapshot.published >= since.isoformat()
        if not mask.any():
            return Answer(query, query_terms, (), reason="empty_corpus")
        wanted = top_k * (2 * window + 1) + 8
        hits = snapshot.index.search(query_terms, wanted, doc_mask=mask)
        hits = [hit for hit in hits if hit.score > self.settings.min_score]
        hits = rerank(query, hits, snapshot.documents, boost=self.settings.answer_type_boost)
        return compose(query, query_terms, hits, snapshot.documents, top_k=top_k, window=window)

    def sources(self, scopes: Sequence[str]) -> list[str]:
        """Distinct publishers of the visible documents, most articles first."""
        counts: dict[str, int] = {}
        for document in self.visible_documents(scopes):
            if document.source:
                counts[document.source] = counts.get(document.source, 0) + 1
        return sorted(counts, key=lambda name: (-counts[name], name.casefold()))
