"""The period rules of `retrieval.abbreviations`, and that each decision reads a bounded
neighbourhood of its period however long the line (issue 9: no quadratic splitting)."""

import pytest

from retrieval.abbreviations import breaks_after_period
from retrieval.sentences import segment


class CountingStr(str):
    """A str that counts the characters read through indexing and slicing."""

    read = 0

    def __getitem__(self, key):
        found = str.__getitem__(self, key)
        CountingStr.read += len(found)
        return found


def decide(line: str, prev: str, next_token: str) -> bool:
    return breaks_after_period(line, line.rindex(prev + "."), prev, next_token,
                               next_token.rstrip(".,"), first_upper=next_token[0].isupper(),
                               headline=False)


@pytest.mark.parametrize(("line", "prev", "next_token", "expected"), [
    ("He lives on Kiowa St.", "St", "He", True),
    ("They met at Fort St.", "St", "Frédéric", False),
    ("Gen. A.", "A", "B.", False),
    ("in the U.S.", "U.S", "Senate", False),
    ("in the U.S.", "U.S", "The", True),
    ("on Jan.", "Jan", "5,", False),
    ("a plan b.", "b", "The", True),
])
def test_period_rules(line, prev, next_token, expected):
    assert decide(line, prev, next_token) is expected


def test_street_rule_reads_only_the_words_before_it():
    line = CountingStr("x " * 500_000 + "Main St.")
    CountingStr.read = 0
    assert decide(line, "St", "He") is True
    assert CountingStr.read < 100  # was the whole line: line[:start].rstrip()


def test_a_megabyte_line_of_street_names_splits_into_every_sentence():
    text = "Main St. He left. " * 60_000
    sentences = segment(text)
    assert len(sentences) == 120_000
    assert {s.text for s in sentences} == {"Main St.", "He left."}
