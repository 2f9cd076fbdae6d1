"""What one poll of one feed did (`PollResult`), and the order entries are taken in."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from corpus.backend import Feed
from corpus.readers.feeds import FeedEntry

PollStatus = Literal["ok", "not_modified", "error"]


@dataclass(frozen=True, slots=True)
class PollResult:
    """What one poll of one feed did.

    ``added`` holds the ids of articles newly stored; ``updated`` counts articles stored
    again with new content; ``duplicates`` entries whose article was already stored (same
    URL or content in the scope); ``excerpts`` how many of the stored ones are the feed's
    own text (their page gave nothing); ``empty`` entries with no text anywhere; ``left``
    new entries left for the next poll (over the cap or the time budget). ``error`` is the
    one-line reason of a failed poll. Times are ISO 8601 UTC.
    """

    feed: Feed
    status: PollStatus
    polled_at: str
    next_poll_at: str
    added: tuple[int, ...] = ()
    updated: int = 0
    duplicates: int = 0
    excerpts: int = 0
    empty: int = 0
    left: int = 0
    error: str | None = None
    seconds: float = 0.0

    @property
    def stored(self) -> int:
        """Articles added or updated by this poll."""
        return len(self.added) + self.updated


@dataclass(slots=True)
class Tally:
    """Counts kept while one poll runs (see `PollResult`)."""

    added: list[int] = field(default_factory=list)
    updated: int = 0
    duplicates: int = 0
    excerpts: int = 0
    empty: int = 0
    left: int = 0


def newest_first(entries: Iterable[FeedEntry]) -> list[FeedEntry]:
    """Entries by date, newest first (feed order within a day; undated ones last)."""
    return sorted(entries, key=lambda entry: entry.published or "", reverse=True)


def unique(entries: Sequence[FeedEntry]) -> list[FeedEntry]:
    """``entries`` without repeated keys (the first of each kept)."""
    seen: set[str] = set()
    kept: list[FeedEntry] = []
    for entry in entries:
        if entry.key not in seen:
            seen.add(entry.key)
            kept.append(entry)
    return kept
