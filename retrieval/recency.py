"""The recency prior: among candidates that match about equally, newer articles win.

A candidate's fused score is multiplied by ``1 + strength * 0.5 ** (age / half_life)``,
where ``age`` is the number of days between its article's publication and the as-of day
(the day the question is asked).  ``strength`` is `WEAK` for any question and `STRONG`
when the question asks for the current state ("now", "latest", "so far", "this week":
`retrieval.query.QueryPlan.recency`).  Undated articles get no advantage (factor 1);
articles dated after the as-of day are filtered out before ranking, so ``age`` is never
negative here.  The values (the service's ``recency_weak`` / ``recency_strong``) were
chosen on the tune half of the member dev set and the RealTime QA tuning questions asked as
of their date (``bench/members.py``, ``bench/quality.py``): 0.05/0.3 gave 0.357 answer@1 on
the tuning questions, 0.15/0.6 gave 0.383, 0.3/1.0 gave 0.377.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date

from retrieval.types import SentenceHit

__all__ = ["HALF_LIFE_DAYS", "STRONG", "WEAK", "age_days", "apply_recency"]

WEAK = 0.15
STRONG = 0.6
HALF_LIFE_DAYS = 14.0


def age_days(published: str | None, as_of: date) -> float | None:
    """Days from ``published`` (``YYYY-MM-DD...``) to ``as_of``; None when undated/unreadable."""
    if not published:
        return None
    try:
        day = date.fromisoformat(published[:10])
    except ValueError:
        return None
    return max(0.0, float((as_of - day).days))


def recency_factor(age: float | None, strength: float, half_life: float = HALF_LIFE_DAYS) -> float:
    """The multiplier for a candidate ``age`` days old (1.0 when undated)."""
    if age is None or strength <= 0:
        return 1.0
    return 1.0 + strength * float(0.5 ** (age / half_life))


def apply_recency(
    hits: Sequence[SentenceHit],
    published_of: Callable[[SentenceHit], str | None],
    as_of: date,
    strength: float,
    half_life: float = HALF_LIFE_DAYS,
) -> list[SentenceHit]:
    """``hits`` rescored by the recency prior and re-sorted (score desc, stable)."""
    if strength <= 0:
        return list(hits)
    rescored = [
        replace(hit, score=hit.score * recency_factor(age_days(published_of(hit), as_of),
                                                      strength, half_life))
        for hit in hits
    ]
    return sorted(rescored, key=lambda hit: -hit.score)
