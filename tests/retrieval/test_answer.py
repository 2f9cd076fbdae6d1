from retrieval.answer import compose, match_spans, passage_window, second_fragment
from retrieval.fusion import FusedIndex
from retrieval.rerank import rerank
from retrieval.sentences import segment
from retrieval.tokenization import tokenize
from retrieval.types import Document, SentenceHit


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


# --- passage choice (issue 13) ------------------------------------------------------------


TIME_WARNER = (
    "Quarterly profits at US media giant TimeWarner jumped 76% to $1.13bn (£600m) for the three "
    "months to December, from $639m year-earlier.\n\n"
    "The firm, which is now one of the biggest investors in Google, benefited from sales of "
    "high-speed internet connections and higher advert sales. TimeWarner said fourth quarter "
    "sales rose 2% to $11.1bn from $10.9bn.\n\n"
    "Its chairman said the advert business was doing well."
)


def test_second_fragment_adds_the_sentence_with_missing_terms():
    document = doc(TIME_WARNER)
    shown = [document.sentences[3]]  # the advert sentence
    extra = second_fragment(document, shown, ["profit", "timewarn", "advert"], lambda t: 1.0)
    assert extra is not None
    assert extra.position == 0


def test_second_fragment_brings_the_asked_figure_when_the_passage_has_none():
    document = doc("Officials met to discuss the budget on Monday.\n\nThe budget grows to $5bn "
                   "next year. Officials discussed the budget again.")
    shown = [document.sentences[2]]
    extra = second_fragment(document, shown, ["budget", "offici"], lambda t: 1.0,
                            "How big is the budget?")
    assert extra is not None
    assert extra.text == "The budget grows to $5bn next year."


def test_no_second_fragment_when_nothing_is_missing():
    document = doc(TIME_WARNER)
    assert second_fragment(document, [document.sentences[0]], ["profit"], lambda t: 1.0) is None


def test_heading_line_runs_on_into_the_next_paragraph():
    document = doc("The world's best airline for 2022 named\n\nQatar Airways took the title again "
                   "this year.\n\nOther news follows.")
    hit = SentenceHit(doc_index=0, position=0, score=1.0, sentence=0, match=1.0)
    answer = compose("best airline 2022", ["best", "airlin", "2022"], [hit], [document], top_k=1)
    assert [s.text for s in answer.hits[0].sentences] == [
        "The world's best airline for 2022 named", "Qatar Airways took the title again this year."]


def test_non_prose_neighbours_are_trimmed_and_weak_other_hits_dropped():
    document = doc("MORE: Read the other story\nThe bridge reopened on Saturday.\n\nOther text. "
                   "A bridge was painted.")
    hits = [SentenceHit(doc_index=0, position=1, score=2.0, sentence=1, match=1.0),
            SentenceHit(doc_index=0, position=3, score=0.5, sentence=3, match=0.2)]
    answer = compose("bridge", ["bridg"], hits, [document], top_k=3)
    assert [s.text for s in answer.hits[0].sentences] == ["The bridge reopened on Saturday."]
    assert len(answer.hits) == 1
