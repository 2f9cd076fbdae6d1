"""Read articles from files, directories and in-memory bytes (attachments, fetched pages).

One code path: `read_articles` reads each file's bytes and hands them to
`read_article_bytes`, which picks a reader by file suffix (then by content type):

=====================  ========================================================
``.txt`` ``.md``       one article; optional ``---`` (or ``+++``) front matter
``.json``              an object, a list, or a list under ``articles``/``items``
``.jsonl`` ``.ndjson`` an object (or a list of objects) a line; a bad line is a
                       `Skip` with its number
``.html`` ``.htm``     one page, main text by trafilatura (`readers.html`)
``.xml`` ``.rss``      RSS / Atom / RDF feeds, one article per entry
``.atom`` ``.rdf``
``.gz``                any of the above, gzip-compressed (``articles.jsonl.gz``)
=====================  ========================================================

No input stops an ingest: binary data, special files (FIFOs, sockets, devices: never
opened for reading), unreadable or vanished files and any unexpected error inside a reader
each become a `Skip` naming the file (and line), and reading goes on with the next one.
Every string yielded is valid Unicode that encodes as UTF-8.
"""

from __future__ import annotations

import errno
import gzip
import io
import logging
import os
import stat
import zlib
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path, PurePath

from corpus.models import Article, Skip
from corpus.readers.common import describe_error
from corpus.readers.encoding import decode_bytes, looks_binary
from corpus.readers.feeds import read_feed
from corpus.readers.html import read_html
from corpus.readers.records import read_json, read_jsonl
from corpus.readers.repair import sanitize_unicode
from corpus.readers.text import read_text

__all__ = ["BINARY", "NO_KNOWN_FILES", "SUPPORTED_SUFFIXES", "read_article_bytes",
           "read_articles"]

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
BINARY = "not a text file (looks binary)"
NO_KNOWN_FILES = "no files with a known suffix"
LINK_OUTSIDE = "symbolic link leads outside the folder (not followed; see --follow-links)"


def read_articles(path: str | Path, *, follow_links: bool = False) -> Iterator[Article | Skip]:
    """Yield every article in a file or directory, and a `Skip` for each unreadable input.

    Parameters
    ----------
    path
        A file of any supported kind (see the module docstring; ``.gz`` of any of them), or
        a directory, read recursively in sorted path order with hidden files and
        directories (names starting with ``"."``) left out.
    follow_links
        Inside a directory, read files whose symbolic links lead outside it. Off by default:
        such a link is a `Skip` ("symbolic link leads outside the folder"), so a link to a
        system file is never stored as an article. Links to directories are never entered.

    Yields
    ------
    Article or Skip
        Articles in file order. A file with an unsupported suffix, a record without text,
        a bad JSON line, a binary file, a file that is not a regular file (a FIFO, socket or
        device: never opened for reading, so it cannot block), a file that vanished or is
        not readable ("permission denied") gives a `Skip` saying where and why; so does any
        unexpected error inside one file's reader ("could not be read: ValueError: ...").
        Reading always goes on with the next record or file. A directory holding no file
        with a supported suffix (an empty one, say) gives one
        ``Skip(directory, "no files with a known suffix")``.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist (the message names it).
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(errno.ENOENT, "no such file or directory", str(path))
    if not path.is_dir():
        yield from _read_file(path)
        return
    problems: list[Skip] = []
    files = _files_under(path, problems)
    yield from problems
    found_article = False
    inside = path.resolve()
    for file in files:
        if not follow_links and file.is_symlink() and not file.resolve().is_relative_to(inside):
            yield Skip(origin=_display(file), reason=LINK_OUTSIDE)
            continue
        for item in _read_file(file):
            found_article = found_article or isinstance(item, Article)
            yield item
    if not found_article and not any(file.suffix.lower() in _KIND_BY_SUFFIX for file in files):
        yield Skip(origin=_display(path), reason=NO_KNOWN_FILES)


def read_article_bytes(
    data: bytes, *, filename: str, content_type: str | None = None, url: str | None = None
) -> Iterator[Article | Skip]:
    """Yield the articles in ``data``, a file already in memory (an attachment, a fetched page).

    Parameters
    ----------
    data
        The raw bytes; text is decoded by BOM, then the ``charset`` of ``content_type``,
        then an in-document declaration, then UTF-8, then a legacy charset (see
        `corpus.readers.encoding.decode_bytes`). Binary data (an executable, an image,
        random bytes) is one ``Skip("not a text file (looks binary)")``.
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
        As `read_articles`: an unsupported type is one `Skip` naming the suffix, and an
        unexpected error in a reader is a `Skip` ("could not be read: ...") after the
        articles read before it. Every string yielded can be encoded as UTF-8.
    """
    origin = sanitize_unicode(filename)
    items = _dispatch(data, name=filename, origin=origin, content_type=content_type, url=url)
    try:
        for item in items:
            yield _encodable(item)
    except Exception as error:  # one broken input must never stop the whole ingest
        log.warning("could not read %s: %s", origin, describe_error(error))
        log.debug("traceback for %s", origin, exc_info=True)
        yield Skip(origin=origin, reason=f"could not be read: {describe_error(error)}")


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
        return
    if looks_binary(data):
        yield Skip(origin=origin, reason=BINARY)
    elif kind == "html":
        yield from read_html(data, origin=origin, content_type=content_type, url=url)
    elif kind == "feed":
        yield from read_feed(data, origin=origin, content_type=content_type, url=url)
    elif kind == "json":
        yield from read_json(decode_bytes(data, content_type), origin=origin)
    elif kind == "jsonl":
        yield from read_jsonl(decode_bytes(data, content_type), origin=origin)
    else:
        text = decode_bytes(data, content_type)
        yield from read_text(text, origin=origin, markdown=kind == "markdown")


def _encodable(item: Article | Skip) -> Article | Skip:
    """Return ``item`` with every string made encodable as UTF-8 (lone surrogates replaced)."""
    if isinstance(item, Skip):
        return replace(item, origin=sanitize_unicode(item.origin),
                       reason=sanitize_unicode(item.reason))
    return replace(
        item,
        title=None if item.title is None else sanitize_unicode(item.title),
        body=sanitize_unicode(item.body),
        url=None if item.url is None else sanitize_unicode(item.url),
        source=None if item.source is None else sanitize_unicode(item.source),
        published=None if item.published is None else sanitize_unicode(item.published),
        authors=tuple(sanitize_unicode(author) for author in item.authors),
        origin=sanitize_unicode(item.origin),
    )


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


def _files_under(root: Path, problems: list[Skip]) -> list[Path]:
    """Return the non-hidden files below ``root``, sorted by path components.

    Hidden directories are not entered and symbolic links to directories not followed. A
    directory that cannot be listed is added to ``problems`` as a `Skip`.
    """
    def note(error: OSError) -> None:
        where = _display(Path(error.filename)) if error.filename else _display(root)
        problems.append(Skip(origin=where, reason=_os_error_reason(error)))

    files: list[Path] = []
    for directory, subdirectories, names in os.walk(root, onerror=note):
        subdirectories[:] = [name for name in subdirectories if not name.startswith(".")]
        files.extend(Path(directory, name) for name in names if not name.startswith("."))
    return sorted(files, key=lambda path: path.relative_to(root).parts)


def _read_file(path: Path) -> Iterator[Article | Skip]:
    """Read one file's bytes and dispatch them; anything but a readable regular file is a Skip."""
    origin = _display(path)
    try:
        data = _read_regular_file(path)
    except OSError as error:
        yield Skip(origin=origin, reason=_os_error_reason(error))
        return
    if isinstance(data, str):
        yield Skip(origin=origin, reason=data)
        return
    log.debug("reading %s (%d bytes)", origin, len(data))
    yield from read_article_bytes(data, filename=str(path))


def _read_regular_file(path: Path) -> bytes | str:
    """Return the bytes of a regular file, or why it is not one (a FIFO, socket, device ...).

    The type is checked before opening and again on the open descriptor, which is opened
    non-blocking, so a FIFO swapped in between cannot block the ingest.
    """
    status = os.stat(path)
    if not stat.S_ISREG(status.st_mode):
        return _not_regular(status.st_mode)
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(descriptor, "rb") as stream:
        status = os.fstat(stream.fileno())
        if not stat.S_ISREG(status.st_mode):
            return _not_regular(status.st_mode)
        return stream.read()


def _not_regular(mode: int) -> str:
    """Return the Skip reason for a file of type ``mode`` that is not a regular file."""
    kinds = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
             (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
             (stat.S_ISBLK, "a block device"))
    kind = next((name for test, name in kinds if test(mode)), "a special file")
    return f"not a regular file: {kind}"


def _os_error_reason(error: OSError) -> str:
    """Return a short Skip reason for an error opening or reading a file."""
    if isinstance(error, PermissionError):
        return "permission denied"
    if isinstance(error, FileNotFoundError):
        return "file vanished before it could be read (or is a broken link)"
    return f"cannot read file: {error.strerror or error}"


def _display(path: Path) -> str:
    """Return ``path`` as text that can be shown and stored (undecodable bytes as U+FFFD)."""
    return sanitize_unicode(str(path))
