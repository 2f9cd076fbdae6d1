"""Retention: feed articles older than ``NEWSDESK_KEEP_DAYS`` are removed automatically.

An article's age is its publication date, or the day it was stored when the date is
unknown (`corpus.maintenance.StoreMaintenance.find_article_ids` with ``older_than``). Only
articles that came from a followed feed are removed this way; articles added by hand (files,
pages, ``/corpus add``) stay until an operator removes them (``newsdesk prune
--include-manual`` or ``newsdesk remove``). Unset (the default), nothing is removed.

`prune_expired` is one pass (the feed poller's loop may call it once a day);
`keep_pruning` repeats it at start and then daily; ``newsdesk run`` runs it in the one
process holding the leader lock (`bot.runner.background_jobs`), `start_pruning` as a plain
task. A removal changes
the store's corpus version, so every process's index drops the articles at its next refresh.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Protocol, runtime_checkable

from bot.config import Settings
from bot.service import AnswerService

log = logging.getLogger(__name__)

DAY = 86_400.0  # seconds between automatic passes


@runtime_checkable
class PrunableStore(Protocol):
    """What pruning needs of a store (`corpus.store.ArticleStore` has it)."""

    async def find_article_ids(  # noqa: D102
        self, *, article_ids: Iterable[int] | None = None, source: str | None = None,
        before: str | None = None, scope: str | None = None, older_than: str | None = None,
        from_feeds: bool = False,
    ) -> list[int]: ...

    async def remove_articles(self, article_ids: Iterable[int]) -> int: ...  # noqa: D102


MAX_KEEP_DAYS = 36_500
"""The longest retention period accepted (100 years): anything longer keeps everything."""


def cutoff(days: int, today: date | None = None) -> date:
    """The first day kept when keeping ``days`` days: articles dated before it go.

    ``days`` beyond the calendar's start gives ``date.min`` (nothing is that old).
    """
    start = today or date.today()
    if days >= (start - date.min).days:
        return date.min
    return start - timedelta(days=days)


async def prune_expired(store: object, settings: Settings, *, today: date | None = None) -> int:
    """Remove the feed articles older than ``settings.keep_days`` days; returns how many.

    Returns 0 without touching the store when ``keep_days`` is unset, or when the store
    cannot find and remove articles in bulk (a backend without `PrunableStore`; logged).
    Raises what the store raises (``sqlite3.OperationalError`` on a read-only database).
    """
    days = settings.keep_days
    if days is None:
        return 0
    if not isinstance(store, PrunableStore):
        log.warning("retention: this store cannot remove articles in bulk; nothing pruned")
        return 0
    first_kept = cutoff(days, today)
    ids = await store.find_article_ids(older_than=first_kept.isoformat(), from_feeds=True)
    removed = await store.remove_articles(ids) if ids else 0
    log.info("retention: removed %d feed articles dated before %s (NEWSDESK_KEEP_DAYS=%d)",
             removed, first_kept.isoformat(), days)
    return removed


async def keep_pruning(service: AnswerService, settings: Settings, *,
                       every: float = DAY) -> None:
    """Prune at once and then every ``every`` seconds, refreshing the index after removals.

    Runs until cancelled; a failed pass (a busy or read-only database) is logged and the
    next one is tried a period later.
    """
    while True:
        try:
            if await prune_expired(service.store, settings):
                await service.reindex()
        except Exception as error:
            # any store failure (busy, read-only, a lost PostgreSQL connection): this pass
            # is lost, retention is not; the job must outlive it
            log.warning("retention: pruning failed, trying again in %.0f s: %s", every, error)
            log.debug("retention failure", exc_info=True)
        await asyncio.sleep(every)


def start_pruning(service: AnswerService, settings: Settings) -> asyncio.Task[None] | None:
    """Start `keep_pruning` as a task when ``NEWSDESK_KEEP_DAYS`` is set, else None."""
    if settings.keep_days is None:
        return None
    return asyncio.create_task(keep_pruning(service, settings), name="newsdesk-retention")
