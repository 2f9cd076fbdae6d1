from datetime import date

import pytest

from retrieval.recency import age_days, apply_recency, recency_factor
from retrieval.types import SentenceHit


def test_age_in_days_up_to_the_as_of_day() -> None:
    assert age_days("2022-09-25", date(2022, 10, 9)) == 14.0
    assert age_days(None, date(2022, 10, 9)) is None
    assert age_days("someday", date(2022, 10, 9)) is None


def test_factor_halves_its_boost_every_half_life() -> None:
    assert recency_factor(0.0, 0.3) == pytest.approx(1.3)
    assert recency_factor(14.0, 0.3) == pytest.approx(1.15)
    assert recency_factor(28.0, 0.3) == pytest.approx(1.075)
    assert recency_factor(None, 0.3) == 1.0  # undated: no advantage


def test_newer_article_wins_a_near_tie_but_not_a_clear_loss() -> None:
    old = SentenceHit(doc_index=0, position=0, score=1.00, sentence=0, match=1.0)
    new = SentenceHit(doc_index=1, position=0, score=0.95, sentence=1, match=1.0)
    weak = SentenceHit(doc_index=2, position=0, score=0.50, sentence=2, match=0.5)
    published = {0: "2022-07-07", 1: "2022-09-22", 2: "2022-09-25"}
    ranked = apply_recency([old, new, weak], lambda hit: published[hit.doc_index],
                           date(2022, 9, 25), 0.3)
    assert [hit.doc_index for hit in ranked] == [1, 0, 2]
    assert ranked[0].score == pytest.approx(0.95 * (1 + 0.3 * 0.5 ** (3 / 14)))


def test_zero_strength_keeps_the_order() -> None:
    hits = [SentenceHit(doc_index=i, position=0, score=1.0 - i / 10, sentence=i, match=1.0)
            for i in range(3)]
    assert apply_recency(hits, lambda hit: "2022-01-01", date(2022, 1, 2), 0.0) == hits
