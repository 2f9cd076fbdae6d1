"""Building a `Segment`: analyse documents, then assemble their postings in one numpy pass.

`SegmentBuilder` collects documents (analysed here, or in worker processes by
`analyze_texts`) and `SegmentBuilder.build` assembles the arrays `retrieval.postings`
describes: every (term, sentence) pair with its count comes from one sort of the term ids
keyed by sentence (``np.unique``), the article postings are the runs of equal (term,
document) in that order, and the weights are `retrieval.scoring.bm25_part`. Building is
O(P log P) in the number of term occurrences P; nothing loops per sentence in Python
except the analysis.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from retrieval.fastterms import terms as analyze_terms
from retrieval.postings import DocumentInfo, LevelParams, Segment
from retrieval.scoring import bm25_part
from retrieval.types import BM25Params, Document

__all__ = ["Analyzed", "SegmentBuilder", "SentenceLike", "analyze_texts"]

Int32Array = npt.NDArray[np.int32]
Int64Array = npt.NDArray[np.int64]

_SLICE = 100_000


class SentenceLike(Protocol):
    """What a segment needs of a sentence (``Sentence`` and the store's rows fit)."""

    @property
    def position(self) -> int: ...  # noqa: D102
    @property
    def paragraph(self) -> int: ...  # noqa: D102
    @property
    def start(self) -> int: ...  # noqa: D102
    @property
    def end(self) -> int: ...  # noqa: D102
    @property
    def text(self) -> str: ...  # noqa: D102


@dataclass
class _Pending:
    """One added document, analysed, before the segment is assembled."""

    info: DocumentInfo
    terms: Int32Array
    lengths: Int32Array
    spans: Int32Array  # (n, 4): position, paragraph, start, end
    text: bytes
    text_lengths: Int64Array
    title_terms: Int32Array


@dataclass(frozen=True, slots=True)
class Analyzed:
    """The terms of many texts, analysed elsewhere: a local vocabulary and term ids."""

    terms: list[str]
    ids: Int32Array  # local term ids of all texts, concatenated
    lengths: Int32Array  # terms per text


def analyze_texts(texts: Sequence[str]) -> Analyzed:
    """Analyse ``texts`` with `retrieval.fastterms.terms` (picklable: for worker processes)."""
    vocabulary: dict[str, int] = {}
    setdefault = vocabulary.setdefault
    ids: list[int] = []
    lengths: list[int] = []
    for text in texts:
        found = analyze_terms(text)
        lengths.append(len(found))
        ids.extend([setdefault(term, len(vocabulary)) for term in found])
    return Analyzed(list(vocabulary), np.asarray(ids, dtype=np.int32),
                    np.asarray(lengths, dtype=np.int32))


class SegmentBuilder:
    """Collects analysed documents, then assembles a `Segment` in one pass of numpy.

    Parameters
    ----------
    params
        The sentence-level ``k1`` and ``b``.
    article_k1, article_b, title_k1, title_b
        The article- and title-level parameters.
    avgdl
        ``(sentence, article, title)`` mean lengths to build with instead of this
        segment's own: a segment added to a bigger one scores with the bigger one's.
    analyze
        The analyzer (text -> terms); `retrieval.fastterms.terms` by default.
    """

    def __init__(
        self,
        params: BM25Params,
        *,
        article_k1: float,
        article_b: float,
        title_k1: float,
        title_b: float,
        avgdl: tuple[float, float, float] | None = None,
        analyze: Callable[[str], list[str]] = analyze_terms,
    ) -> None:
        self.params = params
        self.article = (article_k1, article_b)
        self.title = (title_k1, title_b)
        self.avgdl = avgdl
        self.analyze = analyze
        self.vocabulary: dict[str, int] = {}
        self._pending: list[_Pending] = []

    def __len__(self) -> int:
        return len(self._pending)

    def _ids(self, text: str) -> list[int]:
        vocabulary = self.vocabulary
        get = vocabulary.get
        out = []
        for term in self.analyze(text):
            term_id = get(term)
            if term_id is None:
                term_id = vocabulary[term] = len(vocabulary)
            out.append(term_id)
        return out

    def add(self, info: DocumentInfo, sentences: Sequence[SentenceLike]) -> None:
        """Analyse and keep one document."""
        term_ids: list[int] = []
        lengths: list[int] = []
        for sentence in sentences:
            ids = self._ids(sentence.text)
            term_ids.extend(ids)
            lengths.append(len(ids))
        self._keep(info, sentences, np.asarray(term_ids, dtype=np.int32),
                   np.asarray(lengths, dtype=np.int32))

    def add_analyzed(
        self,
        documents: Sequence[tuple[DocumentInfo, Sequence[SentenceLike]]],
        analyzed: Analyzed,
    ) -> None:
        """Keep ``documents`` whose sentences (in order) were analysed by `analyze_texts`."""
        get = self.vocabulary.get
        mapping = np.empty(len(analyzed.terms), dtype=np.int32)
        for local, term in enumerate(analyzed.terms):
            term_id = get(term)
            if term_id is None:
                term_id = self.vocabulary[term] = len(self.vocabulary)
            mapping[local] = term_id
        ids = mapping[analyzed.ids]
        ends = np.cumsum(analyzed.lengths, dtype=np.int64)
        first = 0
        for info, sentences in documents:
            last = first + len(sentences)
            start = int(ends[first - 1]) if first else 0
            stop = int(ends[last - 1]) if last else 0
            self._keep(info, sentences, ids[start:stop], analyzed.lengths[first:last])
            first = last

    def _keep(
        self,
        info: DocumentInfo,
        sentences: Sequence[SentenceLike],
        term_ids: Int32Array,
        lengths: Int32Array,
    ) -> None:
        texts = [sentence.text for sentence in sentences]
        joined = "".join(texts)
        if joined.isascii():
            text_lengths = [len(text) for text in texts]
        else:
            text_lengths = [len(text.encode("utf-8")) for text in texts]
        spans = [(s.position, s.paragraph, s.start, s.end) for s in sentences]
        self._pending.append(_Pending(
            info=info,
            terms=term_ids,
            lengths=lengths,
            spans=np.asarray(spans, dtype=np.int32).reshape(-1, 4),
            text=joined.encode("utf-8"),
            text_lengths=np.asarray(text_lengths, dtype=np.int64),
            title_terms=np.asarray(self._ids(info.title or ""), dtype=np.int32),
        ))

    def add_documents(self, documents: Iterable[Document]) -> None:
        """`add` every document."""
        for document in documents:
            self.add(DocumentInfo.of(document), document.sentences)

    def build(self, order: Sequence[int] | None = None) -> Segment:
        """Assemble the segment, documents in ``order`` (indices in add order; default as added)."""
        pending = self._pending if order is None else [self._pending[i] for i in order]
        self._pending = []
        return _assemble(self, pending)


def _concat(parts: Sequence[npt.NDArray[Any]], dtype: type) -> npt.NDArray[Any]:
    return np.concatenate(parts).astype(dtype, copy=False) if parts else np.zeros(0, dtype)


def _expand(counts: npt.NDArray[np.integer]) -> Int64Array:
    """``np.repeat(arange(len(counts)), counts)``, in slices (each holds the GIL briefly)."""
    index = np.arange(len(counts), dtype=np.int64)
    parts = [np.repeat(index[at : at + _SLICE], counts[at : at + _SLICE])
             for at in range(0, len(counts), _SLICE)]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def _offsets(term_of_posting: npt.NDArray[np.int64], vocabulary_size: int) -> Int64Array:
    offsets = np.zeros(vocabulary_size + 1, dtype=np.int64)
    offsets[1:] = np.cumsum(np.bincount(term_of_posting, minlength=vocabulary_size))
    return offsets


def _assemble(builder: SegmentBuilder, pending: Sequence[_Pending]) -> Segment:
    vocabulary_size = len(builder.vocabulary)
    doc_count = len(pending)
    lengths = _concat([p.lengths for p in pending], np.int32)
    sentence_count = len(lengths)
    per_doc = np.asarray([len(p.lengths) for p in pending], dtype=np.int64)
    doc_start = np.zeros(doc_count + 1, dtype=np.int64)
    doc_start[1:] = np.cumsum(per_doc)
    spans = (np.concatenate([p.spans for p in pending]) if pending
             else np.zeros((0, 4), dtype=np.int32))
    text_lengths = _concat([p.text_lengths for p in pending], np.int64)
    text_offsets = np.zeros(sentence_count + 1, dtype=np.int64)
    text_offsets[1:] = np.cumsum(text_lengths)
    text = np.frombuffer(b"".join(p.text for p in pending), dtype=np.uint8)  # read-only

    # sentence postings: unique (term, sentence) pairs with their counts, term-major
    occurrences = _concat([p.terms for p in pending], np.int64)
    keys, tf = np.unique(occurrences * max(sentence_count, 1) + _expand(lengths),
                         return_counts=True)
    del occurrences
    term = keys // max(sentence_count, 1)
    s_ids = (keys % max(sentence_count, 1)).astype(np.int32)
    doc_of_sentence = _expand(per_doc)
    article_lengths = np.bincount(doc_of_sentence, weights=lengths,
                                  minlength=doc_count).astype(np.int64)
    title_terms = [p.title_terms for p in pending]
    title_lengths = np.asarray([len(t) for t in title_terms], dtype=np.int32)
    if builder.avgdl is not None:
        s_avgdl, a_avgdl, t_avgdl = builder.avgdl
    else:
        s_avgdl = float(lengths.mean()) if sentence_count else 0.0
        a_avgdl = float(article_lengths.mean()) if doc_count else 0.0
        t_avgdl = float(title_lengths.mean()) if doc_count else 0.0
    params = builder.params
    tf64 = tf.astype(np.float64)
    s_part = bm25_part(tf64, np.take(lengths, s_ids).astype(np.float64), params.k1, params.b,
                       s_avgdl)

    # article postings: one per (term, document) run of the sentence postings
    doc_of = np.take(doc_of_sentence, s_ids)
    if len(keys):
        change = np.ones(len(keys), dtype=bool)
        change[1:] = (term[1:] != term[:-1]) | (doc_of[1:] != doc_of[:-1])
        starts = np.flatnonzero(change)
        a_tf = np.add.reduceat(tf64, starts)
        a_max = np.maximum.reduceat(s_part, starts)
        a_term = term[starts]
        a_ids = doc_of[starts].astype(np.int32)
    else:
        starts = np.zeros(0, dtype=np.int64)
        a_tf = np.zeros(0)
        a_max = np.zeros(0, dtype=np.float32)
        a_term = np.zeros(0, dtype=np.int64)
        a_ids = np.zeros(0, dtype=np.int32)
    soff_type = np.int32 if len(keys) < 2**31 - 1 else np.int64
    a_soff: npt.NDArray[Any] = np.append(starts, len(keys)).astype(soff_type)
    article_k1, article_b = builder.article
    a_part = bm25_part(a_tf, np.take(article_lengths, a_ids).astype(np.float64), article_k1,
                       article_b, a_avgdl)

    # title postings
    title_occurrences = _concat(title_terms, np.int64)
    title_doc = _expand(title_lengths)
    t_keys, t_tf = np.unique(title_occurrences * max(doc_count, 1) + title_doc,
                             return_counts=True)
    t_term = t_keys // max(doc_count, 1)
    t_ids = (t_keys % max(doc_count, 1)).astype(np.int32)
    title_k1, title_b = builder.title
    t_part = bm25_part(t_tf.astype(np.float64), title_lengths[t_ids].astype(np.float64),
                       title_k1, title_b, t_avgdl)

    s_off = _offsets(term, vocabulary_size)
    s_max = np.zeros(vocabulary_size, dtype=np.float32)
    used = np.flatnonzero(np.diff(s_off) > 0)
    if len(used):
        s_max[used] = np.maximum.reduceat(s_part, s_off[:-1][used])
    return Segment(
        infos=tuple(p.info for p in pending),
        vocabulary=builder.vocabulary,
        levels=LevelParams(params, article_k1, article_b, title_k1, title_b, s_avgdl, a_avgdl,
                           t_avgdl),
        doc_start=doc_start,
        sent_position=np.ascontiguousarray(spans[:, 0]),
        sent_paragraph=np.ascontiguousarray(spans[:, 1]),
        sent_start=np.ascontiguousarray(spans[:, 2]),
        sent_end=np.ascontiguousarray(spans[:, 3]),
        text=text,
        text_offsets=text_offsets,
        sentence_lengths=lengths,
        article_lengths=article_lengths,
        title_lengths=title_lengths,
        s_off=s_off,
        s_ids=s_ids,
        s_part=s_part,
        a_off=_offsets(a_term, vocabulary_size),
        a_ids=a_ids,
        a_part=a_part,
        a_max=a_max.astype(np.float32),
        a_soff=a_soff,
        t_off=_offsets(t_term, vocabulary_size),
        t_ids=t_ids,
        t_part=t_part,
        s_max=s_max,
    )
