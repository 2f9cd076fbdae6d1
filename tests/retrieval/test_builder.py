import numpy as np
import pytest

from retrieval.builder import SegmentBuilder, _expand, analyze_texts
from retrieval.postings import DocumentInfo
from retrieval.sentences import segment
from retrieval.types import BM25Params, Document


def builder():
    return SegmentBuilder(BM25Params(k1=0.5, b=0.3), article_k1=1.5, article_b=0.9,
                          title_k1=1.5, title_b=0.75)


DOCS = [
    Document(7, "Harbour bridge", "Example Times", "https://x.example/a", "2026-04-04",
             tuple(segment("The bridge reopened. Café owners cheered.\n\nTraffic was light."))),
    Document(9, None, None, None, None, tuple(segment("Ferry fares rise in June."))),
]


def test_documents_come_back_with_their_text_and_spans():
    b = builder()
    b.add_documents(DOCS)
    built = b.build()
    for index, original in enumerate(DOCS):
        assert built.document(index) == original
    assert built.sentence_text(1) == "Café owners cheered."
    assert built.document_of(3) == 1


def test_build_order_puts_documents_where_asked():
    b = builder()
    b.add_documents(DOCS)
    built = b.build([1, 0])
    assert [built.document(i).doc_id for i in range(2)] == [9, 7]


def test_analysis_in_another_process_gives_the_same_segment():
    direct = builder()
    direct.add_documents(DOCS)
    a = direct.build()
    parallel = builder()
    items = [(DocumentInfo.of(d), d.sentences) for d in DOCS]
    parallel.add_analyzed(items, analyze_texts([s.text for d in DOCS for s in d.sentences]))
    b = parallel.build()
    terms_a = sorted(a.vocabulary, key=a.vocabulary.get)
    terms_b = sorted(b.vocabulary, key=b.vocabulary.get)
    for term in set(terms_a):
        ta, tb = a.vocabulary[term], b.vocabulary[term]
        assert a.s_ids[a.s_off[ta]:a.s_off[ta + 1]].tolist() == \
            b.s_ids[b.s_off[tb]:b.s_off[tb + 1]].tolist()
        assert a.s_part[a.s_off[ta]:a.s_off[ta + 1]].tolist() == pytest.approx(
            b.s_part[b.s_off[tb]:b.s_off[tb + 1]].tolist())
    assert set(terms_a) == set(terms_b)


def test_article_postings_point_at_their_sentence_postings():
    b = builder()
    b.add_documents(DOCS)
    built = b.build()
    term = built.vocabulary["bridg"]
    first = built.a_off[term]
    assert built.a_ids[first] == 0
    start, end = built.a_soff[first], built.a_soff[first + 1]
    assert built.s_ids[start:end].tolist() == [0]
    assert built.a_max[first] == built.s_part[start:end].max()


@pytest.mark.parametrize("counts", [[0, 2, 0, 3, 1, 0], [3], [0, 0, 1], [1, 0, 0], [0], []])
def test_expand_repeats_indices(counts):
    counts = np.asarray(counts, dtype=np.int64)
    assert _expand(counts).tolist() == np.repeat(np.arange(len(counts)), counts).tolist()
