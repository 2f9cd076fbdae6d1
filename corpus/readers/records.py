"""JSON and JSON Lines article records -> `Article`s."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from typing import TypedDict

from corpus.models import Article, Skip
from corpus.readers.common import NO_TEXT, build_article, describe_error, first_value
from corpus.readers.html import read_html
from corpus.readers.markup import fragment_to_text, looks_like_html

log = logging.getLogger(__name__)
_MAX_INT_DIGITS = 4000


class RawRecord(TypedDict, total=False):
    """One input record as found in JSON; every field optional and of any JSON type.

    Only the main spelling of each field is listed; the alternatives accepted are in
    ``TITLE_KEYS``, ``TEXT_KEYS``, ... below.
    """

    title: object
    text: object
    url: object
    source: object
    published: object
    authors: object
    partial: object


TITLE_KEYS = ("title", "headline")
TEXT_KEYS = ("text", "body", "content", "articleBody", "article_body", "maintext",
             "article", "full_text", "fulltext", "content_text", "body_text", "story")
HTML_KEYS = ("html", "content_html", "body_html", "raw_html")
SUMMARY_KEYS = ("description", "summary", "abstract", "lead", "excerpt")
URL_KEYS = ("url", "link", "canonical_url", "permalink", "href")
SOURCE_KEYS = ("source", "publisher", "site", "site_name", "siteName", "source_name",
               "source_domain", "outlet")
DATE_KEYS = ("published", "date", "publish_date", "published_at", "datePublished",
             "publishedAt", "date_publish", "date_published", "pubDate", "pub_date",
             "publication_date")
AUTHOR_KEYS = ("authors", "author", "byline", "creator", "creators")
PARTIAL_KEYS = ("partial", "truncated", "is_paywalled", "paywalled")
LIST_KEYS = ("articles", "items", "entries", "documents", "docs", "records", "results",
             "data", "posts", "stories", "news")


def read_json(text: str, *, origin: str) -> Iterator[Article | Skip]:
    """Yield the articles of a JSON document: one object, a list, or a list under a key.

    A list may sit under ``articles``, ``items``, ``entries``, ``data`` ... or be the only
    list of objects in the top-level object. List items have origin ``"origin#N"``
    (1-based). Invalid JSON (also: nested too deeply) gives one `Skip` with the error and
    its line; an unexpected error in one record is a `Skip` for that record only.
    """
    data = _loads(text)
    if isinstance(data, Skip):
        yield Skip(origin=origin, reason=data.reason, line=data.line)
        return
    records = _records_of(data)
    if records is None:
        yield Skip(origin=origin, reason="no article records in JSON")
        return
    if isinstance(data, dict) and records == [data]:
        yield from _guarded(data, origin=origin)
        return
    if not records:
        yield Skip(origin=origin, reason="no article records in JSON")
    for number, record in enumerate(records, start=1):
        yield from _guarded(record, origin=f"{origin}#{number}")


def read_jsonl(text: str, *, origin: str) -> Iterator[Article | Skip]:
    r"""Yield the articles of JSON Lines: an object, or a list of objects, on each line.

    Blank lines are ignored; lines are split on ``"\n"`` only (JSON strings may hold a raw
    U+2028). A bad line (invalid JSON, not an object or a list of objects, no text, or any
    unexpected error) is a `Skip` with its line number, and every other line is still read.
    The records of a list on one line share that line number; a list item's `Skip` names
    the item (``"item 2: no text extracted"``).
    """
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        record = _loads(line, column=True)
        if isinstance(record, Skip):
            yield Skip(origin=origin, reason=record.reason, line=number)
        elif isinstance(record, list) and any(isinstance(item, dict) for item in record):
            for index, item in enumerate(record, start=1):
                for result in _guarded(item, origin=origin, line=number):
                    yield (Skip(origin=origin, reason=f"item {index}: {result.reason}",
                                line=number) if isinstance(result, Skip) else result)
        else:
            yield from _guarded(record, origin=origin, line=number)


def _loads(text: str, *, column: bool = False) -> object:
    """Parse JSON; on failure return a `Skip` (origin left empty) with the reason and line.

    Integers too long for Python's 4300-digit limit become floats (``inf``) instead of an
    error: no article field is a number, so the record is still read.
    """
    try:
        return json.loads(text, parse_int=_parse_int)
    except json.JSONDecodeError as error:
        where = f" (column {error.colno})" if column else ""
        return Skip(origin="", reason=f"invalid JSON: {error.msg}{where}",
                    line=None if column else error.lineno)
    except RecursionError:
        return Skip(origin="", reason="invalid JSON: nested too deeply")
    except ValueError as error:
        return Skip(origin="", reason=f"invalid JSON: {describe_error(error)}")


def _parse_int(digits: str) -> int | float:
    """Return a JSON integer as ``int``, or as ``float`` when it has over 4000 digits."""
    return int(digits) if len(digits) <= _MAX_INT_DIGITS else float(digits)


def _guarded(
    record: object, *, origin: str, line: int | None = None
) -> Iterator[Article | Skip]:
    """`read_record`, with any unexpected error turned into a `Skip` for this record."""
    try:
        items = list(read_record(record, origin=origin, line=line))
    except Exception as error:  # one bad record must not stop the rest of the file
        log.warning("could not read %s: %s", origin, describe_error(error))
        log.debug("traceback for %s", origin, exc_info=True)
        items = [Skip(origin=origin, reason=f"could not be read: {describe_error(error)}",
                      line=line)]
    yield from items


def read_record(
    record: object, *, origin: str, line: int | None = None
) -> Iterator[Article | Skip]:
    """Yield the `Article` of one JSON object, or a `Skip` when it is not one or has no text.

    Text comes from the first non-empty of ``text``/``body``/``content``/``articleBody``
    ... (a list of strings is joined as paragraphs; HTML is rendered as text); then from an
    ``html`` field (a whole page goes through `read_html`); then from
    ``description``/``summary``. Metadata spellings: see the ``*_KEYS`` tuples.
    """
    if not isinstance(record, dict):
        yield Skip(origin=origin, reason="record is not a JSON object", line=line)
        return
    raw: RawRecord = {
        "title": first_value(record, TITLE_KEYS),
        "url": first_value(record, URL_KEYS),
        "source": _name_of(first_value(record, SOURCE_KEYS)),
        "published": first_value(record, DATE_KEYS),
        "authors": first_value(record, AUTHOR_KEYS),
        "partial": first_value(record, PARTIAL_KEYS),
    }
    text = _text_of(first_value(record, TEXT_KEYS))
    page = first_value(record, HTML_KEYS)
    if not text.strip() and isinstance(page, str) and _is_full_page(page):
        yield from _from_page(page, raw, origin=origin, line=line)
        return
    if not text.strip() and isinstance(page, str):
        text = fragment_to_text(page)
    if not text.strip():
        text = _text_of(first_value(record, SUMMARY_KEYS))
    if not text.strip():
        yield Skip(origin=origin, reason=NO_TEXT, line=line)
        return
    yield build_article(
        title=raw["title"],
        body=text,
        origin=origin,
        line=line,
        url=raw["url"],
        source=raw["source"],
        published=raw["published"],
        authors=raw["authors"],
        partial=raw["partial"] is True,
    )


def _records_of(data: object) -> list[object] | None:
    """Return the records in a parsed JSON document, or ``None`` when it holds none."""
    if isinstance(data, list):
        return data
    if not isinstance(data, dict):
        return None
    if first_value(data, TEXT_KEYS + HTML_KEYS + SUMMARY_KEYS) is not None:
        return [data]
    for key in LIST_KEYS:
        if isinstance(data.get(key), list):
            return list(data[key])
    lists = [value for value in data.values()
             if isinstance(value, list) and value and all(isinstance(v, dict) for v in value)]
    if len(lists) == 1:
        return list(lists[0])
    article_keys = TITLE_KEYS + TEXT_KEYS + HTML_KEYS + SUMMARY_KEYS
    return [data] if any(key in data for key in article_keys) else None


def _text_of(value: object) -> str:
    """Return a text field as plain text: strings as-is (HTML rendered), lists joined.

    Nested lists are flattened without recursion, however deep; non-strings are ignored.
    """
    strings: list[str] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, str):
            strings.append(fragment_to_text(item) if looks_like_html(item) else item)
    return "\n\n".join(strings)


def _name_of(value: object) -> object:
    """Return ``value["name"]`` for an object such as NewsAPI's ``source``, else ``value``."""
    return value.get("name") if isinstance(value, dict) else value


_PAGE_START = re.compile(r"^\s*(?:<!doctype html|<html|<\?xml)", re.I)


def _is_full_page(markup: str) -> bool:
    """Return whether ``markup`` is a whole HTML document rather than a fragment."""
    return bool(_PAGE_START.match(markup))


def _from_page(
    page: str, raw: RawRecord, *, origin: str, line: int | None
) -> Iterator[Article | Skip]:
    """Extract a whole page held in a record; the record's own fields win over the page's."""
    where = f"{origin}:{line}" if line is not None else origin
    url = raw["url"] if isinstance(raw["url"], str) else None
    for item in read_html(page.encode("utf-8"), origin=where,
                            content_type="text/html; charset=utf-8", url=url):
        if isinstance(item, Skip):
            yield Skip(origin=origin, reason=item.reason, line=line)
            continue
        override = build_article(
            title=raw["title"], body=item.body, origin=origin, line=line, url=raw["url"],
            source=raw["source"], published=raw["published"], authors=raw["authors"],
        )
        if isinstance(override, Skip):
            yield override
            continue
        yield Article(
            title=override.title or item.title,
            body=override.body,
            url=override.url or item.url,
            source=override.source or item.source,
            published=override.published or item.published,
            authors=override.authors or item.authors,
            origin=override.origin,
            partial=item.partial or override.partial or raw["partial"] is True,
        )
