"""Fused sentence ranking: the sentence's BM25, its article's BM25 and its title's BM25.

For a query with distinct terms q, sentence s of document d is scored (see
`retrieval.bm25` for the BM25 weight and IDF)::

    F(s) = S(s) / Q  +  alpha * A(d) / A*  +  gamma * T(d) / T*

* ``S(s)``: BM25 of the sentence among all sentences (``k1``, ``b``);
  ``Q = sum of idf_S(t)`` over the query terms found in any sentence, so ``S/Q`` is about the
  share of the query's weight the sentence matches (it can pass 1 a little when a term
  repeats);
* ``A(d)``: BM25 of the article, its sentences taken as one text, among all articles
  (``article_k1``, ``article_b``); ``A*`` the best ``A`` among the documents searched;
* ``T(d)``: BM25 of the article's title among all titles (``title_k1``, ``title_b``);
  ``T*`` the best ``T`` (the title term is left out when no title matches).

Only sentences containing at least one query term are ranked; equal scores rank by index
order (documents as built, then position). `FusedIndex.search` returns exactly the top of
this ranking without scoring every sentence: the article pass (one `np.bincount` over the
article postings of the query terms) gives every document ``A``, ``T`` and a bound on its
best ``S`` (the sum of each term's largest sentence weight in the article), hence a bound
on ``F`` for all of its sentences. Documents are then scored sentence by sentence in
order of that bound until the next bound falls below the ``depth``-th best score found,
so the result equals scoring every sentence (tested against `retrieval.reference`).

The index is a list of `Segment` objects: a large one and, after an ingest, small ones
appended until the next rebuild. Document frequencies, ``N`` and the IDFs are summed over
all of them at query time, so every segment scores with the same corpus statistics; the
mean lengths (``avgdl``) are those of the first segment until the next rebuild.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from retrieval.bm25 import TUNED_PARAMS, EmptyCorpusError, SentenceHit
from retrieval.fastterms import terms as analyze_terms
from retrieval.postings import Segment, SegmentBuilder
from retrieval.types import BM25Params, Document

__all__ = ["FusedIndex", "FusionParams"]

_FIRST_BATCH = 16
_MAX_BATCH = 1024
_PREFIX = 512
_QUERY_CACHE = 256
_PHASE_ONE_DOCS = 48


@dataclass(frozen=True, slots=True)
class FusionParams:
    """Weights and BM25 parameters of the article and title levels.

    Defaults were tuned on the tuning half of SQuAD dev and on RealTime QA quiz questions
    that are not among the reported gold questions (see ``bench/quality.py``).
    """

    article_weight: float = 0.4
    title_weight: float = 0.15
    article_k1: float = 1.5
    article_b: float = 0.9
    title_k1: float = 1.5
    title_b: float = 0.75


def _idf(count: float, frequency: float) -> float:
    return math.log1p((count - frequency + 0.5) / (frequency + 0.5))


@dataclass(frozen=True, slots=True)
class _Query:
    """The query terms known to the index, with their ids and IDFs per level."""

    terms: tuple[str, ...]
    ids: tuple[tuple[int, ...], ...]  # per segment, per term (-1: not in that segment)
    idf_s: npt.NDArray[np.float64]
    idf_a: npt.NDArray[np.float64]
    idf_t: npt.NDArray[np.float64]
    weight: float  # Q, the sum of idf_S over terms found in a sentence


@dataclass
class _Pass:
    """The article pass of one segment: per-document sums and the entries behind them."""

    docs: npt.NDArray[np.int32]
    postings: npt.NDArray[np.int64]  # article posting index of each entry
    terms: npt.NDArray[np.int64]  # query term index of each entry


class FusedIndex:
    """Segments searched as one corpus with the fused score (module docstring)."""

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
        self._queries: dict[tuple[str, ...], _Query | None] = {}

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
        return _idf(self.sentence_count, df_s) if df_s else 0.0

    def frequency(self, term: str) -> int:
        """Number of sentences holding ``term`` (0 when it is not in the vocabulary)."""
        ids = [s.vocabulary.get(term, -1) for s in self.segments]
        return self._frequencies(ids)[0] if max(ids, default=-1) >= 0 else 0

    def _query(self, query_terms: Sequence[str]) -> _Query | None:
        key = tuple(query_terms)
        if key in self._queries:
            return self._queries[key]
        if len(self._queries) >= _QUERY_CACHE:
            self._queries.clear()
        query = self._queries[key] = self._make_query(key)
        return query

    def _make_query(self, query_terms: Sequence[str]) -> _Query | None:
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
            idf_s.append(_idf(self.sentence_count, df_s) if df_s else 0.0)
            idf_a.append(_idf(self.doc_count, df_a) if df_a else 0.0)
            idf_t.append(_idf(self.doc_count, df_t) if df_t else 0.0)
        weight = sum(idf_s)
        if weight <= 0:
            return None
        per_segment = tuple(tuple(row[i] for row in rows) for i in range(len(self.segments)))
        return _Query(tuple(known), per_segment, np.asarray(idf_s), np.asarray(idf_a),
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
        passes, article, title, bound = self._article_pass(query)
        eligible = (bound > 0) & ~self.removed
        if doc_mask is not None:
            eligible &= doc_mask
        candidates = np.flatnonzero(eligible)
        if len(candidates) == 0:
            return []
        best_article = float(article[candidates].max())
        best_title = float(title[candidates].max())
        fusion = self.fusion
        doc_part = np.zeros(self.doc_count)
        if best_article > 0:
            doc_part += article * (fusion.article_weight / best_article)
        if best_title > 0:
            doc_part += title * (fusion.title_weight / best_title)
        doc_bound = bound / query.weight + doc_part
        return self._sentence_pass(query, passes, candidates, doc_bound, doc_part, depth)

    def _article_pass(
        self, query: _Query
    ) -> tuple[list[_Pass], npt.NDArray[np.float64], npt.NDArray[np.float64],
               npt.NDArray[np.float64]]:
        passes: list[_Pass] = []
        articles: list[npt.NDArray[np.float64]] = []
        titles: list[npt.NDArray[np.float64]] = []
        bounds: list[npt.NDArray[np.float64]] = []
        for segment, ids in zip(self.segments, query.ids, strict=True):
            docs: list[npt.NDArray[Any]] = []
            postings: list[npt.NDArray[Any]] = []
            terms: list[npt.NDArray[Any]] = []
            a_weights: list[npt.NDArray[Any]] = []
            b_weights: list[npt.NDArray[Any]] = []
            t_docs: list[npt.NDArray[Any]] = []
            t_weights: list[npt.NDArray[Any]] = []
            for k, term_id in enumerate(ids):
                if term_id < 0:
                    continue
                start, end = int(segment.a_off[term_id]), int(segment.a_off[term_id + 1])
                if end > start:
                    docs.append(segment.a_ids[start:end])
                    postings.append(np.arange(start, end, dtype=np.int64))
                    terms.append(np.full(end - start, k, dtype=np.int64))
                    a_weights.append(segment.a_part[start:end] * query.idf_a[k])
                    b_weights.append(segment.a_max[start:end] * query.idf_s[k])
                start, end = int(segment.t_off[term_id]), int(segment.t_off[term_id + 1])
                if end > start:
                    t_docs.append(segment.t_ids[start:end])
                    t_weights.append(segment.t_part[start:end] * query.idf_t[k])
            count = segment.doc_count
            if docs:
                all_docs = np.concatenate(docs)
                passes.append(_Pass(all_docs, np.concatenate(postings), np.concatenate(terms)))
                articles.append(_sums(all_docs, np.concatenate(a_weights), count))
                bounds.append(_sums(all_docs, np.concatenate(b_weights), count))
            else:
                empty = np.zeros(0, dtype=np.int64)
                passes.append(_Pass(np.zeros(0, dtype=np.int32), empty, empty))
                articles.append(np.zeros(count))
                bounds.append(np.zeros(count))
            titles.append(_sums(np.concatenate(t_docs), np.concatenate(t_weights), count)
                          if t_docs else np.zeros(count))
        if len(passes) == 1:
            return passes, articles[0], titles[0], bounds[0]
        return passes, np.concatenate(articles), np.concatenate(titles), np.concatenate(bounds)

    def _sentence_pass(
        self,
        query: _Query,
        passes: list[_Pass],
        candidates: npt.NDArray[np.int64],
        doc_bound: npt.NDArray[np.float64],
        doc_part: npt.NDArray[np.float64],
        depth: int,
    ) -> list[SentenceHit]:
        """Phase one: best-bound documents whole; phase two: MaxScore over the rest."""
        best = _Best(depth)
        processed = np.zeros(self.doc_count, dtype=bool)
        taken = 0
        finished = True
        for batch, next_bound in _batches(candidates, doc_bound[candidates]):
            best.add(*self._score_documents(query, passes, batch, doc_part))
            processed[batch] = True
            taken += len(batch)
            if best.full and next_bound < best.threshold:
                break
            if taken >= _PHASE_ONE_DOCS:
                finished = len(candidates) == taken
                break
        if not finished:
            remaining = np.zeros(self.doc_count, dtype=bool)
            remaining[candidates] = True
            remaining &= ~processed
            threshold = best.threshold if best.full else 0.0
            best.add(*self._maxscore(query, remaining, doc_part, threshold))
        return self._hits(*best.top())

    def _maxscore(
        self,
        query: _Query,
        remaining: npt.NDArray[np.bool_],
        doc_part: npt.NDArray[np.float64],
        threshold: float,
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64], npt.NDArray[np.float64]]:
        """Exact scores of sentences of ``remaining`` documents that can reach ``threshold``.

        MaxScore (Turtle & Flood 1995): a term's largest possible contribution is
        ``idf * s_max / Q``. The low-contribution terms whose sum, plus the best document
        part left, stays below ``threshold`` cannot lift a sentence that has none of the other
        ("essential") terms into the results, so only the essential terms' postings are
        read; the others are looked up (binary search) for the survivors.
        """
        best_doc = float(doc_part[remaining].max()) if remaining.any() else 0.0
        count = len(query.terms)
        reach = np.zeros(count)
        for segment, ids in zip(self.segments, query.ids, strict=True):
            for k, term_id in enumerate(ids):
                if term_id >= 0:
                    reach[k] = max(reach[k], float(segment.s_max[term_id]) * query.idf_s[k])
        reach /= query.weight
        order = np.argsort(reach, kind="stable")
        prefix = np.cumsum(reach[order]) + best_doc < threshold
        optional = set(order[prefix].tolist())
        rest = float(reach[order[prefix]].sum())
        out_f, out_sentence, out_match = [], [], []
        for at, (segment, ids) in enumerate(zip(self.segments, query.ids, strict=True)):
            sentences, s_scores = _gather(segment, query, ids,
                                          [k for k in range(count) if k not in optional])
            if len(sentences) == 0:
                continue
            base = int(self.doc_base[at])
            docs = np.searchsorted(segment.doc_start, sentences, side="right") - 1 + base
            keep = remaining[docs]
            keep &= s_scores / query.weight + rest + doc_part[docs] >= threshold
            sentences, s_scores, docs = sentences[keep], s_scores[keep], docs[keep]
            for k in optional:
                term_id = ids[k]
                if term_id < 0 or len(sentences) == 0:
                    continue
                start, end = int(segment.s_off[term_id]), int(segment.s_off[term_id + 1])
                where = np.searchsorted(segment.s_ids[start:end], sentences)
                inside = where < end - start
                found = np.zeros(len(sentences), dtype=bool)
                found[inside] = segment.s_ids[start + where[inside]] == sentences[inside]
                s_scores[found] += segment.s_part[start + where[found]] * query.idf_s[k]
            match = s_scores / query.weight
            out_f.append(match + doc_part[docs])
            out_sentence.append(sentences + int(self.sent_base[at]))
            out_match.append(match)
        if not out_f:
            return np.zeros(0), np.zeros(0, dtype=np.int64), np.zeros(0)
        return np.concatenate(out_f), np.concatenate(out_sentence), np.concatenate(out_match)

    def _hits(
        self,
        scores: npt.NDArray[np.float64],
        sentences: npt.NDArray[np.int64],
        matches: npt.NDArray[np.float64],
    ) -> list[SentenceHit]:
        """`SentenceHit` objects for global sentence numbers, in the given order."""
        at = np.searchsorted(self.sent_base, sentences, side="right") - 1
        doc_index = np.zeros(len(sentences), dtype=np.int64)
        position = np.zeros(len(sentences), dtype=np.int64)
        for i in np.unique(at).tolist():
            segment = self.segments[i]
            rows = np.flatnonzero(at == i)
            local = sentences[rows] - self.sent_base[i]
            doc_index[rows] = (np.searchsorted(segment.doc_start, local, side="right") - 1
                               + self.doc_base[i])
            position[rows] = segment.sent_position[local]
        return [
            SentenceHit(doc_index=d, position=p, score=f, sentence=n, match=m)
            for d, p, f, n, m in zip(doc_index.tolist(), position.tolist(), scores.tolist(),
                                     sentences.tolist(), matches.tolist(), strict=True)
        ]

    def _score_documents(
        self,
        query: _Query,
        passes: list[_Pass],
        batch: npt.NDArray[np.int64],
        doc_part: npt.NDArray[np.float64],
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64], npt.NDArray[np.float64]]:
        """Exact fused scores of every matching sentence of the documents in ``batch``.

        The sentence postings of each (term, document) are one slice (``a_soff``); their
        weights are summed per sentence in a scratch array covering the batch's sentences.
        """
        out_f, out_sentence, out_match = [], [], []
        for at, (segment, entries) in enumerate(zip(self.segments, passes, strict=True)):
            base = int(self.doc_base[at])
            docs = batch[(batch >= base) & (batch < base + segment.doc_count)] - base
            if len(docs) == 0 or len(entries.docs) == 0:
                continue
            first = segment.doc_start[docs]
            counts = segment.doc_start[docs + 1] - first
            slot_start = np.cumsum(counts) - counts
            shift = np.zeros(segment.doc_count, dtype=np.int64)
            chosen = np.zeros(segment.doc_count, dtype=bool)
            shift[docs] = slot_start - first
            chosen[docs] = True
            pick = chosen[entries.docs]
            postings = entries.postings[pick]
            starts = segment.a_soff[postings].astype(np.int64)
            lengths = segment.a_soff[postings + 1].astype(np.int64) - starts
            ends = np.cumsum(lengths)
            index = np.arange(int(ends[-1]) if len(ends) else 0, dtype=np.int64) + np.repeat(
                starts - (ends - lengths), lengths)
            weights = np.take(segment.s_part, index) * np.repeat(
                query.idf_s[entries.terms[pick]], lengths)
            slots = np.take(segment.s_ids, index) + np.repeat(shift[entries.docs[pick]], lengths)
            s_scores = np.bincount(slots, weights, int(counts.sum()))
            found = np.flatnonzero(s_scores)
            doc_of_slot = np.repeat(docs, counts)[found]
            sentences = found - shift[doc_of_slot]
            match = s_scores[found] / query.weight
            out_f.append(match + doc_part[doc_of_slot + base])
            out_sentence.append(sentences + int(self.sent_base[at]))
            out_match.append(match)
        if not out_f:
            return np.zeros(0), np.zeros(0, dtype=np.int64), np.zeros(0)
        return np.concatenate(out_f), np.concatenate(out_sentence), np.concatenate(out_match)


def _sums(
    where: npt.NDArray[Any], weights: npt.NDArray[Any], count: int
) -> npt.NDArray[np.float64]:
    """``weights`` summed per index in ``where`` (float64, length ``count``)."""
    return np.bincount(where, weights, count).astype(np.float64, copy=False)


class _Best:
    """The best ``depth`` (score, sentence, match) seen so far, plus anything tied with them."""

    def __init__(self, depth: int) -> None:
        self.depth = depth
        self.f = np.zeros(0)
        self.sentence = np.zeros(0, dtype=np.int64)
        self.match = np.zeros(0)

    def add(
        self, f: npt.NDArray[np.float64], sentence: npt.NDArray[np.int64],
        match: npt.NDArray[np.float64],
    ) -> None:
        self.f = np.concatenate([self.f, f])
        self.sentence = np.concatenate([self.sentence, sentence])
        self.match = np.concatenate([self.match, match])
        if len(self.f) > self.depth:
            kth = np.partition(self.f, len(self.f) - self.depth)[len(self.f) - self.depth]
            keep = self.f >= kth
            self.f, self.sentence, self.match = self.f[keep], self.sentence[keep], self.match[keep]

    @property
    def full(self) -> bool:
        return len(self.f) >= self.depth

    @property
    def threshold(self) -> float:
        """The lowest score kept (the ``depth``-th best when `full`)."""
        return float(self.f.min()) if len(self.f) else 0.0

    def top(
        self,
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64], npt.NDArray[np.float64]]:
        order = np.lexsort((self.sentence, -self.f))[: self.depth]
        return self.f[order], self.sentence[order], self.match[order]


def _gather(
    segment: Segment, query: _Query, ids: Sequence[int], terms: Sequence[int]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """Sentences (segment-local, ascending) holding any of ``terms``, with their partial S."""
    id_parts, weight_parts = [], []
    for k in terms:
        term_id = ids[k]
        if term_id < 0:
            continue
        start, end = int(segment.s_off[term_id]), int(segment.s_off[term_id + 1])
        id_parts.append(segment.s_ids[start:end])
        weight_parts.append(segment.s_part[start:end] * query.idf_s[k])
    if not id_parts:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    if len(id_parts) == 1:
        return id_parts[0].astype(np.int64), weight_parts[0].astype(np.float64)
    sentence_ids = np.concatenate(id_parts)
    weights = np.concatenate(weight_parts)
    order = np.argsort(sentence_ids, kind="stable")  # merges the sorted runs
    sentence_ids, weights = sentence_ids[order], weights[order]
    starts = np.flatnonzero(np.diff(sentence_ids, prepend=-1))
    return sentence_ids[starts].astype(np.int64), np.add.reduceat(weights, starts)


def _batches(
    candidates: npt.NDArray[np.int64], bounds: npt.NDArray[np.float64]
) -> Iterator[tuple[npt.NDArray[np.int64], float]]:
    """Candidate documents in batches of growing size, highest bound first.

    Yields each batch with the highest bound left after it (-inf when none is left). Only
    the first `_PREFIX` are fully sorted up front; the rest only if the search gets there.
    """
    if len(candidates) > _PREFIX:
        top = np.argpartition(-bounds, _PREFIX - 1)[:_PREFIX]
        rest = np.ones(len(candidates), dtype=bool)
        rest[top] = False
        rest_index = np.flatnonzero(rest)
    else:
        top = np.arange(len(candidates))
        rest_index = np.zeros(0, dtype=np.int64)
    order = top[np.lexsort((candidates[top], -bounds[top]))]
    rest_max = float(bounds[rest_index].max()) if len(rest_index) else -math.inf
    size, at = _FIRST_BATCH, 0
    while at < len(order):
        batch = order[at : at + size]
        at += len(batch)
        following = float(bounds[order[at]]) if at < len(order) else rest_max
        yield candidates[batch], following
        size = min(size * 2, _MAX_BATCH)
    if len(rest_index):
        order = rest_index[np.lexsort((candidates[rest_index], -bounds[rest_index]))]
        at = 0
        while at < len(order):
            batch = order[at : at + size]
            at += len(batch)
            following = float(bounds[order[at]]) if at < len(order) else -math.inf
            yield candidates[batch], following
            size = min(size * 2, _MAX_BATCH)
