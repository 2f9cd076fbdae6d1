"""The ``run`` and ``sync`` subcommands' arguments, and the settings they override.

``newsdesk run --shard-count N --shard-ids 0-1,3`` runs one cluster of a sharded bot (see
`bot.shards`); the flags override ``NEWSDESK_SHARD_COUNT`` / ``NEWSDESK_SHARD_IDS``.
"""

from __future__ import annotations

import argparse
from typing import Any


def _whole(text: str) -> int:
    """An argparse type: a whole number of at least 1 (ArgumentTypeError names the value)."""
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text!r}")
    return number


def add_discord_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    """Add ``run`` and ``sync`` to ``commands`` (``common``: the shared options)."""
    run = commands.add_parser("run", parents=[common], help="run the Discord bot",
                              description="Connect to Discord and answer slash commands until "
                              "Ctrl-C or SIGTERM (needs DISCORD_TOKEN). Without --shard-count, "
                              "one process runs every shard Discord recommends.")
    run.add_argument("--guild-ready-timeout", type=float, default=2.0, help=argparse.SUPPRESS)
    run.add_argument("--shard-count", type=_whole, default=None, metavar="N",
                     help="the bot's total number of shards, across all clusters "
                     "(default: $NEWSDESK_SHARD_COUNT, else what Discord recommends)")
    run.add_argument("--shard-ids", default=None, metavar="IDS",
                     help="the shards this cluster runs, e.g. 0-3 or 0-1,3 (needs "
                     "--shard-count; default: $NEWSDESK_SHARD_IDS, else all of them)")
    sync = commands.add_parser("sync", parents=[common],
                               help="upload slash commands to Discord (once, not every start)",
                               description="Upload the slash commands to Discord (needs "
                               "DISCORD_TOKEN; may run while the bot runs). Global commands "
                               "can take up to an hour to appear; --guild is instant.")
    sync.add_argument("--guild", type=int, help="sync to this guild only (instant)")


def run_overrides(args: argparse.Namespace) -> dict[str, Any]:
    """Settings fields the ``run`` flags set (empty for other commands or absent flags)."""
    overrides: dict[str, Any] = {}
    if getattr(args, "shard_count", None) is not None:
        overrides["shard_count"] = args.shard_count
    if getattr(args, "shard_ids", None) is not None:
        overrides["shard_ids"] = args.shard_ids
    return overrides
