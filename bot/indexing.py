"""IndexLifecycle: the one place the index is opened, built, caught up, saved and swapped.

Interface: ``await IndexLifecycle.open(store, settings)`` (saved index or full build),
`note` each store write this process makes, ``await refresh()`` to bring the index up to
the store, read `snapshot`, ``await close()``. ``refresh`` compares the store's corpus
version with the snapshot's, so it also picks up writes made by other processes; the
writes this process noted are applied without listing every article.

How an index is kept current: a few changed articles on a large index become a small extra
segment (searchable at once; statistics shared with the main segment) and removed ones
are masked; a full rebuild then runs in the background and is swapped in when done. A
full build streams the stored sentences (`bot.index_build`) and is saved next to the
database, so the next start reopens it instead of rebuilding.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import hashlib
import logging
import sqlite3
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
import numpy.typing as npt

from bot.config import Settings, default_db_path
from bot.index_build import build_segment, delta_segment
from bot.memory import return_free_memory
from bot.snapshot import Snapshot
from corpus.backend import ChangeFeed, CorpusStore, StoreError
from corpus.models import StoredArticle
from corpus.pg_url import is_postgres_url, redact
from retrieval import persist
from retrieval.fusion import FusedIndex
from retrieval.postings import Segment
from retrieval.scoring import FusionParams
from retrieval.types import BM25Params

log = logging.getLogger(__name__)

DELTA_MAX_ARTICLES = 256  # more new articles than this at once: full rebuild
MAX_SEGMENTS = 8  # extra segments before an ingest waits for a full rebuild
LISTEN_CHECK_SECONDS = 60.0  # a store that announces writes is still checked this often
COALESCE_SECONDS = 0.1  # after an announced write, wait this long for the rest of a burst
# Background rebuilds take at most this share of the time: the next one waits at least
# (1 / REBUILD_SHARE - 1) times as long as the last build took. A feed poller adds a delta
# every poll; without this, a corpus whose build outlasts the poll interval would be
# rebuilt without a pause (bench.growth: 43 s builds at 860k sentences).
REBUILD_SHARE = 0.1
_ANALYZER_FILES = ("tokenization.py", "fastterms.py", "scoring.py", "builder.py", "postings.py",
                   "data/stopwords.txt")


@dataclass(slots=True)
class Changes:
    """Writes this process made since the last `IndexLifecycle.refresh`."""

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
    current: Snapshot, articles: Sequence[StoredArticle]
) -> tuple[list[StoredArticle], list[int]]:
    """Articles stored but not live in ``current``, and live document ids no longer stored."""
    live = current.live_ids
    stored = {a.article_id for a in articles}
    return [a for a in articles if a.article_id not in live], sorted(live - stored)


def _changes_against(
    current: Snapshot, new: Sequence[StoredArticle], gone: Iterable[int]
) -> tuple[list[StoredArticle], npt.NDArray[np.intp]]:
    """The articles not yet indexed, and the positions to drop (``gone`` or replaced).

    An article stored again with the same URL (updated) retires the live document with
    that URL in its scope. O(live documents); runs in a worker thread.
    """
    live = ~current.index.removed
    known = current.live_ids
    fresh = [a for a in new if a.article_id not in known]
    retired = set(gone)
    replaced = {(a.scope, a.url) for a in fresh if a.url}
    if replaced:
        for at in np.flatnonzero(live).tolist():
            info = current.infos[at]
            if info.url and (info.scope, info.url) in replaced:
                retired.add(info.doc_id)
    drop: npt.NDArray[np.intp] = np.flatnonzero(live & np.isin(current.doc_ids, list(retired)))
    return fresh, drop


def fingerprint(article: StoredArticle) -> int:
    """A 64-bit fingerprint of the article's content (the first 16 hex digits of its hash)."""
    return int(article.content_hash[:16], 16)


def index_params(settings: Settings) -> tuple[BM25Params, FusionParams]:
    """The sentence BM25 parameters and fusion parameters ``settings`` ask for."""
    params = BM25Params(k1=settings.bm25_k1, b=settings.bm25_b, window=settings.window)
    fusion = FusionParams(
        article_weight=settings.article_weight, title_weight=settings.title_weight,
        article_k1=settings.article_k1, article_b=settings.article_b,
        title_k1=settings.title_k1, title_b=settings.title_b,
    )
    return params, fusion


class IndexLifecycle:
    """The current index of one store, kept up to date (see the module docstring).

    `snapshot` is replaced in one assignment; readers never lock. Refreshes are
    serialised by a lock; the background rebuild takes it only to swap.
    """

    def __init__(self, store: CorpusStore, settings: Settings) -> None:
        self.store = store
        self.settings = settings
        self.params, self.fusion = index_params(settings)
        self._snapshot: Snapshot | None = None
        self._changes = Changes()
        self._rebuild_task: asyncio.Task[None] | None = None
        self._watch_task: asyncio.Task[None] | None = None
        self._last_check = float("-inf")  # event-loop time of the watcher's last check
        self._lock = asyncio.Lock()
        self._last_build_seconds = 0.0

    @classmethod
    async def open(cls, store: CorpusStore, settings: Settings) -> IndexLifecycle:
        """The index of ``store``: its saved copy caught up, or a full build."""
        lifecycle = cls(store, settings)
        await lifecycle.refresh()
        return lifecycle

    @property
    def snapshot(self) -> Snapshot | None:
        """The index questions use now (None before the first `refresh`)."""
        return self._snapshot

    @property
    def pending_rebuild(self) -> asyncio.Task[None] | None:
        """The background full rebuild scheduled after a catch-up, if any."""
        return self._rebuild_task

    def note(self, status: str, article_id: int) -> None:
        """Record one write this process made to the store (see `Changes.note`)."""
        self._changes.note(status, article_id)

    def watch(self, interval: float) -> None:
        """Every ``interval`` seconds, `refresh` if another process changed the store.

        Another process: an ingest from the command line, a removal, a feed poller. The
        check is one read of the corpus version; answers keep using the current snapshot
        while a refresh runs. A store that announces writes (PostgreSQL's NOTIFY) is checked
        when it announces one instead. `close` stops it.
        """
        if self._watch_task is None and interval > 0:
            self._watch_task = asyncio.create_task(self._watch(interval),
                                                   name="newsdesk-index-watch")

    async def _watch(self, interval: float) -> None:
        while True:
            await self._next_check(interval)
            self._last_check = asyncio.get_running_loop().time()
            try:
                current = self._snapshot
                if current is None or await self.store.corpus_version() != current.version:
                    await self.refresh()
            except (OSError, sqlite3.Error, StoreError) as error:  # busy, vanished: next time
                log.warning("could not check the database for changes: %s", error)
            except Exception:
                log.exception("could not bring the index up to date; trying again later")

    async def _next_check(self, interval: float) -> None:
        """Wait until the store should be checked for other processes' writes.

        A store that announces writes (`ChangeFeed`: PostgreSQL) is waited on, with a check
        every `LISTEN_CHECK_SECONDS` anyway; while it cannot listen, and on SQLite, every
        ``interval`` seconds.
        """
        if not isinstance(self.store, ChangeFeed):
            await asyncio.sleep(interval)
            return
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(LISTEN_CHECK_SECONDS):
                await self.store.wait_for_change()
        except TimeoutError:
            return
        except StoreError as error:
            log.warning("%s; checking every %.0f s meanwhile", error, max(interval, 1.0))
            await asyncio.sleep(max(interval, 1.0))
            return
        # one refresh for a burst of writes, and at most one an ``interval`` while another
        # process writes many: each costs a catch-up or a rebuild
        since = loop.time() - self._last_check
        await asyncio.sleep(max(COALESCE_SECONDS, interval - since))

    async def close(self) -> None:
        """Stop watching and cancel a pending rebuild (the store is the caller's to close)."""
        for name in ("_watch_task", "_rebuild_task"):
            task = getattr(self, name)
            setattr(self, name, None)
            if task is not None and not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    async def refresh(self) -> None:
        """Bring the index up to date with the store and swap it in (all work off the loop).

        Articles noted since the index was built are applied as a small extra segment,
        searchable at once; a full rebuild follows in the background. Otherwise a saved
        index of the same corpus is opened from disk (then caught up), or the index is
        rebuilt from the stored sentences and saved.
        """
        async with self._lock:
            version = await self.store.corpus_version()
            changes, self._changes = self._changes, Changes()
            current = self._snapshot
            if current is not None and current.version == version:
                return
            caught: Snapshot | None = None
            if current is not None and version - current.version == changes.writes:
                # every write since the snapshot was made through this process
                new = (await self.store.list_articles(article_ids=sorted(changes.added))
                       if changes.added else [])
                caught = await self._catch_up(current, new, changes.removed, version)
            else:
                articles = await self.store.list_articles()
                if current is None:
                    current = await self._open_saved(articles)
                if current is not None:
                    new, gone = await asyncio.to_thread(_difference, current, articles)
                    caught = await self._catch_up(current, new, gone, version)
                if caught is None:
                    await self._swap(await self._build(articles, version))
                    return
            if caught is None:
                # too much changed for an extra segment: rebuild now
                await self._swap(await self._build(await self.store.list_articles(), version))
                return
            await self._swap(caught, trim=False)
            if len(caught.index.segments) > 1 or caught.index.removed.any():
                self._schedule_rebuild()

    async def _swap(self, snapshot: Snapshot, *, trim: bool = True) -> None:
        """Make ``snapshot`` the one questions use (one assignment; readers never lock).

        The objects built so far are then frozen out of the garbage collector's full passes
        (`gc.freeze`): they live as long as the index, and walking them on every full
        collection would stall the event loop for tens of milliseconds. After a full build
        (``trim``) the heap the build freed is given back to the OS, in a thread.
        """
        self._snapshot = snapshot
        gc.freeze()
        if trim:
            await asyncio.to_thread(return_free_memory)

    # -- saved index ------------------------------------------------------------------------

    def index_dir(self) -> Path | None:
        """Where the index is saved (None: not saved, or an in-memory database)."""
        if not self.settings.persist_index or str(self.settings.db) == ":memory:":
            return None
        if self.settings.index_dir is not None:
            return Path(self.settings.index_dir)
        if is_postgres_url(self.settings.db):
            # one per database and machine, beside the default SQLite file
            digest = hashlib.sha256(redact(str(self.settings.db)).encode()).hexdigest()[:16]
            return default_db_path().with_name(f"postgresql-{digest}.index")
        db = Path(self.settings.db)
        return db.with_name(db.name + ".index")

    def config_key(self) -> str:
        """What a saved index must have been built with: format, analyzer, parameters."""
        digest = hashlib.sha256(repr((persist.FORMAT, self.params.k1, self.params.b,
                                      self.fusion, self.settings.max_article_bytes)).encode())
        for name in _ANALYZER_FILES:
            digest.update(resources.files("retrieval").joinpath(name).read_bytes())
        return digest.hexdigest()

    async def _open_saved(self, articles: Sequence[StoredArticle]) -> Snapshot | None:
        """The saved index, if it is this database's; documents whose content differs masked.

        A saved index records the database's identity and each document's content
        fingerprint: an index copied from another database, or one newer than a database
        restored from a backup, is never trusted. Any mismatch is one warning, then a
        rebuild (or a catch-up of the documents that differ).
        """
        directory = self.index_dir()
        if directory is None:
            return None
        key = await asyncio.to_thread(self.config_key)
        identity = await self.store.identity()
        manifest = await asyncio.to_thread(persist.read_manifest, directory)
        if manifest is None:
            return None
        if manifest.get("format") != persist.FORMAT or manifest.get("key") != key:
            log.info("the saved index in %s was built by another version or with other "
                     "settings: rebuilding it", directory)
            return None
        if manifest.get("identity") != identity:
            log.warning("the saved index in %s belongs to another database: rebuilding it",
                        directory)
            return None
        saved = await asyncio.to_thread(persist.load, directory, key)
        prints = (await asyncio.to_thread(persist.load_array, directory, "fingerprints")
                  if saved is not None else None)
        if saved is None or prints is None or len(prints) != saved.doc_count:
            return None
        index = FusedIndex([saved], self.fusion)
        stored = {a.article_id: fingerprint(a) for a in articles}
        ids = [info.doc_id for info in saved.infos]
        differ = [at for at, (doc_id, print_) in enumerate(zip(ids, prints.tolist(), strict=True))
                  if doc_id in stored and stored[doc_id] != print_]
        if differ:
            log.warning("%d documents of the saved index in %s differ from the database "
                        "(restored from a backup?): re-indexing them", len(differ), directory)
            index = index.without(differ)
        log.info("opened saved index of %d sentences from %s", saved.sentence_count, directory)
        return await asyncio.to_thread(Snapshot.of, index, -1)

    # -- building ---------------------------------------------------------------------------

    async def _catch_up(
        self,
        current: Snapshot,
        new: Sequence[StoredArticle],
        gone: Iterable[int],
        version: int,
    ) -> Snapshot | None:
        """``current`` plus the ``new`` articles, minus ``gone`` ids; None if that is too much.

        An article stored again with the same URL (updated) also retires the live document
        with that URL in its scope.
        """
        index = current.index
        # a pass over every live document: in a thread, so a large corpus does not stall
        # the event loop at every feed poll
        new, drop = await asyncio.to_thread(_changes_against, current, new, gone)
        if not new and not len(drop):
            return await asyncio.to_thread(Snapshot.of, index, version)
        large = index.sentence_count >= self.settings.incremental_min_sentences
        if not large or len(new) > DELTA_MAX_ARTICLES or len(index.segments) >= MAX_SEGMENTS:
            return None
        if new:
            bodies = [await self.store.get_body(a.article_id) or "" for a in new]
            delta = await asyncio.to_thread(delta_segment, index.delta_builder(), new, bodies,
                                            self.settings.max_article_bytes)
            if delta is None:
                return None
            index = index.with_segment(delta)
        if len(drop):
            index = index.without(drop.tolist())
        log.info("index caught up: %d articles added, %d removed", len(new), len(drop))
        return await asyncio.to_thread(Snapshot.of, index, version)

    async def _build(self, articles: Sequence[StoredArticle], version: int) -> Snapshot:
        """A full build from the stored sentences, saved for the next start.

        Once saved, the index is served from the saved files (memory-mapped, as at a start)
        and the arrays just built are freed: a long-running bot then holds no more memory
        after a re-index than a process started afresh on the same database.
        """
        started = time.perf_counter()
        built = await build_segment(self.store, articles,
                                    FusedIndex.builder(self.params, self.fusion),
                                    workers=self.settings.index_workers,
                                    max_article_bytes=self.settings.max_article_bytes)
        self._last_build_seconds = time.perf_counter() - started
        log.info("indexed %d sentences of %d articles in %.2fs", built.sentence_count,
                 built.doc_count, self._last_build_seconds)
        built = await self.save(built, articles, version)
        return await asyncio.to_thread(Snapshot.of, FusedIndex([built], self.fusion), version)

    async def save(
        self, built: Segment, articles: Sequence[StoredArticle], version: int
    ) -> Segment:
        """Save ``built`` (made from ``articles``) beside the database, bound to it.

        Returns the saved copy, memory-mapped, or ``built`` itself when the index is not
        saved (in-memory or read-only database, persistence off, a full disk: one warning).
        """
        directory = self.index_dir()
        if directory is None or self.store.read_only:
            return built
        key = await asyncio.to_thread(self.config_key)
        extra = {"corpus_version": version, "identity": await self.store.identity()}
        by_id = {a.article_id: fingerprint(a) for a in articles}
        prints = np.array([by_id.get(info.doc_id, 0) for info in built.infos], dtype=np.uint64)
        try:
            await asyncio.to_thread(persist.save, built, directory, key, extra,
                                    {"fingerprints": prints})
        except OSError as error:
            log.warning("could not save the index to %s: %s", directory, error)
            return built
        mapped = await asyncio.to_thread(persist.load, directory, key)
        return mapped if mapped is not None else built

    def _schedule_rebuild(self) -> None:
        if self._rebuild_task is None or self._rebuild_task.done():
            self._rebuild_task = asyncio.create_task(self._rebuild_later())

    async def _rebuild_later(self) -> None:
        """Replace an index with extra segments by a full rebuild, without blocking ingests."""
        pause = self._last_build_seconds * (1 / REBUILD_SHARE - 1)
        await asyncio.sleep(max(self.settings.rebuild_delay, pause))
        version = await self.store.corpus_version()
        fresh = await self._build(await self.store.list_articles(), version)
        async with self._lock:
            latest = await self.store.corpus_version()
            if latest != version:
                new, gone = await asyncio.to_thread(
                    _difference, fresh, await self.store.list_articles())
                caught = await self._catch_up(fresh, new, gone, latest)
                self._changes = Changes()
                if caught is None:
                    await self._swap(fresh)
                    self._rebuild_task = None
                    self._schedule_rebuild()
                    return
                fresh = caught
            await self._swap(fresh)
