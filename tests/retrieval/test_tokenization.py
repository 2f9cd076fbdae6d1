"""The analyzer: NORM-01 (stopword-only queries), acronyms, numbers, spans."""

# typographic quotes, dashes and full-width letters are the test inputs

from __future__ import annotations

import pytest

from retrieval.tokenization import STOPWORDS, tokenize, tokenize_with_spans

# --- NORM-01: stopword-only questions reduce to no terms ------------------------------------


@pytest.mark.parametrize("question", ["Who is he?", "What was it about?", "?", "   "])
def test_norm_01_stopword_only_question_has_no_terms(question: str) -> None:
    assert tokenize(question) == []
    assert tokenize_with_spans(question) == []


@pytest.mark.parametrize(
    "question",
    ["", "Why did they do it?", "Is it theirs, or ours?", "... !!! ---", "Don't you?", "Who's us?"],
)
def test_more_stopword_only_inputs_have_no_terms(question: str) -> None:
    assert tokenize(question) == []


def test_norm_01_corpus_text_keeps_content_terms() -> None:
    assert tokenize("The harbour bridge reopened on Saturday. Ferry fares will rise in June.") == [
        "harbor",
        "bridg",
        "reopen",
        "saturday",
        "ferri",
        "fare",
        "rise",
        "june",
    ]


# --- acronyms ----------------------------------------------------------------------------


def test_capitalised_acronym_survives_stopword_removal() -> None:
    assert tokenize("WHO issued guidance") == ["who", "issu", "guidanc"]
    assert tokenize("who issued guidance") == ["issu", "guidanc"]
    assert tokenize("IT budgets and AM radio") == ["it", "budget", "am", "radio"]


def test_us_forms_give_the_same_term_but_pronoun_is_dropped() -> None:
    assert tokenize("U.S.") == tokenize("US") == tokenize("u.s.") == tokenize("U.S") == ["us"]
    assert tokenize("They told us.") == ["tell"]
    assert tokenize("Us and them") == []
    assert tokenize("talks in the U.S. and the US") == ["talk", "us", "us"]


def test_shouted_text_is_not_treated_as_acronyms() -> None:
    assert tokenize("WHO IS HE?") == []
    assert tokenize("WHAT WAS IT ABOUT") == []
    assert tokenize("WHO") == ["who"]


def test_dotted_abbreviations_lose_their_dots() -> None:
    assert tokenize("Ph.D. at 5 a.m. e.g. i.e.") == ["phd", "5", "am"]


# --- words, apostrophes, hyphens, numbers, Unicode ----------------------------------------


def test_possessive_s_is_dropped() -> None:
    assert tokenize("Kim's plan") == tokenize("Kim’s plan") == ["kim", "plan"]
    assert tokenize("the players' union") == ["player", "union"]


def test_contractions_stay_whole_and_are_stopwords() -> None:
    assert tokenize("don't won't can't isn't she'll we're") == []
    assert tokenize("O'Brien won") == ["o'brien", "win"]


def test_hyphens_split_words_and_join_two_word_compounds() -> None:
    assert tokenize("COVID-19 well-known U.S.-based") == [
        "covid",
        "19",
        "well",
        "know",
        "wellknown",
        "us",
        "base",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("in 2013", ["2013"]),
        ("3.5 per cent", ["3.5", "per", "cent"]),
        ("$1.89 a litre", ["1.89", "liter"]),
        ("1,000,000 people", ["1000000", "peopl"]),
        ("the 1990s and 50th", ["1990s", "50th"]),
        ("scores 24–10", ["score", "24", "10"]),
        ("in 2013.", ["2013"]),
    ],
)
def test_numbers_are_kept(text: str, expected: list[str]) -> None:
    assert tokenize(text) == expected


def test_unicode_nfkc_casefold_and_latin_accents_folded() -> None:
    assert tokenize("ＡＢＣ Straße Über café ﬁnance") == ["abc", "strass", "uber", "cafe", "financ"]
    assert tokenize("cafe\u0301") == tokenize("café") == tokenize("cafe")
    assert tokenize("Москва́") == ["москва́"]  # marks on other scripts are kept


def test_stemming_conflates_inflections() -> None:
    assert tokenize("Running runs") == tokenize("running run") == ["run", "run"]


# --- spans -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "The U.S. and Kim’s café opened at 5 a.m. on Jan. 5, 2013.",
        "WHO said COVID-19 cases rose 3.5% to 1,204 in the U.K.",
        "“Don't go,” said O'Brien. ＡＢＣ cafe\u0301 ½",
        "",
    ],
)
def test_spans_point_at_surface_words_and_match_tokenize(text: str) -> None:
    spans = tokenize_with_spans(text)
    assert tokenize(text) == [term for term, _, _ in spans]
    for term, start, end in spans:
        assert 0 <= start < end <= len(text)
        surface = text[start:end]
        assert surface.strip() == surface
        assert any(c.isalnum() for c in surface), (term, surface)


def test_spans_exact_offsets() -> None:
    text = "The U.S. and Kim’s café"
    assert tokenize_with_spans(text) == [("us", 4, 8), ("kim", 13, 18), ("cafe", 19, 23)]


def test_stopwords_are_shipped_lower_case() -> None:
    assert isinstance(STOPWORDS, frozenset)
    assert {"the", "who", "us", "don't", "it"} <= STOPWORDS
    assert "won" not in STOPWORDS
    assert all(word == word.lower() for word in STOPWORDS)


def test_tokenize_is_deterministic() -> None:
    text = "Negotiators met in the U.S. Officials issued a statement."
    assert (
        tokenize(text) == tokenize(text) == ["negoti", "met", "us", "offici", "issu", "statement"]
    )


# --- spelling variants (issue 13) ---------------------------------------------------------


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("José Muñoz in São Paulo", "Jose Munoz in Sao Paulo"),
        ("health-care costs", "healthcare costs"),
        ("a best-seller e-book", "a bestseller ebook"),
        ("the mid-term elections", "the midterm elections"),
        ("defence centre", "defense center"),
        ("the colour of the organisation", "the color of the organization"),
    ],
)
def test_spelling_variants_share_terms(one: str, other: str) -> None:
    assert set(tokenize(other)) <= set(tokenize(one))


def test_money_units_split_into_number_and_unit() -> None:
    assert tokenize("$5bn") == ["5", "billion"]
    assert tokenize("5 billion dollars") == ["5", "billion", "dollar"]
    assert tokenize("3m people and £600m and 10k runs") == [
        "3", "million", "peopl", "600", "million", "10", "thousand", "run"]


def test_hyphen_join_span_covers_both_words() -> None:
    assert tokenize_with_spans("e-book") == [("e", 0, 1), ("book", 2, 6), ("ebook", 0, 6)]
