"""The fused index: segments searched as one corpus with the fused score.

`retrieval.scoring` defines the score ``F`` (sentence, article and title BM25); this module
holds what it is computed from and answers queries exactly as scoring every sentence would
(tested against `retrieval.reference`), while reading only a fraction of the postings
(`retrieval.pruning`).

The index is a list of `Segment` objects (`retrieval.postings`): a large one and, after an
ingest, small ones appended until the next rebuild. Document frequencies, ``N`` and the
IDFs are summed over all of them at query time, so every segment scores with the same
corpus statistics; the mean lengths (``avgdl``) are those of the first segment until the
next rebuild. The index is immutable: adding a segment or removing documents makes a new
`FusedIndex` sharing the segments.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from retrieval.builder import SegmentBuilder
from retrieval.fastterms import terms as analyze_terms
from retrieval.postings import Segment
from retrieval.pruning import Query, top_sentences
from retrieval.scoring import TUNED_PARAMS, FusionParams, idf
from retrieval.types import BM25Params, Document, EmptyCorpusError, SentenceHit

__all__ = ["FusedIndex"]

_QUERY_CACHE = 256


class FusedIndex:
    """Segments searched as one corpus with the fused score (see the module docstring)."""

    def __init__(
        self,
        segments: Sequence[Segment],
        fusion: FusionParams | None = None,
        removed: npt.NDArray[np.bool_] | None = None,
    ) -> None:
        self.segments = tuple(segments)
        self.fusion = fusion or FusionParams()
        doc_counts = [s.doc_count for s in self.segments]
        sentence_counts = [s.sentence_count for s in self.segments]
        self.doc_base = np.concatenate([[0], np.cumsum(doc_counts)]).astype(np.int64)
        self.sent_base = np.concatenate([[0], np.cumsum(sentence_counts)]).astype(np.int64)
        self.doc_count = int(self.doc_base[-1])
        self.sentence_count = int(self.sent_base[-1])
        self.removed = (np.zeros(self.doc_count, dtype=bool) if removed is None
                        else np.asarray(removed, dtype=bool))
        self._queries: dict[tuple[str, ...], Query | None] = {}

    # -- construction ---------------------------------------------------------------------

    @classmethod
    def build(
        cls,
        documents: Sequence[Document],
        params: BM25Params | None = None,
        fusion: FusionParams | None = None,
    ) -> FusedIndex:
        """Index ``documents`` (in this order) as one segment."""
        fusion = fusion or FusionParams()
        builder = cls.builder(params or TUNED_PARAMS, fusion)
        builder.add_documents(documents)
        return cls([builder.build()], fusion)

    @staticmethod
    def builder(
        params: BM25Params,
        fusion: FusionParams,
        avgdl: tuple[float, float, float] | None = None,
    ) -> SegmentBuilder:
        """A `SegmentBuilder` with the article and title parameters of ``fusion``."""
        return SegmentBuilder(params, article_k1=fusion.article_k1, article_b=fusion.article_b,
                              title_k1=fusion.title_k1, title_b=fusion.title_b, avgdl=avgdl)

    def delta_builder(self) -> SegmentBuilder:
        """A builder for documents added to this index (scored with its mean lengths)."""
        levels = self.segments[0].levels
        return self.builder(levels.sentence, self.fusion,
                            (levels.sentence_avgdl, levels.article_avgdl, levels.title_avgdl))

    def with_segment(self, segment: Segment) -> FusedIndex:
        """A new index with ``segment``'s documents after these."""
        removed = np.concatenate([self.removed, np.zeros(segment.doc_count, dtype=bool)])
        return FusedIndex([*self.segments, segment], self.fusion, removed)

    def without(self, doc_indices: Sequence[int]) -> FusedIndex:
        """A new index where the documents at ``doc_indices`` are never returned."""
        removed = self.removed.copy()
        removed[list(doc_indices)] = True
        return FusedIndex(self.segments, self.fusion, removed)

    # -- documents ------------------------------------------------------------------------

    @property
    def params(self) -> BM25Params:
        """The sentence-level BM25 parameters."""
        return self.segments[0].levels.sentence if self.segments else TUNED_PARAMS

    @property
    def is_empty(self) -> bool:
        """True when no sentence has any term (nothing can ever match)."""
        return all(len(s.s_ids) == 0 for s in self.segments)

    def locate(self, doc_index: int) -> tuple[Segment, int]:
        """The segment holding global document ``doc_index`` and its index there."""
        at = int(np.searchsorted(self.doc_base, doc_index, side="right")) - 1
        return self.segments[at], doc_index - int(self.doc_base[at])

    def document(self, doc_index: int) -> Document:
        """The `Document` at global index ``doc_index`` (built on demand, cached)."""
        segment, local = self.locate(doc_index)
        return segment.document(local)

    def sentence_text(self, sentence: int) -> str:
        """Text of global sentence number ``sentence``."""
        at = int(np.searchsorted(self.sent_base, sentence, side="right")) - 1
        return self.segments[at].sentence_text(sentence - int(self.sent_base[at]))

    def nbytes(self) -> dict[str, int]:
        """Bytes of numpy arrays, ``index`` vs ``text`` (see `Segment.nbytes`)."""
        totals = {"index": int(self.removed.nbytes), "text": 0}
        for segment in self.segments:
            for key, value in segment.nbytes().items():
                totals[key] += value
        return totals

    # -- statistics -----------------------------------------------------------------------

    def _frequencies(self, ids: Sequence[int]) -> tuple[int, int, int]:
        df_s = df_a = df_t = 0
        for segment, term_id in zip(self.segments, ids, strict=True):
            if term_id >= 0:
                df_s += int(segment.s_off[term_id + 1] - segment.s_off[term_id])
                df_a += int(segment.a_off[term_id + 1] - segment.a_off[term_id])
                df_t += int(segment.t_off[term_id + 1] - segment.t_off[term_id])
        return df_s, df_a, df_t

    def idf(self, term: str) -> float:
        """Sentence-level IDF of ``term`` (0.0 when no sentence holds it)."""
        ids = [s.vocabulary.get(term, -1) for s in self.segments]
        df_s = self._frequencies(ids)[0]
        return idf(self.sentence_count, df_s) if df_s else 0.0

    def frequency(self, term: str) -> int:
        """Number of sentences holding ``term`` (0 when it is not in the vocabulary)."""
        ids = [s.vocabulary.get(term, -1) for s in self.segments]
        return self._frequencies(ids)[0] if max(ids, default=-1) >= 0 else 0

    def _query(self, query_terms: Sequence[str]) -> Query | None:
        key = tuple(query_terms)
        if key in self._queries:
            return self._queries[key]
        if len(self._queries) >= _QUERY_CACHE:
            self._queries.clear()
        query = self._queries[key] = self._make_query(key)
        return query

    def _make_query(self, query_terms: Sequence[str]) -> Query | None:
        distinct = list(dict.fromkeys(query_terms))
        rows: list[list[int]] = []
        known: list[str] = []
        idf_s: list[float] = []
        idf_a: list[float] = []
        idf_t: list[float] = []
        for term in distinct:
            ids = [s.vocabulary.get(term, -1) for s in self.segments]
            df_s, df_a, df_t = self._frequencies(ids)
            if df_s == 0 and df_t == 0:
                continue
            rows.append(ids)
            known.append(term)
            idf_s.append(idf(self.sentence_count, df_s) if df_s else 0.0)
            idf_a.append(idf(self.doc_count, df_a) if df_a else 0.0)
            idf_t.append(idf(self.doc_count, df_t) if df_t else 0.0)
        weight = sum(idf_s)
        if weight <= 0:
            return None
        per_segment = tuple(tuple(row[i] for row in rows) for i in range(len(self.segments)))
        return Query(tuple(known), per_segment, np.asarray(idf_s), np.asarray(idf_a),
                      np.asarray(idf_t), weight)

    def coverage(
        self, query_terms: Sequence[str], *, text: str | None = None,
        doc_index: int | None = None,
    ) -> float:
        """Share of the query's weight ``Q`` whose terms occur in ``text`` or in a document.

        Each query term counts with its sentence-level IDF (as in ``Q``); a term counts when
        the analyzed ``text`` holds it, or when any sentence of document ``doc_index`` does.
        """
        query = self._query(query_terms)
        if query is None:
            return 0.0
        present = np.zeros(len(query.terms), dtype=bool)
        if text is not None:
            found = set(analyze_terms(text))
            present |= np.asarray([t in found for t in query.terms], dtype=bool)
        if doc_index is not None:
            segment, local = self.locate(doc_index)
            at = self.segments.index(segment)
            for k, term_id in enumerate(query.ids[at]):
                if term_id >= 0:
                    docs = segment.a_ids[segment.a_off[term_id] : segment.a_off[term_id + 1]]
                    i = int(np.searchsorted(docs, local))
                    present[k] |= i < len(docs) and int(docs[i]) == local
        return float(query.idf_s[present].sum() / query.weight)

    def known_terms(self, query_terms: Sequence[str]) -> list[str]:
        """The distinct ``query_terms`` found in some sentence, in query order."""
        return [t for t in dict.fromkeys(query_terms) if self.idf(t) > 0]

    # -- search ---------------------------------------------------------------------------

    def search(
        self,
        query_terms: Sequence[str],
        depth: int,
        doc_mask: npt.NDArray[np.bool_] | None = None,
    ) -> list[SentenceHit]:
        """The ``depth`` best sentences by the fused score, best first.

        ``doc_mask`` (bool, one per document in index order) restricts the documents
        searched; ``A*`` and ``T*`` are taken over those documents. Each hit's ``match`` is
        ``S(s) / Q``.

        Raises
        ------
        EmptyCorpusError
            When the index holds no terms at all.
        """
        if self.is_empty:
            raise EmptyCorpusError("no sentences indexed")
        query = self._query(query_terms)
        if depth <= 0 or query is None:
            return []
        return top_sentences(self, query, depth, doc_mask)
