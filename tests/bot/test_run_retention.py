"""``newsdesk run`` with NEWSDESK_KEEP_DAYS prunes old feed articles when it starts."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.bot.fake_discord import TOKEN, FakeDiscordThread
from tests.bot.prune_corpus import ARTICLES, build, remaining

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]


def test_run_prunes_old_feed_articles_at_start_and_logs_the_count(tmp_path: Path) -> None:
    db = tmp_path / "newsdesk.db"
    asyncio.run(build(db))
    discord = FakeDiscordThread().start()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSDESK_", "DISCORD_"))}
    env.update(PYTHONPATH=str(REPO), DISCORD_TOKEN=TOKEN,
               DISCORD_API_BASE=discord.fake.api_base,
               DISCORD_GATEWAY_URL=discord.fake.gateway_url, NEWSDESK_DB=str(db),
               NEWSDESK_KEEP_DAYS="100", NEWSDESK_LOG_LEVEL="INFO")
    log = tmp_path / "bot.log"
    with log.open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run", "--guild-ready-timeout", "0.2"], cwd=tmp_path,
            env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr)
    try:
        deadline = time.monotonic() + 60
        while "retention: removed" not in log.read_text(encoding="utf-8", errors="replace"):
            assert process.poll() is None, log.read_text(encoding="utf-8", errors="replace")
            assert time.monotonic() < deadline, "no retention pass within 60 s"
            time.sleep(0.1)
        process.send_signal(signal.SIGTERM)
        assert process.wait(30) == 0
    finally:
        if process.poll() is None:
            process.kill()
        discord.stop()
    assert "retention: removed 3 feed articles dated before" in log.read_text(encoding="utf-8")
    assert remaining(db) == set(ARTICLES) - {"walrus", "otter", "lynx"}
