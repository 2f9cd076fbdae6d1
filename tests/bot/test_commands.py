"""Every slash command (and option) has a description, and every command is in the README."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from discord import app_commands

from bot.client import NewsBot
from bot.config import Settings

README = Path(__file__).resolve().parents[2] / "README.md"
EXPECTED = {"ask", "sources", "article", "corpus add", "corpus remove", "corpus stats",
            "corpus follow", "corpus unfollow", "corpus feeds", "corpus announce"}


@pytest.fixture
async def bot(settings: Settings) -> AsyncIterator[NewsBot]:
    newsbot = NewsBot(None, settings, serving=False)
    await newsbot.load_cogs()
    yield newsbot
    await newsbot.close()


def _commands(bot: NewsBot) -> list[app_commands.Command[..., ..., None]]:
    return [c for c in bot.tree.walk_commands() if isinstance(c, app_commands.Command)]


async def test_the_command_set(bot: NewsBot) -> None:
    assert {c.qualified_name for c in _commands(bot)} == EXPECTED


async def test_every_command_and_option_has_a_description(bot: NewsBot) -> None:
    for command in bot.tree.walk_commands():
        assert command.description
        assert command.description != "…", command.qualified_name
    for command in _commands(bot):
        for parameter in command.parameters:
            assert parameter.description
            assert parameter.description != "…", f"{command.qualified_name} {parameter.name}"


async def test_every_command_appears_in_the_readme(bot: NewsBot) -> None:
    assert README.exists(), f"{README} is missing"
    readme = README.read_text(encoding="utf-8")
    missing = [f"/{c.qualified_name}" for c in _commands(bot)
               if f"/{c.qualified_name}" not in readme]
    assert not missing, f"commands not documented in README.md: {missing}"


async def test_admin_group_is_guild_only_and_needs_manage_server(bot: NewsBot) -> None:
    group = bot.tree.get_command("corpus")
    assert isinstance(group, app_commands.Group)
    assert group.guild_only
    assert group.default_permissions is not None
    assert group.default_permissions.manage_guild
