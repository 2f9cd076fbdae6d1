from retrieval.synonyms import expand


def test_paraphrase_adds_group_mates_the_corpus_has() -> None:
    corpus = {"fine": 40, "loss": 90}
    assert expand(["penalti", "regul"], lambda t: corpus.get(t, 0)) == ["fine"]
    assert expand(["much", "money", "lose"], lambda t: corpus.get(t, 0)) == ["loss"]


def test_nothing_added_for_terms_outside_the_list_or_already_asked() -> None:
    assert expand(["bridg", "reopen"], lambda t: 10) == []
    assert "fine" not in expand(["fine", "penalti"], lambda t: 10)
