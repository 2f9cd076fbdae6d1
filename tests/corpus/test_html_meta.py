"""Page metadata: headline, publisher and date as the page states them (HTML-05, issue 11)."""

from __future__ import annotations

import pytest

from corpus.ingest import read_article_bytes
from corpus.models import Article

BODY = ("<p>The city council approved the harbour plan on Monday after a long debate.</p>"
        "<p>Construction begins in spring, officials said.</p>")
HEADLINE = "Council approves harbour plan"
SITE = "The Example Gazette"


def article_of(page: str) -> Article:
    [article] = list(read_article_bytes(page.encode(), filename="page.html"))
    assert isinstance(article, Article)
    return article


# Case HTML-05 (../shared/cases/cases.jsonl): title site suffix and site-logo <h1>
HTML_05 = [
    "<html><head><title>Council approves harbour plan | The Example Gazette</title><meta "
    "property='og:title' content='Council approves harbour plan - The Example Gazette'><meta "
    "property='og:site_name' content='The Example Gazette'></head><body><article><p>The city "
    "council approved the harbour plan on Monday after a long debate.</p><p>Construction begins "
    "in spring, officials said.</p></article></body></html>",
    "<html><head><title>Council approves harbour plan | The Example Gazette</title><meta "
    "property='og:site_name' content='The Example Gazette'></head><body><header><h1 "
    "class='site-logo'>The Example Gazette</h1></header><article><h2 class='headline'>Council "
    "approves harbour plan</h2><p>The city council approved the harbour plan on Monday after a "
    "long debate.</p><p>Construction begins in spring, officials said.</p></article></body>"
    "</html>",
]


@pytest.mark.parametrize("page", HTML_05)
def test_html_05_title_without_site_suffix_and_not_the_logo_h1(page: str) -> None:
    article = article_of(page)
    assert (article.title, article.source) == (HEADLINE, SITE)


@pytest.mark.parametrize(
    "head_and_header",
    [
        # site name first in <title>, em dash in og:title
        f"<title>{SITE} | {HEADLINE}</title><meta property='og:title' content='{HEADLINE} "
        f"\u2014 {SITE}'><meta property='og:site_name' content='{SITE}'>",
        # "Site: Headline" in og:title
        f"<meta property='og:title' content='{SITE}: {HEADLINE}'>"
        f"<meta property='og:site_name' content='{SITE}'>",
        # a logo <h1> holding a home link and an image; the name only in <title>
        f"<title>{HEADLINE} - {SITE}</title></head><body><div id='top'><h1><a href='/'>"
        f"<img src='/logo.png' alt='{SITE}'></a></h1></div>",
        # an <h1> inside a home link, with no class at all (entermedia.co.kr)
        f"<title>{HEADLINE} - {SITE}</title></head><body><div id='header'><a href='/'>"
        "<h1>Gazette Online</h1></a></div>",
        # site name first in <title>, no other hint
        f"<title>{SITE} - {HEADLINE}</title>",
        # the site name spelled another way in <title>, and as a domain
        f"<title>{HEADLINE} | Example Gazette</title><meta property='og:site_name' "
        f"content='{SITE}'>",
        f"<title>{HEADLINE} - ExampleGazette.com</title><meta property='og:site_name' "
        f"content='{SITE}'>",
        # a section between headline and site
        f"<meta property='og:title' content='{HEADLINE} | Local News | {SITE}'>"
        f"<meta property='og:site_name' content='{SITE}'>",
        # only twitter:title, and the canonical host naming the site
        f"<meta name='twitter:title' content='{HEADLINE} - {SITE}'>"
        "<link rel='canonical' href='https://www.examplegazette.com/a'>",
        # an unmarked <h1> in the page header that is just the site name
        f"<title>{HEADLINE} | {SITE}</title><meta property='og:site_name' content='{SITE}'>"
        f"</head><body><header><h1>{SITE}</h1></header>",
    ],
)
def test_html_05_more_site_names_and_logos_are_not_the_headline(head_and_header: str) -> None:
    head, _, header = head_and_header.partition("</head><body>")
    page = f"<html><head>{head}</head><body>{header}<article>{BODY}</article></body></html>"
    article = article_of(page)
    assert (article.title, article.source) == (HEADLINE, SITE)


def test_korean_title_holding_the_headline_beats_the_site_logo_h1() -> None:
    page = ("<html><head><title>악녀의 덫에 걸린 이유리, 의외로 막장극 어울리는 남상미 - Entermedia"
            "</title></head><body><div id='wrap'><div id='header'><a href='/'><h1>엔터 미디어</h1>"
            "</a></div><div class='article'><p>기사입력 :[ 2018-09-28 17:32 ]</p><p>배우 남상미의 "
            "연기가 화제가 되었다. 드라마는 높은 시청률을 기록했다.</p></div></div></body></html>")
    article = article_of(page)
    assert article.title == "악녀의 덫에 걸린 이유리, 의외로 막장극 어울리는 남상미"
    assert article.source == "Entermedia"


def page_with(head: str, footer: str = "") -> str:
    return (f"<html><head><title>{HEADLINE}</title>{head}</head><body><article><h1>{HEADLINE}"
            f"</h1>{BODY}</article><footer>{footer}</footer></body></html>")


@pytest.mark.parametrize(
    ("head", "footer", "publisher"),
    [
        # a subdomain's name loses to the copyright holder of the registered domain
        ("<link rel='canonical' href='https://hosted.ap.org/berkshireeagle/article/1'>"
         "<meta property='og:site_name' content='Hosted'>",
         "\u00a92019 The Associated Press. All rights reserved.", "The Associated Press"),
        # a section name loses to the JSON-LD publisher that matches the site
        ("<link rel='canonical' href='https://www.reuters.com/article/x'>"
         "<meta property='og:site_name' content='U.S.'><script type='application/ld+json'>"
         '{"@type": "NewsArticle", "headline": "Council approves harbour plan", '
         '"publisher": {"@type": "Organization", "name": "Reuters"}}</script>', "", "Reuters"),
        # a bare URL is no name
        ("<meta property='og:site_name' content='https://www.newsnation.in'>"
         "<meta name='publisher' content='News Nation'>", "", "News Nation"),
        # a tagline after the name
        ("<link rel='canonical' href='https://www.linknaija.com/2018/10/a.html'><meta "
         "property='og:site_name' content=\"LinkNaija | Nigeria's popular news platform\">",
         "", "LinkNaija"),
        # a JSON-LD publisher given by @id reference
        ("<script type='application/ld+json'>[{\"@type\": \"NewsArticle\", \"publisher\": "
         '{"@id": "https://www.cbsnews.com/"}}, {"@type": "Organization", "@id": '
         '"https://www.cbsnews.com/", "name": "CBS News"}]</script><meta property='
         "'article:publisher' content='https://www.facebook.com/CBSNews'>", "", "CBS News"),
    ],
)
def test_publisher_is_the_sites_name_not_a_subdomain_section_url_or_tagline(
    head: str, footer: str, publisher: str
) -> None:
    assert article_of(page_with(head, footer)).source == publisher


def test_syndicated_copy_is_not_attributed_to_the_aggregator() -> None:
    head = ("<meta property='og:site_name' content='MSN'><meta property='og:url' "
            "content='https://www.msn.com/en-us/news/ar-BBWXwNX'><link rel='canonical' "
            "href='https://www.cnn.com/2019/11/18/health/duvet/index.html'>")
    article = article_of(page_with(head, "\u00a9 2019 Microsoft"))
    assert article.source is None
    assert article.url == "https://www.cnn.com/2019/11/18/health/duvet/index.html"


def test_second_half_of_a_title_split_at_a_dash_is_no_publisher() -> None:
    page = ("<html><head><title>Диета Аткинса (14 дней) - потеря веса до 10 кг. Отзывы</title>"
            f"</head><body><article>{BODY}</article></body></html>")
    assert article_of(page).source is None


def test_date_comes_from_the_article_time_not_a_server_render_timestamp() -> None:
    page = ("<html><head data-info='v:20191119; dt: 2019-11-14T19:49:29.77Z; bt: "
            f"2019-11-19T20:55:09Z'><title>{HEADLINE}</title></head><body><section "
            "class='Modelinfo'><div class='authortime-info'><span>By Jane Doe, CNN</span>"
            "<time datetime='2019-11-19T11:45:59.000Z'>1 day ago</time></div></section>"
            f"<div class='article-body'>{BODY}</div><ul class='related'><li><time "
            "datetime='2019-11-20T10:00:00Z'>today</time></li></ul></body></html>")
    assert article_of(page).published == "2019-11-19"


def test_date_from_json_ld_of_any_page_type_with_a_headline() -> None:
    head = ("<script type='application/ld+json'>{\"@type\": \"MedicalWebPage\", \"headline\": "
            '"Council approves harbour plan", "datePublished": "2019-11-14T08:00:00.000Z"}'
            "</script>")
    assert article_of(page_with(head)).published == "2019-11-14"


# Case DATE-01 (../shared/cases/cases.jsonl) on HTML pages: no date filled in by a tool
@pytest.mark.parametrize(
    ("written", "expected"),
    [("2014-01", None), ("Feb 2011", None), ("2026", None), ("2026-02-30", None),
     ("June", None), ("Posted 3 hours ago", None), ("2026-02-03", "2026-02-03"),
     ("3 February 2026", "2026-02-03")],
)
@pytest.mark.parametrize(
    "template",
    ["<meta property='article:published_time' content='{date}'>",
     "</head><body><time datetime='{date}'>{date}</time><p class='date'>{date}</p>"],
)
def test_date_01_partial_page_dates_are_unknown_never_completed(
    template: str, written: str, expected: str | None
) -> None:
    head, _, top = template.format(date=written).partition("</head><body>")
    page = (f"<html><head><title>{HEADLINE}</title>{head}</head><body>{top}<article><h1>"
            f"{HEADLINE}</h1>{BODY}</article></body></html>")
    assert article_of(page).published == expected


def test_bare_url_is_no_publisher_in_any_reader() -> None:
    record = ('{"title": "Pier closes", "text": "The old pier closed on Friday.", '
              '"source": "https://www.newsnation.in"}')
    [article] = list(read_article_bytes(record.encode(), filename="a.json"))
    assert isinstance(article, Article)
    assert article.source is None


def test_hosting_subdomain_name_alone_is_no_publisher() -> None:
    head = ("<link rel='canonical' href='https://hosted.ap.org/citizensvoice/article/2'>"
            "<meta property='og:site_name' content='Hosted'>")
    assert article_of(page_with(head)).source is None


def test_relative_canonical_gives_way_to_an_absolute_og_url() -> None:
    head = ("<link rel='canonical' href='/2026/05/harbour-plan'>"
            "<meta property='og:url' content='https://gazette.example/2026/05/harbour-plan'>")
    assert article_of(page_with(head)).url == "https://gazette.example/2026/05/harbour-plan"


def test_relative_canonical_resolves_against_the_fetch_url() -> None:
    page = page_with("<link rel='canonical' href='/2026/05/harbour-plan'>")
    [article] = list(read_article_bytes(page.encode(), filename="page.html",
                                        url="https://gazette.example/x?utm=1"))
    assert isinstance(article, Article)
    assert article.url == "https://gazette.example/2026/05/harbour-plan"
