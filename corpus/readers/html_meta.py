"""Article metadata from a parsed HTML page: meta tags, JSON-LD, ``<h1>`` and ``<title>``."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from lxml import etree  # type: ignore[import-untyped]

from corpus.dates import normalize_date
from corpus.readers.common import clean_authors, clean_str, clean_url
from corpus.readers.site_name import (
    Host,
    choose_site_name,
    copyright_holders,
    host_of,
    site_key,
    title_affix,
)

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
_PUBLISHER_META = ("publisher", "dc.publisher", "application-name", "apple-mobile-web-app-title")
_COPYRIGHT_TEXT = (
    "//body//text()[(contains(., '\u00a9') or contains(., 'opyright'))"
    " and not(ancestor::script) and not(ancestor::style)]"
)
_LOGO_MARK = re.compile(r"logo|brand|site[-_]?(?:title|name)|masthead", re.I)
_LOGO_AROUND = re.compile(r"logo|brand|site[-_]?(?:title|name)", re.I)  # on its parents
_HOME_LINK = re.compile(r"^(?:/|\./|(?:https?:)?//[^/]+/?)(?:index\.\w+)?$", re.I)
_TIME_CONTAINERS = frozenset({"li", "nav", "aside", "footer"})
_TIME_NOISE = re.compile(
    r"related|teaser|sidebar|recommend|promo|widget|comment|updated|modified", re.I)


@dataclass(frozen=True, slots=True)
class PageMeta:
    """What a page says about itself; every field ``None`` (``()``) when it says nothing.

    ``title`` is the headline (og:title, JSON-LD headline or the article's ``<h1>``, with a
    " | Site" suffix removed; never the site name or a site-logo ``<h1>``),
    ``fallback_title`` the cleaned ``<title>`` text, ``site_name`` the publisher (see
    `corpus.readers.site_name`), ``published`` an ISO date from an explicit
    publication-date field or the article's ``<time>`` (never guessed from body text).
    ``host`` is the site of the canonical URL, ``aggregator`` the site of a syndicated copy,
    ``not_titles`` the case-folded site names and logo texts no headline may be.
    """

    title: str | None
    fallback_title: str | None
    site_name: str | None
    canonical_url: str | None
    published: str | None
    authors: tuple[str, ...]
    host: Host | None = None
    aggregator: Host | None = None
    not_titles: frozenset[str] = frozenset()


def read_page_meta(tree: etree._Element) -> PageMeta:
    """Return the metadata of the page ``tree`` (an lxml HTML document)."""
    meta = _meta_tags(tree)
    objects = list(_json_ld_objects(tree))
    ld = [item for item in objects if _is_article(item)]
    page_title = clean_str(" ".join(tree.xpath("//title//text()")))
    stated_urls = (
        tree.xpath("//link[translate(@rel, 'CANONICAL', 'canonical')='canonical']/@href")
        + [meta.get("og:url")]
        + [item.get("url") for item in ld]
    )
    # an absolute URL first; a relative one only when nothing better, for the fetch URL
    canonical = next(filter(None, map(clean_url, stated_urls)), None) or _first_str(
        stated_urls)
    host = host_of(clean_url(canonical))
    og_host = host_of(clean_url(meta.get("og:url")))
    aggregator = og_host if og_host and host and og_host.label != host.label else None
    stated_titles = [meta.get("og:title"), meta.get("twitter:title")] + [
        item.get("headline") for item in ld]
    by_id = {item["@id"]: item for item in objects if isinstance(item.get("@id"), str)}
    heading = _h1_text(tree)
    site = choose_site_name(
        [meta.get("og:site_name")]
        + [_ld_name(item.get("publisher"), by_id) for item in ld]
        + [meta.get(key) for key in _PUBLISHER_META],
        copyright_holders(tree.xpath(_COPYRIGHT_TEXT))
        + [item.get("name") for item in objects if _is_organization(item)],
        host=host,
        aggregator=aggregator,
        not_names=frozenset(
            text.casefold() for text in map(clean_str, [page_title, *stated_titles]) if text),
        affix=title_affix(page_title or _first_str(stated_titles), [*stated_titles, heading]),
    )
    logos = [" ".join(h1.itertext()) for h1 in tree.xpath("//h1") if _is_logo(h1)]
    not_titles = frozenset(name.casefold() for name in map(
        clean_str, [site, meta.get("og:site_name"), *logos]) if name)
    title = _first_str(value for value in [*stated_titles, heading]
                       if (clean_str(value) or "").casefold() not in not_titles)
    if (
        title and heading and title != heading and title.startswith(heading)
        and _TITLE_SEPARATORS.match(title[len(heading):])
    ):
        title = heading  # "Headline | Site" where the page's own <h1> is "Headline"
    dates = [item.get("datePublished") for item in ld] + [meta.get(key) for key in _DATE_META]
    dates += tree.xpath(
        "//time[@itemprop='datePublished' or @pubdate or contains(@class, 'publish')]/@datetime"
    )
    dates += tree.xpath("//*[@itemprop='datePublished']/@content")
    dates += [item.get("datePublished") for item in objects if item.get("headline")]
    dates += _article_times(tree)
    authors: tuple[str, ...] = ()
    for item in ld:
        authors = authors or clean_authors(item.get("author"))
    for key in _AUTHOR_META:
        authors = authors or clean_authors(meta.get(key))
    return PageMeta(
        title=strip_site_suffix(title, site) if title else None,
        fallback_title=strip_site_suffix(page_title, site, always=True) if page_title else None,
        site_name=site,
        canonical_url=canonical,
        published=next(filter(None, (normalize_date(value) for value in dates)), None),
        authors=authors,
        host=host,
        aggregator=aggregator,
        not_titles=not_titles,
    )


def strip_site_suffix(title: str, site: str | None, *, always: bool = False) -> str:
    """Remove a trailing (or leading) " | Site" part, or a "Site: " prefix, from ``title``.

    A part is removed when it names ``site`` (`site_key`: "The Example Gazette",
    "Example Gazette" and "ExampleGazette.com" are one name), with the section before it in
    "Headline | Section | Site"; with ``always`` the last part after a " | " separator is
    removed too, as ``<title>`` usually ends in the site name.
    The title is returned unchanged when removing would leave nothing.
    """
    if site and title.casefold().startswith(site.casefold() + ":"):
        return title[len(site) + 1:].strip() or title  # "Site: Headline"
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    if site:
        key = site_key(site)
        is_site = [site_key(part) == key for part in parts]
        if any(is_site) and not all(is_site):
            if is_site[-1] and len(parts) > 2 and title.count(" | ") == len(parts) - 1:
                return parts[0].strip()  # "Headline | Section | Site"
            return _rejoin(title, [part for part, site_part in zip(parts, is_site, strict=True)
                                   if not site_part])
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


def _json_ld_objects(tree: etree._Element) -> Iterator[dict[str, object]]:
    """Yield every object of every JSON-LD block, looking inside lists and @graph."""
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
                yield item


def _is_organization(item: dict[str, object]) -> bool:
    """Return whether a JSON-LD object is an organization (NewsMediaOrganization ...)."""
    kinds = item.get("@type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return any(isinstance(kind, str) and kind.endswith("Organization") for kind in kinds)


def _is_article(item: dict[str, object]) -> bool:
    """Return whether a JSON-LD object is an article (NewsArticle, BlogPosting ...)."""
    kinds = item.get("@type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return any(isinstance(kind, str) and kind.lower() in _ARTICLE_TYPES for kind in kinds)


def _ld_name(value: object, by_id: dict[object, dict[str, object]]) -> object:
    """Return the name of a JSON-LD object (or of the object an ``@id`` refers to)."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        return value.get("name") or by_id.get(value.get("@id"), {}).get("name")
    return value


def _article_times(tree: etree._Element) -> list[str]:
    """Return the ``datetime`` of the first ``<time>`` outside teasers, lists and footers."""
    for element in tree.xpath("//time[@datetime]"):
        if _TIME_NOISE.search(element.get("class") or ""):
            continue
        ancestors = list(element.iterancestors())
        if any(node.tag in _TIME_CONTAINERS or _TIME_NOISE.search(
                f"{node.get('class') or ''} {node.get('id') or ''}") for node in ancestors):
            continue
        return [element.get("datetime")]
    return []


def _h1_text(tree: etree._Element) -> str | None:
    """Return the article's ``<h1>``: the first one inside an article or main, or the only one.

    A site logo is no headline: an ``<h1>`` inside or around a link to the home page, or
    marked as logo, brand or site title (itself or one of its three nearest parents) is
    skipped.
    """
    scoped = tree.xpath("(//article//h1 | //main//h1 | //*[@role='main']//h1)[1]")
    headings = scoped or [h1 for h1 in tree.xpath("//h1") if not _is_logo(h1)]
    if not headings or (len(headings) != 1 and not scoped) or _is_logo(headings[0]):
        return None
    return clean_str(" ".join(headings[0].itertext()))


def _is_logo(h1: etree._Element) -> bool:
    """Return whether an ``<h1>`` is the site's logo or name rather than a headline."""
    if _LOGO_MARK.search(f"{h1.get('class') or ''} {h1.get('id') or ''}"):
        return True
    if any(_LOGO_AROUND.search(f"{node.get('class') or ''} {node.get('id') or ''}")
           for node in list(h1.iterancestors())[:3]):
        return True
    links = [node for node in [*h1.iterancestors("a"), *h1.iter("a")] if node.get("href")]
    return any(_HOME_LINK.match(link.get("href", "").strip()) for link in links)


def _first_str(values: Iterable[object]) -> str | None:
    """Return the first value that cleans to a non-empty string."""
    for value in values:
        text = clean_str(value)
        if text is not None:
            return text
    return None
