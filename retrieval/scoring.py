"""The ranking model: BM25 at three levels, fused; its formula, parameters and weights.

This is the one place the formula is written down; `retrieval.fusion` computes it fast,
`retrieval.reference` computes it the straightforward way with rank-bm25 for the tests.

The term weight is rank-bm25's ``BM25Okapi`` (Robertson & Zaragoza 2009, "The Probabilistic
Relevance Framework: BM25 and Beyond", eq. 3.15) with one change to the IDF::

    idf(t)       = ln(1 + (N - n(t) + 0.5) / (n(t) + 0.5))          (Lucene's BM25 IDF)
    BM25(q, x)   = sum over distinct t in q of idf(t) * part(t, x)
    part(t, x)   = tf(t, x) * (k1 + 1) / (tf(t, x) + k1 * (1 - b + b * |x| / avgdl))

where N is the number of units, n(t) the number of units containing t, |x| the number of
terms in unit x and avgdl the mean of |x|. rank-bm25's own IDF,
``ln((N - n + 0.5) / (n + 0.5))``, is zero or negative for a term in half or more of the
units (rank_bm25#39), so a sentence containing the query term could score 0 and lose to
one that does not; the ``1 +`` keeps every IDF strictly positive. Repeating a query term
changes nothing: the sum is over distinct terms.

newsdesk applies it at three levels and ranks sentence s of document d by::

    F(s) = S(s) / Q  +  alpha * A(d) / A*  +  gamma * T(d) / T*

* ``S(s)``: BM25 of the sentence among all sentences (`TUNED_PARAMS`: k1 = 0.5, b = 0.3);
  ``Q`` = the sum of the sentence-level idf(t) over the query terms found in any sentence,
  so ``S / Q`` is about the share of the query's weight the sentence matches (it can pass 1
  a little when a term repeats in the sentence);
* ``A(d)``: BM25 of the article, its sentences taken as one text, among all articles
  (k1 = 1.5, b = 0.9); ``A*`` = the best ``A`` over the documents searched; alpha = 0.4;
* ``T(d)``: BM25 of the article's title among all titles (k1 = 1.5, b = 0.75); ``T*`` the
  best ``T`` (the term is dropped when no title matches); gamma = 0.15.

Only sentences holding a query term are ranked; equal scores rank by index order
(documents as built, then position). The ``rerank_depth`` best are then multiplied by 1.15
when they hold the entity type the question asks for (`retrieval.rerank`) and by 0.5 when
they are themselves questions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from retrieval.types import BM25Params

__all__ = ["TUNED_PARAMS", "FusionParams", "bm25_part", "idf"]

TUNED_PARAMS = BM25Params(k1=0.5, b=0.3)
"""Sentence-level k1 and b chosen on the tuning sets (``bench/quality.py``); rank-bm25's own
defaults are ``BM25Params()`` (1.5 / 0.75)."""


@dataclass(frozen=True, slots=True)
class FusionParams:
    """Weights (alpha, gamma) and BM25 parameters of the article and title levels.

    Defaults were tuned on the tuning half of SQuAD dev and on RealTime QA quiz questions
    that are not among the reported gold questions (see ``bench/quality.py``).
    """

    article_weight: float = 0.4
    title_weight: float = 0.15
    article_k1: float = 1.5
    article_b: float = 0.9
    title_k1: float = 1.5
    title_b: float = 0.75


def idf(count: float, frequency: float) -> float:
    """Lucene's non-negative BM25 IDF, ``ln(1 + (N - n + 0.5) / (n + 0.5))``."""
    return math.log1p((count - frequency + 0.5) / (frequency + 0.5))


def bm25_part(
    tf: npt.NDArray[np.float64], length: npt.NDArray[np.float64], k1: float, b: float,
    avgdl: float,
) -> npt.NDArray[np.float32]:
    """``part(t, x)`` above, elementwise, as float32 (the IDF is applied at query time)."""
    ratio = length / avgdl if avgdl > 0 else np.zeros_like(length)
    return (tf * (k1 + 1.0) / (tf + k1 * (1.0 - b + b * ratio))).astype(np.float32)
