"""Pure rendering: Answer -> plain text (console, CLI) and Answer -> JSON (scripts)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from retrieval.answer import match_spans
from retrieval.types import Answer, Document, ScoredPassage

ABSTAIN_MESSAGES = {
    "no_terms": "Please ask about a specific topic: that question has no searchable words.",
    "empty_corpus": "No articles are indexed yet: add some with `newsdesk ingest PATH`.",
    "no_match": "No relevant passage found: the articles don't seem to cover that.",
    "filtered_out": "No articles match those filters (publisher or date); try without them.",
    "not_english": "newsdesk answers questions in English: please ask again in English.",
}


def abstain_message(answer: Answer) -> str:
    """The one-line explanation for an Answer with no hits."""
    return ABSTAIN_MESSAGES.get(answer.reason or "no_match", ABSTAIN_MESSAGES["no_match"])


def highlight(text: str, query_terms: tuple[str, ...], mark: Callable[[str], str]) -> str:
    """``text`` with each word whose term is a query term wrapped by ``mark``."""
    pieces: list[str] = []
    cursor = 0
    for start, end in match_spans(text, query_terms):
        pieces.append(text[cursor:start])
        pieces.append(mark(text[start:end]))
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)


def join_sentences(texts: list[str], positions: list[int]) -> str:
    """Sentence texts joined by spaces, and by " … " where sentences were skipped."""
    out: list[str] = []
    for at, text in enumerate(texts):
        if at:
            out.append(" \u2026 " if positions[at] > positions[at - 1] + 1 else " ")
        out.append(text)
    return "".join(out)


def passage_text(
    hit: ScoredPassage, query_terms: tuple[str, ...], mark: Callable[[str], str]
) -> str:
    """The passage's sentences joined by spaces (" … " between fragments), words marked."""
    return join_sentences([highlight(s.text, query_terms, mark) for s in hit.sentences],
                          [s.position for s in hit.sentences])


def position_label(hit: ScoredPassage) -> str:
    """Where the best sentence stands, e.g. ``"sentence 7 of 21"``."""
    return f"sentence {hit.sentence_index + 1} of {len(hit.document.sentences)}"


def attribution_parts(document: Document) -> list[str]:
    """Title, publisher and date, with 'untitled' / 'unknown publisher' / 'date unknown'."""
    return [
        document.title or "untitled",
        document.source or "unknown publisher",
        document.published or "date unknown",
    ]


def render_plain(answer: Answer, *, bold: Callable[[str], str] | None = None) -> str:
    """Console/CLI text: the passage, its source line, its link, then the other hits."""
    if not answer.hits:
        return abstain_message(answer)
    if answer.reason == "headlines":
        lines = ["Latest headlines:"]
        for hit in answer.hits:
            title, source, published = attribution_parts(hit.document)
            lines.append(f"  {hit.rank}. {title} · {source} · {published}")
            if hit.document.url:
                lines.append(f"     {hit.document.url}")
        return "\n".join(lines)
    mark = bold or (lambda word: f"**{word}**")
    best = answer.hits[0]
    lines = [passage_text(best, answer.query_terms, mark), ""]
    lines.append("— " + " · ".join([*attribution_parts(best.document), position_label(best)]))
    if best.document.url:
        lines.append("  " + best.document.url)
    if best.document.partial:
        lines.append("  (excerpt: the source is paywalled or truncated)")
    if len(answer.hits) > 1:
        lines.extend(["", "Other hits:"])
        for hit in answer.hits[1:]:
            title, source, published = attribution_parts(hit.document)
            lines.append(f"  {hit.rank}. {hit.sentence.text}")
            lines.append(f"     — {title} · {source} · {published} · {position_label(hit)}")
    return "\n".join(lines)


def hit_to_json(hit: ScoredPassage) -> dict[str, Any]:
    """One hit in the ``--json``/``--jsonl`` contract shape (see README)."""
    document = hit.document
    return {
        "rank": hit.rank,
        "passage": join_sentences([s.text for s in hit.sentences],
                                  [s.position for s in hit.sentences]),
        "sentence": hit.sentence.text,
        "score": round(hit.score, 6),
        "sentence_index": hit.sentence_index,
        "sentence_count": len(document.sentences),
        "matched_terms": list(hit.matched_terms),
        "article": {
            "id": document.doc_id,
            "title": document.title,
            "source": document.source,
            "url": document.url,
            "published": document.published,
            "partial": document.partial,
        },
    }


def answer_to_json(answer: Answer, question_id: Any = None) -> dict[str, Any]:
    """The machine contract for one question (see README, "The JSON contract").

    Keys: ``id``, ``question``, ``answer`` (null when abstaining), ``alternatives``,
    ``query_terms`` and ``reason``.
    """
    hits = [hit_to_json(hit) for hit in answer.hits]
    return {
        "id": question_id,
        "question": answer.query,
        "answer": hits[0] if hits else None,
        "alternatives": hits[1:],
        "query_terms": list(answer.query_terms),
        "reason": answer.reason,
    }
