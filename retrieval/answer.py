"""Compose an Answer from sentence hits: passages, neighbours, matched terms."""

from __future__ import annotations

from collections.abc import Sequence

from retrieval.tokenization import tokenize_with_spans
from retrieval.types import Answer, Document, ScoredPassage, Sentence, SentenceHit

MAX_LIST_ITEMS = 12
_TERMINAL = (".", "!", "?", "\u2026", "\"", "\u201d", "\u2019", "'", "\u00bb", ")")


def _is_list_item(sentence: Sentence) -> bool:
    return not sentence.text.rstrip().endswith((*_TERMINAL, ":"))


def passage_window(document: Document, position: int, window: int) -> tuple[Sentence, ...]:
    """The sentence at ``position`` with up to ``window`` neighbours each side, same paragraph.

    A list stays whole: when the window holds a line ending in ``:`` (a list's intro), the
    items that follow it in the paragraph (lines without closing punctuation, at most
    `MAX_LIST_ITEMS`) are added, and a list item pulls in its intro line.
    """
    sentences = document.sentences
    paragraph = sentences[position].paragraph

    def same(i: int) -> bool:
        return 0 <= i < len(sentences) and sentences[i].paragraph == paragraph

    first = position
    while same(first - 1) and position - first < window:
        first -= 1
    last = position
    while same(last + 1) and last - position < window:
        last += 1
    # a list item pulls in the intro line above it
    back = first
    while same(back - 1) and first - back < MAX_LIST_ITEMS and _is_list_item(sentences[back]):
        back -= 1
        if sentences[back].text.rstrip().endswith(":"):
            first = back
            break
    # an intro line pulls in the items below it
    if any(s.text.rstrip().endswith(":") for s in sentences[first : last + 1]):
        while same(last + 1) and _is_list_item(sentences[last + 1]) and last - first < 2 * (
            MAX_LIST_ITEMS + window
        ):
            last += 1
    return sentences[first : last + 1]


def match_spans(text: str, query_terms: Sequence[str]) -> list[tuple[int, int]]:
    """Character spans ``(start, end)`` of the words in ``text`` whose term is a query term."""
    wanted = set(query_terms)
    return [(start, end) for term, start, end in tokenize_with_spans(text) if term in wanted]


def _unshown(
    window: tuple[Sentence, ...], doc_index: int, position: int, covered: set[tuple[int, int]]
) -> tuple[Sentence, ...]:
    """The contiguous part of ``window`` around ``position`` that no earlier hit showed."""
    at = next(i for i, s in enumerate(window) if s.position == position)
    first = at
    while first > 0 and (doc_index, window[first - 1].position) not in covered:
        first -= 1
    last = at
    while last + 1 < len(window) and (doc_index, window[last + 1].position) not in covered:
        last += 1
    return window[first : last + 1]


def compose(
    query: str,
    query_terms: Sequence[str],
    hits: Sequence[SentenceHit],
    documents: Sequence[Document],
    *,
    top_k: int,
    window: int = 1,
) -> Answer:
    """Turn ranked sentence hits into at most ``top_k`` non-overlapping passages.

    A hit whose sentence already lies inside a better hit's passage is dropped, so paging
    through hits never shows the same text twice. An empty ``hits`` gives an abstaining
    Answer with reason ``"no_match"``.
    """
    passages: list[ScoredPassage] = []
    covered: set[tuple[int, int]] = set()
    for hit in hits:
        if len(passages) >= top_k:
            break
        if (hit.doc_index, hit.position) in covered:
            continue
        document = documents[hit.doc_index]
        window_sentences = _unshown(
            passage_window(document, hit.position, window), hit.doc_index, hit.position, covered
        )
        covered.update((hit.doc_index, s.position) for s in window_sentences)
        matched: dict[str, None] = {}
        for sentence in window_sentences:
            for start, end in match_spans(sentence.text, query_terms):
                matched.setdefault(sentence.text[start:end], None)
        passages.append(
            ScoredPassage(
                document=document,
                sentence_index=hit.position,
                sentences=window_sentences,
                score=hit.score,
                rank=len(passages) + 1,
                matched_terms=tuple(matched),
            )
        )
    return Answer(
        query=query,
        query_terms=tuple(query_terms),
        hits=tuple(passages),
        reason=None if passages else "no_match",
    )
