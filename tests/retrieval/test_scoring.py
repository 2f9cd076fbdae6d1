"""The ranking model of `retrieval.scoring`, checked on the fused index by hand and against
rank-bm25 (`retrieval.reference`)."""

import math

import numpy as np
import pytest

from retrieval.builder import SegmentBuilder
from retrieval.fusion import FusedIndex
from retrieval.reference import ReferenceBM25
from retrieval.scoring import TUNED_PARAMS, FusionParams, idf
from retrieval.sentences import segment
from retrieval.tokenization import tokenize
from retrieval.types import BM25Params, Document
from tests.conftest import REALTIME_QUESTIONS

SENTENCE_ONLY = FusionParams(article_weight=0.0, title_weight=0.0)


def one_sentence_docs(sentences: list[str]) -> list[Document]:
    return [Document(doc_id=i + 1, title=None, source=None, url=None, published=None,
                     sentences=tuple(segment(text)))
            for i, text in enumerate(sentences)]


def split_index(docs: list[Document], params: BM25Params, fusion: FusionParams) -> FusedIndex:
    """A fused index whose analyzer is ``str.split`` (terms written out in the test)."""
    builder = SegmentBuilder(params, article_k1=fusion.article_k1, article_b=fusion.article_b,
                             title_k1=fusion.title_k1, title_b=fusion.title_b, analyze=str.split)
    builder.add_documents(docs)
    return FusedIndex([builder.build()], fusion)


def test_idf_is_positive_even_for_a_term_in_every_unit():
    assert idf(3, 3) > 0
    assert idf(2, 1) == pytest.approx(math.log(1 + 1.5 / 1.5))


def test_fused_score_matches_the_formula_by_hand():
    docs = one_sentence_docs(["a b c", "a a d", "e f"])
    index = split_index(docs, BM25Params(k1=1.5, b=0.75), FusionParams())
    hits = index.search(["a"], 3)
    n, df, avgdl = 3, 2, 8 / 3
    term_idf = math.log(1 + (n - df + 0.5) / (df + 0.5))

    def part(tf: int, length: int, k1: float, b: float) -> float:
        return tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / avgdl))

    sentence = {1: term_idf * part(2, 3, 1.5, 0.75), 0: term_idf * part(1, 3, 1.5, 0.75)}
    article = {1: term_idf * part(2, 3, 1.5, 0.9), 0: term_idf * part(1, 3, 1.5, 0.9)}
    best_article = max(article.values())
    expected = [(d, sentence[d] / term_idf + 0.4 * article[d] / best_article) for d in (1, 0)]
    assert [(h.doc_index, h.score) for h in hits] == [(d, pytest.approx(f)) for d, f in expected]
    assert [h.match for h in hits] == pytest.approx([sentence[1] / term_idf,
                                                     sentence[0] / term_idf])


def test_fused_scores_match_rank_bm25_at_each_level():
    docs = [
        Document(1, "Bridge news", None, None, None, tuple(segment("Bridge closed. Ferry ran."))),
        Document(2, None, None, None, None, tuple(segment("Ferry fares rise."))),
    ]
    params, fusion = BM25Params(k1=1.2, b=0.5), FusionParams(article_weight=0.4,
                                                             title_weight=0.2)
    index = FusedIndex.build(docs, params, fusion)
    hits = index.search(["ferri"], 10)
    sentences = ReferenceBM25([["bridg", "close"], ["ferri", "ran"], ["ferri", "fare", "rise"]],
                              k1=1.2, b=0.5)
    articles = ReferenceBM25([["bridg", "close", "ferri", "ran"], ["ferri", "fare", "rise"]],
                             k1=1.5, b=0.9)
    s = sentences.get_scores(["ferri"])
    a = articles.get_scores(["ferri"])
    weight = sentences.idf["ferri"]
    expected = {(0, 1): s[1] / weight + 0.4 * a[0] / a.max(),
                (1, 0): s[2] / weight + 0.4 * a[1] / a.max()}
    assert {(h.doc_index, h.position): h.score for h in hits} == pytest.approx(expected)
    assert {(h.doc_index, h.position): h.match for h in hits} == pytest.approx(
        {(0, 1): s[1] / weight, (1, 0): s[2] / weight})


def assert_sentence_level_equals_rank_bm25(docs, params, questions):
    """With the article and title weights at 0, F = S / Q: ranking and S equal rank-bm25's."""
    index = FusedIndex.build(docs, params, SENTENCE_ONLY)
    keys = [(d, s.position) for d, doc in enumerate(docs) for s in doc.sentences]
    reference = ReferenceBM25([tokenize(s.text) for doc in docs for s in doc.sentences],
                              k1=params.k1, b=params.b)
    for question in questions:
        terms = list(dict.fromkeys(tokenize(question)))
        expected = np.asarray(reference.get_scores(terms))
        order = [i for i in np.argsort(-expected, kind="stable")[:10] if expected[i] > 0]
        weight = sum(index.idf(t) for t in terms)
        hits = index.search(terms, 10)
        assert [(h.doc_index, h.position) for h in hits] == [keys[i] for i in order]
        assert [h.score * weight for h in hits] == pytest.approx(expected[order].tolist(),
                                                                rel=1e-6)


def test_sentence_level_equals_the_rank_bm25_reference():
    sentences = [
        "The harbour bridge closed on Monday for repairs.",
        "The city council approved next year's budget.",
        "Repairs to the bridge will cost the council millions.",
        "Ferry fares rise in June.",
        "The bridge reopened after repairs on the harbour side.",
    ]
    assert_sentence_level_equals_rank_bm25(
        one_sentence_docs(sentences), BM25Params(k1=1.5, b=0.75),
        ["When will the harbour bridge repairs finish?", "council budget", "ferry"])


def test_sentence_level_equals_rank_bm25_on_the_realtimeqa_corpus(realtimeqa_documents):
    assert_sentence_level_equals_rank_bm25(realtimeqa_documents, TUNED_PARAMS,
                                           REALTIME_QUESTIONS)


# Case BM25-01 (../shared/cases/cases.jsonl)
def test_bm25_01_term_in_half_the_sentences_still_scores_above_zero():
    docs = one_sentence_docs([
        "The harbour bridge closed on Monday for repairs.",
        "The city council approved next year's budget.",
    ])
    hits = FusedIndex.build(docs).search(tokenize("When did the harbour bridge close?"), 2)
    assert [h.doc_index for h in hits] == [0]
    assert hits[0].score > 0
    assert hits[0].match > 0


# Case BM25-01 (../shared/cases/cases.jsonl)
def test_bm25_01_flood_sentences_outrank_the_others():
    docs = one_sentence_docs([
        "Flood warnings were issued for the river.",
        "Flood damage closed the town centre.",
        "The election result was announced.",
        "The cup final ended in a draw.",
    ])
    hits = FusedIndex.build(docs).search(tokenize("flood"), 4)
    assert [h.doc_index for h in hits] == [0, 1]
    assert all(h.score > 0 for h in hits)


BM25_06_ARTICLES = [
    ("Ferry news", "The ferry was late again. The ferry crew blamed the wind. A ferry horn woke "
                   "residents. The ferry company apologised."),
    ("Bus timetable", "A new bus timetable was published on Friday."),
    ("Harbour works", "The harbour wall was repaired. Wind damaged the ferry pier."),
]


# Case BM25-06 (../shared/cases/cases.jsonl)
@pytest.mark.parametrize("questions", [
    ["ferry timetable", "ferry ferry ferry ferry timetable", "timetable timetable ferry"],
    ["ferry wind", "ferry ferry ferry ferry ferry ferry wind", "wind wind wind wind ferry",
     "wind ferry ferries ferried"],
])
def test_bm25_06_repeated_query_terms_change_nothing(questions):
    docs = [Document(i + 1, title, "Coast Post", None, None, tuple(segment(text)))
            for i, (title, text) in enumerate(BM25_06_ARTICLES)]
    index = FusedIndex.build(docs)
    results = [[(h.doc_index, h.position, h.score, h.match)
                for h in index.search(tokenize(q), 10)] for q in questions]
    assert results[0]
    assert all(result == results[0] for result in results[1:])


# Case BM25-06 (../shared/cases/cases.jsonl)
def test_bm25_06_duplicate_query_terms_count_once():
    docs = one_sentence_docs(["Bridge closed.", "Ferry delayed."])
    index = FusedIndex.build(docs)
    assert index.search(["bridg", "bridg"], 1)[0].score == pytest.approx(
        index.search(["bridg"], 1)[0].score)
