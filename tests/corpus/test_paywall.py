"""Where a paywall prompt starts in a line: only at a sentence start, only near the end."""

from __future__ import annotations

from corpus.readers.paywall import paywall_start


def test_prompt_filling_the_line_starts_at_zero() -> None:
    assert paywall_start("Subscribe to continue reading.") == 0
    assert paywall_start("» Already a subscriber? Log in.") == 0


def test_prompt_ending_a_line_starts_after_the_last_real_sentence() -> None:
    line = "The city plans to sell its airport. To read the full story, subscribe now…"
    assert paywall_start(line) == line.index("To read")


def test_prompt_words_inside_a_sentence_are_not_a_prompt() -> None:
    assert paywall_start("Readers who subscribe to continue reading pay $5.") is None
    assert paywall_start("Netflix added 2 million subscribers in the quarter.") is None


def test_prompt_far_from_the_end_of_a_long_line_is_ignored() -> None:
    line = "Subscribe to continue reading. " + "The council met again on Monday. " * 20
    assert paywall_start(line) is None
