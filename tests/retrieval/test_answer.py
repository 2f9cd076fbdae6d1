from retrieval.answer import compose, match_spans, passage_window
from retrieval.fusion import FusedIndex
from retrieval.rerank import rerank
from retrieval.sentences import segment
from retrieval.tokenization import tokenize
from retrieval.types import Document


def doc(body: str, doc_id: int = 1) -> Document:
    return Document(doc_id=doc_id, title="t", source="s", url=None, published=None,
                    sentences=tuple(segment(body)))


def test_window_stays_inside_the_paragraph():
    document = doc("One a. Two b. Three c.\n\nFour d. Five e.")
    assert [s.text for s in passage_window(document, 2, 1)] == ["Two b.", "Three c."]
    assert [s.text for s in passage_window(document, 3, 1)] == ["Four d.", "Five e."]
    assert [s.text for s in passage_window(document, 1, 0)] == ["Two b."]


def test_sent_01_answer_passage_is_sentence_three_with_its_neighbour():
    text = ("Negotiators met for three days in the U.S. Officials from both countries then issued "
            "a statement. Gen. A. B. Carter and Mr. D. Evans signed it on Jan. 5.")
    documents = [doc(text)]
    terms = tokenize("Who signed the statement?")
    hits = rerank("Who signed the statement?", FusedIndex.build(documents).search(terms, 5),
                  documents)
    answer = compose("Who signed the statement?", terms, hits, documents, top_k=1)
    best = answer.hits[0]
    assert best.sentence.text == "Gen. A. B. Carter and Mr. D. Evans signed it on Jan. 5."
    assert [s.text for s in best.sentences] == [
        "Officials from both countries then issued a statement.",
        "Gen. A. B. Carter and Mr. D. Evans signed it on Jan. 5.",
    ]


def test_compose_drops_hits_inside_a_better_passage():
    documents = [doc("Bridge one. Bridge two. Bridge three. Other. Other. Bridge four.")]
    terms = tokenize("bridge")
    hits = FusedIndex.build(documents).search(terms, 10)
    answer = compose("bridge", terms, hits, documents, top_k=5)
    shown = [s.position for hit in answer.hits for s in hit.sentences]
    assert len(shown) == len(set(shown))
    assert [hit.rank for hit in answer.hits] == list(range(1, len(answer.hits) + 1))


def test_compose_without_hits_abstains_with_no_match():
    answer = compose("volcano", ("volcano",), [], [], top_k=3)
    assert answer.hits == ()
    assert answer.reason == "no_match"
    assert answer.best is None


def test_match_spans_marks_surface_words():
    text = "Bridges reopened; the bridge is safe."
    assert [text[a:b] for a, b in match_spans(text, ("bridg",))] == ["Bridges", "bridge"]


def test_sent_08_list_item_passage_keeps_intro_and_items():
    document = doc("The council met on Monday.\n\nIt approved three projects:\nA new library\n"
                   "Road repairs\nA youth centre\n\nWork starts in May.")
    assert [s.text for s in passage_window(document, 1, 1)] == [
        "It approved three projects:", "A new library", "Road repairs", "A youth centre",
    ]
    assert passage_window(document, 3, 1)[0].text == "It approved three projects:"
