"""RSS / Atom / RDF feeds -> one `Article` per entry, via feedparser."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import feedparser

from corpus.dates import normalize_date
from corpus.models import Article, Skip
from corpus.readers.common import (
    build_article,
    clean_authors,
    clean_str,
    clean_url,
    describe_error,
    without_userinfo,
)
from corpus.readers.encoding import decode_bytes
from corpus.readers.markup import fragment_to_text

log = logging.getLogger(__name__)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_CHARACTER_REFERENCE = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,12})|([0-9]{1,12}));")

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", "html", "xhtml"})
# "Mon, 25 Jun 18 11:41:36 GMT": day, month name, two-digit year, then a time.
_RFC822_SHORT_YEAR = re.compile(
    r"^((?:[^\W\d_]+\.?,?\s*)?\d{1,2}\s+[^\W\d_]{3,9}\.?\s+)(\d{2})(\s+\d{1,2}:\d{2}.*)$")
_DATE_KEYS = ("published", "issued", "created", "updated", "dc_date", "date")


def read_feed(
    data: bytes, *, origin: str, content_type: str | None = None, url: str | None = None
) -> Iterator[Article | Skip]:
    """Yield one `Article` per feed entry, or one `Skip` when ``data`` holds no entries.

    Each entry's text is its longest ``content`` block, else its ``summary`` (an entry with
    only a short summary is kept); HTML is turned into text with its block structure.
    ``title``, ``link`` (a relative link resolved against ``xml:base``, else the channel's
    ``<link>``, else ``url``, the feed's own location; ``None`` when it stays relative; a
    ``<guid>`` standing in for a missing link only when it is an absolute http(s) URL; any
    ``user:password@`` removed), the
    publication date as written in the feed (the entry's local date, not feedparser's UTC
    conversion), and ``author`` / ``authors`` are used; the source is the entry's
    ``<source>`` title, else the feed's title. An entry's origin is ``"origin#N"``
    (1-based). The date is the first of published, issued, created, updated ... that reads
    as a full date, so an entry with only ``<updated>`` (or an unreadable ``<pubDate>``) is
    dated by ``<updated>``; the feed's own date never dates an entry. The entry's text goes
    through the same clean-up as every body (boilerplate, paywall prompts, trailing
    "Subscribe now" / "Read more" links); link-only blocks of its HTML are dropped. An
    unexpected error in one entry is a `Skip` for it.
    """
    parsed = parse_feed(data, origin=origin, content_type=content_type, url=url)
    if not parsed.entries:
        reason = parsed.problem or "feed has no entries"
        yield Skip(origin=origin, reason=reason)
        return
    for entry in parsed.entries:
        yield entry.excerpt


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One entry of a feed, for a poller: its key, its metadata, and its own text.

    ``key`` identifies the entry within its feed: its ``id``/``guid``, else its link, else
    ``"sha1:"`` and a digest of its title and text. ``title``, ``url`` (absolute, resolved
    as in `read_feed`), ``source``, ``published`` (ISO date) and ``authors`` are cleaned as
    an `Article`'s fields (None / ``()`` when unknown). ``excerpt`` is the `Article` the
    entry's own text makes (what `read_feed` yields for it), or a `Skip` without text.
    """

    key: str
    title: str | None
    url: str | None
    source: str | None
    published: str | None
    authors: tuple[str, ...]
    excerpt: Article | Skip


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A whole feed: its title, its entries in feed order, and what was wrong with it.

    ``problem`` is None for a readable feed (an empty one included); otherwise one line
    ("not an RSS or Atom feed", "malformed feed: mismatched tag at line 3") and
    ``entries`` is empty. A feed whose XML is broken but from which feedparser's lenient
    parser recovered entries keeps them, with ``problem`` None and ``malformed`` True.
    """

    title: str | None
    entries: tuple[FeedEntry, ...]
    problem: str | None = None
    malformed: bool = False


def parse_feed(
    data: bytes, *, origin: str, content_type: str | None = None, url: str | None = None
) -> ParsedFeed:
    """Parse RSS 0.9x/2.0, RSS 1.0 (RDF) or Atom bytes into a `ParsedFeed` (CPU-bound).

    Arguments as `read_feed`. Never raises for bad input: an unexpected error in one entry
    makes that entry's ``excerpt`` a `Skip`.
    """
    parsed: Any = feedparser.parse(
        _as_clean_utf8(data, content_type),
        response_headers={"content-type": "application/xml; charset=utf-8"},
    )
    entries = list(parsed.get("entries") or [])
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    feed = parsed.get("feed") or {}
    feed_title = clean_str(feed.get("title"))
    if not entries:
        if not parsed.get("version") and b"<html" in data[:4096].lower():
            return ParsedFeed(feed_title, (), "not an RSS or Atom feed (a web page)")
        if problem is not None:
            return ParsedFeed(feed_title, (), f"malformed feed: {_describe_problem(problem)}")
        if not parsed.get("version"):
            return ParsedFeed(feed_title, (), "not an RSS or Atom feed")
        return ParsedFeed(feed_title, ())
    base = clean_url(feed.get("link"), base=url) or clean_url(url)
    found: list[FeedEntry] = []
    for number, entry in enumerate(entries, start=1):
        where = f"{origin}#{number}"
        try:
            excerpt = _entry_article(entry, origin=where, feed_title=feed_title, base=base)
            found.append(_feed_entry(entry, excerpt, feed_title=feed_title, base=base))
        except Exception as error:  # one broken entry must not stop the rest of the feed
            log.warning("could not read %s: %s", where, describe_error(error))
            log.debug("traceback for %s", where, exc_info=True)
            skip = Skip(origin=where, reason=f"could not be read: {describe_error(error)}")
            found.append(FeedEntry(_fallback_key(entry), None, None, None, None, (), skip))
    return ParsedFeed(feed_title, tuple(found), malformed=problem is not None)


def _describe_problem(problem: object) -> str:
    """One line for a feedparser bozo exception: its message and, for XML, the line."""
    message = " ".join(str(getattr(problem, "getMessage", lambda: problem)()).split())
    line = getattr(problem, "getLineNumber", lambda: None)()
    return f"{message[:150]} at line {line}" if isinstance(line, int) else message[:150]


def _feed_entry(
    entry: Mapping[str, Any], excerpt: Article | Skip, *, feed_title: str | None,
    base: str | None,
) -> FeedEntry:
    """The key and cleaned metadata of one entry (as `_entry_article` cleans them)."""
    if isinstance(excerpt, Article):
        return FeedEntry(_entry_key(entry, excerpt.url), excerpt.title, excerpt.url,
                         excerpt.source, excerpt.published, excerpt.authors, excerpt)
    source = entry.get("source") or {}
    link = _entry_link(entry, base)
    return FeedEntry(
        _entry_key(entry, link), clean_str(entry.get("title")), link,
        clean_str(source.get("title")) or feed_title, _entry_date(entry),
        clean_authors(entry.get("authors") or entry.get("author")), excerpt)


def _entry_link(entry: Mapping[str, Any], base: str | None) -> str | None:
    """The entry's absolute http(s) link without credentials, or None.

    feedparser copies a permalink ``<guid>`` (``isPermaLink`` defaults to true) into a
    missing ``<link>``; such a guid is a link only when it is already an absolute http(s)
    URL: ``<guid>xxe1</guid>`` resolved against the feed would be a made-up page.
    """
    if entry.get("guidislink"):
        return without_userinfo(clean_url(entry.get("link")))
    return without_userinfo(clean_url(entry.get("link"), base=base))


def _entry_key(entry: Mapping[str, Any], link: str | None) -> str:
    """The entry's id (guid), else its resolved link, else a digest of title and text."""
    identifier = clean_str(entry.get("id"))
    if identifier:
        return identifier[:2000]
    if link:
        return link[:2000]
    return _fallback_key(entry)


def _fallback_key(entry: Mapping[str, Any]) -> str:
    text = f"{entry.get('title') or ''}\n{entry.get('summary') or ''}"
    return "sha1:" + hashlib.sha1(text.encode("utf-8", "replace")).hexdigest()


def _entry_date(entry: Mapping[str, Any]) -> str | None:
    """The entry's date: the first of published, issued, ... that reads as a full date."""
    return next(filter(None, (normalize_date(_full_year(entry.get(key)))
                              for key in _DATE_KEYS)), None)


def _as_clean_utf8(data: bytes, content_type: str | None) -> bytes:
    """Return the feed re-encoded as UTF-8, decoded the way every other input is.

    feedparser's own decoding raises on a declared charset the bytes do not match and
    trusts a wrong declaration; decoding here (see `decode_bytes`) avoids both. The XML
    declaration is rewritten to say UTF-8, and numeric character references to code points
    that cannot exist (``&#1114112;``, surrogates, NUL), on which feedparser raises, become
    U+FFFD.
    """
    text = _XML_DECLARATION.sub("", decode_bytes(data, content_type), count=1)
    text = _CHARACTER_REFERENCE.sub(_valid_reference, text)
    return ('<?xml version="1.0" encoding="utf-8"?>' + text).encode("utf-8", "replace")


def _valid_reference(match: re.Match[str]) -> str:
    """Return a numeric character reference unchanged, or ``&#65533;`` if it is invalid."""
    digits = match.group(1) or match.group(2)
    code = int(digits, 16) if match.group(1) else int(digits)
    if code == 0 or 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
        return "&#65533;"
    return match.group(0)


def _entry_article(
    entry: Mapping[str, Any], *, origin: str, feed_title: str | None, base: str | None
) -> Article | Skip:
    """Build the `Article` of one feed entry (its text cleaned like any other body).

    feedparser has already applied ``xml:base``; a link still relative is resolved against
    ``base`` (the channel link or the feed's location), or dropped when there is none.
    """
    source = entry.get("source") or {}
    return build_article(
        title=entry.get("title"),
        body=_entry_text(entry),
        origin=origin,
        url=_entry_link(entry, base),
        source=clean_str(source.get("title")) or feed_title,
        published=_entry_date(entry),
        authors=entry.get("authors") or entry.get("author"),
    )


def _full_year(value: object) -> object:
    """Write an RFC 822 two-digit year out in full, as RFC 2822 defines it (00-49: 20xx).

    "Mon, 25 Jun 18 11:41:36 GMT" is a complete date in a feed; everything else is
    returned unchanged for `corpus.dates.normalize_date`.
    """
    if not isinstance(value, str):
        return value
    match = _RFC822_SHORT_YEAR.match(value.strip())
    if match is None:
        return value
    year = int(match.group(2))
    year += 2000 if year < 50 else 1900
    return f"{match.group(1)}{year}{match.group(3)}"


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
