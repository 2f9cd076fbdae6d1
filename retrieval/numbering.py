"""What a period after a number means: list numbers and ordinals.

`retrieval.abbreviations.breaks_after_period` asks `breaks_after_number` at a number of one
to three digits + ``.`` followed by whitespace and a capitalised word (a lower-case word
never starts a sentence there, so "1. a new bridge, 2. a ferry link" needs no rule).  A
count or year that ends a sentence breaks ("it scored 3. The", "in 2013. Prices"); these
do not:

- A list number: the first word of its line, a "1." after a colon, dash or sentence end
  ("three parts: 1. A new bridge"), or "n." shortly after "n-1." on a line whose list
  starts at the line start or a colon ("1. A new bridge, 2. A ferry link and 3. A bus
  lane", "1. Preheat the oven. 2. Mix the flour").  "Mega Ball: 14. The", "Lopez, 16. Ten"
  and dates ("on Aug. 1. ... Oct. 2. The") are no list.
- A German ordinal, written with a period (non-English articles are stored as they are):
  before a month ("am 3. Mai", "bis 31. März"), before a club's form or a word that is
  always counted ("1. FC Köln", "2. Bundesliga", "2. Weltkrieg"), or after an article,
  preposition or determiner that takes an ordinal ("der 2. Weltkrieg", "im 19. Jahrhundert",
  "zum 50. Mal", "seit 1. Januar").

Every test reads a bounded neighbourhood of the number (at most ``_LIST_REACH`` characters
back), so the cost per period does not grow with the line.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from retrieval.punctuation import CLOSERS, OPENERS

__all__ = ["breaks_after_number", "previous_word"]


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


_GERMAN_MONTHS = _word_set(
    "Januar Jänner Februar Feber März April Mai Juni Juli August September Oktober November "
    "Dezember"
)
# Capitalised words that follow a German ordinal: club forms ("1. FC Köln", "1. FSV Mainz
# 05") and nouns almost always counted ("2. Bundesliga", "2. Weltkrieg", "19. Jahrhundert").
_ORDINAL_NEXT = _word_set(
    "FC FSV FFC SC SV BFC Bundesliga Liga Weltkrieg Jahrhundert Jahrtausend Spieltag"
)
# Lower-cased German words that take an ordinal after them; none ends an English sentence
# before a number ("am" does: "I am 25. I'm playing"; "am 3. Mai" needs the month).
_ORDINAL_BEFORE = _word_set(
    """
    der die das den dem des im zum zur vom beim ins ans seit ab bis jeder jede jedes
    jeden jedem dieser diese dieses diesem diesen seine seiner seinem seinen seines ihre
    ihrer ihrem ihren ihres unsere unserer unserem unseren unseres
    """
)
# Where a list's "1." starts: the line start, a colon or a dash (not after a sentence end:
# "on Aug. 1. ... on Oct. 2. The" are dates).
_LIST_START = re.compile(r"(?:^|[:\u2013\u2014])\s*+1\.\s")
_LIST_INTRO = (":", "\u2014", "\u2013", "-", "--")
_LIST_REACH = 300
_WORD_REACH = 40
_MAX_DIGITS = 3


def previous_word(line: str, start: int) -> tuple[str, bool]:
    """Return the word before ``line[start]`` and whether ``start`` begins the line.

    The word is read back at most ``_WORD_REACH`` characters from the whitespace before it.
    """
    end = start
    while end > 0 and line[end - 1].isspace():
        end -= 1
    if end == 0:
        return "", True
    begin = end
    while begin > max(0, end - _WORD_REACH) and not line[begin - 1].isspace():
        begin -= 1
    return line[begin:end], False


def _continues_list(line: str, start: int, number: int) -> bool:
    """Return True if the "``number``." at ``line[start]`` continues an enumeration.

    "``number - 1``." must appear as a word shortly before, and so must the list's "1." at
    the start of the line or after a colon or dash ("parts: 1. A new bridge, 2. A ferry",
    "1. Preheat the oven. 2. Mix").  "Lopez, 16." or "Ball: 14." alone are no list.
    """
    low = max(0, start - _LIST_REACH)
    if not re.compile(rf"(?<![\w.,]){number - 1}\.\s").search(line, low, start):
        return False
    return _LIST_START.search(line, low, start) is not None


def _ends_sentence(word: str, is_abbreviation: Callable[[str], bool]) -> bool:
    """Return True if ``word`` ends a sentence: a final mark, closing quotes aside.

    A period after an abbreviation does not count ("on Aug. 4. Photo: AP").
    """
    word = word.rstrip(CLOSERS)
    if word.endswith("."):
        return not is_abbreviation(word[:-1].lstrip(OPENERS))
    return word.endswith(("!", "?", "\u2026"))


def breaks_after_number(
    line: str, start: int, number: str, word: str, is_abbreviation: Callable[[str], bool]
) -> bool:
    """Decide a break after the digits ``number`` + ``.`` (``number`` starts at ``line[start]``).

    ``word`` is the capitalised word that follows, without punctuation; ``is_abbreviation``
    tells whether a word before a period is an abbreviation or initial ("Aug" in "Aug. 4.").
    """
    if not number.isdigit() or len(number) > _MAX_DIGITS:
        return True
    previous, line_start = previous_word(line, start)
    if line_start:
        return False  # "1. Preheat the oven", "2. Mix the flour" on their own lines
    value = int(number)
    first = value == 1 and (
        previous.endswith(_LIST_INTRO) or _ends_sentence(previous, is_abbreviation)
    )
    if first:
        return False  # "three parts: 1. A new bridge", "Stir well. 1. Add the eggs"
    if value > 1 and _continues_list(line, start, value):
        return False  # "…, 2. A ferry link and 3. A bus lane"
    if word in _ORDINAL_NEXT or (word in _GERMAN_MONTHS and 1 <= value <= 31):
        return False  # "1. FC Köln", "am 3. Mai"
    return previous.lower() not in _ORDINAL_BEFORE  # "der 2. Weltkrieg"
