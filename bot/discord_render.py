"""Answers for Discord: an `Answer` as an embed (passage, source, paging) or plain content.

Pure functions; the limits, escaping and cutting they rely on are in `bot.discord_text`,
the embed fitting in `bot.discord_embeds`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.discord_embeds import EmbedSpec, Field, fit_embed
from bot.discord_text import (
    AUTHOR_LIMIT,
    CONTENT_LIMIT,
    DESCRIPTION_LIMIT,
    SEPARATOR,
    TITLE_LIMIT,
    Text,
    escape,
    fit,
    url_spans,
    usable_url,
)
from bot.formatting import abstain_message, attribution_parts, join_sentences, position_label
from retrieval.answer import match_spans
from retrieval.types import Answer, Document, ScoredPassage, Sentence

NOTHING_HERE = (
    "No articles are indexed for this server yet: an admin can add some with /corpus add."
)
_MIN_PASSAGE = 200


def context_sentences(hit: ScoredPassage, window: int) -> tuple[Sentence, ...]:
    """Return the best sentence with ``window`` neighbours each side (across paragraphs)."""
    sentences = hit.document.sentences
    first = max(0, hit.sentence_index - window)
    return sentences[first : hit.sentence_index + window + 1]


def passage_slot(
    hit: ScoredPassage, query_terms: tuple[str, ...], sentences: Sequence[Sentence] | None = None
) -> Text:
    """Return the passage as a Text with matched words (not inside URLs) marked for bold."""
    chosen = tuple(sentences) if sentences else hit.sentences
    raw = join_sentences([s.text for s in chosen], [s.position for s in chosen])
    links = url_spans(raw)
    spans = tuple(
        (start, end)
        for start, end in match_spans(raw, query_terms)
        if not any(s < end and start < e for s, e in links)
    )
    return Text(raw, spans)


def _best_first(
    hit: ScoredPassage, query_terms: tuple[str, ...], sentences: Sequence[Sentence], limit: int
) -> Text:
    """Return the passage, starting at the best sentence when it is too long for ``limit``."""
    slot = passage_slot(hit, query_terms, sentences)
    if len(slot.render()) <= limit:
        return slot
    tail = [s for s in sentences if s.position >= hit.sentence_index] or list(sentences)
    if tail[0].position == sentences[0].position:
        return slot
    return passage_slot(hit, query_terms, tail)


def footer_text(hit: ScoredPassage, page: int, pages: int) -> str:
    """Return publisher, date, "sentence n of m" and (when paging) "hit i of n"."""
    _, source, published = attribution_parts(hit.document)
    parts = [source, published, position_label(hit)]
    if pages > 1:
        parts.append(f"hit {page + 1} of {pages}")
    return SEPARATOR.join(parts)


def answer_embed(
    answer: Answer, page: int = 0, *, sentences: Sequence[Sentence] | None = None
) -> dict[str, Any]:
    """Render one hit of ``answer`` as an embed dict.

    The headline is the title, linked to the article; the passage has matched terms in
    bold; publisher, date and position are in the footer.
    """
    hit = answer.hits[page]
    document = hit.document
    chosen = tuple(sentences) if sentences else hit.sentences
    spec = EmbedSpec(
        title=Text(document.title or "untitled"),
        url=document.url,
        description=_best_first(hit, answer.query_terms, chosen, DESCRIPTION_LIMIT),
        footer=footer_text(hit, page, len(answer.hits)),
    )
    if document.partial:
        spec.fields.append(
            Field(Text("Excerpt"), Text("The source is paywalled or truncated.", markdown=False))
        )
    return fit_embed(spec)


def attribution_line(document: Document, hit: ScoredPassage | None = None) -> str:
    """Raw attribution: "— title · publisher · date · sentence n of m"."""
    parts = attribution_parts(document)
    if hit is not None:
        parts.append(position_label(hit))
    return "— " + SEPARATOR.join(parts)


def answer_content(
    answer: Answer, page: int = 0, *, sentences: Sequence[Sentence] | None = None
) -> str:
    """One hit as plain message content (no embed), at most 2000 characters.

    The attribution line (title, publisher, date, position) and the URL come first in the
    budget and are never cut unless the title alone is longer than a message; the passage
    takes what is left and is trimmed at a sentence or word boundary.
    """
    if not answer.hits:
        return fit(abstain_text(answer), CONTENT_LIMIT)
    hit = answer.hits[page]
    document = hit.document
    url = usable_url(document.url, CONTENT_LIMIT - 2)
    link = f"<{url}>" if url else ""
    roomy = CONTENT_LIMIT - _MIN_PASSAGE
    attribution = escape(attribution_line(document, hit))
    if len(attribution) + len(link) + 1 > roomy:
        title, source, published = attribution_parts(document)
        attribution = "— " + SEPARATOR.join(
            [fit(title, TITLE_LIMIT), fit(source, AUTHOR_LIMIT), fit(published, 64),
             position_label(hit)]
        )
    if len(attribution) + len(link) + 1 > roomy:
        link = ""
    tail = attribution + (f"\n{link}" if link else "")
    chosen = tuple(sentences) if sentences else hit.sentences
    budget = CONTENT_LIMIT - len(tail) - 2
    passage = fit(_best_first(hit, answer.query_terms, chosen, budget), max(0, budget))
    return f"{passage}\n\n{tail}" if passage else tail[:CONTENT_LIMIT]


def abstain_text(answer: Answer) -> str:
    """Why there is no answer, worded for Discord users (trusted text, not escaped)."""
    if answer.reason == "empty_corpus":
        return NOTHING_HERE
    return abstain_message(answer)
