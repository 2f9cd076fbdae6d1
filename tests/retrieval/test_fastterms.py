import pytest

from corpus.ingest import read_articles
from corpus.models import Article
from retrieval.fastterms import terms
from retrieval.sentences import split_sentences
from retrieval.tokenization import tokenize
from tests.conftest import DATA, eval_file

TRICKY = [
    "", "   ", "WHO IS HE?", "WHO", "US", "The U.S. and US and u.s. agreed.", "HELLO world",
    "\"WHO\" said so.", "ÜBER ALLES", "Kim’s plan", "dogs' toys", "'90s music", "COVID-19 cases",
    "It cost $1,000,000.50, or 3.5%.", "e.g. this, i.e. that", "Gen. A. B. Carter signed (it).",
    "Ph.D. students at 5 p.m.", "café naïve re\u0301sume\u0301", "x²+y²", "«Bonjour»",
    "rock'n'roll", "O'Brien’s", "end.”Next", "a.b.c.", "A.", "—dash—and–en", "under_score",
    "emoji 🙂 here", "tab\tseparated\nlines", "ALL CAPS HEADLINE: U.S. OFFICIALS SAY",
]


@pytest.mark.parametrize("text", TRICKY)
def test_terms_equal_tokenize_on_tricky_text(text):
    assert terms(text) == tokenize(text)


def test_terms_equal_tokenize_on_the_shipped_corpus():
    for article in read_articles(DATA):
        assert isinstance(article, Article)
        for sentence in split_sentences(article.body):
            assert terms(sentence) == tokenize(sentence)


def test_terms_equal_tokenize_on_every_realtimeqa_article():
    path = eval_file("realtimeqa", "articles.jsonl.gz")
    for article in read_articles(path):
        if isinstance(article, Article):
            for line in article.body.splitlines():
                assert terms(line) == tokenize(line), line
