"""Text repair: double-encoded UTF-8 undone only when unambiguous; surrogates replaced."""

from __future__ import annotations

import pytest

from corpus.readers.repair import repair_mojibake, sanitize_unicode


@pytest.mark.parametrize(
    ("damaged", "repaired"),
    [
        ("Der BÃ¼rgermeister erÃ¶ffnete die BrÃ¼cke.", "Der Bürgermeister eröffnete die Brücke."),
        ("He said itâ€™s fine â€” really.", "He said it’s fine — really."),
        ("Fuel costs Â£1.50.", "Fuel costs £1.50."),
        ("ÃƒÂ¼ber", "über"),
        ("ÐŸÑ€ÐµÐ·Ð¸Ð´ÐµÐ½Ñ‚", "Президент"),
        ("Line one BrÃ¼cke\nLine two cafÃ©", "Line one Brücke\nLine two café"),
    ],
)
def test_double_encoded_utf8_is_repaired(damaged: str, repaired: str) -> None:
    assert repair_mojibake(damaged) == repaired


@pytest.mark.parametrize(
    "text",
    [
        "„Große Straße“ wird gesperrt.",
        "JOSÉ” said nothing.",
        "CafÃ© and café on one line",  # mixed: ambiguous, left alone
        "Der Bürgermeister eröffnete die Brücke.",
        "Â",
    ],
)
def test_real_text_is_not_repaired(text: str) -> None:
    assert repair_mojibake(text) == text


def test_sanitize_unicode_pairs_surrogates_and_replaces_lone_ones() -> None:
    assert sanitize_unicode("a\ud83d\ude00b\ud800c\udfffd\ufdd0") == (
        "a\U0001f600b\ufffdc\ufffdd\ufffd")


def test_zero_width_space_mojibake_is_repaired() -> None:
    assert repair_mojibake("Zero\u00e2\u20ac\u2039width") == "Zero\u200bwidth"
