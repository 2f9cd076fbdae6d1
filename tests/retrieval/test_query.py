import pytest

from retrieval.query import detect_language, focus_of, strip_fillers, understand


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("Wer hat die Wahl in Brasilien gewonnen?", "de"),
        ("Was ist mit der Königin passiert?", "de"),
        ("¿Quién ganó la Copa del Mundo?", "es"),
        ("Qui a gagné le prix Mercury cette année ?", "fr"),
        ("Chi ha vinto le elezioni in Italia?", "it"),
        ("Quem ganhou a eleição no Brasil?", "pt"),
        ("Wat is het laatste nieuws over Twitter?", "nl"),
        ("Кто выиграл выборы?", "other"),
        ("Who won the Mercury Prize?", "en"),
        ("la la land box office", "en"),
        ("Pope Francis visits Sao Paulo", "en"),
        ("what did Angela Merkel say about the Bundestag vote", "en"),
    ],
)
def test_language_of_the_question(question: str, language: str) -> None:
    assert detect_language(question) == language


def test_greetings_and_chat_phrases_are_not_content() -> None:
    text = strip_fillers("hey guys lol, does anyone know who won the Mercury Prize? thanks!!")
    assert text == ", who won the Mercury Prize? !!"


def test_story_frame_of_a_long_message_is_dropped() -> None:
    message = ("Hey everyone, my cousin is confused and honestly so am I lol. She keeps saying "
               "some huge pumpkin broke a record this year for being the heaviest ever grown in "
               "the US. Does anyone know which state that pumpkin was actually from?")
    text = strip_fillers(message)
    for frame in ("cousin", "confused", "keeps", "lol", "Hey", "honestly", "know"):
        assert frame not in text.split()
    for content in ("pumpkin", "record", "heaviest", "state"):
        assert content in text


def test_short_question_keeps_family_words() -> None:
    assert "son's" in strip_fillers("Which congressman went to his son's wedding?")


def test_txt_speak_and_missing_apostrophes_are_spelled_out() -> None:
    assert understand("wat happend to kanye wests twiter acount").text == (
        "what happend to kanye wests twiter acount")
    assert understand("whats the name of rishi sunaks dog").text == (
        "what's the name of rishi sunaks dog")
    assert understand("is the U.S. in the lead").text == "is the U.S. in the lead"


def test_focus_is_the_asking_sentence_of_a_long_message() -> None:
    message = ("hiya, bit of a weird one. my friend who is really into hot sauce told me Texas "
               "Pete is getting sued because it's not even made in Texas?? is that actually real "
               "lol. where is it actually made then?")
    assert focus_of(message) == "where is it made then?"
    assert focus_of("Where is Texas Pete made?") is None


@pytest.mark.parametrize("question", ["what's new today?", "any news?", "What's the latest news",
                                      "anything happening today?", "Any updates?"])
def test_news_without_a_topic_asks_for_headlines(question: str) -> None:
    assert understand(question).headlines


@pytest.mark.parametrize("question", ["what happened with the rail strike this week?",
                                      "any updates on the wildfires?", "fill me in on the trial"])
def test_news_about_a_topic_is_a_search_for_the_newest(question: str) -> None:
    plan = understand(question)
    assert not plan.headlines
    assert plan.news
    assert plan.recency == 1.0


@pytest.mark.parametrize(("question", "recency"), [
    ("what's the mortgage rate right now", 1.0),
    ("how many have the floods killed so far", 1.0),
    ("who leads the league now", 1.0),
    ("is Griner still detained", 1.0),
    ("who is doing the halftime show next year", 1.0),
    ("when did Internet Explorer debut", 0.0),
])
def test_recency_words(question: str, recency: float) -> None:
    assert understand(question).recency == recency


def test_non_english_plan_keeps_the_text() -> None:
    plan = understand("Wie hoch ist der Hypothekenzins gerade?")
    assert not plan.is_english
    assert plan.language == "de"
