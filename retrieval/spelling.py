"""Typo correction of query terms against the index vocabulary.

First, a term no sentence holds may be another form of a corpus term that the stemmer
does not conflate ("heavy" -> ``heavi`` vs "heaviest" -> ``heaviest``): the most frequent
corpus term that is the term plus a common ending replaces it.

A query term that no sentence holds (or only one or two do, as misspellings in articles
do) is replaced by the most frequent vocabulary term one edit away (a letter deleted,
inserted, replaced, or two neighbours swapped: "twiter" -> twitter, "champoin" ->
champion); a term of seven or more letters may also be two edits away when that term is
frequent.  Terms are compared after analysis (stemmed, accents folded), so "recieved" and
"receiving" both meet ``receiv``.  Stopwords are never a correction (so "wat" never becomes
"what"), nor are terms with digits or of fewer than four letters corrected: those are too
short to tell a typo from another word.  A term with no close match stays as it is, unknown,
which is evidence against answering (see `bot.service`).

Compounds are a spelling matter too (`compound_terms`): the analyzer gives "health-care"
the joined term ``healthcar`` besides ``health`` and ``care``; in a question that joined
term is kept only when the corpus has it (else "Trump-backed" would add an unknown
``trumpback``).  Joined terms only help find passages: `retrieval.confidence` leaves them
out of the weight an answer is judged by, since "backed by Trump" answers as well.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Collection, Iterator, Sequence

from retrieval.tokenization import STOPWORDS, tokenize_with_spans

__all__ = ["compound_terms", "correct", "edits1"]

_LETTERS = string.ascii_lowercase
MIN_LENGTH = 4
MAX_LENGTH = 20  # longer "words" (pasted ids, keyboard mashing) are never corrected: the
# candidates grow with the square of the length (two edits: ~3,000 x length^2)
"""Shortest term that is corrected."""
KNOWN = 3
"""A term in at least this many sentences is taken as spelled right."""
GAIN = 20
"""A rare term is only replaced by a term at least this many times more frequent."""
MIN_FREQUENCY = 3
"""Sentences a correction must be in (a rarer term is as likely a typo itself); the service
uses 1 for corpora under 10,000 sentences."""
TWO_EDITS_LENGTH = 7
"""Shortest term for which a correction two edits away is looked for."""
TWO_EDITS_MIN_FREQUENCY = 5
"""Sentences a correction two edits away must be in."""


_ENDINGS = ("e", "s", "es", "ed", "er", "est", "ing", "ion", "al", "ic", "li", "y")
"""Endings that Snowball keeps on some forms only ("heavy" -> heavi, "heaviest" -> heaviest)."""


def edits1(term: str) -> Iterator[str]:
    """Every string one deletion, swap of neighbours, replacement or insertion from ``term``."""
    splits = [(term[:i], term[i:]) for i in range(len(term) + 1)]
    for left, right in splits:
        if right:
            yield left + right[1:]
            if len(right) > 1:
                yield left + right[1] + right[0] + right[2:]
            for c in _LETTERS:
                if c != right[0]:
                    yield left + c + right[1:]
        for c in _LETTERS:
            yield left + c + right


def _best(candidates: Iterator[str], frequency: Callable[[str], int]) -> tuple[str, int]:
    best, best_count = "", 0
    seen: set[str] = set()
    for candidate in candidates:
        if candidate in seen or candidate in STOPWORDS:
            continue
        seen.add(candidate)
        count = frequency(candidate)
        if count > best_count or (count == best_count and count and candidate < best):
            best, best_count = candidate, count
    return best, best_count


def correct_term(
    term: str, frequency: Callable[[str], int], min_frequency: int = MIN_FREQUENCY
) -> str:
    """``term`` or its correction (module docstring); ``frequency`` gives sentence counts."""
    if not MIN_LENGTH <= len(term) <= MAX_LENGTH or not term.isalpha() or not term.isascii():
        return term
    count = frequency(term)
    if count >= KNOWN:
        return term
    if count == 0:
        variant, variant_count = _best((term + ending for ending in _ENDINGS), frequency)
        if variant_count:
            return variant
    best, best_count = _best(edits1(term), frequency)
    if best_count >= min_frequency and (best_count >= GAIN * max(count, 1) or count == 0):
        return best
    if count == 0 and len(term) >= TWO_EDITS_LENGTH:
        second = (e2 for e1 in set(edits1(term)) for e2 in edits1(e1))
        best, best_count = _best(second, frequency)
        if best_count >= TWO_EDITS_MIN_FREQUENCY:
            return best
    return term


def correct(
    terms: Sequence[str], frequency: Callable[[str], int], keep: Collection[str] = (),
    min_frequency: int = MIN_FREQUENCY,
) -> list[str]:
    """``terms`` with each misspelled term replaced by its correction; ``keep`` stay as they are.

    ``keep`` is meant for names: a word written with a capital inside a sentence ("Capstone")
    that the corpus lacks is a name it does not know, not a typo of "caption".
    """
    return [term if term in keep else correct_term(term, frequency, min_frequency)
            for term in terms]


def compound_terms(text: str, frequency: Callable[[str], int]) -> list[str]:
    """The terms of question ``text``, hyphen-joined terms kept only when the corpus has them."""
    out: list[str] = []
    previous_end = -1
    for term, start, end in tokenize_with_spans(text):
        joined = start < previous_end
        if not (joined and frequency(term) == 0):
            out.append(term)
        previous_end = max(previous_end, end) if joined else end
    return out
