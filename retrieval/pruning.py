"""The exact top of the fused ranking without scoring every sentence.

`retrieval.scoring` defines the fused score ``F``; `top_sentences` returns exactly its top
``depth`` over a `retrieval.fusion.FusedIndex` (tested against `retrieval.reference`):

1. **Article pass**: one `np.bincount` over the article postings of the query terms gives
   every document ``A``, ``T`` and a bound on its best ``S`` (the sum of each term's
   largest sentence weight in the article, ``a_max``), hence a bound on ``F`` for all of
   its sentences.
2. **Phase one**: documents are scored sentence by sentence (each (term, document) slice
   of sentence postings summed into a scratch array) in order of that bound, in batches of
   growing size, until the next bound falls below the ``depth``-th best score found or
   `_PHASE_ONE_DOCS` documents are done.
3. **Phase two**, when documents are left: MaxScore (Turtle & Flood 1995) over the
   remaining documents with the ``depth``-th best score as threshold.

Ties keep index order (documents as built, then position).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from retrieval.postings import Segment
from retrieval.types import SentenceHit

if TYPE_CHECKING:
    from retrieval.fusion import FusedIndex

__all__ = ["Query", "top_sentences"]

_FIRST_BATCH = 16
_MAX_BATCH = 1024
_PREFIX = 512
_PHASE_ONE_DOCS = 48


@dataclass(frozen=True, slots=True)
class Query:
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


def top_sentences(
    index: FusedIndex,
    query: Query,
    depth: int,
    doc_mask: npt.NDArray[np.bool_] | None = None,
) -> list[SentenceHit]:
    """The ``depth`` (> 0) best sentences of ``index`` for ``query``, best first.

    ``doc_mask`` (bool, one per document in index order) restricts the documents searched;
    ``A*`` and ``T*`` are taken over those documents.
    """
    passes, article, title, bound = _article_pass(index, query)
    eligible = (bound > 0) & ~index.removed
    if doc_mask is not None:
        eligible &= doc_mask
    candidates = np.flatnonzero(eligible)
    if len(candidates) == 0:
        return []
    best_article = float(article[candidates].max())
    best_title = float(title[candidates].max())
    fusion = index.fusion
    doc_part = np.zeros(index.doc_count)
    if best_article > 0:
        doc_part += article * (fusion.article_weight / best_article)
    if best_title > 0:
        doc_part += title * (fusion.title_weight / best_title)
    doc_bound = bound / query.weight + doc_part
    return _sentence_pass(index, query, passes, candidates, doc_bound, doc_part, depth)


def _article_pass(index: FusedIndex, query: Query
) -> tuple[list[_Pass], npt.NDArray[np.float64], npt.NDArray[np.float64],
           npt.NDArray[np.float64]]:
    passes: list[_Pass] = []
    articles: list[npt.NDArray[np.float64]] = []
    titles: list[npt.NDArray[np.float64]] = []
    bounds: list[npt.NDArray[np.float64]] = []
    for segment, ids in zip(index.segments, query.ids, strict=True):
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
    index: FusedIndex,
    query: Query,
    passes: list[_Pass],
    candidates: npt.NDArray[np.int64],
    doc_bound: npt.NDArray[np.float64],
    doc_part: npt.NDArray[np.float64],
    depth: int,
) -> list[SentenceHit]:
    """Phase one: best-bound documents whole; phase two: MaxScore over the rest."""
    best = _Best(depth)
    processed = np.zeros(index.doc_count, dtype=bool)
    taken = 0
    finished = True
    for batch, next_bound in _batches(candidates, doc_bound[candidates]):
        best.add(*_score_documents(index, query, passes, batch, doc_part))
        processed[batch] = True
        taken += len(batch)
        if best.full and next_bound < best.threshold:
            break
        if taken >= _PHASE_ONE_DOCS:
            finished = len(candidates) == taken
            break
    if not finished:
        remaining = np.zeros(index.doc_count, dtype=bool)
        remaining[candidates] = True
        remaining &= ~processed
        threshold = best.threshold if best.full else 0.0
        best.add(*_maxscore(index, query, remaining, doc_part, threshold))
    return _hits(index, *best.top())

def _maxscore(
    index: FusedIndex,
    query: Query,
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
    for segment, ids in zip(index.segments, query.ids, strict=True):
        for k, term_id in enumerate(ids):
            if term_id >= 0:
                reach[k] = max(reach[k], float(segment.s_max[term_id]) * query.idf_s[k])
    reach /= query.weight
    order = np.argsort(reach, kind="stable")
    prefix = np.cumsum(reach[order]) + best_doc < threshold
    optional = set(order[prefix].tolist())
    rest = float(reach[order[prefix]].sum())
    out_f, out_sentence, out_match = [], [], []
    for at, (segment, ids) in enumerate(zip(index.segments, query.ids, strict=True)):
        sentences, s_scores = _gather(segment, query, ids,
                                      [k for k in range(count) if k not in optional])
        if len(sentences) == 0:
            continue
        base = int(index.doc_base[at])
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
        out_sentence.append(sentences + int(index.sent_base[at]))
        out_match.append(match)
    if not out_f:
        return np.zeros(0), np.zeros(0, dtype=np.int64), np.zeros(0)
    return np.concatenate(out_f), np.concatenate(out_sentence), np.concatenate(out_match)

def _hits(
    index: FusedIndex,
    scores: npt.NDArray[np.float64],
    sentences: npt.NDArray[np.int64],
    matches: npt.NDArray[np.float64],
) -> list[SentenceHit]:
    """`SentenceHit` objects for global sentence numbers, in the given order."""
    at = np.searchsorted(index.sent_base, sentences, side="right") - 1
    doc_index = np.zeros(len(sentences), dtype=np.int64)
    position = np.zeros(len(sentences), dtype=np.int64)
    for i in np.unique(at).tolist():
        segment = index.segments[i]
        rows = np.flatnonzero(at == i)
        local = sentences[rows] - index.sent_base[i]
        doc_index[rows] = (np.searchsorted(segment.doc_start, local, side="right") - 1
                           + index.doc_base[i])
        position[rows] = segment.sent_position[local]
    return [
        SentenceHit(doc_index=d, position=p, score=f, sentence=n, match=m)
        for d, p, f, n, m in zip(doc_index.tolist(), position.tolist(), scores.tolist(),
                                 sentences.tolist(), matches.tolist(), strict=True)
    ]

def _score_documents(
    index: FusedIndex,
    query: Query,
    passes: list[_Pass],
    batch: npt.NDArray[np.int64],
    doc_part: npt.NDArray[np.float64],
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """Exact fused scores of every matching sentence of the documents in ``batch``.

    The sentence postings of each (term, document) are one slice (``a_soff``); their
    weights are summed per sentence in a scratch array covering the batch's sentences.
    """
    out_f, out_sentence, out_match = [], [], []
    for at, (segment, entries) in enumerate(zip(index.segments, passes, strict=True)):
        base = int(index.doc_base[at])
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
        picked = np.arange(int(ends[-1]) if len(ends) else 0, dtype=np.int64) + np.repeat(
            starts - (ends - lengths), lengths)
        weights = np.take(segment.s_part, picked) * np.repeat(
            query.idf_s[entries.terms[pick]], lengths)
        slots = np.take(segment.s_ids, picked) + np.repeat(shift[entries.docs[pick]], lengths)
        s_scores = np.bincount(slots, weights, int(counts.sum()))
        found = np.flatnonzero(s_scores)
        doc_of_slot = np.repeat(docs, counts)[found]
        sentences = found - shift[doc_of_slot]
        match = s_scores[found] / query.weight
        out_f.append(match + doc_part[doc_of_slot + base])
        out_sentence.append(sentences + int(index.sent_base[at]))
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
    segment: Segment, query: Query, ids: Sequence[int], terms: Sequence[int]
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
