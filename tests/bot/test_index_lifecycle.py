"""IndexLifecycle on a real SQLite file and PostgreSQL: open, refresh, catch-up, saved index."""

from pathlib import Path

import pytest

from bot.config import Settings
from bot.indexing import Changes, IndexLifecycle
from corpus.locations import store_for
from corpus.models import Article
from retrieval.sentences import segment

REPO = Path(__file__).resolve().parents[2]
FERRY = "The zephyrine ferry was launched on Tuesday in Quillport. Crews cheered."
BRIDGE = "The harbour bridge reopened on Monday after repairs. Traffic returned."


async def add(store, title, body, scope="shared"):
    return await store.upsert(Article(title=title, body=body), segment(body), scope=scope)


def titles(lifecycle):
    return [d.title for d in lifecycle.snapshot.documents]


@pytest.fixture
async def store(location):
    async with store_for(location) as store:
        yield store


@pytest.fixture
def settings(location, tmp_path):
    """Settings on ``location``; on PostgreSQL the index is saved in the test's folder."""
    if isinstance(location, str):
        return Settings(db=location, index_dir=tmp_path / "pg.index")
    return Settings(db=location)


async def test_open_on_an_empty_store_gives_an_empty_snapshot(store, settings):
    lifecycle = await IndexLifecycle.open(store, settings)
    assert lifecycle.snapshot is not None
    assert len(lifecycle.snapshot.documents) == 0
    assert lifecycle.snapshot.version == await store.corpus_version()


async def test_refresh_without_changes_keeps_the_snapshot(store, settings, index_builds):
    await add(store, "Bridge", BRIDGE)
    lifecycle = await IndexLifecycle.open(store, settings)
    before = lifecycle.snapshot
    await lifecycle.refresh()
    assert lifecycle.snapshot is before
    assert index_builds == [1]


async def test_write_by_another_connection_is_picked_up_by_refresh(store, settings, location):
    lifecycle = await IndexLifecycle.open(store, settings)
    async with store_for(location) as other:
        await add(other, "Zephyrine ferry", FERRY)
    await lifecycle.refresh()
    assert titles(lifecycle) == ["Zephyrine ferry"]


async def test_noted_write_on_a_large_index_adds_a_segment_then_rebuilds(store, settings):
    await add(store, "Bridge", BRIDGE)
    incremental = settings.model_copy(update={"incremental_min_sentences": 0,
                                              "rebuild_delay": 0.0})
    lifecycle = await IndexLifecycle.open(store, incremental)
    result = await add(store, "Zephyrine ferry", FERRY)
    lifecycle.note(result.status, result.article_id)
    await lifecycle.refresh()
    assert len(lifecycle.snapshot.index.segments) == 2
    assert sorted(titles(lifecycle)) == ["Bridge", "Zephyrine ferry"]
    await lifecycle.pending_rebuild
    assert len(lifecycle.snapshot.index.segments) == 1
    assert sorted(titles(lifecycle)) == ["Bridge", "Zephyrine ferry"]


async def test_noted_removal_masks_the_document(store, settings):
    kept = await add(store, "Bridge", BRIDGE)
    gone = await add(store, "Zephyrine ferry", FERRY)
    incremental = settings.model_copy(update={"incremental_min_sentences": 0,
                                              "rebuild_delay": 3600.0})
    lifecycle = await IndexLifecycle.open(store, incremental)
    assert await store.remove_article(gone.article_id, scope="shared")
    lifecycle.note("removed", gone.article_id)
    await lifecycle.refresh()
    assert lifecycle.snapshot.index.removed.any()
    assert lifecycle.snapshot.live_ids == {kept.article_id}
    await lifecycle.close()
    assert lifecycle.pending_rebuild is None


async def test_saved_index_is_reopened_without_a_build(store, settings, index_builds):
    await add(store, "Bridge", BRIDGE)
    await IndexLifecycle.open(store, settings)
    assert lifecycle_dir(settings).is_dir()
    reopened = await IndexLifecycle.open(store, settings)
    assert index_builds == [1]
    assert titles(reopened) == ["Bridge"]


async def test_in_memory_or_unpersisted_index_is_never_saved(store, settings):
    unsaved = settings.model_copy(update={"persist_index": False})
    assert IndexLifecycle(store, unsaved).index_dir() is None
    memory = settings.model_copy(update={"db": ":memory:"})
    assert IndexLifecycle(store, memory).index_dir() is None


def test_config_key_follows_the_parameters(settings):
    changed = settings.model_copy(update={"bm25_k1": settings.bm25_k1 + 0.1})
    assert IndexLifecycle(None, settings).config_key() != IndexLifecycle(None, changed).config_key()


def test_changes_count_writes_and_forget_added_then_removed():
    changes = Changes()
    changes.note("added", 1)
    changes.note("skipped", 2)
    changes.note("removed", 1)
    changes.note("updated", 3)
    assert (changes.writes, changes.added, changes.removed) == (3, {3}, {1})


def lifecycle_dir(settings):
    return settings.index_dir or settings.db.with_name(settings.db.name + ".index")


async def test_a_service_sees_articles_another_process_adds_within_seconds(location, tmp_path):
    """Issue 12's first bullet: `newsdesk ingest` beside a running bot (no restart).

    SQLite is polled every 0.2 s; PostgreSQL is not polled (a check a minute at most): the
    NOTIFY of the ingest brings the article.
    """
    import asyncio
    import subprocess
    import sys

    from bot.service import AnswerService

    article = tmp_path / "new.md"
    article.write_text("Zephyrine ferry launched\n\n" + FERRY, encoding="utf-8")
    if isinstance(location, str):
        settings = Settings(db=location, refresh_interval=1.0, index_dir=tmp_path / "pg.index")
    else:
        settings = Settings(db=location, refresh_interval=0.2)
    async with await AnswerService.open(settings, load_sample=True) as service:
        assert (await service.answer("When was the zephyrine ferry launched?")).best is None
        ingest = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "ingest", "--db", str(location), str(article),
            cwd=REPO, stdout=subprocess.DEVNULL)
        assert await ingest.wait() == 0
        found = None
        for _ in range(50):  # up to 5 s
            best = (await service.answer("When was the zephyrine ferry launched?")).best
            if best is not None:
                found = best.document.title
                break
            await asyncio.sleep(0.1)
        assert found == "Zephyrine ferry launched"
        async with store_for(location) as other:
            ids = [a.article_id for a in await other.list_articles()
                   if a.title == "Zephyrine ferry launched"]
            await other.remove_article(ids[0], scope="shared")
        for _ in range(50):
            if (await service.answer("When was the zephyrine ferry launched?")).best is None:
                break
            await asyncio.sleep(0.1)
        assert (await service.answer("When was the zephyrine ferry launched?")).best is None
