import random

import numpy as np
import pytest

from corpus.ingest import read_articles
from corpus.models import Article
from retrieval.fusion import FusedIndex
from retrieval.reference import ReferenceFused
from retrieval.sentences import segment
from retrieval.tokenization import tokenize
from retrieval.types import Document, EmptyCorpusError
from tests.conftest import DATA, REALTIME_QUESTIONS

QUESTIONS = [
    "When did the harbour bridge reopen?",
    "How much will ferry fares rise?",
    "What did the council approve?",
    "Which engineers found cracks in the main span?",
    "ferry",
]


def documents_of(articles: list[Article]) -> list[Document]:
    return [
        Document(doc_id=i + 1, title=a.title, source=a.source, url=a.url,
                 published=a.published, sentences=tuple(segment(a.body)))
        for i, a in enumerate(articles)
    ]


@pytest.fixture(scope="module")
def tiny_documents() -> list[Document]:
    return documents_of([a for a in read_articles(DATA) if isinstance(a, Article)])


def synthetic_documents(count: int = 300, seed: int = 7) -> list[Document]:
    """Documents of random words (Zipf-like) so that search has to prune."""
    rng = random.Random(seed)
    words = [f"w{i}" for i in range(400)]
    weights = [1 / (i + 1) for i in range(len(words))]
    docs = []
    for doc_id in range(1, count + 1):
        paragraphs = []
        for _ in range(rng.randint(1, 4)):
            sentences = [" ".join(rng.choices(words, weights, k=rng.randint(3, 18))) + "."
                         for _ in range(rng.randint(1, 5))]
            paragraphs.append(" ".join(sentences))
        title = " ".join(rng.choices(words, weights, k=rng.randint(0, 6))) or None
        docs.append(Document(doc_id=doc_id, title=title, source=None, url=None, published=None,
                             sentences=tuple(segment("\n\n".join(paragraphs)))))
    return docs


def assert_same_ranking(index, reference, query_terms, depth, doc_mask=None):
    hits = index.search(query_terms, depth, doc_mask=doc_mask)
    expected = reference.top(query_terms, depth, doc_mask=doc_mask)
    assert [(h.doc_index, h.position) for h in hits] == [(d, p) for d, p, _ in expected]
    assert [h.score for h in hits] == pytest.approx([s for _, _, s in expected], rel=1e-6)


@pytest.mark.parametrize("question", QUESTIONS)
def test_fused_scores_equal_the_rank_bm25_reference_on_the_shipped_corpus(tiny_documents,
                                                                         question):
    index = FusedIndex.build(tiny_documents)
    reference = ReferenceFused(tiny_documents)
    assert_same_ranking(index, reference, tokenize(question), 10)


@pytest.mark.parametrize("depth", [1, 5, 17, 40])
def test_pruned_search_equals_scoring_every_sentence(depth):
    docs = synthetic_documents()
    index = FusedIndex.build(docs)
    reference = ReferenceFused(docs)
    rng = random.Random(depth)
    for _ in range(25):
        query = [f"w{rng.randint(0, 120)}" for _ in range(rng.randint(1, 7))]
        assert_same_ranking(index, reference, query, depth)


def test_document_mask_is_applied_before_ranking_and_normalising():
    docs = synthetic_documents(120, seed=3)
    index = FusedIndex.build(docs)
    reference = ReferenceFused(docs)
    mask = np.array([i % 3 == 0 for i in range(len(docs))])
    for query in (["w1", "w7", "w30"], ["w2"], ["w50", "w51", "w52", "w3"]):
        assert_same_ranking(index, reference, query, 12, doc_mask=mask)
        assert all(mask[h.doc_index] for h in index.search(query, 12, doc_mask=mask))


def test_term_in_every_sentence_still_ranks_every_sentence():
    docs = [Document(i, None, None, None, None, tuple(segment(text)))
            for i, text in enumerate(["Bridge one.", "Bridge two.", "Bridge three."], start=1)]
    hits = FusedIndex.build(docs).search(["bridg"], 5)
    assert len(hits) == 3
    assert all(h.score > 0 for h in hits)
    assert [h.doc_index for h in hits] == [0, 1, 2]  # ties break by index order


def one_sentence_docs(sentences: list[str]) -> list[Document]:
    return [Document(doc_id=i + 1, title=f"doc {i + 1}", source=None, url=None, published=None,
                     sentences=tuple(segment(text)))
            for i, text in enumerate(sentences)]


# Case BM25-03 (../shared/cases/cases.jsonl)
@pytest.mark.parametrize("bodies", [[], ["   \n\n  "], ["the of and", "a an"]])
def test_bm25_03_empty_corpus_is_a_clear_error_not_zero_division(bodies):
    index = FusedIndex.build(one_sentence_docs(bodies))
    assert index.is_empty
    with pytest.raises(EmptyCorpusError, match="no sentences indexed"):
        index.search(["port"], 3)


# Case BM25-04 (../shared/cases/cases.jsonl)
def test_bm25_04_no_query_term_in_corpus_returns_nothing():
    docs = one_sentence_docs([
        "The harbour bridge reopened on Saturday.",
        "Ferry fares will rise in June.",
        "The council approved the budget.",
    ])
    index = FusedIndex.build(docs)
    assert index.search(tokenize("What did the volcano do?"), 1) == []
    assert index.search(["volcano"], 3) == []


# Case BM25-04 (../shared/cases/cases.jsonl)
def test_bm25_04_ties_break_by_build_order_every_time():
    docs = one_sentence_docs(["Bridge news today.", "Bridge news today.", "Bridge news today."])
    index = FusedIndex.build(docs)
    orders = {tuple(h.doc_index for h in index.search(["bridg"], 2)) for _ in range(5)}
    assert orders == {(0, 1)}


def test_doc_mask_filters_before_ranking():
    docs = one_sentence_docs(["Bridge bridge bridge.", "Bridge closed.", "Ferry."])
    index = FusedIndex.build(docs)
    mask = np.array([False, True, True])
    assert [h.doc_index for h in index.search(["bridg"], 1, doc_mask=mask)] == [1]


def test_added_segment_shares_corpus_statistics():
    docs = synthetic_documents(60, seed=11)
    whole = FusedIndex.build(docs)
    base = FusedIndex.build(docs[:50])
    builder = base.delta_builder()
    builder.add_documents(docs[50:])
    combined = base.with_segment(builder.build())
    assert combined.doc_count == whole.doc_count
    assert combined.sentence_count == whole.sentence_count
    for term in ("w0", "w3", "w40", "w99"):
        assert combined.idf(term) == pytest.approx(whole.idf(term))
    hits = combined.search(["w3", "w40"], 200)
    assert {h.doc_index for h in hits} == {h.doc_index for h in whole.search(["w3", "w40"], 200)}
    assert combined.document(55).doc_id == docs[55].doc_id


def test_removed_documents_are_never_returned():
    docs = synthetic_documents(40, seed=5)
    index = FusedIndex.build(docs)
    first = index.search(["w1", "w2"], 5)[0].doc_index
    without = index.without([first])
    assert first not in {h.doc_index for h in without.search(["w1", "w2"], 500)}


def test_coverage_counts_idf_weight_of_terms_present():
    docs = [
        Document(1, None, None, None, None, tuple(segment("Bridge closed. Ferry ran late."))),
        Document(2, None, None, None, None, tuple(segment("Budget approved."))),
    ]
    index = FusedIndex.build(docs)
    terms = ["bridg", "ferri", "budget"]
    total = sum(index.idf(t) for t in terms)
    assert index.coverage(terms, text="The bridge closed.") == pytest.approx(
        index.idf("bridg") / total)
    assert index.coverage(terms, doc_index=0) == pytest.approx(
        (index.idf("bridg") + index.idf("ferri")) / total)


def test_fused_scores_equal_the_reference_on_the_realtimeqa_corpus(realtimeqa_documents):
    index = FusedIndex.build(realtimeqa_documents)
    reference = ReferenceFused(realtimeqa_documents)
    for question in REALTIME_QUESTIONS:
        assert_same_ranking(index, reference, tokenize(question), 10)
