import numpy as np
import pytest

from bench.quality import (
    PlainBM25,
    RealTimeQuestion,
    SquadQuestion,
    align,
    answer_variants,
    judge,
    normalize_answer,
    plain_terms,
    squad_rank,
)
from retrieval.answer import compose
from retrieval.sentences import segment
from retrieval.types import Answer, Document, SentenceHit


def test_align_maps_stored_offsets_back_through_collapsed_whitespace():
    original = "Hello  world.\u200b Next  one."
    body = "Hello world. Next one."
    mapping = align(body, original)
    assert mapping is not None
    start = body.index("Next")
    assert original[mapping[start]: mapping[start] + 4] == "Next"
    assert mapping[len(body)] == len(original)
    assert align("Hello there", original) is None


def test_answers_are_compared_case_and_quote_insensitively():
    assert answer_variants(["\u201cSquid Game\u201d", "  "]) == ["squid game"]
    assert normalize_answer("It\u2019s  \u201cSquid\u201d") == "it's \"squid\""


def test_plain_baseline_scores_equal_rank_bm25_get_scores():
    docs = [Document(i, None, None, None, None, tuple(segment(t))) for i, t in enumerate([
        "The harbour bridge closed. Repairs start Monday.",
        "Ferry fares rise in June. The ferry is late.",
        "The council approved the budget.",
    ])]
    baseline = PlainBM25(docs)
    for query in ("When does the ferry fare rise?", "bridge repairs", "the"):
        terms = plain_terms(query)
        assert baseline.scores(terms) == pytest.approx(np.asarray(
            baseline.model.get_scores(terms)))
    assert baseline.check(["ferry ferry bridge"]) < 1e-12


def test_squad_and_realtimeqa_judging():
    doc = Document(1, "t", None, "https://squad.invalid/T/0", None,
                   tuple(segment("Alpha beta. Gamma delta is here.")))
    hit = SentenceHit(0, 1, 1.0)
    answer = compose("q", ("gamma",), [hit], [doc], top_k=1)
    question = SquadQuestion("q", "https://squad.invalid/T/0", ((12, 17),), True)
    offsets = {1: list(range(len("Alpha beta. Gamma delta is here.") + 1))}
    assert squad_rank(answer, question, offsets) == 1
    assert squad_rank(Answer("q", (), ()), question, offsets) is None
    gold = RealTimeQuestion("q", ("delta",), frozenset({"https://squad.invalid/T/0"}))
    assert judge(answer, gold) == (True, True)
