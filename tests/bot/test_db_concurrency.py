"""DB-01: concurrent question logging, an ingest and a second reading process, one file."""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path

import pytest

from bot.config import Settings
from bot.service import AnswerService

READER = r"""
import sqlite3, sys, time
path = sys.argv[1]
connection = sqlite3.connect(path, timeout=10)
connection.execute("PRAGMA busy_timeout = 10000")
print("ready", flush=True)
deadline = time.monotonic() + 30
seen = (0, 0)
while time.monotonic() < deadline:
    sentences = connection.execute(
        "SELECT COUNT(*) FROM sentences s JOIN articles a ON a.id = s.article_id"
        " WHERE a.title = 'Two hundred proposals'").fetchone()[0]
    questions = connection.execute("SELECT COUNT(*) FROM questions").fetchone()[0]
    seen = (sentences, questions)
    if seen == (200, 20):
        break
    time.sleep(0.01)
print("seen", *seen, flush=True)
"""


def _article() -> bytes:
    paragraphs = [
        " ".join(f"Proposal {p * 10 + i} was reviewed by the council." for i in range(10))
        for p in range(20)
    ]
    return ("---\ntitle: Two hundred proposals\nsource: Example Gazette\n---\n"
            + "\n\n".join(paragraphs) + "\n").encode()


async def test_db_01_concurrent_answers_ingest_and_reader_no_lock(
    db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(db=db_path)
    service = await AnswerService.open(settings)
    reader = await asyncio.create_subprocess_exec(
        sys.executable, "-c", READER, str(db_path),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert reader.stdout is not None
        assert (await reader.stdout.readline()).strip() == b"ready"
        with caplog.at_level(logging.WARNING):
            async with asyncio.TaskGroup() as group:
                ingest = group.create_task(
                    service.ingest_bytes(_article(), filename="proposals.md")
                )
                answers = [
                    group.create_task(service.answer(f"Which proposal {i} did the council review?"))
                    for i in range(20)
                ]
        out, err = await asyncio.wait_for(reader.communicate(), 40)
    finally:
        if reader.returncode is None:
            reader.kill()
        stats = await service.store.stats()
        stored = [a for a in await service.store.list_articles()
                  if a.title == "Two hundred proposals"]
        await service.close()
    assert reader.returncode == 0, err.decode()
    assert out.decode().split() == ["seen", "200", "20"]
    assert ingest.result().added == 1
    assert all(task.result() is not None for task in answers)
    assert stats.questions == 20
    assert [a.sentence_count for a in stored] == [200]
    assert not [r for r in caplog.records if "database is locked" in r.getMessage()]


def test_ingests_started_together_on_a_new_database_all_succeed_once(tmp_path: Path) -> None:
    """Issue 9: several ``newsdesk ingest`` opening (and migrating) one new file at once."""
    import os
    import sqlite3
    import subprocess

    corpus = Path(__file__).resolve().parents[1] / "data"
    env = {**os.environ, "HOME": str(tmp_path)}
    for round_ in range(4):
        db = tmp_path / f"new{round_}.db"
        processes = [subprocess.Popen(
            [sys.executable, "-m", "bot", "ingest", "--db", str(db), str(corpus)], env=env,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
        results = [(p.wait(120), *p.communicate()) for p in processes]
        assert [code for code, _, _ in results] == [0, 0, 0, 0], [e for _, _, e in results]
        with sqlite3.connect(db) as connection:
            assert connection.execute("SELECT count(*) FROM articles").fetchone()[0] == 3
