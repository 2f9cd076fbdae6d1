"""Punctuation classes shared by the sentence splitter and its rules.

Opening and closing quotes and brackets (ASCII, curly, guillemets, CJK corner brackets and
full-width forms), the closers that count as quotation marks, what may trail a word, and
the marks that end a clause.

Quotation marks differ by language: French ``« … »`` (often with spaces inside), German
``„…“`` and ``»…«``, Hungarian and Danish ``»…«``, Swedish ``”…”``.  A mark glued to the end
of a sentence ("neu.“", "elkészül.«") closes it (`END_CLOSERS`); a mark glued to the start of
a word ("»Az", "„Wir", "”Det") opens it (`LEADING_QUOTES`); a lone opening-only mark
(`LONE_OPENERS`: « and „ and their single forms) opens the sentence that follows it.
"""

from __future__ import annotations

__all__ = [
    "BULLETS", "CLAUSE_END", "CLOSERS", "END_CLOSERS", "LEADING_QUOTES", "LONE_OPENERS",
    "OPENERS", "QUOTES", "TRAILING",
]

OPENERS = "\"'“\u2018„\u201a«\u2039([{¿¡「『\uff08【《〈"
CLOSERS = "\"'”\u2019»\u203a)]}」』\uff09】》〉"
# Closers after a sentence's final mark, with the reversed guillemets and German closing
# quotes (U+201C, U+2018) that are openers in English.
END_CLOSERS = CLOSERS + "«\u2039“\u2018"
# What may open the next sentence when glued to its first word ("»Az", "„Wir").
LEADING_QUOTES = OPENERS + "»\u203a”\u2019"
# Marks that only ever open a quotation, even when spaced ("lundi. « Les travaux").
LONE_OPENERS = "«\u2039„\u201a"
QUOTES = frozenset("\"'”\u2019»\u203a」』«\u2039“\u2018")
TRAILING = ".,;:!?" + CLOSERS
CLAUSE_END = frozenset(".,;:!?…\u2013\u2014")
# Bullet glyphs: inside a line (a flattened HTML list, a feed summary) each starts a new
# sentence, and the glyph belongs to none.
BULLETS = "•‣◦▪▫●\u2043"
