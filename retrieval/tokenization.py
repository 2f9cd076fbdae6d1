r"""The analyzer: text -> search terms, for both indexed sentences and queries.

Each surface word found in the original text becomes zero or more terms:

1. Words are runs of letters, digits and combining marks (Python ``\w`` without ``_``).
   Hyphens, dashes, slashes and other punctuation separate words ("COVID-19" -> covid, 19).
   Apostrophes inside a word keep it whole ("don't", "O'Brien"); the typographic apostrophes
   U+2019, U+2018 and U+02BC count as "'".  A digit-dot-digit or digit-comma-digit stays
   inside a number ("3.5", "1,000").
2. Dotted abbreviations ("U.S.", "u.s.", "a.m.", "Ph.D.") lose their dots: "us", "am", "phd".
3. NFKC normalisation, then ``str.casefold`` (accents are kept: "Über" -> "über").
4. A possessive "'s" is dropped ("Kim's" -> kim); a trailing "'" is never part of a word.
5. Numbers are kept as they are, without thousands separators ("1,000" -> 1000, "3.5" -> 3.5,
   "$1.89" -> 1.89) and are not stemmed.
6. Stopwords (``retrieval/data/stopwords.txt``) are removed, except acronyms: a word written
   in capitals ("WHO", "US", "IT") or with dots ("U.S.", "u.s.") is kept even if its lower-case
   form is a stopword.  So "U.S.", "US" and "u.s." all give the term ``us`` while the pronoun
   "us" is dropped.  In text with no lower-case letters at all (a shouted headline, "WHO IS
   HE?"), capitals carry no information and only a single-word text counts as an acronym.
7. Snowball English stemming (``nltk.stem.snowball``; needs no NLTK data).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from importlib import resources

from nltk.stem.snowball import SnowballStemmer

__all__ = ["STOPWORDS", "tokenize", "tokenize_with_spans"]


def _data_lines(name: str) -> list[str]:
    """Return the non-empty, comment-stripped lines of ``retrieval/data/<name>``."""
    text = (resources.files("retrieval") / "data" / name).read_text(encoding="utf-8")
    lines = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return [line for line in lines if line]


STOPWORDS: frozenset[str] = frozenset(word.lower() for word in _data_lines("stopwords.txt"))
"""English stopwords, lower case with "'" apostrophes; NLTK's list, adapted (see the file)."""

_MARK = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_CHAR = rf"(?:[^\W_]|[{_MARK}])"
_APOSTROPHES = "'\u2019\u2018\u02bc"
_TOKEN = re.compile(
    rf"""
    (?P<dotted>
        (?<![^\W_])
        (?: (?:[^\W\d_]{{1,2}}\.)+[^\W\d_]\.     # U.S.  a.m.  Ph.D.
          | [^\W\d_](?:\.[^\W\d_])+              # U.S (no final dot)
        )
        (?![^\W_])
    )
    |
    (?P<word>
        {_CHAR}+
        (?: (?:[{_APOSTROPHES}] | (?<=\d)[.,](?=\d)) {_CHAR}+ )*
    )
    """,
    re.VERBOSE,
)
# The same word shape after normalisation (apostrophes already folded to "'").
_PIECE = re.compile(rf"{_CHAR}+(?:(?:'|(?<=\d)[.,](?=\d)){_CHAR}+)*")
_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_NUMBER = re.compile(r"\d[\d.,]*")
_FOLD_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})
_DOTTED_STOPWORDS = frozenset({"eg", "ie"})

_STEMMER = SnowballStemmer("english")


@functools.lru_cache(maxsize=262_144)
def _stem(word: str) -> str:
    """Snowball-stem ``word``; words containing a digit are returned unchanged."""
    if any(c.isdigit() for c in word):
        return word
    return str(_STEMMER.stem(word))


def _fold(surface: str) -> str:
    """NFKC-normalise (non-ASCII only), casefold and unify apostrophes."""
    if surface.isascii():
        return surface.lower()
    folded = unicodedata.normalize("NFKC", surface).casefold()
    return folded.translate(_FOLD_APOSTROPHES)


def _is_acronym(surface: str) -> bool:
    """Return True for a word written in capitals with at least two letters ("US", "WHO")."""
    return surface.isupper() and sum(1 for c in surface if c.isalpha()) >= 2


def _term(piece: str, keep_stopword: bool) -> str | None:
    """Turn one normalised word into its term, or None if it is dropped."""
    if piece.endswith("'s"):
        piece = piece[:-2]
    piece = piece.strip("'")
    if not piece:
        return None
    if _NUMBER.fullmatch(piece):
        return piece.replace(",", "") if _THOUSANDS.fullmatch(piece) else piece
    if not keep_stopword and piece in STOPWORDS:
        return None
    return _stem(piece)


@functools.lru_cache(maxsize=262_144)
def _analyze(surface: str, dotted: bool, acronyms: bool) -> tuple[str, ...]:
    """Return the terms of one surface word (usually one, none for a stopword)."""
    folded = _fold(surface)
    if dotted:
        letters = folded.replace(".", "")
        return () if letters in _DOTTED_STOPWORDS else (_stem(letters),)
    keep = acronyms and _is_acronym(surface)
    pieces = [folded] if surface.isascii() else _PIECE.findall(folded)
    terms = (_term(piece, keep) for piece in pieces)
    return tuple(term for term in terms if term)


def tokenize_with_spans(text: str) -> list[tuple[str, int, int]]:
    """Analyze ``text`` into terms, each with the span of the word it came from.

    Parameters
    ----------
    text : str
        A sentence, passage or query; any length, may be empty.

    Returns
    -------
    list[tuple[str, int, int]]
        ``(term, start, end)`` in text order, where ``text[start:end]`` is the surface word
        (character offsets, end exclusive).  A word that normalises to several terms (rare,
        e.g. "½") gives each of them with the same span.  Stopwords give nothing.
    """
    matches = list(_TOKEN.finditer(text))
    acronyms = len(matches) < 2 or text.upper() != text
    spans: list[tuple[str, int, int]] = []
    for match in matches:
        terms = _analyze(match.group(), match.lastgroup == "dotted", acronyms)
        if terms:
            start, end = match.span()
            for term in terms:
                spans.append((term, start, end))
    return spans


def tokenize(text: str) -> list[str]:
    """Analyze ``text`` into search terms (see the module docstring for the rules).

    Parameters
    ----------
    text : str
        A sentence, passage or query; any length, may be empty.

    Returns
    -------
    list[str]
        Terms in text order, with repeats; empty when ``text`` holds only stopwords,
        punctuation or whitespace.  Equal to the terms of `tokenize_with_spans`.
    """
    return [term for term, _, _ in tokenize_with_spans(text)]
