"""Health check for a running bot: the database opens and the gateway heartbeat is fresh.

``python -m bot.health`` is the container image's ``HEALTHCHECK``: it prints one line and exits
0 when healthy, 1 when not. The bot touches ``NEWSDESK_HEARTBEAT_FILE`` while its gateway
connection is alive, so a stale or missing file means the bot is stuck or disconnected.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bot.config import Settings
from corpus.backend import StoreError
from corpus.locations import store_for
from corpus.pg_url import is_postgres_url, redact

MAX_HEARTBEAT_AGE = 60.0
EXIT_HEALTHY, EXIT_UNHEALTHY = 0, 1


def heartbeat_age(path: Path, *, now: float | None = None) -> float | None:
    """Seconds since ``path`` was last touched, or None when it does not exist."""
    try:
        touched = path.stat().st_mtime
    except FileNotFoundError:
        return None
    return max(0.0, (time.time() if now is None else now) - touched)


def check_heartbeat(path: Path | None, *, max_age: float = MAX_HEARTBEAT_AGE) -> str | None:
    """Say what is wrong with the heartbeat file, or None when it is younger than ``max_age``."""
    if path is None:
        return "NEWSDESK_HEARTBEAT_FILE is not set, so the gateway cannot be checked"
    age = heartbeat_age(path)
    if age is None:
        return f"no heartbeat file at {path} (the bot is not connected yet)"
    if age > max_age:
        return f"heartbeat is {age:.0f}s old (limit {max_age:.0f}s)"
    return None


async def _count_articles(location: Path | str) -> int:
    async with store_for(location) as store:
        return await store.count_articles()


def check_database(location: Path | str) -> str | None:
    """Say what is wrong with the database (a file or a PostgreSQL URL), or None when it reads."""
    postgres = is_postgres_url(location)
    shown = redact(str(location)) if postgres else str(location)
    if not postgres and not Path(location).is_file():
        return f"no database at {shown}"
    try:
        asyncio.run(_count_articles(location))
    except StoreError as error:
        return str(error)
    except (sqlite3.Error, OSError) as error:
        return f"database {shown} does not open: {error}"
    return None


def health_command(settings: Settings, *, max_age: float = MAX_HEARTBEAT_AGE) -> int:
    """Print whether the bot is healthy; return 0 when it is, 1 when it is not.

    The heartbeat is checked first: the bot touches it only after opening (and migrating) the
    database, so the check never opens a database the bot is still migrating.
    """
    problem = check_heartbeat(settings.heartbeat_file, max_age=max_age) or check_database(
        settings.db
    )
    if problem is not None:
        sys.stdout.write(f"unhealthy: {problem}\n")
        return EXIT_UNHEALTHY
    sys.stdout.write("healthy\n")
    return EXIT_HEALTHY


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m bot.health``."""
    parser = argparse.ArgumentParser(
        prog="python -m bot.health",
        description="Exit 0 when the database opens and the bot's heartbeat file is fresh.",
    )
    parser.add_argument(
        "--max-age", type=float, default=MAX_HEARTBEAT_AGE,
        help=f"oldest acceptable heartbeat, seconds (default {MAX_HEARTBEAT_AGE:.0f})",
    )
    parser.add_argument("--db", help="database file or postgresql:// URL (default: "
                        "$NEWSDESK_DB)")
    args = parser.parse_args(argv)
    overrides: dict[str, Any] = {} if args.db is None else {"db": args.db}
    try:
        settings = Settings(**overrides)
    except ValidationError as error:
        sys.stdout.write(f"unhealthy: bad setting: {error.errors()[0]['msg']}\n")
        return EXIT_UNHEALTHY
    return health_command(settings, max_age=args.max_age)


if __name__ == "__main__":
    sys.exit(main())
