"""NewsBot: the discord.py client.

It loads the cogs, syncs commands only when asked, handles every app-command error in one
place, and keeps a heartbeat file fresh for container health checks.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from pathlib import Path
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.announce import Announcer
from bot.cogs.admin import CorpusCog
from bot.cogs.ask import AskCog
from bot.cogs.common import Interaction, report_error, send_ephemeral
from bot.cogs.options import GONE, option_problem
from bot.cogs.sources import SourcesCog
from bot.cogs.views import answer_expired
from bot.config import Settings
from bot.fetch import URLFetcher
from bot.identify import IdentifyGate, bucket_locks
from bot.service import AnswerService
from bot.shards import plan_shards

log = logging.getLogger(__name__)

_STALL_PROBE = 0.1  # seconds between event-loop stall probes
_STALL_WARNING = 0.25  # seconds: a stall longer than this is logged as a warning

# newsdesk never joins voice: silence discord.py's start-up warnings about voice libraries.
discord.VoiceClient.warn_nacl = False
discord.VoiceClient.warn_dave = False


class NewsTree(app_commands.CommandTree["NewsBot"]):
    """The command tree, with the one app-command error handler and the options check."""

    async def interaction_check(self, interaction: Interaction, /) -> bool:
        """Refuse, ephemerally, a command that is gone or options outside what it declares.

        Crafted interactions skip the Discord client's own checks, so the declared ranges,
        lengths and types of every command are enforced here too (see `option_problem`).
        """
        data: dict[str, Any] = interaction.data or {}  # type: ignore[assignment]
        kind = interaction.type
        if kind not in (discord.InteractionType.application_command,
                        discord.InteractionType.autocomplete) or data.get("type", 1) != 1:
            return True
        command = interaction.command
        if not isinstance(command, app_commands.Command):
            log.info("interaction for a command that no longer exists: /%s",
                     str(data.get("name", "?"))[:32])
            if kind is discord.InteractionType.application_command:
                await send_ephemeral(interaction, GONE)
            return False
        problem = option_problem(command, data.get("options", []),
                                 autocomplete=kind is discord.InteractionType.autocomplete)
        if problem is None:
            return True
        log.info("/%s refused: options outside their declared bounds", command.qualified_name)
        if kind is discord.InteractionType.application_command:
            await send_ephemeral(interaction, problem)
        else:
            with contextlib.suppress(discord.HTTPException):
                await interaction.response.autocomplete([])
        return False

    async def on_error(self, interaction: Interaction, error: app_commands.AppCommandError) -> None:
        """Answer (ephemerally, acknowledged or not), log the details, tell the user little."""
        if isinstance(error, app_commands.CommandNotFound):
            log.info("interaction for a command that no longer exists: /%s", error.name[:32])
            await send_ephemeral(interaction, GONE)
            return
        await report_error(interaction, error)


def _touch(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{time.time():.0f}\n", encoding="utf-8")


class NewsBot(commands.Bot):
    """The Discord front end of newsdesk.

    Parameters
    ----------
    service
        The answer service (``None`` only for ``newsdesk sync``, which never answers).
    settings
        The settings; ``dev_guild_id`` makes `setup_hook` sync the commands to that guild.
    serving
        False for ``newsdesk sync``: no start-up sync and no heartbeat.
    """

    def __init__(
        self,
        service: AnswerService | None,
        settings: Settings,
        *,
        serving: bool = True,
        fetcher: URLFetcher | None = None,
        **options: Any,
    ) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=discord.Intents.default(),
            allowed_mentions=discord.AllowedMentions.none(),
            tree_cls=NewsTree,
            **options,
        )
        self._service = service
        self.settings = settings
        self.announcer: Announcer | None = None
        if service is not None:
            self.attach(service)
        self.serving = serving
        self.fetcher = fetcher or URLFetcher(
            max_bytes=settings.fetch_max_bytes, timeout=settings.fetch_timeout
        )
        self.synced_to: list[int] = []
        self.live_views: set[int] = set()  # messages whose buttons a view still serves
        self.largest_stall = 0.0  # seconds: the longest the event loop was held up
        self._stall_watch: asyncio.Task[None] | None = None
        self._heartbeat: asyncio.Task[None] | None = None

    def __repr__(self) -> str:
        return f"<{type(self).__name__} serving={self.serving}>"

    def attach(self, service: AnswerService) -> None:
        """Give the bot its answer service (after login, before connecting).

        Also makes `announcer`, whose ``on_article`` the feed poller calls for each new
        article (see `bot.announce`).
        """
        self._service = service
        self.announcer = Announcer(
            self, service.store, per_minute=self.settings.announce_per_minute,
            shared_channel=self.settings.announce_channel,
        )

    @property
    def service(self) -> AnswerService:
        """Return the answer service; raises RuntimeError in sync-only mode."""
        if self._service is None:
            raise RuntimeError("this NewsBot was built without an AnswerService")
        return self._service

    async def load_cogs(self) -> None:
        """Add the command cogs (idempotent)."""
        for cog in (AskCog(self), SourcesCog(self), CorpusCog(self)):
            if self.get_cog(cog.qualified_name) is None:
                await self.add_cog(cog)

    async def on_interaction(self, interaction: Interaction) -> None:
        """Answer clicks on newsdesk buttons whose view expired (e.g. sent before a restart)."""
        await answer_expired(interaction, self.live_views)

    async def setup_hook(self) -> None:
        """Load the cogs, sync to the dev guild if set, start the heartbeat (once, after login).

        Commands are synced here only when a development guild is configured, and at most
        once per process: never in ``on_ready``, which fires again after every reconnect.
        """
        await self.load_cogs()
        if not self.serving:
            return
        guild_id = self.settings.dev_guild_id
        if guild_id is not None and guild_id not in self.synced_to:
            await self.sync_guild(guild_id)
        self._stall_watch = asyncio.create_task(self._watch_stalls(), name="newsdesk-stalls")
        if self.settings.heartbeat_file is not None:
            self._heartbeat = asyncio.create_task(
                self._beat(self.settings.heartbeat_file), name="newsdesk-heartbeat"
            )

    async def sync_guild(self, guild_id: int) -> list[app_commands.AppCommand]:
        """Copy the global commands to one guild and sync them there (instant for testing)."""
        guild = discord.Object(id=guild_id)
        self.tree.copy_global_to(guild=guild)
        try:
            synced = await self.tree.sync(guild=guild)
        except discord.Forbidden:
            log.warning(
                "could not sync commands to guild %s: invite the bot there with the "
                "applications.commands scope", guild_id,
            )
            return []
        except discord.HTTPException as error:
            log.warning("could not sync commands to guild %s: %s", guild_id, error)
            return []
        self.synced_to.append(guild_id)
        log.info("synced %d commands to guild %s", len(synced), guild_id)
        return synced

    def gateway_alive(self) -> bool:
        """Return True while the gateway is open and heartbeats are acknowledged."""
        ws = self.ws
        return (
            not self.is_closed()
            and ws is not None
            and ws.open
            and math.isfinite(self.latency)
        )

    async def _watch_stalls(self) -> None:
        """Measure how late the event loop wakes a 100 ms sleep; warn of stalls over 250 ms.

        A stall delays every interaction's first response (Discord allows 3 s) and the
        gateway heartbeat; the largest is logged when the bot closes.
        """
        loop = asyncio.get_running_loop()
        while not self.is_closed():
            asked = loop.time()
            await asyncio.sleep(_STALL_PROBE)
            stall = loop.time() - asked - _STALL_PROBE
            if stall > self.largest_stall:
                self.largest_stall = stall
            if stall > _STALL_WARNING:
                log.warning("the event loop was blocked for %.0f ms", stall * 1000)

    async def _beat(self, path: Path) -> None:
        """Refresh ``path`` every ``heartbeat_interval`` seconds while the gateway is alive."""
        while not self.is_closed():
            if self.gateway_alive():
                try:
                    await asyncio.to_thread(_touch, path)
                except OSError as error:
                    log.warning("cannot write heartbeat file %s: %s", path, error)
            await asyncio.sleep(self.settings.heartbeat_interval)

    async def on_ready(self) -> None:
        """Log the connection (fires again after reconnects; never syncs)."""
        user = self.user
        log.info("ready: connected as %s (id %s) to %d guilds",
                 user, user.id if user else "?", len(self.guilds))

    async def close(self) -> None:
        """Stop the heartbeat (removing its file), then close the Discord connection.

        The largest event-loop stall seen while serving is logged (INFO).
        """
        if self._stall_watch is not None:
            self._stall_watch.cancel()
            log.info("largest event-loop stall while serving: %.1f ms",
                     self.largest_stall * 1000)
            self._stall_watch = None
        if self.announcer is not None:
            await self.announcer.close()
        if self._heartbeat is not None:
            self._heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._heartbeat
            self._heartbeat = None
            if self.settings.heartbeat_file is not None:
                with contextlib.suppress(OSError):
                    await asyncio.to_thread(self.settings.heartbeat_file.unlink, missing_ok=True)
        await super().close()


class ShardedNewsBot(NewsBot, commands.AutoShardedBot):
    """NewsBot over discord.py's AutoShardedBot: every shard, or one cluster's slice.

    IDENTIFYs go through an `IdentifyGate` (Discord's ``max_concurrency`` buckets, shared by
    the clusters on one machine through lock files beside the database) instead of
    discord.py's fixed 5 s wait.
    """

    def __init__(self, service: AnswerService | None, settings: Settings, **options: Any) -> None:
        super().__init__(service, settings, **options)
        self.identify_gate = IdentifyGate(bucket_locks(settings.db))

    async def setup_hook(self) -> None:
        """As `NewsBot.setup_hook`, then read ``max_concurrency`` from ``GET /gateway/bot``."""
        await super().setup_hook()
        if not self.serving:
            return
        limits = await self.fetch_session_start_limits()
        self.identify_gate.max_concurrency = max(1, limits.max_concurrency)
        log.info("session starts: %d of %d left, max_concurrency %d", limits.remaining,
                 limits.total, limits.max_concurrency)

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """Wait for this shard's IDENTIFY bucket (see `bot.identify`)."""
        try:
            await self.identify_gate.wait(shard_id or 0)
        except OSError as error:
            log.warning("identify lock unavailable (%s): waiting 5 s instead", error)
            if not initial:
                await asyncio.sleep(5.0)

    def gateway_alive(self) -> bool:
        """Return True while every shard's connection is open."""
        return (
            not self.is_closed()
            and bool(self.shards)
            and all(not shard.is_closed() for shard in self.shards.values())
            and math.isfinite(self.latency)
        )

    async def close(self) -> None:
        """Close as `NewsBot.close`, then release any IDENTIFY bucket still held."""
        await super().close()
        await self.identify_gate.close()


def create_bot(
    service: AnswerService | None, settings: Settings, **options: Any
) -> NewsBot:
    """Build the bot ``settings`` ask for (see `bot.shards.plan_shards`).

    A `ShardedNewsBot` over this cluster's shards (every recommended shard when no count is
    set), or a plain `NewsBot` with ``NEWSDESK_SHARDED=false``. Raises `ShardError` for
    shard settings that cannot run.
    """
    plan = plan_shards(settings)
    if not plan.sharded:
        return NewsBot(service, settings, **options)
    if plan.shard_count is not None:
        options["shard_count"] = plan.shard_count
    if plan.shard_ids is not None:
        options["shard_ids"] = list(plan.shard_ids)
    return ShardedNewsBot(service, settings, **options)
