"""What a period after a word means: the abbreviation and initial rules of the splitter.

`retrieval.sentences` asks `breaks_after_period` at every "word." followed by whitespace and
a capitalised or numeric word (lower case never starts a sentence there). The answer:

- After an abbreviation, its class in ``retrieval/data/abbreviations.txt`` decides:
  ``title`` never breaks (Mr., Gen., St., unless lower case: "the sales rep."), nor does
  ``inner`` (e.g., vs.); ``number`` breaks before a capitalised word but not a number
  (Jan. 5, No. 4); ``nation``/``company``/``time``/``suffix`` break before a capitalised
  word unless it is an ALL-CAPS acronym or in the class's small list of words that commonly
  continue the sentence (``_CONTINUATIONS``: "the U.S. Senate", "5 p.m. Monday"); ``end``
  breaks before any capital. This list, not Punkt's orthographic statistics, decides "U.S."
  at a sentence end: the shipped model has no corpus statistics, so Punkt alone would never
  split there.
- After an initial (a capital: ``A.``, ``J.K.``), break only before a common sentence
  opener (The, He, But, a bare "A" or "I", ...; `SENTENCE_OPENERS`), so "Gen. A. B. Carter"
  stays whole. "St." after a capitalised word or a number is a street and is treated the
  same way ("Kiowa St. He left" splits, "Fort St. Frédéric" does not). A lower-case single
  letter is not an initial ("plan b. The" splits) unless listed ("v.", "c.", "p.").
- On a title-case line without final punctuation (a headline), abbreviations and initials
  never break ("U.S. Officials Say Talks Failed").
- Any other word or number followed by ``.`` breaks.

Every test reads a bounded neighbourhood of the period (the word before it, and for "St."
the word before that), so the cost per period does not grow with the line.
"""

from __future__ import annotations

import functools
import re
from importlib import resources

__all__ = [
    "INITIALS", "SENTENCE_OPENERS", "abbreviations", "breaks_after_period", "word_set",
    "word_start",
]


def word_set(text: str) -> frozenset[str]:
    """Return the whitespace-separated words of ``text`` as a set."""
    return frozenset(text.split())


_ABBREVIATION_CLASSES = frozenset(
    {"title", "inner", "number", "nation", "company", "time", "suffix", "end"}
)

# Capitalised words that commonly continue a sentence after an abbreviation of the class.
# Hand-made from AP-style usage ("U.S. Senate", "Apple Inc. Chief Executive", "3 p.m. Monday",
# "Martin Luther King Jr. Day"); a word not listed starts a new sentence.
_NATION_NEXT = word_set(
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
_COMPANY_NEXT = word_set(
    """
    Chief Chairman Chairwoman Chair President Founder Co-founder Cofounder Executive Vice
    Spokesman Spokeswoman Spokesperson Director Managing General Board Ltd Co Inc Corp Plc
    LLC Holdings Group Unit Subsidiary
    """
)
_TIME_NEXT = word_set(
    """
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday Mon Tue Tues Wed Thu Thur Thurs
    Fri Sat Sun Eastern Central Pacific Mountain Atlantic Greenwich Local Today Tomorrow
    Tonight Yesterday
    """
)
_SUFFIX_NEXT = word_set(
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
SENTENCE_OPENERS = word_set(
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


INITIALS = re.compile(r"[^\W\d_](?:\.[^\W\d_])*")


def _data_lines(name: str) -> list[str]:
    """Return the non-empty, comment-stripped lines of ``retrieval/data/<name>``."""
    text = (resources.files("retrieval") / "data" / name).read_text(encoding="utf-8")
    lines = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return [line for line in lines if line]


@functools.cache
def abbreviations() -> dict[str, str]:
    """Map each abbreviation (lower case, no final period) to its class."""
    table: dict[str, str] = {}
    for line in _data_lines("abbreviations.txt"):
        entry, *rest = line.split()
        kind = rest[0] if rest else "title"
        if kind not in _ABBREVIATION_CLASSES:
            raise ValueError(f"unknown abbreviation class {kind!r} in abbreviations.txt")
        table[entry.lower()] = kind
    return table


def _is_opener(token: str, word: str) -> bool:
    """Return True if ``token`` (``word`` without punctuation) commonly opens a sentence."""
    return word in SENTENCE_OPENERS or token in ("A", "I") or word.startswith(("I'", "I\u2019"))


def _is_acronym(word: str) -> bool:
    return len(word) >= 2 and word.isupper()


def word_start(line: str, end: int) -> int:
    """Return where the whitespace-delimited word ending at ``end`` starts."""
    start = end
    while start > 0 and not line[start - 1].isspace():
        start -= 1
    return start


def _is_street(line: str, start: int) -> bool:
    """Return True if the "St." starting at ``start`` follows a street name ("Main St.")."""
    if line[start : start + 2] != "St":
        return False
    end = start
    while end > 0 and line[end - 1].isspace():  # not line[:start].rstrip(): that copies
        end -= 1
    previous = line[word_start(line, end) : end]
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


def breaks_after_period(
    line: str, prev_start: int, prev: str, next_token: str, word: str, *, first_upper: bool,
    headline: bool,
) -> bool:
    """Decide a break after ``prev`` + ``.`` (``prev`` starts at ``line[prev_start]``).

    ``next_token`` is the following token without opening quotes, ``word`` the same without
    trailing punctuation; ``first_upper`` says whether it starts with a capital.
    """
    if len(prev) == 1 and prev.isupper():  # an initial, even where "c." or "p." is listed
        return not headline and _is_opener(next_token, word)
    key = prev.lower()
    kind = abbreviations().get(key) or abbreviations().get(key.rsplit("-", 1)[-1])
    if kind == "title" and not prev[0].isupper():
        kind = "end"  # "the sales rep." is not the title "Rep."
    if kind == "title" and _is_street(line, prev_start):
        return not headline and _is_opener(next_token, word)  # "Kiowa St. He ..."
    if kind is not None:
        return _after_abbreviation(kind, word, first_upper, headline)
    if INITIALS.fullmatch(prev) and prev[0].isupper():
        return not headline and _is_opener(next_token, word)
    return not _is_ordinal(line, prev_start, prev, word)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_ORDINAL_NEXT = _words("""
Januar Jänner Februar März Maerz April Mai Juni Juli August September Oktober November
Dezember FC Bundesliga Liga Klasse Jahrhundert Weltkrieg Runde Platz Spieltag Mannschaft
Internationale Etage Stock Mal Auflage Ausgabe Quartal Halbjahr Halbzeit Tag Woche
""")
_ORDINAL_BEFORE = _words("""
am vom zum zur bis im ab seit der die das den dem des beim ihr ihrem ihren sein seinem
seinen ihre seine einem einer eines
""")


def _is_ordinal(line: str, prev_start: int, prev: str, word: str) -> bool:
    """A German ordinal: "am 3. Mai", "1. FC Köln", "der 2. Weltkrieg" (no sentence end).

    A number of one or two digits followed by ``.`` is an ordinal when a month name or a
    noun that ordinals go with follows, or when a German article or preposition precedes
    ("am", "vom", "der", "im").  "in 2013. The" and "won 3. The" still end sentences.
    """
    if not (prev.isdigit() and len(prev) <= 2):
        return False
    if word in _ORDINAL_NEXT:
        return True
    before = line[:prev_start].split()
    return bool(before) and before[-1] in _ORDINAL_BEFORE
