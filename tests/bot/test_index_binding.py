"""A saved index is used only by its own database, in its exact corpus state (issue 9).

Real SQLite files and real index folders: an index copied from another database, one newer
than a database restored from a backup, and one garbled behind intact headers must never
produce a citation of something the database does not hold.
"""

import logging
import shutil
from pathlib import Path

import pytest

from bot.config import Settings
from bot.service import AnswerService
from corpus.models import Article
from corpus.store import ArticleStore
from retrieval.sentences import segment

ROME = ("Rome museum", "The Quirinal museum in Rome reopened its bronze gallery on Monday.")
OSLO = ("Oslo ferry", "The Bygdoy ferry in Oslo carried a record crowd on Sunday.")
LIMA = ("Lima market", "The Surquillo market in Lima added a night bazaar on Friday.")
NAIROBI = ("Nairobi tram", "The Westlands tram in Nairobi ran its first trial on Tuesday.")
QUITO = ("Quito cable car", "The Quito cable car carried engineers to a new summit station.")


async def store_articles(db: Path, *articles: tuple[str, str]) -> None:
    async with ArticleStore(db) as store:
        for title, body in articles:
            await store.upsert(Article(title=title, body=body), segment(body))


async def cited(settings: Settings, question: str) -> str | None:
    async with await AnswerService.open(settings, load_sample=False) as service:
        answer = await service.answer(question)
        best = answer.best
        if best is None:
            return None
        stored = await service.store.get_article(best.document.doc_id)
        assert stored is not None, "cited an article the database does not hold"
        assert stored.title == best.document.title
        return best.document.title


def saved_settings(db: Path) -> Settings:
    return Settings(db=db, incremental_min_sentences=0, rebuild_delay=3600.0)


async def test_an_index_copied_from_another_database_is_not_used(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    first, second = tmp_path / "first.db", tmp_path / "second.db"
    await store_articles(first, ROME, OSLO)
    await store_articles(second, LIMA, NAIROBI)  # the same article ids, other articles
    assert await cited(saved_settings(first), "Which museum reopened its bronze gallery?") == \
        "Rome museum"
    shutil.rmtree(tmp_path / "second.db.index", ignore_errors=True)
    shutil.copytree(tmp_path / "first.db.index", tmp_path / "second.db.index")
    with caplog.at_level(logging.WARNING):
        assert await cited(saved_settings(second),
                           "Which museum reopened its bronze gallery?") is None
        assert await cited(saved_settings(second), "Which market added a night bazaar?") == \
            "Lima market"
    warnings = [r for r in caplog.records if "belongs to another database" in r.message]
    assert len(warnings) == 1


async def test_a_database_restored_from_a_backup_never_cites_what_it_lost(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db = tmp_path / "live.db"
    await store_articles(db, ROME, OSLO)
    async with ArticleStore(db) as store:
        await store.identity()
    shutil.copy(db, tmp_path / "backup.db")
    await store_articles(db, LIMA)  # id 3 in the live database
    assert await cited(saved_settings(db), "Which market added a night bazaar?") == "Lima market"
    shutil.copy(tmp_path / "backup.db", db)  # restore; the newer index folder stays
    for leftover in (tmp_path / "live.db-wal", tmp_path / "live.db-shm"):
        leftover.unlink(missing_ok=True)
    await store_articles(db, QUITO)  # takes id 3 again in the restored database
    with caplog.at_level(logging.WARNING):
        assert await cited(saved_settings(db), "Which market added a night bazaar?") is None
        assert await cited(saved_settings(db), "What did the cable car carry?") == \
            "Quito cable car"
    assert any("differ from the database" in r.message for r in caplog.records)


async def test_garbled_index_is_rebuilt_with_one_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db = tmp_path / "news.db"
    await store_articles(db, ROME, OSLO, LIMA)
    assert await cited(saved_settings(db), "Which ferry carried a record crowd?") == "Oslo ferry"
    for array in (tmp_path / "news.db.index").glob("*.npy"):
        data = bytearray(array.read_bytes())
        if len(data) > 140:
            data[130:140] = b"\x7f" * 10  # after the .npy header, which stays intact
            array.write_bytes(bytes(data))
    with caplog.at_level(logging.WARNING):
        assert await cited(saved_settings(db), "Which ferry carried a record crowd?") == \
            "Oslo ferry"
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1
    assert "damaged index" in warnings[0].message
