"""ArticleStore: SQLite through aiosqlite, WAL mode; with `corpus.migrations`, the only SQL.

It implements `corpus.backend.CorpusStore`; the value types it returns live there and are
re-exported here (``from corpus.store import SHARED_SCOPE, SentenceRow`` keeps working).
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
import uuid
from collections.abc import AsyncIterator, Iterable, Sequence
from pathlib import Path

import aiosqlite

from corpus.backend import (
    SHARED_SCOPE,
    SentenceLike,
    SentenceRow,
    StoreStats,
    UpsertResult,
)
from corpus.database_file import (
    BUSY_TIMEOUT_MS,
    READ_ONLY_QUERIES,
    cannot_write,
    database_kind,
)
from corpus.feed_sql import FeedStateSQL
from corpus.maintenance import StoreMaintenance, placeholders
from corpus.migrations import SCHEMA_VERSION, check_version, migrate
from corpus.models import Article, StoredArticle
from corpus.rules import (
    MANY_ROWS,
    OPENING_CHARS,
    authors_json,
    clean,
    clean_optional,
    content_hash,
    earlier_version,
    may_have_versions,
    parse_authors,
    utc_now,
)

__all__ = [
    "SCHEMA_VERSION",
    "SHARED_SCOPE",
    "ArticleStore",
    "SentenceLike",
    "SentenceRow",
    "StoreStats",
    "UpsertResult",
    "content_hash",
    "database_kind",
]

log = logging.getLogger(__name__)

class ArticleStore(StoreMaintenance, FeedStateSQL):
    """Owns the one aiosqlite connection to a newsdesk database.

    Open with ``await ArticleStore.open(path)`` or ``async with ArticleStore(path)``.
    Writes are serialised by an ``asyncio.Lock`` and each runs in one transaction, so a
    failure leaves no half article. Readers in other processes are not blocked (WAL).

    Raises
    ------
    sqlite3.DatabaseError
        When the file exists but is not a SQLite database (message names the path).
    """

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._db: aiosqlite.Connection | None = None
        self._write_lock = asyncio.Lock()
        self.read_only = False

    @classmethod
    async def open(cls, path: str | Path) -> ArticleStore:
        """Open (creating and migrating as needed) the database at ``path``."""
        store = cls(path)
        await store.connect()
        return store

    async def connect(self) -> None:
        """Connect, set WAL and busy timeout, and apply pending migrations.

        A database that exists but cannot be written (a read-only file, folder or mount) is
        opened read-only: questions are answered, the question log is off (said once in
        the log), and writes raise `ReadOnlyDatabaseError`.
        """
        if self.path != ":memory:":
            try:
                await asyncio.to_thread(Path(self.path).parent.mkdir, parents=True, exist_ok=True)
            except OSError as error:
                raise sqlite3.DatabaseError(
                    f"{self.path}: cannot create its folder ({error.strerror})"
                ) from error
            if await asyncio.to_thread(Path(self.path).is_dir):
                raise sqlite3.DatabaseError(f"{self.path}: is a folder, not a database file")
            self.read_only = await asyncio.to_thread(cannot_write, Path(self.path))
        if self.read_only:
            db = await self._connect_read_only()
        else:
            try:
                db = await aiosqlite.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000)
            except sqlite3.Error as error:
                raise sqlite3.DatabaseError(f"{self.path}: cannot open ({error})") from error
        try:
            db.row_factory = aiosqlite.Row
            await db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            if not self.read_only:
                await _enable_wal(db)
                await db.execute("PRAGMA foreign_keys = ON")
                await db.execute("PRAGMA synchronous = NORMAL")
                await migrate(db, self.path)
            else:
                await check_version(db, self.path)
        except sqlite3.DatabaseError as error:
            await db.close()
            raise sqlite3.DatabaseError(
                f"{self.path}: not a usable newsdesk database ({error})"
            ) from error
        self._db = db

    async def _connect_read_only(self) -> aiosqlite.Connection:
        """Open the file read-only; ``immutable`` when not even its -shm file can be made."""
        uri = (await asyncio.to_thread(Path(self.path).resolve)).as_uri()
        for query in READ_ONLY_QUERIES:
            db = await aiosqlite.connect(uri + query, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
            try:
                await db.execute("SELECT count(*) FROM sqlite_master")
            except sqlite3.OperationalError:
                await db.close()
                continue
            log.warning("%s is read-only: answering questions only; the question log is off",
                        self.path)
            return db
        raise sqlite3.DatabaseError(f"{self.path}: cannot open it, not even read-only")

    @property
    def db(self) -> aiosqlite.Connection:
        """The open connection; raises RuntimeError when the store is closed."""
        if self._db is None:
            raise RuntimeError("ArticleStore is not open")
        return self._db

    async def close(self) -> None:
        """Close the connection (idempotent)."""
        if self._db is not None:
            db, self._db = self._db, None
            await db.close()

    def is_open(self) -> bool:
        """True between `connect` and `close`."""
        return self._db is not None

    # -- writes -------------------------------------------------------------------------

    async def upsert(
        self,
        article: Article,
        sentences: Sequence[SentenceLike],
        *,
        scope: str = SHARED_SCOPE,
        feed_id: int | None = None,
    ) -> UpsertResult:
        """Store ``article`` and its ``sentences`` in one transaction.

        Identical content (same title and body) already in ``scope`` is skipped; an article
        with the same URL but different content replaces the old one (``updated``).
        ``feed_id`` records the feed it came from (None: added by hand).
        """
        self._check_writable()
        digest = content_hash(article)
        async with self._write_lock:
            db = self.db
            # the checks run inside the write transaction, so a second process writing the
            # same article at the same moment cannot slip in between check and insert
            await db.execute("BEGIN IMMEDIATE")
            try:
                existing = await self._one(
                    "SELECT id FROM articles WHERE scope = ? AND content_hash = ?", (scope, digest)
                )
                if existing is not None:
                    await db.rollback()
                    return UpsertResult("skipped", int(existing[0]))
                old = await self._earlier_version(article, scope)
                if old is not None:
                    await db.execute("DELETE FROM articles WHERE id = ?", (old,))
                cursor = await db.execute(
                    "INSERT INTO articles (scope, title, url, source, published, authors, body,"
                    " content_hash, partial, origin, ingested_at, feed_id)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        scope,
                        clean_optional(article.title),
                        clean_optional(article.url),
                        clean_optional(article.source),
                        clean_optional(article.published),
                        authors_json(article),
                        clean(article.body),
                        digest,
                        int(article.partial),
                        clean(article.origin),
                        utc_now(),
                        feed_id,
                    ),
                )
                article_id = int(cursor.lastrowid or 0)
                await db.executemany(
                    'INSERT INTO sentences (article_id, position, paragraph, start, "end", text)'
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    [
                        (article_id, s.position, s.paragraph, s.start, s.end, clean(s.text))
                        for s in sentences
                    ],
                )
                await self._bump_version()
                await db.commit()
            except BaseException:
                await db.rollback()
                raise
        return UpsertResult("updated" if old is not None else "added", article_id)

    async def _earlier_version(self, article: Article, scope: str) -> int | None:
        """The id of the stored article ``article`` is a new version of (`earlier_version`)."""
        if not may_have_versions(article):
            return None
        async with self.db.execute(
            "SELECT id, title, substr(body, 1, ?) AS head FROM articles"
            " WHERE scope = ? AND url = ? ORDER BY id",
            (OPENING_CHARS, scope, article.url),
        ) as cursor:
            rows = await cursor.fetchall()
        return earlier_version(article, [(int(r[0]), r[1], r[2]) for r in rows])

    async def remove_article(self, article_id: int, *, scope: str) -> bool:
        """Delete one article of ``scope`` and its sentences; True when something was removed."""
        self._check_writable()
        async with self._write_lock:
            await self.db.execute("BEGIN IMMEDIATE")
            try:
                cursor = await self.db.execute(
                    "DELETE FROM articles WHERE id = ? AND scope = ?", (article_id, scope)
                )
                removed = cursor.rowcount > 0
                if removed:
                    await self._bump_version()
                await self.db.commit()
            except BaseException:
                await self.db.rollback()
                raise
        return removed

    async def log_question(self, *, scope: str, query: str, answered: bool) -> None:
        """Append one row to the question log (used for stats: unanswered questions).

        Does nothing on a read-only database (opening it said so once).
        """
        if self.read_only:
            return
        async with self._write_lock:
            try:
                await self.db.execute(
                    "INSERT INTO questions (asked_at, scope, query, answered)"
                    " VALUES (?, ?, ?, ?)",
                    (utc_now(), scope, clean(query), int(answered)),
                )
                await self.db.commit()
            except BaseException:
                # a refused write must not leave the connection in an old snapshot
                await self.db.rollback()
                raise

    # -- reads --------------------------------------------------------------------------

    async def _one(self, sql: str, params: Sequence[object] = ()) -> sqlite3.Row | None:
        async with self.db.execute(sql, params) as cursor:
            row: sqlite3.Row | None = await cursor.fetchone()
        return row

    async def corpus_version(self) -> int:
        """A counter bumped by every write that changes articles (for index invalidation)."""
        row = await self._one("SELECT value FROM meta WHERE key = 'corpus_version'")
        return int(row[0]) if row else 0

    async def identity(self) -> str:
        """A random id given to this database when first opened (kept by backups and copies).

        A saved index records it, so an index built from another database is never used.
        A read-only database that has none gets ``"read-only:<path>"`` (never saved to).
        """
        row = await self._one("SELECT value FROM meta WHERE key = 'identity'")
        if row is not None:
            return str(row[0])
        if self.read_only:
            return f"read-only:{self.path}"
        async with self._write_lock:
            await self.db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('identity', ?)",
                                  (uuid.uuid4().hex,))
            await self.db.commit()
        row = await self._one("SELECT value FROM meta WHERE key = 'identity'")
        return str(row[0]) if row else ""

    async def count_articles(self) -> int:
        """Number of stored articles, all scopes."""
        row = await self._one("SELECT COUNT(*) FROM articles")
        return int(row[0]) if row else 0

    async def list_articles(
        self, *, scopes: Iterable[str] | None = None, article_ids: Iterable[int] | None = None
    ) -> list[StoredArticle]:
        """Stored articles, newest first (unknown dates last), optionally only some scopes."""
        sql = (
            "SELECT a.id, a.title, a.url, a.source, a.published, a.authors, a.content_hash,"
            " a.ingested_at, a.partial, a.scope,"
            " (SELECT COUNT(*) FROM sentences s WHERE s.article_id = a.id) AS n"
            " FROM articles a"
        )
        where: list[str] = []
        params: list[object] = []
        if scopes is not None:
            scope_list = list(scopes)
            where.append(f"a.scope IN ({placeholders(scope_list)})")
            params.extend(scope_list)
        if article_ids is not None:
            id_list = list(article_ids)
            where.append(f"a.id IN ({placeholders(id_list)})")
            params.extend(id_list)
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY a.published IS NULL, a.published DESC, a.id DESC"
        async with self.db.execute(sql, params) as cursor:
            rows = list(await cursor.fetchall())
        if len(rows) < MANY_ROWS:
            return [_stored_article(row) for row in rows]
        # a whole corpus (an index rebuild asks for it): converted in a thread, so the
        # event loop is not held for the length of the list
        return await asyncio.to_thread(lambda: [_stored_article(row) for row in rows])

    async def get_article(self, article_id: int) -> StoredArticle | None:
        """One stored article by id, or None."""
        found = await self.list_articles(article_ids=[article_id])
        return found[0] if found else None

    async def get_body(self, article_id: int) -> str | None:
        """The stored body text of one article, or None."""
        row = await self._one("SELECT body FROM articles WHERE id = ?", (article_id,))
        return str(row[0]) if row else None

    async def iter_sentences(self, batch: int = 50_000) -> AsyncIterator[SentenceRow]:
        """Every stored sentence ordered by article id then position.

        A file database is read through a second, query-only connection: a full build
        streams for minutes, and one long read on the store's own connection would pin it
        to an old snapshot, so its writes would fail ("database is locked") and it would
        not see other processes' articles until the stream ended.
        """
        if self.path == ":memory:" or self.read_only:
            reader, own = self.db, False
        else:
            reader = await aiosqlite.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000)
            await reader.execute("PRAGMA query_only = 1")
            own = True
        try:
            async with reader.execute(
                'SELECT article_id, position, paragraph, start, "end", text FROM sentences'
                " ORDER BY article_id, position"
            ) as cursor:
                while rows := await cursor.fetchmany(batch):
                    for row in rows:
                        yield SentenceRow(*row)
        finally:
            if own:
                await reader.close()

    async def stats(self) -> StoreStats:
        """Article, sentence, source and question counts."""
        row = await self._one(
            "SELECT (SELECT COUNT(*) FROM articles), (SELECT COUNT(*) FROM sentences),"
            " (SELECT COUNT(DISTINCT source) FROM articles),"
            " (SELECT MIN(published) FROM articles), (SELECT MAX(published) FROM articles),"
            " (SELECT COUNT(*) FROM questions),"
            " (SELECT COUNT(*) FROM questions WHERE answered = 0)"
        )
        assert row is not None
        version_row = await self._one("PRAGMA user_version")
        return StoreStats(
            articles=int(row[0]),
            sentences=int(row[1]),
            sources=int(row[2]),
            oldest=row[3],
            newest=row[4],
            questions=int(row[5]),
            unanswered=int(row[6]),
            schema_version=int(version_row[0]) if version_row else 0,
            path=self.path,
        )


async def _enable_wal(db: aiosqlite.Connection) -> None:
    """Switch to WAL, retrying while another connection holds the file (busy timeout).

    SQLite can answer a journal-mode change "database is locked" at once, without its busy
    handler, when several connections open a new database together.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            await db.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.02)


def _stored_article(row: sqlite3.Row) -> StoredArticle:
    return StoredArticle(
        article_id=int(row["id"]),
        title=row["title"],
        url=row["url"],
        source=row["source"],
        published=row["published"],
        authors=parse_authors(row["authors"]),
        content_hash=row["content_hash"],
        ingested_at=row["ingested_at"],
        partial=bool(row["partial"]),
        scope=row["scope"],
        sentence_count=int(row["n"]),
    )
