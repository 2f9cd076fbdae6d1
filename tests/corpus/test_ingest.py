"""Reading articles from every supported format: real files in tmp_path, real parsing."""

from __future__ import annotations

import gzip
import json
import os
import re
from pathlib import Path

import pytest

from corpus.ingest import read_article_bytes, read_articles
from corpus.models import Article, Skip

REPO = Path(__file__).resolve().parents[2]
EVAL = Path(os.environ.get("NEWSDESK_EVAL_DIR", REPO.parent / "shared" / "eval"))
SAMPLE = REPO / "corpus" / "data" / "xi-kim-treaty-anniversary.md"


def articles(items: object) -> list[Article]:
    assert isinstance(items, list)
    return [item for item in items if isinstance(item, Article)]


def skips(items: object) -> list[Skip]:
    assert isinstance(items, list)
    return [item for item in items if isinstance(item, Skip)]


def only_article(items: list[Article | Skip]) -> Article:
    assert len(items) == 1, items
    item = items[0]
    assert isinstance(item, Article), item
    return item


def write(tmp_path: Path, name: str, data: str | bytes) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


# --- cases ------------------------------------------------------------------------------

HTML_01 = (
    "<html><head><title>Bridge reopens | Example Times</title></head><body><nav><a href='/'>"
    "Home</a> <a href='/world'>World</a></nav><article><h1>Bridge reopens after repairs</h1>"
    "<p class='byline'>By Staff Writer</p><p>The harbour bridge reopened on Saturday after six "
    "weeks of repairs.</p><p>Read more: Mayor announces budget cuts</p><aside class='related'>"
    "<h3>Related stories</h3><ul><li><a href='/a'>Mayor announces budget cuts</a></li><li>"
    "<a href='/b'>Ferry fares to rise</a></li></ul></aside><div class='newsletter'>Sign up for "
    "our daily newsletter</div></article><footer>All rights reserved</footer></body></html>"
)
HTML_03 = (
    "<html><head><meta http-equiv='Content-Type' content='text/html; charset=iso-8859-1'>"
    "<title>Bürgermeister eröffnet Brücke</title></head><body><article><p>Der Bürgermeister "
    "eröffnete am Montag die neue Brücke über die Öste.</p><p>Die Kosten lagen bei 4,5 "
    "Millionen Euro.</p></article></body></html>"
)
HTML_04 = (
    "<article><h1>City weighs airport sale</h1><p>The city plans to sell its airport to a "
    "private operator, according to documents seen by this newspaper.</p><div class='paywall'>"
    "<p>Subscribe to continue reading. Already a subscriber? Log in.</p><a href='/subscribe'>"
    "Get full access</a></div></article>"
)
SENT_08 = (
    "<article><p>The council met on Monday.</p><p>It approved three projects:</p><ul><li>A new "
    "library</li><li>Road repairs</li><li>A youth centre</li></ul><p>Work starts in May.</p>"
    "</article>"
)


# Case HTML-01 (../shared/cases/cases.jsonl)
def test_html_01_keeps_only_the_article_sentence_and_the_h1_title(tmp_path: Path) -> None:
    article = only_article(list(read_articles(write(tmp_path, "bridge.html", HTML_01))))
    assert article.title == "Bridge reopens after repairs"
    assert article.body == "The harbour bridge reopened on Saturday after six weeks of repairs."
    for junk in ("Mayor", "Ferry", "Staff Writer", "newsletter", "Home", "rights reserved"):
        assert junk not in article.body


# Case HTML-03 (../shared/cases/cases.jsonl)
def test_html_03_iso_8859_1_bytes_with_meta_charset_and_bare_content_type() -> None:
    data = HTML_03.encode("iso-8859-1")
    items = list(read_article_bytes(data, filename="page.html", content_type="text/html"))
    article = only_article(items)
    assert article.title == "Bürgermeister eröffnet Brücke"
    assert article.body.startswith("Der Bürgermeister eröffnete am Montag die neue Brücke")
    assert_no_mojibake(article)


# Case HTML-03 (../shared/cases/cases.jsonl)
def test_html_03_utf8_with_bom_and_no_meta_charset(tmp_path: Path) -> None:
    page = HTML_03.replace(
        "<meta http-equiv='Content-Type' content='text/html; charset=iso-8859-1'>", ""
    )
    path = write(tmp_path, "page.html", b"\xef\xbb\xbf" + page.encode("utf-8"))
    article = only_article(list(read_articles(path)))
    assert article.title == "Bürgermeister eröffnet Brücke"
    assert "Brücke über die Öste" in article.body
    assert_no_mojibake(article)


# Case HTML-03 (../shared/cases/cases.jsonl)
def test_html_03_json_with_unicode_escapes(tmp_path: Path) -> None:
    record = {"title": "Bürgermeister eröffnet Brücke",
              "text": "Der Bürgermeister eröffnete am Montag die neue Brücke."}
    text = json.dumps(record, ensure_ascii=True)
    assert "\\u00fc" in text
    article = only_article(list(read_articles(write(tmp_path, "a.json", text))))
    assert article.title == "Bürgermeister eröffnet Brücke"
    assert "Bürgermeister" in article.body
    assert_no_mojibake(article)


# Case HTML-03 (../shared/cases/cases.jsonl)
def test_html_03_legacy_bytes_without_any_declaration_are_not_mojibake() -> None:
    page = HTML_03.replace("charset=iso-8859-1", "")
    article = only_article(list(read_article_bytes(page.encode("cp1252"), filename="p.html")))
    assert "Bürgermeister" in article.body
    assert_no_mojibake(article)


# Case HTML-03 (../shared/cases/cases.jsonl)
def test_html_03_http_charset_wins_over_a_wrong_meta_charset() -> None:
    page = HTML_03.replace("iso-8859-1", "utf-8")
    data = page.encode("iso-8859-1")
    items = list(read_article_bytes(data, filename="p.html",
                                    content_type="text/html; charset=ISO-8859-1"))
    assert "Bürgermeister" in only_article(items).body


def assert_no_mojibake(article: Article) -> None:
    for text in (article.title or "", article.body):
        assert "Ã" not in text
        assert "\ufffd" not in text
        assert "Brücke" in text


# Case HTML-04 (../shared/cases/cases.jsonl)
def test_html_04_paywall_prompt_is_dropped_and_article_marked_partial() -> None:
    article = only_article(list(read_article_bytes(HTML_04.encode(), filename="p.html")))
    assert article.body == (
        "The city plans to sell its airport to a private operator, according to documents seen "
        "by this newspaper."
    )
    assert article.partial is True
    for prompt in ("Subscribe", "subscriber", "Log in", "full access"):
        assert prompt not in article.body


@pytest.mark.parametrize(
    "prompt",
    [
        "You have reached your limit of free articles.",
        "This article is for subscribers only.",
        "Create a free account to continue reading.",
        "To continue reading, please log in or subscribe.",
        "You\u2019ve used all of your free articles this month.",
        "Already a member? Sign in",
    ],
)
# Case HTML-04 (../shared/cases/cases.jsonl)
def test_html_04_other_paywall_wordings(prompt: str) -> None:
    page = (f"<article><h1>Rates rise</h1><p>The central bank raised its main rate on "
            f"Thursday.</p><div class='offer'><p>{prompt}</p></div></article>")
    article = only_article(list(read_article_bytes(page.encode(), filename="p.html")))
    assert article.body == "The central bank raised its main rate on Thursday."
    assert article.partial is True


# Case HTML-04 (../shared/cases/cases.jsonl)
def test_html_04_article_without_paywall_is_not_partial() -> None:
    page = ("<article><h1>Rates rise</h1><p>Readers who subscribe to the bank's bulletin got "
            "the news first, the bank said on Thursday.</p></article>")
    article = only_article(list(read_article_bytes(page.encode(), filename="p.html")))
    assert article.partial is False
    assert "subscribe" in article.body


def test_sent_08_list_items_are_lines_in_the_intro_paragraph() -> None:
    article = only_article(list(read_article_bytes(SENT_08.encode(), filename="p.html")))
    assert article.body == (
        "The council met on Monday.\n\n"
        "It approved three projects:\nA new library\nRoad repairs\nA youth centre\n\n"
        "Work starts in May."
    )
    assert "MondayIt" not in article.body
    assert "libraryRoad" not in article.body


def test_sent_08_ordered_list_and_headings_stay_separate_blocks() -> None:
    page = ("<html><body><article><h1>Budget passes</h1><p>The budget includes:</p><ol>"
            "<li>More buses</li><li>Cheaper fares</li></ol><h2>What next</h2>"
            "<p>It takes effect in July.</p></article></body></html>")
    article = only_article(list(read_article_bytes(page.encode(), filename="p.html")))
    assert article.title == "Budget passes"
    assert article.body == (
        "The budget includes:\nMore buses\nCheaper fares\n\nWhat next\n\nIt takes effect in July."
    )


def test_sent_08_feed_content_keeps_list_structure(tmp_path: Path) -> None:
    rss = RSS.replace("It has 12 stops:", "It approved three projects:")
    article = articles(list(read_articles(write(tmp_path, "feed.rss", rss))))[0]
    assert "It approved three projects:\nHarbour\nOld Town" in article.body


ATTR_01 = [
    {"title": "Ferry service resumes", "publisher": None, "url": "https://news.example/ferry",
     "date": "", "text": "The ferry service resumed on Wednesday after a two-week pause."},
    {"title": "", "publisher": "Example Times", "url": "https://news.example/rail",
     "date": "2026-13-45", "text": "Rail services were cut on Sunday."},
    {"title": "Tram line opens", "publisher": "Example Times", "url": None,
     "date": "2026-06-01T08:30:00+02:00", "text": "The new tram line opened on Monday."},
]


# Case ATTR-01 (../shared/cases/cases.jsonl)
def test_attr_01_missing_and_invalid_metadata_become_none(tmp_path: Path) -> None:
    items = list(read_articles(write(tmp_path, "articles.json", json.dumps(ATTR_01))))
    ferry, rail, tram = articles(items)
    assert len(items) == 3
    assert (ferry.title, ferry.source, ferry.published) == ("Ferry service resumes", None, None)
    assert ferry.url == "https://news.example/ferry"
    assert (rail.title, rail.source, rail.published) == (None, "Example Times", None)
    assert (tram.url, tram.published) == (None, "2026-06-01")
    for article in (ferry, rail, tram):
        for value in (article.title, article.source, article.url, article.published):
            assert value not in ("None", "null", "", "()")


# Case ATTR-01 (../shared/cases/cases.jsonl)
def test_attr_01_non_string_values_are_none_not_their_repr(tmp_path: Path) -> None:
    record = {"title": 42, "source": {"id": None}, "url": ["x"], "date": 20260601,
              "authors": None, "text": "Buses ran late on Friday."}
    article = only_article(list(read_articles(write(tmp_path, "a.json", json.dumps(record)))))
    assert (article.title, article.source, article.url, article.published) == (
        None, None, None, None)
    assert article.authors == ()


# Case BM25-03 (../shared/cases/cases.jsonl)
def test_bm25_03_nav_and_script_only_page_is_skipped(tmp_path: Path) -> None:
    page = ("<html><body><nav><a href='/'>Home</a></nav><script>var x=1;</script>"
            "</body></html>")
    items = list(read_articles(write(tmp_path, "empty.html", page)))
    assert items == [Skip(origin=str(tmp_path / "empty.html"), reason="no text extracted")]


# Case BM25-03 (../shared/cases/cases.jsonl)
def test_bm25_03_whitespace_only_text_file_is_skipped(tmp_path: Path) -> None:
    items = list(read_articles(write(tmp_path, "blank.txt", "   \n\n  ")))
    assert len(items) == 1
    assert isinstance(items[0], Skip)
    assert items[0].reason == "no text extracted"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("empty.html", ""),
        ("title-only.html", "<html><head><title>Page</title></head><body></body></html>"),
        ("boilerplate.txt", "Title\n\nAdvertisement\n\nGetty Images\n\nLoad more"),
        ("no-text.json", '{"title": "Headline only", "text": "   "}'),
        ("null-text.json", '{"title": "Headline only", "text": null}'),
    ],
)
# Case BM25-03 (../shared/cases/cases.jsonl)
def test_bm25_03_inputs_without_article_text_are_skipped(
    tmp_path: Path, name: str, data: str
) -> None:
    items = list(read_articles(write(tmp_path, name, data)))
    assert [item.reason for item in skips(items)] == ["no text extracted"]
    assert not articles(items)


# --- HTML metadata and boilerplate ---------------------------------------------------------

PORT_PAGE = """<html><head><title>Port strike ends | Daily Planet</title>
<meta property="og:site_name" content="Daily Planet">
<link rel="canonical" href="/news/port-strike">
<meta property="article:published_time" content="2026-06-01T08:30:00+02:00"></head><body>
<header><a href="/">Daily Planet</a><nav><ul><li><a href="/">Home</a></li>
<li><a href="/news">News</a></li></ul></nav></header>
<main><article><h1>Port strike ends after deal</h1>
<div class="share"><a>Share on Facebook</a><a>Share on Twitter</a></div>
<p class="byline">By Jane Doe and John Roe</p>
<p>Dock workers returned to work on Tuesday after a three-week strike ended with a pay deal.</p>
<div class="ad">Advertisement</div>
<p>The union said members voted 82 per cent in favour of the offer.</p>
<figure><img src="x.jpg"><figcaption>Getty Images</figcaption></figure>
<p>Shipping companies expect the backlog to clear within ten days.</p>
<p>Related: Union leader profile</p>
<section class="most-popular"><h2>Most Popular</h2><ol><li><a href="/a">Celebrity wedding
photos</a></li><li><a href="/b">Weather warning issued</a></li></ol></section>
<div class="newsletter"><p>Sign up for our morning briefing newsletter</p><form>
<input type="email"><button>Subscribe</button></form></div>
</article></main><footer><p>© 2026 Daily Planet. All rights reserved.</p></footer>
</body></html>"""


def test_html_page_metadata_and_boilerplate_variants() -> None:
    items = list(read_article_bytes(PORT_PAGE.encode(), filename="port.html",
                                    url="https://planet.example/story?id=1"))
    article = only_article(items)
    assert article.title == "Port strike ends after deal"
    assert article.source == "Daily Planet"
    assert article.url == "https://planet.example/news/port-strike"
    assert article.published == "2026-06-01"
    assert article.authors == ("Jane Doe", "John Roe")
    assert article.body == (
        "Dock workers returned to work on Tuesday after a three-week strike ended with a pay "
        "deal.\n\nThe union said members voted 82 per cent in favour of the offer.\n\n"
        "Shipping companies expect the backlog to clear within ten days."
    )


# Case HTML-01 (../shared/cases/cases.jsonl)
def test_html_01_long_related_link_list_outside_the_article_is_not_indexed() -> None:
    links = "".join(f"<li><a href='/x{n}'>Another related headline number {n} about the "
                    f"city</a></li>" for n in range(30))
    page = (f"<html><body><div class='menu'><ul>{links}</ul></div><article><h1>Bridge "
            "reopens</h1><p>The harbour bridge reopened on Saturday after six weeks of "
            "repairs.</p></article><div class='footer'>Contact us. Terms of use.</div>"
            "</body></html>")
    article = only_article(list(read_article_bytes(page.encode(), filename="p.html")))
    assert article.body == "The harbour bridge reopened on Saturday after six weeks of repairs."


def test_html_title_falls_back_to_title_tag_without_site_suffix() -> None:
    page = ("<html><head><title>Floods close schools | Example Times</title></head><body>"
            "<div><p>Heavy rain closed forty schools across the region on Monday.</p></div>"
            "</body></html>")
    article = only_article(list(read_article_bytes(page.encode(), filename="p.html")))
    assert article.title == "Floods close schools"


def test_html_og_title_site_suffix_is_removed() -> None:
    page = ("<html><head><meta property='og:title' content='Floods close schools - Example "
            "Times'><meta property='og:site_name' content='Example Times'></head><body>"
            "<article><p>Heavy rain closed forty schools across the region on Monday.</p>"
            "</article></body></html>")
    article = only_article(list(read_article_bytes(page.encode(), filename="p.html")))
    assert (article.title, article.source) == ("Floods close schools", "Example Times")


def test_html_json_ld_gives_headline_date_and_author() -> None:
    ld = {"@context": "https://schema.org", "@graph": [
        {"@type": "WebSite", "name": "Example Times"},
        {"@type": "NewsArticle", "headline": "Floods close schools",
         "datePublished": "2026-06-01T23:30:00-07:00",
         "author": [{"@type": "Person", "name": "Ana Ruiz"}],
         "publisher": {"@type": "Organization", "name": "Example Times"}}]}
    page = (f"<html><head><script type='application/ld+json'>{json.dumps(ld)}</script></head>"
            "<body><article><p>Heavy rain closed forty schools across the region on Monday."
            "</p></article></body></html>")
    article = only_article(list(read_article_bytes(page.encode(), filename="p.html")))
    assert article.title == "Floods close schools"
    assert article.published == "2026-06-01"
    assert article.authors == ("Ana Ruiz",)
    assert article.source == "Example Times"


def test_html_without_date_metadata_gets_no_date() -> None:
    page = ("<html><body><article><h1>Floods close schools</h1><p>Heavy rain closed forty "
            "schools on 3 March 2026, and more rain is due in June 2026.</p></article>"
            "</body></html>")
    article = only_article(list(read_article_bytes(page.encode(), filename="p.html")))
    assert article.published is None


def test_html_content_type_selects_reader_for_suffixless_name() -> None:
    items = list(read_article_bytes(HTML_01.encode(), filename="https://x.example/story",
                                    content_type="text/html; charset=utf-8"))
    assert only_article(items).title == "Bridge reopens after repairs"


def test_html_gz_is_decompressed(tmp_path: Path) -> None:
    path = write(tmp_path, "page.html.gz", gzip.compress(HTML_01.encode()))
    article = only_article(list(read_articles(path)))
    assert article.title == "Bridge reopens after repairs"
    assert article.origin == str(path)


# --- text and markdown ---------------------------------------------------------------------


def test_text_first_line_is_title_rest_is_body(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", "Harbour reopens\r\n\r\nThe harbour reopened.  \r\n\r\n\r\n"
                 "\r\nShips returned on Monday.\r\n")
    article = only_article(list(read_articles(path)))
    assert article.title == "Harbour reopens"
    assert article.body == "The harbour reopened.\n\nShips returned on Monday."
    assert article.origin == str(path)


def test_text_single_line_file_is_body_without_title(tmp_path: Path) -> None:
    article = only_article(list(read_articles(write(tmp_path, "a.txt", "Ships returned."))))
    assert (article.title, article.body) == (None, "Ships returned.")


def test_text_hard_wrapped_lines_are_joined(tmp_path: Path) -> None:
    text = ("Wrapped\n\nThe harbour bridge reopened on Saturday after six weeks of repairs and\n"
            "inspections by the city engineers.\nShort line one\nShort line two\n")
    article = only_article(list(read_articles(write(tmp_path, "a.txt", text))))
    assert article.body == (
        "The harbour bridge reopened on Saturday after six weeks of repairs and inspections by "
        "the city engineers.\nShort line one\nShort line two"
    )


def test_front_matter_fields(tmp_path: Path) -> None:
    text = ("---\ntitle: \"Ferry: fares rise\"\npublisher: Example Times\n"
            "url: https://news.example/ferry\ndate: June 1, 2026\nauthors:\n  - Ana Ruiz\n"
            "  - Bo Chen\n---\nFerry fares will rise by ten per cent.\n")
    article = only_article(list(read_articles(write(tmp_path, "a.md", text))))
    assert article.title == "Ferry: fares rise"
    assert article.source == "Example Times"
    assert article.url == "https://news.example/ferry"
    assert article.published == "2026-06-01"
    assert article.authors == ("Ana Ruiz", "Bo Chen")
    assert article.body == "Ferry fares will rise by ten per cent."


def test_front_matter_inline_list_and_comma_authors(tmp_path: Path) -> None:
    text = ("---\ntitle: Budget\nsource: Gazette\npublished: 2022/06/13\n"
            "authors: Ana Ruiz, Bo Chen\n---\nThe budget passed.\n")
    article = only_article(list(read_articles(write(tmp_path, "a.txt", text))))
    assert (article.published, article.authors) == ("2022-06-13", ("Ana Ruiz", "Bo Chen"))
    text = text.replace("authors: Ana Ruiz, Bo Chen", "authors: ['Ana Ruiz', \"Bo Chen\"]")
    article = only_article(list(read_articles(write(tmp_path, "b.txt", text))))
    assert article.authors == ("Ana Ruiz", "Bo Chen")


def test_front_matter_without_title_and_markdown_heading(tmp_path: Path) -> None:
    text = ("---\nsource: Gazette\n---\n# Budget passes\n\nThe **budget** passed after a "
            "[long debate](https://x.example).\n\n- More buses\n- Cheaper fares\n")
    article = only_article(list(read_articles(write(tmp_path, "a.md", text))))
    assert article.title == "Budget passes"
    assert article.body == "The budget passed after a long debate.\n\nMore buses\nCheaper fares"


def test_bundled_sample_corpus_reads_with_its_front_matter() -> None:
    article = only_article(list(read_articles(SAMPLE)))
    assert article.title == (
        "Xi, Kim vow to strengthen North Korea and China\u2019s friendship, cooperation")
    assert article.source == "The Hill"
    assert (article.url, article.published, article.partial) == (None, None, False)
    assert article.body.startswith("Chinese President Xi Jinping and North Korean leader")
    assert article.body.endswith("“would plunge them into a greater disappointment.”")
    for junk in ("Getty Images", "Tags China", "Copyright", "See all", "Most Popular",
                 "Load more"):
        assert junk not in article.body


def test_bundled_sample_keeps_the_seed_text_after_its_front_matter() -> None:
    seed = REPO.parent / "shared" / "seed" / "xi-kim-treaty-anniversary.txt"
    if not seed.is_file():
        pytest.skip(f"seed article not found at {seed}")
    bundled = SAMPLE.read_bytes()
    assert bundled.startswith(b"---\n")
    assert bundled.split(b"\n---\n", 1)[1] == seed.read_bytes()


# --- JSON and JSON Lines -------------------------------------------------------------------


def test_json_single_object(tmp_path: Path) -> None:
    record = {"headline": "Rail cut", "articleBody": "Rail services were cut.",
              "link": "https://news.example/rail", "site_name": "Gazette",
              "datePublished": "Tue, 01 Jun 2026 10:00:00 GMT", "author": "Ana Ruiz"}
    path = write(tmp_path, "one.json", json.dumps(record))
    article = only_article(list(read_articles(path)))
    assert (article.title, article.body, article.url, article.source, article.published,
            article.authors) == ("Rail cut", "Rail services were cut.",
                                 "https://news.example/rail", "Gazette", "2026-06-01",
                                 ("Ana Ruiz",))
    assert article.origin == str(path)


def test_json_object_holding_a_list(tmp_path: Path) -> None:
    data = {"status": "ok", "articles": [
        {"title": "A", "content": "First story text."},
        {"title": "B", "body": "Second story text.", "source": {"id": "x", "name": "Wire"},
         "publishedAt": "2026-06-01T10:00:00Z"}]}
    path = write(tmp_path, "feed.json", json.dumps(data))
    first, second = articles(list(read_articles(path)))
    assert (first.title, second.title, second.source) == ("A", "B", "Wire")
    assert second.published == "2026-06-01"
    assert second.origin == f"{path}#2"


def test_json_truncated_newsapi_content_is_partial(tmp_path: Path) -> None:
    data = [{"title": "A", "content": "The council met on Monday and approved… [+2345 chars]"}]
    article = only_article(list(read_articles(write(tmp_path, "a.json", json.dumps(data)))))
    assert article.partial is True
    assert article.body == "The council met on Monday and approved"


def test_json_html_text_field_is_rendered_as_text(tmp_path: Path) -> None:
    data = {"title": "A", "text": "<p>First paragraph.</p><p>Second paragraph.</p>"}
    article = only_article(list(read_articles(write(tmp_path, "a.json", json.dumps(data)))))
    assert article.body == "First paragraph.\n\nSecond paragraph."


def test_json_record_with_whole_page_html(tmp_path: Path) -> None:
    data = {"url": "https://news.example/bridge", "html": HTML_01}
    article = only_article(list(read_articles(write(tmp_path, "a.json", json.dumps(data)))))
    assert article.title == "Bridge reopens after repairs"
    assert article.url == "https://news.example/bridge"
    assert article.body == "The harbour bridge reopened on Saturday after six weeks of repairs."


def test_invalid_json_file_is_one_skip_with_line(tmp_path: Path) -> None:
    items = list(read_articles(write(tmp_path, "bad.json", '[\n{"title": "x",\n]')))
    assert len(items) == 1
    assert isinstance(items[0], Skip)
    assert items[0].reason.startswith("invalid JSON")
    assert items[0].line == 3


def test_jsonl_bad_line_is_skipped_with_its_number_and_others_are_read(tmp_path: Path) -> None:
    lines = [json.dumps({"title": "One", "text": "First text."}), "",
             '{"title": "Two", "text": ', json.dumps({"title": "Three", "text": "Third."}),
             json.dumps(["not", "an", "object"]), json.dumps({"title": "Empty", "text": ""})]
    path = write(tmp_path, "a.jsonl", "\n".join(lines) + "\n")
    items = list(read_articles(path))
    assert [a.title for a in articles(items)] == ["One", "Three"]
    assert [a.origin for a in articles(items)] == [f"{path}:1", f"{path}:4"]
    bad, not_object, empty = skips(items)
    assert (bad.line, not_object.line, empty.line) == (3, 5, 6)
    assert bad.reason.startswith("invalid JSON: Expecting value")
    assert empty.reason == "no text extracted"
    assert str(bad).startswith(f"{path}:3: invalid JSON")


def test_jsonl_gz_and_ndjson(tmp_path: Path) -> None:
    body = "\n".join(json.dumps({"title": f"T{n}", "text": f"Text {n}."}) for n in range(3))
    gz = write(tmp_path, "articles.jsonl.gz", gzip.compress(body.encode()))
    nd = write(tmp_path, "articles.ndjson", body)
    assert [a.title for a in articles(list(read_articles(gz)))] == ["T0", "T1", "T2"]
    assert len(articles(list(read_articles(nd)))) == 3


def test_corrupt_gz_is_a_skip(tmp_path: Path) -> None:
    items = list(read_articles(write(tmp_path, "a.jsonl.gz", b"\x1f\x8bnot really gzip")))
    assert len(items) == 1
    assert isinstance(items[0], Skip)
    assert "gzip" in items[0].reason


# --- feeds ---------------------------------------------------------------------------------

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Example Times</title><link>https://news.example/</link><description>News
</description>
<item><title>Tram line opens</title><link>https://news.example/tram</link>
<pubDate>Mon, 01 Jun 2026 23:30:00 -0500</pubDate><dc:creator>Ana Ruiz</dc:creator>
<description>Short teaser.</description>
<content:encoded><![CDATA[<p>The new tram line opened on Monday.</p><p>It has 12 stops:</p>
<ul><li>Harbour</li><li>Old Town</li></ul><p>Advertisement</p>]]></content:encoded></item>
<item><title>Ferry resumes</title><link>https://news.example/ferry</link>
<description>The ferry service resumed on Wednesday.</description></item>
<item><title>No text</title><link>https://news.example/empty</link></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Daily Planet</title><id>urn:x</id>
<updated>2026-06-02T00:00:00Z</updated>
<entry><title>Bürgermeister eröffnet Brücke</title><link href="https://planet.example/b"/>
<id>urn:1</id><published>2026-06-01T08:30:00+02:00</published>
<updated>2026-06-03T08:30:00+02:00</updated><author><name>Jane Doe</name></author>
<content type="html">&lt;p&gt;Der Bürgermeister eröffnete die Brücke.&lt;/p&gt;&lt;p&gt;Die
Kosten lagen bei 4,5 Millionen Euro.&lt;/p&gt;</content></entry>
</feed>"""


def test_rss_entries_become_articles(tmp_path: Path) -> None:
    path = write(tmp_path, "feed.rss", RSS)
    items = list(read_articles(path))
    tram, ferry = articles(items)
    assert tram.title == "Tram line opens"
    assert tram.body == (
        "The new tram line opened on Monday.\n\nIt has 12 stops:\nHarbour\nOld Town")
    assert (tram.url, tram.source, tram.authors) == (
        "https://news.example/tram", "Example Times", ("Ana Ruiz",))
    assert tram.published == "2026-06-01"  # the feed's local date, not UTC's June 2
    assert tram.origin == f"{path}#1"
    assert (ferry.body, ferry.published) == ("The ferry service resumed on Wednesday.", None)
    assert [skip.reason for skip in skips(items)] == ["no text extracted"]


def test_atom_entry_becomes_article(tmp_path: Path) -> None:
    article = only_article(list(read_articles(write(tmp_path, "feed.atom", ATOM))))
    assert article.title == "Bürgermeister eröffnet Brücke"
    assert article.body == ("Der Bürgermeister eröffnete die Brücke.\n\n"
                            "Die Kosten lagen bei 4,5 Millionen Euro.")
    assert (article.url, article.source, article.published, article.authors) == (
        "https://planet.example/b", "Daily Planet", "2026-06-01", ("Jane Doe",))


def test_feed_without_entries_is_a_skip(tmp_path: Path) -> None:
    path = write(tmp_path, "empty.xml",
                 "<?xml version='1.0'?><rss version='2.0'><channel><title>x</title>"
                 "</channel></rss>")
    assert [skip.reason for skip in skips(list(read_articles(path)))] == ["feed has no entries"]


def test_xhtml_page_with_xml_suffix_is_read_as_html(tmp_path: Path) -> None:
    page = "<?xml version='1.0' encoding='utf-8'?>\n" + HTML_01
    article = only_article(list(read_articles(write(tmp_path, "page.xml", page))))
    assert article.title == "Bridge reopens after repairs"


# --- dispatch, directories, errors ---------------------------------------------------------


def test_directory_is_read_recursively_in_sorted_order_without_hidden_files(
    tmp_path: Path,
) -> None:
    write(tmp_path, "b.txt", "Bee\n\nSecond file.")
    write(tmp_path, "a/z.md", "Zed\n\nNested file.")
    write(tmp_path, "a/c.json", json.dumps({"title": "Sea", "text": "Nested JSON."}))
    write(tmp_path, "c.html.gz", gzip.compress(HTML_01.encode()))
    write(tmp_path, ".hidden.txt", "Hidden\n\nNot read.")
    write(tmp_path, ".git/d.txt", "Hidden dir\n\nNot read.")
    write(tmp_path, "notes.docx", b"PK\x03\x04")
    items = list(read_articles(tmp_path))
    assert [a.title for a in articles(items)] == [
        "Sea", "Zed", "Bee", "Bridge reopens after repairs"]
    (unsupported,) = skips(items)
    assert unsupported.origin == str(tmp_path / "notes.docx")
    assert "unsupported file type .docx" in unsupported.reason
    assert list(read_articles(tmp_path)) == items


def test_unknown_suffix_is_a_skip_with_reason(tmp_path: Path) -> None:
    items = list(read_articles(write(tmp_path, "report.pdf", b"%PDF-1.4")))
    assert len(items) == 1
    assert isinstance(items[0], Skip)
    assert items[0].reason.startswith("unsupported file type .pdf")


def test_missing_path_raises_file_not_found_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "nope.jsonl"
    with pytest.raises(FileNotFoundError, match=r"nope\.jsonl"):
        list(read_articles(missing))


def test_read_article_bytes_matches_read_articles(tmp_path: Path) -> None:
    path = write(tmp_path, "a.jsonl", json.dumps({"title": "T", "text": "Body."}))
    assert list(read_article_bytes(path.read_bytes(), filename=str(path))) == list(
        read_articles(path))


def test_suffixless_bytes_are_sniffed() -> None:
    items = list(read_article_bytes(json.dumps({"title": "T", "text": "Body."}).encode(),
                                    filename="attachment"))
    assert only_article(items).title == "T"


# --- the real evaluation files -------------------------------------------------------------


def test_reads_bbc_news_jsonl() -> None:
    path = EVAL / "bbc-news" / "articles.jsonl"
    if not path.is_file():
        pytest.skip(f"BBC News eval file not found at {path} (set NEWSDESK_EVAL_DIR)")
    items = list(read_articles(path))
    found = articles(items)
    assert len(found) == 2225
    assert not skips(items)
    assert all(a.title and a.source == "BBC News" and a.url is None for a in found)
    assert found[0].title == "Ad sales boost Time Warner profit"


def test_reads_realtimeqa_jsonl_gz_with_url_and_date() -> None:
    path = EVAL / "realtimeqa" / "articles.jsonl.gz"
    if not path.is_file():
        pytest.skip(f"RealTime QA eval file not found at {path} (set NEWSDESK_EVAL_DIR)")
    found = articles(list(read_articles(path)))
    assert len(found) == 3786
    assert all(a.url and a.published and a.source for a in found)
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", a.published or "") for a in found)
    first = found[0]
    assert (first.url, first.source, first.published, first.authors) == (
        "https://www.cnn.com/2022/06/12/media/squid-game-season-2/index.html", "cnn.com",
        "2022-06-12", ("Ramishah Maruf",))


# --- unclosed front matter (item 7) ------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "---\ntitle: Bridge reopens\ndate: 2026-06-01\n\nThe bridge reopened on Saturday.\n",
        "---\ntitle: Bridge reopens\n",
        "+++\ntitle = \"Bridge reopens\"\n\nThe bridge reopened on Saturday.\n",
    ],
)
def test_unclosed_front_matter_is_a_skip_naming_line_1(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, "a.md", text)
    assert list(read_articles(path)) == [
        Skip(origin=str(path), reason="front matter opened on line 1 is never closed", line=1)]


def test_leading_rule_followed_by_prose_is_not_front_matter(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", "---\nBridge reopens\n\nThe bridge reopened on Saturday.\n")
    article = only_article(list(read_articles(path)))
    assert (article.title, article.body) == ("Bridge reopens", "The bridge reopened on Saturday.")


def test_toml_front_matter_is_read(tmp_path: Path) -> None:
    text = ('+++\ntitle = "Bridge reopens"\ndate = 2026-06-01\nauthors = ["Jane Doe"]\n+++\n\n'
            "The bridge reopened on Saturday.\n")
    article = only_article(list(read_articles(write(tmp_path, "a.md", text))))
    assert (article.title, article.published, article.authors, article.body) == (
        "Bridge reopens", "2026-06-01", ("Jane Doe",), "The bridge reopened on Saturday.")


def test_rule_lines_are_not_indexed(tmp_path: Path) -> None:
    text = "Bridge reopens\n\nThe bridge reopened.\n\n* * *\n\nFerries resume.\n\n-----\n"
    article = only_article(list(read_articles(write(tmp_path, "a.md", text))))
    assert article.body == "The bridge reopened.\n\nFerries resume."


# --- user trial (item 9) -------------------------------------------------------------------------


def test_feed_entry_ending_in_a_subscribe_link_drops_it(tmp_path: Path) -> None:
    feed = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Example Times</title>'
        "<item><title>Bridge reopens</title><description><![CDATA[<p>The bridge reopened on "
        "Saturday.</p><p><a href='/subscribe'>Subscribe now</a></p>]]></description></item>"
        "<item><title>Ferry resumes</title><description><![CDATA[<p>The ferry resumed on Monday. "
        "<a href='/subscribe'>Subscribe now</a></p>]]></description></item>"
        "<item><title>Tram opens</title><description><![CDATA[<p>The tram opened.</p>"
        "<p><a href='/more'>Read more</a></p><p><a href='/c'>Continue reading</a></p>"
        "]]></description></item></channel></rss>"
    )
    found = articles(list(read_articles(write(tmp_path, "feed.rss", feed))))
    assert [a.body for a in found] == [
        "The bridge reopened on Saturday.", "The ferry resumed on Monday.", "The tram opened."]
    assert not any("subscribe" in a.body.lower() for a in found)


def test_jsonl_line_holding_a_list_of_objects_is_read(tmp_path: Path) -> None:
    lines = [json.dumps([{"title": "One", "text": "First text."},
                         {"title": "Two", "text": ""},
                         {"title": "Three", "text": "Third text."}]),
             json.dumps({"title": "Four", "text": "Fourth text."})]
    path = write(tmp_path, "a.jsonl", "\n".join(lines))
    items = list(read_articles(path))
    assert [(a.title, a.origin) for a in articles(items)] == [
        ("One", f"{path}:1"), ("Three", f"{path}:1"), ("Four", f"{path}:2")]
    assert skips(items) == [Skip(origin=str(path), reason="item 2: no text extracted", line=1)]


def test_html_paywall_variants_are_stripped_and_partial() -> None:
    page = ("<article><h1>City weighs airport sale</h1><p>The city plans to sell its airport."
            "</p><div><p>To read the full story, subscribe now…</p></div></article>")
    article = only_article(list(read_article_bytes(page.encode(), filename="p.html")))
    assert (article.body, article.partial) == ("The city plans to sell its airport.", True)
