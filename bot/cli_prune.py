"""``newsdesk prune``: remove old feed articles (all old articles with --include-manual).

An article's age is its publication date, or the day it was stored when undated. By default
only articles that came from a followed feed are removed, never those added by hand. Like
``newsdesk remove`` it lists what matches and asks at a terminal (``--yes`` for scripts);
``--dry-run`` only lists. Automatic pruning (``NEWSDESK_KEEP_DAYS``) is `bot.retention`.
"""

from __future__ import annotations

import argparse
import asyncio
from dataclasses import dataclass
from datetime import date

from bot.cli_admin import EXIT_OK, confirm, describe_article, not_confirmed
from bot.config import Settings
from bot.retention import MAX_KEEP_DAYS, cutoff
from corpus.locations import store_for
from corpus.models import StoredArticle

_SHOWN = 10  # articles listed before the count


def older_than(text: str) -> date:
    """An argparse type: a number of days (``30``) or a date (``2026-01-31``): the cut-off.

    Articles dated before the returned day are old. ArgumentTypeError names a bad value.
    """
    if text.strip().isdigit():
        days = int(text)
        if days > MAX_KEEP_DAYS:
            raise argparse.ArgumentTypeError(
                f"at most {MAX_KEEP_DAYS} days (100 years), or a date: {text.strip()[:20]!r}")
        return cutoff(days)
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not a number of days or a date (YYYY-MM-DD): {text!r}") from None


def add_prune_command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    """Add ``prune`` to ``commands`` (its handler: `prune_command`)."""
    prune = commands.add_parser(
        "prune", parents=[common], help="remove old feed articles (retention)",
        description="Remove the articles dated (or, when undated, stored) before a cut-off: "
        "only those that came from followed feeds unless --include-manual. Shows the count "
        "and asks before removing, unless --yes. NEWSDESK_KEEP_DAYS does this automatically "
        "while the bot runs.")
    prune.add_argument("--older-than", type=older_than, required=True, metavar="DAYS|DATE",
                       dest="older_than",
                       help="a number of days (30: older than 30 days) or a date YYYY-MM-DD")
    prune.add_argument("--guild", metavar="ID",
                       help="only this Discord guild's articles ('shared' for the operator's)")
    prune.add_argument("--include-manual", action="store_true",
                       help="also remove old articles added by hand (files, pages, /corpus add)")
    prune.add_argument("--dry-run", action="store_true",
                       help="list what would be removed, remove nothing")
    prune.add_argument("-y", "--yes", action="store_true", help="do not ask for confirmation")


@dataclass(frozen=True, slots=True)
class _Plan:
    ids: list[int]
    from_feeds: int  # of ``ids``
    manual_kept: int  # old articles added by hand that stay (without --include-manual)
    shown: list[StoredArticle]


async def _plan(args: argparse.Namespace, settings: Settings) -> _Plan:
    first_kept = args.older_than.isoformat()
    async with store_for(settings.db) as store:
        old = await store.find_article_ids(older_than=first_kept, scope=args.guild)
        fed = await store.find_article_ids(older_than=first_kept, scope=args.guild,
                                           from_feeds=True)
        ids = old if args.include_manual else fed
        shown = await store.list_articles(article_ids=ids[:_SHOWN]) if ids else []
    return _Plan(ids, len(fed), 0 if args.include_manual else len(old) - len(fed), shown)


async def _remove(settings: Settings, ids: list[int]) -> int:
    async with store_for(settings.db) as store:
        return await store.remove_articles(ids)


def _articles(count: int) -> str:
    return f"{count} article" if count == 1 else f"{count} articles"


def prune_command(args: argparse.Namespace, settings: Settings) -> int:
    """``newsdesk prune``: list the old articles, confirm, remove them in one transaction.

    Exit status 0 also when nothing is old enough (a scheduled prune that finds nothing has
    not failed); 1 when declined; 2 without a terminal to confirm and no ``--yes``.
    """
    plan = asyncio.run(_plan(args, settings))
    where = f" of guild {args.guild}" if args.guild else ""
    print(f"{_articles(len(plan.ids))}{where} dated before {args.older_than.isoformat()} "
          f"(or stored before it, when undated): {plan.from_feeds} from feeds, "
          f"{len(plan.ids) - plan.from_feeds} added by hand")
    if plan.manual_kept:
        print(f"  kept: {_articles(plan.manual_kept)} as old, added by hand "
              "(add --include-manual to remove them too)")
    for article in plan.shown:
        print(describe_article(article))
    if len(plan.ids) > _SHOWN:
        print(f"  ... and {len(plan.ids) - _SHOWN} more")
    if not plan.ids:
        print("nothing to prune")
        return EXIT_OK
    if args.dry_run:
        print("dry run: nothing removed")
        return EXIT_OK
    answer = confirm(f"Remove {_articles(len(plan.ids))}?", yes=args.yes)
    if not answer:
        return not_confirmed(answer)
    removed = asyncio.run(_remove(settings, plan.ids))
    print(f"removed {_articles(removed)}")
    return EXIT_OK


PRUNE_HANDLERS = {"prune": prune_command}
