"""kill -9 at random moments of an ingest and of an index save (issue 9).

After each kill the database passes ``PRAGMA integrity_check``, holds no partial article
(every article has its sentences, numbered from 0 without gaps), a re-run stores each article
exactly once, and the next question is answered with no leftover index folders. CI kills a
few times; the full run: ``NEWSDESK_KILLS=20 pytest tests/bot/test_kill.py``.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
KILLS = int(os.environ.get("NEWSDESK_KILLS", "3"))
ARTICLES = 1200


def _env(tmp_path: Path, db: Path) -> dict[str, str]:
    env = {**os.environ, "NEWSDESK_DB": str(db), "HOME": str(tmp_path)}
    env.pop("NEWSDESK_INDEX_DIR", None)
    return env


def _corpus(path: Path) -> Path:
    """Articles made up here: ``ARTICLES`` records of 40 sentences each."""
    rng = random.Random(7)
    words = ["harbour", "bridge", "council", "ferry", "budget", "tram", "school", "river",
             "market", "station", "festival", "library", "museum", "airport", "hospital"]
    with path.open("w", encoding="utf-8") as out:
        for number in range(ARTICLES):
            topic = words[number % len(words)]
            sentences = [f"The {topic} {rng.choice(words)} plan number {number}-{i} was "
                         f"discussed on day {rng.randint(1, 28)}." for i in range(40)]
            out.write(json.dumps({"title": f"{topic.title()} story {number}",
                                  "url": f"https://news.example/{number}",
                                  "text": " ".join(sentences)}) + "\n")
    return path


def _check_database(db: Path) -> tuple[int, int]:
    """Integrity, no partial article, no duplicate; returns (articles, distinct urls)."""
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        gaps = connection.execute(
            "SELECT a.id FROM articles a LEFT JOIN sentences s ON s.article_id = a.id "
            "GROUP BY a.id HAVING count(s.position) = 0 OR max(s.position) + 1 != count(*)"
        ).fetchall()
        assert gaps == []
        articles, urls = connection.execute(
            "SELECT count(*), count(DISTINCT url) FROM articles WHERE url IS NOT NULL"
        ).fetchone()
    return int(articles), int(urls)


def _kill_at(command: list[str], env: dict[str, str], after: float) -> None:
    process = subprocess.Popen([sys.executable, "-m", "bot", *command], env=env, cwd=REPO,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(after)
    process.send_signal(signal.SIGKILL)
    process.wait()


@pytest.mark.slow
def test_kill_9_during_ingest_loses_nothing_and_duplicates_nothing(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "articles.jsonl")
    rng = random.Random(int(os.environ.get("NEWSDESK_KILL_SEED", "1")))
    for kill in range(KILLS):
        db = tmp_path / f"kill{kill}.db"
        env = _env(tmp_path, db)
        _kill_at(["ingest", str(corpus)], env, rng.uniform(1.0, 5.0))
        if db.exists():
            _check_database(db)
        again = subprocess.run([sys.executable, "-m", "bot", "ingest", str(corpus)], env=env,
                               cwd=REPO, capture_output=True, text=True, timeout=300,
                               check=False)
        assert again.returncode == 0, again.stderr
        articles, urls = _check_database(db)
        assert urls == ARTICLES
        assert articles == ARTICLES


@pytest.mark.slow
def test_kill_9_during_an_index_save_leaves_nothing_behind(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "articles.jsonl")
    db = tmp_path / "index.db"
    env = _env(tmp_path, db)
    subprocess.run([sys.executable, "-m", "bot", "ingest", str(corpus)], env=env, cwd=REPO,
                   capture_output=True, check=True, timeout=300)
    index = db.with_name(db.name + ".index")
    rng = random.Random(int(os.environ.get("NEWSDESK_KILL_SEED", "1")))
    for _ in range(KILLS):
        subprocess.run(["rm", "-rf", str(index)], check=True)
        _kill_at(["ask", "harbour bridge plan"], env, rng.uniform(1.2, 3.5))
        answered = subprocess.run([sys.executable, "-m", "bot", "ask", "--json",
                                   "Which harbour plan was discussed?"], env=env, cwd=REPO,
                                  capture_output=True, text=True, timeout=300, check=False)
        assert answered.returncode == 0, answered.stderr
        assert json.loads(answered.stdout)["answer"]["article"]["title"].startswith("Harbour")
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(db.name)) == [
            db.name, index.name]
