"""Issue 13: member-style questions through the real answer path (small dated corpus)."""

import json
from datetime import date

import pytest

from bot.formatting import render_plain
from bot.service import AnswerService

ARTICLES = [
    {"title": "Mortgage rates see largest decline since 2008", "url": "https://n.example/m1",
     "publisher": "Example Times", "publish_date": "2022/07/07",
     "text": "The 30-year fixed-rate mortgage averaged 5.30% in the week ending July 7, down "
             "from 5.70% the week before, according to Freddie Mac.\n\nHome buyers were "
             "relieved by the drop."},
    {"title": "Mortgage rates rise to nearly 6.3%", "url": "https://n.example/m2",
     "publisher": "Example Times", "publish_date": "2022/09/22",
     "text": "The 30-year fixed-rate mortgage averaged 6.29% in the week ending September 22, "
             "up from 6.02% the week before, according to Freddie Mac.\n\nBuyers are "
             "pulling back."},
    {"title": "Rihanna to headline the Super Bowl halftime show", "url": "https://n.example/r",
     "publisher": "Example Times", "publish_date": "2022/09/25",
     "text": "Pop icon Rihanna will perform at next year's Super Bowl halftime show, the NFL "
             "announced Sunday.\n\nMORE: The best halftime shows of all time\n\nThe singer "
             "shared a photo of her hand holding a football."},
    {"title": "Giant pumpkin sets record", "url": "https://n.example/p",
     "publisher": "Example Times", "publish_date": "2022/10/04",
     "text": "A Minnesota teacher grew a 2,560-pound pumpkin, the heaviest ever grown in the "
             "United States.\n\nThe record pumpkin was weighed at a festival in New York's "
             "Half Moon Bay event.\n\nThe prize was $30,000."},
    {"title": "Twitter account locked", "url": "https://n.example/t",
     "publisher": "Example Times", "publish_date": "2022/10/10",
     "text": "Kanye West's Twitter account was locked after a post that violated the platform's "
             "policies.\n\nIt happened a week after his Instagram account was restricted."},
    {"title": "Fuel prices climb again", "url": "https://n.example/f",
     "publisher": "Example Times", "publish_date": "2022/06/01",
     "text": "Fuel prices climbed for the third week as demand grew.\n\nThe price of diesel "
             "also rose sharply."},
    {"title": "Healthcare workers strike", "url": "https://n.example/h",
     "publisher": "Example Times", "publish_date": "2022/08/01",
     "text": "Health-care workers in São Paulo went on strike over pay.\n\nThe defence "
             "ministry sent medics to fill in."},
]


@pytest.fixture
async def service(settings, tmp_path):
    path = tmp_path / "articles.jsonl"
    path.write_text("".join(json.dumps(a) + "\n" for a in ARTICLES), encoding="utf-8")
    async with await AnswerService.open(settings, load_sample=False) as service:
        report = await service.ingest([path])
        assert report.added == len(ARTICLES)
        yield service


def shown(answer) -> str:
    return " ".join(s.text for s in answer.best.sentences)


async def test_plain_question_is_answered(service):
    answer = await service.answer("Who will perform at the Super Bowl halftime show?")
    assert "Rihanna will perform" in shown(answer)


async def test_related_link_line_is_never_the_answer(service):
    answer = await service.answer("what are the best halftime shows of all time")
    assert answer.best is None or "MORE:" not in shown(answer)


async def test_as_of_leaves_out_later_articles_and_prefers_the_newest(service):
    july = await service.answer("what's the mortgage rate right now", as_of=date(2022, 7, 10))
    september = await service.answer("what's the mortgage rate right now",
                                     as_of=date(2022, 9, 25))
    assert "5.30%" in shown(july)
    assert "6.29%" in shown(september)
    before = await service.answer("who will perform at the halftime show",
                                  as_of=date(2022, 9, 1))
    assert before.best is None or "Rihanna" not in shown(before)


async def test_chatty_long_question_is_answered(service):
    question = ("Hey everyone, my cousin is confused and honestly so am I lol. She keeps saying "
                "some huge pumpkin broke a record this year for being the heaviest ever grown in "
                "the US, and we've been going back and forth about it all night. Does anyone "
                "know how heavy the heaviest pumpkin actually was?")
    assert 150 <= len(question) <= 400
    answer = await service.answer(question, as_of=date(2022, 10, 10))
    assert "2,560-pound" in shown(answer)


async def test_typos_are_corrected_against_the_corpus(service):
    answer = await service.answer("wat happend to kanye wests twiter acount",
                                  as_of=date(2022, 10, 12))
    assert "Twitter account was locked" in shown(answer)
    assert "twitter" in answer.query_terms


async def test_spelling_variants_meet(service):
    answer = await service.answer("healthcare strike in Sao Paulo", as_of=date(2022, 8, 2))
    assert "São Paulo" in shown(answer)
    answer = await service.answer("what did the defense ministry do", as_of=date(2022, 8, 2))
    assert "defence ministry" in shown(answer)


@pytest.mark.parametrize("question", ["price of bitcoin", "best pizza topping",
                                      "how do I reset my password"])
async def test_off_topic_questions_abstain(service, question):
    answer = await service.answer(question)
    assert answer.hits == ()
    assert answer.reason in ("no_match", "no_terms")


@pytest.mark.parametrize("question", ["Wer tritt in der Halbzeitshow des Super Bowl auf?",
                                      "¿Cuál es el precio de la gasolina ahora?"])
async def test_non_english_question_gets_the_english_note(service, question):
    answer = await service.answer(question)
    assert answer.hits == ()
    assert answer.reason == "not_english"
    assert "answers questions in English" in render_plain(answer)


async def test_news_without_topic_lists_newest_headlines(service):
    answer = await service.answer("what's new today?", as_of=date(2022, 9, 30))
    assert answer.reason == "headlines"
    assert [h.document.title for h in answer.hits] == [
        "Rihanna to headline the Super Bowl halftime show", "Mortgage rates rise to nearly 6.3%",
        "Healthcare workers strike"]
    assert render_plain(answer).startswith("Latest headlines:")


async def test_german_question_answered_from_a_german_article(settings, tmp_path):
    path = tmp_path / "de.txt"
    path.write_text("Brücke eröffnet\n\nDer Bürgermeister eröffnete am Montag die neue Brücke "
                    "über die Öste.\n\nDie Kosten lagen bei 4,5 Millionen Euro.\n",
                    encoding="utf-8")
    async with await AnswerService.open(settings, load_sample=False) as service:
        await service.ingest([path])
        answer = await service.answer("Was eröffnete der Bürgermeister?")
    assert answer.best is not None
    assert "Brücke" in shown(answer)


async def test_headline_lead_skips_a_dateline(settings, tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({
        "title": "Meloni claims victory", "url": "https://n.example/m", "publisher": "CNN",
        "publish_date": "2022/09/25",
        "text": "Rome CNN —\n\nBrothers of Italy leader Giorgia Meloni has claimed victory in a "
                "general election.\n\nVoters turned out in lower numbers."}) + "\n",
        encoding="utf-8")
    async with await AnswerService.open(settings, load_sample=False) as service:
        await service.ingest([path])
        answer = await service.answer("any news?", as_of=date(2022, 9, 26))
    assert answer.reason == "headlines"
    assert answer.hits[0].sentence.text.startswith("Brothers of Italy leader")
