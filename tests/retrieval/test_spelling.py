from retrieval.spelling import compound_terms, correct, correct_term, edits1

FREQUENCY = {"twitter": 900, "account": 400, "champion": 120, "heaviest": 40, "record": 800,
             "war": 5000, "caption": 300, "webb": 60, "sunak": 200, "healthcar": 30,
             "health": 500, "care": 700}


def frequency(term: str) -> int:
    return FREQUENCY.get(term, 0)


def test_edits1_has_deletes_swaps_replacements_and_inserts() -> None:
    edits = set(edits1("ab"))
    assert {"a", "b", "ba", "xb", "abx", "xab"} <= edits


def test_one_edit_typos_meet_the_corpus_term() -> None:
    assert correct_term("twiter", frequency) == "twitter"
    assert correct_term("acount", frequency) == "account"
    assert correct_term("recrod", frequency) == "record"  # swapped neighbours


def test_two_edits_only_for_long_terms() -> None:
    assert correct_term("heavyest", frequency) == "heaviest"  # 8 letters, one edit
    assert correct_term("champoins", frequency) == "champion"  # two edits, long enough
    assert correct_term("wor", frequency) == "wor"  # too short to tell


def test_known_terms_and_numbers_are_left_alone() -> None:
    assert correct_term("record", frequency) == "record"
    assert correct_term("2022", frequency) == "2022"


def test_no_close_term_leaves_the_term_unknown() -> None:
    assert correct_term("dogecoin", frequency) == "dogecoin"


def test_stopwords_are_never_a_correction() -> None:
    # "whar" is one edit from "what" (a stopword) and from "war": only "war" may be chosen
    assert correct_term("whar", frequency) == "war"
    assert correct_term("thes", lambda term: 0) == "thes"


def test_names_are_kept() -> None:
    assert correct(["capston", "twiter"], frequency, keep={"capston"}) == ["capston", "twitter"]


def test_hyphen_join_kept_only_when_the_corpus_has_it() -> None:
    assert compound_terms("health-care costs", frequency) == ["health", "care", "healthcar",
                                                              "cost"]
    assert compound_terms("a Trump-backed candidate", frequency) == ["trump", "back", "candid"]


def test_unknown_form_meets_a_longer_corpus_form() -> None:
    assert correct_term("heavi", frequency) == "heaviest"


def test_overlong_terms_are_never_corrected() -> None:
    """Hostile input: candidates grow with the square of a term's length (a 1,000-letter
    "word" made the answer path run out of memory), so long terms are left as they are."""
    long = "x" * 1000
    assert correct_term(long, lambda term: 0) == long
    assert correct_term("internationalizaton", lambda t: {"internationalization": 9}.get(t, 0)) == \
        "internationalization"
