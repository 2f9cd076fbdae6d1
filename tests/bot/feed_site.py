"""A small news site on 127.0.0.1 for the feed tests: feeds, article pages, odd answers.

Routes are set per test (``site.routes["/feed.xml"] = Reply(...)``) and may change between
polls; every request is recorded with its headers.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import format_datetime
from typing import Any
from xml.sax.saxutils import escape

from aiohttp import web


@dataclass
class Reply:
    """What a route answers: status, body, content type, extra headers, an optional delay."""

    body: bytes | str = b""
    status: int = 200
    content_type: str = "text/html"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    etag: str | None = None  # answer 304 when the request's If-None-Match is this
    gate: asyncio.Event | None = None  # answer only once this is set


@dataclass
class Item:
    """One feed entry."""

    title: str
    link: str
    summary: str = ""
    date: str = "Mon, 01 Jun 2026 09:00:00 GMT"  # as written in the feed
    guid: str | None = None
    author: str | None = None


def rss2(items: list[Item], *, title: str = "Harbour Times", link: str = "") -> str:
    """An RSS 2.0 feed."""
    entries = "".join(
        f"<item><title>{escape(i.title)}</title><link>{escape(i.link)}</link>"
        f"<description>{escape(i.summary)}</description><pubDate>{i.date}</pubDate>"
        + (f"<guid>{escape(i.guid)}</guid>" if i.guid else "")
        + (f"<author>{escape(i.author)}</author>" if i.author else "")
        + "</item>"
        for i in items)
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>{escape(title)}</title><link>{escape(link)}</link>{entries}"
            "</channel></rss>")


def atom(items: list[Item], *, title: str = "Harbour Atom") -> str:
    """An Atom 1.0 feed (dates as written in ``Item.date``, which should be RFC 3339)."""
    entries = "".join(
        f"<entry><title>{escape(i.title)}</title><link href=\"{escape(i.link)}\"/>"
        f"<id>{escape(i.guid or i.link)}</id><updated>{i.date}</updated>"
        f"<summary>{escape(i.summary)}</summary>"
        + (f"<author><name>{escape(i.author)}</name></author>" if i.author else "")
        + "</entry>"
        for i in items)
    return ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>{escape(title)}</title><id>urn:harbour</id>"
            f"<updated>2026-06-01T00:00:00Z</updated>{entries}</feed>")


def rss1(items: list[Item], *, title: str = "Harbour RDF") -> str:
    """An RSS 1.0 (RDF) feed (dates in ``dc:date``)."""
    entries = "".join(
        f'<item rdf:about="{escape(i.link)}"><title>{escape(i.title)}</title>'
        f"<link>{escape(i.link)}</link><description>{escape(i.summary)}</description>"
        f"<dc:date>{i.date}</dc:date></item>"
        for i in items)
    return ('<?xml version="1.0" encoding="utf-8"?>'
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f'<channel rdf:about="urn:harbour"><title>{escape(title)}</title>'
            "<link>http://harbour.example/</link><description>d</description></channel>"
            f"{entries}</rdf:RDF>")


def page(title: str, paragraphs: list[str], *, published: str | None = None,
         site: str = "Harbour Times") -> str:
    """An article page with a headline, a date and paragraphs of text."""
    meta = (f'<meta property="article:published_time" content="{published}">'
            if published else "")
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (f"<html><head><title>{escape(title)} - {escape(site)}</title>"
            f'<meta property="og:site_name" content="{escape(site)}">{meta}</head>'
            f"<body><article><h1>{escape(title)}</h1>{body}</article></body></html>")


def http_date(epoch: float) -> str:
    """An HTTP date (RFC 9110) for ``epoch``."""
    from datetime import UTC, datetime

    return format_datetime(datetime.fromtimestamp(epoch, UTC), usegmt=True)


class FeedSite:
    """The site: ``routes`` by path, ``requests`` as ``(path, headers)`` in arrival order."""

    def __init__(self) -> None:
        self.routes: dict[str, Reply | Callable[[web.Request], Reply]] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.base = ""
        self._runner: web.AppRunner | None = None
        self.started_requests = asyncio.Event()

    def url(self, path: str) -> str:
        """The absolute URL of ``path``."""
        return self.base + path

    def hits(self, path: str) -> list[dict[str, str]]:
        """The headers of every request for ``path``."""
        return [headers for seen, headers in self.requests if seen == path]

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        self.requests.append((request.path, dict(request.headers)))
        route = self.routes.get(request.path)
        if route is None:
            return web.Response(status=404, text="not found")
        reply = route(request) if callable(route) else route
        if reply.delay:
            await asyncio.sleep(reply.delay)
        if reply.gate is not None:
            await reply.gate.wait()
        headers = dict(reply.headers)
        if reply.etag is not None:
            headers["ETag"] = reply.etag
            if request.headers.get("If-None-Match") == reply.etag:
                return web.Response(status=304, headers=headers)
        body = reply.body.encode() if isinstance(reply.body, str) else reply.body
        if reply.status in {301, 302, 303, 307, 308, 304}:
            return web.Response(status=reply.status, headers=headers)
        return web.Response(status=reply.status, body=body, headers=headers,
                            content_type=reply.content_type)

    async def start(self) -> FeedSite:
        """Serve on 127.0.0.1 on a free port, in the running loop."""
        app = web.Application()
        app.router.add_route("GET", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base = f"http://127.0.0.1:{port}"
        return self

    async def stop(self) -> None:
        """Stop serving."""
        if self._runner is not None:
            await self._runner.cleanup()


class ThreadedSite:
    """A `FeedSite` served from its own thread and loop (for tests that run subprocesses)."""

    def __init__(self) -> None:
        self.site = FeedSite()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    def __enter__(self) -> FeedSite:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self.site.start(), self._loop).result(10)
        return self.site

    def __exit__(self, *exc: Any) -> None:
        asyncio.run_coroutine_threadsafe(self.site.stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
