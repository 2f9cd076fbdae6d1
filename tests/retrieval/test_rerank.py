import pytest

from retrieval.rerank import expected_answer_type, holds_answer_type


@pytest.mark.parametrize(("query", "expected"), [
    ("Who signed the statement?", "person"),
    ("When did the bridge reopen?", "date"),
    ("What year was the treaty signed?", "date"),
    ("How many projects were approved?", "number"),
    ("Where did the zeppelin land?", "place"),
    ("What did Kim say about hostile forces?", None),
])
def test_expected_answer_type(query, expected):
    assert expected_answer_type(query) == expected


def test_person_found_after_title_or_as_a_name_mid_sentence():
    assert holds_answer_type("Gen. A. B. Carter signed it.", "person", "Who signed it?")
    assert holds_answer_type("The deal was signed by Ana Ruiz on Monday.", "person", "Who?")
    assert not holds_answer_type("Officials from both countries issued a statement.", "person",
                                 "Who issued it?")


def test_entity_named_in_the_question_does_not_count():
    assert not holds_answer_type("It happened in June.", "date", "What happened in June?")
    assert holds_answer_type("It happened in June 2021.", "date", "What happened in June?")
