"""Fuzzing the readers and the splitter with hypothesis (issue 9).

Whatever bytes arrive, every reader yields Articles and Skips (never raises), every string it
yields is valid UTF-8, and every sentence it stores is a real slice of the body. CI runs a
bounded number of examples; a longer run: ``NEWSDESK_FUZZ_EXAMPLES=20000 pytest
tests/corpus/test_fuzz_readers.py``. Failures hypothesis found are kept as `example`s.
"""

from __future__ import annotations

import gzip
import json
import os

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from corpus.ingest import read_article_bytes
from corpus.models import Article, Skip
from retrieval.sentences import segment

EXAMPLES = int(os.environ.get("NEWSDESK_FUZZ_EXAMPLES", "150"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SUFFIXES = ["a.txt", "a.md", "a.json", "a.jsonl", "a.html", "a.xml", "a.rss", "a.atom",
            "a.html.gz", "a.json.gz", "a.bin"]

# Text that looks like each format, so the fuzzer reaches past the first parse.
HTMLISH = st.lists(st.sampled_from([
    "<html>", "<head>", "<title>", "</title>", "<body>", "<article>", "<p>", "</p>", "<h1>",
    "<script>", "<!--", "-->", "<![CDATA[", "&amp;", "&#0;", "&#xD800;", "<meta charset=\"",
    "utf-16", "\">", "<time datetime=\"", "2026-02-30", "\u00ff", "\ud7ff", "\x00", "\u2028",
    "Mr.", " ", "\n", "The bridge reopened.", "«", "»", "“", "”",
]), max_size=60).map("".join)
JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["title", "text", "body", "url", "date", "published", "source",
                         "authors", "x"]), inner, max_size=6),
    max_leaves=12,
)


def _check(items: list[Article | Skip]) -> None:
    for item in items:
        assert isinstance(item, Article | Skip)
        for value in ((item.title, item.body, item.url, item.source, item.published,
                       item.origin, *item.authors) if isinstance(item, Article)
                      else (item.origin, item.reason)):
            if value is not None:
                value.encode("utf-8")  # no lone surrogates
        if isinstance(item, Article):
            assert item.body.strip()
            for sentence in segment(item.body):
                assert item.body[sentence.start:sentence.end] == sentence.text


@FUZZ
@given(data=st.binary(max_size=4000), filename=st.sampled_from(SUFFIXES))
@example(data=b"\x1f\x8b\x08\x00" + b"\x00" * 20, filename="a.html.gz")
@example(data=b'{"title": "x", "text": "\\ud800 bridge"}', filename="a.json")
@example(data=b"\xef\xbb\xbf\xff\xfe<p>x</p>", filename="a.html")
def test_any_bytes_give_articles_or_skips(data: bytes, filename: str) -> None:
    _check(list(read_article_bytes(data, filename=filename)))


@FUZZ
@given(text=HTMLISH, filename=st.sampled_from(["a.html", "a.xml", "a.md", "a.txt"]),
       compress=st.booleans())
def test_markup_like_text_gives_articles_or_skips(text: str, filename: str,
                                                  compress: bool) -> None:
    data = text.encode("utf-8", "surrogatepass")
    if compress:
        data, filename = gzip.compress(data), filename + ".gz"
    _check(list(read_article_bytes(data, filename=filename)))


@FUZZ
@given(records=st.lists(JSONISH, max_size=5), lines=st.booleans())
def test_json_like_records_give_articles_or_skips(records: list[object], lines: bool) -> None:
    if lines:
        data = "\n".join(json.dumps(r) for r in records).encode("utf-8", "surrogatepass")
        _check(list(read_article_bytes(data, filename="a.jsonl")))
    else:
        data = json.dumps(records).encode("utf-8", "surrogatepass")
        _check(list(read_article_bytes(data, filename="a.json")))


@FUZZ
@given(text=st.text(max_size=3000) | HTMLISH)
def test_sentences_are_slices_of_the_text_in_order(text: str) -> None:
    sentences = segment(text)
    end = 0
    for sentence in sentences:
        assert text[sentence.start:sentence.end] == sentence.text
        assert sentence.start >= end
        assert sentence.text.strip() == sentence.text
        end = sentence.end
