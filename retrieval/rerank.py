"""Answer-type reranking: prefer sentences that hold the kind of thing the question asks for.

Classic factoid QA (e.g. Moldovan et al. 2000, "The Structure and Performance of an
Open-Domain Question Answering System", ACL) types the question ("Who ..." wants a person,
"When ..." a date, "How many ..." a number) and prefers candidate sentences that contain an
entity of that type which the question itself does not. newsdesk uses cheap surface patterns
for the type and multiplies a candidate's fused score by ``1 + answer_type_boost`` when it
matches; a candidate that is itself a question (news quizzes and newsletters repeat the
question word for word) is multiplied by ``question_penalty``. Both apply to the
``rerank_depth`` best candidates and were chosen on the tuning half of SQuAD dev and
RealTime QA quiz questions outside the reported set (see ``bench/quality.py``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Literal

from retrieval.types import Document, SentenceHit

AnswerType = Literal["person", "date", "number", "place"]

DEFAULT_BOOST = 0.15
DEFAULT_QUESTION_PENALTY = 0.5
_CLOSERS = "\"'\u201d\u2019\u00bb)]"

_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
_WEEKDAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_TITLES = (
    "Mr|Mrs|Ms|Dr|Gen|Sen|Rep|Gov|Lt|Col|Sgt|Capt|Prof|President|Minister|Judge|Justice|"
    "King|Queen|Prince|Princess|Pope|Chancellor|Secretary|Director|Chief|Mayor|Coach|Senator"
)
_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|"
    "hundred|hundreds|thousand|thousands|million|millions|billion|billions|dozen|dozens|half"
)

_QUESTION_PATTERNS: tuple[tuple[re.Pattern[str], AnswerType], ...] = (
    (re.compile(r"\b(who|whom|whose)\b", re.I), "person"),
    (re.compile(r"\b(when|what (year|date|day|month|time)|which (year|date|day|month))\b", re.I),
     "date"),
    (re.compile(r"\bhow (many|much|long|old|far|big|large|tall|often)\b|"
                r"\bwhat (percentage|percent|number|amount|share)\b", re.I), "number"),
    (re.compile(r"\bwhere\b|\bwhat (country|city|state|place|town|region)\b|"
                r"\bwhich (country|city|state|place|town|region)\b", re.I), "place"),
)

_TYPE_PATTERNS: dict[AnswerType, re.Pattern[str]] = {
    "person": re.compile(
        rf"\b(?:{_TITLES})\.?\s+[A-Z][\w'\u2019.-]*|(?<=[a-z,;:] )[A-Z][a-z'\u2019]+(?:\s+[A-Z]\.)*"
        r"\s+[A-Z][a-z'\u2019-]+"
    ),
    "date": re.compile(
        rf"\b(?:{_MONTHS})\b\.?|\b(?:{_WEEKDAYS})\b|\b1[5-9]\d\d\b|\b20\d\d\b|"
        r"\b(?:yesterday|today|tomorrow|tonight)\b|\b\d{1,2}(?::\d\d)?\s?[ap]\.?m\.?|"
        r"\b(?:century|decade|week|month|year)s?\b"
    ),
    "number": re.compile(rf"\d|\b(?:{_NUMBER_WORDS})\b", re.I),
    "place": re.compile(r"\b(?:in|at|from|near|to|across|outside)\s+(?:the\s+)?[A-Z][a-z]+"),
}


def expected_answer_type(query: str) -> AnswerType | None:
    """The kind of answer ``query`` asks for, or None when its form says nothing."""
    for pattern, answer_type in _QUESTION_PATTERNS:
        if pattern.search(query):
            return answer_type
    return None


def holds_answer_type(text: str, answer_type: AnswerType, query: str) -> bool:
    """True when ``text`` contains an entity of ``answer_type`` that ``query`` does not."""
    asked = query.casefold()
    for match in _TYPE_PATTERNS[answer_type].finditer(text):
        if match.group(0).strip(" .").casefold() not in asked:
            return True
    return False


def is_question(text: str) -> bool:
    """True when ``text`` ends in a question mark (closing quotes and brackets aside)."""
    return text.rstrip().rstrip(_CLOSERS).endswith("?")


def rerank(
    query: str,
    hits: Sequence[SentenceHit],
    documents: Sequence[Document] | Callable[[SentenceHit], str],
    *,
    boost: float = DEFAULT_BOOST,
    question_penalty: float = DEFAULT_QUESTION_PENALTY,
) -> list[SentenceHit]:
    """``hits`` rescored and re-sorted (score desc, stable).

    A sentence holding the question's answer type (`expected_answer_type`) not named in
    the question has its score multiplied by ``1 + boost``; a sentence that is itself a
    question (a quiz in a newsletter, a rhetorical question) by ``question_penalty``.
    ``documents`` gives the sentence text: the documents in index order, or a function of
    the hit.
    """
    if callable(documents):
        text_of = documents
    else:
        corpus = documents

        def text_of(hit: SentenceHit) -> str:
            return corpus[hit.doc_index].sentences[hit.position].text

    answer_type = expected_answer_type(query)
    rescored = []
    for hit in hits:
        factor = 1.0
        text = text_of(hit)
        if answer_type is not None and boost > 0 and holds_answer_type(text, answer_type, query):
            factor *= 1.0 + boost
        if question_penalty != 1.0 and is_question(text):
            factor *= question_penalty
        rescored.append(hit if factor == 1.0 else replace(hit, score=hit.score * factor))
    return sorted(rescored, key=lambda hit: -hit.score)
