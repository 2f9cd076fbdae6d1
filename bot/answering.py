"""The answer path of one question on one index snapshot: query → passage, or a reason.

Synchronous and CPU-bound (run it in a thread): understand the question
(`retrieval.query.understand`: fillers, language, topicless news, the asking clause),
filter the visible documents (scopes, publisher, since, the as-of day), correct typos
against the index vocabulary, search the fused index, rerank, apply the recency prior, keep
prose lines only, compose the passage, and abstain when the evidence is too thin
(`retrieval.confidence`). `bot.service.AnswerService.answer` calls `answer_question`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

import numpy as np
import numpy.typing as npt

from bot.config import Settings
from bot.snapshot import Snapshot
from corpus.backend import SHARED_SCOPE
from retrieval.answer import compose
from retrieval.confidence import Evidence, evidence, judged_terms
from retrieval.prose import is_prose
from retrieval.query import QueryPlan, detect_language, understand
from retrieval.recency import apply_recency
from retrieval.rerank import rerank
from retrieval.spelling import compound_terms, correct
from retrieval.synonyms import expand
from retrieval.tokenization import tokenize, tokenize_with_spans
from retrieval.types import Answer, ScoredPassage, SentenceHit

SMALL_CORPUS = 10_000  # sentences; below it a typo correction may be found only once
LEAD_WORDS = 5  # a headline's lead sentence has at least this many words
RECENT_DEPTH = 30  # candidates ranked when the question asks for the current state


@dataclass(frozen=True, slots=True)
class Question:
    """One question and its filters, as `answer_question` takes them.

    ``scopes``: the corpora visible (shared, a guild); ``source``: publisher substring
    (case-insensitive); ``since``: published on or after (unknown dates excluded);
    ``as_of``: the day the question is asked (later articles are not used); ``window``:
    neighbour sentences each side of the best one.
    """

    query: str
    top_k: int
    window: int
    as_of: date
    scopes: tuple[str, ...] = (SHARED_SCOPE,)
    source: str | None = None
    since: date | None = None


def answer_question(snapshot: Snapshot | None, settings: Settings, question: Question) -> Answer:
    """Answer ``question`` from ``snapshot``; an `Answer` with no hits says why (``reason``).

    Reasons: ``no_terms``, ``empty_corpus``, ``filtered_out`` (no article passes the
    filters), ``not_english``, ``no_match`` (abstained), ``headlines`` (a topicless news
    request answered with the newest headlines).
    """
    query = question.query
    plan = understand(query)
    query_terms = tuple(tokenize(plan.text))
    if snapshot is not None and not snapshot.index.is_empty:
        query_terms = tuple(compound_terms(plan.text, snapshot.index.frequency))
    if not query_terms and not plan.headlines:
        return Answer(query, query_terms, (), reason="no_terms")
    if snapshot is None or snapshot.index.is_empty:
        return Answer(query, query_terms, (), reason="empty_corpus")
    mask = _visible(snapshot, question)
    if mask is not None and not mask.any():
        return Answer(query, query_terms, (), reason="filtered_out")
    if plan.headlines:
        return headlines(snapshot, query, mask, question.top_k)
    if not plan.is_english:
        return _in_language(snapshot, settings, question, query_terms, mask, plan)
    index = snapshot.index
    query_terms = tuple(correct(query_terms, index.frequency, _names(plan.text),
                                1 if index.sentence_count < SMALL_CORPUS else 3))
    return ranked(snapshot, settings, question, query_terms, mask, plan)


def _visible(snapshot: Snapshot, question: Question) -> npt.NDArray[np.bool_] | None:
    """The documents the question may use (None: all of them, the common fast path)."""
    day = question.as_of.isoformat()
    current = snapshot.newest[:10] <= day
    if (snapshot.shared_only and SHARED_SCOPE in question.scopes and not question.source
            and question.since is None and current):
        return None
    mask: npt.NDArray[np.bool_] = np.isin(snapshot.scopes, question.scopes)
    if question.source:
        mask &= np.char.find(snapshot.sources, question.source.casefold()) >= 0
    if question.since is not None:
        mask &= snapshot.published >= question.since.isoformat()
    if not current:  # undated articles stay in
        mask &= (np.char.str_len(snapshot.published) == 0) | (snapshot.published <= day)
    return mask


def _in_language(
    snapshot: Snapshot,
    settings: Settings,
    question: Question,
    query_terms: tuple[str, ...],
    mask: npt.NDArray[np.bool_] | None,
    plan: QueryPlan,
) -> Answer:
    """A question not in English: answered only from a passage in its own language.

    Articles in other languages are stored as they are, so a German question can be
    answered from a German article; a passage in another language (matched on a name or a
    stray word) is never shown: the reason is then ``not_english``.
    """
    if query_terms:
        answer = ranked(snapshot, settings, question, query_terms, mask, plan)
        best = answer.best
        if best is not None and detect_language(
                " ".join(s.text for s in best.sentences)) == plan.language:
            return answer
    return Answer(question.query, query_terms, (), reason="not_english")


def ranked(
    snapshot: Snapshot,
    settings: Settings,
    question: Question,
    query_terms: tuple[str, ...],
    mask: npt.NDArray[np.bool_] | None,
    plan: QueryPlan | None = None,
) -> Answer:
    """Fused search, rerank, recency prior, abstention and passage assembly."""
    index = snapshot.index
    query, top_k, window = question.query, question.top_k, question.window
    plan = plan or QueryPlan(text=query)
    wanted = top_k * (2 * window + 1) + 8
    depth = max(wanted, settings.rerank_depth, RECENT_DEPTH if plan.recency else 0)
    added = tuple(expand(query_terms, index.frequency)) if settings.synonyms else ()
    searched = query_terms + added
    if plan.focus is not None and settings.focus_search:
        # a long message: rank by its asking sentence and its most informative words
        searched = judged_terms(index, query_terms, plan) + added
    hits = index.search(searched, depth, doc_mask=mask)

    def text_of(hit: SentenceHit) -> str:
        return index.sentence_text(hit.sentence)

    hits = rerank(query, hits, text_of, boost=settings.answer_type_boost,
                  question_penalty=settings.question_penalty)
    strength = settings.recency_strong if plan.recency else settings.recency_weak
    hits = apply_recency(hits, lambda hit: snapshot.infos[hit.doc_index].published,
                         question.as_of, strength)
    shown = (hit for hit in hits if is_prose(index.sentence_text(hit.sentence)))
    answer = compose(query, searched, shown, snapshot.by_position, top_k=top_k,
                     window=window, weight=index.idf)
    if added:
        answer = replace(answer, added_terms=added)
    if answer.best is not None and (settings.min_match > 0 or settings.min_article_match > 0):
        passage, article = evidence_for(snapshot, query_terms, answer.best, plan).match(
            settings.unknown_term_weight, settings.rarest_missing, settings.min_specific,
            settings.rarest_max_terms)
        if passage < settings.min_match or article < settings.min_article_match:
            return Answer(query, query_terms, (), reason="no_match")
    return answer


def evidence_for(
    snapshot: Snapshot, query_terms: Sequence[str], best: ScoredPassage, plan: QueryPlan
) -> Evidence:
    """The abstention evidence for ``best`` (see `retrieval.confidence`)."""
    text = " ".join(s.text for s in best.sentences)
    return evidence(snapshot.index, query_terms, plan, text,
                    snapshot.position_of(best.document.doc_id))


def _names(text: str) -> set[str]:
    """Terms of words written with a capital inside a sentence: names, kept from correction."""
    names = set()
    for term, start, _ in tokenize_with_spans(text):
        before = text[:start].rstrip()
        if text[start].isupper() and before and before[-1] not in ".!?\"'\u201c(":
            names.add(term)
    return names


def headlines(
    snapshot: Snapshot, query: str, mask: npt.NDArray[np.bool_] | None, top_k: int
) -> Answer:
    """The newest dated articles (as-of day and filters applied), their lead sentence each."""
    live = ~snapshot.index.removed & (np.char.str_len(snapshot.published) > 0)
    if mask is not None:
        live &= mask
    positions = np.flatnonzero(live)
    order = positions[np.argsort(snapshot.published[positions], kind="stable")[::-1]]
    hits: list[ScoredPassage] = []
    for position in order[: top_k * 4].tolist():
        document = snapshot.by_position[position]
        if not document.sentences or any(h.document.title == document.title for h in hits):
            continue
        first = next((s for s in document.sentences[:8]  # past a dateline such as "CNN —"
                      if len(s.text.split()) >= LEAD_WORDS and is_prose(s.text)),
                     document.sentences[0])
        hits.append(ScoredPassage(document, first.position, (first,), 0.0, len(hits) + 1))
        if len(hits) >= top_k:
            break
    return Answer(query, (), tuple(hits), reason="headlines" if hits else "no_match")
