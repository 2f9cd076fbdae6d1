"""One new feed entry -> the article to store: its page, else its own summary as an excerpt.

The entry's page is fetched through `bot.fetch.URLFetcher` (the URL rules of ``/corpus
add``: only public addresses, every redirect hop vetted, size and time caps) and read by
the same readers as any page (`corpus.ingest.read_article_bytes`, in a thread). When the
page yields nothing usable (an error status, a refused address or redirect, a body over the
size cap, no article text, or a paywall stub shorter than the feed's own text) the entry's
own text is stored instead, marked ``partial`` (an excerpt). The feed's title, link, date,
authors and publisher fill whatever the page leaves empty. Credentials in a link
(``http://user:pw@host/a``) are never used: the reader removes them from entry links (the
page is fetched without them) and `merge` from the page's canonical URL.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Literal
from urllib.parse import urlsplit

from bot.fetch import FetchError, URLFetcher
from corpus.ingest import read_article_bytes
from corpus.models import Article, Skip
from corpus.readers.common import without_userinfo
from corpus.readers.feeds import FeedEntry

log = logging.getLogger(__name__)

Origin = Literal["page", "excerpt"]
PageReader = Callable[[bytes, str, str, str], Awaitable[Article | None]]
"""``await reader(data, filename, content_type, url)``: `read_page` run off the event loop."""


@dataclass(frozen=True, slots=True)
class EntryArticle:
    """What an entry gave: the article to store (None: nothing readable) and from where.

    ``origin`` is ``"page"`` (the fetched page) or ``"excerpt"`` (the entry's own text,
    ``partial``); ``page_problem`` says why the page was not used (None when it was).
    """

    article: Article | None
    origin: Origin
    page_problem: str | None = None


def _first_article(items: list[Article | Skip]) -> Article | None:
    return next((item for item in items if isinstance(item, Article)), None)


def read_page(data: bytes, filename: str, content_type: str, url: str) -> Article | None:
    """The page's article, or None (CPU-bound: trafilatura; run in a worker or a thread)."""
    items = list(read_article_bytes(data, filename=filename, content_type=content_type,
                                    url=url))
    return _first_article(items)


def is_site_root(url: str | None) -> bool:
    """True for a URL naming a whole site (no path beyond ``/``, no query)."""
    if not url:
        return False
    parts = urlsplit(url)
    return parts.path in {"", "/"} and not parts.query


def merge(page: Article, entry: FeedEntry) -> Article:
    """``page`` with its empty fields filled from the feed ``entry``.

    A canonical URL that is only the site's home page gives way to the entry's link; a
    ``user:password@`` in the URL is removed (never stored or cited).
    """
    url = page.url
    if url is None or (is_site_root(url) and entry.url and not is_site_root(entry.url)):
        url = entry.url or url
    return replace(
        page,
        title=page.title or entry.title,
        url=without_userinfo(url),
        source=page.source or entry.source,
        published=page.published or entry.published,
        authors=page.authors or entry.authors,
    )


def excerpt_of(entry: FeedEntry) -> Article | None:
    """The entry's own text as an excerpt (``partial``), or None when it has none."""
    if isinstance(entry.excerpt, Skip):
        return None
    return replace(entry.excerpt, partial=True)


async def _read_in_thread(data: bytes, filename: str, content_type: str, url: str
                          ) -> Article | None:
    return await asyncio.to_thread(read_page, data, filename, content_type, url)


async def fetch_entry_article(
    entry: FeedEntry, fetcher: URLFetcher, *, reader: PageReader = _read_in_thread
) -> EntryArticle:
    """The article to store for ``entry`` (see the module docstring); never raises FetchError.

    An entry without a link is its own excerpt. ``reader`` extracts the page off the event
    loop (default: `read_page` in a thread).
    """
    excerpt = excerpt_of(entry)
    if entry.url is None:
        return EntryArticle(excerpt, "excerpt", "the entry has no link")
    try:
        page = await fetcher.fetch(entry.url)
    except FetchError as error:
        log.info("feed entry page not used (%s): %s", error, entry.url)
        return EntryArticle(excerpt, "excerpt", str(error))
    article = await reader(page.data, page.filename, page.content_type, page.url)
    if article is None:
        return EntryArticle(excerpt, "excerpt", "no article text on the page")
    if article.partial and excerpt is not None and len(excerpt.body) > len(article.body):
        return EntryArticle(merge(excerpt, entry), "excerpt",
                            "the page holds less text than the feed (a paywall?)")
    return EntryArticle(merge(article, entry), "page")
