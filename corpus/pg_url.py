"""PostgreSQL connection URLs: recognising one, checking it, saying where it points (no secrets)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import SplitResult, parse_qsl, urlencode, urlsplit, urlunsplit

from corpus.backend import StoreError

POSTGRES_SCHEMES = ("postgresql://", "postgres://")
_PASSWORD = re.compile(r"(//[^/@:]*):[^/@]*@")  # ``//user:secret@`` -> ``//user@`` (no parsing)


def is_postgres_url(location: str | Path) -> bool:
    """True when ``location`` is a PostgreSQL URL (a `str`; a `Path` is always a file)."""
    return isinstance(location, str) and location.strip().lower().startswith(POSTGRES_SCHEMES)


def _split(url: str) -> SplitResult | None:
    try:
        return urlsplit(url)
    except ValueError:  # e.g. an unclosed '[' around an IPv6 host
        return None


def redact(url: str) -> str:
    """``url`` without its password (in the user part or a ``password=`` parameter).

    Never raises: a URL too malformed to parse loses its password by pattern instead.
    """
    parts = _split(url)
    if parts is None:
        return re.sub(r"(?i)([?&]password=)[^&]*", r"\1", _PASSWORD.sub(r"\1@", url, count=1))
    netloc = parts.netloc
    if "@" in netloc:
        user, _, host = netloc.rpartition("@")
        netloc = f"{user.partition(':')[0]}@{host}"
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if k.lower() != "password"])
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def _port_problem(text: str) -> str | None:
    if not text.isdigit():
        return f"its port {text!r} is not a number"
    if not 1 <= int(text) <= 65535:
        return f"its port {text} is not between 1 and 65535"
    return None


def url_problem(url: str) -> str | None:
    """What makes ``url`` (a PostgreSQL URL) unusable, in a few words, or None when fine.

    Checks what the URL parser and asyncpg would otherwise fail on with a traceback: the
    brackets of an IPv6 host, and the port (in the host part or a ``port=`` parameter), a
    number from 1 to 65535. The words never include the password.
    """
    parts = _split(url.strip())
    if parts is None:
        return "its host has an unclosed '[' (an IPv6 address goes in [brackets])"
    host = parts.netloc.rpartition("@")[2]
    if host.count("[") != host.count("]"):
        return "its host has an unmatched ']' (an IPv6 address goes in [brackets])"
    for one_host in host.split(","):  # libpq allows host1:port1,host2:port2
        _, bracket, rest = one_host.rpartition("]")
        hostport = rest if bracket else one_host
        if ":" in hostport:
            problem = _port_problem(hostport.rpartition(":")[2])
            if problem is not None:
                return problem
    for key, value in parse_qsl(parts.query):
        if key.lower() == "port":
            for text in value.split(","):
                problem = _port_problem(text.strip())
                if problem is not None:
                    return problem
    return None


def check_url(url: str) -> None:
    """Raise `corpus.backend.StoreError` (one line, no password) when ``url`` is malformed.

    The message names the URL without its password and the bad part, e.g.
    ``postgresql://u@db:x/news: not a usable PostgreSQL URL: its port 'x' is not a number``.
    """
    problem = url_problem(url)
    if problem is not None:
        raise StoreError(f"{redact(url.strip())}: not a usable PostgreSQL URL: {problem}")


def endpoint(url: str) -> str:
    """``host:port`` the URL connects to (``host`` and ``port`` parameters count too)."""
    parts = _split(url)
    if parts is None:
        return "an unparsable address"
    params = dict(parse_qsl(parts.query))
    try:
        port = parts.port
    except ValueError:
        port = None
    host = parts.hostname or params.get("host") or "localhost"
    return f"{host}:{port or params.get('port') or 5432}"
