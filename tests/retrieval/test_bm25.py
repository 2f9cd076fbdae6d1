import math

import numpy as np
import pytest

from retrieval.bm25 import BM25Index, EmptyCorpusError, ReferenceBM25
from retrieval.sentences import segment
from retrieval.tokenization import tokenize
from retrieval.types import BM25Params, Document


def make_docs(*bodies: str) -> list[Document]:
    return [
        Document(doc_id=i + 1, title=f"doc {i + 1}", source=None, url=None, published=None,
                 sentences=tuple(segment(body)))
        for i, body in enumerate(bodies)
    ]


def one_sentence_docs(sentences: list[str]) -> list[Document]:
    return make_docs(*sentences)


def test_score_matches_formula_by_hand():
    docs = one_sentence_docs(["a b c", "a a d", "e f"])
    index = BM25Index.build(docs, BM25Params(k1=1.5, b=0.75), analyze=str.split)
    hits = index.search(["a"], top_k=3)
    n_sentences, df, avgdl = 3, 2, 8 / 3
    idf = math.log(1 + (n_sentences - df + 0.5) / (df + 0.5))
    expected_second = idf * 2 * 2.5 / (2 + 1.5 * (1 - 0.75 + 0.75 * 3 / avgdl))
    expected_first = idf * 1 * 2.5 / (1 + 1.5 * (1 - 0.75 + 0.75 * 3 / avgdl))
    assert [(h.doc_index, h.score) for h in hits] == [
        (1, pytest.approx(expected_second)),
        (0, pytest.approx(expected_first)),
    ]


def test_scores_equal_reference_rank_bm25_model():
    sentences = [
        "The harbour bridge closed on Monday for repairs.",
        "The city council approved next year's budget.",
        "Repairs to the bridge will cost the council millions.",
        "Ferry fares rise in June.",
        "The bridge reopened after repairs on the harbour side.",
    ]
    docs = one_sentence_docs(sentences)
    index = BM25Index.build(docs, BM25Params(k1=1.5, b=0.75))
    reference = ReferenceBM25([tokenize(s) for s in sentences], k1=1.5, b=0.75)
    query_terms = tokenize("When will the harbour bridge repairs finish?")
    expected = reference.get_scores(query_terms)
    hits = index.search(query_terms, top_k=10)
    got = {h.doc_index: h.score for h in hits}
    for doc_index, score in enumerate(expected):
        assert got.get(doc_index, 0.0) == pytest.approx(score, rel=1e-6)
    assert [h.doc_index for h in hits] == [int(i) for i in np.argsort(-expected, kind="stable")
                                          if expected[i] > 0]


# Case BM25-01 (../shared/cases/cases.jsonl)
def test_bm25_01_term_in_half_the_sentences_still_scores_above_zero():
    docs = one_sentence_docs([
        "The harbour bridge closed on Monday for repairs.",
        "The city council approved next year's budget.",
    ])
    hits = BM25Index.build(docs).search(tokenize("When did the harbour bridge close?"), top_k=2)
    assert [h.doc_index for h in hits] == [0]
    assert hits[0].score > 0


# Case BM25-01 (../shared/cases/cases.jsonl)
def test_bm25_01_flood_sentences_outrank_the_others():
    docs = one_sentence_docs([
        "Flood warnings were issued for the river.",
        "Flood damage closed the town centre.",
        "The election result was announced.",
        "The cup final ended in a draw.",
    ])
    hits = BM25Index.build(docs).search(tokenize("flood"), top_k=4)
    assert [h.doc_index for h in hits] == [0, 1]
    assert all(h.score > 0 for h in hits)


def test_term_in_every_sentence_scores_above_zero():
    docs = one_sentence_docs(["Bridge one.", "Bridge two.", "Bridge three."])
    hits = BM25Index.build(docs).search(["bridg"], top_k=3)
    assert len(hits) == 3
    assert all(h.score > 0 for h in hits)


# Case BM25-03 (../shared/cases/cases.jsonl)
@pytest.mark.parametrize("bodies", [[], ["   \n\n  "], ["the of and", "a an"]])
def test_bm25_03_empty_corpus_is_a_clear_error_not_zero_division(bodies):
    index = BM25Index.build(make_docs(*bodies))
    assert index.is_empty
    with pytest.raises(EmptyCorpusError, match="no sentences indexed"):
        index.search(["port"], top_k=3)


# Case BM25-04 (../shared/cases/cases.jsonl)
def test_bm25_04_no_query_term_in_corpus_returns_nothing():
    docs = one_sentence_docs([
        "The harbour bridge reopened on Saturday.",
        "Ferry fares will rise in June.",
        "The council approved the budget.",
    ])
    assert BM25Index.build(docs).search(tokenize("What did the volcano do?"), top_k=1) == []


# Case BM25-04 (../shared/cases/cases.jsonl)
def test_bm25_04_ties_break_by_build_order_every_time():
    docs = one_sentence_docs(["Bridge news today.", "Bridge news today.", "Bridge news today."])
    index = BM25Index.build(docs)
    orders = {tuple(h.doc_index for h in index.search(["bridg"], top_k=2)) for _ in range(5)}
    assert orders == {(0, 1)}


def test_doc_mask_filters_before_ranking():
    docs = one_sentence_docs(["Bridge bridge bridge.", "Bridge closed.", "Ferry."])
    index = BM25Index.build(docs)
    mask = np.array([False, True, True])
    hits = index.search(["bridg"], top_k=1, doc_mask=mask)
    assert [h.doc_index for h in hits] == [1]


def test_duplicate_query_terms_count_once():
    docs = one_sentence_docs(["Bridge closed.", "Ferry delayed."])
    index = BM25Index.build(docs)
    assert index.search(["bridg", "bridg"], top_k=1)[0].score == pytest.approx(
        index.search(["bridg"], top_k=1)[0].score
    )
