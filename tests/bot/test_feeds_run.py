"""``newsdesk run`` polls followed feeds in the background: a new entry is answered by /ask.

The real bot process against the fake Discord, and a local news site (loopback allowed).
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.bot.fake_discord import TOKEN, FakeDiscordThread
from tests.bot.feed_site import Item, Reply, ThreadedSite, page, rss2
from tests.bot.test_discord_e2e import _clean_env

pytestmark = pytest.mark.slow

FERRY = ["The new ferry terminal opened on Monday with twelve berths for island routes.",
         "Officials said the terminal cost 40 million euros and took three years to build."]


def _stored(db: Path, url: str) -> bool:
    with sqlite3.connect(db) as connection:
        return connection.execute("SELECT 1 FROM articles WHERE url = ?", (url,)).fetchone() \
            is not None


def test_run_polls_a_followed_feed_and_ask_cites_the_new_entry(tmp_path: Path) -> None:
    db = tmp_path / "newsdesk.db"
    with ThreadedSite() as site:
        site.routes["/news/ferry"] = Reply(page("Ferry terminal opens", FERRY))
        site.routes["/feed.xml"] = Reply(rss2([]), content_type="application/rss+xml")
        env = _clean_env(NEWSDESK_DB=str(db), NEWSDESK_FETCH_ALLOW_LOOPBACK="true",
                         NEWSDESK_INDEX_WORKERS="0")
        follow = subprocess.run([sys.executable, "-m", "bot", "follow", site.url("/feed.xml")],
                                env=env, capture_output=True, text=True, timeout=120,
                                check=False)
        assert follow.returncode == 0, follow.stderr
        discord = FakeDiscordThread().start()
        env.update(DISCORD_TOKEN=TOKEN, DISCORD_API_BASE=discord.fake.api_base,
                   DISCORD_GATEWAY_URL=discord.fake.gateway_url)
        process = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=tmp_path,
                                   env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            discord.call(discord.fake.wait_ready(60), timeout=65)
            # the entry appears after the bot started: the next poll (1 min) picks it up;
            # make the feed due now so the test does not wait the interval
            site.routes["/feed.xml"] = Reply(
                rss2([Item("Ferry terminal opens", site.url("/news/ferry"), FERRY[0],
                           date="Mon, 01 Jun 2026 09:00:00 GMT")]),
                content_type="application/rss+xml")
            with sqlite3.connect(db) as connection:
                connection.execute("UPDATE feeds SET next_poll_at = NULL")
            deadline = time.monotonic() + 90
            while not _stored(db, site.url("/news/ferry")) and time.monotonic() < deadline:
                time.sleep(0.2)
            assert _stored(db, site.url("/news/ferry"))
            # stored is not yet indexed: the bot catches up within a second or two
            embeds: list = []
            for user in range(1, 61):
                payload = discord.fake.slash(
                    "ask", {"question": "When did the ferry terminal open?"}, user_id=user)
                discord.send(payload)
                answer = discord.wait_for(
                    lambda rs, token=payload["token"]: [
                        r for r in rs if r.token == token and r.method == "POST"
                        and "/webhooks/" in r.path], 30)[0]
                embeds = answer.body.get("embeds") or []
                if embeds:
                    break
                time.sleep(0.5)
            embed = embeds[0]
            assert embed["url"] == site.url("/news/ferry")
            assert embed["footer"]["text"].startswith("Harbour Times · 2026-06-01 ·")
            process.send_signal(signal.SIGTERM)
            assert process.wait(20) == 0
        finally:
            if process.poll() is None:
                process.kill()
            stderr = process.communicate()[1].decode()
            discord.stop()
    assert "Traceback" not in stderr
    assert "bot.feeds.poller: polling followed feeds" in stderr
