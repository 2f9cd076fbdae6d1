"""Snapshot: one immutable index with the per-document arrays that filter and list it.

A snapshot is made once per index change (in a worker thread) and never changes after, so
questions, autocompletes and listings read it without locks. Arrays are indexed by the
document's position in the index (segment after segment); removed documents keep their
position and are masked by ``index.removed``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from corpus.backend import SHARED_SCOPE
from retrieval.fusion import FusedIndex
from retrieval.postings import DocumentInfo
from retrieval.types import Document


class DocumentView(Sequence[Document]):
    """Documents of an index, made on demand: ``positions`` picks and orders them."""

    def __init__(self, index: FusedIndex, positions: npt.NDArray[np.int64] | None = None) -> None:
        self._index = index
        self._positions = positions

    def __len__(self) -> int:
        return self._index.doc_count if self._positions is None else len(self._positions)

    def _at(self, i: int) -> Document:
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        return self._index.document(i if self._positions is None else int(self._positions[i]))

    def __getitem__(self, key: int | slice) -> Any:
        if isinstance(key, slice):
            return [self._at(i) for i in range(*key.indices(len(self)))]
        return self._at(key)


@dataclass(frozen=True, slots=True)
class Snapshot:
    """An immutable index with its per-position document arrays.

    ``documents`` lists the live documents (not removed) in position order; ``by_position``
    every document. ``sources`` are casefolded publishers ("" when unknown), ``published``
    ISO dates ("" when unknown), ``folded_titles`` casefolded titles ("untitled" when
    missing), ``sentence_counts`` sentences per document, ``newest`` the latest publication
    date ("" when none is known). ``version`` is the store's corpus
    version the index reflects (-1: a saved index not yet compared with the store).
    ``memo`` caches listings of this snapshot (see `bot.listings`).
    """

    index: FusedIndex
    documents: DocumentView
    by_position: DocumentView
    infos: tuple[DocumentInfo, ...]
    doc_ids: npt.NDArray[np.int64]
    scopes: npt.NDArray[np.str_]
    sources: npt.NDArray[np.str_]
    published: npt.NDArray[np.str_]
    folded_titles: tuple[str, ...]
    sentence_counts: npt.NDArray[np.int64]
    version: int
    shared_only: bool
    newest: str
    memo: dict[tuple[object, ...], Any] = field(default_factory=dict, compare=False)

    @classmethod
    def of(cls, index: FusedIndex, version: int) -> Snapshot:
        """Wrap ``index`` with its document arrays (O(documents); run it off the loop)."""
        infos = tuple(info for seg in index.segments for info in seg.infos)
        live = np.flatnonzero(~index.removed).astype(np.int64)
        scopes = np.array([i.scope for i in infos], dtype=np.str_)
        counts = [np.diff(seg.doc_start).astype(np.int64) for seg in index.segments]
        return cls(
            index=index,
            documents=DocumentView(index, live),
            by_position=DocumentView(index),
            infos=infos,
            doc_ids=np.array([i.doc_id for i in infos], dtype=np.int64),
            scopes=scopes,
            sources=np.array([(i.source or "").casefold() for i in infos], dtype=np.str_),
            published=np.array([i.published or "" for i in infos], dtype=np.str_),
            folded_titles=tuple((i.title or "untitled").casefold() for i in infos),
            sentence_counts=(np.concatenate(counts) if counts
                             else np.zeros(0, dtype=np.int64)),
            version=version,
            shared_only=bool(np.all(scopes[live] == SHARED_SCOPE)),
            newest=max((i.published or "" for i in infos), default=""),
        )

    @property
    def live_ids(self) -> set[int]:
        """Ids of the documents not removed."""
        return set(self.doc_ids[~self.index.removed].tolist())

    def visible(self, scopes: Sequence[str]) -> npt.NDArray[np.bool_]:
        """Mask of the live documents whose scope is in ``scopes`` (one bool per position)."""
        wanted: npt.NDArray[np.bool_] = np.isin(self.scopes, list(scopes)) & ~self.index.removed
        return wanted

    def position_of(self, doc_id: int) -> int:
        """The last position holding ``doc_id`` (raises IndexError when there is none)."""
        return int(np.flatnonzero(self.doc_ids == doc_id)[-1])
