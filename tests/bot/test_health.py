"""The container health check: database opens and heartbeat fresh."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from bot.config import Settings
from bot.health import check_heartbeat, health_command, heartbeat_age, main
from corpus.store import ArticleStore


@pytest.fixture
async def database(tmp_path: Path) -> Path:
    path = tmp_path / "newsdesk.db"
    async with ArticleStore(path):
        pass
    return path


def _touch(path: Path, age: float) -> Path:
    path.touch()
    stamp = time.time() - age
    os.utime(path, (stamp, stamp))
    return path


def test_heartbeat_age_is_none_for_a_missing_file(tmp_path: Path) -> None:
    assert heartbeat_age(tmp_path / "absent") is None


def test_heartbeat_age_counts_seconds_since_touched(tmp_path: Path) -> None:
    beat = _touch(tmp_path / "beat", 30)
    assert heartbeat_age(beat) == pytest.approx(30, abs=2)


def test_stale_heartbeat_is_a_problem(tmp_path: Path) -> None:
    problem = check_heartbeat(_touch(tmp_path / "beat", 90), max_age=60)
    assert problem is not None
    assert "old" in problem


def test_unset_heartbeat_file_is_a_problem() -> None:
    assert check_heartbeat(None) is not None


def test_healthy_when_database_opens_and_heartbeat_is_fresh(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(db=database, heartbeat_file=_touch(tmp_path / "beat", 5))
    assert health_command(settings) == 0
    assert capsys.readouterr().out == "healthy\n"


def test_unhealthy_when_heartbeat_is_stale(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(db=database, heartbeat_file=_touch(tmp_path / "beat", 120))
    assert health_command(settings) == 1
    assert "heartbeat is 120s old" in capsys.readouterr().out


def test_unhealthy_when_database_is_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(db=tmp_path / "absent.db", heartbeat_file=_touch(tmp_path / "beat", 1))
    assert health_command(settings) == 1
    assert "no database" in capsys.readouterr().out
    assert not (tmp_path / "absent.db").exists()


def test_unhealthy_when_database_is_not_sqlite(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"not a database at all, just text" * 100)
    settings = Settings(db=broken, heartbeat_file=_touch(tmp_path / "beat", 1))
    assert health_command(settings) == 1
    assert "does not open" in capsys.readouterr().out


def test_main_reads_settings_from_the_environment(
    database: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("NEWSDESK_DB", str(database))
    monkeypatch.setenv("NEWSDESK_HEARTBEAT_FILE", str(_touch(tmp_path / "beat", 100)))
    assert main(["--max-age", "300"]) == 0
    assert main(["--max-age", "60"]) == 1
    capsys.readouterr()
