"""The storage interface the bot uses, and the values that cross it.

`CorpusStore` lists only the methods `bot/` calls (the answer path, ingest, the index life
cycle, the commands); `corpus.store.ArticleStore` (SQLite through aiosqlite) implements it.
A second backend (PostgreSQL, say) implements this protocol and nothing else: no SQL row or
connection object crosses it, only the frozen dataclasses below and `StoredArticle`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

from corpus.models import Article, StoredArticle

SHARED_SCOPE = "shared"


class StoreError(Exception):
    """A database that cannot be used: unreachable, refused, not newsdesk's, too new.

    The message says why in one line and names the database without its password. The
    SQLite store raises ``sqlite3.DatabaseError`` for the same cases.
    """

UpsertStatus = Literal["added", "updated", "skipped"]


class SentenceLike(Protocol):
    """What the store needs of a sentence (``retrieval.types.Sentence`` fits)."""

    @property
    def position(self) -> int: ...  # noqa: D102
    @property
    def paragraph(self) -> int: ...  # noqa: D102
    @property
    def start(self) -> int: ...  # noqa: D102
    @property
    def end(self) -> int: ...  # noqa: D102
    @property
    def text(self) -> str: ...  # noqa: D102


@dataclass(frozen=True, slots=True)
class UpsertResult:
    """Outcome of storing one article, with the article's id.

    ``added``, ``updated`` (same URL, new content) or ``skipped`` (identical content).
    """

    status: UpsertStatus
    article_id: int


@dataclass(frozen=True, slots=True)
class SentenceRow:
    """One stored sentence, in the order and shape the index needs."""

    article_id: int
    position: int
    paragraph: int
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class StoreStats:
    """Counts for ``newsdesk stats`` and ``/corpus stats``."""

    articles: int
    sentences: int
    sources: int
    oldest: str | None
    newest: str | None
    questions: int
    unanswered: int
    schema_version: int
    path: str


@dataclass(frozen=True, slots=True)
class Feed:
    """One followed feed and its polling state (timestamps are ISO 8601 UTC, or None).

    ``every_minutes`` is the polling interval; ``failures`` counts consecutive failed
    polls (0 after a good one); ``entries_stored`` counts the articles from it now stored
    (counted when read, so an interrupted poll's articles count too).
    """

    feed_id: int
    scope: str
    url: str
    title: str | None
    every_minutes: int
    added_at: str
    etag: str | None = None
    last_modified: str | None = None
    last_poll_at: str | None = None
    last_new_at: str | None = None
    next_poll_at: str | None = None
    entries_stored: int = 0
    failures: int = 0
    last_error: str | None = None
    last_error_at: str | None = None


@dataclass(frozen=True, slots=True)
class FeedPoll:
    """The outcome of one poll of one feed, as `CorpusStore.record_poll` saves it.

    ``error`` is None for a good poll (which resets ``failures``); ``new_entries`` is the
    number of articles stored by this poll; ``etag``/``last_modified`` are the validators
    for the next conditional request (None keeps the stored ones).
    """

    polled_at: str
    next_poll_at: str
    title: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    new_entries: int = 0
    error: str | None = None


class FeedStateStore(Protocol):
    """Followed feeds, the entries already seen, and per-scope settings."""

    async def add_feed(self, url: str, *, scope: str, every_minutes: int) -> tuple[Feed, bool]:
        """Follow ``url`` in ``scope``; returns the feed and True when it is new.

        Following a feed already followed in that scope changes only its interval.
        """

    async def remove_feed(self, feed_id: int, *, scope: str) -> bool:
        """Unfollow one feed of ``scope`` (its articles stay); True when it existed."""

    async def list_feeds(self, *, scopes: Iterable[str] | None = None) -> list[Feed]:
        """Followed feeds (optionally only some scopes), in id order."""

    async def record_poll(self, feed_id: int, poll: FeedPoll) -> None:
        """Save one poll's outcome (validators, times, counts, error) for the feed."""

    async def seen_entries(self, feed_id: int, entry_keys: Iterable[str]) -> set[str]:
        """Those of ``entry_keys`` already seen in this feed."""

    async def mark_entries(self, feed_id: int, entries: Iterable[tuple[str, int | None]]) -> None:
        """Remember entries as seen: ``(entry_key, article_id or None)`` pairs."""

    async def article_id_for_url(self, url: str, *, scope: str) -> int | None:
        """The id of an article of ``scope`` stored with exactly this URL, or None."""

    async def get_setting(self, scope: str, key: str) -> str | None:
        """A per-scope setting (such as ``announce_channel``), or None when unset."""

    async def set_setting(self, scope: str, key: str, value: str | None) -> None:
        """Set a per-scope setting; None deletes it."""


@runtime_checkable
class ChangeFeed(Protocol):
    """A store that announces writes (PostgreSQL's NOTIFY): no need to poll for them."""

    async def wait_for_change(self) -> None:
        """Return when a write to the corpus by any process may have happened.

        Callers bound it with ``asyncio.timeout``; it raises `StoreError` when the database
        cannot be reached (a later call tries again).
        """


class CorpusStore(FeedStateStore, Protocol):
    """Articles, their sentences and the question log, behind one async API.

    Writes are atomic per call (one article, one removal). ``corpus_version`` changes with
    every write that changes articles, whichever process made it: the index compares it to
    decide whether it is current.
    """

    read_only: bool
    """True when the database can only be read (writes raise; the question log is off)."""

    async def close(self) -> None:
        """Release the connection (idempotent)."""

    async def identity(self) -> str:
        """A random id given to this database when first opened (kept by backups)."""

    async def upsert(
        self,
        article: Article,
        sentences: Sequence[SentenceLike],
        *,
        scope: str = SHARED_SCOPE,
        feed_id: int | None = None,
    ) -> UpsertResult:
        """Store ``article`` and its ``sentences`` (added, updated by URL, or skipped).

        ``feed_id`` records the feed it came from (None: added by hand).
        """

    async def remove_article(self, article_id: int, *, scope: str) -> bool:
        """Delete one article of ``scope``; True when something was removed."""

    async def log_question(self, *, scope: str, query: str, answered: bool) -> None:
        """Append one question to the log."""

    async def corpus_version(self) -> int:
        """A counter bumped by every write that changes articles."""

    async def count_articles(self) -> int:
        """Number of stored articles, all scopes."""

    async def list_articles(
        self, *, scopes: Iterable[str] | None = None, article_ids: Iterable[int] | None = None
    ) -> list[StoredArticle]:
        """Stored articles, newest first (unknown dates last, then highest id first)."""

    async def get_article(self, article_id: int) -> StoredArticle | None:
        """One stored article by id, or None."""

    async def get_body(self, article_id: int) -> str | None:
        """The stored body text of one article, or None."""

    def iter_sentences(self, batch: int = 50_000) -> AsyncIterator[SentenceRow]:
        """Every stored sentence ordered by article id, then position."""

    async def stats(self) -> StoreStats:
        """Article, sentence, publisher and question counts."""
