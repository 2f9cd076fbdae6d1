"""Marks around a sentence end: quotation marks, bullets, addresses and datelines.

Helpers of `retrieval.sentences`, each reading a bounded neighbourhood of one place:

- `next_word`: the word that decides a break, after the quotes that open its sentence.
  French « … » may be spaced ("lundi. « Les travaux"), German and Hungarian use »…« and
  „…“ ("beszélt. »Az"), Swedish ”…”; a lone « or „ is skipped, and a lone closing mark
  never becomes a sentence of its own.
- `before_lone_opener`: Punkt moves any quote after a sentence end onto that sentence; an
  opening-only mark goes back to the sentence it opens.
- `glued_to_clause`: a quote closed by a comma ("“Why?”, he asked", "„Wann?“, fragte er")
  is never split from what follows.
- `glued_openers`: a sentence end glued to « or „ and a capital ("sprach.„Wir") is a break.
- `inside_address`: dots and question marks inside a URL or e-mail address never end a
  sentence (Punkt breaks at "?(" or ".(", which addresses hold).
- `is_credit`: an agency credit in a dateline ("ALBANY, N.Y. (Reuters) — ...") follows an
  abbreviation without ending a sentence.
- `bullet_items`: a bullet glyph (• ‣ ◦ ▪ ▫ ●) inside a line starts a new item; the glyph
  is part of no sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from retrieval.punctuation import BULLETS, END_CLOSERS, LEADING_QUOTES, LONE_OPENERS, OPENERS

__all__ = [
    "before_lone_opener", "bullet_items", "glued_openers", "glued_to_clause", "inside_address",
    "is_credit", "next_word",
]

_TOKEN = re.compile(r"\S+")
_NEXT_TOKEN = re.compile(r"\s*+(\S+)")
# A bullet glyph at the start of a token ("• Schools", "•Schools").
_BULLET = re.compile(rf"(?<!\w)[{BULLETS}]")
_MAX_LONE_OPENERS = 2
_CLAUSE_GLUE = ",;"
# An agency credit in a dateline, then a dash or the glued first word: "(AP) —", "(CNN)The".
# "(Associated Press) —" has a space; "(CNN)The" no dash.
_CREDIT = re.compile(
    r"\([^\W\d_][\w&'/. -]{0,30}\)(?:\s*+(?:--?|[\u2013\u2014])|(?=[^\W\d_]))"
)
# A sentence end glued to a mark that only opens a quotation, then a capital: "sprach.„Wir".
_GLUED_OPENER = re.compile(rf"(?<![.?!…])[.?!…]++(?=[{LONE_OPENERS}][^\W\d_])")
# A web or e-mail address inside a token ("https://", "www.", "name@host.org").
_ADDRESS = re.compile(r"://|\bwww\.|\w@\w")
_ADDRESS_REACH = 256


def inside_address(line: str, position: int) -> bool:
    """Return True if ``position`` lies inside a web address or e-mail address.

    Punkt breaks at marks glued to brackets or quotes ("search?q=(x)"), which URLs hold;
    dots, question marks and the like inside an address never end a sentence.  Reads at most
    ``_ADDRESS_REACH`` characters each way.
    """
    if position >= len(line) or line[position].isspace():
        return False
    start = position
    while start > max(0, position - _ADDRESS_REACH) and not line[start - 1].isspace():
        start -= 1
    stop = _TOKEN.match(line, position, position + _ADDRESS_REACH)
    return _ADDRESS.search(line, start, stop.end() if stop else position) is not None


def before_lone_opener(line: str, end: int, start: int) -> tuple[int, int]:
    """Move a Punkt break placed after a spaced opening mark ("lundi. «|Les") before it.

    Punkt realigns any quote after a sentence end onto that sentence; « and „ (and their
    single forms) only ever open one, so the break goes before the mark, which opens the
    next sentence.
    """
    mark = end
    while mark > 0 and line[mark - 1] in LONE_OPENERS:
        mark -= 1
    if mark == end:
        return end, start
    text_end = mark
    while text_end > 0 and line[text_end - 1].isspace():
        text_end -= 1
    return (text_end, mark) if text_end < mark else (end, start)


def next_word(line: str, position: int) -> str:
    """Return the token at ``line[position]`` without the quotes and brackets that open it.

    Up to ``_MAX_LONE_OPENERS`` lone opening marks ("lundi. « Les", "„ Wir") are skipped: the
    word after them decides.  A lone mark at the end of the line, or a lone closing mark
    ("mai. » Les"), is returned as it is, so it never becomes a sentence of its own.  Empty
    for a lone ASCII or curly opener ("left. “ Then"), which then counts as a break.
    """
    token = _TOKEN.match(line, position)
    text = token.group() if token else ""
    end = token.end() if token else position
    for _ in range(_MAX_LONE_OPENERS):
        if not text or text.strip(LONE_OPENERS):
            break
        following = _NEXT_TOKEN.match(line, end)
        if following is None:
            return text
        text, end = following[1], following.end()
    if not text.lstrip(OPENERS):
        return ""
    return text.lstrip(LEADING_QUOTES) or text


def glued_to_clause(line: str, end: int) -> bool:
    """Return True if closers at ``line[end]`` run into a comma or the like ("“Why?”, he")."""
    while end < len(line) and line[end] in END_CLOSERS:
        end += 1
    return end < len(line) and line[end] in _CLAUSE_GLUE


def bullet_items(line: str) -> Iterator[tuple[int, int]]:
    """Yield (start, end) of the parts of ``line`` between bullet glyphs, glyphs left out."""
    begin = 0
    for bullet in _BULLET.finditer(line):
        yield begin, bullet.start()
        begin = bullet.end()
    yield begin, len(line)


def glued_openers(line: str) -> Iterator[int]:
    """Yield where a sentence ends glued to an opening quote and a capital ("sprach.„Wir")."""
    for match in _GLUED_OPENER.finditer(line):
        if line[match.end() + 1].isupper():
            yield match.end()


def is_credit(line: str, position: int) -> bool:
    """Return True if a dateline's agency credit ("(AP) —", "(CNN)The") starts at ``position``."""
    return _CREDIT.match(line, position) is not None
