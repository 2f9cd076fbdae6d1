"""When feeds are polled next: interval with jitter, backoff, Retry-After."""

import random
from datetime import UTC, datetime, timedelta

import pytest

from bot.feeds.schedule import (
    MAX_BACKOFF,
    MAX_RETRY_AFTER,
    backoff_seconds,
    is_due,
    iso,
    next_poll,
    parse_iso,
    retry_after_note,
    retry_after_seconds,
)

NOW = datetime(2026, 6, 1, 12, 0, 0, tzinfo=UTC)


def test_a_good_poll_waits_the_interval_minus_at_most_ten_percent():
    gaps = [(next_poll(NOW, 5, 0, rng=random.Random(seed)) - NOW).total_seconds()
            for seed in range(200)]
    assert all(270 <= gap <= 300 for gap in gaps)
    assert max(gaps) - min(gaps) > 10  # jittered


def test_backoff_doubles_per_failure_up_to_the_cap():
    assert [backoff_seconds(1, n) for n in range(4)] == [60, 120, 240, 480]
    assert backoff_seconds(1, 50) == MAX_BACKOFF
    assert backoff_seconds(1440, 3) == 1440 * 60  # an interval over the cap is kept


def test_retry_after_in_seconds_or_as_a_date():
    assert retry_after_seconds("120", NOW) == 120
    assert retry_after_seconds("Mon, 01 Jun 2026 13:00:00 GMT", NOW) == 3600
    assert retry_after_seconds("Mon, 01 Jun 2026 11:00:00 GMT", NOW) == 0  # in the past
    assert retry_after_seconds("99999999", NOW) == MAX_RETRY_AFTER
    assert retry_after_seconds("soon", NOW) is None
    assert retry_after_seconds(None, NOW) is None


@pytest.mark.parametrize("seed", range(20))
def test_retry_after_is_never_cut_by_jitter(seed):
    due = next_poll(NOW, 1, 1, retry_after=900, rng=random.Random(seed))
    assert due >= NOW + timedelta(seconds=900)
    short = next_poll(NOW, 1, 3, retry_after=5, rng=random.Random(seed))
    assert short >= NOW + timedelta(seconds=480 * 0.9)  # the backoff wins over a short ask


def test_due_times_round_trip():
    assert parse_iso(iso(NOW)) == NOW
    assert is_due(None, NOW)
    assert is_due(iso(NOW), NOW)
    assert not is_due(iso(NOW + timedelta(seconds=1)), NOW)


def test_retry_after_uncapped_and_its_note_say_what_the_site_asked_for():
    assert retry_after_seconds("99999999", NOW, cap=None) == 99999999
    assert retry_after_note(None) == ""
    assert retry_after_note(900.0) == ", retry after 900 s"
    assert retry_after_note(99999999.0) == ", asked to retry after 99999999 s (capped at 24 h)"
