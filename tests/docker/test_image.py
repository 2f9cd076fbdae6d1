"""The image built from the project's Dockerfile answers, serves Discord, stops cleanly, upgrades.

Built once per module on a Debian bookworm base made with debootstrap (see conftest.py), run
with rootful podman in a throwaway store. The bot in the container talks to the project's fake
Discord on the host's 127.0.0.1 (``--network host``).
"""

from __future__ import annotations

import importlib.util
import json
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]

QUESTION = "What did Kim say about hostile forces?"
VOLUME = "newsdesk-test-data"
BOT = "newsdesk-test-bot"


def _fake_discord_module() -> ModuleType:
    if "fake_discord" in sys.modules:
        return sys.modules["fake_discord"]
    spec = importlib.util.spec_from_file_location(
        "fake_discord", REPO / "tests" / "bot" / "fake_discord.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["fake_discord"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def fake_discord() -> Iterator[Any]:
    module = _fake_discord_module()
    server = module.FakeDiscordThread().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def data_volume(podman: Any, image: str) -> str:
    podman("volume", "create", VOLUME)
    return VOLUME


def _plain(payload: Any) -> str:
    """A message payload as text, without Markdown emphasis (matched terms are bold)."""
    return json.dumps(payload, ensure_ascii=False).replace("*", "")


def _bot_log(podman: Any) -> str:
    result = podman("logs", BOT, check=False)
    return result.stdout + result.stderr


def _database_report(podman: Any, image: str, volume: str) -> str:
    """``newsdesk stats`` plus SQLite's integrity check of the database on ``volume``."""
    check = (
        "import sqlite3; db = sqlite3.connect('/data/newsdesk.db');"
        " print('integrity', db.execute('PRAGMA integrity_check').fetchone()[0])"
    )
    result = podman.run("-v", f"{volume}:/data", "--entrypoint", "sh", image, "-c",
                        f'newsdesk stats && python -c "{check}"')
    return result.stdout


def test_image_is_configured_for_deployment(podman: Any, image: str) -> None:
    inspected = json.loads(podman("image", "inspect", image).stdout)[0]
    config = inspected["Config"]
    assert config["User"] == "10001:10001"
    assert config["Entrypoint"] == ["newsdesk"]
    assert config["Cmd"] == ["run"]
    assert "/data" in config["Volumes"]
    assert "NEWSDESK_DB=/data/newsdesk.db" in config["Env"]
    assert not [env for env in config["Env"] if env.startswith("DISCORD_")]
    healthcheck = config.get("Healthcheck") or inspected["Healthcheck"]  # Docker's, podman's
    assert healthcheck["Test"] == ["CMD", "python", "-m", "bot.health"]


def test_image_holds_no_secrets_sources_or_build_tools(podman: Any, image: str) -> None:
    script = (
        "id -u; find / -xdev \\( -name .env -o -name .git -o -name '*.db'"
        " -o -name fake_discord.py -o -name newsdesk-src \\) -print;"
        " python -m pip --version 2>&1 | tail -n 1"
    )
    lines = podman.run("--entrypoint", "sh", image, "-c", script).stdout.splitlines()
    assert lines[0] == "10001"
    assert [line for line in lines[1:-1] if "/proc/" not in line] == []
    assert "No module named pip" in lines[-1]


def test_image_adds_under_300_mb_to_its_base(podman: Any, image: str) -> None:
    def size(name: str) -> int:
        return int(podman("image", "inspect", "--format", "{{.Size}}", name).stdout)

    added = size(image) - size(podman.base_image)
    assert added < 300_000_000, f"the Dockerfile adds {added / 1e6:.0f} MB (budget 300 MB)"


def test_ask_answers_from_the_bundled_article(podman: Any, image: str) -> None:
    answer = podman.run(image, "ask", QUESTION).stdout.replace("*", "")
    assert "hostile forces" in answer
    assert "The Hill" in answer


def test_bot_answers_ask_reports_healthy_and_stops_cleanly_on_sigterm(
    podman: Any, image: str, fake_discord: Any, data_volume: str
) -> None:
    fake = fake_discord.fake
    podman(
        "run", "--detach", "--name", BOT, *podman.run_flags,
        "--read-only", "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
        "--volume", f"{data_volume}:/data",
        "--env", f"DISCORD_TOKEN={fake.token}",
        "--env", f"DISCORD_API_BASE={fake.api_base}",
        "--env", f"DISCORD_GATEWAY_URL={fake.gateway_url}",
        "--env", "NEWSDESK_HEARTBEAT_INTERVAL=1",
        image,
    )
    try:
        try:
            fake_discord.call(fake.wait_ready(120), 130)
        except TimeoutError:
            pytest.fail(f"the bot never connected; log:\n{_bot_log(podman)[-3000:]}")
        payload = fake.slash("ask", {"question": QUESTION})
        fake_discord.send(payload)
        token = payload["token"]

        def answered(requests: list[Any]) -> list[Any] | None:
            mine = [r for r in requests if r.token == token]
            return mine if any("/webhooks/" in r.path for r in mine) else None

        exchange = fake_discord.wait_for(answered, 30)
        assert exchange[0].callback_type == 5  # deferred first
        answer = _plain(next(r for r in exchange if "/webhooks/" in r.path).message)
        assert "hostile forces" in answer
        assert "The Hill" in answer

        deadline = time.monotonic() + 30
        while (health := podman("healthcheck", "run", BOT, check=False)).returncode != 0:
            assert time.monotonic() < deadline, f"never healthy: {health.stdout}{health.stderr}"
            time.sleep(0.5)

        started = time.monotonic()
        podman("stop", "--time", "5", BOT, timeout=30)
        stopped_in = time.monotonic() - started
        state = podman("inspect", "--format", "{{.State.ExitCode}}", BOT).stdout.strip()
        logs = _bot_log(podman)
        assert state == "0", f"exit status {state}; log:\n{logs[-3000:]}"
        assert stopped_in < 5, f"stop took {stopped_in:.1f}s; log:\n{logs[-3000:]}"
        assert "Traceback" not in logs, logs[-3000:]
    finally:
        podman("rm", "--force", "--time", "0", BOT, check=False)

    report = _database_report(podman, image, data_volume)
    assert "integrity ok" in report
    assert "articles   1 " in report
    assert "questions  1 asked" in report


def test_upgraded_image_keeps_the_database_on_the_volume(
    podman: Any, image: str, data_volume: str
) -> None:
    podman.run("--volume", f"{data_volume}:/data",
               "--volume", f"{REPO / 'tests' / 'data'}:/articles:ro", image, "ingest", "/articles")
    upgraded = "localhost/newsdesk:upgraded"
    with tempfile.TemporaryDirectory(dir=podman.home / "tmp") as context:
        podman("build", "--format", "docker", "--pull=never", "--tag", upgraded, "--file", "-",
               context, stdin=f"FROM {image}\nLABEL newsdesk.test=upgraded\n".encode())
    assert podman("image", "inspect", "--format", "{{.Id}}", upgraded).stdout != podman(
        "image", "inspect", "--format", "{{.Id}}", image).stdout

    questions = f"{QUESTION}\nWhen did the harbour bridge reopen?\n"
    result = podman("run", "--rm", "--interactive", *podman.run_flags,
                    "--volume", f"{data_volume}:/data", upgraded, "ask", "--jsonl",
                    stdin=questions.encode())
    kim, bridge = (json.loads(line) for line in result.stdout.splitlines())
    assert kim["answer"]["article"]["source"] == "The Hill"
    assert bridge["answer"]["article"]["title"] == "Harbour bridge reopens after repairs"
    assert "integrity ok" in _database_report(podman, upgraded, data_volume)
