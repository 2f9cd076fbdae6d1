"""``newsdesk migrate-db``: all or nothing when interrupted, one line when a store is lost,
and no folders made for a SQLite destination."""

import asyncio
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from corpus.locations import store_for

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data"
ARTICLES = 3000
SENTENCES_EACH = 8


def newsdesk(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=120, check=False)


@pytest.fixture(scope="module")
def big_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite corpus of a few thousand small articles (a copy that takes a moment)."""
    folder = tmp_path_factory.mktemp("big")
    articles = folder / "articles"
    articles.mkdir()
    for number in range(ARTICLES):
        body = " ".join(f"Sentence {part} of story {number} says the council met {part} times."
                        for part in range(SENTENCES_EACH))
        (articles / f"a{number}.md").write_text(f"# Story {number}\n\n{body}\n",
                                                 encoding="utf-8")
    db = folder / "big.db"
    result = newsdesk("ingest", str(articles), "--db", str(db))
    assert result.returncode == 0, result.stderr
    return db


#: newsdesk's connections busy copying sentences (the articles are sent before them)
COPYING_SENTENCES = ("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'newsdesk'"
                     " AND query LIKE 'COPY %sentences%'")
NOTHING, EVERYTHING = (0, 0), (ARTICLES, ARTICLES * SENTENCES_EACH)


def _rows(location: Path | str) -> tuple[int, int]:
    """(articles, sentences) at ``location``."""
    async def count() -> tuple[int, int]:
        async with store_for(location) as store:
            return await store.count_rows("articles"), await store.count_rows("sentences")

    return asyncio.run(count())


def _kill_when(command: list[str], started: Callable[[], bool], limit: float = 60) -> bool:
    """Run ``command``; kill -9 it once ``started()`` is true. True when it was killed."""
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + limit
        while process.poll() is None and time.monotonic() < deadline:
            if started():
                process.send_signal(signal.SIGKILL)
                process.wait(timeout=30)
                return True
            time.sleep(0.005)
        return False
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)


def test_kill_9_during_a_copy_to_postgres_leaves_nothing_and_a_rerun_needs_no_force(
        big_corpus, pg_cluster, pg_url):
    def copying() -> bool:
        return pg_cluster.psql(pg_url, COPYING_SENTENCES) != "0"

    command = [sys.executable, "-m", "bot", "migrate-db", str(big_corpus), pg_url]
    assert _kill_when(command, copying), "the copy ended before it could be killed"
    assert _rows(pg_url) == NOTHING
    again = newsdesk("migrate-db", str(big_corpus), pg_url)
    assert again.returncode == 0, again.stderr
    assert _rows(pg_url) == EVERYTHING


def test_kill_9_during_a_copy_to_sqlite_leaves_nothing_and_a_rerun_needs_no_force(
        big_corpus, tmp_path):
    target = tmp_path / "copy.db"
    wal = Path(f"{target}-wal")

    def copying() -> bool:  # rows written to the log before the commit
        return wal.exists() and wal.stat().st_size > 512 * 1024

    command = [sys.executable, "-m", "bot", "migrate-db", str(big_corpus), str(target)]
    killed = _kill_when(command, copying)
    left = _rows(target)
    assert left in (NOTHING, EVERYTHING)
    if killed:
        assert left == NOTHING
    again = newsdesk("migrate-db", str(big_corpus), str(target))
    assert again.returncode == (0 if left == NOTHING else 2), again.stderr
    assert _rows(target) == EVERYTHING


def test_kill_9_at_any_moment_of_a_copy_leaves_none_or_all_of_it(big_corpus, tmp_path):
    for attempt, delay in enumerate((0.3, 0.45, 0.6, 0.7, 0.8)):
        target = tmp_path / f"copy{attempt}.db"
        started = time.monotonic()
        _kill_when([sys.executable, "-m", "bot", "migrate-db", str(big_corpus), str(target)],
                   lambda started=started, delay=delay: time.monotonic() - started > delay)
        if target.exists():
            assert _rows(target) in (NOTHING, EVERYTHING), f"killed after {delay}s"


def test_force_replaces_a_partial_copy_left_by_an_older_newsdesk(big_corpus, tmp_path):
    target = tmp_path / "partial.db"
    assert newsdesk("migrate-db", str(big_corpus), str(target)).returncode == 0
    with sqlite3.connect(target) as db:  # what an interrupted per-batch copy left behind
        db.execute("DELETE FROM sentences WHERE article_id > 100")
    refused = newsdesk("migrate-db", str(big_corpus), str(target))
    assert refused.returncode == 2
    assert "already holds a corpus: add --force" in refused.stderr
    forced = newsdesk("migrate-db", "--force", str(big_corpus), str(target))
    assert forced.returncode == 0, forced.stderr
    assert "counts match" in forced.stdout


def test_a_store_lost_during_the_copy_is_one_line_and_keeps_nothing(
        tmp_path, pg_url, monkeypatch, capsys):
    import asyncpg

    import bot.cli_migrate
    from bot.cli import main

    source = tmp_path / "src.db"
    assert newsdesk("ingest", str(DATA), "--db", str(source)).returncode == 0

    async def lost(*_args: object, **_kwargs: object) -> None:
        raise asyncpg.exceptions.InterfaceError(
            "cannot call Transaction.__aexit__(): the underlying connection is closed")

    monkeypatch.setattr(bot.cli_migrate, "transfer_corpus", lost)
    status = main(["migrate-db", str(source), pg_url])
    assert status == 1
    err = capsys.readouterr().err
    port = pg_url.split(":")[2].split("/")[0]
    assert err.strip() == (f"newsdesk migrate-db: lost the connection to PostgreSQL at "
                           f"127.0.0.1:{port} during the copy; nothing was kept at the "
                           "destination")
    assert _rows(pg_url) == NOTHING


def test_postgres_stopped_during_the_copy_is_one_line_and_keeps_nothing(big_corpus):
    from tests.pg import start_cluster

    cluster, reason = start_cluster()  # its own server: this test stops it
    if cluster is None:
        pytest.skip(reason)
    try:
        url = cluster.create_database()
        process = subprocess.Popen([sys.executable, "-m", "bot", "migrate-db", str(big_corpus),
                                    url], cwd=REPO, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 60
            while process.poll() is None and time.monotonic() < deadline and cluster.psql(
                    url, COPYING_SENTENCES) == "0":
                time.sleep(0.005)
            assert process.poll() is None, "the copy ended before the server could be stopped"
            cluster.stop()
            _, err = process.communicate(timeout=60)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=30)
        assert process.returncode == 1, err
        assert "Traceback" not in err
        assert len(err.strip().splitlines()) == 1, err
        assert "lost the connection to PostgreSQL at 127.0.0.1:" in err
        assert "nothing was kept at the destination" in err
        cluster.serve()
        assert _rows(url) == NOTHING
    finally:
        cluster.remove()


def test_a_sqlite_destination_in_a_missing_folder_is_refused_and_no_folder_made(tmp_path):
    source = tmp_path / "src.db"
    assert newsdesk("ingest", str(DATA), "--db", str(source)).returncode == 0
    target = tmp_path / "nodir" / "y.db"
    result = newsdesk("migrate-db", str(source), str(target))
    assert result.returncode == 2
    assert result.stderr.strip() == (f"newsdesk: {target}: folder {target.parent} does not "
                                     "exist (create it first, or check DST)")
    assert not target.parent.exists()


def test_a_destination_that_looks_like_another_url_is_refused(tmp_path):
    source = tmp_path / "src.db"
    assert newsdesk("ingest", str(DATA), "--db", str(source)).returncode == 0
    result = newsdesk("migrate-db", str(source), "postgres:/u@db/news", cwd=tmp_path)
    assert result.returncode == 2
    assert "looks like a URL" in result.stderr
    assert not (tmp_path / "postgres:").exists()
