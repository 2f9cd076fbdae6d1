"""Operator subcommands: ``remove``, ``backup``, ``export`` and ``forget-questions``.

They work on the store alone (no index is built): a removal is applied to the saved index
the next time newsdesk opens the database (a running bot picks it up when restarted).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TextIO, TypeVar

from bot.config import Settings
from corpus.backend import SHARED_SCOPE
from corpus.locations import store_for
from corpus.models import Article, StoredArticle
from corpus.pg_url import is_postgres_url
from corpus.store import ArticleStore

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
_SHOWN = 10  # articles listed before a removal is confirmed

_T = TypeVar("_T")
Handler = Callable[[argparse.Namespace, Settings], int]


def iso_date(text: str) -> date:
    """An argparse type: a ``YYYY-MM-DD`` date (ArgumentTypeError names a bad value)."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (want YYYY-MM-DD): {text!r}") from None


def _article_id(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not an article id (a number from 'newsdesk articles'): {text!r}") from None


def add_admin_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    """Add the operator subcommands to ``commands`` (their handlers: `ADMIN_HANDLERS`)."""
    remove = commands.add_parser(
        "remove", parents=[common], help="remove articles by id, publisher, date or guild",
        description="Remove articles: by id (see 'newsdesk articles'), or every article of a "
        "publisher, published before a date, or of one Discord guild (filters combine). "
        "Shows the count and asks before removing, unless --yes.")
    remove.add_argument("ids", nargs="*", type=_article_id, metavar="ID", help="article ids")
    remove.add_argument("--source", metavar="NAME",
                        help="every article of this publisher (exact name, any case)")
    remove.add_argument("--before", type=iso_date, metavar="DATE",
                        help="every article published before YYYY-MM-DD (undated ones stay)")
    remove.add_argument("--guild", metavar="ID",
                        help="only this Discord guild's own articles ('shared' for the "
                        "operator's corpus)")
    remove.add_argument("-y", "--yes", action="store_true", help="do not ask for confirmation")

    backup = commands.add_parser(
        "backup", parents=[common], help="copy the database safely, even while the bot runs",
        description="Write a consistent copy of the database to PATH with SQLite's online "
        "backup API; safe while the bot or an ingest is running.")
    backup.add_argument("path", type=Path, metavar="PATH", help="the copy to write")
    backup.add_argument("--force", action="store_true", help="replace PATH if it exists")

    export = commands.add_parser(
        "export", parents=[common], help="write the articles as JSON lines that ingest reads",
        description="Write every article (title, text, url, source, published, authors, "
        "partial) as one JSON object a line; 'newsdesk ingest FILE.jsonl' reads it back.")
    export.add_argument("--format", choices=["jsonl"], default="jsonl",
                        help="output format (jsonl, the only one)")
    export.add_argument("-o", "--output", type=Path, metavar="FILE",
                        help="write to this file (.jsonl) instead of standard output")
    export.add_argument("--guild", metavar="ID",
                        help="export this Discord guild's own articles instead of the shared "
                        "corpus")

    forget = commands.add_parser(
        "forget-questions", parents=[common], help="delete the logged question texts",
        description="Delete the question log (question texts, time, server, answered or not) "
        "of every server, or of one with --guild.")
    forget.add_argument("--guild", metavar="ID", help="only this Discord guild's questions")
    forget.add_argument("-y", "--yes", action="store_true", help="do not ask for confirmation")


def _run(main: Coroutine[Any, Any, _T]) -> _T:
    return asyncio.run(main)


def confirm(question: str, *, yes: bool) -> bool | None:
    """True to go ahead; False when declined; None when no terminal can answer."""
    if yes:
        return True
    if not sys.stdin.isatty():
        return None
    try:
        reply = input(f"{question} [y/N] ")
    except (EOFError, KeyboardInterrupt):
        print()
        return False
    return reply.strip().casefold() in {"y", "yes"}


def not_confirmed(answer: bool | None) -> int:
    """Say why nothing was done; the exit status (2: no terminal to ask, 1: declined)."""
    if answer is None:
        print("newsdesk: nothing done without confirmation: add --yes when not at a terminal",
              file=sys.stderr)
        return EXIT_USAGE
    print("cancelled: nothing changed")
    return EXIT_FAILED


# -- remove ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Selection:
    articles: list[StoredArticle]
    unknown_ids: list[int]


async def _select(args: argparse.Namespace, settings: Settings) -> _Selection:
    async with store_for(settings.db) as store:
        ids = await store.find_article_ids(
            article_ids=args.ids or None, source=args.source,
            before=args.before.isoformat() if args.before else None, scope=args.guild,
        )
        articles = await store.list_articles(article_ids=ids) if ids else []
        unknown = sorted(set(args.ids) - set(await store.find_article_ids(
            article_ids=args.ids))) if args.ids else []
    return _Selection(articles, unknown)


async def _remove(settings: Settings, ids: list[int]) -> int:
    async with store_for(settings.db) as store:
        return await store.remove_articles(ids)


def describe_article(article: StoredArticle) -> str:
    """One listed article: ``  [id] title · publisher · date`` (and its guild, if any)."""
    scope = "" if article.scope == SHARED_SCOPE else f" · guild {article.scope}"
    return (f"  [{article.article_id}] {article.title or 'untitled'}"
            f" · {article.source or 'unknown publisher'}"
            f" · {article.published or 'date unknown'}{scope}")


def remove_command(args: argparse.Namespace, settings: Settings) -> int:
    """``newsdesk remove``: show what matches, confirm, remove in one transaction."""
    if not (args.ids or args.source or args.before or args.guild):
        print("newsdesk remove: name article ids, or --source, --before or --guild",
              file=sys.stderr)
        return EXIT_USAGE
    selection = _run(_select(args, settings))
    for article_id in selection.unknown_ids:
        print(f"newsdesk: no article with id {article_id}", file=sys.stderr)
    if not selection.articles:
        print("no articles match: nothing removed")
        return EXIT_FAILED
    count = len(selection.articles)
    noun = "article" if count == 1 else "articles"
    print(f"{count} {noun} match:")
    for article in selection.articles[:_SHOWN]:
        print(describe_article(article))
    if count > _SHOWN:
        print(f"  ... and {count - _SHOWN} more")
    answer = confirm(f"Remove {count} {noun}?", yes=args.yes)
    if not answer:
        return not_confirmed(answer)
    removed = _run(_remove(settings, [a.article_id for a in selection.articles]))
    print(f"removed {removed} {'article' if removed == 1 else 'articles'}")
    return EXIT_OK


# -- backup ---------------------------------------------------------------------------------


async def _backup(settings: Settings, target: Path) -> int:
    async with store_for(settings.db) as store:
        await store.backup(target)
    async with ArticleStore(target) as copy:
        return await copy.count_articles()


def backup_command(args: argparse.Namespace, settings: Settings) -> int:
    """``newsdesk backup PATH``: a consistent copy through SQLite's online backup API."""
    target: Path = args.path
    if target.is_dir():
        print(f"newsdesk: {target} is a folder: give the backup file's name", file=sys.stderr)
        return EXIT_USAGE
    if target.exists() and not args.force:
        print(f"newsdesk: {target} exists: add --force to replace it", file=sys.stderr)
        return EXIT_USAGE
    if is_postgres_url(settings.db):
        print("newsdesk: back up a PostgreSQL corpus with pg_dump (pg_dump -Fc URL > "
              "newsdesk.dump), or copy it to a SQLite file: newsdesk migrate-db URL FILE",
              file=sys.stderr)
        return EXIT_USAGE
    if target.resolve() == Path(settings.db).resolve():
        print("newsdesk: the backup cannot be the database itself", file=sys.stderr)
        return EXIT_USAGE
    if not target.parent.is_dir():
        print(f"newsdesk: no such folder: {target.parent}", file=sys.stderr)
        return EXIT_USAGE
    articles = _run(_backup(settings, target))
    size = target.stat().st_size
    print(f"backed up {articles} articles to {target} ({size / 1_000_000:.1f} MB)")
    return EXIT_OK


# -- export ---------------------------------------------------------------------------------


def export_record(article: Article) -> dict[str, Any]:
    """One article as the JSON object ``ingest`` reads (its field names)."""
    return {"title": article.title, "text": article.body, "url": article.url,
            "source": article.source, "published": article.published,
            "authors": list(article.authors), "partial": article.partial}


async def _export(settings: Settings, scope: str, out: TextIO) -> int:
    count = 0
    async with store_for(settings.db) as store:
        async for article in store.iter_articles(scopes=[scope]):
            out.write(json.dumps(export_record(article), ensure_ascii=False) + "\n")
            count += 1
    return count


def export_command(args: argparse.Namespace, settings: Settings) -> int:
    """``newsdesk export``: every article of one scope as JSON lines."""
    scope = args.guild or SHARED_SCOPE
    if args.output is None:
        _run(_export(settings, scope, sys.stdout))
        return EXIT_OK
    if args.output.suffix.lower() not in {".jsonl", ".ndjson"}:
        print("newsdesk: name the export file .jsonl, so ingest reads it back",
              file=sys.stderr)
        return EXIT_USAGE
    if not args.output.parent.is_dir():
        print(f"newsdesk: no such folder: {args.output.parent}", file=sys.stderr)
        return EXIT_USAGE
    with args.output.open("w", encoding="utf-8") as out:
        count = _run(_export(settings, scope, out))
    print(f"exported {count} articles to {args.output}", file=sys.stderr)
    return EXIT_OK


# -- forget-questions -----------------------------------------------------------------------


async def _forget(settings: Settings, scope: str | None) -> int:
    async with store_for(settings.db) as store:
        return await store.forget_questions(scope=scope)


def forget_questions_command(args: argparse.Namespace, settings: Settings) -> int:
    """``newsdesk forget-questions``: delete the logged question texts."""
    whose = f"guild {args.guild}'s" if args.guild else "every server's"
    answer = confirm(f"Delete {whose} logged questions?", yes=args.yes)
    if not answer:
        return not_confirmed(answer)
    deleted = _run(_forget(settings, args.guild))
    print(f"deleted {deleted} logged questions")
    return EXIT_OK


ADMIN_HANDLERS: dict[str, Handler] = {
    "remove": remove_command, "backup": backup_command, "export": export_command,
    "forget-questions": forget_questions_command,
}
