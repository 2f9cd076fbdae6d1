"""Stored article records."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Article:
    r"""An article as read from a file, feed or page, before storage.

    ``body`` holds the article text with paragraphs separated by a blank line (``"\n\n"``)
    and no boilerplate. ``published`` is an ISO 8601 date (``YYYY-MM-DD``) or ``None`` when
    missing or invalid; every other optional field is ``None`` when unknown, never ``""``.
    ``origin`` says where it was read from (``path`` or ``path:line``) for messages.
    ``partial`` marks a paywalled or truncated excerpt.
    """

    title: str | None
    body: str
    url: str | None = None
    source: str | None = None
    published: str | None = None
    authors: tuple[str, ...] = ()
    origin: str = ""
    partial: bool = False


@dataclass(frozen=True, slots=True)
class Skip:
    """An input record that could not be read: where (file, line) and why, for the summary."""

    origin: str
    reason: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.origin}:{self.line}" if self.line is not None else self.origin
        return f"{where}: {self.reason}"


@dataclass(frozen=True, slots=True)
class StoredArticle:
    """An article row as stored, with its id and its sentences' text in order."""

    article_id: int
    title: str | None
    url: str | None
    source: str | None
    published: str | None
    authors: tuple[str, ...]
    content_hash: str
    ingested_at: str
    partial: bool
    scope: str
    sentence_count: int
