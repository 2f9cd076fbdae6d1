"""AnswerService: the single async answer path used by the console, the CLI and Discord.

It holds the answer path (a question in; `bot.answering.answer_question` on the current
snapshot in a thread; the question log) and ingest orchestration (read -> split -> store ->
note the change -> refresh the index). The index itself (saved copies, catch-up,
background rebuilds) belongs to `bot.indexing.IndexLifecycle`; corpus-wide listings to
`bot.listings`.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from importlib import resources
from pathlib import Path
from types import TracebackType
from typing import Self

from bot.answering import Question, answer_question, evidence_for
from bot.config import Settings
from bot.indexing import IndexLifecycle
from bot.listings import Listings
from corpus.backend import SHARED_SCOPE, CorpusStore, SentenceRow, UpsertResult
from corpus.ingest import read_article_bytes, read_articles
from corpus.locations import open_store
from corpus.models import Article, Skip, StoredArticle
from corpus.readers.repair import sanitize_unicode
from retrieval.confidence import Evidence
from retrieval.query import understand
from retrieval.sentences import segment_within
from retrieval.types import Answer, Document, Sentence

log = logging.getLogger(__name__)

SAMPLE_CORPUS = "xi-kim-treaty-anniversary.md"
MAX_QUESTION_CHARS = 2_000  # a longer question is cut at a word here (its start is kept)
_BATCH = 64


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


class IngestInterruptedError(Exception):
    """The store refused a write part-way through an ingest (a full disk, say).

    ``report`` says what was stored before; the article being written (``origin``) was
    rolled back whole, so nothing partial is stored.
    """

    def __init__(self, report: IngestReport, origin: str, error: BaseException) -> None:
        super().__init__(f"could not store {origin}: {error}")
        self.report = report
        self.origin = origin
        self.reason = str(error)


class AnswerService:
    """Store + index + worker threads behind one async API.

    ``answer()`` never raises for a normal "nothing found": it returns an `Answer` with no
    hits and a ``reason``. The index is immutable and swapped in one assignment after each
    change, so concurrent questions never lock.
    """

    def __init__(self, store: CorpusStore, settings: Settings) -> None:
        self.store = store
        self.settings = settings
        self.index = IndexLifecycle(store, settings)
        self.params = self.index.params
        self._search_slots = asyncio.Semaphore(settings.max_concurrent_searches)

    @classmethod
    async def open(cls, settings: Settings, *, load_sample: bool = True) -> AnswerService:
        """Open the database, load the bundled sample into an empty one, build the index.

        ``settings.db`` is a SQLite file or a ``postgresql://`` URL (`corpus.locations`).
        The index then follows changes other processes make to the database, checked every
        ``settings.refresh_interval`` seconds, or when PostgreSQL announces them (see
        `IndexLifecycle.watch`).
        """
        store = await open_store(settings.db)
        service = cls(store, settings)
        try:
            if load_sample and await store.count_articles() == 0:
                await service.ingest_sample()
            await service.reindex()
        except BaseException:
            await store.close()
            raise
        if str(settings.db) != ":memory:":
            service.index.watch(settings.refresh_interval)
        return service

    async def close(self) -> None:
        """Stop a pending background rebuild and close the database."""
        await self.index.close()
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
        """Answer ``query`` from the documents visible in ``scopes`` (see `bot.answering`).

        ``source`` (any publisher containing it, case-insensitive) and ``since`` (published
        on or after; unknown dates excluded) filter the candidates before ranking; ``as_of``
        is the day the question is asked (default: today): articles published after it are
        not used, and newer ones win near-ties. Returns an `Answer` whose ``reason`` says
        why it has no hits (``no_terms``, ``empty_corpus``, ``filtered_out``,
        ``not_english``, ``no_match``) or that it lists ``headlines``.
        A question longer than `MAX_QUESTION_CHARS` is cut at a word before anything else.
        Raises TimeoutError after ``search_timeout`` seconds. A question-log write the
        database refuses (busy: another process wrote during a long read) is logged, not raised.
        """
        query = sanitize_unicode(query)
        if len(query) > MAX_QUESTION_CHARS:  # bounds every later step; Discord allows 500
            cut = query.rfind(" ", 0, MAX_QUESTION_CHARS)
            query = query[: cut if cut > 0 else MAX_QUESTION_CHARS]
        log.debug("question: %r", query)
        question = Question(
            query, top_k or self.settings.top_k,
            self.params.window if window is None else window, as_of or date.today(),
            tuple(scopes), source, since)
        async with self._search_slots, asyncio.timeout(self.settings.search_timeout):
            answer = await asyncio.to_thread(
                answer_question, self.index.snapshot, self.settings, question)
        if not self.settings.question_log:
            return answer
        scope = next((s for s in scopes if s != SHARED_SCOPE), SHARED_SCOPE)
        try:
            await self.store.log_question(scope=scope, query=query, answered=bool(answer.hits))
        except Exception as error:
            # the log only feeds stats: whatever the store refuses (busy, a full disk, a
            # lost server), the member still gets the answer
            log.warning("question not logged for stats: %s", error)
        return answer

    def confidence(self, answer: Answer) -> tuple[float, float]:
        """``(passage, article)`` match of the best hit (0.0 each when there is none).

        What ``min_match`` and ``min_article_match`` are compared with: shares of the
        question's weight found in the passage shown and in its article, with the evidence
        of `retrieval.confidence` (unknown terms, the rarest term) applied.
        """
        settings = self.settings
        return self.evidence(answer).match(settings.unknown_term_weight,
                                           settings.rarest_missing, settings.min_specific,
                                           settings.rarest_max_terms)

    def evidence(self, answer: Answer) -> Evidence:
        """The parts of `confidence` (for benchmarks that try other weights)."""
        snapshot = self.index.snapshot
        best = answer.best
        if snapshot is None or best is None or snapshot.index.is_empty:
            return Evidence(0.0, 0.0, 0.0, 0.0, 0.0, False)
        asked = [t for t in answer.query_terms if t not in answer.added_terms]
        return evidence_for(snapshot, asked, best, understand(answer.query))

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
        follow_links: bool = False,
    ) -> IngestReport:
        """Read, split and store every article under ``paths``; then refresh the index.

        Unreadable records become `Skip` entries in the report (with file and line); what
        was stored before is never lost. Links leading out of a folder are followed only
        with ``follow_links``. Raises FileNotFoundError for a missing path, and
        `IngestInterruptedError` (with the report so far) when the store refuses a write, e.g.
        on a full disk.
        """
        report = IngestReport()
        started = time.perf_counter()
        for path in paths:
            await self._consume(read_articles(path, follow_links=follow_links), scope, report,
                                progress)
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
                try:
                    result = await self.store.upsert(item, sentences, scope=scope)
                except sqlite3.OperationalError as error:
                    raise IngestInterruptedError(report, item.origin, error) from error
                self.index.note(result.status, result.article_id)
                if result.status == "skipped":
                    report.duplicates += 1
                elif result.status == "updated":
                    report.updated += 1
                else:
                    report.added += 1
                    report.added_titles.append(item.title or "untitled")
            if progress is not None:
                progress(len(batch))

    async def store_article(
        self, article: Article, *, scope: str = SHARED_SCOPE, feed_id: int | None = None
    ) -> UpsertResult | None:
        """Split (in a thread) and store one article; None when it has no sentences.

        Cut to ``max_article_bytes`` like any ingest; ``feed_id`` records the feed it came
        from. The write is noted for the index but not indexed: call `reindex` after a batch.
        Raises the store's errors (``sqlite3.OperationalError`` on a full disk, say).
        """
        [(item, sentences, _note)] = await asyncio.to_thread(
            _prepare, iter([article]), self.settings.max_article_bytes)
        if isinstance(item, Skip):
            return None
        result = await self.store.upsert(item, sentences, scope=scope, feed_id=feed_id)
        self.index.note(result.status, result.article_id)
        return result

    async def remove(self, article_id: int, *, scope: str) -> bool:
        """Remove one article of ``scope`` and refresh the index; True when removed."""
        removed = await self.store.remove_article(article_id, scope=scope)
        if removed:
            self.index.note("removed", article_id)
            await self.reindex()
        return removed

    async def reindex(self) -> None:
        """Bring the index up to date with the store (see `IndexLifecycle.refresh`)."""
        await self.index.refresh()

    # -- listings -----------------------------------------------------------------------

    @property
    def listings(self) -> Listings:
        """Corpus-wide listings (titles, publishers, counts) of the current index."""
        return Listings(self.index.snapshot)

    @property
    def documents(self) -> Sequence[Document]:
        """The documents of the current index (newest first, then any added since).

        A read-only sequence; each `Document` is made when it is looked at.
        """
        snapshot = self.index.snapshot
        return snapshot.documents if snapshot else ()

    def visible_documents(self, scopes: Sequence[str]) -> list[Document]:
        """The indexed documents whose scope is in ``scopes``, in `documents` order.

        Builds one `Document` (with its sentences) per article: for a whole-corpus listing
        use `listings` instead.
        """
        snapshot = self.index.snapshot
        if snapshot is None:
            return []
        return [snapshot.by_position[at] for at in self.listings.positions(scopes).tolist()]

    def sources(self, scopes: Sequence[str]) -> list[str]:
        """Distinct publishers of the visible documents, most articles first."""
        return self.listings.sources(scopes)
