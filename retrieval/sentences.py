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
- ``?``/``!`` + closing quote + a speech tag that ends its clause: no break.  A tag is 1-6
  capitalised name/title words (lower-case links such as "of", "von" allowed, an appositive
  between commas allowed) or "I", then a speech verb (said, asked, told, ...), then the end of
  the clause (``.``, ``,``, a dash, end of line), optionally after an "-ly" adverb, an adverbial
  phrase ("on Monday", "in a statement") or, after told/asked/warned, a short object
  ("told reporters").  So "“Is it safe?” Transport Secretary Louise Haigh said." is one
  sentence, but "“Is it safe?” She said no." is two: a capitalised pronoun, article or other
  common sentence opener ("She", "The") never starts a tag, and "said no" is not a tag end.
  Otherwise ``?``/``!`` break.
- An ellipsis breaks only before a capital letter.
- ``.`` + closing quote breaks before any capitalised word, even after an abbreviation.
- After an abbreviation, its class in ``abbreviations.txt`` decides: ``title`` never breaks
  (Mr., Gen., St., unless lower case: "the sales rep."), nor does ``inner`` (e.g., vs.);
  ``number`` breaks before a capitalised word but not a number (Jan. 5,
  No. 4); ``nation``/``company``/``time``/``suffix`` break before a capitalised word unless it is
  an ALL-CAPS acronym or in the class's small list of words that commonly continue the sentence
  (``_CONTINUATIONS``: "the U.S. Senate", "5 p.m. Monday"); ``end`` breaks before any capital.
  This list, not Punkt's orthographic statistics, decides "U.S." at a sentence end: the shipped
  model has no corpus statistics, so Punkt alone would never split there.
- After an initial (a capital: ``A.``, ``J.K.``), break only before a common sentence
  opener (The, He, But, a bare "A" or "I", ...; ``_SENTENCE_OPENERS``), so "Gen. A. B. Carter"
  stays whole.  "St." after a capitalised word or a number is a street and is treated the same
  way ("Kiowa St. He left" splits, "Fort St. Frédéric" does not).  A lower-case single letter
  is not an initial ("plan b. The" splits) unless listed ("v.", "c.", "p.").
- On a title-case line without final punctuation (a headline), abbreviations and initials never
  break ("U.S. Officials Say Talks Failed").
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
import itertools
import re
from collections.abc import Iterator
from importlib import resources

from nltk.tokenize.punkt import PunktLanguageVars, PunktParameters, PunktSentenceTokenizer

from retrieval.types import Sentence

__all__ = ["segment", "split_sentences"]


def _words(text: str) -> frozenset[str]:
    """Return the whitespace-separated words of ``text`` as a set."""
    return frozenset(text.split())


_ABBREVIATION_CLASSES = frozenset(
    {"title", "inner", "number", "nation", "company", "time", "suffix", "end"}
)

# Capitalised words that commonly continue a sentence after an abbreviation of the class.
# Hand-made from AP-style usage ("U.S. Senate", "Apple Inc. Chief Executive", "3 p.m. Monday",
# "Martin Luther King Jr. Day"); a word not listed starts a new sentence.
_NATION_NEXT = _words(
    """
    President Presidents Vice Senate Senator Senators Congress Congressman Congresswoman
    Representative Representatives House Capitol Army Navy Air Marine Marines Coast Space
    National Forces Military Naval Department Embassy Embassies Ambassador Consulate Mission
    Envoy Supreme Court Courts District Circuit Attorney Attorneys Secretary Secretary-General
    Treasury Treasuries Federal Central Bureau Agency Census Postal Border Customs Immigration
    Secret Special Command Cyber Intelligence Constitution Trade Commerce Energy Justice Defense
    Defence Health Labor Labour Interior Transportation Agriculture Education Homeland Veterans
    State Government Parliament Prime Foreign Home High Security General Human Refugee Children's
    Development Environment Peacekeeping Climate Food Geological Forest Fish Park Open Olympic
    Olympics Soccer Chamber Steel Bank Bancorp Route Highway Interstate Mayor Council Police
    Metro United Gov Sen Rep Gen Lt Adm Chief Commissioner Patent Copyright Coastguard Navy
    """
)
_COMPANY_NEXT = _words(
    """
    Chief Chairman Chairwoman Chair President Founder Co-founder Cofounder Executive Vice
    Spokesman Spokeswoman Spokesperson Director Managing General Board Ltd Co Inc Corp Plc
    LLC Holdings Group Unit Subsidiary
    """
)
_TIME_NEXT = _words(
    """
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday Mon Tue Tues Wed Thu Thur Thurs
    Fri Sat Sun Eastern Central Pacific Mountain Atlantic Greenwich Local Today Tomorrow
    Tonight Yesterday
    """
)
_SUFFIX_NEXT = _words(
    """
    Day High Memorial Boulevard Blvd Drive Avenue Ave Street Center Centre Elementary Middle
    School Foundation Library Park Bridge Highway Freeway Parkway Airport Award Hospital Stadium
    Arena Hall Institute Papers Program Programme Candidate Student Students Thesis
    """
)
_CONTINUATIONS: dict[str, frozenset[str]] = {
    "nation": _NATION_NEXT,
    "company": _COMPANY_NEXT,
    "time": _TIME_NEXT,
    "suffix": _SUFFIX_NEXT,
}

# Capitalised function words that open English sentences but never follow an initial inside a
# name; "A" and "I" are left out because they are initials themselves.
_SENTENCE_OPENERS = _words(
    """
    The An It Its It's He She They We You This That These Those There Then But And Or So Yet
    Still However Meanwhile In On At For If When While After Before Although Though Because
    Since His Her Their Our My Your Some Many Most All Both Each Not As By From With Without
    During Under Over Despite Also Even Only What Who Why How Where Which Now Today Yesterday
    Last Next Here Such Instead Later Earlier Thus Therefore Hence Moreover Furthermore Indeed
    Nevertheless Nonetheless Otherwise Finally First Second Similarly Likewise Consequently
    Additionally Besides Unlike Like Among Between Through Until Unless Whether Every Any
    Another Other Several Is Are Was Were Do Does Did Can Could Will Would Should
    """
)

# Small words ignored when deciding whether a line is in title case.
_MINOR_WORDS = _words(
    "a an the and but or nor for so yet as at by in of off on per to up via vs with from into over"
)

_OPENERS = "\"'“\u2018„\u201a«\u2039([{¿¡「『\uff08【《〈"
_CLOSERS = "\"'”\u2019»\u203a)]}」』\uff09】》〉"
_QUOTES = frozenset("\"'”\u2019»\u203a」』")
_TRAILING = ".,;:!?" + _CLOSERS
_CLAUSE_END = frozenset(".,;:!?…\u2013\u2014")

# A possible sentence end followed by whitespace and more text.  Possessive quantifiers and
# the look-behind (a match starts only at the first mark of a run) keep long runs of dots or
# closers linear.
_CANDIDATE = re.compile(
    rf"(?<![.?!…])(?P<term>[.?!…]++)(?P<close>[{re.escape(_CLOSERS)}]*+)(?P<ws>\s++)(?=\S)"
)
# A CJK sentence end; no space is needed after it.
_CJK_STOPS = "\u3002\uff01\uff1f\uff61"  # 。 and full-width ! ? and half-width 。
_CJK_END = re.compile(rf"(?<![{_CJK_STOPS}])[{_CJK_STOPS}]++(?P<close>[{re.escape(_CLOSERS)}]*+)")
_LINE = re.compile(r"[^\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]+")
_LINE_BREAK = re.compile(r"\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
_INITIALS = re.compile(r"[^\W\d_](?:\.[^\W\d_])*")
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

_SPEECH_VERBS = _words(
    """
    said says asked asks told tells added adds wrote writes tweeted tweets explained explains
    insisted insists replied replies claimed claims warned warns noted notes shouted shouts
    yelled yells cried cries exclaimed exclaims recalled recalls continued continues declared
    declares answered answers posted posts demanded demands wondered wonders pleaded pleads
    argued argues stressed stresses admitted admits
    """
)
# Speech verbs that often take an object in a tag ("told reporters", "asked the minister").
_OBJECT_VERBS = _words("told tells asked asks warned warns reminded reminds assured assures")
# Words opening an adverbial phrase that may end a tag ("said on Monday", "wrote in a post").
_TAG_PHRASES = _words(
    """
    on in at to during after before from via through outside inside as while when last this
    late early earlier later yesterday today tonight afterwards
    """
)
# Lower-case words inside names and titles ("Secretary of State", "Ursula von der Leyen").
_NAME_LINKS = _words("of for the and de del della der di da du la le van von al bin y")
# Capitalised words that start a sentence, never a speaker ("She said no.", "The crowd ...").
_NOT_SPEAKERS = (_SENTENCE_OPENERS - {"Will"}) | {"A"}
_MAX_TAG_NAMES = 6
_MAX_TAG_TAIL = 6
_MAX_APPOSITIVE = 8
_TAG_LOOKAHEAD = _MAX_TAG_NAMES + _MAX_APPOSITIVE + _MAX_TAG_TAIL + 4


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


def _data_lines(name: str) -> list[str]:
    """Return the non-empty, comment-stripped lines of ``retrieval/data/<name>``."""
    text = (resources.files("retrieval") / "data" / name).read_text(encoding="utf-8")
    lines = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return [line for line in lines if line]


@functools.cache
def _abbreviations() -> dict[str, str]:
    """Map each abbreviation (lower case, no final period) to its class."""
    table: dict[str, str] = {}
    for line in _data_lines("abbreviations.txt"):
        entry, *rest = line.split()
        kind = rest[0] if rest else "title"
        if kind not in _ABBREVIATION_CLASSES:
            raise ValueError(f"unknown abbreviation class {kind!r} in abbreviations.txt")
        table[entry.lower()] = kind
    return table


@functools.cache
def _tokenizer() -> PunktSentenceTokenizer:
    """Build the Punkt tokenizer once, from shipped parameters only."""
    params = PunktParameters()
    params.abbrev_types = set(_abbreviations())
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
    if line.rstrip(_CLOSERS + " \t").endswith((".", "?", "!", "…", *_CJK_STOPS)):
        return False
    words = [w for w in _WORD.findall(line) if w.lower() not in _MINOR_WORDS]
    if len(words) < 2:
        return False
    capitalised = sum(1 for w in words if w[0].isupper())
    return capitalised >= 0.8 * len(words)


def _is_opener(token: str, word: str) -> bool:
    """Return True if ``token`` (``word`` without punctuation) commonly opens a sentence."""
    return word in _SENTENCE_OPENERS or token in ("A", "I") or word.startswith(("I'", "I\u2019"))


def _is_acronym(word: str) -> bool:
    return len(word) >= 2 and word.isupper()


def _word_start(line: str, end: int) -> int:
    """Return where the whitespace-delimited word ending at ``end`` starts."""
    start = end
    while start > 0 and not line[start - 1].isspace():
        start -= 1
    return start


def _is_street(line: str, word_start: int) -> bool:
    """Return True if the "St." starting at ``word_start`` follows a street name ("Main St.")."""
    if line[word_start : word_start + 2] != "St":
        return False
    end = len(line[:word_start].rstrip())
    previous = line[_word_start(line, end) : end]
    return (
        bool(previous)
        and (previous[0].isupper() or previous[0].isdigit())
        and (previous[-1].isalnum())
    )


def _after_abbreviation(kind: str, word: str, first_upper: bool, headline: bool) -> bool:
    """Decide a break after an abbreviation of class ``kind`` followed by ``word``."""
    if kind in ("title", "inner") or not first_upper or headline:
        return False
    if kind in ("number", "end"):
        return True
    return not (_is_acronym(word) or word in _CONTINUATIONS[kind])


def _tag_words(line: str, start: int) -> tuple[list[tuple[str, str]], bool]:
    """Split the words from ``start`` into (word, trailing punctuation) pairs.

    Returns at most ``_TAG_LOOKAHEAD`` pairs and whether they reach the end of ``line``.
    """
    tokens = list(itertools.islice(_TOKEN.finditer(line, start), _TAG_LOOKAHEAD + 1))
    words: list[tuple[str, str]] = []
    for token in tokens[:_TAG_LOOKAHEAD]:
        text = token.group().lstrip(_OPENERS)
        word = text.rstrip(_TRAILING + "…\u2013\u2014")
        words.append((word, text[len(word) :]))
    return words, len(tokens) <= _TAG_LOOKAHEAD


def _ends_clause(word: str, trail: str) -> bool:
    """Return True if a word with trailing punctuation ``trail`` ends a clause."""
    return not word or any(char in _CLAUSE_END for char in trail)


def _is_name_word(word: str, trail: str) -> bool:
    """Return True for a capitalised word of a name or title ("Haigh", "Mr.", "J.")."""
    if not word or not word[0].isupper():
        return False
    return trail != "." or word.lower() in _abbreviations() or bool(_INITIALS.fullmatch(word))


def _speaker_end(words: list[tuple[str, str]]) -> int:
    """Return how many of ``words`` name a speaker (0 if they do not start with one).

    A speaker is "I" or 1-6 capitalised name/title words, possibly joined by lower-case links
    ("Secretary of State Antony Blinken") and followed by one appositive between commas
    ("Louise Haigh, the transport secretary,").
    """
    if words[0][0] == "I":
        return 0 if words[0][1] else 1
    if re.split("['\u2019]", words[0][0], maxsplit=1)[0] in _NOT_SPEAKERS:
        return 0
    index = names = 0
    while index < len(words) and names <= _MAX_TAG_NAMES:
        word, trail = words[index]
        if _is_name_word(word, trail):
            names += 1
        elif not (names and word in _NAME_LINKS and not trail):
            break
        index += 1
        if trail == ",":  # an appositive follows: the verb comes after its closing comma
            stop = min(index + _MAX_APPOSITIVE, len(words))
            closing = next((i for i in range(index, stop) if words[i][1] == ","), None)
            return 0 if closing is None or names > _MAX_TAG_NAMES else closing + 1
        if trail not in ("", "."):
            return 0
    if names == 0 or names > _MAX_TAG_NAMES or not words[index - 1][0][0].isupper():
        return 0
    return index


def _is_speech_tag(line: str, start: int) -> bool:
    """Return True if a speech tag that ends its clause starts at ``line[start]``.

    "Transport Secretary Louise Haigh said.", "Smith told reporters on Monday," and "I asked."
    are tags; "She said no." and "Smith said the plan failed." are not.
    """
    words, reaches_end = _tag_words(line, start)
    verb = _speaker_end(words) if words else 0
    if verb == 0 or verb >= len(words) or words[verb][0] not in _SPEECH_VERBS:
        return False
    if _ends_clause(*words[verb]):
        return True
    tail = words[verb + 1 :]
    if tail and tail[0][0].endswith("ly") and tail[0][0].islower():  # "said quietly."
        if _ends_clause(*tail[0]):
            return True
        tail = tail[1:]
    if not tail:
        return reaches_end
    if words[verb][0] not in _OBJECT_VERBS and tail[0][0] not in _TAG_PHRASES:
        return False  # "said no", "said the plan failed"
    if any(_ends_clause(*word) for word in tail[:_MAX_TAG_TAIL]):
        return True
    return len(tail) <= _MAX_TAG_TAIL and reaches_end


def _is_break(line: str, match: re.Match[str], headline: bool) -> bool:
    """Decide whether the candidate ``match`` in ``line`` ends a sentence."""
    term, closers = match["term"], match["close"]
    token = _TOKEN.match(line, match.end())
    next_token = token.group().lstrip(_OPENERS) if token else ""
    if not next_token:
        return True
    first = next_token[0]
    if first.islower() or not (first.isalnum() or first in "$£€¥#@"):
        return False
    first_upper = first.isupper() or (first.isalpha() and not first.islower())
    quoted = any(c in _QUOTES for c in closers)
    if "?" in term or "!" in term:
        return not (quoted and _is_speech_tag(line, match.end()))
    if len(term) > 1 or "…" in term:
        return first_upper
    prev = line[_word_start(line, match.start()) : match.start()].lstrip(_OPENERS)
    if not prev.strip("."):
        return first_upper  # a spaced ellipsis ". . ."
    if quoted and first_upper:
        return True
    word = next_token.rstrip(_TRAILING)
    if len(prev) == 1 and prev.isupper():  # an initial, even where "c." or "p." is listed
        return not headline and _is_opener(next_token, word)
    key = prev.lower()
    kind = _abbreviations().get(key) or _abbreviations().get(key.rsplit("-", 1)[-1])
    if kind == "title" and not prev[0].isupper():
        kind = "end"  # "the sales rep." is not the title "Rep."
    if kind == "title" and _is_street(line, match.start() - len(prev)):
        return not headline and _is_opener(next_token, word)  # "Kiowa St. He ..."
    if kind is not None:
        return _after_abbreviation(kind, word, first_upper, headline)
    if _INITIALS.fullmatch(prev) and prev[0].isupper():
        return not headline and _is_opener(next_token, word)
    return True


def _cjk_breaks(line: str) -> Iterator[tuple[int, int, int]]:
    """Yield (start of mark, end of sentence, start of next) for CJK sentence ends."""
    for match in _CJK_END.finditer(line):
        following = _NON_SPACE.search(line, match.end())
        if following is None:
            continue
        glued = following.start() == match.end() and line[match.end()] not in _OPENERS
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
            while end < len(line) and line[end] in _CLOSERS:  # 'left.”Next': keep the quote
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
