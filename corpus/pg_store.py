"""PostgresStore: the corpus in PostgreSQL through asyncpg; with its mixins, the only PG SQL.

It implements `corpus.backend.CorpusStore` with the SQLite store's rules (`corpus.rules`):
dedupe by scope and content hash, same-URL updates, one transaction per article, and a
``corpus_version`` bumped by every article write. Each such write also sends
``NOTIFY newsdesk_corpus`` with the new version, so `wait_for_change` wakes every process
following the corpus within moments (`corpus.pg_listen`).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import uuid
from collections.abc import AsyncIterator, Iterable, Sequence
from typing import Any

import asyncpg

from corpus.backend import (
    SHARED_SCOPE,
    SentenceLike,
    SentenceRow,
    StoreError,
    StoreStats,
    UpsertResult,
)
from corpus.models import Article, StoredArticle
from corpus.pg_feeds import PgFeedState
from corpus.pg_listen import ChangeListener
from corpus.pg_maintenance import PgMaintenance
from corpus.pg_migrations import check_version, migrate, schema_version
from corpus.pg_sql import bump_version, pg_text
from corpus.pg_url import check_url, endpoint, redact
from corpus.rules import (
    MANY_ROWS,
    OPENING_CHARS,
    authors_json,
    content_hash,
    earlier_version,
    may_have_versions,
    parse_authors,
    utc_now,
)

log = logging.getLogger(__name__)

POOL_SIZE = 4  # connections one process opens for queries (plus one listening)
_ARTICLE_COLUMNS = (
    "a.id, a.title, a.url, a.source, a.published, a.authors, a.content_hash, a.ingested_at,"
    " a.partial, a.scope, (SELECT count(*) FROM sentences s WHERE s.article_id = a.id) AS n"
)
_READ_ONLY_SQL = (
    "SELECT pg_is_in_recovery() OR current_setting('transaction_read_only') = 'on'"
)
CONNECTION_LOST: tuple[type[BaseException], ...] = (
    OSError, asyncpg.InterfaceError, asyncpg.PostgresConnectionError,
    asyncpg.exceptions.OperatorInterventionError,
)
"""What asyncpg raises when the server goes away mid-operation (closed, reset, shut down)."""
_SENTENCE_COLUMNS = ("article_id", "position", "paragraph", "start", "end", "text")


def lock_key(*parts: str) -> int:
    """A signed 64-bit advisory lock key for ``parts`` (stable across processes)."""
    digest = hashlib.sha256("\x00".join(parts).encode("utf-8", "surrogatepass")).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def connection_problem(url: str, error: BaseException) -> StoreError:
    """A one-line `StoreError` for a failed connection: where to, and why (no password)."""
    reason = str(error).strip() or type(error).__name__
    return StoreError(f"{redact(url)}: cannot connect to PostgreSQL at {endpoint(url)}"
                      f" ({reason})")


class PostgresStore(PgMaintenance, PgFeedState):
    """A newsdesk corpus in one PostgreSQL database (its current schema).

    Open with ``await PostgresStore.open(url)`` or ``async with PostgresStore(url)``. It
    holds a small connection pool, so concurrent reads and writes do not wait for each other;
    other processes writing at once are serialised per article by advisory locks.

    Raises
    ------
    corpus.backend.StoreError
        When the server cannot be reached or refuses the login, or the database holds
        another application's tables or a newer newsdesk schema (one line, no password).
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self.path = redact(url)
        self.read_only = False
        self._pool: asyncpg.Pool | None = None
        self._backends: set[int] = set()  # server process ids of the pool's connections
        self._listener = ChangeListener(url, self.path, self._backends)

    @classmethod
    async def open(cls, url: str) -> PostgresStore:
        """Open (migrating as needed) the database at ``url``."""
        store = cls(url)
        await store.connect()
        return store

    async def connect(self) -> None:
        """Connect, then apply pending migrations (or check the schema when read-only).

        A server in recovery or a read-only session is opened read-only: questions are
        answered, the question log is off, writes raise
        `corpus.maintenance.ReadOnlyDatabaseError`. Raises `StoreError` (one line) when the
        URL is malformed (`corpus.pg_url.check_url`) or the server cannot be used.
        """
        check_url(self.url)
        try:
            pool = await asyncpg.create_pool(
                self.url, min_size=1, max_size=POOL_SIZE,
                server_settings={"application_name": "newsdesk"}, init=self._init_connection,
            )
        except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
            raise connection_problem(self.url, error) from None
        assert pool is not None
        try:
            async with pool.acquire() as conn:
                self.read_only = bool(await conn.fetchval(_READ_ONLY_SQL))
                if self.read_only:
                    await check_version(conn, self.path)
                    log.warning("%s is read-only: answering questions only; the question "
                                "log is off", self.path)
                else:
                    await migrate(conn, self.path)
        except BaseException as error:
            await pool.close()
            if isinstance(error, asyncpg.InsufficientPrivilegeError):
                raise StoreError(f"{self.path}: not allowed to create newsdesk's tables"
                                 f" ({error})") from None
            raise
        self._pool = pool

    async def _init_connection(self, conn: asyncpg.Connection) -> None:
        """Remember a new pool connection's server process (its NOTIFYs are our own)."""
        self._backends.add(conn.get_server_pid())

    @property
    def pool(self) -> asyncpg.Pool:
        """The open connection pool; raises RuntimeError when the store is closed."""
        if self._pool is None:
            raise RuntimeError("PostgresStore is not open")
        return self._pool

    async def close(self) -> None:
        """Close the pool and the listening connection (idempotent)."""
        await self._listener.close()
        if self._pool is not None:
            pool, self._pool = self._pool, None
            await pool.close()

    def is_open(self) -> bool:
        """True between `connect` and `close`."""
        return self._pool is not None

    # -- writes -------------------------------------------------------------------------

    async def upsert(
        self,
        article: Article,
        sentences: Sequence[SentenceLike],
        *,
        scope: str = SHARED_SCOPE,
        feed_id: int | None = None,
    ) -> UpsertResult:
        """Store ``article`` and its ``sentences`` in one transaction (see `CorpusStore`).

        Identical content already in ``scope`` is skipped; an earlier version at the same
        URL is replaced (``updated``). Advisory locks on the content hash and the URL make
        processes storing the same article at once store it once.
        """
        self._check_writable()
        digest = content_hash(article)
        rows = [(s.position, s.paragraph, s.start, s.end, pg_text(s.text)) for s in sentences]
        for attempt in range(2):
            try:
                return await self._upsert(article, rows, scope, feed_id, digest)
            except asyncpg.UniqueViolationError:
                # stored by a writer that took no lock (a copy): it is the same content
                if attempt:
                    raise
        raise AssertionError("unreachable")

    async def _upsert(
        self,
        article: Article,
        rows: list[tuple[int, int, int, int, str]],
        scope: str,
        feed_id: int | None,
        digest: str,
    ) -> UpsertResult:
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock($1)", lock_key(scope, digest))
            if may_have_versions(article):
                assert article.url is not None
                await conn.execute("SELECT pg_advisory_xact_lock($1)",
                                   lock_key(scope, "url", article.url))
            existing = await conn.fetchval(
                "SELECT id FROM articles WHERE scope = $1 AND content_hash = $2", scope, digest
            )
            if existing is not None:
                return UpsertResult("skipped", int(existing))
            old = await self._earlier_version(conn, article, scope)
            if old is not None:
                await conn.execute("DELETE FROM articles WHERE id = $1", old)
            article_id = int(await conn.fetchval(
                "INSERT INTO articles (scope, title, url, source, published, authors, body,"
                " content_hash, partial, origin, ingested_at, feed_id)"
                " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
                scope, pg_text(article.title), pg_text(article.url), pg_text(article.source),
                pg_text(article.published), authors_json(article), pg_text(article.body),
                digest, article.partial, pg_text(article.origin), utc_now(), feed_id,
            ))
            await conn.copy_records_to_table(
                "sentences", columns=_SENTENCE_COLUMNS,
                records=[(article_id, *row) for row in rows],
            )
            await bump_version(conn)
        return UpsertResult("updated" if old is not None else "added", article_id)

    async def _earlier_version(
        self, conn: asyncpg.Connection, article: Article, scope: str
    ) -> int | None:
        """The id of the stored article ``article`` is a new version of (`earlier_version`)."""
        if not may_have_versions(article):
            return None
        rows = await conn.fetch(
            "SELECT id, title, left(body, $1) FROM articles WHERE scope = $2 AND url = $3"
            " ORDER BY id",
            OPENING_CHARS, scope, pg_text(article.url),
        )
        return earlier_version(article, [(int(r[0]), r[1], r[2]) for r in rows])

    async def remove_article(self, article_id: int, *, scope: str) -> bool:
        """Delete one article of ``scope`` and its sentences; True when something was removed."""
        self._check_writable()
        async with self.pool.acquire() as conn, conn.transaction():
            status = await conn.execute(
                "DELETE FROM articles WHERE id = $1 AND scope = $2", article_id, scope
            )
            removed = bool(status != "DELETE 0")
            if removed:
                await bump_version(conn)
        return removed

    async def log_question(self, *, scope: str, query: str, answered: bool) -> None:
        """Append one row to the question log (nothing on a read-only database)."""
        if self.read_only:
            return
        await self.pool.execute(
            "INSERT INTO questions (asked_at, scope, query, answered) VALUES ($1, $2, $3, $4)",
            utc_now(), scope, pg_text(query), answered,
        )

    # -- reads --------------------------------------------------------------------------

    async def corpus_version(self) -> int:
        """A counter bumped by every write that changes articles (for index invalidation).

        Raises `StoreError` when the server cannot be reached.
        """
        try:
            value = await self.pool.fetchval(
                "SELECT value FROM meta WHERE key = 'corpus_version'"
            )
        except (OSError, asyncpg.InterfaceError, asyncpg.PostgresConnectionError) as error:
            raise connection_problem(self.url, error) from None
        return int(value or 0)

    async def wait_for_change(self) -> None:
        """Return when another process may have written to the corpus.

        That is: one was announced, or the listening connection was just made, so one may
        have been missed. Bound the wait with ``asyncio.timeout``. Raises `StoreError` when
        the server cannot be reached (the next call tries again).
        """
        await self._listener.wait()

    async def identity(self) -> str:
        """A random id given to this database when first opened (copied by migrate-db)."""
        value = await self.pool.fetchval("SELECT value FROM meta WHERE key = 'identity'")
        if value is not None:
            return str(value)
        if self.read_only:
            return f"read-only:{self.path}"
        await self.pool.execute(
            "INSERT INTO meta (key, value) VALUES ('identity', $1) ON CONFLICT DO NOTHING",
            uuid.uuid4().hex,
        )
        return str(await self.pool.fetchval("SELECT value FROM meta WHERE key = 'identity'"))

    async def count_articles(self) -> int:
        """Number of stored articles, all scopes."""
        return int(await self.pool.fetchval("SELECT count(*) FROM articles"))

    async def list_articles(
        self, *, scopes: Iterable[str] | None = None, article_ids: Iterable[int] | None = None
    ) -> list[StoredArticle]:
        """Stored articles, newest first (unknown dates last, then highest id first)."""
        where: list[str] = []
        params: list[Any] = []
        if scopes is not None:
            params.append(list(scopes))
            where.append(f"a.scope = ANY(${len(params)}::text[])")
        if article_ids is not None:
            params.append(list(article_ids))
            where.append(f"a.id = ANY(${len(params)}::bigint[])")
        sql = f"SELECT {_ARTICLE_COLUMNS} FROM articles a"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY a.published DESC NULLS LAST, a.id DESC"
        rows = await self.pool.fetch(sql, *params)
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
        value = await self.pool.fetchval("SELECT body FROM articles WHERE id = $1", article_id)
        return None if value is None else str(value)

    async def iter_sentences(self, batch: int = 50_000) -> AsyncIterator[SentenceRow]:
        """Every stored sentence ordered by article id then position (one snapshot)."""
        async with self.pool.acquire() as conn, conn.transaction(
            isolation="repeatable_read", readonly=True
        ):
            async for row in conn.cursor(
                'SELECT article_id, position, paragraph, start, "end", text FROM sentences'
                " ORDER BY article_id, position", prefetch=batch,
            ):
                yield SentenceRow(int(row[0]), row[1], row[2], row[3], row[4], row[5])

    async def stats(self) -> StoreStats:
        """Article, sentence, source and question counts; ``path`` is the URL, no password."""
        async with self.pool.acquire() as conn:
            row = await conn.fetchrow(
                "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM sentences),"
                " (SELECT count(DISTINCT source) FROM articles),"
                " (SELECT min(published) FROM articles), (SELECT max(published) FROM articles),"
                " (SELECT count(*) FROM questions),"
                " (SELECT count(*) FROM questions WHERE NOT answered)"
            )
            version = await schema_version(conn)
        assert row is not None
        return StoreStats(
            articles=int(row[0]), sentences=int(row[1]), sources=int(row[2]),
            oldest=row[3], newest=row[4], questions=int(row[5]), unanswered=int(row[6]),
            schema_version=version, path=self.path,
        )


def _stored_article(row: asyncpg.Record) -> StoredArticle:
    return StoredArticle(
        article_id=int(row["id"]), title=row["title"], url=row["url"], source=row["source"],
        published=row["published"], authors=parse_authors(row["authors"]),
        content_hash=row["content_hash"], ingested_at=row["ingested_at"],
        partial=bool(row["partial"]), scope=row["scope"], sentence_count=int(row["n"]),
    )
