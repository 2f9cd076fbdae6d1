"""Member-style questions: is newsdesk right, per kind of question, on its own dev set?

Run from the repository root::

    python -m bench.members [--db PATH] [--set FIELD=VALUE ...] [--show KIND] [--half tune]

``bench/devset.jsonl`` holds questions written the way members ask them, one JSON object a
line: ``id``, ``kind`` (plain, chatty, typo, paraphrase, variant, recent, news, offtopic,
not_english), ``question``, ``as_of`` (the day it is asked, ``YYYY-MM-DD``; absent: today),
``half`` (``tune``: used to choose settings, ``report``: only reported), ``expect``
(``answer``, ``abstain``, ``not_english`` or ``headlines``) and, for answers, ``answers``
(strings one of which the shown passage must contain, case-folded) and optionally
``max_age_days`` (the cited article must be at most that old on the as-of day: the
"newest relevant article" kinds). The questions are ours; the articles they ask about
are the BBC News and RealTime QA corpora of ``../shared/eval`` (never copied here).

A question is **right** when:

* ``answer``: newsdesk answers, the passage shown (every fragment) contains one of
  ``answers`` and, when ``max_age_days`` is set, the cited article is dated within it;
* ``abstain``: newsdesk declines (``no_match`` or ``no_terms``);
* ``not_english``: the reason is ``not_english``;
* ``headlines``: the reason is ``headlines`` (newest articles listed).

Both corpora are ingested through ``AnswerService.ingest`` into a temporary database
(``--db PATH`` keeps it and reuses it). The table shows the right-rate per kind for the
tune and report halves, with abstention on (the defaults) and off.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import logging
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from bench.quality import (
    eval_dir,
    normalize_answer,
    open_service,
    settings_for,
    table,
    without_abstention,
)
from bot.service import AnswerService
from retrieval.types import Answer

DEVSET = Path(__file__).with_name("devset.jsonl")
KINDS = ("plain", "chatty", "typo", "paraphrase", "variant", "recent", "news", "offtopic",
         "not_english")


@dataclass(frozen=True)
class MemberQuestion:
    """One dev-set question (see the module docstring for the fields)."""

    id: str
    kind: str
    question: str
    as_of: date | None
    expect: str
    answers: tuple[str, ...]
    max_age_days: int | None
    half: str


def load_devset(path: Path = DEVSET) -> list[MemberQuestion]:
    """The dev-set questions in file order."""
    questions = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        questions.append(MemberQuestion(
            id=record["id"], kind=record["kind"], question=record["question"],
            as_of=date.fromisoformat(record["as_of"]) if record.get("as_of") else None,
            expect=record.get("expect", "answer"),
            answers=tuple(normalize_answer(a) for a in record.get("answers", ())),
            max_age_days=record.get("max_age_days"), half=record["half"],
        ))
    return questions


def shown_text(answer: Answer) -> str:
    """Normalised text of everything the best hit shows (all its fragments)."""
    if not answer.hits:
        return ""
    return normalize_answer(" ".join(s.text for s in answer.hits[0].sentences))


def is_right(answer: Answer, question: MemberQuestion) -> bool:
    """Whether ``answer`` is right for ``question`` (module docstring)."""
    if question.expect == "abstain":
        return not answer.hits and answer.reason in ("no_match", "no_terms")
    if question.expect in ("not_english", "headlines"):
        return answer.reason == question.expect
    if not answer.hits or answer.reason is not None:
        return False
    if not any(a in shown_text(answer) for a in question.answers):
        return False
    if question.max_age_days is not None:
        published = answer.hits[0].document.published
        if not published:
            return False
        asked = question.as_of or date.today()
        day = date.fromisoformat(published[:10])
        return asked - timedelta(days=question.max_age_days) <= day <= asked
    return True


def corpus_file(tmp: Path) -> Path:
    """BBC News and RealTime QA articles as one JSON Lines file (gzip) in ``tmp``."""
    folder = eval_dir()
    out = tmp / "members-corpus.jsonl.gz"
    with gzip.open(out, "wt", encoding="utf-8") as sink:
        with gzip.open(folder / "realtimeqa" / "articles.jsonl.gz", "rt",
                       encoding="utf-8") as lines:
            for line in lines:
                sink.write(line)
        with (folder / "bbc-news" / "articles.jsonl").open(encoding="utf-8") as lines:
            for line in lines:
                sink.write(line)
    return out


async def ask_all(
    service: AnswerService, questions: Sequence[MemberQuestion]
) -> list[Answer]:
    """Each question's answer (top 3 hits) as of its day."""
    return [await service.answer(q.question, top_k=3, as_of=q.as_of) for q in questions]


def rates(
    questions: Sequence[MemberQuestion], right: Sequence[bool], half: str | None
) -> list[str]:
    """``right/asked (share)`` per kind then overall, for one half (None: both)."""
    cells = []
    for kind in (*KINDS, None):
        picked = [r for q, r in zip(questions, right, strict=True)
                  if (kind is None or q.kind == kind) and (half is None or q.half == half)]
        cells.append(f"{sum(picked)}/{len(picked)} ({sum(picked) / len(picked):.0%})"
                     if picked else "-")
    return cells


async def run(args: argparse.Namespace) -> None:
    folder = eval_dir()
    if not (folder / "realtimeqa" / "articles.jsonl.gz").exists():
        print(f"RealTime QA data not found in {folder} (set NEWSDESK_EVAL_DIR); skipping")
        return
    questions = load_devset()
    if args.half:
        questions = [q for q in questions if q.half == args.half]
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(args.db) if args.db else Path(tmp) / "members.db"
        settings = settings_for(db, args.set)
        service = await open_service(settings, corpus_file)
        try:
            on = await ask_all(service, questions)
        finally:
            await service.close()
        ranking = await AnswerService.open(without_abstention(settings), load_sample=False)
        try:
            off = await ask_all(ranking, questions)
        finally:
            await ranking.close()
    right_on = [is_right(a, q) for a, q in zip(on, questions, strict=True)]
    right_off = [is_right(a, q) for a, q in zip(off, questions, strict=True)]
    rows = []
    for half in ("tune", "report", None):
        rows.append([half or "all", "on", *rates(questions, right_on, half)])
        rows.append([half or "all", "off", *rates(questions, right_off, half)])
    table(f"member-style dev set ({len(questions)} questions, {DEVSET.name}): right",
          ["half", "abstention", *KINDS, "all"], rows)
    for kind in args.show:
        print(f"\n{kind}: wrong answers with abstention on")
        for question, answer, ok in zip(questions, on, right_on, strict=True):
            if question.kind == kind and not ok:
                best = answer.hits[0] if answer.hits else None
                shown = (" | ".join(s.text for s in best.sentences)[:220]
                         if best else f"<{answer.reason}>")
                print(f"  {question.id} {question.question[:90]!r}\n     terms={answer.query_terms}"
                      f" reason={answer.reason}\n     -> "
                      f"{best.document.published if best else ''} {shown!r}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.members", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", help="keep the database here (reused when not empty)")
    parser.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE",
                        help="override a setting, e.g. --set min_match=0.4")
    parser.add_argument("--half", choices=["tune", "report"], help="ask only this half")
    parser.add_argument("--show", action="append", default=[], choices=KINDS,
                        help="list the wrong answers of this kind")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(run(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
