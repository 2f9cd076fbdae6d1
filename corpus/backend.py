"""The storage interface the bot uses, and the values that cross it.

`CorpusStore` lists only the methods `bot/` calls (the answer path, ingest, the index life
cycle, the commands); `corpus.store.ArticleStore` (SQLite through aiosqlite) implements it.
A second backend (PostgreSQL, say) implements this protocol and nothing else: no SQL row or
connection object crosses it, only the frozen dataclasses below and `StoredArticle`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from corpus.models import Article, StoredArticle

SHARED_SCOPE = "shared"

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


class CorpusStore(Protocol):
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
        self, article: Article, sentences: Sequence[SentenceLike], *, scope: str = SHARED_SCOPE
    ) -> UpsertResult:
        """Store ``article`` and its ``sentences`` (added, updated by URL, or skipped)."""

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
