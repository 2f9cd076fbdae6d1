"""Fetch one web page for ``/corpus add`` without letting a URL reach inside the network.

Only ``http``/``https``. Every hop (redirects are followed by hand, at most 5) is checked:
the host is resolved once, every address must be public (no private, loopback, link-local,
multicast, reserved, unspecified or shared addresses, IPv4 or IPv6, IPv4-mapped and other
embedded IPv4 included), and the connection is made to exactly the vetted addresses
(`GuardedResolver` pins them), so DNS cannot rebind between the check and the connect.
The body is streamed and abandoned past ``max_bytes``; the whole fetch has one deadline;
only HTML, XML/feeds, JSON and text content types are accepted.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from yarl import URL

if TYPE_CHECKING:
    from bot.config import Settings

log = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

MAX_REDIRECTS = 5
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
USER_AGENT = "newsdesk/0.1 (article fetcher for a Discord bot)"
_CHUNK = 64 * 1024

# media type -> the file name the ingest reader dispatches on
CONTENT_TYPES: dict[str, str] = {
    "text/html": "page.html",
    "application/xhtml+xml": "page.html",
    "application/xml": "feed.xml",
    "text/xml": "feed.xml",
    "application/rss+xml": "feed.rss",
    "application/atom+xml": "feed.atom",
    "application/rdf+xml": "feed.xml",
    "application/json": "page.json",
    "application/feed+json": "page.json",
    "application/ld+json": "page.json",
    "text/plain": "page.txt",
    "text/markdown": "page.md",
    "text/x-markdown": "page.md",
}
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


class FetchError(Exception):
    """A URL could not be fetched.

    The message is short, safe to show users, and never repeats the URL or anything else
    the user typed.
    """


class BlockedAddressError(FetchError):
    """The URL leads to an address newsdesk refuses to contact."""


@dataclass(frozen=True, slots=True)
class FetchedPage:
    """A fetched page: final URL (after redirects), body, media type, ingest file name."""

    url: str
    data: bytes
    content_type: str
    filename: str


@dataclass(frozen=True, slots=True)
class FetchResponse:
    """What one GET answered, whatever its status (`URLFetcher.request`).

    ``url`` is the final URL after redirects; ``data`` the body of a 2xx answer (``b""``
    for any other status: 304, 404, 429 ...); ``content_type`` the media type, lower case
    (``""`` when none); ``etag``, ``last_modified`` and ``retry_after`` the raw header
    values, or None.
    """

    url: str
    status: int
    data: bytes
    content_type: str
    etag: str | None = None
    last_modified: str | None = None
    retry_after: str | None = None

    @property
    def ok(self) -> bool:
        """True for a 2xx answer."""
        return 200 <= self.status < 300


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """IPv4 addresses hidden inside an IPv6 one (mapped, 6to4, Teredo, NAT64)."""
    found: list[ipaddress.IPv4Address] = []
    if ip.ipv4_mapped is not None:
        found.append(ip.ipv4_mapped)
    if ip.sixtofour is not None:
        found.append(ip.sixtofour)
    if ip.teredo is not None:
        found.extend(ip.teredo)
    if ip in _NAT64:
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    # IPv4-compatible (deprecated ::a.b.c.d)
    if int(ip) >> 32 == 0 and int(ip) > 0xFFFF:
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return found


def is_public_address(ip: IPAddress) -> bool:
    """Return True when ``ip`` is a globally routable unicast address we may contact."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.scope_id:
            return False
        embedded = _embedded_ipv4(ip)
        if embedded:
            return all(is_public_address(inner) for inner in embedded)
    refused = (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )
    return not refused


def _is_allowed(ip: IPAddress, allow_loopback: bool) -> bool:
    if allow_loopback and ip.is_loopback:
        return True
    return is_public_address(ip)


def parse_ip(host: str) -> IPAddress | None:
    """Return ``host`` as an IP address (brackets and IPv6 zone allowed), or None."""
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def check_url(url: str | URL) -> URL:
    """Parse ``url`` and check that it is an absolute http(s) URL without credentials.

    Raises
    ------
    BlockedAddressError
        For any other scheme, a missing host, a host name that is not valid (IDNA), or a
        user name / password in the URL.
    """
    try:
        parsed = url if isinstance(url, URL) else URL(url.strip())
    except (ValueError, TypeError):
        raise BlockedAddressError("that is not a valid URL") from None
    if parsed.scheme not in {"http", "https"}:
        raise BlockedAddressError("only http:// and https:// URLs can be added")
    if not parsed.host:
        raise BlockedAddressError("the URL has no host name")
    if parsed.user is not None or parsed.password is not None:
        raise BlockedAddressError("URLs with a user name or password are not accepted")
    if parse_ip(parsed.host) is None:
        try:
            parsed.host.encode("idna")  # a label over 63 characters, say: never resolvable
        except UnicodeError:
            raise BlockedAddressError("the URL's host name is not valid") from None
    return parsed


class GuardedResolver(AbstractResolver):
    """DNS resolver that vets each host once and then answers only with vetted addresses.

    A host is refused unless every address it resolves to is public; the connection then
    goes to exactly the addresses that were checked.

    ``allow_loopback`` exists for tests of the successful path against a local server; it
    can only be set by constructing the resolver in code, never from settings or input.
    """

    def __init__(self, inner: AbstractResolver | None = None, *, allow_loopback: bool = False):
        self._inner = inner if inner is not None else aiohttp.ThreadedResolver()
        self._allow_loopback = allow_loopback
        self._pinned: dict[tuple[str, int], list[ResolveResult]] = {}

    async def vet(self, host: str, port: int) -> list[ResolveResult]:
        """Resolve ``host`` and check every address; pin and return the results."""
        literal = parse_ip(host)
        if literal is not None:
            if not _is_allowed(literal, self._allow_loopback):
                raise BlockedAddressError("that address is private or local, so it was refused")
            family = socket.AF_INET6 if literal.version == 6 else socket.AF_INET
            return [_result(host, str(literal), port, family)]
        key = (host.casefold(), port)
        if key in self._pinned:
            return self._pinned[key]
        try:
            results = await self._inner.resolve(host, port, family=socket.AF_UNSPEC)
        except OSError:
            raise FetchError("that host name could not be resolved") from None
        if not results:
            raise FetchError("that host name could not be resolved")
        for result in results:
            address = parse_ip(result["host"])
            if address is None or not _is_allowed(address, self._allow_loopback):
                log.info("refused fetch: %s resolves to a non-public address", host)
                raise BlockedAddressError(
                    "that host resolves to a private or local address, so it was refused"
                )
        self._pinned[key] = results
        return results

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        """Return the pinned (vetted) addresses of ``host``, vetting it first if needed."""
        return await self.vet(host, port)

    async def close(self) -> None:
        """Close the inner resolver."""
        await self._inner.close()


def _result(host: str, address: str, port: int, family: int) -> ResolveResult:
    return {
        "hostname": host,
        "host": address,
        "port": port,
        "family": family,
        "proto": 0,
        "flags": socket.AI_NUMERICHOST,
    }


class URLFetcher:
    """Fetches pages for ingestion with the guards described in the module docstring.

    Parameters
    ----------
    max_bytes
        Largest body accepted (after decompression); larger downloads are abandoned.
    timeout
        Seconds for the whole fetch, redirects included.
    resolver
        DNS resolver to wrap (tests pass a fake); default aiohttp's threaded resolver.
    allow_loopback
        Tests only: also accept loopback addresses. Never set from configuration.
    """

    def __init__(
        self,
        *,
        max_bytes: int,
        timeout: float,
        resolver: AbstractResolver | None = None,
        allow_loopback: bool = False,
    ) -> None:
        self.max_bytes = max_bytes
        self.timeout = timeout
        self._inner_resolver = resolver
        self._allow_loopback = allow_loopback

    async def fetch(self, url: str) -> FetchedPage:
        """Fetch ``url``; raises `FetchError` (or `BlockedAddressError`) with a short reason."""
        response = await self.request(url)
        if not response.ok:
            raise FetchError(f"the site answered HTTP {response.status}")
        return FetchedPage(response.url, response.data, response.content_type,
                           CONTENT_TYPES[response.content_type])

    async def request(
        self, url: str, *, headers: Mapping[str, str] | None = None
    ) -> FetchResponse:
        """GET ``url`` with the same guards as `fetch`, returning any status with its headers.

        ``headers`` are sent as well (``If-None-Match``, ``If-Modified-Since`` for a
        conditional request). Redirects are followed (every hop vetted); a 2xx body is
        streamed up to ``max_bytes`` and must have an accepted content type; any other
        status comes back with an empty body. Raises `FetchError` / `BlockedAddressError`
        for a refused address, a connection or TLS failure, the deadline, too many
        redirects, an oversized body or an unsupported content type.
        """
        target = check_url(url)
        guard = GuardedResolver(self._inner_resolver, allow_loopback=self._allow_loopback)
        connector = aiohttp.TCPConnector(resolver=guard, use_dns_cache=False, force_close=True)
        session = aiohttp.ClientSession(
            connector=connector,
            timeout=aiohttp.ClientTimeout(total=self.timeout),
            headers={"User-Agent": USER_AGENT, "Accept": ", ".join(CONTENT_TYPES)},
            trust_env=False,
        )
        try:
            async with asyncio.timeout(self.timeout):
                return await self._follow(session, guard, target, dict(headers or {}))
        except TimeoutError:
            raise FetchError(f"the site did not answer within {self.timeout:g} s") from None
        except aiohttp.ClientSSLError:
            raise FetchError("the site's TLS certificate could not be verified") from None
        except aiohttp.ClientConnectionError:
            raise FetchError("could not connect to that site") from None
        except aiohttp.ClientError:
            raise FetchError("the site sent a reply that could not be read") from None
        except UnicodeError:  # IDNA: a host name (from a redirect, say) no resolver takes
            raise FetchError("the URL's host name is not valid") from None
        finally:
            await session.close()

    async def _follow(
        self, session: aiohttp.ClientSession, guard: GuardedResolver, target: URL,
        headers: dict[str, str],
    ) -> FetchResponse:
        for _hop in range(MAX_REDIRECTS + 1):
            await guard.vet(target.raw_host or "", target.port or 0)
            async with session.get(target, allow_redirects=False, headers=headers) as response:
                if response.status in REDIRECT_STATUSES:
                    location = response.headers.get("Location")
                    if not location:
                        raise FetchError("the site redirected without saying where")
                    target = check_url(target.join(URL(location)))
                    continue
                return await self._read(response, target)
        raise FetchError(f"too many redirects (more than {MAX_REDIRECTS})")

    async def _read(self, response: aiohttp.ClientResponse, url: URL) -> FetchResponse:
        media_type = response.content_type.casefold() if response.content_type else ""
        answer = FetchResponse(
            str(url), response.status, b"", media_type, response.headers.get("ETag"),
            response.headers.get("Last-Modified"), response.headers.get("Retry-After"))
        if not 200 <= response.status < 300:
            return answer
        if media_type not in CONTENT_TYPES:
            raise FetchError(
                f"unsupported content type {media_type[:60]!r}: want HTML, XML/RSS/Atom, "
                "JSON or plain text"
            )
        limit_mb = self.max_bytes / 1_000_000
        if response.content_length is not None and response.content_length > self.max_bytes:
            raise FetchError(f"the page is larger than the {limit_mb:g} MB limit")
        body = bytearray()
        async for chunk in response.content.iter_chunked(_CHUNK):
            body += chunk
            if len(body) > self.max_bytes:
                raise FetchError(f"the page is larger than the {limit_mb:g} MB limit")
        return FetchResponse(answer.url, answer.status, bytes(body), media_type, answer.etag,
                             answer.last_modified, answer.retry_after)


def settings_fetcher(settings: Settings) -> URLFetcher:
    """The fetcher ``settings`` ask for: size and time caps, and the tests-only loopback switch.

    ``NEWSDESK_FETCH_ALLOW_LOOPBACK`` (off by default) lets tests reach a server on
    127.0.0.1; private and link-local addresses stay refused either way.
    """
    return URLFetcher(max_bytes=settings.fetch_max_bytes, timeout=settings.fetch_timeout,
                      allow_loopback=settings.fetch_allow_loopback)
