import shutil
import sqlite3
from dataclasses import replace

import aiosqlite
import asyncpg
import pytest

from corpus.locations import open_store, store_for
from corpus.models import Article
from corpus.store import SCHEMA_VERSION, ArticleStore, SentenceRow, database_kind


def sentences_of(body: str) -> list[SentenceRow]:
    rows, offset = [], 0
    for position, text in enumerate(body.split(". ")):
        start = body.index(text, offset)
        rows.append(SentenceRow(0, position, 0, start, start + len(text), text))
        offset = start + len(text)
    return rows


ARTICLE = Article(
    title="Bridge reopens", body="The bridge reopened. Traffic was light",
    url="https://news.example/bridge", source="Example Times", published="2026-04-04",
    authors=("Ana Ruiz",), origin="bridge.md",
)


async def test_new_sqlite_database_uses_wal_and_current_schema(db_path):
    async with ArticleStore(db_path) as store:
        stats = await store.stats()
    assert stats.schema_version == SCHEMA_VERSION
    async with aiosqlite.connect(db_path) as raw:
        mode = await (await raw.execute("PRAGMA journal_mode")).fetchone()
    assert mode[0] == "wal"


async def test_upsert_stores_article_and_sentences(location):
    async with store_for(location) as store:
        result = await store.upsert(ARTICLE, sentences_of(ARTICLE.body))
        stored = await store.get_article(result.article_id)
        rows = [row async for row in store.iter_sentences()]
    assert result.status == "added"
    assert stored is not None
    assert (stored.title, stored.url, stored.source, stored.published, stored.authors) == (
        "Bridge reopens", "https://news.example/bridge", "Example Times", "2026-04-04",
        ("Ana Ruiz",),
    )
    assert stored.sentence_count == 2
    assert [r.text for r in rows] == ["The bridge reopened", "Traffic was light"]
    assert ARTICLE.body[rows[1].start:rows[1].end] == "Traffic was light"


async def test_same_content_twice_adds_nothing(location):
    async with store_for(location) as store:
        first = await store.upsert(ARTICLE, sentences_of(ARTICLE.body))
        second = await store.upsert(replace(ARTICLE, origin="copy.md"), sentences_of(ARTICLE.body))
        assert second.status == "skipped"
        assert second.article_id == first.article_id
        assert (await store.stats()).articles == 1


async def test_changed_article_at_same_url_replaces_the_old_one(location):
    changed = replace(ARTICLE, body="The bridge reopened on Saturday. Traffic was heavy")
    async with store_for(location) as store:
        first = await store.upsert(ARTICLE, sentences_of(ARTICLE.body))
        second = await store.upsert(changed, sentences_of(changed.body))
        stats = await store.stats()
        texts = [row.text async for row in store.iter_sentences()]
    assert second.status == "updated"
    assert second.article_id != first.article_id
    assert (stats.articles, stats.sentences) == (1, 2)
    assert texts == ["The bridge reopened on Saturday", "Traffic was heavy"]


async def test_same_content_in_another_scope_is_stored_separately(location):
    async with store_for(location) as store:
        await store.upsert(ARTICLE, sentences_of(ARTICLE.body))
        other = await store.upsert(ARTICLE, sentences_of(ARTICLE.body), scope="111")
        assert other.status == "added"
        assert [a.scope for a in await store.list_articles(scopes=["111"])] == ["111"]


async def test_failed_write_leaves_no_half_article(location):
    bad = [*sentences_of(ARTICLE.body), sentences_of(ARTICLE.body)[0]]  # duplicate position
    async with store_for(location) as store:
        with pytest.raises((sqlite3.IntegrityError, asyncpg.UniqueViolationError)):
            await store.upsert(ARTICLE, bad)
        stats = await store.stats()
        assert (stats.articles, stats.sentences) == (0, 0)
        assert (await store.upsert(ARTICLE, sentences_of(ARTICLE.body))).status == "added"


async def test_remove_article_only_in_its_scope(location):
    async with store_for(location) as store:
        added = await store.upsert(ARTICLE, sentences_of(ARTICLE.body), scope="111")
        assert not await store.remove_article(added.article_id, scope="222")
        assert await store.remove_article(added.article_id, scope="111")
        assert (await store.stats()).sentences == 0


async def test_corpus_version_changes_on_every_article_write(location):
    async with store_for(location) as store:
        before = await store.corpus_version()
        await store.upsert(ARTICLE, sentences_of(ARTICLE.body))
        after_add = await store.corpus_version()
        await store.log_question(scope="shared", query="q", answered=False)
        assert await store.corpus_version() == after_add > before


async def test_missing_published_stays_null_and_articles_sort_newest_first(location):
    undated = replace(ARTICLE, url=None, body="Undated text here", published=None)
    older = replace(ARTICLE, url=None, body="Older text", published="2020-01-01")
    async with store_for(location) as store:
        for article in (undated, ARTICLE, older):
            await store.upsert(article, sentences_of(article.body))
        listed = await store.list_articles()
    assert [a.published for a in listed] == ["2026-04-04", "2020-01-01", None]


async def test_not_a_database_is_a_clear_error(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("this is not sqlite" * 100)
    with pytest.raises(sqlite3.DatabaseError, match=r"notes\.db"):
        await ArticleStore.open(path)


async def test_different_stories_sharing_one_url_are_all_kept(location):
    stories = [
        replace(ARTICLE, title=f"Story {i}", body=f"Story number {i} happened today")
        for i in range(3)
    ]
    async with store_for(location) as store:
        results = [await store.upsert(s, sentences_of(s.body)) for s in stories]
        assert [r.status for r in results] == ["added"] * 3
        assert (await store.stats()).articles == 3


async def test_site_root_url_never_identifies_an_article(location):
    first = replace(ARTICLE, url="https://news.example/", body="First story text")
    second = replace(first, body="Second story text")  # same title, same root URL
    async with store_for(location) as store:
        await store.upsert(first, sentences_of(first.body))
        assert (await store.upsert(second, sentences_of(second.body))).status == "added"


async def test_same_url_and_same_opening_is_an_update_even_with_a_new_title(location):
    retitled = replace(ARTICLE, title="Bridge reopens (updated)",
                       body=ARTICLE.body + ". More detail")
    async with store_for(location) as store:
        await store.upsert(ARTICLE, sentences_of(ARTICLE.body))
        result = await store.upsert(retitled, sentences_of(retitled.body))
        assert result.status == "updated"
        assert (await store.stats()).articles == 1


async def test_lone_surrogates_do_not_crash_hashing(location):
    odd = replace(ARTICLE, title="Bad \ud800 title", url=None)
    async with store_for(location) as store:
        assert (await store.upsert(odd, sentences_of(odd.body))).status == "added"


async def test_two_connections_writing_the_same_article_at_once(location):
    import asyncio

    async with store_for(location) as first, store_for(location) as second:
        results = await asyncio.gather(
            *(store.upsert(ARTICLE, sentences_of(ARTICLE.body))
              for store in (first, second, first, second))
        )
        assert sorted(r.status for r in results) == ["added", "skipped", "skipped", "skipped"]
        assert (await first.stats()).articles == 1


async def test_concurrent_first_opens_migrate_once(location):
    import asyncio

    stores = await asyncio.gather(*(open_store(location) for _ in range(6)))
    try:
        versions = {(await s.stats()).schema_version for s in stores}
    finally:
        for store in stores:
            await store.close()
    assert versions == {SCHEMA_VERSION}


async def test_identity_is_made_once_and_kept_by_a_copy(tmp_path):
    async with ArticleStore(tmp_path / "a.db") as store:
        first = await store.identity()
        assert len(first) == 32
        assert await store.identity() == first
    shutil.copy(tmp_path / "a.db", tmp_path / "copy.db")
    async with ArticleStore(tmp_path / "copy.db") as copy:
        assert await copy.identity() == first
    async with ArticleStore(tmp_path / "b.db") as other:
        assert await other.identity() != first


# -- operator commands: find, remove, back up, export, forget; another app's database ------

OLD = Article(title="Old ferry", body="The ferry ran. Fares were low", url="https://n.example/1",
              source="The Hill", published="2021-07-11", origin="old.md")
UNDATED = Article(title="Undated", body="A note. Without a date", source="The Hill",
                  origin="undated.md")


async def test_find_article_ids_combines_source_date_and_scope(location):
    async with store_for(location) as store:
        bridge = (await store.upsert(ARTICLE, sentences_of(ARTICLE.body))).article_id
        old = (await store.upsert(OLD, sentences_of(OLD.body))).article_id
        undated = (await store.upsert(UNDATED, sentences_of(UNDATED.body))).article_id
        guild = (await store.upsert(OLD, sentences_of(OLD.body), scope="42")).article_id
        assert await store.find_article_ids(source="the hill") == [old, undated, guild]
        assert await store.find_article_ids(before="2026-01-01") == [old, guild]
        assert await store.find_article_ids(source="The Hill", scope="shared") == [old, undated]
        assert await store.find_article_ids(scope="42") == [guild]
        assert await store.find_article_ids(article_ids=[bridge, 999]) == [bridge]


async def test_remove_articles_deletes_sentences_and_bumps_the_version_once(location):
    async with store_for(location) as store:
        keep = (await store.upsert(ARTICLE, sentences_of(ARTICLE.body))).article_id
        old = (await store.upsert(OLD, sentences_of(OLD.body))).article_id
        undated = (await store.upsert(UNDATED, sentences_of(UNDATED.body))).article_id
        version = await store.corpus_version()
        assert await store.remove_articles([old, undated, 999]) == 2
        assert await store.corpus_version() == version + 1
        assert [a.article_id for a in await store.list_articles()] == [keep]
        assert {row.article_id async for row in store.iter_sentences()} == {keep}
        assert await store.remove_articles([]) == 0


async def test_backup_is_a_complete_copy_while_another_connection_writes(db_path, tmp_path):
    copy = tmp_path / "copy.db"
    async with ArticleStore(db_path) as store, ArticleStore(db_path) as writer:
        await store.upsert(ARTICLE, sentences_of(ARTICLE.body))
        await writer.db.execute("BEGIN IMMEDIATE")  # a write in progress elsewhere
        await writer.db.execute("DELETE FROM questions")
        await store.backup(copy)
        await writer.db.rollback()
    async with ArticleStore(copy) as restored:
        assert (await restored.stats()).articles == 1
        assert [r.text async for r in restored.iter_sentences()] == [
            "The bridge reopened", "Traffic was light"]
    with sqlite3.connect(copy) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert not (tmp_path / "copy.db.partial").exists()


async def test_iter_articles_gives_bodies_and_metadata_of_one_scope(location):
    async with store_for(location) as store:
        await store.upsert(ARTICLE, sentences_of(ARTICLE.body))
        await store.upsert(OLD, sentences_of(OLD.body), scope="42")
        shared = [a async for a in store.iter_articles(scopes=["shared"])]
    assert [(a.title, a.body, a.url, a.source, a.published, a.authors) for a in shared] == [
        ("Bridge reopens", "The bridge reopened. Traffic was light",
         "https://news.example/bridge", "Example Times", "2026-04-04", ("Ana Ruiz",))]


async def test_forget_questions_of_one_scope_or_all(location):
    async with store_for(location) as store:
        await store.log_question(scope="shared", query="bridge?", answered=True)
        await store.log_question(scope="42", query="ferry?", answered=False)
        await store.log_question(scope="42", query="fares?", answered=True)
        assert await store.forget_questions(scope="42") == 2
        assert (await store.stats()).questions == 1
        assert await store.forget_questions() == 1
        assert (await store.stats()).questions == 0


async def test_another_applications_database_is_refused_and_left_unchanged(tmp_path):
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as raw:
        raw.execute("CREATE TABLE invoices (id INTEGER)")
    with pytest.raises(sqlite3.DatabaseError, match="not a newsdesk database"):
        await ArticleStore.open(other)
    with sqlite3.connect(other) as raw:
        tables = [row[0] for row in raw.execute("SELECT name FROM sqlite_master")]
    assert tables == ["invoices"]


async def test_database_kind_tells_missing_new_ours_foreign_and_not_sqlite(tmp_path, db_path):
    assert database_kind(tmp_path / "nope.db") == "missing"
    (tmp_path / "empty.db").write_bytes(b"")
    assert database_kind(tmp_path / "empty.db") == "new"
    async with ArticleStore(db_path):
        pass
    assert database_kind(db_path) == "newsdesk"
    with sqlite3.connect(tmp_path / "other.db") as raw:
        raw.execute("CREATE TABLE invoices (id INTEGER)")
    assert database_kind(tmp_path / "other.db") == "foreign"
    (tmp_path / "text.db").write_text("hello, not a database at all" * 10)
    assert database_kind(tmp_path / "text.db") == "not_sqlite"
    assert not (tmp_path / "nope.db").exists()


async def test_a_long_sentence_stream_does_not_pin_the_stores_own_connection(db_path):
    """A full build streams sentences for minutes; meanwhile another process writes.

    The store must still write (the question log) and see the other process's article.
    """
    async with ArticleStore(db_path) as store, ArticleStore(db_path) as other:
        for n in range(3):
            body = f"Story {n} begins here. It ends there"
            await store.upsert(replace(ARTICLE, title=f"Story {n}", body=body, url=None),
                               sentences_of(body))
        stream = store.iter_sentences(batch=1)
        first = await anext(stream)
        body = "A late story arrives. Nobody expected it"
        await other.upsert(replace(ARTICLE, title="Late", body=body, url=None),
                           sentences_of(body))
        await store.log_question(scope="shared", query="late story?", answered=True)
        seen = await store.corpus_version()
        rest = [row async for row in stream]
    assert first.article_id == 1
    assert seen == 4
    assert len(rest) == 5
