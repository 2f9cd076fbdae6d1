"""``newsdesk migrate-db SRC DST``: copy a corpus between SQLite and PostgreSQL, either way.

Everything is copied with its ids (articles with scopes and metadata, sentences, questions,
feeds and their state, per-server settings) plus the database's identity, so a saved index
stays valid. The destination must hold no corpus unless ``--force`` (which empties it
first); the row counts of both are printed and must match. The copy is all or nothing: the
destination is written in one transaction, so an interrupted copy (a lost connection, a
killed process) leaves nothing of it there. A new SQLite destination's folder must exist.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
from pathlib import Path

from tqdm import tqdm

from bot.config import Settings
from corpus.locations import store_for
from corpus.pg_store import CONNECTION_LOST
from corpus.pg_url import endpoint, is_postgres_url, redact, url_problem
from corpus.store import database_kind
from corpus.transfer import TABLES, CopyReport, is_empty, source_counts, transfer_corpus

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
#: a scheme such as ``postgres:`` or ``mysql:``: not a file anyone means to create
_URL_LIKE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:")


def add_migrate_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``migrate-db`` to ``commands`` (its handler: `migrate_db_command`)."""
    migrate = commands.add_parser(
        "migrate-db", help="copy a corpus from SQLite to PostgreSQL, or back",
        description="Copy every article (ids, guilds, metadata), sentence, logged question, "
        "feed and setting from SRC to DST, each a database file or a "
        "postgresql://user@host/db URL, with a progress bar; then check that the counts "
        "match. Stop the bots writing to SRC first.")
    migrate.add_argument("source", metavar="SRC", help="the corpus to copy")
    migrate.add_argument("target", metavar="DST", help="where to copy it (a new or empty "
                         "database)")
    migrate.add_argument("--force", action="store_true",
                         help="empty DST first when it already holds articles or questions")


def _location(text: str) -> Path | str:
    return text.strip() if is_postgres_url(text) else Path(text)


def _shown(location: Path | str) -> str:
    return redact(location) if isinstance(location, str) else str(location)


def _server(source: Path | str, target: Path | str) -> str:
    """Which server a lost connection was to: DST's when it is PostgreSQL, else SRC's."""
    url = target if isinstance(target, str) else source
    return f"PostgreSQL at {endpoint(url)}" if isinstance(url, str) else "the database"


def _check_files(source: Path | str, target: Path | str) -> str | None:
    """What is wrong with SRC and DST before anything is opened, or None."""
    for name, location in (("SRC", source), ("DST", target)):
        if isinstance(location, str) and (problem := url_problem(location)) is not None:
            return f"{redact(location)}: not a usable PostgreSQL URL: {problem}"
        if isinstance(location, Path) and _URL_LIKE.match(str(location)):
            return (f"{name} {location} looks like a URL but is not a "
                    "postgresql://user@host/db one")
    if _shown(source) == _shown(target) or (
        isinstance(source, Path) and isinstance(target, Path)
        and source.resolve() == target.resolve()
    ):
        return "SRC and DST are the same database"
    if isinstance(source, Path) and database_kind(source) != "newsdesk":
        return f"{source}: not a newsdesk database"
    if isinstance(target, Path) and database_kind(target) in {"foreign", "not_sqlite"}:
        return f"{target}: not a newsdesk database; refusing to change it"
    if isinstance(target, Path) and not target.parent.is_dir():
        return (f"{target}: folder {target.parent} does not exist (create it first, "
                "or check DST)")
    return None


class _Phase:
    """How far `_copy` got, for the message when a connection is lost (even while closing)."""

    copying = False


async def _migrate(source_at: Path | str, target_at: Path | str, *, force: bool) -> int:
    phase = _Phase()
    try:
        return await _copy(source_at, target_at, force=force, phase=phase)
    except CONNECTION_LOST:
        when = (" during the copy; nothing was kept at the destination" if phase.copying
                else "")
        print(f"newsdesk migrate-db: lost the connection to {_server(source_at, target_at)}"
              f"{when}", file=sys.stderr)
        return EXIT_FAILED


async def _copy(
    source_at: Path | str, target_at: Path | str, *, force: bool, phase: _Phase
) -> int:
    async with store_for(source_at) as source, store_for(target_at) as target:
        if not force and not await is_empty(target):
            print(f"newsdesk: {_shown(target_at)} already holds a corpus: add --force to "
                  "empty it and copy", file=sys.stderr)
            return EXIT_USAGE
        total = sum((await source_counts(source)).values())
        with tqdm(desc="copying", total=total, unit=" rows", file=sys.stderr, disable=None,
                  mininterval=0.5, dynamic_ncols=True) as bar:
            phase.copying = True
            counts = await transfer_corpus(source, target, progress=bar.update, clear=force)
            phase.copying = False
        report = CopyReport(counts, await source_counts(target))
    width = max(len(table) for table, _ in TABLES)
    print(f"copied {_shown(source_at)} -> {_shown(target_at)}")
    for table, _ in TABLES:
        print(f"  {table:<{width}}  {report.source[table]:>10,}  ->  "
              f"{report.copied[table]:>10,}")
    if not report.matches:
        print("newsdesk: the counts differ: was SRC written to while copying? Run again "
              "with --force once nothing writes to it", file=sys.stderr)
        return EXIT_FAILED
    print("counts match")
    return EXIT_OK


def migrate_db_command(args: argparse.Namespace, settings: Settings) -> int:
    """``newsdesk migrate-db SRC DST``: copy, show the counts, exit 1 if they differ."""
    source, target = _location(args.source), _location(args.target)
    problem = _check_files(source, target)
    if problem is not None:
        print(f"newsdesk: {problem}", file=sys.stderr)
        return EXIT_USAGE
    return asyncio.run(_migrate(source, target, force=args.force))
