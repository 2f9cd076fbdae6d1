"""The ranking model computed the straightforward way, with rank-bm25: the tests' oracle.

`ReferenceBM25` is rank-bm25's ``BM25Okapi`` with the non-negative IDF of
`retrieval.scoring`; `ReferenceFused` scores every sentence, article and title with it and
combines them by the fused formula there; nothing is precomputed or pruned. Slow (it
scores everything in Python): use it on small corpora or a handful of queries. The tests
check `retrieval.fusion.FusedIndex` against it (same top 10, scores within 1e-6 relative).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt
from rank_bm25 import BM25Okapi

from retrieval.fastterms import terms as analyze_terms
from retrieval.scoring import TUNED_PARAMS, FusionParams
from retrieval.types import BM25Params, Document


class ReferenceBM25(BM25Okapi):  # type: ignore[misc]  # rank-bm25 is untyped
    """rank-bm25's ``BM25Okapi`` with the non-negative IDF (`retrieval.scoring.idf`)."""

    def _calc_idf(self, nd: dict[str, int]) -> None:
        for term, freq in nd.items():
            self.idf[term] = math.log1p((self.corpus_size - freq + 0.5) / (freq + 0.5))


class ReferenceFused:
    """`ReferenceBM25` at the sentence, article and title levels, fused by formula."""

    def __init__(
        self,
        documents: Sequence[Document],
        params: BM25Params | None = None,
        fusion: FusionParams | None = None,
        analyze: Callable[[str], list[str]] = analyze_terms,
    ) -> None:
        params = params or TUNED_PARAMS
        self.fusion = fusion or FusionParams()
        self.keys: list[tuple[int, int]] = []
        sentence_terms: list[list[str]] = []
        article_terms: list[list[str]] = []
        doc_of: list[int] = []
        for doc_index, document in enumerate(documents):
            article: list[str] = []
            for sentence in document.sentences:
                found = analyze(sentence.text)
                sentence_terms.append(found)
                article.extend(found)
                self.keys.append((doc_index, sentence.position))
                doc_of.append(doc_index)
            article_terms.append(article)
        self.doc_of = np.asarray(doc_of, dtype=np.int64)
        self.sentences = ReferenceBM25(sentence_terms, k1=params.k1, b=params.b)
        self.articles = ReferenceBM25(article_terms, k1=self.fusion.article_k1,
                                      b=self.fusion.article_b)
        self.titles = ReferenceBM25([analyze(d.title or "") for d in documents],
                                    k1=self.fusion.title_k1, b=self.fusion.title_b)

    def scores(
        self, query_terms: Sequence[str], doc_mask: npt.NDArray[np.bool_] | None = None
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """``(F, S / Q)`` for every sentence; F is 0 where the sentence is not ranked."""
        distinct = list(dict.fromkeys(query_terms))
        sentence = np.asarray(self.sentences.get_scores(distinct), dtype=np.float64)
        article = np.asarray(self.articles.get_scores(distinct), dtype=np.float64)
        title = np.asarray(self.titles.get_scores(distinct), dtype=np.float64)
        weight = sum(self.sentences.idf.get(t, 0.0) for t in distinct)
        ranked = sentence > 0
        if doc_mask is not None:
            ranked &= doc_mask[self.doc_of]
        if weight <= 0 or not ranked.any():
            return np.zeros(len(sentence)), np.zeros(len(sentence))
        docs = np.unique(self.doc_of[ranked])
        best_article, best_title = article[docs].max(), title[docs].max()
        doc_part = np.zeros(len(article))
        if best_article > 0:
            doc_part += article * (self.fusion.article_weight / best_article)
        if best_title > 0:
            doc_part += title * (self.fusion.title_weight / best_title)
        match = sentence / weight
        fused = np.where(ranked, match + doc_part[self.doc_of], 0.0)
        return fused, np.where(ranked, match, 0.0)

    def top(
        self, query_terms: Sequence[str], depth: int,
        doc_mask: npt.NDArray[np.bool_] | None = None,
    ) -> list[tuple[int, int, float]]:
        """The ``depth`` best ``(doc_index, position, score)``, ties by index order."""
        fused, _ = self.scores(query_terms, doc_mask)
        ranked = np.flatnonzero(fused > 0)
        order = ranked[np.lexsort((ranked, -fused[ranked]))][:depth]
        return [(*self.keys[i], float(fused[i])) for i in order]
