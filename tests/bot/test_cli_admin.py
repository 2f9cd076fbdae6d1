"""The operator commands and the database rules, run as the real ``newsdesk`` command."""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

QUESTIONS = ["When did the harbour bridge reopen?", "How much will ferry fares rise?",
             "What did the council approve?"]


def newsdesk(*args: str, db: Path | None, stdin: str | None = None,
             home: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run newsdesk; ``db=None`` means its default per-user database under ``home``."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("NEWSDESK_") and k != "XDG_DATA_HOME"}
    if db is not None:
        env["NEWSDESK_DB"] = str(db)
    env["HOME"] = str(home or (db.parent if db else Path.cwd()))
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin,
                          capture_output=True, text=True, env=env, timeout=120, check=False)


def stored(db: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(db) as raw:
        return raw.execute("SELECT title, scope FROM articles ORDER BY id").fetchall()


@pytest.mark.parametrize("command", [["ask", "bridge"], ["stats"], ["articles"], ["console"],
                                     ["export"], ["remove", "1", "--yes"]])
def test_a_mistyped_db_is_an_error_and_creates_nothing(tmp_path, command):
    typo = tmp_path / "tpyo" / "newsdesk.db"
    result = newsdesk(*command, db=typo, stdin="")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"newsdesk: database {typo} does not exist (check --db or NEWSDESK_DB)"
        + ("; add --create to make a new one" if command[0] in {"ask", "stats", "articles",
                                                                  "console"} else ""))
    assert not (tmp_path / "tpyo").exists()


def test_create_makes_a_new_database_for_a_read_command(tmp_path):
    db = tmp_path / "fresh" / "newsdesk.db"
    result = newsdesk("--create", "stats", db=db)
    assert result.returncode == 0, result.stderr
    assert "articles   1 from 1 publisher" in result.stdout  # the bundled sample


def test_another_applications_sqlite_file_is_refused_and_untouched(tmp_path):
    other = tmp_path / "app.db"
    with sqlite3.connect(other) as raw:
        raw.execute("CREATE TABLE users (id INTEGER, name TEXT)")
    for command in (["stats"], ["ingest", str(tmp_path)]):
        result = newsdesk(*command, db=other)
        assert result.returncode == 2
        assert "has tables but is not a newsdesk database" in result.stderr
    with sqlite3.connect(other) as raw:
        assert [r[0] for r in raw.execute("SELECT name FROM sqlite_master")] == ["users"]
        assert raw.execute("PRAGMA user_version").fetchone()[0] == 0


def test_ingest_into_a_new_database_does_not_add_the_sample(tmp_path, tiny_corpus):
    db = tmp_path / "prod.db"
    assert newsdesk("ingest", str(tiny_corpus), db=db).returncode == 0
    assert sorted(title for title, _ in stored(db)) == [
        "Council approves next year's budget", "Ferry fares to rise in June",
        "Harbour bridge reopens after repairs"]


def test_remove_the_sample_from_the_default_database_and_it_stays_gone(tmp_path):
    first = newsdesk("ask", "What did Kim say about hostile forces?", db=None, home=tmp_path)
    assert "The Hill" in first.stdout
    removed = newsdesk("remove", "--source", "the hill", "--yes", db=None, home=tmp_path)
    assert removed.returncode == 0, removed.stderr
    assert removed.stdout.splitlines()[0] == "1 article match:"
    assert "Xi, Kim vow to strengthen" in removed.stdout
    assert removed.stdout.splitlines()[-1] == "removed 1 article"
    again = newsdesk("ask", "What did Kim say about hostile forces?", db=None, home=tmp_path)
    assert again.stdout.strip() == (
        "No articles are indexed yet: add some with `newsdesk ingest PATH`.")
    stats = newsdesk("stats", db=None, home=tmp_path)
    assert "articles   0 from 0 publishers" in stats.stdout


def test_remove_by_id_before_date_and_guild(tmp_path, tiny_corpus):
    db = tmp_path / "n.db"
    newsdesk("ingest", str(tiny_corpus), db=db)
    newsdesk("ingest", str(tiny_corpus / "ferry.json"), "--guild", "42", db=db)
    ids = newsdesk("remove", "1", "99", "--yes", db=db)
    assert ids.returncode == 0
    assert "newsdesk: no article with id 99" in ids.stderr
    assert ids.stdout.splitlines()[-1] == "removed 1 article"
    before = newsdesk("remove", "--before", "2026-03-01", "--guild", "shared", "--yes", db=db)
    assert before.stdout.splitlines()[0] == "1 article match:"
    assert "Ferry fares to rise in June · Example Times · 2026-02-20" in before.stdout
    assert stored(db) == [("Harbour bridge reopens after repairs", "shared"),
                          ("Ferry fares to rise in June", "42")]
    guild = newsdesk("remove", "--guild", "42", "--yes", db=db)
    assert "· guild 42" in guild.stdout
    assert stored(db) == [("Harbour bridge reopens after repairs", "shared")]
    answer = json.loads(newsdesk("ask", "--json", "How much will ferry fares rise?", "--guild",
                                 "42", db=db).stdout)
    hits = [hit for hit in [answer["answer"], *answer["alternatives"]] if hit is not None]
    assert "Ferry fares to rise in June" not in {hit["article"]["title"] for hit in hits}
    assert answer["reason"] == "no_match"  # nothing left about ferries: no citation at all


def test_remove_needs_confirmation_when_not_at_a_terminal(tmp_path, tiny_corpus):
    db = tmp_path / "n.db"
    newsdesk("ingest", str(tiny_corpus), db=db)
    result = newsdesk("remove", "--source", "Example Times", db=db)
    assert result.returncode == 2
    assert result.stdout.splitlines()[0] == "2 articles match:"
    assert "add --yes when not at a terminal" in result.stderr
    assert len(stored(db)) == 3
    nothing = newsdesk("remove", "--source", "Nobody", "--yes", db=db)
    assert (nothing.returncode, nothing.stdout.strip()) == (1, "no articles match: nothing removed")
    bare = newsdesk("remove", db=db)
    assert bare.returncode == 2


def test_remove_at_a_terminal_asks_and_honours_no(tmp_path, tiny_corpus):
    pexpect = pytest.importorskip("pexpect")
    db = tmp_path / "n.db"
    newsdesk("ingest", str(tiny_corpus), db=db)
    env = {**os.environ, "NEWSDESK_DB": str(db), "HOME": str(tmp_path)}
    child = pexpect.spawn(sys.executable, ["-m", "bot", "remove", "--source", "example times"],
                          env=env, encoding="utf-8", timeout=60)
    child.expect_exact("Remove 2 articles? [y/N] ")
    child.sendline("n")
    child.expect_exact("cancelled: nothing changed")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1
    assert len(stored(db)) == 3
    child = pexpect.spawn(sys.executable, ["-m", "bot", "remove", "--source", "example times"],
                          env=env, encoding="utf-8", timeout=60)
    child.expect_exact("Remove 2 articles? [y/N] ")
    child.sendline("y")
    child.expect_exact("removed 2 articles")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert stored(db) == [("Council approves next year's budget", "shared")]


def test_backup_while_another_process_writes(tmp_path, tiny_corpus):
    db, copy = tmp_path / "n.db", tmp_path / "backup.db"
    newsdesk("ingest", str(tiny_corpus), db=db)
    writer = sqlite3.connect(db, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # the bot in the middle of a write
    writer.execute("DELETE FROM articles")
    try:
        result = newsdesk("backup", str(copy), db=db)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"backed up 3 articles to {copy} (")
    with sqlite3.connect(copy) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert sorted(stored(copy)) == sorted(stored(db))
    answer = newsdesk("ask", "--json", QUESTIONS[0], db=copy)
    assert json.loads(answer.stdout)["answer"]["article"]["title"] == (
        "Harbour bridge reopens after repairs")
    exists = newsdesk("backup", str(copy), db=db)
    assert exists.returncode == 2
    assert "exists: add --force" in exists.stderr
    assert newsdesk("backup", str(copy), "--force", db=db).returncode == 0


def test_export_then_ingest_gives_the_same_articles_and_answers(tmp_path, tiny_corpus):
    first, second = tmp_path / "first.db", tmp_path / "second.db"
    newsdesk("ingest", str(tiny_corpus), db=first)
    exported = tmp_path / "articles.jsonl"
    result = newsdesk("export", "-o", str(exported), db=first)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == f"exported 3 articles to {exported}"
    records = [json.loads(line) for line in exported.read_text().splitlines()]
    assert set(records[0]) == {"title", "text", "url", "source", "published", "authors",
                               "partial"}
    assert newsdesk("ingest", str(exported), db=second).returncode == 0
    with sqlite3.connect(first) as a, sqlite3.connect(second) as b:
        query = ("SELECT title, url, source, published, authors, body, content_hash, partial,"
                 " (SELECT group_concat(text, '|') FROM sentences s WHERE s.article_id = a.id)"
                 " FROM articles a ORDER BY title")
        assert a.execute(query).fetchall() == b.execute(query).fetchall()
    for question in QUESTIONS:
        one = json.loads(newsdesk("ask", "--json", question, db=first).stdout)
        two = json.loads(newsdesk("ask", "--json", question, db=second).stdout)
        for payload in (one, two):
            for hit in [payload["answer"], *payload["alternatives"]]:
                if hit:
                    hit["article"].pop("id")
        assert one == two
    to_stdout = newsdesk("export", db=first)
    assert to_stdout.stdout == exported.read_text()


def test_forget_questions(tmp_path, tiny_corpus):
    db = tmp_path / "n.db"
    newsdesk("ingest", str(tiny_corpus), db=db)
    newsdesk("ask", QUESTIONS[0], db=db)
    newsdesk("ask", "--guild", "42", QUESTIONS[1], db=db)
    one = newsdesk("forget-questions", "--guild", "42", "--yes", db=db)
    assert one.stdout.strip() == "deleted 1 logged questions"
    assert "questions  1 asked" in newsdesk("stats", db=db).stdout
    assert newsdesk("forget-questions", "--yes", db=db).stdout.strip() == (
        "deleted 1 logged questions")


def test_db_03_unusable_database_paths_are_one_line_naming_the_path(tmp_path, tiny_corpus):
    """DB-03: a missing parent folder, a folder, a text file and another app's SQLite file."""
    nested = tmp_path / "missing" / "sub" / "news.db"
    made = newsdesk("ingest", str(tiny_corpus / "harbour.md"), db=nested)
    assert made.returncode == 0, made.stderr
    assert newsdesk("ask", "--json", "When did the harbour bridge reopen?",
                    db=nested).returncode == 0
    folder = tmp_path / "a-folder"
    folder.mkdir()
    text = tmp_path / "notes.db"
    text.write_text("these are my notes, not a database\n" * 50, encoding="utf-8")
    other = tmp_path / "app.db"
    with sqlite3.connect(other) as raw:
        raw.execute("CREATE TABLE invoices (id INTEGER)")
    for path in (folder, text, other):
        before = path.read_bytes() if path.is_file() else None
        result = newsdesk("ask", "bridge", db=path)
        lines = result.stderr.strip().splitlines()
        assert result.returncode != 0
        assert len(lines) == 1, result.stderr
        assert str(path) in lines[0]
        assert "Traceback" not in result.stderr
        if before is not None:
            assert path.read_bytes() == before
