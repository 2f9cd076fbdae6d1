"""When a feed is polled next: its interval, backoff after errors, Retry-After, jitter.

Pure functions of the feed's state and the clock; times are aware UTC datetimes and
durations are seconds.

- A good poll: the feed's interval (``every_minutes``), minus up to 10 % jitter, so feeds
  followed together spread out and a poll is never later than its interval (the lag target
  of one interval holds).
- A failed poll (network, HTTP error, malformed feed): the interval doubled for each
  consecutive failure, at most `MAX_BACKOFF` (or the interval, when that is longer), with
  the same jitter.
- 429 Too Many Requests / 503 Service Unavailable with ``Retry-After`` (seconds or an HTTP
  date): never before the time the site asked for (at most `MAX_RETRY_AFTER` ahead), nor
  before the backoff; jitter only ever adds time then.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

MAX_BACKOFF = 6 * 3600.0  # seconds: the longest wait after repeated failures
MAX_RETRY_AFTER = 24 * 3600.0  # seconds: a Retry-After further ahead is cut to this
JITTER = 0.1  # share of the delay


def utc_now() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """``moment`` as the stored ISO 8601 UTC form, to the second."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def parse_iso(text: str | None) -> datetime | None:
    """A stored ISO 8601 timestamp as an aware UTC datetime (None for None or garbage)."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def retry_after_seconds(value: str | None, now: datetime, *,
                        cap: float | None = MAX_RETRY_AFTER) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delta-seconds or an HTTP date.

    None when absent or unreadable; a date in the past gives 0; at most ``cap`` seconds
    (default `MAX_RETRY_AFTER`; None: what the site asked, uncapped).
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        asked = float(text)
    else:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        asked = max((when - now).total_seconds(), 0.0)
    return asked if cap is None else min(asked, cap)


def retry_after_note(asked: float | None) -> str:
    """``", retry after 900 s"`` for an error message; says so when `MAX_RETRY_AFTER` cut it.

    ``asked`` is the uncapped wait in seconds (None: no Retry-After, gives ``""``).
    """
    if asked is None:
        return ""
    if asked > MAX_RETRY_AFTER:
        return (f", asked to retry after {asked:.0f} s "
                f"(capped at {MAX_RETRY_AFTER / 3600:.0f} h)")
    return f", retry after {asked:.0f} s"


def backoff_seconds(every_minutes: int, failures: int) -> float:
    """The wait after ``failures`` consecutive failed polls (0: a good poll), unjittered."""
    interval = every_minutes * 60.0
    if failures <= 0:
        return interval
    return min(interval * 2.0 ** min(failures, 30), max(MAX_BACKOFF, interval))


def next_poll(
    now: datetime,
    every_minutes: int,
    failures: int,
    *,
    retry_after: float | None = None,
    rng: random.Random | None = None,
) -> datetime:
    """When to poll next after a poll ending at ``now`` (see the module docstring).

    ``failures`` counts consecutive failed polls including this one (0 after a good poll);
    ``retry_after`` is the site's Retry-After in seconds, if it sent one.
    """
    draw = (rng or random).random()
    delay = backoff_seconds(every_minutes, failures)
    if retry_after is not None and retry_after >= delay:
        return now + timedelta(seconds=retry_after + draw * JITTER * min(retry_after, 600.0))
    return now + timedelta(seconds=delay * (1.0 - JITTER * draw))


def is_due(next_poll_at: str | None, now: datetime) -> bool:
    """True when a feed whose next poll is ``next_poll_at`` should be polled at ``now``."""
    when = parse_iso(next_poll_at)
    return when is None or when <= now
