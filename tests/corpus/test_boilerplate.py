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


# --- paywall prompts: the kind, not four wordings -------------------------------------------

PAYWALL_PROMPTS = [
    "To read the full story, subscribe now…",
    "Only subscribers can read this article",
    "Register to read the rest of this article",
    "Keep reading with a subscription",
    "Subscribe to read the full story.",
    "Sign in to read the full article.",
    "Log in or subscribe to continue.",
    "Please log in to continue reading.",
    "To continue reading, please log in or subscribe.",
    "This article is for subscribers only.",
    "The rest of this story is available to subscribers.",
    "This content is exclusive to subscribers.",
    "Subscribers only",
    "Members-only content",
    "Subscription required",
    "A subscription is required to read this article.",
    "Continue reading your article with a WSJ subscription",
    "Already have an account? Sign in.",
    "Get unlimited digital access",
    "You've read all your free articles this month.",
    "You have 2 free articles left this month.",
    "Create a free account to keep reading.",
    "Unlock this article",
    "Start your free trial today.",
    "Want to keep reading?",
    "You need a subscription to read this article.",
    "You must be logged in to view this content.",
    "Read the full story with a subscription.",
    "Subscribe for unlimited access.",
    "Become a member to read this story.",
    "Sign up for free to read the rest.",
    "Support independent journalism: subscribe today.",
    "This is a premium article.",
    "Keep reading for just $1.",
    "Log in to your account to continue",
]


@pytest.mark.parametrize("prompt", PAYWALL_PROMPTS)
def test_paywall_prompt_line_is_dropped_and_marks_partial(prompt: str) -> None:
    assert clean_body(f"The mayor spoke on Monday.\n\n{prompt}") == (
        "The mayor spoke on Monday.", True)


@pytest.mark.parametrize(
    "prompt",
    ["To read the full story, subscribe now…", "Only subscribers can read this article.",
     "Subscribe to continue reading.", "Keep reading with a subscription."],
)
def test_paywall_prompt_ending_a_paragraph_is_cut_off(prompt: str) -> None:
    assert clean_body(f"The mayor spoke on Monday. {prompt}") == (
        "The mayor spoke on Monday.", True)


SUBSCRIBER_PROSE = [
    "Netflix added 2 million subscribers in the quarter.",
    "The newspaper now has 300,000 digital subscribers, up 12% from a year earlier.",
    "Spotify said subscribers would pay $1 more a month from July.",
    "Only subscribers who signed up before March will keep the old price, the company said.",
    "Subscribers to the magazine received the issue a week late.",
    "A subscription is required for the new service, which launches in May.",
    "The paper said it would put more articles behind its paywall for subscribers only.",
    "Subscription revenue rose 8% to $1.2bn.",
    "Members of the union voted to continue the strike.",
    "Only members can vote in the leadership contest, the party said.",
    "Users will need to sign in to continue using the service after the update.",
    "Log in details for 2 million accounts were stolen, police said.",
    "Readers can access the archive for free until Sunday.",
    "The free trial attracted 40,000 users in its first week.",
    "Register to vote by Friday, election officials urged.",
]


@pytest.mark.parametrize("sentence", SUBSCRIBER_PROSE)
def test_news_prose_about_subscribers_is_kept_and_not_partial(sentence: str) -> None:
    assert clean_body(sentence) == (sentence, False)
    assert clean_body(f"The mayor spoke on Monday. {sentence}") == (
        f"The mayor spoke on Monday. {sentence}", False)


# --- credits, cookie notices, tip calls, app prompts ----------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "(Reporting by Jane Doe; editing by John Roe)",
        "(Reporting by Jane Doe in London; Additional reporting by Ann Lee in Paris; "
        "Editing by Mark Potter)",
        "Reporting by Jane Doe in London; Editing by John Roe",
        "Writing by Jane Doe; Editing by John Roe",
        "Additional reporting by Ann Lee",
        "(Editing by Mark Potter)",
        "The Associated Press contributed to this report.",
        "Jane Doe in London and John Roe in Paris contributed reporting.",
        "Contributing: Jane Doe, USA TODAY",
        "Our Standards: The Thomson Reuters Trust Principles.",
        "We use cookies to improve your experience.",
        "We use cookies to give you the best experience on our website.",
        "This site uses cookies.",
        "We and our partners use cookies to personalise ads.",
        "By continuing to use this site you agree to our use of cookies.",
        "By using this website, you consent to our use of cookies.",
        "Accept all cookies",
        "Manage cookie preferences",
        "Cookie settings",
        "Have a news tip? Email us at tips@example.com",
        "Got a story? Contact newsdesk@example.com",
        "Do you have a story to share? Email us.",
        "Send us your news tips at tips@example.com",
        "Do you have information about this story? Email news@example.com",
        "Download our free app",
        "Download our free app to get breaking news alerts.",
        "Get the Example News app for iOS and Android.",
        "Download the BBC News app.",
        "Subscribe now", "Read more", "Continue reading", "Read more at Example.com",
        "Continue reading on Medium »", "Read the full story at BBC News", "Learn more",
    ],
)
def test_credits_cookie_tip_and_app_lines_are_boilerplate(line: str) -> None:
    assert is_boilerplate_line(line)
    assert clean_body(f"The mayor spoke on Monday.\n\n{line}") == (
        "The mayor spoke on Monday.", False)


@pytest.mark.parametrize(
    "line",
    [
        "Reporting by the newspaper revealed the mayor had lied.",
        "Editing by hand took the team three weeks, she said.",
        "Falling oil prices contributed to the decline.",
        "The company uses cookies to track shoppers, regulators said.",
        "We use cookies to track users, the company admitted in a statement.",
        "By continuing the strike, the union hopes to win higher pay.",
        "Do you have information about the crash? Contact Crimestoppers on 0800 555 111.",
        "Download speeds rose 20% after the upgrade.",
        "The app was downloaded 2 million times in its first week.",
        "Have a look at the map below.",
        "The tip came from a neighbour, police said.",
        "Cookie sales rose 40% before Christmas.",
    ],
)
def test_prose_resembling_credits_cookies_tips_or_apps_is_kept(line: str) -> None:
    assert not is_boilerplate_line(line)
    assert clean_body(line) == (line, False)


@pytest.mark.parametrize(
    "tail",
    ["Subscribe now", "Subscribe", "Sign up now", "Read more at Example.com", "Learn more",
     "Continue reading on The Verge »", "Log in"],
)
def test_call_to_action_link_ending_a_paragraph_is_removed(tail: str) -> None:
    assert strip_boilerplate(f"The bridge reopened on Saturday. {tail}") == (
        "The bridge reopened on Saturday.")


def test_normalize_text_repairs_mojibake_and_replaces_surrogates() -> None:
    assert normalize_text("Der BÃ¼rgermeister\nbad \ud800\x85next\u2029para") == (
        "Der Bürgermeister\nbad \ufffd\nnext\n\npara")


def test_parenthesised_credit_ending_a_paragraph_is_removed() -> None:
    text = "The talks ended on Monday. (Reporting by Jane Doe; Editing by John Roe)"
    assert strip_boilerplate(text) == "The talks ended on Monday."
    prose = "The talks ended on Monday (reporting by the BBC showed otherwise)."
    assert strip_boilerplate(prose) == prose
