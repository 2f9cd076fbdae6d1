"""Article metadata from a parsed HTML page: meta tags, JSON-LD, ``<h1>`` and ``<title>``."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from lxml import etree  # type: ignore[import-untyped]

from corpus.dates import normalize_date
from corpus.readers.common import clean_authors, clean_str

_ARTICLE_TYPES = frozenset(
    {"article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle",
     "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle", "blogposting",
     "scholarlyarticle", "techarticle", "liveblogposting", "report"}
)
_DATE_META = (
    "article:published_time", "og:article:published_time", "og:published_time",
    "datepublished", "date", "pubdate", "publishdate", "publish-date", "publish_date",
    "dc.date", "dc.date.issued", "dcterms.date", "dcterms.issued", "dcterms.created",
    "sailthru.date", "parsely-pub-date", "article.published", "published_time",
    "originalpublicationdate", "article_date_original", "cxenseparse:recs:publishtime",
)
_AUTHOR_META = ("author", "article:author", "og:article:author", "parsely-author",
                "sailthru.author", "dc.creator", "byl")
_TITLE_SEPARATORS = re.compile(r"\s+(?:\||\u2013|\u2014|-|::|\u00b7|\u2022|\u00bb)\s+")


@dataclass(frozen=True, slots=True)
class PageMeta:
    """What a page says about itself; every field ``None`` (``()``) when it says nothing.

    ``title`` is the headline (og:title, JSON-LD headline or the article's ``<h1>``, with a
    " | Site" suffix removed), ``fallback_title`` the cleaned ``<title>`` text, ``published``
    an ISO date from an explicit publication-date field (never guessed from body text).
    """

    title: str | None
    fallback_title: str | None
    site_name: str | None
    canonical_url: str | None
    published: str | None
    authors: tuple[str, ...]


def read_page_meta(tree: etree._Element) -> PageMeta:
    """Return the metadata of the page ``tree`` (an lxml HTML document)."""
    meta = _meta_tags(tree)
    ld = list(_json_ld_articles(tree))
    site = clean_str(meta.get("og:site_name")) or _first_str(
        _ld_name(item.get("publisher")) for item in ld
    ) or clean_str(meta.get("application-name"))
    heading = _h1_text(tree)
    title = _first_str(
        [meta.get("og:title"), meta.get("twitter:title")]
        + [item.get("headline") for item in ld]
        + [heading]
    )
    if (
        title and heading and title != heading and title.startswith(heading)
        and _TITLE_SEPARATORS.match(title[len(heading):])
    ):
        title = heading  # "Headline | Site" where the page's own <h1> is "Headline"
    page_title = clean_str(" ".join(tree.xpath("//title//text()")))
    dates = [item.get("datePublished") for item in ld] + [meta.get(key) for key in _DATE_META]
    dates += tree.xpath(
        "//time[@itemprop='datePublished' or @pubdate or contains(@class, 'publish')]/@datetime"
    )
    dates += tree.xpath("//*[@itemprop='datePublished']/@content")
    authors: tuple[str, ...] = ()
    for item in ld:
        authors = authors or clean_authors(item.get("author"))
    for key in _AUTHOR_META:
        authors = authors or clean_authors(meta.get(key))
    if site is not None:
        site = site.lstrip("@") or None  # a Twitter handle used as site name
    return PageMeta(
        title=strip_site_suffix(title, site) if title else None,
        fallback_title=strip_site_suffix(page_title, site, always=True) if page_title else None,
        site_name=site,
        canonical_url=_first_str(
            tree.xpath("//link[translate(@rel, 'CANONICAL', 'canonical')='canonical']/@href")
            + [meta.get("og:url")]
            + [item.get("url") for item in ld]
        ),
        published=next(filter(None, (normalize_date(value) for value in dates)), None),
        authors=authors,
    )


def strip_site_suffix(title: str, site: str | None, *, always: bool = False) -> str:
    """Remove a trailing (or leading) " | Site" part from ``title``.

    A part is removed when it equals ``site`` (case-insensitively); with ``always`` the last
    part after a " | " separator is removed too, as ``<title>`` usually ends in the site name.
    The title is returned unchanged when removing would leave nothing.
    """
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    if site:
        kept = [part for part in parts if part.casefold() != site.casefold()]
        if kept and len(kept) < len(parts):
            return _rejoin(title, kept)
    if always and " | " in title:
        return title.rsplit(" | ", 1)[0].strip() or title
    return title


def _rejoin(title: str, kept: list[str]) -> str:
    """Rebuild ``title`` from its kept parts, keeping the original separators between them."""
    start = title.find(kept[0])
    end = title.rfind(kept[-1]) + len(kept[-1])
    return title[start:end] if 0 <= start < end else " ".join(kept)


def _meta_tags(tree: etree._Element) -> dict[str, str]:
    """Map each ``<meta>`` name/property/itemprop (lower-case) to its first content."""
    found: dict[str, str] = {}
    for element in tree.iter("meta"):
        key = element.get("property") or element.get("name") or element.get("itemprop")
        content = element.get("content")
        if key and content and key.lower().strip() not in found:
            found[key.lower().strip()] = content
    return found


def _json_ld_articles(tree: etree._Element) -> Iterator[dict[str, object]]:
    """Yield the article objects of every JSON-LD block, looking inside lists and @graph."""
    for script in tree.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "")
        except (ValueError, RecursionError):  # invalid, too deep, or an over-long integer
            continue
        stack: list[object] = [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                stack.extend(value for key, value in item.items() if key == "@graph")
                kinds = item.get("@type")
                kinds = kinds if isinstance(kinds, list) else [kinds]
                if any(isinstance(kind, str) and kind.lower() in _ARTICLE_TYPES for kind in kinds):
                    yield item


def _ld_name(value: object) -> object:
    """Return ``value["name"]`` for a JSON-LD object, else ``value`` itself."""
    return value.get("name") if isinstance(value, dict) else value


def _h1_text(tree: etree._Element) -> str | None:
    """Return the article's ``<h1>``: the first one inside an article or main, or the only one."""
    scoped = tree.xpath("(//article//h1 | //main//h1 | //*[@role='main']//h1)[1]")
    headings = scoped or tree.xpath("//h1")
    if len(headings) != 1 and not scoped:
        return None
    return clean_str(" ".join(headings[0].itertext()))


def _first_str(values: Iterable[object]) -> str | None:
    """Return the first value that cleans to a non-empty string."""
    for value in values:
        text = clean_str(value)
        if text is not None:
            return text
    return None
