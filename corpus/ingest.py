"""Read articles from files, directories and in-memory bytes (attachments, fetched pages).

One code path: `read_articles` reads each file's bytes and hands them to
`read_article_bytes`, which picks a reader by file suffix (then by content type):

=====================  ========================================================
``.txt`` ``.md``       one article; optional ``---`` front matter (`readers.text`)
``.json``              an object, a list, or a list under ``articles``/``items``
``.jsonl`` ``.ndjson`` one object a line; a bad line is a `Skip` with its number
``.html`` ``.htm``     one page, main text by trafilatura (`readers.html`)
``.xml`` ``.rss``      RSS / Atom / RDF feeds, one article per entry
``.atom`` ``.rdf``
``.gz``                any of the above, gzip-compressed (``articles.jsonl.gz``)
=====================  ========================================================
"""

from __future__ import annotations

import errno
import gzip
import io
import logging
import os
import zlib
from collections.abc import Iterator
from pathlib import Path, PurePath

from corpus.models import Article, Skip
from corpus.readers.encoding import decode_bytes
from corpus.readers.feeds import read_feed
from corpus.readers.html import read_html
from corpus.readers.records import read_json, read_jsonl
from corpus.readers.text import read_text

__all__ = ["SUPPORTED_SUFFIXES", "read_article_bytes", "read_articles"]

log = logging.getLogger(__name__)

_KIND_BY_SUFFIX = {
    ".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown",
    ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".xml": "feed", ".rss": "feed", ".atom": "feed", ".rdf": "feed",
    ".gz": "gzip",
}
_KIND_BY_TYPE = {
    "text/plain": "text", "text/markdown": "markdown", "text/x-markdown": "markdown",
    "application/json": "json", "application/x-ndjson": "jsonl",
    "application/jsonl": "jsonl", "application/x-jsonlines": "jsonl",
    "text/html": "html", "application/xhtml+xml": "html",
    "application/rss+xml": "feed", "application/atom+xml": "feed",
    "application/rdf+xml": "feed", "application/xml": "feed", "text/xml": "feed",
    "application/gzip": "gzip", "application/x-gzip": "gzip",
}
SUPPORTED_SUFFIXES = tuple(_KIND_BY_SUFFIX)
MAX_DECOMPRESSED_BYTES = 512 * 1024 * 1024
_GZIP_MAGIC = b"\x1f\x8b"


def read_articles(path: str | Path) -> Iterator[Article | Skip]:
    """Yield every article in a file or directory, and a `Skip` for each unreadable input.

    Parameters
    ----------
    path
        A file of any supported kind (see the module docstring; ``.gz`` of any of them), or
        a directory, read recursively in sorted path order with hidden files and
        directories (names starting with ``"."``) left out.

    Yields
    ------
    Article or Skip
        Articles in file order. A file with an unsupported suffix, a record without text,
        a bad JSON line or an unreadable file gives a `Skip` saying where and why; reading
        goes on with the next record or file.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist (the message names it).
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(errno.ENOENT, "no such file or directory", str(path))
    if path.is_dir():
        for file in _files_under(path):
            yield from _read_file(file)
        return
    yield from _read_file(path)


def read_article_bytes(
    data: bytes, *, filename: str, content_type: str | None = None, url: str | None = None
) -> Iterator[Article | Skip]:
    """Yield the articles in ``data``, a file already in memory (an attachment, a fetched page).

    Parameters
    ----------
    data
        The raw bytes; text is decoded by BOM, then the ``charset`` of ``content_type``,
        then an in-document declaration, then UTF-8, then a legacy fallback.
    filename
        Its name; the suffix chooses the reader (as in `read_articles`) and the name is the
        articles' ``origin``. ``page.html.gz`` is decompressed and read as ``page.html``.
    content_type
        An HTTP ``Content-Type`` (``"text/html; charset=iso-8859-1"``): its charset is used
        for decoding, and its media type chooses the reader when the suffix is unknown.
    url
        Where the bytes came from; an HTML page without a canonical URL gets this one.

    Yields
    ------
    Article or Skip
        As `read_articles`; an unsupported type is one `Skip` naming the suffix.
    """
    yield from _dispatch(data, name=filename, origin=filename, content_type=content_type, url=url)


def _dispatch(
    data: bytes, *, name: str, origin: str, content_type: str | None, url: str | None
) -> Iterator[Article | Skip]:
    """Read ``data`` with the reader its ``name`` (or ``content_type``) calls for."""
    kind = _kind_of(name, content_type, data)
    if kind is None:
        suffix = PurePath(name).suffix or "(none)"
        reason = (f"unsupported file type {suffix}: expected one of "
                  f"{', '.join(SUPPORTED_SUFFIXES)}")
        yield Skip(origin=origin, reason=reason)
        return
    if kind == "gzip":
        inner = _gunzip(data)
        if isinstance(inner, str):
            yield Skip(origin=origin, reason=inner)
            return
        stem = name[:-3] if name.lower().endswith(".gz") else PurePath(name).stem
        yield from _dispatch(inner, name=stem, origin=origin, content_type=None, url=url)
    elif kind == "html":
        yield from read_html(data, origin=origin, content_type=content_type, url=url)
    elif kind == "feed":
        yield from read_feed(data, origin=origin, content_type=content_type)
    elif kind == "json":
        yield from read_json(decode_bytes(data, content_type), origin=origin)
    elif kind == "jsonl":
        yield from read_jsonl(decode_bytes(data, content_type), origin=origin)
    else:
        text = decode_bytes(data, content_type)
        yield from read_text(text, origin=origin, markdown=kind == "markdown")


def _kind_of(name: str, content_type: str | None, data: bytes) -> str | None:
    """Return the reader for a file: by suffix, then media type, then content if no suffix."""
    suffix = PurePath(name).suffix.lower()
    kind = _KIND_BY_SUFFIX.get(suffix)
    if kind is None and content_type:
        kind = _KIND_BY_TYPE.get(content_type.split(";")[0].strip().lower())
    if kind is None and not suffix:
        kind = _sniff(data)
    if kind == "feed" and _looks_like_page(data):
        return "html"
    return kind


def _sniff(data: bytes) -> str | None:
    """Guess the kind of suffix-less content from its first bytes, or ``None``."""
    if data.startswith(_GZIP_MAGIC):
        return "gzip"
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"{", b"[")):
        return "json"
    if head.startswith((b"<!doctype html", b"<html")):
        return "html"
    if head.startswith((b"<?xml", b"<rss", b"<feed", b"<rdf")):
        return "feed"
    return None


def _looks_like_page(data: bytes) -> bool:
    """Return whether XML content is an (X)HTML page rather than a feed."""
    head = data[:2048].lower()
    return b"<html" in head and not any(tag in head for tag in (b"<rss", b"<feed", b"<rdf"))


def _gunzip(data: bytes) -> bytes | str:
    """Decompress ``data``; on failure return the reason as a string."""
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            inner = stream.read(MAX_DECOMPRESSED_BYTES + 1)
    except (OSError, EOFError, zlib.error) as error:
        return f"not a valid gzip file: {error}"
    if len(inner) > MAX_DECOMPRESSED_BYTES:
        return f"decompressed size exceeds {MAX_DECOMPRESSED_BYTES} bytes"
    return inner


def _files_under(root: Path) -> list[Path]:
    """Return the non-hidden files below ``root``, sorted by path components.

    Hidden directories are not entered and symbolic links to directories not followed.
    """
    files: list[Path] = []
    for directory, subdirectories, names in os.walk(root):
        subdirectories[:] = [name for name in subdirectories if not name.startswith(".")]
        files.extend(Path(directory, name) for name in names if not name.startswith("."))
    return sorted(files, key=lambda path: path.relative_to(root).parts)


def _read_file(path: Path) -> Iterator[Article | Skip]:
    """Read one file's bytes and dispatch them; an unreadable file is a `Skip`."""
    try:
        data = path.read_bytes()
    except OSError as error:
        yield Skip(origin=str(path), reason=f"cannot read file: {error.strerror or error}")
        return
    log.debug("reading %s (%d bytes)", path, len(data))
    yield from read_article_bytes(data, filename=str(path))
