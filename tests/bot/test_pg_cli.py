"""The command line on PostgreSQL: selecting it, its errors, concurrent ingests, migrate-db."""

import asyncio
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from corpus.locations import store_for
from tests.pg import free_port

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data"


def newsdesk(*args: str, db: str | Path | None = None, cwd: Path = REPO,
             **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, **env}
    if db is not None:
        environment["NEWSDESK_DB"] = str(db)
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True,
                          env=environment, cwd=cwd, timeout=120)


def test_newsdesk_db_url_selects_postgres_and_makes_no_folder(pg_url, tmp_path):
    result = newsdesk("ingest", str(DATA), db=pg_url, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "added 3" in result.stdout
    asked = newsdesk("ask", "When did the harbour bridge reopen?", db=pg_url, cwd=tmp_path)
    assert "Harbour bridge reopens" in asked.stdout
    stats = newsdesk("stats", "--db", pg_url.replace("postgres@", "postgres:hunter2@"),
                     cwd=tmp_path)
    assert f"database   {pg_url} (schema v" in stats.stdout
    assert "hunter2" not in stats.stdout + stats.stderr
    assert list(tmp_path.iterdir()) == []  # no 'postgresql:' folder, no SQLite file


def test_an_unreachable_server_is_one_line_without_traceback_or_password(tmp_path):
    url = f"postgresql://news:hunter2@127.0.0.1:{free_port()}/corpus"
    result = newsdesk("ask", "anything", db=url, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("newsdesk: postgresql://news@127.0.0.1:")
    assert "cannot connect to PostgreSQL at 127.0.0.1:" in lines[0]
    assert "hunter2" not in result.stderr


@pytest.mark.parametrize("url", ["postgresql://u:secret@127.0.0.1:notaport/db",
                                 "postgresql://u:secret@127.0.0.1:99999/db",
                                 "postgresql://u:secret@[::1:5432/db",
                                 "postgresql://u:secret@127.0.0.1/db?port=abc"])
@pytest.mark.parametrize("command", [("stats",), ("ask", "anything"), ("ingest", str(DATA))])
def test_a_malformed_postgres_url_is_one_usage_line_naming_the_bad_part(tmp_path, url, command):
    result = newsdesk("--db", url, *command, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "not a usable PostgreSQL URL" in lines[0]
    assert "port" in lines[0] or "[" in lines[0]
    assert "secret" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_migrate_db_with_a_malformed_postgres_url_is_one_usage_line(tmp_path):
    result = newsdesk("migrate-db", str(tmp_path / "none.db"),
                      "postgresql://u:secret@127.0.0.1:99999/db", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "secret" not in result.stderr


def test_a_url_that_is_not_postgres_is_refused_not_made_a_folder(tmp_path):
    result = newsdesk("ingest", str(DATA), "--db", "postgres:/u@db/news", cwd=tmp_path)
    assert result.returncode == 2
    assert "looks like a URL" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_two_ingests_of_the_same_files_at_once_store_each_article_once(pg_url, tmp_path):
    articles = tmp_path / "articles"
    articles.mkdir()
    for number in range(40):
        (articles / f"a{number}.md").write_text(
            f"# Story {number}\n\nThe council met {number} times. Story {number} ended well.\n",
            encoding="utf-8")
    env = {**os.environ, "NEWSDESK_DB": pg_url}
    runs = [subprocess.Popen([sys.executable, "-m", "bot", "ingest", str(articles), str(DATA)],
                             env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True) for _ in range(2)]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs

    async def stored() -> tuple[int, int]:
        async with store_for(pg_url) as store:
            articles_ = await store.list_articles()
            return len(articles_), len({a.content_hash for a in articles_})

    assert asyncio.run(stored()) == (43, 43)
    reports = " / ".join(out for out, _ in outputs)
    added = sum(int(out.split("added ")[1].split(",")[0]) for out, _ in outputs)
    assert added == 43, reports


@pytest.fixture
def sqlite_corpus(tmp_path):
    db = tmp_path / "corpus.db"
    assert newsdesk("ingest", str(DATA), db=db).returncode == 0
    assert newsdesk("ingest", "--guild", "42", str(DATA / "ferry.json"), db=db).returncode == 0
    asked = newsdesk("ask", "When did the harbour bridge reopen?", db=db)
    assert asked.returncode == 0

    async def follow() -> None:
        async with store_for(db) as store:
            await store.add_feed("https://news.example/rss", scope="42", every_minutes=30)
            await store.set_setting("42", "announce_channel", "1234")

    asyncio.run(follow())
    return db


def test_migrate_db_round_trip_keeps_ids_scopes_questions_and_identity(
        sqlite_corpus, pg_url, tmp_path):
    there = newsdesk("migrate-db", str(sqlite_corpus), pg_url)
    assert there.returncode == 0, there.stderr
    assert "counts match" in there.stdout
    for table, count in (("articles", 4), ("questions", 1), ("feeds", 1), ("scope_settings", 1)):
        assert re.search(rf"^  {table} +{count}  ->  +{count}$", there.stdout, re.M), there.stdout
    back = tmp_path / "back.db"
    again = newsdesk("migrate-db", pg_url, str(back))
    assert again.returncode == 0, again.stderr

    async def contents(location):
        async with store_for(location) as store:
            articles = [(a.article_id, a.title, a.scope, a.url, a.published, a.authors,
                         a.content_hash, a.partial, a.sentence_count)
                        for a in await store.list_articles()]
            sentences = [row async for row in store.iter_sentences()]
            stats = await store.stats()
            feeds = [(f.feed_id, f.scope, f.url) for f in await store.list_feeds()]
            setting = await store.get_setting("42", "announce_channel")
            return (articles, sentences, stats.questions, await store.identity(), feeds,
                    setting)

    original, on_pg, copied = (asyncio.run(contents(x)) for x in (sqlite_corpus, pg_url, back))
    assert original == on_pg == copied
    assert {scope for _, _, scope, *_ in original[0]} == {"shared", "42"}
    assert original[4] == [(1, "42", "https://news.example/rss")]
    assert original[5] == "1234"
    assert original[2] == 1  # the question asked

    # a new article continues after the copied ids, on both
    extra = tmp_path / "extra.md"
    extra.write_text("# Extra\n\nA later story about tides.\n", encoding="utf-8")
    for location in (pg_url, back):
        assert newsdesk("ingest", str(extra), db=location).returncode == 0
    for location in (pg_url, back):
        ids = [a[0] for a in asyncio.run(contents(location))[0]]
        assert max(ids) == max(a[0] for a in original[0]) + 1


def test_migrate_db_refuses_a_destination_that_holds_a_corpus_unless_forced(
        sqlite_corpus, pg_url):
    assert newsdesk("migrate-db", str(sqlite_corpus), pg_url).returncode == 0
    refused = newsdesk("migrate-db", str(sqlite_corpus), pg_url)
    assert refused.returncode == 2
    assert "already holds a corpus: add --force" in refused.stderr
    forced = newsdesk("migrate-db", "--force", str(sqlite_corpus), pg_url)
    assert forced.returncode == 0, forced.stderr
    assert "counts match" in forced.stdout


def test_backup_on_postgres_points_to_pg_dump(pg_url, tmp_path):
    result = newsdesk("backup", str(tmp_path / "copy.db"), db=pg_url)
    assert result.returncode == 2
    assert "pg_dump" in result.stderr


def test_settings_keep_a_postgres_url_whole_and_make_other_values_paths(monkeypatch):
    from bot.config import Settings

    monkeypatch.setenv("NEWSDESK_DB", " postgresql://news@db.example:6543/corpus ")
    assert Settings().db == "postgresql://news@db.example:6543/corpus"
    monkeypatch.setenv("NEWSDESK_DB", "data/news.db")
    assert Settings().db == Path("data/news.db")


def test_older_newsdesk_refuses_a_newer_postgres_schema_in_one_line(pg_cluster, pg_url):
    from corpus.migrations import SCHEMA_VERSION

    assert newsdesk("ingest", str(DATA), db=pg_url).returncode == 0
    pg_cluster.psql(pg_url, f"UPDATE schema_version SET version = {SCHEMA_VERSION + 1}")
    result = newsdesk("ask", "When did the harbour bridge reopen?", db=pg_url)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"newsdesk: {pg_url}: schema version {SCHEMA_VERSION + 1} is newer than this newsdesk"
        f" ({SCHEMA_VERSION}): upgrade newsdesk to use it")


def test_prune_removes_old_articles_on_postgres(pg_url):
    assert newsdesk("ingest", str(DATA), db=pg_url).returncode == 0
    kept = newsdesk("prune", "--older-than", "2100-01-01", "--yes", db=pg_url)
    assert kept.returncode in (0, 1), kept.stderr  # articles added by hand stay by default
    pruned = newsdesk("prune", "--older-than", "2100-01-01", "--include-manual", "--yes",
                      db=pg_url)
    assert pruned.returncode == 0, pruned.stderr

    async def count() -> int:
        async with store_for(pg_url) as store:
            return await store.count_articles()

    assert asyncio.run(count()) == 0
