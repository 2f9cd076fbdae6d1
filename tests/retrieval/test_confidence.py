import pytest

from retrieval.confidence import Evidence, common_terms, evidence, judged_terms
from retrieval.fusion import FusedIndex
from retrieval.query import QueryPlan, understand
from retrieval.sentences import segment
from retrieval.types import Document


def doc(doc_id: int, body: str) -> Document:
    return Document(doc_id=doc_id, title=None, source=None, url=None, published=None,
                    sentences=tuple(segment(body)))


INDEX = FusedIndex.build([
    doc(1, "Fuel prices climbed for the third week.\n\nThe price of diesel also rose."),
    doc(2, "The port reopened on Friday after the storm."),
    doc(3, "The council approved the budget on Monday."),
])


def test_unknown_term_lowers_both_matches():
    evidence_ = Evidence(passage=1.0, article=1.0, known=2.0, unknown=1, rare=2.0,
                         rarest_missing=False)
    assert evidence_.match(1.0, 1.0) == pytest.approx((0.5, 0.5))
    assert evidence_.match(0.0, 1.0) == pytest.approx((1.0, 1.0))


def test_missing_rarest_term_halves_the_article_match_of_short_questions():
    evidence_ = Evidence(1.0, 1.0, 2.0, 0, 2.0, rarest_missing=True, terms=3)
    assert evidence_.match(1.0, 0.5, rarest_max_terms=4) == pytest.approx((1.0, 0.5))
    assert evidence_.match(1.0, 0.5, rarest_max_terms=2) == pytest.approx((1.0, 1.0))


def test_price_of_bitcoin_is_not_answered_by_fuel_prices():
    terms = ["price", "bitcoin"]
    found = evidence(INDEX, terms, QueryPlan(text="price of bitcoin"),
                     "Fuel prices climbed for the third week.", 0)
    assert found.unknown == 1
    assert found.rarest_missing
    passage, article = found.match(1.0, 0.5)
    assert passage < 0.43
    assert article < 0.45


def test_common_word_missing_from_a_small_corpus_is_no_evidence():
    assert "happen" in common_terms()
    found = evidence(INDEX, ["happen", "port"], QueryPlan(text="What happened at the port?"),
                     "The port reopened on Friday after the storm.", 1)
    assert found.unknown == 0
    assert not found.rarest_missing


def test_joined_compound_terms_are_not_judged():
    plan = QueryPlan(text="health-care workers")
    assert judged_terms(INDEX, ["health", "care", "healthcar", "worker"], plan) == (
        "health", "care", "worker")


def test_long_message_is_judged_by_its_focus_and_rarest_words():
    message = ("Hi friends, hope everyone is well. My uncle keeps asking me about the port and "
               "the storm and the council and the budget and I just can't remember the answer. "
               "When did the port reopen?")
    plan = understand(message)
    assert plan.focus == "When did the port reopen?"
    terms = ["port", "storm", "council", "budget", "reopen"]
    judged = judged_terms(INDEX, terms, plan)
    assert set(judged) >= {"port", "reopen"}
    assert len(judged) <= 5
