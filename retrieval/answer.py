"""Compose an Answer from sentence hits: passages, neighbours, matched terms.

The best hit's passage is its sentence with up to ``window`` neighbours in the same
paragraph (lines that are not prose, `retrieval.prose.is_prose`, trimmed from its edges).
A heading-like line (no closing punctuation) with nothing after it in its paragraph runs on
into the next paragraph's first sentence, where its story continues.  When another
sentence of the same article holds query terms the passage lacks (weighted by IDF, at
least `FRAGMENT_GAIN` of the question's weight), it is shown as a second fragment (the
renderers join non-adjacent sentences with "…").  Further hits are kept only when their
score is at least `OTHER_HIT_SHARE` of the best one: other hits are relevant hits, not
sentences sharing one common word.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Sequence

from retrieval.fastterms import terms as analyze_terms
from retrieval.prose import is_prose
from retrieval.rerank import expected_answer_type, holds_answer_type
from retrieval.tokenization import tokenize_with_spans, variant_sources
from retrieval.types import Answer, Document, ScoredPassage, Sentence, SentenceHit

MAX_LIST_ITEMS = 12
_UNIT_NEEDLES = {"billion": ("bn", "b"), "million": ("m",), "thousand": ("k",),
                 "trillion": ("tn", "trn")}
FRAGMENT_GAIN = 0.2
"""Share of the question's weight a second fragment must add to be shown."""
OTHER_HIT_SHARE = 0.5
"""Hits below this share of the best hit's score are not shown as other hits."""
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


def _trim(window: tuple[Sentence, ...], position: int) -> tuple[Sentence, ...]:
    """``window`` without non-prose sentences at its edges (the hit's own sentence stays)."""
    first, last = 0, len(window) - 1
    while first < last and window[first].position != position and not is_prose(
            window[first].text):
        first += 1
    while last > first and window[last].position != position and not is_prose(
            window[last].text):
        last -= 1
    return window[first : last + 1]


def _run_on(document: Document, window: tuple[Sentence, ...]) -> tuple[Sentence, ...]:
    """A heading-like last line continues with the next paragraph's first prose sentence."""
    last = window[-1]
    after = last.position + 1
    if after >= len(document.sentences) or not _is_list_item(last):
        return window
    following = document.sentences[after]
    if following.paragraph == last.paragraph or not is_prose(following.text):
        return window
    return (*window, following)


def _plain(text: str) -> str:
    """``text`` casefolded without Latin accents (for substring tests against terms)."""
    if text.isascii():
        return text.lower()
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold())
                   if not unicodedata.combining(c))


def _needles(terms: set[str]) -> list[str]:
    """Substrings one of which any text holding one of ``terms`` contains.

    A stem's first three letters (stems are prefixes of their words, after accent folding),
    the analyzer's variant sources for a term ("said" for ``say``) and "bn"/"m"/"k" for the
    money-unit terms.
    """
    needles: set[str] = set()
    for term in terms:
        needles.add(term[:3])
        needles.update(word[:3] for word in variant_sources(term))
        needles.update(_UNIT_NEEDLES.get(term, ()))
    return sorted(needles)


def second_fragment(
    document: Document,
    shown: Sequence[Sentence],
    query_terms: Sequence[str],
    weight: Callable[[str], float],
    query: str = "",
) -> Sentence | None:
    """The sentence of ``document`` adding most query weight the ``shown`` ones lack.

    None unless it adds at least `FRAGMENT_GAIN` of the question's weight.  When the shown
    sentences hold no entity of the kind the question asks for (a number for "how much",
    a date for "when": `retrieval.rerank.expected_answer_type`), a sentence that holds
    one and shares a query term counts its shared terms as gain instead (the figure asked
    for is often a few sentences away).  Ties go to the earlier sentence (news puts the
    facts first).
    """
    wanted = {term: weight(term) for term in dict.fromkeys(query_terms)}
    total = sum(wanted.values())
    if total <= 0:
        return None
    have = {term for s in shown for term in analyze_terms(s.text)}
    missing = {term for term in wanted if term not in have and wanted[term] > 0}
    answer_type = expected_answer_type(query) if query else None
    if answer_type is not None and any(
            holds_answer_type(s.text, answer_type, query) for s in shown):
        answer_type = None
    if not missing and answer_type is None:
        return None
    shown_positions = {s.position for s in shown}
    best: Sentence | None = None
    best_gain = FRAGMENT_GAIN * total
    needles = _needles(missing if answer_type is None else set(wanted))
    for sentence in document.sentences:
        if sentence.position in shown_positions:
            continue
        folded = _plain(sentence.text)
        if not any(needle in folded for needle in needles):
            continue  # holds no wanted term: cannot gain (a cheap test before analysis)
        terms = set(analyze_terms(sentence.text))
        gain = sum(wanted[t] for t in missing & terms)
        if answer_type is not None and holds_answer_type(sentence.text, answer_type, query):
            gain = max(gain, sum(wanted[t] for t in terms if t in wanted))
        if gain >= best_gain and (best is None or gain > best_gain) and is_prose(sentence.text):
            best, best_gain = sentence, gain
    return best


def compose(
    query: str,
    query_terms: Sequence[str],
    hits: Iterable[SentenceHit],
    documents: Sequence[Document],
    *,
    top_k: int,
    window: int = 1,
    weight: Callable[[str], float] | None = None,
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
        if passages and hit.score < OTHER_HIT_SHARE * passages[0].score:
            break
        document = documents[hit.doc_index]
        window_sentences = _trim(_unshown(
            passage_window(document, hit.position, window), hit.doc_index, hit.position, covered
        ), hit.position)
        if not passages:
            window_sentences = _run_on(document, window_sentences)
            if weight is not None:
                extra = second_fragment(document, window_sentences, query_terms, weight, query)
                if extra is not None:
                    window_sentences = tuple(sorted((*window_sentences, extra),
                                                    key=lambda s: s.position))
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
