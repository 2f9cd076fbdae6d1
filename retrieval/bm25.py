"""BM25 over sentences: the ranking model, and an index that computes it fast.

The ranking model is rank-bm25's ``BM25Okapi`` term weight (Robertson & Zaragoza 2009,
"The Probabilistic Relevance Framework: BM25 and Beyond", eq. 3.15) with one change to the
IDF, which rank-bm25 lets subclasses make through ``_calc_idf``::

    idf(t)       = ln(1 + (N - n(t) + 0.5) / (n(t) + 0.5))          (Lucene's BM25 IDF)
    BM25(q, x)   = sum over distinct t in q of
                   idf(t) * tf(t, x) * (k1 + 1) / (tf(t, x) + k1 * (1 - b + b * |x| / avgdl))

where N is the number of units, n(t) the number of units containing t, |x| the number of
terms in unit x and avgdl the mean of |x|. rank-bm25's own IDF,
``ln((N - n + 0.5) / (n + 0.5))``, is zero or negative for a term in half or more of the
units (rank_bm25#39), so a sentence containing the query term could score 0 and lose to
one that does not; the ``1 +`` keeps every IDF strictly positive. `ReferenceBM25` is that
model as a rank-bm25 subclass.

newsdesk applies it at three levels and ranks sentences by their sum (`retrieval.fusion`)::

    F(s) = S(s) / Q  +  alpha * A(d) / A*  +  gamma * T(d) / T*

* ``S(s)`` = BM25 of sentence s among all sentences (``k1`` = 0.5, ``b`` = 0.3);
  ``Q`` = the sum of the sentence-level idf(t) over the query terms found in the corpus;
* ``A(d)`` = BM25 of s's article (all its sentences as one text) among all articles
  (k1 = 1.5, b = 0.9); ``A*`` = the best A over the articles searched; alpha = 0.4;
* ``T(d)`` = BM25 of the article's title among all titles (k1 = 1.5, b = 0.75); ``T*`` the
  best T (the term is dropped when no title matches); gamma = 0.15.

Only sentences holding a query term are ranked; ties go to the earlier sentence in index
order. The ``rerank_depth`` best are then multiplied by 1.15 when they hold the entity type
the question asks for (`retrieval.rerank`) and by 0.5 when they are themselves questions.
`retrieval.reference.ReferenceFused` computes F with rank-bm25 directly, and the tests
check the index against it (same top 10, scores within 1e-6 relative).

`BM25Index` (this module) is the sentence level alone: it precomputes each posting's term
weight (an "impact") so a query costs one array addition per query term instead of a pass
over every sentence, and returns rank-bm25's scores.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from rank_bm25 import BM25Okapi

from retrieval.tokenization import tokenize
from retrieval.types import BM25Params, Document

log = logging.getLogger(__name__)


TUNED_PARAMS = BM25Params(k1=0.5, b=0.3)
"""Sentence-level k1 and b chosen on the tuning sets (``bench/quality.py``); rank-bm25's own
defaults are ``BM25Params()`` (1.5 / 0.75)."""


class EmptyCorpusError(ValueError):
    """Raised when an index is asked to search a corpus with no indexable terms."""


def idf(sentence_count: float, document_frequency: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Lucene's non-negative BM25 IDF, ``ln(1 + (N - n + 0.5) / (n + 0.5))``, elementwise."""
    n = np.asarray(document_frequency, dtype=np.float64)
    return np.log1p((sentence_count - n + 0.5) / (n + 0.5))


class ReferenceBM25(BM25Okapi):  # type: ignore[misc]
    """rank-bm25's ``BM25Okapi`` with the non-negative IDF above: the reference model.

    Use it on small corpora (tests, benchmarks): it scores every sentence in Python.
    """

    def _calc_idf(self, nd: dict[str, int]) -> None:
        for term, freq in nd.items():
            self.idf[term] = math.log1p((self.corpus_size - freq + 0.5) / (freq + 0.5))


@dataclass(frozen=True, slots=True)
class SentenceHit:
    """One scored sentence: index of its document in the build order, its position, score.

    ``sentence`` is its number in the index (-1 when unknown); ``match`` is the share of
    the query's sentence-level IDF it matches, ``S(s) / Q`` (see `retrieval.fusion`; 0.0
    when not computed).
    """

    doc_index: int
    position: int
    score: float
    sentence: int = -1
    match: float = 0.0


class BM25Index:
    """An immutable sentence-level BM25 index over a sequence of documents.

    Build with `BM25Index.build`; search with `BM25Index.search`. Sentences are numbered in
    build order (document order, then position), and equal scores are ranked by that number,
    so callers that pass documents newest first get newest-first tie-breaking.
    """

    def __init__(
        self,
        documents: Sequence[Document],
        params: BM25Params,
        vocabulary: dict[str, int],
        offsets: npt.NDArray[np.int64],
        postings: npt.NDArray[np.int32],
        impacts: npt.NDArray[np.float32],
        sentence_doc: npt.NDArray[np.int32],
        sentence_position: npt.NDArray[np.int32],
    ) -> None:
        self.documents = tuple(documents)
        self.params = params
        self._vocabulary = vocabulary
        self._offsets = offsets
        self._postings = postings
        self._impacts = impacts
        self._sentence_doc = sentence_doc
        self._sentence_position = sentence_position

    @classmethod
    def build(
        cls,
        documents: Sequence[Document],
        params: BM25Params | None = None,
        analyze: Callable[[str], list[str]] = tokenize,
    ) -> BM25Index:
        """Index every sentence of ``documents`` (in order) with ``analyze`` as the analyzer.

        A corpus with no sentences, or whose sentences have no terms, builds an empty index
        whose `search` raises `EmptyCorpusError`.
        """
        params = params or TUNED_PARAMS
        started = time.perf_counter()
        vocabulary: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        tfs: list[int] = []
        lengths: list[int] = []
        sentence_doc: list[int] = []
        sentence_position: list[int] = []
        for doc_index, document in enumerate(documents):
            for sentence in document.sentences:
                sentence_id = len(lengths)
                terms = analyze(sentence.text)
                counts: dict[int, int] = {}
                for term in terms:
                    term_id = vocabulary.setdefault(term, len(vocabulary))
                    counts[term_id] = counts.get(term_id, 0) + 1
                rows.extend([sentence_id] * len(counts))
                cols.extend(counts.keys())
                tfs.extend(counts.values())
                lengths.append(len(terms))
                sentence_doc.append(doc_index)
                sentence_position.append(sentence.position)
        index = cls._from_postings(
            documents, params, vocabulary, rows, cols, tfs, lengths, sentence_doc,
            sentence_position,
        )
        log.info(
            "indexed %d sentences of %d documents (%d terms) in %.2fs",
            len(lengths), len(documents), len(vocabulary), time.perf_counter() - started,
        )
        return index

    @classmethod
    def _from_postings(
        cls,
        documents: Sequence[Document],
        params: BM25Params,
        vocabulary: dict[str, int],
        rows: Sequence[int],
        cols: Sequence[int],
        tfs: Sequence[int],
        lengths: Sequence[int],
        sentence_doc: Sequence[int],
        sentence_position: Sequence[int],
    ) -> BM25Index:
        row_array = np.asarray(rows, dtype=np.int32)
        col_array = np.asarray(cols, dtype=np.int64)
        tf_array = np.asarray(tfs, dtype=np.float64)
        length_array = np.asarray(lengths, dtype=np.float64)
        sentence_count = len(lengths)
        total_terms = float(length_array.sum()) if sentence_count else 0.0
        order = np.argsort(col_array, kind="stable")
        col_sorted = col_array[order]
        offsets = np.zeros(len(vocabulary) + 1, dtype=np.int64)
        if len(vocabulary):
            offsets[1:] = np.cumsum(np.bincount(col_sorted, minlength=len(vocabulary)))
        if total_terms > 0:
            avgdl = total_terms / sentence_count
            df = np.diff(offsets)
            term_idf = idf(sentence_count, df)
            tf_sorted = tf_array[order]
            rows_sorted = row_array[order]
            norm = params.k1 * (1.0 - params.b + params.b * length_array[rows_sorted] / avgdl)
            weights = term_idf[col_sorted] * tf_sorted * (params.k1 + 1.0) / (tf_sorted + norm)
            impacts = weights.astype(np.float32)
        else:
            rows_sorted = np.zeros(0, dtype=np.int32)
            impacts = np.zeros(0, dtype=np.float32)
        return cls(
            documents,
            params,
            vocabulary,
            offsets,
            rows_sorted.astype(np.int32),
            impacts,
            np.asarray(sentence_doc, dtype=np.int32),
            np.asarray(sentence_position, dtype=np.int32),
        )

    @property
    def sentence_count(self) -> int:
        """Number of indexed sentences."""
        return len(self._sentence_doc)

    @property
    def is_empty(self) -> bool:
        """True when no sentence has any term (nothing can ever match)."""
        return len(self._postings) == 0

    def known_terms(self, query_terms: Iterable[str]) -> list[str]:
        """The distinct ``query_terms`` that occur in the corpus, in query order."""
        seen: dict[str, None] = {}
        for term in query_terms:
            if term in self._vocabulary:
                seen.setdefault(term, None)
        return list(seen)

    def search(
        self,
        query_terms: Sequence[str],
        top_k: int,
        doc_mask: npt.NDArray[np.bool_] | None = None,
    ) -> list[SentenceHit]:
        """The ``top_k`` best sentences for ``query_terms``, best first.

        Only sentences containing at least one query term are returned (so every score is
        > 0). ``doc_mask`` (bool, one per document in build order) restricts the candidates
        before ranking. Ties rank by build order.

        Raises
        ------
        EmptyCorpusError
            When the index holds no terms at all.
        """
        if self.is_empty:
            raise EmptyCorpusError("no sentences indexed")
        if top_k <= 0:
            return []
        term_ids = [self._vocabulary[t] for t in self.known_terms(query_terms)]
        if not term_ids:
            return []
        scores = np.zeros(self.sentence_count, dtype=np.float64)
        for term_id in term_ids:
            start, end = self._offsets[term_id], self._offsets[term_id + 1]
            scores[self._postings[start:end]] += self._impacts[start:end]
        candidates = np.flatnonzero(scores)
        if doc_mask is not None:
            candidates = candidates[doc_mask[self._sentence_doc[candidates]]]
        if len(candidates) == 0:
            return []
        candidate_scores = scores[candidates]
        if len(candidates) > top_k:
            kth = np.partition(candidate_scores, len(candidates) - top_k)[len(candidates) - top_k]
            keep = candidate_scores >= kth
            candidates, candidate_scores = candidates[keep], candidate_scores[keep]
        order = np.lexsort((candidates, -candidate_scores))[:top_k]
        return [
            SentenceHit(
                int(self._sentence_doc[i]), int(self._sentence_position[i]), float(scores[i])
            )
            for i in candidates[order]
        ]
