"""Whether a passage answers the question: the numbers the abstention thresholds compare.

For the best passage newsdesk computes two shares of the question's weight (each query
term weighs its sentence-level IDF, as in the fused score's ``Q``):

* **passage match**: the weight of the terms the shown passage holds;
* **article match**: the weight of the terms its article holds anywhere.

Two kinds of evidence lower both:

* a query term that no sentence holds (after typo correction) is evidence against
  answering, not a term to drop: it weighs ``unknown_weight`` times the IDF of a term
  found in a single sentence, and the matches are shares of the weight including it
  (common English words, ``retrieval/data/common_words.txt``, are no evidence: a small
  corpus may simply not use "happened");
* a passage whose most specific matched term is common (its IDF under ``min_specific``
  of a one-sentence term's) matches only common words and is not an answer;
* for a short question (at most ``rarest_max_terms`` terms: off-topic questions are short),
  an article without the question's most informative term (highest IDF, or any unknown
  term) has its article match multiplied by ``rarest_missing`` (a passage about "prices"
  hardly answers "price of dogecoin").

Terms joined from hyphenated words ("health-care" -> ``healthcar``) help find passages but
are left out of the judged weight: the parts stand for them.  A long chatty message is
judged by its asking sentence (`retrieval.query.QueryPlan.focus`) plus its `INFORMATIVE`
rarest known terms, and only its asking sentence's terms take part in the rarest-term
test, so a story's details neither sink nor carry the answer.
``bot.service`` refuses when the passage match is below ``min_match`` or the article match
below ``min_article_match``; ``bench/quality.py`` prints the trade-off.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

from retrieval.fastterms import terms as analyze_terms
from retrieval.fusion import FusedIndex
from retrieval.query import QueryPlan
from retrieval.tokenization import tokenize

__all__ = ["INFORMATIVE", "Evidence", "evidence", "judged_terms"]

INFORMATIVE = 3
"""A long message is judged by its asking sentence and this many of its rarest terms."""



@dataclass(frozen=True, slots=True)
class Evidence:
    """The parts the two matches are made of (`match` combines them)."""

    passage: float  # share of the known terms' weight held by the passage
    article: float  # ... by its article
    known: float  # weight of the known terms
    unknown: float  # number of terms no sentence holds (common words aside)
    rare: float  # IDF of a term found in one sentence
    rarest_missing: bool  # the article lacks the most informative term (or one is unknown)
    specific: float = 1.0  # IDF of the rarest term the passage holds, over `rare`
    terms: int = 0  # distinct judged terms

    def match(
        self, unknown_weight: float, rarest_missing: float, min_specific: float = 0.0,
        rarest_max_terms: int = 1000,
    ) -> tuple[float, float]:
        """``(passage match, article match)`` for these evidence weights.

        A passage whose most specific matched term is below ``min_specific`` (as a share of
        the IDF of a term found in one sentence) matches only common words: both are 0.
        ``rarest_missing`` applies to questions of at most ``rarest_max_terms`` terms.
        """
        if self.specific < min_specific:
            return 0.0, 0.0
        total = self.known + self.unknown * unknown_weight * self.rare
        share = self.known / total if total > 0 else 0.0
        article = share * self.article
        if self.rarest_missing and self.terms <= rarest_max_terms:
            article *= rarest_missing
        return share * self.passage, article


def judged_terms(
    index: FusedIndex, query_terms: Sequence[str], plan: QueryPlan
) -> tuple[str, ...]:
    """The terms a passage is judged by: all, or for a long message its focus (above)."""
    separate = set(tokenize(re.sub(r"[-\u2010\u2011]", " ", plan.text)))
    joins = set(tokenize(plan.text)) - separate
    query_terms = [t for t in query_terms if t not in joins] or list(query_terms)
    if plan.focus is None:
        return tuple(query_terms)
    focus = set(tokenize(plan.focus))
    known = [t for t in dict.fromkeys(query_terms) if t not in focus and index.idf(t) > 0]
    rarest = set(sorted(known, key=index.idf, reverse=True)[:INFORMATIVE])
    judged = tuple(t for t in dict.fromkeys(query_terms) if t in focus or t in rarest)
    return judged or tuple(query_terms)


def _rarest(index: FusedIndex, terms: Sequence[str]) -> str | None:
    """The most informative of ``terms`` ("" if one is unknown; None for fewer than two)."""
    distinct = list(dict.fromkeys(terms))
    if len(distinct) < 2:
        return None
    weights = [index.idf(term) for term in distinct]
    if min(weights) <= 0:
        return ""
    return distinct[max(range(len(distinct)), key=weights.__getitem__)]


@functools.cache
def common_terms() -> frozenset[str]:
    """Terms of ``retrieval/data/common_words.txt``: missing from a corpus, no evidence."""
    text = (resources.files("retrieval") / "data" / "common_words.txt").read_text(
        encoding="utf-8")
    lines = (line.split("#", 1)[0] for line in text.splitlines())
    return frozenset(term for line in lines for term in tokenize(line))


def evidence(
    index: FusedIndex,
    query_terms: Sequence[str],
    plan: QueryPlan,
    passage_text: str,
    doc_index: int,
) -> Evidence:
    """The `Evidence` that the passage ``passage_text`` of document ``doc_index`` answers."""
    judged = judged_terms(index, query_terms, plan)
    distinct = list(dict.fromkeys(judged))
    weights = [index.idf(term) for term in distinct]
    pool = tokenize(plan.focus) if plan.focus is not None else judged
    common = common_terms()
    telling = [t for t in distinct if t not in common or index.idf(t) > 0]
    rarest = _rarest(index, [t for t in pool if t in telling] or telling)
    missing = rarest is not None and (
        rarest == "" or index.coverage([rarest], doc_index=doc_index) == 0)
    rare = math.log1p((index.sentence_count - 0.5) / 1.5)
    present = set(analyze_terms(passage_text))
    specific = max((w for t, w in zip(distinct, weights, strict=True) if t in present),
                   default=0.0)
    return Evidence(
        passage=index.coverage(judged, text=passage_text),
        article=index.coverage(judged, doc_index=doc_index),
        known=sum(weights),
        unknown=sum(1 for t, w in zip(distinct, weights, strict=True)
                    if w <= 0 and t not in common),
        rare=rare,
        rarest_missing=missing,
        specific=specific / rare if rare > 0 else 0.0,
        terms=len(distinct),
    )
