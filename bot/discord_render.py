r"""Pure rendering for Discord: Answer -> embed dict / message content within Discord's limits.

This module owns every Discord length limit. Text is cut at a sentence or word boundary with
an ellipsis, never inside a word, an escape sequence or a bold marker; URLs are never cut
(a URL that does not fit a slot is left out of it). Article and user text is escaped
(`discord.utils.escape_markdown`, `discord.utils.escape_mentions`, and every square bracket,
so no masked link can form); matched terms are put in bold *after* escaping, so the bold
markers are the only live markdown.

Discord's ``<...>`` syntax is neutralised by a backslash before every ``<`` (outside the
``<https://...>`` links escape_markdown keeps): channel ``<#id>``, user/role ``<@id>``,
``<@!id>``, ``<@&id>`` (any id length), slash commands ``</name:id>``, emoji ``<:name:id>`` /
``<a:name:id>``, timestamps ``<t:unix:R>`` and guild links ``<id:customize>``. Discord treats
a backslash before punctuation as an escape, so ``\<#123>`` shows as the literal ``<#123>``
with nothing invisible in it (unlike a zero-width space, which copy-paste would carry along);
``escape_mentions`` adds its zero-width space after ``@`` only for @everyone, @here and
17-20 digit ids. Footers and author names are not markdown and show ``<...>`` literally.
Escaping happens before fitting, so every length limit counts the backslashes.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from discord.utils import escape_markdown, escape_mentions

from bot.formatting import abstain_message, attribution_parts, join_sentences, position_label
from retrieval.answer import match_spans
from retrieval.types import Answer, Document, ScoredPassage, Sentence

CONTENT_LIMIT = 2000
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FOOTER_LIMIT = 2048
AUTHOR_LIMIT = 256
FIELD_COUNT_LIMIT = 25
EMBED_TOTAL_LIMIT = 6000
EMBED_URL_LIMIT = 2048
BUTTON_URL_LIMIT = 512
BUTTON_LABEL_LIMIT = 80
CHOICE_LIMIT = 100

ELLIPSIS = "…"
SEPARATOR = " · "
EMBED_COLOUR = 0x2B6CB0
NOTHING_HERE = (
    "No articles are indexed for this server yet: an admin can add some with /corpus add."
)

Span = tuple[int, int]

# The URL pattern escape_markdown itself leaves alone (so our cuts and bolding do too).
_URL = re.compile(r"<[^: >]+:/[^ >]+>|(?:https?|steam)://[^\s<]+[^<.,:;\"'\]\s]")
_SENTENCE_END = re.compile(r"[.!?\u2026][\"'\u201d\u2019)\]]*(?=\s)")
_TRAILING = " \t\r\n,;:\u2013\u2014-"
# Characters escaped with a backslash outside URLs: masked links and Discord's <...> syntax.
_LITERAL = "[]<"
_MIN_PASSAGE = 200


# -- escaping ---------------------------------------------------------------------------


def _escape_syntax(text: str) -> str:
    """Escape every square bracket and ``<`` outside URLs that is not already escaped."""
    out: list[str] = []
    cursor = 0
    for match in _URL.finditer(text):
        out.append(_escape_outside_urls(text[cursor : match.start()]))
        out.append(match.group())
        cursor = match.end()
    out.append(_escape_outside_urls(text[cursor:]))
    return "".join(out)


def _escape_outside_urls(text: str) -> str:
    out: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            out.append(text[index : index + 2])
            index += 2
            continue
        out.append("\\" + char if char in _LITERAL else char)
        index += 1
    return "".join(out)


def escape(text: str) -> str:
    """``text`` made literal for Discord: no formatting, masked link, ``<...>`` syntax or ping."""
    pieces = re.split(r"([\[\]])", text)
    escaped = "".join(
        "\\" + piece if piece in ("[", "]") else escape_markdown(piece) for piece in pieces
    )
    return escape_mentions(_escape_syntax(escaped))


def plain(text: str) -> str:
    """For slots Discord shows without markdown (footers): only strip control characters."""
    return "".join(char if char.isprintable() or char == "\n" else " " for char in text)


def bold(text: str) -> str:
    """Discord bold markers around already-escaped text."""
    return f"**{text}**"


def render_marked(text: str, spans: Sequence[Span] = ()) -> str:
    """``text`` escaped, with each span (character offsets into ``text``) in bold."""
    pieces: list[str] = []
    cursor = 0
    for start, end in spans:
        if start < cursor or end > len(text) or start >= end:
            continue
        pieces.append(escape(text[cursor:start]))
        pieces.append(bold(escape(text[start:end])))
        cursor = end
    pieces.append(escape(text[cursor:]))
    return "".join(pieces)


# -- cutting ----------------------------------------------------------------------------


def url_spans(text: str) -> list[Span]:
    """Where URLs are in ``text`` (they are never cut and never bolded)."""
    return [(m.start(), m.end()) for m in _URL.finditer(text)]


def _merge(spans: Sequence[Span]) -> list[Span]:
    """Sorted, non-overlapping union of ``spans``."""
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _inside(position: int, merged: Sequence[Span]) -> bool:
    """Whether ``position`` falls strictly inside one of the ``merged`` spans."""
    index = bisect.bisect_left(merged, (position, position)) - 1
    return index >= 0 and merged[index][0] < position < merged[index][1]


@dataclass(frozen=True, slots=True)
class Text:
    """Raw text for one slot.

    ``spans`` are put in bold, ``markdown`` is False for slots Discord shows as plain text,
    and an optional ``url`` is appended on its own line only when it fits whole.
    """

    raw: str
    spans: tuple[Span, ...] = ()
    markdown: bool = True
    url: str | None = None

    def render(self, raw: str | None = None) -> str:
        """Return the slot's text (or a prefix of it) as Discord should receive it."""
        text = self.raw if raw is None else raw
        if not self.markdown:
            return plain(text)
        spans = [s for s in self.spans if s[1] <= len(text)]
        return render_marked(text, spans)


def _cut_candidates(text: str, protected: Sequence[Span]) -> tuple[list[int], list[int]]:
    """Sentence-end and word-boundary cut positions, outside protected spans."""
    words = [m.start() for m in re.finditer(r"\s+", text) if not _inside(m.start(), protected)]
    sentences = [m.end() for m in _SENTENCE_END.finditer(text) if not _inside(m.end(), protected)]
    return sentences, words


def _longest(
    candidates: Sequence[int], fits: Callable[[int], bool]
) -> int | None:
    """Return the largest candidate for which ``fits`` holds (``fits`` is monotone)."""
    low, high, best = 0, len(candidates) - 1, None
    while low <= high:
        middle = (low + high) // 2
        if fits(candidates[middle]):
            best = candidates[middle]
            low = middle + 1
        else:
            high = middle - 1
    return best


def fit(text: Text | str, limit: int) -> str:
    """``text`` rendered to at most ``limit`` characters.

    Cut at the last sentence end that keeps at least half of what a word-boundary cut would,
    else at the last word boundary; an ellipsis marks the cut. A URL is never cut: a trailing
    ``text.url`` is dropped when it does not fit, and a cut never falls inside a URL in the
    text. Only when a single word is longer than the whole slot is that word cut.
    """
    slot = Text(text) if isinstance(text, str) else text
    if slot.url:
        with_url = fit(Text(slot.raw, slot.spans, slot.markdown), limit - len(slot.url) - 1)
        joined = f"{with_url}\n{slot.url}" if with_url else slot.url
        if len(joined) <= limit and len(slot.url) < limit:
            return joined
        return fit(Text(slot.raw, slot.spans, slot.markdown), limit)
    if len(slot.raw) <= limit:  # rendering never shortens text: longer raw text cannot fit
        full = slot.render()
        if len(full) <= limit:
            return full
    protected = _merge(
        [*url_spans(slot.raw), *slot.spans] if slot.markdown else url_spans(slot.raw)
    )
    # No cut far beyond ``limit`` can fit either: work on a prefix only.
    scan = slot.raw[: 2 * limit + 64]
    slot = Text(scan, tuple(s for s in slot.spans if s[1] <= len(scan)), slot.markdown)
    raw = scan

    def rendered(position: int) -> str:
        return slot.render(raw[:position].rstrip(_TRAILING))

    def fits_within(budget: int) -> Callable[[int], bool]:
        return lambda position: len(rendered(position)) <= budget

    sentences, words = _cut_candidates(scan, protected)
    word_cut = _longest(words, fits_within(limit - len(ELLIPSIS)))
    sentence_cut = _longest(sentences, fits_within(limit - len(ELLIPSIS) - 1))
    if sentence_cut is not None and (word_cut is None or sentence_cut * 2 >= word_cut):
        return rendered(sentence_cut) + " " + ELLIPSIS
    if word_cut is not None and rendered(word_cut):
        return rendered(word_cut) + ELLIPSIS
    characters = [i for i in range(1, len(scan)) if not _inside(i, protected)]
    char_cut = _longest(characters, fits_within(limit - len(ELLIPSIS)))
    if char_cut is None or not rendered(char_cut):
        return ELLIPSIS if limit >= len(ELLIPSIS) else ""
    return rendered(char_cut) + ELLIPSIS


# -- URLs -------------------------------------------------------------------------------


def usable_url(url: str | None, limit: int = EMBED_URL_LIMIT) -> str | None:
    """``url`` when it is an absolute http(s) URL without spaces and within ``limit``."""
    if not url or len(url) > limit or any(char.isspace() for char in url):
        return None
    if not re.match(r"https?://[^/\s?#]+", url, re.IGNORECASE):
        return None
    return url


# -- embeds -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Field:
    """One embed field, before fitting."""

    name: Text
    value: Text
    inline: bool = False


@dataclass(slots=True)
class EmbedSpec:
    """An embed before fitting: raw texts, never longer than they want to be."""

    title: Text | None = None
    url: str | None = None
    description: Text | None = None
    fields: list[Field] = field(default_factory=list)
    footer: str | None = None
    author: str | None = None
    colour: int = EMBED_COLOUR


def embed_length(embed: dict[str, Any]) -> int:
    """Characters Discord counts toward the 6000 total of one embed."""
    total = len(embed.get("title", "")) + len(embed.get("description", ""))
    total += len(embed.get("footer", {}).get("text", ""))
    total += len(embed.get("author", {}).get("name", ""))
    for item in embed.get("fields", []):
        total += len(item["name"]) + len(item["value"])
    return total


def fit_embed(spec: EmbedSpec) -> dict[str, Any]:
    """Build an embed dict (``discord.Embed.from_dict`` input) within every embed limit.

    Each slot is fitted to its own limit; fields beyond 25 are dropped; if the total is over
    6000 the description shrinks first, then fields are dropped from the end, then the
    footer and title shrink.
    """
    embed: dict[str, Any] = {"type": "rich", "color": spec.colour}
    title = fit(spec.title, TITLE_LIMIT) if spec.title else ""
    footer = fit(Text(spec.footer, markdown=False), FOOTER_LIMIT) if spec.footer else ""
    author = fit(Text(spec.author, markdown=False), AUTHOR_LIMIT) if spec.author else ""
    fields: list[dict[str, Any]] = [
        {
            "name": fit(item.name, FIELD_NAME_LIMIT) or "\u200b",
            "value": fit(item.value, FIELD_VALUE_LIMIT) or "\u200b",
            "inline": item.inline,
        }
        for item in spec.fields[:FIELD_COUNT_LIMIT]
    ]
    fixed = len(title) + len(footer) + len(author) + sum(
        len(f["name"]) + len(f["value"]) for f in fields
    )
    description = ""
    if spec.description:
        room = max(0, min(DESCRIPTION_LIMIT, EMBED_TOTAL_LIMIT - fixed))
        description = fit(spec.description, room)
    while fields and fixed + len(description) > EMBED_TOTAL_LIMIT:
        dropped = fields.pop()
        fixed -= len(dropped["name"]) + len(dropped["value"])
    if fixed + len(description) > EMBED_TOTAL_LIMIT and spec.footer:
        footer = fit(Text(spec.footer, markdown=False), 200)
    if len(title) + len(footer) + len(author) + len(description) > EMBED_TOTAL_LIMIT and spec.title:
        title = fit(spec.title, 100)
    if title:
        embed["title"] = title
    url = usable_url(spec.url)
    if url and title:
        embed["url"] = url
    if description:
        embed["description"] = description
    if fields:
        embed["fields"] = fields
    if footer:
        embed["footer"] = {"text": footer}
    if author:
        embed["author"] = {"name": author}
    return embed


# -- answers ----------------------------------------------------------------------------


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


def message(text: str) -> str:
    """Our own message text (already escaped where it quotes others) within 2000 characters."""
    return fit(Text(text, markdown=False), CONTENT_LIMIT)


def choice_name(text: str) -> str:
    """Return an autocomplete choice label within 100 characters (no markdown there)."""
    return fit(Text(" ".join(text.split()) or "untitled", markdown=False), CHOICE_LIMIT)


def button_url(url: str | None) -> str | None:
    """``url`` when it can go on a link button (absolute http(s), at most 512 characters)."""
    return usable_url(url, BUTTON_URL_LIMIT)
