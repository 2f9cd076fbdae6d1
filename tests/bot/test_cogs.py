"""The cogs' handlers with fake interaction objects: DISC-01 (defer first; an expired
interaction stops quietly), the one error handler, and DISC-07 (sync once in setup_hook)."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import Any

import discord
import pytest

from bot.client import NewsBot
from bot.cogs.ask import AskCog
from bot.cogs.common import report_error
from bot.config import Settings
from bot.errors import GENERIC
from retrieval.tokenization import tokenize
from retrieval.types import Answer, Document, ScoredPassage, Sentence


class FakeHTTPResponse:
    def __init__(self, status: int) -> None:
        self.status = status
        self.reason = "Not Found"


def unknown_interaction() -> discord.NotFound:
    return discord.NotFound(FakeHTTPResponse(404), {"code": 10062,  # type: ignore[arg-type]
                                                   "message": "Unknown interaction"})


class FakeResponse:
    def __init__(self, events: list[tuple[str, float, dict[str, Any]]],
                 fail: Exception | None = None) -> None:
        self.events = events
        self.fail = fail
        self.type: discord.InteractionResponseType | None = None

    def is_done(self) -> bool:
        return self.type is not None

    async def defer(self, **options: Any) -> None:
        self.events.append(("defer", time.monotonic(), options))
        if self.fail is not None:
            raise self.fail
        self.type = discord.InteractionResponseType.deferred_channel_message

    async def send_message(self, content: str | None = None, **options: Any) -> None:
        self.events.append(("send_message", time.monotonic(), {"content": content, **options}))
        self.type = discord.InteractionResponseType.channel_message


class FakeFollowup:
    def __init__(self, events: list[tuple[str, float, dict[str, Any]]]) -> None:
        self.events = events

    async def send(self, content: str | None = None, **options: Any) -> Any:
        self.events.append(("followup", time.monotonic(), {"content": content, **options}))
        return SimpleNamespace(id=99)


class FakeInteraction:
    def __init__(self, client: Any, *, fail: Exception | None = None) -> None:
        self.events: list[tuple[str, float, dict[str, Any]]] = []
        self.id = 123456
        self.client = client
        self.guild_id = 42
        self.user = SimpleNamespace(id=7)
        self.created_at = datetime(2026, 2, 21, 9, 30, tzinfo=UTC)
        self.app_permissions = discord.Permissions(embed_links=True)
        self.extras: dict[str, Any] = {}
        self.command = None
        self.type = discord.InteractionType.application_command
        self.response = FakeResponse(self.events, fail)
        self.followup = FakeFollowup(self.events)

    async def delete_original_response(self) -> None:
        self.events.append(("delete", time.monotonic(), {}))


def _answer(question: str) -> Answer:
    text = "The bridge reopened on Saturday after repairs."
    sentence = Sentence(0, 0, 0, len(text), text)
    document = Document(1, "Bridge reopens", "Example Times", "https://news.example/b",
                        "2026-04-04", (sentence,))
    hit = ScoredPassage(document, 0, (sentence,), 2.0, 1)
    return Answer(question, tuple(tokenize(question)), (hit,))


class SlowService:
    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.calls: list[float] = []
        self.options: list[dict[str, Any]] = []

    async def answer(self, query: str, **options: Any) -> Answer:
        self.calls.append(time.monotonic())
        self.options.append(options)
        await asyncio.sleep(self.delay)
        return _answer(query)


def _client(service: Any, settings: Settings) -> Any:
    return SimpleNamespace(service=service, settings=settings, live_views=set())


async def test_disc_01_defers_before_the_slow_search_then_follows_up(settings: Settings) -> None:
    service = SlowService(delay=0.5)
    interaction = FakeInteraction(_client(service, settings))
    cog = AskCog(interaction.client)
    started = time.monotonic()
    await cog.ask.callback(cog, interaction, "When did the bridge reopen?")  # type: ignore[arg-type]
    kinds = [kind for kind, _, _ in interaction.events]
    assert kinds == ["defer", "followup"]
    defer_at, followup_at = interaction.events[0][1], interaction.events[1][1]
    assert defer_at - started < 0.1
    assert defer_at <= service.calls[0]
    assert followup_at - started >= 0.5
    assert interaction.events[0][2]["thinking"] is True
    sent = interaction.events[1][2]
    assert sent["embed"].title == "Bridge reopens"
    assert sent["allowed_mentions"].to_dict() == {"parse": []}


async def test_ask_answers_as_of_the_interaction_day(settings: Settings) -> None:
    service = SlowService(delay=0)
    interaction = FakeInteraction(_client(service, settings))
    cog = AskCog(interaction.client)
    await cog.ask.callback(cog, interaction, "what are ferry fares now?")  # type: ignore[arg-type]
    assert service.options[0]["as_of"] == date(2026, 2, 21)


async def test_disc_01_expired_interaction_logs_one_warning_and_stops(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    service = SlowService(delay=0)
    interaction = FakeInteraction(_client(service, settings), fail=unknown_interaction())
    cog = AskCog(interaction.client)
    with caplog.at_level(logging.DEBUG):
        await cog.ask.callback(cog, interaction, "When did the bridge reopen?")  # type: ignore[arg-type]
    assert [kind for kind, _, _ in interaction.events] == ["defer"]
    assert service.calls == []
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1
    assert "10062" in warnings[0].getMessage()


async def test_error_handler_replies_before_acknowledgement(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    interaction = FakeInteraction(_client(None, settings))
    with caplog.at_level(logging.INFO):
        await report_error(interaction, RuntimeError("database row 17 exploded"))  # type: ignore[arg-type]
    (kind, _, sent), = interaction.events
    assert kind == "send_message"
    assert sent["ephemeral"] is True
    assert sent["content"] == GENERIC
    assert any(r.exc_info for r in caplog.records if r.levelno == logging.ERROR)


async def test_error_handler_replies_after_a_public_deferral(settings: Settings) -> None:
    interaction = FakeInteraction(_client(None, settings))
    await interaction.response.defer(thinking=True)
    await report_error(interaction, TimeoutError())  # type: ignore[arg-type]
    kinds = [kind for kind, _, _ in interaction.events]
    assert kinds == ["defer", "delete", "followup"]
    followup = interaction.events[-1][2]
    assert followup["ephemeral"] is True
    assert followup["content"] == "That took too long. Please try again in a moment."


async def test_error_handler_does_not_answer_an_expired_interaction(settings: Settings) -> None:
    interaction = FakeInteraction(_client(None, settings))
    await report_error(interaction, unknown_interaction())  # type: ignore[arg-type]
    assert interaction.events == []


async def test_disc_07_sync_once_in_setup_hook_never_in_on_ready(db_path: Any) -> None:
    settings = Settings(db=db_path, dev_guild_id=1234)
    bot = NewsBot(None, settings)
    synced: list[Any] = []

    async def fake_sync(*, guild: Any = None) -> list[Any]:
        synced.append(guild)
        return []

    bot.tree.sync = fake_sync  # type: ignore[method-assign]
    async with bot:  # sets up the loop as login would
        await bot.setup_hook()
        for _ in range(5):
            await bot.on_ready()
            bot.dispatch("ready")
        await bot.setup_hook()
        await asyncio.sleep(0.05)
    assert [guild.id for guild in synced] == [1234]
    assert {c.name for c in bot.tree.get_commands(guild=discord.Object(1234))} == {
        "ask", "sources", "article", "corpus"}


async def test_disc_07_no_dev_guild_means_no_sync_at_start(settings: Settings) -> None:
    bot = NewsBot(None, settings)
    synced: list[Any] = []

    async def fake_sync(*, guild: Any = None) -> list[Any]:
        synced.append(guild)
        return []

    bot.tree.sync = fake_sync  # type: ignore[method-assign]
    await bot.setup_hook()
    assert synced == []
    await bot.close()
