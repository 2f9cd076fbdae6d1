"""Shared cases TOK-01 (accent folding) and TOK-03 (apostrophes and possessives), end to end:
the article is ingested as JSON through the service and each question's answer is checked."""

import json
from pathlib import Path

import pytest

from bot.config import Settings
from bot.service import AnswerService

TOK_01 = {"title": "Flights resume", "publisher": "Example Wire",
          "url": "https://wire.example/flights", "date": "2026-04-02",
          "text": "Flights between São Paulo and Zürich resumed on Thursday. A new café opened "
                  "in the terminal. Mayor Inés Muñoz attended the ceremony. Police later "
                  "questioned Jose Alvarez."}
TOK_03 = {"title": "School meeting", "publisher": "Example Times",
          "url": "https://news.example/school", "date": "2026-05-05",
          "text": "Head teacher Siobhan O\u2019Brien met the parents\u2019 group on Monday. "
                  "The children's new timetable starts in June."}


async def answers(tmp_path: Path, article: dict[str, str], questions: list[str]) -> list[str]:
    path = tmp_path / "article.json"
    path.write_text(json.dumps(article, ensure_ascii=False), encoding="utf-8")
    settings = Settings(db=tmp_path / "n.db", question_log=False)
    async with await AnswerService.open(settings, load_sample=False) as service:
        await service.ingest([path])
        found = []
        for question in questions:
            best = (await service.answer(question, as_of=None)).best
            found.append(" ".join(s.text for s in best.sentences) if best else "")
        return found


@pytest.mark.parametrize(("question", "sentence"), [
    ("What about Sao Paulo?", "Flights between São Paulo and Zürich resumed on Thursday."),
    ("Which cafe?", "A new café opened in the terminal."),
    ("Who is Ines Munoz?", "Mayor Inés Muñoz attended the ceremony."),
    ("What about José Álvarez?", "Police later questioned Jose Alvarez."),
])
async def test_tok_01_accents_fold_both_ways_and_quotes_keep_them(tmp_path, question, sentence):
    """TOK-01: a question without accents finds accented text and vice versa."""
    (found,) = await answers(tmp_path, TOK_01, [question])
    assert sentence in found


@pytest.mark.parametrize(("question", "sentence"), [
    ("What did Siobhan O'Brien do?",
     "Head teacher Siobhan O\u2019Brien met the parents\u2019 group on Monday."),
    ("When does the childrens timetable start?", "The children's new timetable starts in June."),
    ("Who met the parents group?",
     "Head teacher Siobhan O\u2019Brien met the parents\u2019 group on Monday."),
])
async def test_tok_03_apostrophes_and_possessives_match(tmp_path, question, sentence):
    """TOK-03: straight and typographic apostrophes are one; possessives meet plurals."""
    (found,) = await answers(tmp_path, TOK_03, [question])
    assert sentence in found


async def test_disc_09_autocomplete_choices_fit_discords_limits(tmp_path):
    """DISC-09: at most 25 choices; names 1-100 characters, one line; values <= 100."""
    from bot.cogs.sources import title_choices

    publisher = "The Very Long Name of a Regional Harbour and Coastal Affairs Publisher " * 2
    path = tmp_path / "many.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for n in range(60):
            title = (f"**Harbour** update {n}:\n_the_ `pier` story " + "x" * (120 + 3 * n))[:300]
            out.write(json.dumps({"title": title, "publisher": publisher[:120],
                                  "text": f"The harbour pier story number {n} continued."})
                      + "\n")
    settings = Settings(db=tmp_path / "n.db", question_log=False)
    async with await AnswerService.open(settings, load_sample=False) as service:
        await service.ingest([path])
        for typed in ("harbour", "", "   "):
            choices = title_choices(service.listings.titles(("shared",), typed))
            assert 1 <= len(choices) <= 25
            for choice in choices:
                assert 1 <= len(choice.name) <= 100
                assert choice.name.strip()
                assert "\n" not in choice.name
                assert len(str(choice.value)) <= 100
