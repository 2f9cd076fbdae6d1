"""``newsdesk run`` (the Discord bot) and ``newsdesk sync`` (upload the slash commands)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import logging
import signal
import sys
from collections.abc import Awaitable, Coroutine
from typing import Any, TypeVar

import aiohttp
import discord
import discord.gateway
import discord.http
import yarl

from bot.client import NewsBot, create_bot
from bot.config import Settings
from bot.database import check_database
from bot.feeds.poller import FeedPoller
from bot.leader import Job, Leadership, TryLock, lock_for
from bot.retention import keep_pruning
from bot.service import AnswerService
from bot.shards import ShardError, plan_shards
from corpus.pg_url import redact

log = logging.getLogger(__name__)
T = TypeVar("T")

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
AUTHENTICATION_FAILED = 4004  # gateway close code for a bad token

MISSING_TOKEN = (
    "newsdesk: DISCORD_TOKEN is not set: put the bot token in the environment or in a .env "
    "file (see README, 'Run it on Discord')"
)
REJECTED_TOKEN = (
    "newsdesk: Discord rejected the token in DISCORD_TOKEN (401 Unauthorized): copy it again "
    "from the Developer Portal (Bot > Reset Token)"
)


MALFORMED_TOKEN = (
    "newsdesk: DISCORD_TOKEN has a space, line break or control character inside it: copy "
    "it again from the Developer Portal (Bot > Reset Token), on one line"
)


class _UsageError(Exception):
    """A configuration problem reported as one line and exit status 2."""


def _token(settings: Settings) -> str | None:
    secret = settings.discord_token
    value = secret.get_secret_value().strip() if secret is not None else ""
    return value or None


def point_discord_at(settings: Settings) -> None:
    """Send discord.py's REST calls and gateway connection to the configured bases.

    Only when ``DISCORD_API_BASE`` / ``DISCORD_GATEWAY_URL`` are set (tests point them at a
    fake Discord on 127.0.0.1); unset, discord.py's defaults are left untouched.
    """
    if settings.discord_api_base:
        base = settings.discord_api_base.rstrip("/")
        if yarl.URL(base).scheme not in {"http", "https"}:
            raise _UsageError("newsdesk: DISCORD_API_BASE must be an http(s) URL")
        discord.http.Route.BASE = base
    if settings.discord_gateway_url:
        gateway = yarl.URL(settings.discord_gateway_url)
        if gateway.scheme not in {"ws", "wss"}:
            raise _UsageError("newsdesk: DISCORD_GATEWAY_URL must be a ws(s) URL")
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = gateway


def run_command(args: argparse.Namespace, settings: Settings) -> int:
    """Run ``newsdesk run`` or ``newsdesk sync``; returns the exit status.

    A missing or rejected token is one line on stderr and status 2. SIGTERM and Ctrl-C
    close the Discord connection and the database, and give status 0.
    """
    token = _token(settings)
    if token is None:
        _say(MISSING_TOKEN)
        return EXIT_USAGE
    if any(char.isspace() or not char.isprintable() for char in token):
        _say(MALFORMED_TOKEN)
        return EXIT_USAGE
    try:
        if args.command == "run":
            log.info("running %s", plan_shards(settings).describe())
        point_discord_at(settings)
        if args.command == "sync":
            return _run_async(_sync(args, settings, token))
        return _run_async(_serve(args, settings, token))
    except (_UsageError, ShardError) as error:
        _say(str(error))
        return EXIT_USAGE
    except discord.LoginFailure:
        _say(REJECTED_TOKEN)
        return EXIT_USAGE
    except discord.PrivilegedIntentsRequired:
        _say("newsdesk: Discord refused an intent newsdesk asked for")
        return EXIT_USAGE
    except discord.ConnectionClosed as error:
        if error.code == AUTHENTICATION_FAILED:
            _say(REJECTED_TOKEN)
            return EXIT_USAGE
        _say(f"newsdesk: Discord closed the connection (code {error.code})")
        return EXIT_FAILED
    except (aiohttp.ClientError, discord.GatewayNotFound) as error:
        _say(f"newsdesk: cannot reach Discord ({type(error).__name__})")
        return EXIT_FAILED
    except discord.HTTPException as error:
        _say(f"newsdesk: Discord answered HTTP {error.status} ({error.response.reason}) "
             f"to {error.response.method} {error.response.url.path}: try again later")
        return EXIT_FAILED


def _say(line: str, *, error: bool = True) -> None:
    """Write one line for the operator (stderr for problems, stdout for results)."""
    stream = sys.stderr if error else sys.stdout
    stream.write(line + "\n")
    stream.flush()


def _run_async(main: Coroutine[Any, Any, int]) -> int:
    return asyncio.run(main)


def _install_stop_handlers(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for number in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # Windows: no handlers
            loop.add_signal_handler(number, stop.set)


async def _serve(args: argparse.Namespace, settings: Settings, token: str) -> int:
    """Log in, open the service, connect, and run until closed or SIGTERM/SIGINT arrives.

    A bad token fails at login, before the database is looked at; a missing database is
    not created unless allowed (see `bot.database`). SIGTERM is honoured at every stage: a
    login that hangs or an index build at start is cancelled at once.
    """
    stop = asyncio.Event()
    _install_stop_handlers(stop)
    options: dict[str, Any] = {}
    if getattr(args, "guild_ready_timeout", None) is not None:
        options["guild_ready_timeout"] = args.guild_ready_timeout
    bot = create_bot(None, settings, **options)
    service: AnswerService | None = None
    leadership: Leadership | None = None
    try:
        async with bot:
            service = await _until_stopped(_start(bot, settings, token), stop)
            if service is None:
                log.info("stopped while starting")
                return EXIT_OK
            leadership = Leadership(leader_lock(settings),
                                    background_jobs(service, settings, bot),
                                    retry=settings.leader_retry)
            leadership.start()
            running = asyncio.create_task(bot.connect(), name="newsdesk-discord")
            stopping = asyncio.create_task(stop.wait(), name="newsdesk-stop")
            done, _ = await asyncio.wait({running, stopping}, return_when=asyncio.FIRST_COMPLETED)
            if running in done:
                stopping.cancel()
                running.result()
                return EXIT_OK
            log.info("stopping: closing the Discord connection and the database")
            await bot.close()
            with contextlib.suppress(asyncio.CancelledError):
                await running
        return EXIT_OK
    finally:
        if leadership is not None:
            await leadership.close()
        if service is not None:
            await service.close()
        log.info("stopped")


async def _start(bot: NewsBot, settings: Settings, token: str) -> AnswerService:
    """Log in, check the database, then open the service (and its index) for ``bot``.

    Raises `_UsageError` for a database that may not be used or created.
    """
    await bot.login(token)
    verdict = await asyncio.to_thread(check_database, settings, "run")
    if verdict.problem is not None:
        raise _UsageError(verdict.problem)
    service = await AnswerService.open(settings, load_sample=verdict.load_sample)
    try:
        bot.attach(service)
        log.info("serving %d articles from %s", len(service.documents),
                 redact(str(settings.db)))
    except BaseException:
        await service.close()
        raise
    return service


async def _until_stopped(work: Awaitable[T], stop: asyncio.Event) -> T | None:
    """Await ``work`` unless ``stop`` is set first; then cancel it and return None.

    ``work``'s own exceptions propagate.
    """
    task = asyncio.ensure_future(work)
    stopping = asyncio.create_task(stop.wait(), name="newsdesk-stop")
    try:
        await asyncio.wait({task, stopping}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopping.cancel()
    if task.done():
        return task.result()
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    return None


def leader_lock(settings: Settings) -> TryLock:
    """The background-job lock (see `bot.leader.lock_for`).

    ``<db>.leader.lock`` beside SQLite, an advisory lock on PostgreSQL.
    """
    return lock_for(settings.db, "leader")


def background_jobs(
    service: AnswerService, settings: Settings, bot: NewsBot | None = None
) -> list[Job]:
    """Jobs only the leader process runs: retention, and feed polling.

    Retention when ``NEWSDESK_KEEP_DAYS`` is set (now and daily); feed polling
    (`bot.feeds.poller.FeedPoller.run`) unless ``NEWSDESK_FEEDS=off``. With ``bot``, the
    poller uses its fetcher and announces through its `bot.announce.Announcer` (only to
    servers whose shards this process holds).
    """
    jobs: list[Job] = []
    if settings.keep_days is not None:
        jobs.append(functools.partial(keep_pruning, service, settings))
    if settings.feeds:
        announcer = bot.announcer if bot is not None else None
        poller = FeedPoller(service, settings, fetcher=bot.fetcher if bot is not None else None,
                            on_article=announcer.on_article if announcer is not None else None)
        jobs.append(poller.run)
    return jobs


async def _sync(args: argparse.Namespace, settings: Settings, token: str) -> int:
    bot = NewsBot(None, settings, serving=False)
    async with bot:
        await bot.login(token)
        if args.guild is not None:
            synced = await bot.sync_guild(args.guild)
            if not synced:
                _say(f"newsdesk: could not sync to guild {args.guild} (see the log)")
                return EXIT_FAILED
            _say(f"synced {len(synced)} commands to guild {args.guild}", error=False)
        else:
            commands = await bot.tree.sync()
            _say(f"synced {len(commands)} commands globally "
                 "(Discord may take up to an hour to show changes)", error=False)
    return EXIT_OK
