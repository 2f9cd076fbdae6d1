"""The URL fetch guard: never the internet; literal IPs, localhost, a fake resolver, and a
local aiohttp server on 127.0.0.1 that the guard must refuse (reached only through the
test-only ``allow_loopback`` constructor argument for the successful path)."""

from __future__ import annotations

import asyncio
import inspect
import ipaddress
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.abc import AbstractResolver, ResolveResult

from bot.config import Settings
from bot.fetch import (
    MAX_REDIRECTS,
    BlockedAddressError,
    FetchError,
    GuardedResolver,
    URLFetcher,
    check_url,
    is_public_address,
)

REFUSED = [
    "127.0.0.1", "127.8.9.10", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254",
    "0.0.0.0", "224.0.0.1", "255.255.255.255", "100.64.0.1", "192.0.2.10", "198.18.0.1",
    "240.0.0.1", "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1",
    "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "2002:7f00:1::1",
    "64:ff9b::a00:1", "::127.0.0.1", "2001:db8::1",
]
ALLOWED = ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8",
           "2002:5db8:d822::1"]


class FakeResolver(AbstractResolver):
    """Answers from a table; records every lookup. Optionally changes its answer later."""

    def __init__(self, table: dict[str, list[str]], later: dict[str, list[str]] | None = None):
        self.table = table
        self.later = later or {}
        self.calls: list[str] = []

    async def resolve(self, host: str, port: int = 0,
                      family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        answers = self.later.get(host) if self.calls.count(host) and host in self.later else None
        self.calls.append(host)
        addresses = answers or self.table.get(host)
        if addresses is None:
            raise OSError("name not known")
        return [{"hostname": host, "host": a, "port": port,
                 "family": socket.AF_INET6 if ":" in a else socket.AF_INET,
                 "proto": 0, "flags": 0} for a in addresses]

    async def close(self) -> None:
        pass


@pytest.mark.parametrize("address", REFUSED)
def test_non_public_addresses_are_refused(address: str) -> None:
    assert not is_public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ALLOWED)
def test_public_addresses_are_allowed(address: str) -> None:
    assert is_public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize("url", [
    "ftp://example.com/a", "file:///etc/passwd", "javascript:alert(1)", "gopher://x/",
    "http://user:secret@example.com/", "http:///no-host", "example.com/no-scheme",
])
def test_only_plain_http_and_https_urls(url: str) -> None:
    with pytest.raises(BlockedAddressError):
        check_url(url)


async def test_literal_private_ip_refused_before_connecting() -> None:
    guard = GuardedResolver(FakeResolver({}))
    for host in ("127.0.0.1", "[::1]", "10.0.0.7", "::ffff:192.168.0.1"):
        with pytest.raises(BlockedAddressError, match="private or local"):
            await guard.vet(host, 80)


async def test_localhost_name_refused_with_the_real_resolver() -> None:
    with pytest.raises(BlockedAddressError):
        await GuardedResolver().vet("localhost", 80)


async def test_fake_dns_private_answer_refused_and_public_one_pinned() -> None:
    resolver = FakeResolver({
        "public.example": ["93.184.216.34"],
        "internal.example": ["10.0.0.5"],
        "mixed.example": ["93.184.216.34", "127.0.0.1"],
    })
    guard = GuardedResolver(resolver)
    pinned = await guard.vet("public.example", 443)
    assert [r["host"] for r in pinned] == ["93.184.216.34"]
    for host in ("internal.example", "mixed.example"):
        with pytest.raises(BlockedAddressError):
            await guard.vet(host, 443)
    with pytest.raises(FetchError, match="could not be resolved"):
        await guard.vet("missing.example", 443)


async def test_dns_rebinding_cannot_change_the_address_after_the_check() -> None:
    resolver = FakeResolver({"rebind.example": ["93.184.216.34"]},
                            later={"rebind.example": ["127.0.0.1"]})
    guard = GuardedResolver(resolver)
    await guard.vet("rebind.example", 80)
    connected_to = await guard.resolve("rebind.example", 80)
    assert [r["host"] for r in connected_to] == ["93.184.216.34"]
    assert resolver.calls == ["rebind.example"]


# -- against a local server ------------------------------------------------------------


@pytest.fixture
async def server() -> AsyncIterator[dict[str, Any]]:
    hits: list[str] = []

    async def handle(request: web.Request) -> web.StreamResponse:
        hits.append(request.path)
        name = request.match_info["name"]
        if name == "article":
            return web.Response(text="<html><body><p>Hello</p></body></html>",
                                content_type="text/html")
        if name == "feed.xml":
            return web.Response(body=b"<rss></rss>",
                                headers={"Content-Type": "application/rss+xml"})
        if name == "image":
            return web.Response(body=b"\x89PNG", content_type="image/png")
        if name == "big":
            return web.Response(body=b"x" * 5000, content_type="text/plain")
        if name == "stream":
            response = web.StreamResponse(headers={"Content-Type": "text/plain"})
            response.enable_chunked_encoding()
            await response.prepare(request)
            for _ in range(10):
                await response.write(b"y" * 1000)
            await response.write_eof()
            return response
        if name == "slow":
            await asyncio.sleep(2)
            return web.Response(text="late", content_type="text/plain")
        if name == "to-metadata":
            raise web.HTTPFound("http://169.254.169.254/latest/meta-data/")
        if name == "to-file":
            raise web.HTTPFound("file:///etc/passwd")
        if name == "to-article":
            raise web.HTTPMovedPermanently("/x/article")
        if name.startswith("loop"):
            raise web.HTTPFound(f"/x/loop{int(name[4:] or 0) + 1}")
        raise web.HTTPNotFound()

    app = web.Application()
    app.router.add_get("/x/{name}", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield {"base": f"http://127.0.0.1:{port}/x", "port": port, "hits": hits}
    await runner.cleanup()


def _fetcher(**options: Any) -> URLFetcher:
    return URLFetcher(max_bytes=options.pop("max_bytes", 4000),
                      timeout=options.pop("timeout", 5.0), **options)


async def test_local_server_is_refused_by_default(server: dict[str, Any]) -> None:
    with pytest.raises(BlockedAddressError):
        await _fetcher().fetch(f"{server['base']}/article")
    with pytest.raises(BlockedAddressError):
        await _fetcher().fetch(f"http://localhost:{server['port']}/x/article")
    resolver = FakeResolver({"news.example": ["127.0.0.1"]})
    with pytest.raises(BlockedAddressError):
        await _fetcher(resolver=resolver).fetch(f"http://news.example:{server['port']}/x/article")
    assert server["hits"] == []


async def test_successful_fetch_through_the_test_only_hook(server: dict[str, Any]) -> None:
    page = await _fetcher(allow_loopback=True).fetch(f"{server['base']}/to-article")
    assert page.data.startswith(b"<html>")
    assert page.content_type == "text/html"
    assert page.filename == "page.html"
    assert page.url == f"{server['base']}/article"
    feed = await _fetcher(allow_loopback=True).fetch(f"{server['base']}/feed.xml")
    assert feed.filename == "feed.rss"
    assert feed.content_type == "application/rss+xml"


async def test_every_redirect_hop_is_checked(server: dict[str, Any]) -> None:
    with pytest.raises(BlockedAddressError):
        await _fetcher(allow_loopback=True).fetch(f"{server['base']}/to-metadata")
    with pytest.raises(BlockedAddressError, match="only http"):
        await _fetcher(allow_loopback=True).fetch(f"{server['base']}/to-file")
    with pytest.raises(FetchError, match="too many redirects"):
        await _fetcher(allow_loopback=True).fetch(f"{server['base']}/loop0")
    assert server["hits"].count("/x/loop0") == 1
    assert len([h for h in server["hits"] if h.startswith("/x/loop")]) == MAX_REDIRECTS + 1


async def test_size_cap_by_header_and_while_streaming(server: dict[str, Any]) -> None:
    with pytest.raises(FetchError, match="larger than"):
        await _fetcher(allow_loopback=True).fetch(f"{server['base']}/big")
    with pytest.raises(FetchError, match="larger than"):
        await _fetcher(allow_loopback=True).fetch(f"{server['base']}/stream")


async def test_time_cap(server: dict[str, Any]) -> None:
    with pytest.raises(FetchError, match="did not answer within"):
        await _fetcher(allow_loopback=True, timeout=0.3).fetch(f"{server['base']}/slow")


async def test_content_type_and_status_checked(server: dict[str, Any]) -> None:
    with pytest.raises(FetchError, match="unsupported content type"):
        await _fetcher(allow_loopback=True).fetch(f"{server['base']}/image")
    with pytest.raises(FetchError, match="HTTP 404"):
        await _fetcher(allow_loopback=True).fetch(f"{server['base']}/missing")


def test_loopback_switch_is_off_by_default_and_never_reachable_from_discord() -> None:
    assert [name for name in Settings.model_fields if "loopback" in name] == [
        "fetch_allow_loopback"]
    assert Settings.model_fields["fetch_allow_loopback"].default is False
    assert "TESTS ONLY" in (Settings.model_fields["fetch_allow_loopback"].description or "")
    cogs = Path(__file__).resolve().parents[2] / "bot" / "cogs"
    assert not [p.name for p in cogs.glob("*.py") if "allow_loopback" in p.read_text()]
    parameter = inspect.signature(URLFetcher).parameters["allow_loopback"]
    assert parameter.kind is inspect.Parameter.KEYWORD_ONLY
    assert parameter.default is False


def test_error_messages_never_repeat_the_url() -> None:
    with pytest.raises(BlockedAddressError) as caught:
        check_url("ftp://secret-host.example/path")
    assert "secret-host" not in str(caught.value)


async def test_loopback_switch_still_refuses_private_and_link_local(server: dict[str, Any]) -> None:
    fetcher = _fetcher(allow_loopback=True)
    for url in ("http://10.0.0.1/x", "http://192.168.1.1/x", "http://169.254.169.254/latest",
                "http://[fe80::1]/x", "http://[::ffff:10.0.0.1]/x"):
        with pytest.raises(BlockedAddressError):
            await fetcher.fetch(url)


async def test_request_returns_any_status_with_its_validators(server: dict[str, Any]) -> None:
    fetcher = _fetcher(allow_loopback=True)
    missing = await fetcher.request(f"{server['base']}/missing",
                                    headers={"If-None-Match": '"abc"'})
    assert (missing.status, missing.ok, missing.data) == (404, False, b"")
    page = await fetcher.request(f"{server['base']}/to-article")
    assert page.ok
    assert page.url == f"{server['base']}/article"
    assert page.data.startswith(b"<html>")
