"""Answer quality on real data: SQuAD v1.1 dev and RealTime QA, newsdesk beside plain BM25.

Run from the repository root::

    python -m bench.quality squad        [--db PATH] [--set FIELD=VALUE ...]
    python -m bench.quality realtimeqa   [--db PATH] [--set FIELD=VALUE ...] [--unanswerable N]
    python -m bench.quality prose

Both corpora are ingested through newsdesk's own pipeline (``AnswerService.ingest``: reader,
boilerplate clean-up, sentence splitter, store) into a temporary SQLite database, and every
question goes through ``AnswerService.answer``, the path the bot and the console use.
``--db PATH`` keeps the database at PATH and reuses it when it already holds articles.
``--set`` overrides a setting (any ``bot.config.Settings`` field, e.g. ``--set bm25_k1=1.2``).

squad
    ``squad-v1.1-dev/paragraphs.jsonl`` is written as a JSON Lines file of articles, one per
    paragraph (title = the Wikipedia title, underscores as spaces), and ingested: 2,067
    articles, 10,570 questions. A question is a **hit@1** when the best passage's sentence lies
    in the question's own paragraph and overlaps one of its human answer spans; **MRR@10**
    and **recall@5** use the best sentences of the ranked passages the same way. The first 24
    Wikipedia articles (file order) are the tuning half, the other 24 the report half.
realtimeqa
    ``realtimeqa/articles.jsonl.gz`` (3,786 articles) is ingested as one corpus. The 166 gold
    questions whose answer text occurs in their gold article are asked; **answer@1** = the
    returned passage (best sentence and neighbours) contains an answer text (case-folded,
    curly quotes made straight, surrounding quotes dropped); **article hit@1** = the passage
    comes from a gold article. The **tuning set** (quiz questions of the corpus weeks that
    are not gold questions, answer text somewhere in the corpus) is printed separately: it
    and the SQuAD tuning half are what the defaults were chosen on. Then the abstention
    trade-off: quiz questions of ``questions.jsonl`` dated outside the corpus months (June
    to November 2022) are taken as unanswerable, and for each ``min_match`` threshold the
    share of them refused is printed beside answer@1 on the 166.

prose
    Counts the lines and sentences of RealTime QA and BBC News that `retrieval.prose`
    takes for related links, captions, credits or navigation (never shown as an answer),
    and checks that every gold answer found in a sentence of its gold article is still
    in a prose sentence.

Questions are asked as of their date (RealTime QA's ``question_date``): later articles are
not used.  The plain baseline is rank-bm25's ``BM25Okapi`` (k1=1.5, b=0.75, its own IDF with the
epsilon floor) on lowercased ``\\w+`` word tokens of the same stored sentences; its ranked
sentences go through the same passage assembly (`retrieval.answer.compose`). Its scores are
computed from the fitted ``BM25Okapi`` object's own ``idf``, ``doc_len`` and ``avgdl`` with
numpy, and checked against ``get_scores`` on the first 50 questions of every run.

The data directory is ``$NEWSDESK_EVAL_DIR`` when set, else ``../shared/eval`` relative to the
repository; when a data set is missing the run prints why and exits 0.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import logging
import os
import re
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import numpy.typing as npt
from rank_bm25 import BM25Okapi

from bot.config import Settings
from bot.service import AnswerService
from retrieval.answer import compose
from retrieval.prose import is_prose
from retrieval.sentences import split_sentences
from retrieval.types import Answer, Document, SentenceHit

REPO = Path(__file__).resolve().parents[1]
TUNE_ARTICLES = 24
CORPUS_MONTHS = ("2022/06/01", "2022/11/30")
TUNING_WEEKS = ("2022/06/10", "2022/11/12")
_WORD = re.compile(r"\w+")
_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2018": "'",
                         "\u2019": "'", "\u00ab": '"', "\u00bb": '"'})


def eval_dir() -> Path:
    """``$NEWSDESK_EVAL_DIR`` or ``../shared/eval`` next to the repository."""
    return Path(os.environ.get("NEWSDESK_EVAL_DIR", REPO.parent / "shared" / "eval"))


def plain_terms(text: str) -> list[str]:
    """The plain baseline's analyzer: lowercased ``\\w+`` word tokens."""
    return _WORD.findall(text.lower())


# -- the plain rank-bm25 baseline ------------------------------------------------------------


class PlainBM25:
    """rank-bm25 ``BM25Okapi`` over sentences, scored with numpy from its fitted statistics."""

    def __init__(self, documents: Sequence[Document]) -> None:
        self.keys: list[tuple[int, int]] = []
        corpus: list[list[str]] = []
        for doc_index, document in enumerate(documents):
            for sentence in document.sentences:
                self.keys.append((doc_index, sentence.position))
                corpus.append(plain_terms(sentence.text))
        self.model = BM25Okapi(corpus)
        vocabulary: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        tfs: list[int] = []
        for row, frequencies in enumerate(self.model.doc_freqs):
            for term, tf in frequencies.items():
                rows.append(row)
                cols.append(vocabulary.setdefault(term, len(vocabulary)))
                tfs.append(tf)
        order = np.argsort(np.asarray(cols), kind="stable")
        self.vocabulary = vocabulary
        self.rows = np.asarray(rows, dtype=np.int64)[order]
        tf = np.asarray(tfs, dtype=np.float64)[order]
        length = np.asarray(self.model.doc_len, dtype=np.float64)[self.rows]
        k1, b = self.model.k1, self.model.b
        self.weights = tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / self.model.avgdl))
        self.offsets = np.zeros(len(vocabulary) + 1, dtype=np.int64)
        self.offsets[1:] = np.cumsum(np.bincount(np.asarray(cols), minlength=len(vocabulary)))

    def scores(self, query_terms: Sequence[str]) -> npt.NDArray[np.float64]:
        """Exactly ``BM25Okapi.get_scores`` (repeated query terms count again, as there)."""
        scores = np.zeros(len(self.keys))
        for term in query_terms:
            term_id = self.vocabulary.get(term)
            if term_id is None:
                continue
            start, end = self.offsets[term_id], self.offsets[term_id + 1]
            scores[self.rows[start:end]] += self.model.idf[term] * self.weights[start:end]
        return scores

    def hits(self, query: str, top_k: int) -> tuple[list[str], list[SentenceHit]]:
        """Query terms and the ``top_k`` best sentences (score > 0; ties by corpus order)."""
        terms = plain_terms(query)
        scores = self.scores(terms)
        order = np.argsort(-scores, kind="stable")[:top_k]
        hits = [
            SentenceHit(self.keys[i][0], self.keys[i][1], float(scores[i]))
            for i in order
            if scores[i] > 0
        ]
        return terms, hits

    def check(self, queries: Iterable[str]) -> float:
        """Largest relative difference to ``get_scores`` over ``queries``."""
        worst = 0.0
        for query in queries:
            terms = plain_terms(query)
            expected = np.asarray(self.model.get_scores(terms))
            got = self.scores(terms)
            scale = np.maximum(np.abs(expected), 1e-12)
            worst = max(worst, float(np.max(np.abs(got - expected) / scale)))
        return worst


def plain_answer(
    baseline: PlainBM25, documents: Sequence[Document], query: str, top_k: int, window: int
) -> Answer:
    """The baseline's ranked sentences through newsdesk's passage assembly."""
    terms, hits = baseline.hits(query, top_k * (2 * window + 1) + 8)
    return compose(query, terms, hits, documents, top_k=top_k, window=window)


# -- running ---------------------------------------------------------------------------------


@dataclass
class Scores:
    """Per-question outcomes of one system on one question set."""

    ranks: list[int | None] = field(default_factory=list)
    extra: dict[str, list[bool]] = field(default_factory=dict)

    def add(self, rank: int | None, **flags: bool) -> None:
        self.ranks.append(rank)
        for name, value in flags.items():
            self.extra.setdefault(name, []).append(value)

    def hit_at(self, depth: int) -> float:
        return _mean([r is not None and r <= depth for r in self.ranks])

    def mrr(self, depth: int = 10) -> float:
        return _mean([1.0 / r if r is not None and r <= depth else 0.0 for r in self.ranks])

    def share(self, name: str) -> float:
        return _mean(self.extra.get(name, []))


def _mean(values: Sequence[float | bool]) -> float:
    return float(np.mean(values)) if len(values) else float("nan")


def without_abstention(settings: Settings) -> Settings:
    """``settings`` with both abstention thresholds at 0 (rank every question)."""
    return settings.model_copy(update={"min_match": 0.0, "min_article_match": 0.0})


def settings_for(db: Path, overrides: Sequence[str]) -> Settings:
    """Settings for a bench database with ``FIELD=VALUE`` overrides."""
    values: dict[str, object] = {"db": db, "question_log": False}
    for item in overrides:
        name, _, value = item.partition("=")
        values[name.strip()] = value.strip()
    return Settings(**values)  # type: ignore[arg-type]


async def open_service(settings: Settings, corpus: Callable[[Path], Path]) -> AnswerService:
    """Open the bench database; ingest ``corpus(tmpdir)`` through the pipeline when empty."""
    service = await AnswerService.open(settings, load_sample=False)
    if await service.store.count_articles() == 0:
        with tempfile.TemporaryDirectory() as tmp:
            path = corpus(Path(tmp))
            started = time.perf_counter()
            report = await service.ingest([path])
            print(f"ingested {report.added} articles ({len(report.skipped)} skipped, "
                  f"{report.duplicates} duplicates) in {time.perf_counter() - started:.1f}s")
    else:
        await service.reindex()
        print(f"reusing {settings.db}")
    sentences = sum(len(d.sentences) for d in service.documents)
    print(f"corpus: {len(service.documents)} articles, {sentences} sentences")
    return service


def table(title: str, header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """Print a Markdown table."""
    print(f"\n{title}\n")
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for row in rows:
        cells = [f"{c:.3f}" if isinstance(c, float) else str(c) for c in row]
        print("| " + " | ".join(cells) + " |")


# -- SQuAD -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SquadQuestion:
    """One SQuAD question with its paragraph's URL and answer spans (in the paragraph)."""

    question: str
    url: str
    spans: tuple[tuple[int, int], ...]
    tune: bool


def squad_url(title: str, paragraph_index: int) -> str:
    """The URL a SQuAD paragraph is stored under (how answers are traced back to it)."""
    return f"https://squad.invalid/{title}/{paragraph_index}"


def load_squad(path: Path) -> tuple[list[dict[str, object]], list[SquadQuestion]]:
    """Articles (JSON records) and questions from ``paragraphs.jsonl``."""
    records: list[dict[str, object]] = []
    questions: list[SquadQuestion] = []
    titles: dict[str, int] = {}
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            paragraph = json.loads(line)
            title = paragraph["title"]
            titles.setdefault(title, len(titles))
            url = squad_url(title, paragraph["paragraph_index"])
            records.append({"title": title.replace("_", " "), "text": paragraph["context"],
                            "url": url, "source": "Wikipedia"})
            for qa in paragraph["qas"]:
                spans = tuple(
                    (a["answer_start"], a["answer_start"] + len(a["text"])) for a in qa["answers"]
                )
                questions.append(
                    SquadQuestion(qa["question"], url, spans, titles[title] < TUNE_ARTICLES)
                )
    return records, questions


def squad_rank(answer: Answer, question: SquadQuestion, offset: dict[int, list[int]]) -> int | None:
    """Rank of the first passage whose best sentence overlaps an answer span, or None."""
    for hit in answer.hits:
        if hit.document.url != question.url:
            continue
        mapping = offset[hit.document.doc_id]
        start = mapping[min(hit.sentence.start, len(mapping) - 1)]
        end = mapping[min(hit.sentence.end, len(mapping) - 1)]
        if any(start < span_end and span_start < end for span_start, span_end in question.spans):
            return hit.rank
    return None


def _skippable(char: str) -> bool:
    return char.isspace() or unicodedata.category(char) == "Cf"


def align(body: str, original: str) -> list[int] | None:
    """For each offset of ``body`` (and its end), the offset in ``original``.

    The reader collapses runs of whitespace and drops format characters (zero-width
    spaces, BOMs), so characters are matched in order while
    surplus whitespace of either text is skipped; None when the texts differ otherwise.
    """
    mapping: list[int] = []
    i = 0
    for char in body:
        while i < len(original) and original[i] != char and _skippable(original[i]):
            i += 1
        if i < len(original) and original[i] == char:
            mapping.append(i)
            i += 1
        elif char.isspace():
            mapping.append(i)
        else:
            return None
    mapping.append(len(original))
    return mapping


async def squad_offsets(
    service: AnswerService, records: Sequence[dict[str, object]]
) -> dict[int, list[int]]:
    """Per stored paragraph, stored-body offsets mapped to SQuAD context offsets."""
    context = {str(r["url"]): str(r["text"]) for r in records}
    offsets: dict[int, list[int]] = {}
    unaligned = 0
    for document in service.documents:
        body = await service.store.get_body(document.doc_id) or ""
        original = context[document.url or ""]
        mapping = align(body, original)
        if mapping is None:
            unaligned += 1
            mapping = list(range(len(body) + 1))
        offsets[document.doc_id] = mapping
    if unaligned:
        print(f"note: {unaligned} stored paragraphs could not be aligned with their context")
    return offsets


async def run_squad(args: argparse.Namespace) -> None:
    path = eval_dir() / "squad-v1.1-dev" / "paragraphs.jsonl"
    if not path.exists():
        print(f"SQuAD data not found at {path} (set NEWSDESK_EVAL_DIR); skipping")
        return
    records, questions = load_squad(path)

    def write(tmp: Path) -> Path:
        out = tmp / "squad-paragraphs.jsonl"
        out.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        return out

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(args.db) if args.db else Path(tmp) / "squad.db"
        settings = settings_for(db, args.set)
        service = await open_service(settings, write)
        try:
            offsets = await squad_offsets(service, records)
            documents = service.documents
            systems: dict[str, dict[bool, Scores]] = {}
            ranking = await AnswerService.open(without_abstention(settings), load_sample=False)
            try:
                for name, system in (("newsdesk (ranking, abstention off)", ranking),
                                     ("newsdesk (defaults, abstains)", service)):
                    scores = systems[name] = {True: Scores(), False: Scores()}
                    started = time.perf_counter()
                    for question in questions:
                        answer = await system.answer(question.question, top_k=10)
                        scores[question.tune].add(squad_rank(answer, question, offsets))
                    seconds = time.perf_counter() - started
                    print(f"{name}: {len(questions)} questions in {seconds:.1f}s "
                          f"({1000 * seconds / len(questions):.1f} ms each, whole async path)")
            finally:
                await ranking.close()
            if not args.no_baseline:
                baseline = PlainBM25(documents)
                worst = baseline.check(q.question for q in questions[:50])
                print(f"plain BM25Okapi: numpy scores vs get_scores, max relative difference "
                      f"{worst:.1e} over 50 questions")
                plain = systems.setdefault("rank-bm25 plain", {True: Scores(), False: Scores()})
                for question in questions:
                    answer = plain_answer(baseline, documents, question.question, 10,
                                          service.params.window)
                    plain[question.tune].add(squad_rank(answer, question, offsets))
        finally:
            await service.close()
    for tune, name in ((True, "tuning half (first 24 articles)"),
                       (False, "report half (other 24 articles)")):
        count = len(next(iter(systems.values()))[tune].ranks)
        table(
            f"SQuAD v1.1 dev, {name}: {count} questions, all 2,067 paragraphs indexed",
            ["system", "hit@1", "MRR@10", "recall@5"],
            [[system, s[tune].hit_at(1), s[tune].mrr(10), s[tune].hit_at(5)]
             for system, s in systems.items()],
        )
    both = {system: Scores(ranks=s[True].ranks + s[False].ranks)
            for system, s in systems.items()}
    table(
        f"SQuAD v1.1 dev, all {len(questions)} questions",
        ["system", "hit@1", "MRR@10", "recall@5"],
        [[system, s.hit_at(1), s.mrr(10), s.hit_at(5)] for system, s in both.items()],
    )


# -- RealTime QA -----------------------------------------------------------------------------


def normalize_answer(text: str) -> str:
    """Case-fold, make curly quotes straight and collapse whitespace."""
    return " ".join(text.translate(_QUOTES).casefold().split())


def answer_variants(texts: Iterable[str]) -> list[str]:
    """Normalised answer texts, without surrounding quotes."""
    return [v for v in (normalize_answer(t).strip("\"' ") for t in texts) if v]


def passage_text(answer: Answer, rank: int = 1) -> str:
    """Normalised text of the passage at ``rank`` (empty when there is none)."""
    if len(answer.hits) < rank:
        return ""
    return normalize_answer(" ".join(s.text for s in answer.hits[rank - 1].sentences))


@dataclass(frozen=True)
class RealTimeQuestion:
    """One gold question: its text, answer strings and gold article URLs."""

    question: str
    answers: tuple[str, ...]
    gold_urls: frozenset[str]
    as_of: date | None = None


def load_realtimeqa(
    folder: Path,
) -> tuple[list[RealTimeQuestion], list[RealTimeQuestion], list[str]]:
    """The gold questions, the tuning questions and the unanswerable questions.

    Gold: the 166 of ``gold_questions.jsonl`` whose answer text is in the gold article.
    Tuning: quiz questions of ``questions.jsonl`` from the corpus weeks (2022/06/10 to
    2022/11/12) that are not gold questions and whose answer (3+ characters) occurs
    somewhere in the corpus; the search results of their week are in the corpus, but no
    gold article is known, so only answer@1 is measured. Unanswerable: quiz questions dated
    outside the corpus months.
    """
    urls: dict[str, str] = {}
    corpus_text: list[str] = []
    with gzip.open(folder / "articles.jsonl.gz", "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            urls[record["id"]] = record["url"]
            corpus_text.append(normalize_answer(record.get("text") or ""))
    everything = "\n".join(corpus_text)
    gold: list[RealTimeQuestion] = []
    gold_ids: set[str] = set()
    with (folder / "gold_questions.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            gold_ids.add(record["question_id"])
            if record["answer_text_in_gold_article"]:
                gold.append(RealTimeQuestion(
                    record["question_sentence"],
                    tuple(answer_variants(record["answer_text"])),
                    frozenset(urls[i] for i in record["gold_article_ids"]),
                    _day(record["question_date"]),
                ))
    tuning: list[RealTimeQuestion] = []
    unanswerable: list[RealTimeQuestion] = []
    with (folder / "questions.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            day = record["question_date"]
            if not CORPUS_MONTHS[0] <= day <= CORPUS_MONTHS[1]:
                unanswerable.append(RealTimeQuestion(record["question_sentence"], (),
                                                     frozenset(), _day(day)))
            elif TUNING_WEEKS[0] <= day <= TUNING_WEEKS[1] and (
                record["question_id"] not in gold_ids
            ):
                answers = tuple(a for a in answer_variants(record["answer_text"]) if len(a) >= 3)
                if any(a in everything for a in answers):
                    tuning.append(RealTimeQuestion(record["question_sentence"], answers,
                                                   frozenset(), _day(day)))
    return gold, tuning, unanswerable


def _day(text: str) -> date:
    """A RealTime QA ``YYYY/MM/DD`` date."""
    return date.fromisoformat(text.replace("/", "-"))


def judge(answer: Answer, question: RealTimeQuestion, rank: int = 1) -> tuple[bool, bool]:
    """(answer in the passage at ``rank``, passage from a gold article)."""
    if len(answer.hits) < rank:
        return False, False
    text = passage_text(answer, rank)
    found = any(a in text for a in question.answers)
    return found, answer.hits[rank - 1].document.url in question.gold_urls


async def run_realtimeqa(args: argparse.Namespace) -> None:
    folder = eval_dir() / "realtimeqa"
    if not (folder / "articles.jsonl.gz").exists():
        print(f"RealTime QA data not found in {folder} (set NEWSDESK_EVAL_DIR); skipping")
        return
    gold, tuning, unanswerable = load_realtimeqa(folder)
    if args.unanswerable and args.unanswerable < len(unanswerable):
        step = len(unanswerable) / args.unanswerable
        unanswerable = [unanswerable[int(i * step)] for i in range(args.unanswerable)]
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(args.db) if args.db else Path(tmp) / "realtimeqa.db"
        settings = settings_for(db, args.set)
        service = await open_service(settings, lambda _: folder / "articles.jsonl.gz")
        try:
            rows = []
            ranking = await AnswerService.open(without_abstention(settings), load_sample=False)
            try:
                answers = [await ranking.answer(q.question, top_k=5, as_of=q.as_of)
                           for q in gold]
                rows.append(["newsdesk (ranking, abstention off)",
                             *_realtime_row(answers, gold)])
                tuned = [await ranking.answer(q.question, top_k=1, as_of=q.as_of)
                         for q in tuning]
            finally:
                await ranking.close()
            answers = [await service.answer(q.question, top_k=5, as_of=q.as_of) for q in gold]
            rows.append(["newsdesk (defaults, abstains)", *_realtime_row(answers, gold)])
            if not args.no_baseline:
                documents = service.documents
                baseline = PlainBM25(documents)
                worst = baseline.check(q.question for q in gold[:50])
                print(f"plain BM25Okapi: numpy scores vs get_scores, max relative difference "
                      f"{worst:.1e} over 50 questions")
                plain = [plain_answer(baseline, documents, q.question, 5, service.params.window)
                         for q in gold]
                rows.insert(0, ["rank-bm25 plain", *_realtime_row(plain, gold)])
            table(
                f"RealTime QA: {len(gold)} gold questions with the answer in the gold article, "
                f"all articles indexed",
                ["system", "answer@1", "article hit@1", "answer@5"],
                rows,
            )
            table(
                f"RealTime QA tuning set (not reported above): {len(tuning)} quiz questions of "
                "the corpus weeks, not gold, answer somewhere in the corpus",
                ["system", "answer@1"],
                [["newsdesk (abstention off)", _mean([judge(a, q)[0] for a, q in zip(tuned, tuning,
                                                                     strict=True)])]],
            )
        finally:
            await service.close()
        await abstention(settings, gold, unanswerable)


def _realtime_row(answers: Sequence[Answer], gold: Sequence[RealTimeQuestion]) -> list[float]:
    first = [judge(a, q) for a, q in zip(answers, gold, strict=True)]
    at5 = [any(judge(a, q, rank)[0] for rank in range(1, 6)) for a, q in zip(answers, gold,
                                                                               strict=True)]
    return [_mean([f for f, _ in first]), _mean([g for _, g in first]), _mean(at5)]


async def abstention(
    settings: Settings, gold: Sequence[RealTimeQuestion],
    unanswerable: Sequence[RealTimeQuestion],
) -> None:
    """Print refusals of unanswerable questions vs answer@1 for a grid of thresholds."""
    print(f"\nabstention: {len(unanswerable)} questions.jsonl quiz questions dated outside "
          f"{CORPUS_MONTHS[0]}..{CORPUS_MONTHS[1]} (taken as unanswerable), {len(gold)} "
          "answerable. newsdesk refuses when the best passage holds less than min_match of "
          "the question's IDF weight, or its article less than min_article_match")
    chosen = (settings.min_match, settings.min_article_match)
    service = await AnswerService.open(without_abstention(settings), load_sample=False)
    try:
        good = [await service.answer(q.question, top_k=1, as_of=q.as_of) for q in gold]
        bad = [await service.answer(q.question, top_k=1, as_of=q.as_of) for q in unanswerable]
        good_match = np.array([service.confidence(a) for a in good]).reshape(-1, 2)
        bad_match = np.array([service.confidence(a) for a in bad]).reshape(-1, 2)
    finally:
        await service.close()
    correct = np.array([judge(a, q)[0] for a, q in zip(good, gold, strict=True)])
    base = float(np.mean(correct))
    rows = []
    grid = sorted({(p, a) for p in (0.0, 0.35, 0.4, 0.45, 0.5) for a in (0.0, 0.45, 0.6)}
                  | {(p, chosen[1]) for p in (0.38, 0.39, 0.4, 0.41, 0.42, 0.43)} | {chosen})
    for passage, article in grid:
        refused = float(np.mean((bad_match[:, 0] < passage) | (bad_match[:, 1] < article)))
        kept = float(np.mean(correct & (good_match[:, 0] >= passage)
                             & (good_match[:, 1] >= article)))
        ok = refused >= 0.75 and base - kept <= 0.0301
        mark = " (default)" if (passage, article) == chosen else ""
        rows.append([f"{passage:.2f}", f"{article:.2f}{mark}", refused, kept,
                     f"{kept - base:+.3f}", "yes" if ok else ""])
    table("abstention trade-off",
          ["min_match", "min_article_match", "unanswerable refused", "answer@1 on the 166",
           "change", ">=75% refused, drop <=3 pts"], rows)


# -- non-prose lines -------------------------------------------------------------------------


def run_prose(args: argparse.Namespace) -> None:
    """How many lines `retrieval.prose.is_prose` removes, and whether gold answers survive."""
    del args
    folder = eval_dir()
    sources = {
        "RealTime QA": folder / "realtimeqa" / "articles.jsonl.gz",
        "BBC News": folder / "bbc-news" / "articles.jsonl",
    }
    rows = []
    texts: dict[str, str] = {}
    examples: list[str] = []
    for name, path in sources.items():
        if not path.exists():
            print(f"{path} not found (set NEWSDESK_EVAL_DIR); skipping {name}")
            continue
        opener = gzip.open if path.suffix == ".gz" else open
        lines = removed = sentences = sentences_removed = 0
        with opener(path, "rt", encoding="utf-8") as records:
            for record_line in records:
                record = json.loads(record_line)
                body = record.get("text") or ""
                texts[record.get("id", "")] = body
                for line in body.splitlines():
                    if not line.strip():
                        continue
                    lines += 1
                    if not is_prose(line):
                        removed += 1
                        if len(examples) < 12 and removed % 97 == 1:
                            examples.append(line[:110])
                for sentence in split_sentences(body):
                    sentences += 1
                    sentences_removed += not is_prose(sentence)
        rows.append([name, lines, removed, f"{removed / max(lines, 1):.1%}", sentences,
                     sentences_removed, f"{sentences_removed / max(sentences, 1):.1%}"])
    table("lines and sentences that are not article prose (never shown as an answer)",
          ["corpus", "lines", "not prose", "share", "sentences", "not prose", "share"], rows)
    print("\nexamples:\n" + "\n".join(f"  {e}" for e in examples))
    gold_path = folder / "realtimeqa" / "gold_questions.jsonl"
    if not gold_path.exists():
        return
    found = found_prose = asked = 0
    lost: list[str] = []
    with gold_path.open(encoding="utf-8") as lines_in:
        for line in lines_in:
            record = json.loads(line)
            if not record["answer_text_in_gold_article"]:
                continue
            asked += 1
            answers = answer_variants(record["answer_text"])
            sentences = [normalize_answer(sentence) for i in record["gold_article_ids"]
                         for sentence in split_sentences(texts.get(i, ""))]
            prose = [normalize_answer(sentence) for i in record["gold_article_ids"]
                     for sentence in split_sentences(texts.get(i, "")) if is_prose(sentence)]
            in_any = any(a in t for a in answers for t in sentences)
            in_prose = any(a in t for a in answers for t in prose)
            found += in_any
            found_prose += in_prose
            if in_any and not in_prose:
                lost.append(record["question_sentence"])
    print(f"\nRealTime QA gold: {asked} questions; answer text inside one sentence of the gold "
          f"article: {found}; inside a prose sentence: {found_prose}")
    for question in lost:
        print(f"  answer only in a non-prose sentence: {question}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.quality", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dataset", choices=["squad", "realtimeqa", "prose"])
    parser.add_argument("--db", help="keep the database here (reused when not empty)")
    parser.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE",
                        help="override a setting, e.g. --set bm25_k1=1.2")
    parser.add_argument("--no-baseline", action="store_true", help="skip plain rank-bm25")
    parser.add_argument("--unanswerable", type=int, default=0,
                        help="ask only this many unanswerable questions (evenly spaced)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    if args.dataset == "prose":
        run_prose(args)
        return 0
    runner = run_squad if args.dataset == "squad" else run_realtimeqa
    asyncio.run(runner(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
