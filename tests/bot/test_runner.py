"""``newsdesk run`` / ``sync`` set-up: endpoints only when configured, the token stays secret."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path

import discord.gateway
import discord.http
import pytest

from bot.client import NewsBot, ShardedNewsBot, create_bot
from bot.config import Settings
from bot.runner import MISSING_TOKEN, point_discord_at, run_command

SECRET = "MTIz.secret-token-value"


@pytest.fixture
def restore_endpoints() -> Iterator[None]:
    base = discord.http.Route.BASE
    gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    yield
    discord.http.Route.BASE = base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = gateway


def test_unset_endpoints_change_nothing(restore_endpoints: None, db_path: Path) -> None:
    point_discord_at(Settings(db=db_path))
    assert discord.http.Route.BASE == "https://discord.com/api/v10"
    assert str(discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY) == "wss://gateway.discord.gg/"


def test_configured_endpoints_point_discord_py_at_them(
    restore_endpoints: None, db_path: Path
) -> None:
    point_discord_at(Settings(db=db_path, DISCORD_API_BASE="http://127.0.0.1:9/api/v10/",
                              DISCORD_GATEWAY_URL="ws://127.0.0.1:9/gateway"))
    assert discord.http.Route.BASE == "http://127.0.0.1:9/api/v10"
    gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    assert str(gateway) == "ws://127.0.0.1:9/gateway"


def test_token_is_in_no_repr(db_path: Path) -> None:
    settings = Settings(db=db_path, DISCORD_TOKEN=SECRET)
    bot = NewsBot(None, settings)
    for text in (repr(settings), str(settings), repr(settings.discord_token), repr(bot)):
        assert SECRET not in text


def test_missing_token_is_one_line_and_status_2(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = argparse.Namespace(command="run", guild_ready_timeout=2.0)
    assert run_command(args, Settings(db=db_path, DISCORD_TOKEN="  ")) == 2
    assert capsys.readouterr().err == MISSING_TOKEN + "\n"


def test_sharded_setting_picks_the_auto_sharded_bot(db_path: Path) -> None:
    assert type(create_bot(None, Settings(db=db_path, sharded=True))) is ShardedNewsBot
    assert type(create_bot(None, Settings(db=db_path))) is NewsBot
