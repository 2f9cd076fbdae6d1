"""Choose the abstention weights on tuning data only, then show them on the reported sets.

Run from the repository root (databases as made by ``bench.quality`` / ``bench.members``)::

    python -m bench.abstention --squad-db PATH --rtqa-db PATH --members-db PATH

Every question is answered once with abstention off (``--cache FILE`` keeps the results);
the evidence of its best passage (`retrieval.confidence.Evidence`) is kept, so any
``unknown_term_weight``, ``rarest_missing``, ``min_specific``, ``rarest_max_terms``,
``min_match`` and ``min_article_match`` can be applied afterwards. The
**tuning** columns are what the defaults are chosen on: SQuAD's tuning half (hit@1 kept),
RealTime QA quiz questions of the corpus weeks that are not gold (answer@1 kept), the
member dev set's tune half (answerable kept, off-topic refused) and, for refusals, every
other unanswerable quiz question (dated outside the corpus months; the first half in file
order). The **report** columns are the held-out sets: SQuAD's report half, the 166 RealTime
QA gold questions, the other half of the unanswerable questions and the member report half.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import logging
import pickle
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from bench.members import is_right, load_devset
from bench.quality import (
    eval_dir,
    judge,
    load_realtimeqa,
    load_squad,
    settings_for,
    squad_offsets,
    squad_rank,
    table,
    without_abstention,
)
from bot.service import AnswerService
from retrieval.confidence import Evidence


@dataclass
class Part:
    """One question set: right-without-abstention, should-answer, evidence per question."""

    right: list[bool]
    answerable: list[bool]
    evidence: list[Evidence]

    def rates(
        self, unknown: float, rarest: float, passage: float, article: float,
        specific: float = 0.0, rarest_terms: int = 1000,
    ) -> tuple[float, float]:
        """(share right among answerable with abstention, share refused among the rest)."""
        matches = np.array([e.match(unknown, rarest, specific, rarest_terms)
                            for e in self.evidence]).reshape(-1, 2)
        kept: npt.NDArray[np.bool_] = (matches[:, 0] >= passage) & (matches[:, 1] >= article)
        right = np.array(self.right, dtype=bool)
        answerable = np.array(self.answerable, dtype=bool)
        good = float(np.mean((right & kept)[answerable])) if answerable.any() else 0.0
        refused = float(np.mean(~kept[~answerable])) if (~answerable).any() else 0.0
        return good, refused


async def squad_parts(db: Path) -> tuple[Part, Part]:
    records, questions = load_squad(eval_dir() / "squad-v1.1-dev" / "paragraphs.jsonl")
    service = await AnswerService.open(without_abstention(settings_for(db, [])),
                                       load_sample=False)
    try:
        offsets = await squad_offsets(service, records)
        parts = {True: Part([], [], []), False: Part([], [], [])}
        for question in questions:
            answer = await service.answer(question.question, top_k=1)
            part = parts[question.tune]
            part.right.append(squad_rank(answer, question, offsets) == 1)
            part.answerable.append(True)
            part.evidence.append(service.evidence(answer))
    finally:
        await service.close()
    return parts[True], parts[False]


async def rtqa_parts(db: Path, unanswerable_count: int) -> tuple[Part, Part]:
    gold, tuning, unanswerable = load_realtimeqa(eval_dir() / "realtimeqa")
    step = max(1, len(unanswerable) // unanswerable_count)
    unanswerable = unanswerable[::step][:unanswerable_count]
    service = await AnswerService.open(without_abstention(settings_for(db, [])),
                                       load_sample=False)
    tune, report = Part([], [], []), Part([], [], [])
    try:
        for questions, part in ((tuning, tune), (gold, report)):
            for question in questions:
                answer = await service.answer(question.question, top_k=1, as_of=question.as_of)
                part.right.append(judge(answer, question)[0])
                part.answerable.append(True)
                part.evidence.append(service.evidence(answer))
        for at, question in enumerate(unanswerable):
            answer = await service.answer(question.question, top_k=1, as_of=question.as_of)
            part = tune if at % 2 == 0 else report
            part.right.append(False)
            part.answerable.append(False)
            part.evidence.append(service.evidence(answer))
    finally:
        await service.close()
    return tune, report


async def member_parts(db: Path) -> tuple[Part, Part]:
    service = await AnswerService.open(without_abstention(settings_for(db, [])),
                                       load_sample=False)
    parts = {"tune": Part([], [], []), "report": Part([], [], [])}
    try:
        for question in load_devset():
            if question.expect not in ("answer", "abstain"):
                continue
            answer = await service.answer(question.question, top_k=3, as_of=question.as_of)
            part = parts[question.half]
            part.right.append(question.expect == "answer" and is_right(answer, question))
            part.answerable.append(question.expect == "answer")
            part.evidence.append(service.evidence(answer))
    finally:
        await service.close()
    return parts["tune"], parts["report"]


async def run(args: argparse.Namespace) -> None:
    cache = Path(args.cache) if args.cache else None
    if cache is not None and cache.exists():
        parts = pickle.loads(cache.read_bytes())
    else:
        parts = (*await squad_parts(Path(args.squad_db)),
                 *await rtqa_parts(Path(args.rtqa_db), args.unanswerable),
                 *await member_parts(Path(args.members_db)))
        if cache is not None:
            cache.write_bytes(pickle.dumps(parts))
    squad_tune, squad_report, rtqa_tune, rtqa_report, member_tune, member_report = parts
    rows = []
    grid = itertools.product((0.0, 1.0), (1.0, 0.5, 0.25),
                             (0.38, 0.41, 0.43, 0.45, 0.5), (0.0, 0.45, 0.55),
                             (0.0, 0.4), (2, 3, 4, 5))
    squad_off = squad_tune.rates(0, 1, 0, 0)[0]
    rtqa_off = rtqa_tune.rates(0, 1, 0, 0)[0]
    for unknown, rarest, passage, article, specific, rarest_terms in grid:
        weights = (unknown, rarest, passage, article, specific, rarest_terms)
        s_t = squad_tune.rates(*weights)[0]
        r_t, r_refused_t = rtqa_tune.rates(*weights)
        m_t, m_refused_t = member_tune.rates(*weights)
        s_r = squad_report.rates(*weights)[0]
        r_r, r_refused_r = rtqa_report.rates(*weights)
        m_r, m_refused_r = member_report.rates(*weights)
        # the rule: refuse most, at <= 3 points answer@1 cost (tuning sets)
        within = squad_off - s_t <= 0.03 and rtqa_off - r_t <= 0.03
        score = (1.0 if within else 0.0) + r_refused_t + m_refused_t + m_t
        rows.append((score, [*weights, s_t, r_t, r_refused_t, m_t, m_refused_t, s_r, r_r,
                             r_refused_r, m_r, m_refused_r]))
    rows.sort(key=lambda row: -row[0])
    base = [squad_tune.rates(0, 1, 0, 0)[0], rtqa_tune.rates(0, 1, 0, 0)[0],
            squad_report.rates(0, 1, 0, 0)[0], rtqa_report.rates(0, 1, 0, 0)[0]]
    print(f"abstention off: SQuAD tune {base[0]:.3f} report {base[2]:.3f}; RealTime QA "
          f"tuning answer@1 {base[1]:.3f}, gold answer@1 {base[3]:.3f}")
    table("abstention weights: first those costing <= 3 points of SQuAD tune hit@1 and RTQA "
          "tuning answer@1, then by unanswerable + off-topic refused + members right (tune)",
          ["unknown", "rarest", "min_match", "min_article", "min_specific", "rarest terms",
           "SQuAD tune",
           "RTQA tune",
           "unansw. refused tune", "members tune", "off-topic tune", "SQuAD report",
           "RTQA gold", "unansw. refused report", "members report", "off-topic report"],
          [r for _, r in rows[: args.top]])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.abstention", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--squad-db", required=True)
    parser.add_argument("--rtqa-db", required=True)
    parser.add_argument("--members-db", required=True)
    parser.add_argument("--unanswerable", type=int, default=1000)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--cache", help="keep the evidence here (pickle) and reuse it")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(run(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
