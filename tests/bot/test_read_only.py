"""A database on a read-only mount still answers questions (the question log is off).

The mount is real: ``unshare -m`` gives the command its own mount namespace, where the folder
holding the database is bind-mounted read-only, so even root cannot write to it.
"""

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _can_mount_read_only() -> bool:
    if shutil.which("unshare") is None or os.geteuid() != 0:
        return False
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True, check=False)
    return probe.returncode == 0


pytestmark = pytest.mark.skipif(
    not _can_mount_read_only(),
    reason="needs root and `unshare -m` to bind-mount a folder read-only",
)


def newsdesk(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOME": str(home)}
    env.pop("NEWSDESK_DB", None)
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True,
                          env=env, cwd=REPO, timeout=120, check=False)


def read_only(folder: Path, *args: str, home: Path) -> subprocess.CompletedProcess[str]:
    """Run ``newsdesk ARGS`` with ``folder`` bind-mounted read-only over itself."""
    command = " ".join(["exec", sys.executable, "-m", "bot", *(f"'{a}'" for a in args)])
    script = (f"mount --bind '{folder}' '{folder}' && "
              f"mount -o remount,ro,bind '{folder}' '{folder}' && {command}")
    env = {**os.environ, "HOME": str(home)}
    env.pop("NEWSDESK_DB", None)
    return subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True,
                          env=env, cwd=REPO, timeout=120, check=False)


@pytest.fixture
def stored(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    db = folder / "newsdesk.db"
    result = newsdesk("ingest", "--db", str(db), str(REPO / "tests" / "data"), home=tmp_path)
    assert result.returncode == 0, result.stderr
    return db


def test_read_only_database_answers_and_logs_no_question(stored: Path, tmp_path: Path) -> None:
    before = os.listdir(stored.parent)
    result = read_only(stored.parent, "ask", "--db", str(stored),
                       "When did the harbour bridge reopen?", home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "on Saturday after six weeks of repairs" in result.stdout
    assert "https://news.example/harbour-bridge" in result.stdout
    assert result.stderr.count("read-only") == 1
    assert "question log is off" in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(os.listdir(stored.parent)) == sorted(before)
    with sqlite3.connect(stored) as db:
        assert db.execute("SELECT count(*) FROM questions").fetchone()[0] == 0


def test_ingest_into_read_only_database_says_so_and_changes_nothing(
    stored: Path, tmp_path: Path
) -> None:
    extra = tmp_path / "extra.md"
    extra.write_text("Tram line opens\n\nThe new tram line opened on Monday.", encoding="utf-8")
    with sqlite3.connect(stored) as db:
        count = db.execute("SELECT count(*) FROM articles").fetchone()[0]
    result = read_only(stored.parent, "ingest", "--db", str(stored), str(extra), home=tmp_path)
    assert result.returncode != 0
    assert f"{stored}: the database is read-only" in result.stderr
    assert "Traceback" not in result.stderr
    with sqlite3.connect(stored) as db:
        assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == count
