"""What only the PostgreSQL store does (the shared behaviour runs in test_store.py, twice)."""

import asyncio
from dataclasses import replace

import pytest

from corpus.backend import StoreError
from corpus.locations import open_store, store_for
from corpus.migrations import SCHEMA_VERSION, read_migrations
from corpus.models import Article
from corpus.pg_store import PostgresStore
from corpus.pg_url import endpoint, is_postgres_url, redact
from corpus.store import ArticleStore
from tests.corpus.test_store import ARTICLE, sentences_of


def test_both_stores_have_the_same_schema_versions():
    assert [n for n, _ in read_migrations("pg_schema")] == [n for n, _ in read_migrations()]


def test_a_postgres_url_selects_postgres_and_a_path_sqlite(tmp_path):
    assert isinstance(store_for("postgresql://u@db.example/news"), PostgresStore)
    assert isinstance(store_for("postgres://u@db.example/news"), PostgresStore)
    assert isinstance(store_for(tmp_path / "news.db"), ArticleStore)
    assert isinstance(store_for(str(tmp_path / "postgresql.db")), ArticleStore)
    assert not is_postgres_url(tmp_path / "postgresql:")


def test_urls_are_shown_without_their_password():
    url = "postgresql://news:s3cret@db.example:6543/corpus?password=other&sslmode=require"
    assert redact(url) == "postgresql://news@db.example:6543/corpus?sslmode=require"
    assert endpoint(url) == "db.example:6543"
    assert endpoint("postgresql:///corpus?host=/run/pg") == "/run/pg:5432"


async def test_an_unreachable_server_is_one_clear_line_without_the_password(pg_cluster):
    from tests.pg import free_port

    url = f"postgresql://news:s3cret@127.0.0.1:{free_port()}/corpus"
    with pytest.raises(StoreError) as caught:
        await open_store(url)
    message = str(caught.value)
    assert "s3cret" not in message
    assert "cannot connect to PostgreSQL at 127.0.0.1:" in message
    assert "\n" not in message


async def test_a_missing_database_is_a_clear_error(pg_cluster):
    with pytest.raises(StoreError, match=r"cannot connect .*does not exist"):
        await open_store(pg_cluster.url("no_such_db"))


async def test_stats_show_the_url_without_password(pg_url):
    async with store_for(pg_url.replace("postgres@", "postgres:pw@")) as store:
        stats = await store.stats()
    assert stats.path == pg_url
    assert stats.schema_version == SCHEMA_VERSION


async def test_a_newer_schema_is_refused_by_older_code(pg_cluster, pg_url):
    async with store_for(pg_url):
        pass
    pg_cluster.psql(pg_url, f"UPDATE schema_version SET version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StoreError, match=rf"schema version {SCHEMA_VERSION + 1} is newer than"
                                         rf" this newsdesk \({SCHEMA_VERSION}\)"):
        await open_store(pg_url)


async def test_another_applications_database_is_refused_and_left_unchanged(pg_cluster, pg_url):
    pg_cluster.psql(pg_url, "CREATE TABLE invoices (id integer)")
    with pytest.raises(StoreError, match="not a newsdesk database"):
        await open_store(pg_url)
    assert pg_cluster.psql(pg_url, "SELECT string_agg(tablename, ',') FROM pg_tables"
                           " WHERE schemaname = 'public'") == "invoices"


async def test_a_read_only_session_answers_but_does_not_write(pg_cluster, pg_url):
    async with store_for(pg_url) as store:
        await store.upsert(ARTICLE, sentences_of(ARTICLE.body))
    role = "reader_" + pg_url.rsplit("/", 1)[1]
    pg_cluster.psql(pg_url, f"CREATE ROLE {role} LOGIN; GRANT SELECT ON ALL TABLES IN SCHEMA"
                    f" public TO {role}; ALTER ROLE {role} SET default_transaction_read_only = on")
    async with store_for(pg_url.replace("postgres@", f"{role}@")) as store:
        assert store.read_only
        assert await store.count_articles() == 1
        await store.log_question(scope="shared", query="q", answered=True)  # ignored
        with pytest.raises(Exception, match="read-only"):
            await store.upsert(OTHER, sentences_of(OTHER.body))
    async with store_for(pg_url) as store:
        assert (await store.stats()).questions == 0


OTHER = Article(title="Ferry", body="The ferry ran late. Fares rose", url="https://n.example/f",
                origin="ferry.md")


async def test_nul_characters_are_stored_as_replacement_characters(pg_url):
    odd = replace(ARTICLE, body="Null \x00 here. Second part", url=None)
    async with store_for(pg_url) as store:
        await store.upsert(odd, sentences_of(odd.body))
        texts = [r.text async for r in store.iter_sentences()]
    assert texts == ["Null \ufffd here", "Second part"]


async def test_backup_on_postgres_points_to_pg_dump(pg_url, tmp_path):
    async with store_for(pg_url) as store:
        with pytest.raises(StoreError, match="pg_dump"):
            await store.backup(tmp_path / "copy.db")


async def test_wait_for_change_wakes_on_a_write_by_another_connection(pg_url):
    async with store_for(pg_url) as watcher, store_for(pg_url) as writer:
        assert isinstance(watcher, PostgresStore)
        await watcher.wait_for_change()  # connects: returns at once
        waiting = asyncio.create_task(watcher.wait_for_change())
        await asyncio.sleep(0.2)
        assert not waiting.done()
        await writer.upsert(ARTICLE, sentences_of(ARTICLE.body))
        async with asyncio.timeout(5):
            await waiting


async def test_wait_for_change_reconnects_after_the_connection_drops(pg_cluster, pg_url):
    async with store_for(pg_url) as watcher, store_for(pg_url) as writer:
        assert isinstance(watcher, PostgresStore)
        await watcher.wait_for_change()
        pg_cluster.psql(pg_url, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                        " WHERE application_name = 'newsdesk-listen'")
        async with asyncio.timeout(5):
            await watcher.wait_for_change()  # the drop itself
            await watcher.wait_for_change()  # reconnects
        waiting = asyncio.create_task(watcher.wait_for_change())
        await asyncio.sleep(0.2)
        await writer.upsert(ARTICLE, sentences_of(ARTICLE.body))
        async with asyncio.timeout(5):
            await waiting


async def test_ids_continue_after_a_removal_and_feed_ids_are_kept(pg_url):
    async with store_for(pg_url) as store:
        first = await store.upsert(ARTICLE, sentences_of(ARTICLE.body), feed_id=7)
        assert await store.remove_article(first.article_id, scope="shared")
        second = await store.upsert(OTHER, sentences_of(OTHER.body))
        assert second.article_id > first.article_id
        await store.upsert(ARTICLE, sentences_of(ARTICLE.body), feed_id=7)
        assert len(await store.find_article_ids(from_feeds=True)) == 1


async def test_a_version_1_database_is_migrated_forward_keeping_its_articles(pg_cluster, pg_url):
    version_1 = dict(read_migrations("pg_schema"))[1]
    pg_cluster.psql(pg_url, version_1 + "; CREATE TABLE schema_version (version integer NOT NULL);"
                    " INSERT INTO schema_version VALUES (1);"
                    " INSERT INTO articles (title, body, content_hash, ingested_at)"
                    " VALUES ('Old', 'Kept body', 'abc', '2026-01-01T00:00:00+00:00')")
    async with store_for(pg_url) as store:
        assert (await store.stats()).schema_version == SCHEMA_VERSION
        assert [a.title for a in await store.list_articles()] == ["Old"]
        feed, created = await store.add_feed("https://n.example/rss", scope="shared",
                                             every_minutes=30)
        assert created
        assert feed.every_minutes == 30


async def test_a_stores_own_writes_do_not_wake_its_wait_for_change(pg_url):
    async with store_for(pg_url) as store, store_for(pg_url) as other:
        assert isinstance(store, PostgresStore)
        await store.wait_for_change()  # connects
        waiting = asyncio.create_task(store.wait_for_change())
        await store.upsert(ARTICLE, sentences_of(ARTICLE.body))
        await asyncio.sleep(0.5)
        assert not waiting.done()
        await other.upsert(OTHER, sentences_of(OTHER.body))
        async with asyncio.timeout(5):
            await waiting
