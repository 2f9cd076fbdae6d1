"""A local news site in its own process for the feed benchmarks: many feeds, real texts.

Feed ``i`` (``/feeds/i.xml``, RSS 2.0) lists its entries ``0 .. visible-1``, newest first;
entry ``j``'s page (``/p/i/j``) is a BBC News article (``$NEWSDESK_EVAL_DIR/bbc-news``)
made unique by a reference line. ``visible`` is shared with the parent: raising it makes new
entries appear. Feeds answer conditional requests (ETag = the visible count) with 304.
The site runs in a child process so its CPU time is not the poller's.
"""

from __future__ import annotations

import json
import multiprocessing
import os
from html import escape
from multiprocessing.sharedctypes import Synchronized
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EVAL = Path(os.environ.get("NEWSDESK_EVAL_DIR", REPO.parent / "shared" / "eval"))
CORPUS = EVAL / "bbc-news" / "articles.jsonl"


def load_texts() -> list[tuple[str, str]]:
    """``(title, text)`` of every BBC News article."""
    with CORPUS.open(encoding="utf-8") as lines:
        return [(record["title"], record["text"]) for record in map(json.loads, lines)]


def entry_title(texts: list[tuple[str, str]], feed: int, entry: int) -> str:
    """The headline of entry ``entry`` of feed ``feed``."""
    title, _ = texts[(feed * 997 + entry * 31) % len(texts)]
    return f"{title} (desk {feed}, story {entry})"


def entry_page(texts: list[tuple[str, str]], feed: int, entry: int) -> str:
    """The HTML page of one entry: headline, date, the article's paragraphs, a reference."""
    _, text = texts[(feed * 997 + entry * 31) % len(texts)]
    paragraphs = "".join(f"<p>{escape(p)}</p>" for p in text.split("\n\n") if p.strip())
    title = escape(entry_title(texts, feed, entry))
    return (f"<html><head><title>{title}</title>"
            '<meta property="og:site_name" content="Bench Gazette">'
            f'<meta property="article:published_time" content="2026-06-{1 + entry % 28:02d}">'
            f"</head><body><article><h1>{title}</h1>{paragraphs}"
            f"<p>Reference desk {feed} story {entry}.</p></article></body></html>")


def feed_xml(texts: list[tuple[str, str]], base: str, feed: int, visible: int) -> str:
    """RSS 2.0 of feed ``feed`` showing entries ``visible-1`` down to 0."""
    items = "".join(
        f"<item><title>{escape(entry_title(texts, feed, j))}</title>"
        f"<link>{base}/p/{feed}/{j}</link><guid>{base}/p/{feed}/{j}</guid>"
        f"<description>{escape(texts[(feed * 997 + j * 31) % len(texts)][1][:300])}"
        f"</description><pubDate>Mon, 01 Jun 2026 {j // 60 % 24:02d}:{j % 60:02d}:00 GMT"
        "</pubDate></item>"
        for j in range(visible - 1, -1, -1))
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Bench desk {feed}</title><link>{base}/</link>{items}</channel></rss>")


def _serve(visible: Synchronized[int], port_out: multiprocessing.connection.Connection,
           port: int) -> None:
    import asyncio

    from aiohttp import web

    texts = load_texts()

    async def feed(request: web.Request) -> web.Response:
        count = visible.value
        etag = f'"{count}"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        number = int(request.match_info["feed"])
        body = feed_xml(texts, f"http://{request.host}", number, count)
        return web.Response(text=body, content_type="application/rss+xml",
                            headers={"ETag": etag})

    async def article(request: web.Request) -> web.Response:
        return web.Response(text=entry_page(texts, int(request.match_info["feed"]),
                                            int(request.match_info["entry"])),
                            content_type="text/html")

    async def main() -> None:
        app = web.Application()
        app.router.add_get("/feeds/{feed}.xml", feed)
        app.router.add_get("/p/{feed}/{entry}", article)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", port, backlog=1024)
        await site.start()
        port_out.send(site._server.sockets[0].getsockname()[1])  # type: ignore[union-attr]
        await asyncio.Event().wait()

    asyncio.run(main())


class SiteProcess:
    """The site in a child process; ``visible`` entries per feed (settable while it runs)."""

    def __init__(self, visible: int, port: int = 0) -> None:
        context = multiprocessing.get_context("spawn")
        self._visible = context.Value("i", visible)
        receive, send = context.Pipe(duplex=False)
        self._process = context.Process(target=_serve, args=(self._visible, send, port),
                                        daemon=True)
        self._process.start()
        self.base = f"http://127.0.0.1:{receive.recv()}"

    @property
    def visible(self) -> int:
        """Entries each feed lists now."""
        return int(self._visible.value)

    @visible.setter
    def visible(self, count: int) -> None:
        self._visible.value = count

    def feed_url(self, feed: int) -> str:
        """The URL of feed ``feed``."""
        return f"{self.base}/feeds/{feed}.xml"

    def page_url(self, feed: int, entry: int) -> str:
        """The URL of entry ``entry``'s page in feed ``feed``."""
        return f"{self.base}/p/{feed}/{entry}"

    def stop(self) -> None:
        """End the child process."""
        self._process.terminate()
        self._process.join(10)
