"""Sentence splitting for news text: NLTK Punkt with a shipped abbreviation list, plus rules.

Nothing here downloads or reads ``nltk_data``: the Punkt model is built in code from
``PunktParameters`` holding the abbreviations in ``retrieval/data/abbreviations.txt``.

How a line is split
-------------------
1. Every line is split on its own: a line break always ends a sentence (headlines, bylines,
   datelines and list items are never merged into body text).
2. Punkt proposes sentence breaks.  Its language variables are extended so that curly quotes
   and guillemets count as closing punctuation (nltk/nltk#1903), whatever the NLTK version.
3. Every place where ``.``, ``?``, ``!``, ``...`` or ``…`` (plus closing quotes/brackets) is
   followed by whitespace is then decided by the rules below, overriding Punkt there.  Punkt's
   other breaks (no whitespace after, e.g. ``end.”Next``) are kept unless a lower-case word
   follows.

Rules at such a place, with *next* the following word without opening quotes/brackets:

- *next* starts lower case or with a dash/punctuation: no break ("in a word... unexpected",
  "“Why?” he asked").  Opening quotes/brackets and Spanish ``¿``/``¡`` are skipped first.
- ``?``/``!`` + closing quote + a speech tag that ends its clause: no break ("“Is it safe?”
  Transport Secretary Louise Haigh said."; `retrieval.speech_tags`).  Otherwise ``?``/``!``
  break.
- An ellipsis breaks only before a capital letter.
- ``.`` + closing quote breaks before any capitalised word, even after an abbreviation.
- After an abbreviation or an initial, the abbreviation's class in ``abbreviations.txt``
  and the next word decide (`retrieval.abbreviations`: "Gen. A. B. Carter", "the U.S.
  Senate" stay whole, "in the U.S. The talks" splits); on a title-case line without final
  punctuation (a headline) they never break.
- A German ordinal does not break: a one- or two-digit number + ``.`` before a month or a
  noun ordinals go with ("am 3. Mai", "1. FC Köln"), or after a German article or
  preposition ("am", "der", "im").  Spanish and other titles ("Sra.", "Núm.") are listed
  in ``abbreviations.txt``.
- Any other word or number followed by ``.`` breaks (decimals such as 3.5 never qualify).
- The CJK full stop ``。`` and the full-width ``!`` and ``?`` (U+FF01, U+FF1F; also U+FF61)
  end a sentence with or without a following space, with their closing quotes/brackets.
  Directly followed by text after a closing quote they do not (a Chinese "“Why?” he asked"):
  CJK has no letter case to tell a speech tag from a new sentence.

Cost is linear in the line length (a 2 MB line splits in about a second): each rule reads a
bounded neighbourhood of its candidate, candidates are looked up by bisection, and Punkt runs
only on pieces of about ``_PUNKT_PIECE`` characters that hold a place where it can add a break
(``left.”Next``), so on most lines not at all.  Pieces are cut where no Punkt decision looks
across, so the result is the same as running Punkt on the whole line, and NLTK's regex time
limit (``nltk.redos``, 5 s a call in NLTK 3.10) is never reached on long lines.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator

from nltk.tokenize.punkt import PunktLanguageVars, PunktParameters, PunktSentenceTokenizer

from retrieval.abbreviations import abbreviations, breaks_after_period, word_set, word_start
from retrieval.punctuation import CLOSERS, OPENERS, QUOTES, TRAILING
from retrieval.speech_tags import is_speech_tag
from retrieval.types import Sentence

__all__ = ["segment", "segment_within", "split_sentences"]

# Small words ignored when deciding whether a line is in title case.
_MINOR_WORDS = word_set(
    "a an the and but or nor for so yet as at by in of off on per to up via vs with from into over"
)

# A possible sentence end followed by whitespace and more text.  Possessive quantifiers and
# the look-behind (a match starts only at the first mark of a run) keep long runs of dots or
# closers linear.
_CANDIDATE = re.compile(
    rf"(?<![.?!…])(?P<term>[.?!…]++)(?P<close>[{re.escape(CLOSERS)}]*+)(?P<ws>\s++)(?=\S)"
)
# A CJK sentence end; no space is needed after it.
_CJK_STOPS = "\u3002\uff01\uff1f\uff61"  # 。 and full-width ! ? and half-width 。
_CJK_END = re.compile(rf"(?<![{_CJK_STOPS}])[{_CJK_STOPS}]++(?P<close>[{re.escape(CLOSERS)}]*+)")
_LINE = re.compile(r"[^\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]+")
_LINE_BREAK = re.compile(r"\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
_WORD = re.compile(r"[^\W\d_][\w'\u2019.-]*")
_TOKEN = re.compile(r"\S+")
_CUT = re.compile(r"(?<=\w)\s")  # Punkt never needs to look across whitespace after a word
_NON_SPACE = re.compile(r"\S")
# Where Punkt can break outside a _CANDIDATE: a mark glued to one of Punkt's non-word
# characters ("left.”Next"; see _NewsLanguageVars), or spaces then closing quotes that Punkt
# moves back onto the sentence ("left. ” Next").
_PUNKT_GLUED = re.compile(r"[.?!][)\";}\]*:@'({\[\u2018\u2019“”«»\u2039\u203a?!]")
_PUNKT_SPACED = re.compile(r"[.?!]\s++[\"')\]}\u2018\u2019“”«»\u2039\u203a]++(?=\s|--|$)")
_PUNKT_PIECE = 8192


class _NewsLanguageVars(PunktLanguageVars):  # type: ignore[misc]  # nltk is untyped
    """Punkt language variables that treat curly quotes and guillemets as closing punctuation.

    The same patterns as NLTK >= 3.10 ships (nltk/nltk#1903); defined here so the behaviour
    does not depend on the installed NLTK version.
    """

    re_boundary_realignment = re.compile(
        r"[\"')\]}\u2018\u2019“”«»\u2039\u203a]+?(?:\s+|(?=--)|$)", re.MULTILINE
    )

    @property
    def _re_non_word_chars(self) -> str:
        return r"(?:[)\";}\]\*:@'\({\[\u2018\u2019“”«»\u2039\u203a?!])"


@functools.cache
def _tokenizer() -> PunktSentenceTokenizer:
    """Build the Punkt tokenizer once, from shipped parameters only."""
    params = PunktParameters()
    params.abbrev_types = set(abbreviations())
    return PunktSentenceTokenizer(params, lang_vars=_NewsLanguageVars())


def _pieces(line: str) -> Iterator[tuple[int, int]]:
    """Yield (start, end) pieces of ``line`` of about ``_PUNKT_PIECE`` characters.

    Pieces are cut at whitespace after a word character: Punkt decides a break from the
    word before its mark and the token after it, so no decision spans such a cut.  Only a
    stretch of ``_PUNKT_PIECE`` characters without one (not prose) is cut anywhere.
    """
    start = 0
    while start < len(line):
        end = start + _PUNKT_PIECE
        if end + _PUNKT_PIECE >= len(line) and not _CUT.search(line, end):
            end = len(line)
        elif end < len(line):
            cut = _CUT.search(line, end, end + _PUNKT_PIECE)
            end = cut.start() if cut else end
        yield start, min(end, len(line))
        start = end


def _punkt_breaks(line: str, covered: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Return Punkt's breaks in ``line`` as (end of sentence, start of next) offsets.

    Breaks inside the ``covered`` spans are decided by the rules, so Punkt runs only on the
    pieces of ``line`` that hold a place where it could break elsewhere (``_PUNKT_GLUED``
    outside ``covered``, ``_PUNKT_SPACED``); on most lines it does not run at all.
    """
    starts = [start for start, _ in covered]
    glued = (m.start() for m in _PUNKT_GLUED.finditer(line))
    places = sorted(
        [place for place in glued if not _covers(covered, starts, place, include_end=False)]
        + [m.start() for m in _PUNKT_SPACED.finditer(line)]
    )
    breaks: list[tuple[int, int]] = []
    for offset, stop in _pieces(line) if places else ():
        index = bisect.bisect_left(places, offset)
        if index == len(places) or places[index] >= stop:
            continue
        spans = [(int(a), int(b)) for a, b in _tokenizer().span_tokenize(line[offset:stop])]
        breaks.extend(
            (offset + spans[i][1], offset + spans[i + 1][0]) for i in range(len(spans) - 1)
        )
    return [(end, start) for end, start in breaks if not _covers(covered, starts, end)]


def _is_headline(line: str) -> bool:
    """Return True for a title-case line without final punctuation."""
    if line.rstrip(CLOSERS + " \t").endswith((".", "?", "!", "…", *_CJK_STOPS)):
        return False
    words = [w for w in _WORD.findall(line) if w.lower() not in _MINOR_WORDS]
    if len(words) < 2:
        return False
    capitalised = sum(1 for w in words if w[0].isupper())
    return capitalised >= 0.8 * len(words)


def _is_break(line: str, match: re.Match[str], headline: bool) -> bool:
    """Decide whether the candidate ``match`` in ``line`` ends a sentence."""
    term, closers = match["term"], match["close"]
    token = _TOKEN.match(line, match.end())
    next_token = token.group().lstrip(OPENERS) if token else ""
    if not next_token:
        return True
    first = next_token[0]
    if first.islower() or not (first.isalnum() or first in "$£€¥#@"):
        return False
    first_upper = first.isupper() or (first.isalpha() and not first.islower())
    quoted = any(c in QUOTES for c in closers)
    if "?" in term or "!" in term:
        return not (quoted and is_speech_tag(line, match.end()))
    if len(term) > 1 or "…" in term:
        return first_upper
    prev = line[word_start(line, match.start()) : match.start()].lstrip(OPENERS)
    if not prev.strip("."):
        return first_upper  # a spaced ellipsis ". . ."
    if quoted and first_upper:
        return True
    word = next_token.rstrip(TRAILING)
    return breaks_after_period(line, match.start() - len(prev), prev, next_token, word,
                               first_upper=first_upper, headline=headline)


def _cjk_breaks(line: str) -> Iterator[tuple[int, int, int]]:
    """Yield (start of mark, end of sentence, start of next) for CJK sentence ends."""
    for match in _CJK_END.finditer(line):
        following = _NON_SPACE.search(line, match.end())
        if following is None:
            continue
        glued = following.start() == match.end() and line[match.end()] not in OPENERS
        if glued and match["close"]:
            continue  # a closing quote glued to text, like "“Why?” he asked"
        yield match.start(), match.end(), following.start()


def _covers(
    spans: list[tuple[int, int]], starts: list[int], position: int, *, include_end: bool = True
) -> bool:
    """Return True if ``position`` lies in one of the sorted, disjoint ``spans``.

    ``starts`` are the spans' starts.  A span's end counts as inside with ``include_end`` (a
    break there is the span's own break), not without (a character there is the next token).
    """
    index = bisect.bisect_right(starts, position) - 1
    if index < 0:
        return False
    return position <= spans[index][1] if include_end else position < spans[index][1]


def _line_spans(line: str) -> Iterator[tuple[int, int]]:
    """Yield stripped, non-empty sentence spans of one line (offsets into ``line``)."""
    headline = _is_headline(line)
    breaks: list[tuple[int, int]] = []
    covered: list[tuple[int, int]] = []  # where the rules decide; Punkt is ignored there
    for match in _CANDIDATE.finditer(line):
        covered.append((match.start(), match.end()))
        if _is_break(line, match, headline):
            breaks.append((match.end("close"), match.end()))
    for start, end, following in _cjk_breaks(line):
        covered.append((start, following))
        breaks.append((end, following))
    covered.sort()
    for end, start in _punkt_breaks(line, covered):
        if not line[start : start + 1].islower():
            while end < len(line) and line[end] in CLOSERS:  # 'left.”Next': keep the quote
                end += 1
            breaks.append((end, max(start, end)))
    breaks.sort()
    begin = 0
    for end, nxt in [*breaks, (len(line), len(line))]:
        piece = line[begin:end]
        stripped = piece.strip()
        if stripped:
            lead = begin + len(piece) - len(piece.lstrip())
            yield lead, lead + len(stripped)
        begin = max(begin, nxt)


def _spans(text: str) -> Iterator[tuple[int, int, int]]:
    """Yield (paragraph, start, end) for every sentence of ``text``."""
    paragraph = -1
    previous_end = 0
    for line in _LINE.finditer(text):
        if not line.group().strip():
            continue
        gap = text[previous_end : line.start()]
        if paragraph < 0 or len(_LINE_BREAK.findall(gap)) >= 2 or "\u2029" in gap:
            paragraph += 1
        previous_end = line.end()
        for start, end in _line_spans(line.group()):
            yield paragraph, line.start() + start, line.start() + end


def split_sentences(text: str) -> list[str]:
    """Split ``text`` into sentences; every line break is a sentence boundary.

    Parameters
    ----------
    text : str
        Plain text, any length; may contain blank lines.

    Returns
    -------
    list[str]
        Sentences in order, whitespace-stripped, never empty strings.  Concatenated they
        contain every non-whitespace character of ``text`` exactly once.

    Notes
    -----
    Uses NLTK's ``PunktSentenceTokenizer`` with the abbreviations shipped in
    ``retrieval/data/abbreviations.txt`` and the rules in this module's docstring; needs no
    ``nltk_data`` and never downloads.
    """
    return [text[start:end] for _, start, end in _spans(text)]


def segment(body: str) -> list[Sentence]:
    """Split a document body into positioned sentences.

    Parameters
    ----------
    body : str
        Document text.  Paragraphs are separated by one or more blank (whitespace-only)
        lines or U+2029; within a paragraph every line is split on its own.

    Returns
    -------
    list[Sentence]
        One per sentence, in order: ``position`` is the 0-based index in ``body``,
        ``paragraph`` the 0-based paragraph index, and ``body[start:end] == text``
        (character offsets, end exclusive).  Empty for a blank body.
    """
    return [
        Sentence(position=i, paragraph=para, start=start, end=end, text=body[start:end])
        for i, (para, start, end) in enumerate(_spans(body))
    ]


def segment_within(body: str, max_bytes: int) -> tuple[str, list[Sentence]]:
    """Cut ``body`` to whole sentences within ``max_bytes`` UTF-8 bytes, and split it.

    Parameters
    ----------
    body : str
        Document text.
    max_bytes : int
        The most UTF-8 bytes of ``body`` to keep.

    Returns
    -------
    tuple[str, list[Sentence]]
        ``(body, segment(body))`` when ``body`` fits. Otherwise the kept text, which ends
        with the last sentence that ends inside the first ``max_bytes`` bytes (the sentence
        the limit cuts through is dropped; a first sentence longer than the limit is cut at
        its last space before the limit), and its sentences. Only that prefix is ever
        split, so the cost is linear in ``min(len(body), max_bytes)`` beyond one encoding.
    """
    if len(body) <= max_bytes // 4:  # no character takes more than 4 bytes in UTF-8
        return body, segment(body)
    encoded = body.encode("utf-8", errors="surrogatepass")
    if len(encoded) <= max_bytes:
        return body, segment(body)
    head = encoded[:max_bytes].decode("utf-8", errors="ignore")
    sentences = segment(head)
    if len(sentences) > 1:
        kept = head[: sentences[-2].end]
    else:
        cut = head.rstrip().rfind(" ")
        kept = head[:cut].rstrip() if cut > 0 else head
    return kept, segment(kept)
