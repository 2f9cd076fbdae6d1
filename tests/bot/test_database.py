import sqlite3

import pytest

from bot.config import Settings
from bot.database import check_database


@pytest.mark.parametrize("command", ["ask", "stats", "articles", "console", "run", "remove",
                                     "backup", "export"])
def test_an_explicit_missing_database_is_not_created_by_read_commands(tmp_path, command):
    check = check_database(Settings(db=tmp_path / "typo" / "newsdesk.db"), command)
    assert check.problem is not None
    assert "does not exist" in check.problem
    assert not (tmp_path / "typo").exists()


def test_ingest_may_create_a_database_which_starts_without_the_sample(tmp_path):
    check = check_database(Settings(db=tmp_path / "new.db"), "ingest")
    assert (check.problem, check.new, check.load_sample) == (None, True, False)


def test_create_lets_a_read_command_make_a_database_with_the_sample(tmp_path):
    check = check_database(Settings(db=tmp_path / "new.db", create_db=True), "ask")
    assert (check.problem, check.new, check.load_sample) == (None, True, True)


def test_create_does_not_let_remove_make_a_database(tmp_path):
    check = check_database(Settings(db=tmp_path / "new.db", create_db=True), "remove")
    assert check.problem is not None


def test_the_default_database_is_made_on_first_use_with_the_sample(tmp_path, monkeypatch):
    monkeypatch.delenv("NEWSDESK_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    check = check_database(Settings(), "ask")
    assert (check.problem, check.load_sample) == (None, True)


def test_another_applications_database_is_refused(tmp_path):
    other = tmp_path / "app.sqlite"
    with sqlite3.connect(other) as raw:
        raw.execute("CREATE TABLE users (id INTEGER)")
    check = check_database(Settings(db=other), "ingest")
    assert check.problem is not None
    assert "has tables but is not a newsdesk database" in check.problem
