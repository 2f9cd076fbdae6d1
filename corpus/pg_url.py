"""PostgreSQL connection URLs: recognising one, and saying where it points without secrets."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def is_postgres_url(location: str | Path) -> bool:
    """True when ``location`` is a PostgreSQL URL (a `str`; a `Path` is always a file)."""
    return isinstance(location, str) and location.strip().lower().startswith(POSTGRES_SCHEMES)


def redact(url: str) -> str:
    """``url`` without its password (in the user part or a ``password=`` parameter)."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        user, _, host = netloc.rpartition("@")
        netloc = f"{user.partition(':')[0]}@{host}"
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if k.lower() != "password"])
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def endpoint(url: str) -> str:
    """``host:port`` the URL connects to (``host`` and ``port`` parameters count too)."""
    parts = urlsplit(url)
    params = dict(parse_qsl(parts.query))
    try:
        port = parts.port
    except ValueError:
        port = None
    host = parts.hostname or params.get("host") or "localhost"
    return f"{host}:{port or params.get('port') or 5432}"
