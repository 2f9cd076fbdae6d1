"""Automatic retention (NEWSDESK_KEEP_DAYS): only old feed articles go, and answers follow."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import date, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.config import Settings
from bot.retention import cutoff, keep_pruning, prune_expired, start_pruning
from bot.service import AnswerService
from corpus.store import ArticleStore
from tests.bot.prune_corpus import ARTICLES, TODAY, build, remaining

EVERYTHING = set(ARTICLES)


def test_the_cutoff_is_the_first_day_kept() -> None:
    assert cutoff(30, TODAY).toordinal() == TODAY.toordinal() - 30


async def test_unset_keep_days_removes_nothing(db_path: Path) -> None:
    await build(db_path)
    async with ArticleStore(db_path) as store:
        assert await prune_expired(store, Settings(db=db_path)) == 0
    assert remaining(db_path) == EVERYTHING


async def test_only_feed_articles_older_than_keep_days_are_removed(
    db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    await build(db_path)
    async with ArticleStore(db_path) as store:
        version = await store.corpus_version()
        with caplog.at_level(logging.INFO, logger="bot.retention"):
            removed = await prune_expired(store, Settings(db=db_path, keep_days=100))
        assert await store.corpus_version() != version
    assert removed == 3
    # walrus (dated 400 days ago), otter (undated, stored 300 days ago), lynx (guild, 200)
    assert remaining(db_path) == EVERYTHING - {"walrus", "otter", "lynx"}
    assert [r.getMessage() for r in caplog.records] == [
        f"retention: removed 3 feed articles dated before {cutoff(100, TODAY).isoformat()} "
        "(NEWSDESK_KEEP_DAYS=100)"]


async def test_running_pruning_removes_articles_from_the_answers(db_path: Path) -> None:
    await build(db_path)
    settings = Settings(db=db_path, keep_days=15, persist_index=False, refresh_interval=0)
    async with await AnswerService.open(settings, load_sample=False) as service:
        assert start_pruning(service, Settings(db=db_path)) is None  # keep_days unset
        before = await service.answer("When did the walrus sanctuary reopen?")
        assert before.best is not None
        assert before.best.document.url == "https://news.example/walrus"
        task = asyncio.create_task(keep_pruning(service, settings, every=3600))
        try:
            for _ in range(400):  # the pass removes, then refreshes the index
                snapshot = service.index.snapshot
                if "walrus" not in remaining(db_path) and snapshot is not None and (
                        snapshot.version == await service.store.corpus_version()):
                    break
                await asyncio.sleep(0.05)
        finally:
            task.cancel()
        for key in ("walrus", "otter", "lynx", "marten"):  # marten: 20 days old, from a feed
            answer = await service.answer(f"When did the {key} sanctuary reopen?",
                                          scopes=("shared", "42"))
            cited = {hit.document.url for hit in answer.hits}
            assert f"https://news.example/{key}" not in cited, key
        kept = await service.answer("When did the badger sanctuary reopen?")
        assert kept.best is not None
        assert kept.best.document.url == "https://news.example/badger"
    assert remaining(db_path) == EVERYTHING - {"walrus", "otter", "lynx", "marten"}


def test_a_cutoff_before_the_calendar_keeps_everything() -> None:
    assert cutoff(36_500, TODAY) == TODAY - timedelta(days=36_500)
    assert cutoff(10**9, TODAY) == date.min


def test_keep_days_beyond_a_century_is_refused_by_the_settings(db_path: Path) -> None:
    with pytest.raises(ValidationError, match="less than or equal to 36500"):
        Settings(db=db_path, keep_days=800_000)


async def test_a_failed_pruning_pass_of_any_kind_does_not_end_retention(
    db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A lost PostgreSQL connection raises asyncpg's errors, not sqlite3's: the job must
    outlive any failed pass and try again a period later."""
    await build(db_path)
    settings = Settings(db=db_path, keep_days=100, persist_index=False, refresh_interval=0)
    async with await AnswerService.open(settings, load_sample=False) as service:
        real = service.store.find_article_ids
        calls = 0

        async def failing_once(**filters: object) -> list[int]:
            nonlocal calls
            calls += 1
            if calls == 1:
                raise ConnectionResetError("the server closed the connection")
            return await real(**filters)  # type: ignore[arg-type]

        service.store.find_article_ids = failing_once  # type: ignore[method-assign]
        with caplog.at_level(logging.WARNING, logger="bot.retention"):
            task = asyncio.create_task(keep_pruning(service, settings, every=0.05))
            try:
                for _ in range(200):
                    if "walrus" not in remaining(db_path):
                        break
                    await asyncio.sleep(0.05)
            finally:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
    assert "retention: pruning failed" in caplog.text
    assert "the server closed the connection" in caplog.text
    assert remaining(db_path) == EVERYTHING - {"walrus", "otter", "lynx"}
