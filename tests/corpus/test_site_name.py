"""Choosing a page's publisher among the names it gives itself."""

from __future__ import annotations

import pytest

from corpus.readers.site_name import (
    Host,
    choose_site_name,
    copyright_holders,
    host_of,
    matches_host,
    site_key,
    title_affix,
)


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://www.reuters.com/article/x", Host("reuters", ())),
        ("https://hosted.ap.org/berkshireeagle/a", Host("ap", ("hosted",))),
        ("https://www.jaraguadosul.sc.gov.br/news/a", Host("jaraguadosul", ())),
        ("https://www.telegraph.co.uk/tennis/", Host("telegraph", ())),
        ("http://entermedia.co.kr/news/news_view.html", Host("entermedia", ())),
        ("/relative/path", None),
        (None, None),
    ],
)
def test_host_of_finds_the_registered_label(url: str | None, host: Host | None) -> None:
    assert host_of(url) == host


@pytest.mark.parametrize(
    ("name", "url"),
    [
        ("The Anti-June Cleaver", "https://theantijunecleaver.com/"),
        ("The Associated Press", "https://hosted.ap.org/"),
        ("Kabar tentang Dunia Islam", "https://kabarislamia.com/"),
        ("Prefeitura Municipal de Jaraguá do Sul", "https://www.jaraguadosul.sc.gov.br/"),
        ("gto-normativy.ru", "https://gto-normativy.ru/"),
        ("nj", "https://www.nj.com/"),
    ],
)
def test_names_of_the_host_match(name: str, url: str) -> None:
    assert matches_host(name, host_of(url))


@pytest.mark.parametrize(
    ("name", "url"),
    [("U.S.", "https://www.reuters.com/"), ("Hosted", "https://hosted.ap.org/"),
     ("Expert how-to for English Riders", "https://practicalhorsemanmag.com/"),
     ("MSN", "https://www.cnn.com/")],
)
def test_other_names_do_not_match(name: str, url: str) -> None:
    assert not matches_host(name, host_of(url))


def test_copyright_holders_are_read_after_the_sign_and_year() -> None:
    assert copyright_holders(["\u00a92019 The Associated Press. All rights reserved.",
                              "Copyright (C) 2005 - 2019 Healthline Media, Inc.",
                              "Copyright 2014"]) == ["The Associated Press", "Healthline Media"]


def test_title_affix_is_the_last_part() -> None:
    assert title_affix("Headline - Entermedia") == "Entermedia"
    assert title_affix("Headline without a site") is None


def test_first_stated_name_wins_when_none_matches_the_host() -> None:
    assert choose_site_name(["ProFootballTalk"], ["NBC Universal"],
                            host=host_of("https://profootballtalk.nbcsports.com/")) == (
        "ProFootballTalk")


def test_weak_guesses_need_the_host() -> None:
    assert choose_site_name([], ["Ascom"], host=None) is None
    assert choose_site_name([], ["Ascom"], host=host_of("https://www.ascom.com/")) == "Ascom"


def test_names_equal_to_the_headline_are_no_site_names() -> None:
    title = "The man whose duvet nearly killed him"
    assert choose_site_name([title], [], host=None, not_names=frozenset({title.casefold()})) is None


@pytest.mark.parametrize(
    ("title", "headlines", "affix"),
    [
        ("Headline here - Entermedia", [], "Entermedia"),
        ("The Example Gazette - Council approves harbour plan", [], "The Example Gazette"),
        ("Pier closes - The Example Gazette", ["Pier closes"], "The Example Gazette"),
        ("Диета Аткинса (14 дней) - потеря веса до 10 кг. Отзывы", [], None),
    ],
)
def test_title_affix_is_the_end_that_is_not_the_headline(
    title: str, headlines: list[str], affix: str | None
) -> None:
    assert title_affix(title, headlines) == affix


@pytest.mark.parametrize("name", ["Example Gazette", "the example gazette",
                                  "ExampleGazette.com", "examplegazette.co.uk"])
def test_site_key_ignores_the_article_and_the_domain_ending(name: str) -> None:
    assert site_key(name) == site_key("The Example Gazette")


@pytest.mark.parametrize("generic", ["Hosted", "Home", "News", "Blog"])
def test_generic_words_are_no_site_names(generic: str) -> None:
    assert choose_site_name([generic], [], host=host_of("https://hosted.ap.org/a")) is None
