"""``newsdesk prune`` on a real SQLite file: exactly the right articles go, and only then."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import Settings
from bot.service import AnswerService
from tests.bot.prune_corpus import ARTICLES, GUILD, TODAY, build, days_ago, remaining

EVERYTHING = set(ARTICLES)
CUT = days_ago(100)  # walrus (400 days), otter (undated, stored 300 days ago), lynx (200) ...


@pytest.fixture
def db(db_path: Path) -> Path:
    asyncio.run(build(db_path))
    return db_path


def prune(db: Path, *args: str) -> int:
    return main(["prune", "--db", str(db), *args])


def test_prune_removes_old_feed_articles_and_keeps_those_added_by_hand(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert prune(db, "--older-than", CUT, "--yes") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (f"3 articles dated before {CUT} (or stored before it, when undated): "
                      "3 from feeds, 0 added by hand")
    assert out[1] == ("  kept: 2 articles as old, added by hand (add --include-manual to "
                      "remove them too)")
    listed = sorted(line.split("] ", 1)[1].split(" · ")[0] for line in out[2:5])
    assert listed == ["Lynx sanctuary reopens", "Otter sanctuary reopens",
                      "Walrus sanctuary reopens"]
    assert out[-1] == "removed 3 articles"
    assert remaining(db) == EVERYTHING - {"walrus", "otter", "lynx"}


def test_include_manual_also_removes_old_articles_added_by_hand(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert prune(db, "--older-than", CUT, "--include-manual", "--yes") == 0
    assert capsys.readouterr().out.splitlines()[0].startswith(
        "5 articles dated before")
    assert remaining(db) == EVERYTHING - {"walrus", "otter", "lynx", "badger", "beaver"}


def test_guild_limits_the_prune_to_that_servers_articles(db: Path) -> None:
    assert prune(db, "--older-than", CUT, "--guild", GUILD, "--yes") == 0
    assert remaining(db) == EVERYTHING - {"lynx"}
    assert prune(db, "--older-than", CUT, "--guild", GUILD, "--include-manual", "--yes") == 0
    assert remaining(db) == EVERYTHING - {"lynx", "beaver"}
    assert prune(db, "--older-than", CUT, "--guild", "shared", "--yes") == 0
    assert remaining(db) == EVERYTHING - {"lynx", "beaver", "walrus", "otter"}


def test_older_than_takes_a_number_of_days(db: Path) -> None:
    assert prune(db, "--older-than", "15", "--yes") == 0  # feed articles over 15 days old
    assert remaining(db) == EVERYTHING - {"walrus", "otter", "lynx", "marten"}


def test_dry_run_lists_and_changes_nothing(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert prune(db, "--older-than", CUT, "--include-manual", "--dry-run") == 0
    out = capsys.readouterr().out
    assert "5 articles dated before" in out
    assert out.endswith("dry run: nothing removed\n")
    assert remaining(db) == EVERYTHING


def test_without_a_terminal_or_yes_nothing_is_removed(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert prune(db, "--older-than", CUT) == 2
    assert "add --yes when not at a terminal" in capsys.readouterr().err
    assert remaining(db) == EVERYTHING


def test_nothing_old_enough_is_success(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert prune(db, "--older-than", "2000-01-01", "--yes") == 0
    assert capsys.readouterr().out.endswith("nothing to prune\n")
    assert remaining(db) == EVERYTHING


def test_a_bad_cutoff_is_a_usage_error(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        prune(db, "--older-than", "last year")
    assert stopped.value.code == 2
    assert "not a number of days or a date (YYYY-MM-DD): 'last year'" in capsys.readouterr().err


def test_answers_no_longer_cite_pruned_articles(db: Path) -> None:
    async def cited(question: str) -> set[str | None]:
        settings = Settings(db=db, persist_index=True, refresh_interval=0)
        async with await AnswerService.open(settings, load_sample=False) as service:
            answer = await service.answer(question, scopes=("shared", GUILD))
        return {hit.document.url for hit in answer.hits}

    question = "When did the walrus sanctuary reopen?"
    assert "https://news.example/walrus" in asyncio.run(cited(question))  # index saved
    assert prune(db, "--older-than", CUT, "--yes") == 0
    assert "https://news.example/walrus" not in asyncio.run(cited(question))
    assert "https://news.example/badger" in asyncio.run(
        cited("When did the badger sanctuary reopen?"))
    assert TODAY.isoformat() > CUT


@pytest.mark.parametrize("days", ["36501", "740000", "99999999999999999999"])
def test_more_days_than_a_century_is_a_usage_error_not_a_traceback(
    db: Path, capsys: pytest.CaptureFixture[str], days: str
) -> None:
    with pytest.raises(SystemExit) as stopped:
        prune(db, "--older-than", days, "--dry-run")
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert "at most 36500 days (100 years), or a date" in err
    assert "Traceback" not in err
    assert remaining(db) == EVERYTHING
