"""Line-level boilerplate removal and text normalisation."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.boilerplate import (
    clean_body,
    has_paywall_marker,
    is_boilerplate_line,
    normalize_text,
    strip_boilerplate,
)

SAMPLE = Path(__file__).resolve().parents[2] / "corpus" / "data" / "xi-kim-treaty-anniversary.md"


def seed_text() -> str:
    """The seed article as shipped: the bundled sample without its front matter."""
    return SAMPLE.read_text(encoding="utf-8").split("\n---\n", 1)[1]


def test_seed_article_keeps_every_paragraph_and_loses_its_boilerplate() -> None:
    raw = seed_text()
    cleaned = strip_boilerplate(raw)
    real = [p.strip() for p in raw.split("\n\n") if len(p.strip()) > 80 and "Tags" not in p
            and "Copyright" not in p]
    assert len(real) == 11
    kept = cleaned.split("\n\n")
    assert kept[1:] == [normalize_text(p) for p in real]
    assert kept[0] == (
        "Xi, Kim vow to strengthen North Korea and China\u2019s friendship, cooperation")
    for junk in ("Getty Images", "Tags China", "Copyright 2023", "All rights reserved",
                 "See all", "Most Popular", "Load more"):
        assert junk not in cleaned


@pytest.mark.parametrize(
    "line",
    [
        "Getty Images", "AP Photo/Evan Vucci", "AP Photo/J. Scott Applewhite",
        "(Photo: Jane Doe/USA TODAY)", "Image: Reuters", "Chip Somodevilla/Getty Images",
        "Mandel Ngan/AFP via Getty Images", "Photo by Jane Doe", "Credit: Jane Doe",
        "Tags China Joe Biden Kim Jong Un", "Topics: Economy, Transport",
        "Copyright 2023 Nexstar Media Inc. All rights reserved.", "© 2024 Example Times",
        "Copyright © 2020 CNN", "This material may not be published, broadcast or rewritten.",
        "See all Hill.TV See all Video", "Most Popular", "Load more", "Load more »",
        "Advertisement", "ADVERTISEMENT", "Story continues below advertisement",
        "Share this article", "Share on Facebook", "Follow us on Twitter",
        "Sign up for our daily newsletter", "Subscribe to our newsletter",
        "Get the latest headlines in your inbox.", "Read more: Mayor announces budget cuts",
        "Related: Ferry fares to rise", "READ MORE:", "Click here to read more",
        "By Staff Writer", "By Jane Doe and John Roe, CNN",
        "Updated 10:03 AM EDT, Mon June 1, 2026", "5 min read",
        "Subscribe to continue reading. Already a subscriber? Log in.", "Get full access",
    ],
)
def test_boilerplate_lines_are_recognised(line: str) -> None:
    assert is_boilerplate_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "The advertisement ran on Monday during the final.",
        "Advertisement revenue fell 5% in the quarter, the company said.",
        "Reuters/Ipsos poll shows the mayor's approval at 40%.",
        "Tags were found on 40 birds released in the park.",
        "Copyright law is complex, experts say.",
        "By Monday, the council had approved the plan.",
        "Sign up for the programme opened on Monday, officials said.",
        "Register now to vote, officials urged on Friday.",
        "The report said more: it found 20 cases.",
        "Readers who subscribe to the bulletin got the news first.",
        "Share prices rose on Tuesday.",
        "Getty Images, the photo agency, was sold for $3bn on Monday.",
        "CNN —",
    ],
)
def test_real_sentences_are_kept(line: str) -> None:
    assert not is_boilerplate_line(line)
    assert strip_boilerplate(line) == line


def test_paywall_marker_detection() -> None:
    assert has_paywall_marker("Text.\n\nSubscribe to continue reading.")
    assert has_paywall_marker("The council approved… [+2345 chars]")
    assert not has_paywall_marker("The council approved the budget.")
    body, paywalled = clean_body("Text.\n\nYou have reached your free article limit.")
    assert (body, paywalled) == ("Text.", True)


def test_normalize_text_whitespace_and_unicode() -> None:
    raw = "  Cafe\u0301\u00a0au\u200b lait  \r\n\r\n\r\n\r\nSecond\tline  \rthird\x07\n"
    assert normalize_text(raw) == "Café au lait\n\nSecond line\nthird"


def test_strip_boilerplate_collapses_emptied_paragraphs() -> None:
    text = "First paragraph.\n\nAdvertisement\n\n\nSecond paragraph.\n\nMost Popular"
    assert strip_boilerplate(text) == "First paragraph.\n\nSecond paragraph."


def test_trailing_teaser_links_are_removed_but_sentences_ending_in_read_more_kept() -> None:
    assert strip_boilerplate("The bridge reopened on Saturday. Read more »") == (
        "The bridge reopened on Saturday.")
    assert strip_boilerplate("The bridge reopened … [Continue reading]") == (
        "The bridge reopened …")
    assert strip_boilerplate("She told me to read more.") == "She told me to read more."


def test_wordpress_feed_footer_is_removed() -> None:
    text = "The bridge reopened.\n\nThe post Bridge reopens appeared first on Example Times."
    assert strip_boilerplate(text) == "The bridge reopened."
