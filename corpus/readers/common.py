"""Field clean-up shared by every reader and the one place an `Article` is built."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urljoin, urlsplit, urlunsplit

from corpus.boilerplate import clean_body, normalize_text
from corpus.dates import normalize_date
from corpus.models import Article, Skip

NO_TEXT = "no text extracted"
# Strings that mean "no value" when an upstream tool wrote a null out as text.
_NULL_STRINGS = frozenset({"none", "null", "nil", "nan", "undefined", "n/a", "unknown"})
_AUTHOR_SPLIT = re.compile(r"\s*(?:[,;|]|\band\b|&)\s*", re.I)
_URL_LIKE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|www\.)", re.I)
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.I)
_BY_PREFIX = re.compile(r"^(?:by|written by|von|par|por)\s+", re.I)
_TRUNCATED_END = re.compile(r"(?:…|\.\.\.|\[…\]|\[\.\.\.\])$")
_MAX_TITLE_CHARS = 300
_MAX_ERROR_CHARS = 200
_BLANK_PROBE_CHARS = 200


def describe_error(error: BaseException) -> str:
    """Return ``"ExceptionType: message"`` for a Skip reason, the message cut to 200 chars."""
    message = " ".join(str(error).split())
    if len(message) > _MAX_ERROR_CHARS:
        message = message[:_MAX_ERROR_CHARS].rstrip() + "…"
    name = type(error).__name__
    return f"{name}: {message}" if message else name


def clean_str(value: object) -> str | None:
    """Return ``value`` as one normalised line of text, or ``None`` when it holds nothing.

    Non-strings (``None``, numbers, lists, objects), empty or whitespace-only strings and
    spelled-out nulls (``"None"``, ``"null"``, ``"n/a"``) all give ``None``.
    """
    if not isinstance(value, str):
        return None
    text = " ".join(normalize_text(value).split())
    if not text or text.lower() in _NULL_STRINGS:
        return None
    return text


def clean_url(value: object, base: str | None = None) -> str | None:
    """Return an absolute ``http``/``https`` URL, resolving a relative one against ``base``.

    Anything else (``javascript:``, ``mailto:``, a bare word, a malformed URL such as
    ``https://x.exa]mple/`` or a port out of range, a non-string) gives ``None``.
    """
    text = clean_str(value)
    if text is None or " " in text:
        return None
    try:
        if base is not None:
            text = urljoin(base, text)
        elif text.startswith("//"):
            text = "https:" + text
        parts = urlsplit(text)
        parts.port  # noqa: B018 -- raises ValueError for a port out of range
    except ValueError:  # "Invalid IPv6 URL", bad port
        return None
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        return None
    return text


def without_userinfo(url: str | None) -> str | None:
    """``url`` without a ``user:password@`` part (None stays None).

    ``http://user:pw@host/a`` becomes ``http://host/a``: credentials in a link are never
    stored, shown in a citation, or sent.
    """
    if url is None:
        return None
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def clean_authors(value: object) -> tuple[str, ...]:
    """Return author names from a string (``"A, B and C"``), a list, or ``{"name": ...}`` items.

    Names are stripped of a leading "By", URLs and nulls are dropped, duplicates removed
    (first kept, case-insensitively), order preserved.
    """
    raw: list[object]
    if isinstance(value, str):
        value = value.strip()
        raw = [] if _URL_LIKE.match(value) else list(_AUTHOR_SPLIT.split(_BY_PREFIX.sub("", value)))
    elif isinstance(value, dict):
        raw = [value.get("name")]
    elif isinstance(value, list | tuple):
        raw = [item.get("name") if isinstance(item, dict) else item for item in value]
    else:
        return ()
    names: list[str] = []
    for item in raw:
        name = clean_str(item)
        if name is None:
            continue
        name = _BY_PREFIX.sub("", name).strip(" ,;")
        if name and not _URL_LIKE.match(name) and "@" not in name and name.casefold() not in {
            seen.casefold() for seen in names
        }:
            names.append(name)
    return tuple(names)


def first_value(record: dict[str, object], keys: Iterable[str]) -> object:
    """Return the first value under ``keys`` that is not empty (``None``, ``""``, ``[]``)."""
    for key in keys:
        value = record.get(key)
        if isinstance(value, str) and _is_blank(value):
            continue
        if value not in (None, "", [], {}):
            return value
    return None


def _is_blank(value: str) -> bool:
    """Return whether ``clean_str(value)`` is ``None``, normalising only a prefix of long text."""
    if len(value) > _BLANK_PROBE_CHARS and clean_str(value[:_BLANK_PROBE_CHARS]) is not None:
        return False
    return clean_str(value) is None


def build_article(
    *,
    title: object,
    body: str,
    origin: str,
    line: int | None = None,
    url: object = None,
    source: object = None,
    published: object = None,
    authors: object = None,
    partial: bool = False,
) -> Article | Skip:
    """Clean every field and return the `Article`, or a `Skip` when no body text is left.

    The body is normalised (see `corpus.boilerplate.normalize_text`), boilerplate lines and
    paywall prompts are removed, and a first line repeating the title is dropped.
    ``partial`` is set when asked, when a paywall prompt was seen, or when the text ends in
    an ellipsis. Invalid or empty metadata becomes ``None`` (``()`` for authors), never
    ``"None"``. ``origin`` is the file name; with ``line`` the article's origin becomes
    ``"origin:line"``.
    """
    clean_title = clean_str(title)
    if clean_title is not None and len(clean_title) > _MAX_TITLE_CHARS:
        clean_title = clean_title[:_MAX_TITLE_CHARS].rsplit(" ", 1)[0] + "…"
    text, paywalled = clean_body(body)
    if clean_title is not None:
        text = _drop_repeated_title(text, clean_title)
    if not any(ch.isalnum() for ch in text):
        return Skip(origin=origin, reason=NO_TEXT, line=line)
    return Article(
        title=clean_title,
        body=text,
        url=clean_url(url),
        source=_source_name(source),
        published=normalize_date(published),
        authors=clean_authors(authors),
        origin=f"{origin}:{line}" if line is not None else origin,
        partial=partial or paywalled or bool(_TRUNCATED_END.search(text)),
    )


def _source_name(value: object) -> str | None:
    """Return a publisher name; a bare URL (``https://www.example.in``) is no name."""
    name = clean_str(value)
    return None if name is None or _SCHEME.match(name) else name


def _drop_repeated_title(text: str, title: str) -> str:
    """Remove the first line of ``text`` when it only repeats ``title``."""
    first, _, rest = text.partition("\n")
    if first.casefold() == title.casefold():
        return rest.strip("\n")
    return text
