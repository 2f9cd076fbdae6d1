"""Two ``newsdesk run`` clusters (shards 0-1 and 2-3 of 4) on one SQLite database (issue 12).

The fake Discord announces 4 shards with ``max_concurrency`` 2 and routes each of eight
guilds (two per shard) to its shard only. The tests run in file order on one pair of
processes: IDENTIFYs keep to their buckets, every guild is answered by exactly one
process, an article ingested by the command line is answered by both clusters within 5 s,
and after ``kill -9`` of the cluster holding the background-job lock no stored article is
lost, the other cluster keeps answering and takes the lock over.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.bot.fake_discord import TOKEN, FakeDiscordThread, Recorded, shard_of
from tests.bot.test_discord_e2e import SHARED, _clean_env, _ingest, _write_jsonl

pytestmark = pytest.mark.slow

SHARDS = 4
SLICES = ("0-1", "2-3")
# two guilds per shard: snowflakes whose timestamp part (>> 22) picks the shard
GUILDS = [(((1_000_000 + n) << 22) | 7, 5_000 + n, f"Guild {n}") for n in range(2 * SHARDS)]
VISIBLE_WITHIN = 5.0  # seconds: the bound from an ingest to answers everywhere
NEW_ARTICLES = [
    {"title": "Observatory names a new comet", "publisher": "Sky Desk",
     "url": "https://news.example/comet", "date": "2026-06-01",
     "text": "Astronomers at the hill observatory named the new comet Lumen on Monday. "
             "The comet will be visible to the naked eye in August."},
    {"title": "Glassworks museum doubles its opening hours", "publisher": "Town Crier",
     "url": "https://news.example/glassworks", "date": "2026-06-02",
     "text": "The glassworks museum now opens every evening until nine. Its furnace "
             "demonstrations run twice a day."},
]


@dataclass
class Cluster:
    """One ``newsdesk run`` process and its log."""

    shard_ids: tuple[int, ...]
    process: subprocess.Popen[bytes]
    log: Path

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def owns(self, guild_id: int) -> bool:
        return shard_of(guild_id, SHARDS) in self.shard_ids


@dataclass
class Deployment:
    discord: FakeDiscordThread
    clusters: list[Cluster]
    db: Path
    folder: Path

    @property
    def fake(self) -> Any:
        return self.discord.fake

    def ask(self, guild_id: int, question: str) -> tuple[str, list[Recorded]]:
        """Send /ask in ``guild_id``; returns its token and the records once answered."""
        payload = self.fake.slash("ask", {"question": question}, guild_id=guild_id)
        token = payload["token"]
        self.discord.send(payload)

        def answered(_: list[Recorded]) -> list[Recorded] | None:
            records = self.fake.for_token(token)
            return records if any(_is_final(r) for r in records) else None

        return token, self.discord.wait_for(answered, 20)


def _is_final(record: Recorded) -> bool:
    return (record.method == "POST" and "/webhooks/" in record.path) or (
        record.callback_type in (4, 7, 8))


def _title(records: list[Recorded]) -> str | None:
    """The cited article's title in the answer, or None (an abstention or an error)."""
    for record in records:
        embeds = (record.message or {}).get("embeds") or []
        if _is_final(record) and embeds and embeds[0].get("title"):
            return str(embeds[0]["title"])
    return None


def _check_database(db: Path) -> int:
    """Integrity, no partial article; returns the number of articles."""
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        partial = connection.execute(
            "SELECT a.id FROM articles a LEFT JOIN sentences s ON s.article_id = a.id "
            "GROUP BY a.id HAVING count(s.position) = 0 OR max(s.position) + 1 != count(*)"
        ).fetchall()
        assert partial == []
        return int(connection.execute("SELECT count(*) FROM articles").fetchone()[0])


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    folder = tmp_path_factory.mktemp("clusters")
    db = folder / "newsdesk.db"
    _ingest(db, _write_jsonl(folder / "shared.jsonl", SHARED))
    discord = FakeDiscordThread(heartbeat_interval=500, shards=SHARDS, max_concurrency=2)
    discord.fake.guilds = GUILDS
    discord.start()
    clusters: list[Cluster] = []
    try:
        for number, slice_ in enumerate(SLICES):
            env = _clean_env(
                DISCORD_TOKEN=TOKEN, DISCORD_API_BASE=discord.fake.api_base,
                DISCORD_GATEWAY_URL=discord.fake.gateway_url, NEWSDESK_DB=str(db),
                NEWSDESK_ASK_COOLDOWN="0", NEWSDESK_LOG_LEVEL="DEBUG",
                NEWSDESK_LEADER_RETRY="0.3", NEWSDESK_SHARD_COUNT=str(SHARDS),
            )
            log = folder / f"cluster-{number}.log"
            with log.open("wb") as stderr:
                process = subprocess.Popen(
                    [sys.executable, "-m", "bot", "run", "--guild-ready-timeout", "0.2",
                     "--shard-ids", slice_],
                    cwd=folder, env=env, stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL, stderr=stderr,
                )
            first, last = (int(part) for part in slice_.split("-"))
            clusters.append(Cluster(tuple(range(first, last + 1)), process, log))
        discord.call(discord.fake.wait_ready(90), timeout=95)
        yield Deployment(discord, clusters, db, folder)
    finally:
        for cluster in clusters:
            if cluster.process.poll() is None:
                cluster.process.send_signal(signal.SIGTERM)
                try:
                    cluster.process.wait(10)
                except subprocess.TimeoutExpired:
                    cluster.process.kill()
        discord.stop()


def test_each_cluster_identifies_its_own_shards_within_the_buckets(
    deployment: Deployment,
) -> None:
    log = deployment.fake.identify_log
    assert sorted((i.shard_id, i.shard_count) for i in log) == [(s, SHARDS) for s in range(4)]
    for bucket in range(2):  # max_concurrency 2: shards 0 and 2, shards 1 and 3
        times = sorted(i.at for i in log if i.shard_id % 2 == bucket)
        assert times[1] - times[0] >= 5.0, f"bucket {bucket}: {times[1] - times[0]:.2f}s"
    gateway_bot = [r for r in deployment.fake.requests if r.path == "/api/v10/gateway/bot"]
    assert len(gateway_bot) == 2  # each cluster read max_concurrency once


def test_every_guild_is_answered_by_exactly_one_process(deployment: Deployment) -> None:
    for guild_id, _, name in GUILDS:
        question = f"When did the harbour bridge reopen, asks {name.replace(' ', '')}?"
        token, records = deployment.ask(guild_id, question)
        assert _title(records) == "Harbour bridge reopens after repairs"
        assert len([r for r in records if r.is_callback]) == 1
        assert len([r for r in records if _is_final(r)]) == 1
        assert deployment.fake.routed[token] == shard_of(guild_id, SHARDS)
        heard = [c for c in deployment.clusters if repr(question) in c.text()]
        assert [c.owns(guild_id) for c in heard] == [True], name


def test_an_article_ingested_by_the_cli_is_answered_by_both_clusters_within_5s(
    deployment: Deployment,
) -> None:
    path = _write_jsonl(deployment.folder / "comet.jsonl", NEW_ARTICLES[:1])
    result = subprocess.run(
        [sys.executable, "-m", "bot", "ingest", str(path), "--db", str(deployment.db)],
        env=_clean_env(), cwd=deployment.folder, capture_output=True, text=True, timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    ingested = time.monotonic()
    for cluster in deployment.clusters:
        guild_id = next(g for g, _, _ in GUILDS if cluster.owns(g))
        while True:
            _, records = deployment.ask(guild_id, "What did the observatory name the comet?")
            if _title(records) == "Observatory names a new comet":
                break
            assert time.monotonic() - ingested < VISIBLE_WITHIN, cluster.shard_ids
            time.sleep(0.1)
        assert time.monotonic() - ingested < VISIBLE_WITHIN


def test_kill_9_of_the_leader_loses_no_article_and_the_other_cluster_answers_and_leads(
    deployment: Deployment,
) -> None:
    leaders = [c for c in deployment.clusters if " leader: this process " in c.text()]
    assert len(leaders) == 1
    killed = leaders[0]
    survivor = next(c for c in deployment.clusters if c is not killed)
    stored = _check_database(deployment.db)
    path = _write_jsonl(deployment.folder / "glass.jsonl", NEW_ARTICLES[1:])
    subprocess.run([sys.executable, "-m", "bot", "ingest", str(path), "--db",
                    str(deployment.db)], env=_clean_env(), cwd=deployment.folder,
                   capture_output=True, timeout=60, check=True)
    killed.process.send_signal(signal.SIGKILL)  # while it catches up with that ingest
    killed.process.wait()
    assert _check_database(deployment.db) == stored + 1
    deployment.discord.wait_for(lambda _: " leader: this process " in survivor.text(), 20)
    for guild_id, _, _ in GUILDS:
        if not survivor.owns(guild_id):
            continue
        _, records = deployment.ask(guild_id, "When does the glassworks museum open?")
        if _title(records) != "Glassworks museum doubles its opening hours":  # not caught up
            time.sleep(VISIBLE_WITHIN)
            _, records = deployment.ask(guild_id, "When does the glassworks museum open?")
        assert _title(records) == "Glassworks museum doubles its opening hours"
        _, records = deployment.ask(guild_id, "When did the harbour bridge reopen?")
        assert _title(records) == "Harbour bridge reopens after repairs"
    assert "Traceback" not in survivor.text()
