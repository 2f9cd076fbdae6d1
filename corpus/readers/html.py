"""HTML pages -> one `Article`: decode, parse, extract the main text and the metadata.

trafilatura selects the main content; its XML output is rendered by `markup.element_to_text`
so paragraphs and list items stay separate lines. trafilatura first runs with its minimum
extraction size set to 0: with the default (250 characters) a small page falls back to a
baseline extractor that joins every block into one line and keeps bylines, "Read more"
teasers and newsletter prompts. Only when that pass finds under 250 characters, and (when
the page has an ``<article>``/``<main>`` container) under half of the container's text, is
the default configuration tried too; its text is kept if it is at least four times as long
(a big page whose main-content pass found only a stub). ``favor_recall`` keeps list items, which
the balanced mode drops on small pages.

Paywall prompts are recognised in the extracted text (`corpus.boilerplate`), not by CSS
class: wired.com, for one, puts real body text in ``class="paywall"`` blocks. Reader
comments are removed from the tree before extraction (`_drop_comments`), so no comment is
ever indexed, whichever of trafilatura's passes wins.

Metadata comes from what the page states (`corpus.readers.html_meta`); trafilatura's own
site name and date are used only when the page states none, and only when they check out
(the site name matches the page's host, the date is written out in full on the page).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from configparser import ConfigParser
from datetime import date

import trafilatura
from lxml import etree, html  # type: ignore[import-untyped]
from trafilatura.settings import Document, use_config

from corpus.dates import normalize_date, stated_dates
from corpus.models import Article, Skip
from corpus.readers.common import NO_TEXT, build_article, clean_authors, clean_url
from corpus.readers.encoding import decode_bytes
from corpus.readers.html_meta import read_page_meta
from corpus.readers.markup import element_to_text
from corpus.readers.site_name import guessed_site_name, host_of

log = logging.getLogger(__name__)

_DEFAULT_CONFIG = use_config()
_MIN_EXTRACTED_CHARS = _DEFAULT_CONFIG.getint("DEFAULT", "MIN_EXTRACTED_SIZE")
_SMALL_PAGE_CONFIG = use_config()
_SMALL_PAGE_CONFIG.set("DEFAULT", "MIN_EXTRACTED_SIZE", "0")
_RETRY_FACTOR = 4
_CONTENT_ROOTS = "//*[@itemprop='articleBody'] | //article | //main | //*[@role='main']"
_UNWANTED = ("nav", "script", "style", "noscript", "template")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
# A class or id naming reader comments: "comments", "comment-list", "fb-comments",
# "CommentBox", "disqus_thread"; not "has-comments", "comments-open" or "comment-count".
_COMMENT_NAME = re.compile(
    r"^(?:(?:fb|facebook|user|users|reader|readers|article|post|story|entry|wp|site|page"
    r"|social|livefyre|vk|js|main)[-_])?comments?(?:[-_]?(?:area|section|list|box|wrap"
    r"|wrapper|container|thread|threads|block|body|content|holder|widget|module|panel|form"
    r"|text|meta|author|respond|replies|reply|item|entry))?$"
    r"|^disqus_thread$|^respond$|^replies$|^coral[-_](?:thread|container|talk)$"
    r"|^livefyre|^vf-conversations?$|^spot-im",
    re.I,
)
_COMMENT_SUMMARY = re.compile(r"\b(?:repl(?:y|ies)|comments?|responses)\b", re.I)


def read_html(
    data: bytes, *, origin: str, content_type: str | None = None, url: str | None = None
) -> Iterator[Article | Skip]:
    """Yield the one `Article` of an HTML page, or a `Skip` when it has no article text.

    Parameters
    ----------
    data
        The page as bytes, decoded by BOM, then the ``charset`` of ``content_type``, then a
        ``<meta>`` charset, then UTF-8, then a legacy fallback (see `decode_bytes`).
    origin
        File name or URL, for messages.
    content_type
        HTTP ``Content-Type`` value, if the page was fetched.
    url
        Where the page was fetched from; used when the page names no canonical URL, and to
        resolve a relative one.

    Yields
    ------
    Article or Skip
        ``title`` is the headline (og:title, JSON-LD headline or ``<h1>``, site suffix
        removed; ``<title>`` as last resort), ``source`` the site name, ``url`` the
        canonical URL, ``published`` the publication date from explicit page metadata,
        ``partial`` set when a paywall prompt was seen. ``Skip("no text extracted")`` for a
        page with only navigation, scripts or nothing at all.
    """
    page = decode_bytes(data, content_type)
    tree = parse_html(page)
    if tree is None:
        yield Skip(origin=origin, reason=NO_TEXT)
        return
    meta = read_page_meta(tree)
    for element in list(tree.iter(*_UNWANTED)):
        element.drop_tree()
    _drop_comments(tree)
    document = _extract(tree, url, _SMALL_PAGE_CONFIG)
    body = element_to_text(document.body) if document is not None else ""
    if _looks_like_stub(tree, body):
        # trafilatura's own fallback extractors rescue pages whose main-content pass found
        # only a stub; take their text when it is much longer than what we have.
        retry = _extract(tree, url, _DEFAULT_CONFIG)
        retry_body = element_to_text(retry.body) if retry is not None else ""
        if len(retry_body.strip()) >= max(_MIN_EXTRACTED_CHARS, _RETRY_FACTOR * len(body.strip())):
            document, body = retry, retry_body
    if not body.strip():
        body = _content_root_text(tree)
    extracted_title = document.title if document is not None else None
    if extracted_title and extracted_title.casefold() in meta.not_titles:
        extracted_title = None  # trafilatura's pick of a site-logo <h1>
    yield build_article(
        title=meta.title or extracted_title or meta.fallback_title,
        body=body,
        origin=origin,
        url=clean_url(meta.canonical_url, base=url) or clean_url(url),
        source=meta.site_name or guessed_site_name(
            document.sitename if document is not None else None,
            meta.host or host_of(clean_url(url)), meta.aggregator),
        published=meta.published or _stated_guess(document, page, url),
        authors=meta.authors or clean_authors(document.author if document else None),
    )


def parse_html(text: str) -> html.HtmlElement | None:
    """Parse a page (or fragment) into an lxml HTML document; ``None`` when nothing parses.

    trafilatura's own loader is used so its extraction sees the tree it expects (comments
    and processing instructions removed); lxml's HTML parser is the fallback for fragments
    the loader rejects.
    """
    text = _XML_DECLARATION.sub("", text, count=1)
    if not text.strip():
        return None
    tree = trafilatura.load_html(text)
    if isinstance(tree, html.HtmlElement):
        return tree
    try:
        parser = html.HTMLParser(remove_comments=True, remove_pis=True)
        return html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError):
        return None


def _extract(
    tree: html.HtmlElement, url: str | None, config: ConfigParser
) -> Document | None:
    """Run trafilatura on ``tree`` (copied, not changed); ``None`` when it finds nothing."""
    try:
        document = trafilatura.bare_extraction(
            tree,
            url=url,
            favor_recall=True,
            include_comments=False,
            include_tables=True,
            with_metadata=True,
            date_extraction_params={
                "extensive_search": False,
                "original_date": True,
                "max_date": date.today().isoformat(),
            },
            config=config,
        )
    except (ValueError, TypeError, etree.LxmlError) as error:
        log.debug("trafilatura failed: %s", error)
        return None
    if not isinstance(document, Document) or document.body is None:
        return None
    return document


def _stated_guess(document: Document | None, page: str, url: str | None) -> str | None:
    """Return trafilatura's date when the page or its URL states it in full, else ``None``.

    htmldate fills in what a partial or impossible date lacks ("2014-01" becomes the 2nd of
    January when run on the 2nd of a month); such a date is never stored.
    """
    guess = normalize_date(document.date if document is not None else None)
    return guess if guess is not None and guess in stated_dates(page, url) else None


def _drop_comments(tree: html.HtmlElement) -> None:
    """Remove reader comments: comment sections and boxes, and ``<details>`` of replies.

    An element goes when a class or id names comments (``comments-area``, ``comment``,
    ``fb-comments``, ``CommentBox``, ``disqus_thread``), unless it holds the page's first
    article container (or, without one, its first ``<h1>``), or when it is a
    ``<details>`` whose summary offers replies or comments.
    """
    roots = tree.xpath(_CONTENT_ROOTS)
    kept = roots[:1] or tree.xpath("//h1")[:1]  # the story, or at least its headline
    doomed = []
    for element in tree.iter():
        if not isinstance(element.tag, str) or element.tag in {"html", "body"}:
            continue
        names = f"{element.get('class') or ''} {element.get('id') or ''}".split()
        comments = any(_COMMENT_NAME.match(name) for name in names) or (
            element.get("itemprop") == "comment"
            or (element.get("itemtype") or "").rstrip("/").endswith("/Comment"))
        if element.tag == "details":
            summary = " ".join(" ".join(node.itertext()) for node in element.iter("summary"))
            comments = comments or bool(_COMMENT_SUMMARY.search(summary))
        if comments and not any(_contains(element, keep) for keep in kept):
            doomed.append(element)
    for element in doomed:
        if element.getparent() is not None:
            element.drop_tree()


def _contains(element: html.HtmlElement, inner: html.HtmlElement) -> bool:
    """Return whether ``inner`` is ``element`` or inside it."""
    return inner is element or any(node is element for node in inner.iterancestors())


def _looks_like_stub(tree: html.HtmlElement, body: str) -> bool:
    """Return whether an extraction is short and, if the page marks its article, a small part.

    A page with an explicit article container (``<article>``, ``<main>``,
    ``itemprop=articleBody``) whose text is at least twice the extraction points to a
    failed extraction; a short page whose container holds little more is simply short.
    """
    size = len(body.strip())
    if size >= _MIN_EXTRACTED_CHARS:
        return False
    container = len(_content_root_text(tree).strip())
    return container == 0 or 2 * size < container


def _content_root_text(tree: html.HtmlElement) -> str:
    """Return the text of the page's explicit article container, or ``""`` when it has none."""
    roots = tree.xpath(_CONTENT_ROOTS)
    return element_to_text(roots[0]) if roots else ""
