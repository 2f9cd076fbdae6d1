"""Which Discord shards this process runs: ``--shard-count N --shard-ids 0-1,3``.

A *cluster* is one ``newsdesk run`` process running an `AutoShardedBot` over a slice of the
shards. Discord routes a server's events to shard ``(guild_id >> 22) % shard_count``, so
clusters started with the same count and disjoint slices that cover ``0..N-1`` serve every
server exactly once. Without a count, one process runs every shard Discord recommends
(``GET /gateway/bot``). The values come from the command line or from
``NEWSDESK_SHARD_COUNT`` / ``NEWSDESK_SHARD_IDS`` (`bot.config.Settings`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.config import Settings

_RANGE = re.compile(r"(\d+)(?:-(\d+))?")
MAX_SHARDS = 65_536  # far above any real bot; a typo's guard, not Discord's rule


class ShardError(ValueError):
    """Shard settings that cannot run; the message is one line for the operator."""


@dataclass(frozen=True, slots=True)
class ShardPlan:
    """The shards one process runs.

    ``sharded``: run discord.py's `AutoShardedBot` (False: one plain gateway connection).
    ``shard_count``: total shards of the bot across every cluster (None: ask Discord).
    ``shard_ids``: this cluster's shard ids, ascending (None: all of ``0..shard_count-1``).
    """

    sharded: bool = True
    shard_count: int | None = None
    shard_ids: tuple[int, ...] | None = None

    def describe(self) -> str:
        """A short phrase for the log, e.g. ``shards 0, 1 of 4``."""
        if not self.sharded:
            return "one gateway connection (not sharded)"
        if self.shard_count is None:
            return "every shard Discord recommends"
        ids = self.shard_ids if self.shard_ids is not None else range(self.shard_count)
        return f"shards {', '.join(map(str, ids))} of {self.shard_count}"


def parse_shard_ids(text: str) -> tuple[int, ...]:
    """Shard ids from ``"0-3"``, ``"0-1,3"`` or ``"2"``: ascending, without repeats.

    Raises `ShardError` for an empty list, a part that is not ``N`` or ``N-M``, or a
    range whose end is below its start.
    """
    ids: set[int] = set()
    for part in (piece.strip() for piece in text.split(",")):
        if not part:
            continue
        match = _RANGE.fullmatch(part)
        if match is None:
            raise ShardError(f"newsdesk: shard ids {text.strip()!r}: {part!r} is not a number "
                             "or a range like 0-3")
        first = int(match.group(1))
        last = int(match.group(2)) if match.group(2) is not None else first
        if last < first:
            raise ShardError(f"newsdesk: shard ids {text.strip()!r}: range {part!r} ends "
                             "before it starts")
        if last >= MAX_SHARDS:
            raise ShardError(f"newsdesk: shard ids {text.strip()!r}: {last} is too large")
        ids.update(range(first, last + 1))
    if not ids:
        raise ShardError("newsdesk: --shard-ids (NEWSDESK_SHARD_IDS) is empty: give ids "
                         "like 0-3 or 0,2")
    return tuple(sorted(ids))


def plan_shards(settings: Settings) -> ShardPlan:
    """The `ShardPlan` of ``settings`` (``shard_count``, ``shard_ids``, ``sharded``).

    Raises `ShardError` (one line) when ids are given without a count, an id is outside
    ``0..shard_count-1``, or shards are asked for with ``NEWSDESK_SHARDED=false``.
    """
    count = settings.shard_count
    text = settings.shard_ids
    if not settings.sharded:
        if count is not None or text is not None:
            raise ShardError("newsdesk: --shard-count/--shard-ids need the sharded bot: "
                             "unset NEWSDESK_SHARDED=false")
        return ShardPlan(sharded=False)
    if text is not None and count is None:
        raise ShardError("newsdesk: --shard-ids (NEWSDESK_SHARD_IDS) needs --shard-count "
                         "(NEWSDESK_SHARD_COUNT), the bot's total number of shards")
    if count is None:
        return ShardPlan()
    if not 1 <= count <= MAX_SHARDS:
        raise ShardError(f"newsdesk: --shard-count must be from 1 to {MAX_SHARDS}, not {count}")
    if text is None:
        return ShardPlan(shard_count=count)
    ids = parse_shard_ids(text)
    outside = [shard for shard in ids if shard >= count]
    if outside:
        raise ShardError(f"newsdesk: shard id {outside[0]} is outside 0..{count - 1} "
                         f"(--shard-count {count})")
    return ShardPlan(shard_count=count, shard_ids=ids)
