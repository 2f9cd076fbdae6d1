"""A small hand-kept list of news paraphrases, used on the question side only.

A member asks "what penalty did the regulator impose" where the article says "was fined";
"how much money did it lose" where it says "posted a loss of".  Each group of
``retrieval/data/synonyms.txt`` lists words used for the same thing in news; a question
term found in a group adds the group's other terms that the corpus holds.  The added terms
help find passages; they are not part of the weight an answer is judged by
(`retrieval.confidence`), so a paraphrase never makes newsdesk more sure of itself.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from importlib import resources

from retrieval.tokenization import tokenize

__all__ = ["expand"]


@functools.cache
def _groups() -> dict[str, tuple[str, ...]]:
    """Term -> the other terms of its groups, in file order."""
    text = (resources.files("retrieval") / "data" / "synonyms.txt").read_text(encoding="utf-8")
    related: dict[str, dict[str, None]] = {}
    for line in text.splitlines():
        words = line.split("#", 1)[0].split()
        terms = list(dict.fromkeys(t for w in words for t in tokenize(w)))
        for term in terms:
            others = related.setdefault(term, {})
            for other in terms:
                if other != term:
                    others[other] = None
    return {term: tuple(others) for term, others in related.items()}


def expand(query_terms: Sequence[str], frequency: Callable[[str], int]) -> list[str]:
    """The terms to add to ``query_terms``: group mates the corpus has, not already asked."""
    asked = set(query_terms)
    added: dict[str, None] = {}
    groups = _groups()
    for term in query_terms:
        for other in groups.get(term, ()):
            if other not in asked and other not in added and frequency(other) > 0:
                added[other] = None
    return list(added)
