"""The unmodified discord.py client in this process, connected to `FakeDiscord` on 127.0.0.1.

`connected_bot` opens a real `AnswerService` on a fresh database, points discord.py's REST
base and gateway at the fake (restored afterwards), logs the `NewsBot` in, connects it and
waits until the fake's guilds are in its cache. Interactions go through the fake's gateway;
what the bot sends is in ``fake.requests`` (and channel posts in ``fake.channel_posts``).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import discord.gateway
import discord.http
import yarl

from bot.client import NewsBot
from bot.config import Settings
from bot.service import AnswerService
from tests.bot.fake_discord import TOKEN, FakeDiscord, Recorded

T = TypeVar("T")


@dataclass
class Live:
    """A connected bot, its service and the fake Discord it talks to."""

    bot: NewsBot
    service: AnswerService
    fake: FakeDiscord

    async def send(self, payload: dict[str, Any]) -> str:
        """Dispatch an interaction; returns its token."""
        await self.fake.dispatch_interaction(payload)
        return str(payload["token"])

    async def wait_for(self, predicate: Callable[[], T | None], seconds: float = 10) -> T:
        """Poll ``predicate`` until it returns something truthy."""
        deadline = time.monotonic() + seconds
        while not (found := predicate()):
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {seconds}s waiting for the bot")
            await asyncio.sleep(0.02)
        return found

    async def reply(self, payload: dict[str, Any], seconds: float = 10) -> Recorded:
        """The message that answers ``payload`` (initial message, or followup after a defer)."""
        token = await self.send(payload)

        def final() -> Recorded | None:
            for record in self.fake.for_token(token):
                if record.callback_type in (4, 7, 8) or (
                        record.method == "POST" and "/webhooks/" in record.path):
                    return record
            return None
        return await self.wait_for(final, seconds)


@contextlib.asynccontextmanager
async def connected_bot(db: Path, **settings: Any) -> AsyncIterator[Live]:
    """A `Live` bot on ``db`` with these extra settings; closed and restored on exit."""
    fake = FakeDiscord(heartbeat_interval=1000)
    await fake.start()
    base = discord.http.Route.BASE
    gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    discord.http.Route.BASE = fake.api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)
    options = Settings(db=db, persist_index=False, refresh_interval=0, **settings)
    service = await AnswerService.open(options, load_sample=False)
    bot = NewsBot(service, options, guild_ready_timeout=0.1)
    try:
        async with bot:
            await bot.login(TOKEN)
            running = asyncio.create_task(bot.connect(reconnect=False))
            try:
                async with asyncio.timeout(20):
                    await bot.wait_until_ready()
                yield Live(bot, service, fake)
            finally:
                await bot.close()
                with contextlib.suppress(asyncio.CancelledError, discord.ConnectionClosed):
                    await running
    finally:
        await service.close()
        await fake.stop()
        discord.http.Route.BASE = base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = gateway
