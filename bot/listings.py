"""Corpus-wide listings served from a snapshot's arrays, without one `Document` per article.

Autocompletes (titles, publishers), ``/corpus stats`` counts, the console's article list
and finding the article a command names all read `Listings`, a view of one immutable
`Snapshot`. Visible positions and publisher counts are computed once per snapshot and
scope set (kept in the snapshot's ``memo``). At a million sentences (15,162 articles,
``python -m bench.listings``) an autocomplete takes under 1 ms, so the cogs call it on the
event loop; `Listings.counts` and `Listings.find` take up to about 10 ms there and the cogs
run them in a worker thread. Orders match the index's document order (newest first, then
articles added since).
"""

from __future__ import annotations

import collections
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bot.snapshot import Snapshot
from retrieval.postings import DocumentInfo
from retrieval.types import Document

_MEMO_MAX = 256  # cached scope sets per snapshot (one or two per guild that asks)


@dataclass(frozen=True, slots=True)
class CorpusCounts:
    """What ``/corpus stats`` shows.

    Articles (``own`` of them in the asking guild's scope), sentences, distinct publishers
    (case-insensitive) and the ISO date range (None when no article has a date).
    """

    articles: int
    own: int
    sentences: int
    publishers: int
    oldest: str | None
    newest: str | None


class Listings:
    """Listings of one snapshot (an empty corpus when ``snapshot`` is None)."""

    def __init__(self, snapshot: Snapshot | None) -> None:
        self._snapshot = snapshot

    def _memo(self, key: tuple[object, ...]) -> object | None:
        snapshot = self._snapshot
        return None if snapshot is None else snapshot.memo.get(key)

    def _remember(self, key: tuple[object, ...], value: object) -> None:
        assert self._snapshot is not None
        memo = self._snapshot.memo
        if len(memo) >= _MEMO_MAX:
            memo.clear()
        memo[key] = value

    def positions(self, scopes: Sequence[str]) -> npt.NDArray[np.int64]:
        """Index positions of the live documents visible in ``scopes``, in document order."""
        if self._snapshot is None:
            return np.zeros(0, dtype=np.int64)
        key = ("positions", *scopes)
        found = self._memo(key)
        if isinstance(found, np.ndarray):
            return found
        positions = np.flatnonzero(self._snapshot.visible(scopes)).astype(np.int64)
        self._remember(key, positions)
        return positions

    def articles(self, scopes: Sequence[str]) -> list[DocumentInfo]:
        """Metadata of every visible document, in document order."""
        if self._snapshot is None:
            return []
        infos = self._snapshot.infos
        return [infos[at] for at in self.positions(scopes).tolist()]

    def _matching(
        self, scopes: Sequence[str], current: str, top_k: int,
        keep: Callable[[DocumentInfo], bool] = lambda _: True,
    ) -> list[DocumentInfo]:
        """The first ``top_k`` visible documents titled with ``current`` that ``keep`` takes."""
        if self._snapshot is None:
            return []
        needle = current.casefold().strip()
        folded, infos = self._snapshot.folded_titles, self._snapshot.infos
        found: list[DocumentInfo] = []
        for at in self.positions(scopes).tolist():
            if needle in folded[at] and keep(infos[at]):
                found.append(infos[at])
                if len(found) >= top_k:
                    break
        return found

    def titles(self, scopes: Sequence[str], current: str, *, top_k: int = 25) -> list[DocumentInfo]:
        """The first ``top_k`` visible documents whose title contains ``current``.

        Case-insensitive, surrounding spaces ignored; a missing title reads "untitled"; an
        empty ``current`` matches every document.
        """
        return self._matching(scopes, current, top_k)

    def named_titles(
        self, scopes: Sequence[str], current: str, *, top_k: int = 25, max_chars: int = 100
    ) -> list[str]:
        """The first ``top_k`` titles (present, at most ``max_chars``) containing ``current``."""
        found = self._matching(scopes, current, top_k,
                               lambda info: bool(info.title) and len(info.title or "") <= max_chars)
        return [info.title or "" for info in found]

    def find(self, scopes: Sequence[str], wanted: str) -> Document | None:
        """The visible document ``wanted`` names, or None when nothing matches.

        ``wanted`` is its id (as autocomplete sends), else the first title equal to it, else
        the first title containing it (both case-insensitive).
        """
        snapshot = self._snapshot
        if snapshot is None:
            return None
        visible = self.positions(scopes)
        text = wanted.strip()
        if text.isdigit():
            same = visible[snapshot.doc_ids[visible] == int(text)]
            if len(same):
                return snapshot.index.document(int(same[0]))
        needle = text.casefold()
        folded, infos = snapshot.folded_titles, snapshot.infos
        partial: int | None = None
        for at in visible.tolist():
            title = folded[at] if infos[at].title else ""
            if title == needle:
                return snapshot.index.document(at)
            if partial is None and needle and needle in title:
                partial = at
        return None if partial is None else snapshot.index.document(partial)

    def sources(self, scopes: Sequence[str]) -> list[str]:
        """Distinct publishers of the visible documents, most articles first, then by name."""
        if self._snapshot is None:
            return []
        key = ("sources", *scopes)
        found = self._memo(key)
        if isinstance(found, list):
            return list(found)
        infos = self._snapshot.infos
        counts = collections.Counter(
            name for at in self.positions(scopes).tolist() if (name := infos[at].source))
        names = sorted(counts, key=lambda name: (-counts[name], name.casefold()))
        self._remember(key, names)
        return list(names)

    def counts(self, scopes: Sequence[str], own_scope: str) -> CorpusCounts:
        """Counts of the documents visible in ``scopes``; ``own`` counts ``own_scope``'s."""
        snapshot = self._snapshot
        if snapshot is None:
            return CorpusCounts(0, 0, 0, 0, None, None)
        at = self.positions(scopes)
        sources = snapshot.sources[at]
        dates = snapshot.published[at]
        dates = dates[dates != ""].tolist()
        return CorpusCounts(
            articles=len(at),
            own=int(np.count_nonzero(snapshot.scopes[at] == own_scope)),
            sentences=int(snapshot.sentence_counts[at].sum()),
            publishers=len(np.unique(sources[sources != ""])),
            oldest=min(dates) if dates else None,
            newest=max(dates) if dates else None,
        )
