"""RSS / Atom / RDF feeds -> one `Article` per entry, via feedparser."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import feedparser

from corpus.models import Article, Skip
from corpus.readers.common import build_article, clean_str
from corpus.readers.markup import fragment_to_text

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", "html", "xhtml"})
_DATE_KEYS = ("published", "issued", "created", "updated", "dc_date", "date")


def read_feed(
    data: bytes, *, origin: str, content_type: str | None = None
) -> Iterator[Article | Skip]:
    """Yield one `Article` per feed entry, or one `Skip` when ``data`` holds no entries.

    Each entry's text is its longest ``content`` block, else its ``summary`` (an entry with
    only a short summary is kept); HTML is turned into text with its block structure.
    ``title``, ``link``, the publication date as written in the feed (the entry's local
    date, not feedparser's UTC conversion), and ``author`` / ``authors`` are used; the
    source is the entry's ``<source>`` title, else the feed's title. An entry's origin is
    ``"origin#N"`` (1-based).
    """
    headers = {"content-type": content_type} if content_type else None
    parsed: Any = feedparser.parse(data, response_headers=headers)
    entries = list(parsed.get("entries") or [])
    if not entries:
        problem = parsed.get("bozo_exception")
        reason = f"not a readable feed: {problem}" if problem else "feed has no entries"
        yield Skip(origin=origin, reason=reason)
        return
    feed_title = clean_str((parsed.get("feed") or {}).get("title"))
    for number, entry in enumerate(entries, start=1):
        source = entry.get("source") or {}
        yield build_article(
            title=entry.get("title"),
            body=_entry_text(entry),
            origin=f"{origin}#{number}",
            url=entry.get("link"),
            source=clean_str(source.get("title")) or feed_title,
            published=next((entry[key] for key in _DATE_KEYS if entry.get(key)), None),
            authors=entry.get("authors") or entry.get("author"),
        )


def _entry_text(entry: Mapping[str, Any]) -> str:
    """Return the plain text of an entry's longest content block, else of its summary."""
    blocks = [block for block in entry.get("content") or [] if block.get("value")]
    if blocks:
        best = max(blocks, key=lambda block: len(block["value"]))
        return _as_text(best["value"], best.get("type"))
    detail = entry.get("summary_detail") or {}
    return _as_text(entry.get("summary") or "", detail.get("type", "text/html"))


def _as_text(value: str, media_type: str | None) -> str:
    """Turn an entry value into text: HTML is rendered, plain text kept as it is."""
    if (media_type or "text/html").lower() in _HTML_TYPES or "<" in value:
        return fragment_to_text(value)
    return value
