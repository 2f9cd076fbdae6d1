"""The storage rules both stores share: the dedupe key, same-URL updates, text cleaning.

Pure functions, no SQL: `corpus.store` (SQLite) and `corpus.pg_store` (PostgreSQL) apply
the same rules by calling these, so an article is added, updated or skipped the same way
whichever database holds the corpus.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from urllib.parse import urlsplit

from corpus.models import Article

OPENING_CHARS = 200
"""Characters of a body compared to tell an update of a story from another story."""
_MIN_OPENING_CHARS = 20


def content_hash(article: Article) -> str:
    """SHA-256 hex digest of the article's title and body (the dedupe key within a scope)."""
    digest = hashlib.sha256()
    digest.update((article.title or "").encode("utf-8", "surrogatepass"))
    digest.update(b"\x00")
    digest.update(article.body.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def clean(text: str) -> str:
    """``text`` with lone surrogates replaced, so a database can store it as UTF-8."""
    return text.encode("utf-8", "replace").decode("utf-8")


def clean_optional(text: str | None) -> str | None:
    """`clean` for a value that may be missing."""
    return None if text is None else clean(text)


def authors_json(article: Article) -> str:
    """The ``authors`` column value: a JSON list of names."""
    return clean(json.dumps(list(article.authors)))


def parse_authors(value: str | None) -> tuple[str, ...]:
    """The ``authors`` column (a JSON list) as a tuple; unreadable JSON gives ``()``."""
    try:
        return tuple(str(name) for name in json.loads(value or "[]"))
    except (json.JSONDecodeError, TypeError):
        return ()


def utc_now() -> str:
    """The current time as ISO 8601 UTC to the second (the form every timestamp is kept in)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def may_have_versions(article: Article) -> bool:
    """True when ``article``'s URL can identify a story (present, not a bare site root)."""
    if not article.url:
        return False
    parts = urlsplit(article.url)
    return not (parts.path in {"", "/"} and not parts.query)


def _same_opening(old: str, new: str) -> bool:
    """True when two bodies start with the same text (at least `_MIN_OPENING_CHARS`)."""
    length = min(len(old), len(new), OPENING_CHARS)
    return length >= _MIN_OPENING_CHARS and old[:length] == new[:length]


def earlier_version(
    article: Article, candidates: Sequence[tuple[int, str | None, str]]
) -> int | None:
    """The id of the stored article that ``article`` is a new version of, if any.

    ``candidates`` are ``(id, title, first OPENING_CHARS of the body)`` of the articles of
    the same scope with the same URL, in id order. Same URL is not enough: feeds and pages
    whose canonical URL is the site's home page share one URL across different stories.
    An earlier version has the same title (ignoring case and outer spaces) or the same
    opening text.
    """
    title = (article.title or "").strip().casefold()
    head = article.body[:OPENING_CHARS]
    for article_id, old_title, old_head in candidates:
        if (title and (old_title or "").strip().casefold() == title) or _same_opening(
            old_head, head
        ):
            return article_id
    return None

MANY_ROWS = 2_000
"""Rows a store converts to values off the event loop from this many (a whole-corpus list)."""
