"""Punctuation classes shared by the sentence splitter and its rules.

Opening and closing quotes and brackets (ASCII, curly, guillemets, CJK corner brackets and
full-width forms), the closers that count as quotation marks, what may trail a word, and
the marks that end a clause.
"""

from __future__ import annotations

__all__ = ["CLAUSE_END", "CLOSERS", "OPENERS", "QUOTES", "TRAILING"]

OPENERS = "\"'“\u2018„\u201a«\u2039([{¿¡「『\uff08【《〈"
CLOSERS = "\"'”\u2019»\u203a)]}」』\uff09】》〉"
QUOTES = frozenset("\"'”\u2019»\u203a」』")
TRAILING = ".,;:!?" + CLOSERS
CLAUSE_END = frozenset(".,;:!?…\u2013\u2014")
