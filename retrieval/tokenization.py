r"""The analyzer: text -> search terms, for both indexed sentences and queries.

Each surface word found in the original text becomes zero or more terms:

1. Words are runs of letters, digits and combining marks (Python ``\w`` without ``_``).
   Hyphens, dashes, slashes and other punctuation separate words ("COVID-19" -> covid, 19).
   Apostrophes inside a word keep it whole ("don't", "O'Brien"); the typographic apostrophes
   U+2019, U+2018 and U+02BC count as "'".  A digit-dot-digit or digit-comma-digit stays
   inside a number ("3.5", "1,000").
2. Dotted abbreviations ("U.S.", "u.s.", "a.m.", "Ph.D.") lose their dots: "us", "am", "phd".
3. NFKC normalisation, then ``str.casefold``; Latin accents are folded away ("Über" ->
   "uber", "São Paulo" -> "sao paulo", "Muñoz" -> "munoz"), other scripts' marks are kept.
4. A possessive "'s" is dropped ("Kim's" -> kim); a trailing "'" is never part of a word.
5. Numbers are kept as they are, without thousands separators ("1,000" -> 1000, "3.5" -> 3.5,
   "$1.89" -> 1.89) and are not stemmed.
6. Stopwords (``retrieval/data/stopwords.txt``) are removed, except acronyms: a word written
   in capitals ("WHO", "US", "IT") or with dots ("U.S.", "u.s.") is kept even if its lower-case
   form is a stopword.  So "U.S.", "US" and "u.s." all give the term ``us`` while the pronoun
   "us" is dropped.  In text with no lower-case letters at all (a shouted headline, "WHO IS
   HE?"), capitals carry no information and only a single-word text counts as an acronym.
7. Snowball English stemming (``nltk.stem.snowball``; needs no NLTK data).
8. Spelling variants meet: British spellings become American before stemming ("defence"
   -> defense, "centre" -> center) and irregular verb forms their base ("said" -> say, "won"
   -> win; the list is ``retrieval/data/variants.txt``); a number
   glued to a money unit is the number and the unit word ("$5bn" -> 5, billion like
   "5 billion dollars"; "3m" -> 3, million; "10k" -> 10, thousand); two words joined by a
   hyphen also give their joined form ("health-care" -> health, care, healthcar, like
   "healthcare"; "e-book" -> e, book, ebook).

The analyzer is shared by the index and the query, so a change here changes every saved
index's key (``bot.service``) and the index is rebuilt from the stored sentences.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from importlib import resources

from nltk.stem.snowball import SnowballStemmer

__all__ = ["STOPWORDS", "spans_of_matches", "tokenize", "tokenize_with_spans", "variant_sources"]


def _data_lines(name: str) -> list[str]:
    """Return the non-empty, comment-stripped lines of ``retrieval/data/<name>``."""
    text = (resources.files("retrieval") / "data" / name).read_text(encoding="utf-8")
    lines = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return [line for line in lines if line]


STOPWORDS: frozenset[str] = frozenset(word.lower() for word in _data_lines("stopwords.txt"))
"""English stopwords, lower case with "'" apostrophes; NLTK's list, adapted (see the file)."""

_VARIANTS: dict[str, str] = {
    line.split()[0]: line.split()[1] for line in _data_lines("variants.txt")
}
"""Word -> indexed form (British -> American, irregular verb -> base), before stemming."""


@functools.cache
def _variant_sources() -> dict[str, tuple[str, ...]]:
    sources: dict[str, list[str]] = {}
    for word, form in _VARIANTS.items():
        sources.setdefault(_stem(form), []).append(word)
    return {term: tuple(words) for term, words in sources.items()}


def variant_sources(term: str) -> tuple[str, ...]:
    """The words the analyzer rewrites to ``term``'s word ("said", "says" for ``say``)."""
    return _variant_sources().get(term, ())

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
_HYPHENS = frozenset("-\u2010\u2011")
_UNIT = re.compile(r"(\d+(?:\.\d+)?)(bn|b|mn|m|k|tn|trn)")
_UNITS = {"bn": "billion", "b": "billion", "mn": "million", "m": "million", "k": "thousand",
          "tn": "trillion", "trn": "trillion"}
_LATIN_MARKS = re.compile("[\u0300-\u036f]")
_LATIN_BASE = re.compile(r"[A-Za-z\u00c0-\u024f][\u0300-\u036f]")


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
    folded = unicodedata.normalize("NFKC", surface).casefold().translate(_FOLD_APOSTROPHES)
    if folded.isascii():
        return folded
    decomposed = unicodedata.normalize("NFD", folded)
    if _LATIN_BASE.search(decomposed):
        letters = re.sub(r"([A-Za-z])[\u0300-\u036f]+", r"\1", decomposed)
        return unicodedata.normalize("NFC", letters)
    return folded


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
    return _stem(_VARIANTS.get(piece, piece))


@functools.lru_cache(maxsize=262_144)
def _analyze(surface: str, dotted: bool, acronyms: bool) -> tuple[str, ...]:
    """Return the terms of one surface word (usually one, none for a stopword)."""
    folded = _fold(surface)
    if dotted:
        letters = folded.replace(".", "")
        return () if letters in _DOTTED_STOPWORDS else (_stem(letters),)
    keep = acronyms and _is_acronym(surface)
    pieces = [folded] if surface.isascii() else _PIECE.findall(folded)
    out: list[str] = []
    for piece in pieces:
        unit = _UNIT.fullmatch(piece)
        if unit:
            out.extend((unit.group(1), _UNITS[unit.group(2)]))
            continue
        term = _term(piece, keep)
        if term:
            out.append(term)
    return tuple(out)


def _joined(text: str, left: re.Match[str], right: re.Match[str], acronyms: bool) -> str | None:
    """The term of two words joined by one hyphen ("health-care" -> healthcar), or None."""
    if left.end() + 1 != right.start() or text[left.end()] not in _HYPHENS:
        return None
    first, second = left.group(), right.group()
    if not (first.isalpha() and second.isalpha()) or left.lastgroup == "dotted":
        return None
    if not (_analyze(first, False, acronyms) and _analyze(second, False, acronyms)):
        return None  # "first-of-its-kind": no joins with stopwords
    terms = _analyze(first + second.lower() if first.isupper() else first + second, False,
                     acronyms)
    return terms[0] if len(terms) == 1 else None


def spans_of_matches(
    text: str, matches: list[re.Match[str]], acronyms: bool
) -> list[tuple[str, int, int]]:
    """``(term, start, end)`` of regex word ``matches`` in ``text``, hyphen joins included."""
    spans: list[tuple[str, int, int]] = []
    for at, match in enumerate(matches):
        terms = _analyze(match.group(), match.lastgroup == "dotted", acronyms)
        start, end = match.span()
        for term in terms:
            spans.append((term, start, end))
        if at:
            joined = _joined(text, matches[at - 1], match, acronyms)
            if joined:
                spans.append((joined, matches[at - 1].start(), end))
    return spans


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
    return spans_of_matches(text, matches, acronyms)


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
