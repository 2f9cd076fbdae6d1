"""One immutable slice of the index: postings at three levels plus the documents' text.

A `Segment` covers a run of documents in index order. It holds, in flat numpy arrays:

* **sentence postings**, term-major and by sentence within a term: the sentence number
  (``s_ids``, int32) and the BM25 term-frequency part of the weight, ``part(t, s)`` of
  `retrieval.scoring` (``s_part``, float32; ``s_max`` holds each term's largest). The IDF
  is applied at query time from corpus-wide document frequencies, so a small segment added
  later (an ingest) scores with the same statistics as the big one.
* **article postings** (the article's sentences taken as one text): ``a_ids`` (document),
  ``a_part`` (the same formula with the article parameters), ``a_max`` (the largest
  sentence ``part`` of the term in that article: a block-max bound for pruning) and
  ``a_soff`` (where the article's sentence postings of the term start in ``s_*``; the
  article postings and the sentence postings are in the same term, document order).
* **title postings**: ``t_ids`` (document), ``t_part``.
* the text: every sentence's UTF-8 bytes in one ``uint8`` array with offsets, its
  position, paragraph and character span, and per-document metadata; `Segment.document`
  makes a `Document` only when one is needed, so a million sentences are never a million
  Python objects.

Segments are built by `retrieval.builder.SegmentBuilder`, saved and loaded by
`retrieval.persist`, and searched together by `retrieval.fusion`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from retrieval.types import BM25Params, Document, Sentence

__all__ = ["ARRAY_FIELDS", "DocumentInfo", "LevelParams", "Segment"]

Int32Array = npt.NDArray[np.int32]
Int64Array = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float32]

_DOCUMENT_CACHE = 512


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    """A document's metadata: everything of `Document` except its sentences."""

    doc_id: int
    title: str | None
    source: str | None
    url: str | None
    published: str | None
    partial: bool = False
    scope: str = "shared"

    @classmethod
    def of(cls, document: Document) -> DocumentInfo:
        """The metadata of ``document``."""
        return cls(document.doc_id, document.title, document.source, document.url,
                   document.published, document.partial, document.scope)


@dataclass(frozen=True, slots=True)
class LevelParams:
    """BM25 parameters of the three levels and the mean lengths they were built with."""

    sentence: BM25Params
    article_k1: float
    article_b: float
    title_k1: float
    title_b: float
    sentence_avgdl: float
    article_avgdl: float
    title_avgdl: float


@dataclass(frozen=True, eq=False)
class Segment:
    """Postings and text of a run of documents (see the module docstring)."""

    infos: tuple[DocumentInfo, ...]
    vocabulary: dict[str, int]
    levels: LevelParams
    doc_start: Int64Array
    sent_position: Int32Array
    sent_paragraph: Int32Array
    sent_start: Int32Array
    sent_end: Int32Array
    text: npt.NDArray[np.uint8]
    text_offsets: Int64Array
    sentence_lengths: Int32Array
    article_lengths: Int64Array
    title_lengths: Int32Array
    s_off: Int64Array
    s_ids: Int32Array
    s_part: FloatArray
    a_off: Int64Array
    a_ids: Int32Array
    a_part: FloatArray
    a_max: FloatArray
    a_soff: npt.NDArray[np.int64] | Int32Array
    t_off: Int64Array
    t_ids: Int32Array
    t_part: FloatArray
    s_max: FloatArray
    _documents: dict[int, Document] = field(default_factory=dict, repr=False)

    @property
    def doc_count(self) -> int:
        """Number of documents."""
        return len(self.infos)

    @property
    def sentence_count(self) -> int:
        """Number of sentences."""
        return len(self.sent_position)

    def sentence_text(self, sentence: int) -> str:
        """The text of sentence number ``sentence`` (segment-local)."""
        start, end = self.text_offsets[sentence], self.text_offsets[sentence + 1]
        return bytes(self.text[start:end]).decode("utf-8")

    def document(self, index: int) -> Document:
        """The `Document` at segment-local ``index``, with its sentences (cached)."""
        cache = self._documents
        found = cache.get(index)
        if found is None:
            if len(cache) >= _DOCUMENT_CACHE:
                cache.clear()
            found = cache[index] = _document(self, index)
        return found

    def document_of(self, sentence: int) -> int:
        """The segment-local document index of sentence number ``sentence``."""
        return int(np.searchsorted(self.doc_start, sentence, side="right")) - 1

    def nbytes(self) -> dict[str, int]:
        """Bytes held, split into ``index`` (postings, lengths) and ``text`` (text, spans)."""
        index = sum(int(getattr(self, name).nbytes) for name in _INDEX_ARRAYS)
        text = sum(int(getattr(self, name).nbytes) for name in _TEXT_ARRAYS)
        return {"index": index, "text": text}


_INDEX_ARRAYS = ("doc_start", "sentence_lengths", "article_lengths", "title_lengths", "s_off",
                 "s_ids", "s_part", "a_off", "a_ids", "a_part", "a_max", "a_soff", "t_off",
                 "t_ids", "t_part", "s_max")
_TEXT_ARRAYS = ("sent_position", "sent_paragraph", "sent_start", "sent_end", "text",
                "text_offsets")
ARRAY_FIELDS = _INDEX_ARRAYS + _TEXT_ARRAYS


def _document(segment: Segment, index: int) -> Document:
    info = segment.infos[index]
    first, last = int(segment.doc_start[index]), int(segment.doc_start[index + 1])
    offsets = segment.text_offsets[first : last + 1].tolist()
    blob = bytes(segment.text[offsets[0] : offsets[-1]])
    base = offsets[0]
    sentences = tuple(
        Sentence(position, paragraph, start, end, blob[a - base : b - base].decode("utf-8"))
        for position, paragraph, start, end, a, b in zip(
            segment.sent_position[first:last].tolist(),
            segment.sent_paragraph[first:last].tolist(),
            segment.sent_start[first:last].tolist(),
            segment.sent_end[first:last].tolist(),
            offsets[:-1],
            offsets[1:],
            strict=True,
        )
    )
    return Document(info.doc_id, info.title, info.source, info.url, info.published, sentences,
                    info.partial, info.scope)
