"""``newsdesk migrate-db SRC DST``: copy a corpus between SQLite and PostgreSQL, either way.

Everything is copied with its ids (articles with scopes and metadata, sentences, questions,
feeds and their state, per-server settings) plus the database's identity, so a saved index
stays valid. The destination must hold no corpus unless ``--force`` (which empties it
first); the row counts of both are printed and must match.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from tqdm import tqdm

from bot.config import Settings
from corpus.locations import store_for
from corpus.pg_url import is_postgres_url, redact
from corpus.store import database_kind
from corpus.transfer import TABLES, copy_corpus, is_empty, source_counts

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


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


def _check_files(source: Path | str, target: Path | str) -> str | None:
    """What is wrong with SRC and DST before anything is opened, or None."""
    if _shown(source) == _shown(target) or (
        isinstance(source, Path) and isinstance(target, Path)
        and source.resolve() == target.resolve()
    ):
        return "SRC and DST are the same database"
    if isinstance(source, Path) and database_kind(source) != "newsdesk":
        return f"{source}: not a newsdesk database"
    if isinstance(target, Path) and database_kind(target) in {"foreign", "not_sqlite"}:
        return f"{target}: not a newsdesk database; refusing to change it"
    return None


async def _migrate(source_at: Path | str, target_at: Path | str, *, force: bool) -> int:
    async with store_for(source_at) as source, store_for(target_at) as target:
        if not force and not await is_empty(target):
            print(f"newsdesk: {_shown(target_at)} already holds a corpus: add --force to "
                  "empty it and copy", file=sys.stderr)
            return EXIT_USAGE
        total = sum((await source_counts(source)).values())
        with tqdm(desc="copying", total=total, unit=" rows", file=sys.stderr, disable=None,
                  mininterval=0.5, dynamic_ncols=True) as bar:
            report = await copy_corpus(source, target, progress=bar.update, clear=force)
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
