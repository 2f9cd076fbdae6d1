"""Feed subcommands: ``follow``, ``unfollow``, ``feeds`` (list), ``feeds poll``, ``feeds run``.

``follow`` records the feed and polls it once at once (``--no-poll`` skips that), so a
mistyped URL or a page that is not a feed shows up straight away; the feed stays followed
either way and is retried with backoff. ``feeds poll`` polls each followed feed that is due
(its interval, backoff and Retry-After passed; ``--all``: every one) once and exits: status
0 when every feed polled was read (new entries or not), 1 when any failed (the others are
stored all the same), for cron. It takes the leader lock without waiting: beside ``newsdesk
run``, ``feeds run`` or another ``feeds poll`` it polls nothing and exits 0. ``feeds run``
(and ``follow --daemon``) polls without Discord until SIGTERM or Ctrl-C; ``newsdesk run``
polls by itself (see `bot.runner.background_jobs`), so the two are not needed together.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Sequence
from datetime import datetime

from rich.table import Table

from bot.config import Settings
from bot.feeds.poller import FeedPoller
from bot.feeds.results import PollResult
from bot.feeds.schedule import is_due, parse_iso, utc_now
from bot.feeds.urls import check_feed_url
from bot.fetch import BlockedAddressError
from bot.leader import Leadership, lock_for
from bot.service import AnswerService
from bot.terminal import stdout_console
from corpus.backend import SHARED_SCOPE, Feed
from corpus.locations import open_store

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def is_guild_id(text: str) -> bool:
    """True for a Discord server id as ``--guild`` takes it: 1 to 20 ASCII digits."""
    return text.isascii() and text.isdigit() and len(text) <= 20


def _minutes(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number of minutes: {text!r}") from None
    if not 1 <= value <= 1440:
        raise argparse.ArgumentTypeError(f"must be from 1 to 1440 minutes, not {value}")
    return value


def add_feed_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    """Add ``follow``, ``unfollow`` and ``feeds`` to ``commands`` (handlers: `FEED_HANDLERS`)."""
    follow = commands.add_parser(
        "follow", parents=[common], help="follow an RSS or Atom feed",
        description="Follow an RSS/Atom feed: its new entries' articles are fetched, stored "
        "and answerable. Polls it once at once (unless --no-poll); `newsdesk run` or "
        "`newsdesk feeds run` keep polling it.")
    follow.add_argument("url", metavar="FEED_URL", help="the feed's http(s) URL")
    follow.add_argument("--every", type=_minutes, metavar="MINUTES",
                        help="minutes between polls (default $NEWSDESK_FEED_INTERVAL, 1)")
    follow.add_argument("--guild", metavar="ID",
                        help="store its articles for this Discord guild only (default: shared)")
    follow.add_argument("--no-poll", action="store_true", help="do not poll it now")
    follow.add_argument("--daemon", action="store_true",
                        help="then keep polling every feed until stopped (as 'feeds run')")
    unfollow = commands.add_parser(
        "unfollow", parents=[common], help="stop following a feed (its articles stay)",
        description="Stop following a feed, by URL or by the id 'newsdesk feeds' shows. "
        "Articles already stored stay (remove them with 'newsdesk remove').")
    unfollow.add_argument("feed", metavar="FEED_URL_OR_ID")
    unfollow.add_argument("--guild", metavar="ID", help="the guild that follows it")
    feeds = commands.add_parser(
        "feeds", parents=[common], help="list followed feeds; 'poll' or 'run' them",
        description="'newsdesk feeds' lists the followed feeds and their health; 'feeds "
        "poll' polls each feed that is due once and exits (status 1 if any failed; --all: "
        "every feed); 'feeds run' keeps polling until SIGTERM or Ctrl-C.")
    feeds.add_argument("action", nargs="?", choices=["list", "poll", "run"], default="list")
    feeds.add_argument("--guild", metavar="ID", help="only this guild's feeds ('shared': the "
                       "operator's)")
    feeds.add_argument("--all", "--now", dest="force", action="store_true",
                       help="poll: every feed now, due or not (default: only those due, so "
                       "a feed's interval, backoff and Retry-After hold under cron)")


# -- follow / unfollow ----------------------------------------------------------------------


async def _follow(args: argparse.Namespace, settings: Settings) -> int:
    scope = args.guild or SHARED_SCOPE
    async with await open_store(settings.db) as store:
        before = find_feed(await store.list_feeds(scopes=[scope]), args.url)
        # following again without --every keeps the feed's interval
        every = args.every or (before.every_minutes if before else settings.feed_interval)
        feed, created = await store.add_feed(args.url, scope=scope, every_minutes=every)
    where = "shared corpus" if scope == SHARED_SCOPE else f"guild {scope}"
    verb = "following"
    if not created:
        changed = before is not None and before.every_minutes != every
        verb = (f"already following (interval changed from {before.every_minutes} min)"
                if changed and before is not None else "already following")
    print(f"{verb} [{feed.feed_id}] {feed.url} for the {where}, every {every} min")
    status = EXIT_OK
    if not args.no_poll:
        status = await _first_poll(feed, settings)
    if args.daemon:
        return await _run_poller(settings)
    return status


async def _first_poll(feed: Feed, settings: Settings) -> int:
    """Poll a newly followed feed once, unless another process polls this database's feeds.

    The leader lock is taken without waiting, as ``feeds poll`` does: beside a running bot,
    that bot's poller fetches the feed (it is due at once), so it is not fetched twice.
    """
    lock = lock_for(settings.db, "leader")
    if not await lock.try_acquire():
        print("the newsdesk process that polls this database's feeds will poll it shortly")
        return EXIT_OK
    try:
        async with (await AnswerService.open(settings, load_sample=False) as service,
                    FeedPoller(service, settings, failure_level=logging.INFO) as poller):
            result = await poller.poll_feed(feed)
    finally:
        await lock.release()
    print(describe_poll(result))
    if result.error is None:
        return EXIT_OK
    print(f"newsdesk: the first poll failed; the feed stays followed and is retried "
          f"with backoff ('newsdesk unfollow {feed.feed_id}' to stop)", file=sys.stderr)
    return EXIT_FAILED


def follow_command(args: argparse.Namespace, settings: Settings) -> int:
    """``newsdesk follow FEED_URL``: check the URL, follow the feed, poll it once."""
    if args.guild is not None and not is_guild_id(args.guild):
        print("newsdesk follow: --guild must be a Discord server id (digits)", file=sys.stderr)
        return EXIT_USAGE
    try:
        args.url = check_feed_url(args.url, allow_loopback=settings.fetch_allow_loopback)
    except BlockedAddressError as error:
        print(f"newsdesk follow: {error}", file=sys.stderr)
        return EXIT_USAGE
    return asyncio.run(_follow(args, settings))


def find_feed(feeds: Sequence[Feed], wanted: str) -> Feed | None:
    """The feed whose id (digits) or URL is ``wanted``, or None."""
    wanted = wanted.strip()
    for feed in feeds:
        if (wanted.isdigit() and feed.feed_id == int(wanted)) or feed.url == wanted:
            return feed
    return None


async def _unfollow(args: argparse.Namespace, settings: Settings) -> int:
    scope = args.guild or SHARED_SCOPE
    async with await open_store(settings.db) as store:
        feed = find_feed(await store.list_feeds(scopes=[scope]), args.feed)
        if feed is None:
            other = find_feed(await store.list_feeds(), args.feed)
            hint = ""
            if other is not None:
                hint = (" (the operator's: leave out --guild)" if other.scope == SHARED_SCOPE
                        else f" (guild {other.scope} follows it: add --guild {other.scope})")
            print(f"newsdesk unfollow: no such feed in {_scope_name(scope)}{hint}",
                  file=sys.stderr)
            return EXIT_FAILED
        await store.remove_feed(feed.feed_id, scope=scope)
    print(f"unfollowed [{feed.feed_id}] {feed.url}: its "
          f"{plural(feed.entries_stored, 'stored article stays', 'stored articles stay')}")
    return EXIT_OK


def unfollow_command(args: argparse.Namespace, settings: Settings) -> int:
    """``newsdesk unfollow FEED_URL_OR_ID``."""
    return asyncio.run(_unfollow(args, settings))


# -- feeds: list, poll, run -----------------------------------------------------------------


def _scope_name(scope: str) -> str:
    return "the shared corpus" if scope == SHARED_SCOPE else f"guild {scope}"


def when(stamp: str | None, now: datetime | None = None) -> str:
    """A stored timestamp for people: ``2026-12-02 08:01 UTC (3 min ago)``; ``never``."""
    moment = parse_iso(stamp)
    if moment is None:
        return "never"
    seconds = ((now or utc_now()) - moment).total_seconds()
    span = abs(seconds)
    amount = (f"{span:.0f} s" if span < 120 else f"{span / 60:.0f} min" if span < 7200
              else f"{span / 3600:.0f} h" if span < 172_800 else f"{span / 86400:.0f} days")
    relative = f"{amount} ago" if seconds >= 0 else f"in {amount}"
    return f"{moment:%Y-%m-%d %H:%M:%S} UTC ({relative})"


def feed_lines(feed: Feed, now: datetime | None = None) -> list[str]:
    """The plain-text description of one feed in ``newsdesk feeds``."""
    title = f" · {feed.title}" if feed.title else ""
    lines = [f"[{feed.feed_id}] {feed.url}{title}",
             f"    {_scope_name(feed.scope)} · every {feed.every_minutes} min · "
             f"{plural(feed.entries_stored, 'entry', 'entries')} stored",
             f"    last poll {when(feed.last_poll_at, now)} · last new entry "
             f"{when(feed.last_new_at, now)}",
             f"    next poll due {when(feed.next_poll_at, now)}"
             if feed.next_poll_at else "    next poll due now"]
    if feed.last_error:
        state = (f"failing, {feed.failures} in a row" if feed.failures
                 else "recovered since")
        lines.append(f"    last error {when(feed.last_error_at, now)}: {feed.last_error} "
                     f"({state})")
    return lines


def _table(feeds: Sequence[Feed]) -> Table:
    table = Table(show_lines=True)
    for column in ("id", "feed", "scope", "last poll", "last new entry", "stored",
                   "next poll", "last error"):
        table.add_column(column, overflow="fold")
    for feed in feeds:
        error = "" if not feed.last_error else (
            f"{feed.last_error} ({when(feed.last_error_at)}"
            f"{f', {feed.failures} in a row' if feed.failures else ', recovered'})")
        table.add_row(str(feed.feed_id), feed.url + (f"\n{feed.title}" if feed.title else ""),
                      feed.scope, when(feed.last_poll_at), when(feed.last_new_at),
                      str(feed.entries_stored), when(feed.next_poll_at),
                      error, style="red" if feed.failures else None)
    return table


def feed_summary(feeds: Sequence[Feed]) -> str | None:
    """One line for ``newsdesk stats``: counts and health of the followed feeds (None: none)."""
    if not feeds:
        return None
    failing = sum(1 for feed in feeds if feed.failures)
    stored = sum(feed.entries_stored for feed in feeds)
    polls = [feed.last_poll_at for feed in feeds if feed.last_poll_at]
    last = f"; last poll {when(max(polls))}" if polls else "; never polled"
    return (f"{len(feeds)} followed, {failing} failing, "
            f"{plural(stored, 'entry', 'entries')} stored{last}")


def describe_poll(result: PollResult) -> str:
    """One line per feed for ``feeds poll`` and ``follow``."""
    head = f"[{result.feed.feed_id}] {result.feed.url}: "
    if result.status == "error":
        return head + f"error: {result.error}"
    if result.status == "not_modified":
        return head + "not modified"
    parts = [f"{len(result.added)} new" + (f" ({result.excerpts} from the feed's summary)"
                                           if result.excerpts else "")]
    if result.updated:
        parts.append(f"{result.updated} updated")
    if result.duplicates:
        parts.append(f"{result.duplicates} already stored")
    if result.empty:
        parts.append(f"{result.empty} without text")
    if result.left:
        parts.append(f"{result.left} left for the next poll")
    return head + ", ".join(parts)


async def _list(settings: Settings, scopes: list[str] | None) -> int:
    async with await open_store(settings.db) as store:
        feeds = await store.list_feeds(scopes=scopes)
    if not feeds:
        print("no feeds followed: add one with 'newsdesk follow FEED_URL'")
        return EXIT_OK
    console = stdout_console()
    if console.is_terminal:
        console.print(_table(feeds))
    else:
        now = utc_now()
        for feed in feeds:
            print("\n".join(feed_lines(feed, now)))
    return EXIT_OK


def plural(count: int, one: str, many: str) -> str:
    """``1 entry`` / ``2 entries``: ``count`` with the right form of the noun."""
    return f"{count} {one if count == 1 else many}"


async def _poll_due(settings: Settings, scopes: list[str] | None, *, force: bool) -> int:
    async with await AnswerService.open(settings, load_sample=False) as service:
        feeds = await service.store.list_feeds(scopes=scopes)
        if not feeds:
            print("no feeds followed: add one with 'newsdesk follow FEED_URL'")
            return EXIT_OK
        now = utc_now()
        due = [feed for feed in feeds if force or is_due(feed.next_poll_at, now)]
        results: list[PollResult] = []
        if due:
            # each result is printed below: the poller's own failure line only with -v
            async with FeedPoller(service, settings, failure_level=logging.INFO) as poller:
                results = await poller.poll_all(due)
    for result in results:
        print(describe_poll(result), flush=True)
    waiting = [feed for feed in feeds if feed not in due]
    for feed in waiting:
        print(f"[{feed.feed_id}] {feed.url}: not due until {when(feed.next_poll_at, now)}")
    failed = sum(result.status == "error" for result in results)
    added = sum(len(result.added) for result in results)
    later = f", {len(waiting)} not due yet (--all polls them now)" if waiting else ""
    print(f"polled {plural(len(results), 'feed', 'feeds')}: "
          f"{plural(added, 'new article', 'new articles')}, {failed} failed{later}")
    return EXIT_FAILED if failed else EXIT_OK


async def _poll(settings: Settings, scopes: list[str] | None, *, force: bool) -> int:
    """Poll the due feeds once (all with ``force``), unless another process polls them.

    Takes the leader lock of ``newsdesk run`` / ``feeds run`` without waiting: while
    another process holds it, that one polls the feeds, and this says so and exits 0.
    """
    lock = lock_for(settings.db, "leader")
    if not await lock.try_acquire():
        print("another newsdesk process (run or feeds run/poll) polls the feeds of this "
              "database: nothing polled")
        return EXIT_OK
    try:
        return await _poll_due(settings, scopes, force=force)
    finally:
        await lock.release()


async def _run_poller(settings: Settings) -> int:
    """Poll until SIGTERM/SIGINT; the poll in progress is cancelled between whole articles."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for number in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(number, stop.set)
    store = await open_store(settings.db)
    service = AnswerService(store, settings)
    poller = FeedPoller(service, settings, index=False)
    # the same lock `newsdesk run` campaigns for: beside a running bot this one waits
    leadership = Leadership(lock_for(settings.db, "leader"), [poller.run],
                            retry=settings.leader_retry,
                            name="feed poller")
    try:
        leadership.start()
        print("polling followed feeds until SIGTERM or Ctrl-C", file=sys.stderr, flush=True)
        waiting = asyncio.create_task(leadership.became_leader.wait())
        stopping = asyncio.create_task(stop.wait())
        await asyncio.wait({waiting, stopping}, timeout=2 * settings.leader_retry + 1,
                           return_when=asyncio.FIRST_COMPLETED)
        if not leadership.leading and not stop.is_set():
            print("another newsdesk process polls the feeds of this database: standing by "
                  "until it stops", file=sys.stderr, flush=True)
        await stopping
        waiting.cancel()
    finally:
        await leadership.close()
        await service.close()
    print("stopped", file=sys.stderr)
    return EXIT_OK


def feeds_command(args: argparse.Namespace, settings: Settings) -> int:
    """``newsdesk feeds [list|poll|run]``."""
    scopes = [args.guild] if args.guild else None
    if args.action == "poll":
        return asyncio.run(_poll(settings, scopes, force=args.force))
    if args.action == "run":
        return asyncio.run(_run_poller(settings))
    return asyncio.run(_list(settings, scopes))


FEED_HANDLERS = {"follow": follow_command, "unfollow": unfollow_command,
                 "feeds": feeds_command}
