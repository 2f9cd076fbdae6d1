import json
from datetime import date

import pytest

from bot.formatting import render_plain
from bot.service import AnswerService
from corpus.store import SHARED_SCOPE


async def test_empty_database_answers_from_the_bundled_article(settings):
    async with await AnswerService.open(settings) as service:
        answer = await service.answer("What did Kim say about hostile forces?")
    best = answer.best
    assert best is not None
    assert "hostile forces" in best.sentence.text
    assert best.document.title == (
        "Xi, Kim vow to strengthen North Korea and China’s friendship, cooperation"
    )
    assert best.document.source == "The Hill"
    assert best.document.url is None
    assert best.document.published is None


async def test_bundled_article_boilerplate_is_not_indexed(settings):
    async with await AnswerService.open(settings) as service:
        texts = [s.text for d in service.documents for s in d.sentences]
    joined = "\n".join(texts)
    for boilerplate in ("Getty Images", "All rights reserved", "Most Popular", "Load more",
                        "See all", "Tags China"):
        assert boilerplate not in joined


@pytest.mark.parametrize("question", ["Who is he?", "What was it about?", "?", "   "])
async def test_norm_01_question_without_terms_asks_for_a_topic_and_is_logged(settings, question):
    async with await AnswerService.open(settings) as service:
        answer = await service.answer(question)
        stats = await service.store.stats()
    assert answer.hits == ()
    assert answer.reason == "no_terms"
    assert render_plain(answer).startswith("Please ask about a specific topic")
    assert stats.questions == 1


# Case BM25-03 (../shared/cases/cases.jsonl)
async def test_bm25_03_empty_index_then_one_article_works_without_restart(settings, tmp_path):
    async with await AnswerService.open(settings, load_sample=False) as service:
        empty = await service.answer("What happened at the port?")
        assert empty.reason == "empty_corpus"
        assert "No articles are indexed yet" in render_plain(empty)

        nav_only = tmp_path / "nav.html"
        nav_only.write_text("<html><body><nav><a href='/'>Home</a></nav>"
                            "<script>var x=1;</script></body></html>")
        blank = tmp_path / "blank.txt"
        blank.write_text("   \n\n  ")
        report = await service.ingest([nav_only, blank])
        assert report.added == 0
        assert [s.reason for s in report.skipped] == ["no text extracted"] * 2
        assert (await service.answer("anything")).reason == "empty_corpus"

        port = tmp_path / "port.txt"
        port.write_text("Port reopens\n\nThe port reopened on Friday after the storm.\n")
        assert (await service.ingest([port])).added == 1
        answer = await service.answer("What happened at the port?")
    assert answer.best is not None
    assert answer.best.sentence.text == "The port reopened on Friday after the storm."


# Case BM25-04 (../shared/cases/cases.jsonl)
async def test_bm25_04_unrelated_question_abstains_without_attribution(settings, tmp_path):
    corpus = tmp_path / "c.txt"
    corpus.write_text("Harbour news\n\nThe harbour bridge reopened on Saturday. Ferry fares will "
                      "rise in June. The council approved the budget.\n")
    async with await AnswerService.open(settings, load_sample=False) as service:
        await service.ingest([corpus])
        answer = await service.answer("What did the volcano do?")
    assert answer.reason == "no_match"
    text = render_plain(answer)
    assert text.startswith("No relevant passage found")
    assert "Harbour news" not in text


# Case ATTR-01 (../shared/cases/cases.jsonl)
async def test_attr_01_missing_metadata_is_shown_as_unknown_never_none(settings, tmp_path):
    records = [
        {"title": "Ferry service resumes", "publisher": None, "url": "https://news.example/ferry",
         "date": "", "text": "The ferry service resumed on Wednesday after a two-week pause."},
        {"title": "", "publisher": "Example Times", "url": "https://news.example/rail",
         "date": "2026-13-45", "text": "Rail services were cut on Sunday."},
        {"title": "Tram line opens", "publisher": "Example Times", "url": None,
         "date": "2026-06-01T08:30:00+02:00", "text": "The new tram line opened on Monday."},
    ]
    path = tmp_path / "attr.json"
    path.write_text(json.dumps(records))
    async with await AnswerService.open(settings, load_sample=False) as service:
        assert (await service.ingest([path])).added == 3
        ferry = await service.answer("When did the ferry service resume?")
        rail = await service.answer("When were rail services cut?")
        tram = await service.answer("When did the tram line open?")
    ferry_text, rail_text, tram_text = (render_plain(a) for a in (ferry, rail, tram))
    assert "Ferry service resumes · unknown publisher · date unknown" in ferry_text
    assert "untitled · Example Times · date unknown" in rail_text
    assert "Tram line opens · Example Times · 2026-06-01" in tram_text
    for text in (ferry_text, rail_text, tram_text):
        for bad in ("None", "null", "()"):
            assert bad not in text


async def test_source_and_since_filter_before_ranking(settings, tiny_corpus):
    async with await AnswerService.open(settings, load_sample=False) as service:
        await service.ingest([tiny_corpus])
        unfiltered = await service.answer("ferry", top_k=5)
        by_source = await service.answer("ferry", top_k=5, source="example gazette")
        recent = await service.answer("ferry", top_k=5, since=date(2026, 4, 1))
    assert {h.document.source for h in unfiltered.hits} == {"Example Times"}
    assert by_source.reason == "no_match"
    assert {h.document.title for h in recent.hits} == {"Harbour bridge reopens after repairs"}


async def test_guild_articles_are_invisible_to_other_scopes(settings, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("Guild news\n\nThe zeppelin landed in the square at noon.\n")
    async with await AnswerService.open(settings) as service:
        await service.ingest([secret], scope="111")
        own = await service.answer("Where did the zeppelin land?", scopes=(SHARED_SCOPE, "111"))
        other = await service.answer("Where did the zeppelin land?", scopes=(SHARED_SCOPE, "222"))
        shared = await service.answer("Where did the zeppelin land?")
    assert own.best is not None
    assert own.best.document.scope == "111"
    assert other.hits == ()
    assert shared.hits == ()


async def test_reingesting_the_same_folder_adds_nothing(settings, tiny_corpus):
    async with await AnswerService.open(settings, load_sample=False) as service:
        first = await service.ingest([tiny_corpus])
        second = await service.ingest([tiny_corpus])
    assert (first.added, second.added, second.duplicates) == (3, 0, 3)


# Case HTML-01 (../shared/cases/cases.jsonl): answers come from the body only
async def test_html_01_related_links_are_never_cited(settings, tmp_path):
    page = tmp_path / "bridge.html"
    page.write_text(
        "<html><head><title>Bridge reopens | Example Times</title></head><body><nav>"
        "<a href='/'>Home</a> <a href='/world'>World</a></nav><article><h1>Bridge reopens after "
        "repairs</h1><p class='byline'>By Staff Writer</p><p>The harbour bridge reopened on "
        "Saturday after six weeks of repairs.</p><p>Read more: Mayor announces budget cuts</p>"
        "<aside class='related'><h3>Related stories</h3><ul><li><a href='/a'>Mayor announces "
        "budget cuts</a></li><li><a href='/b'>Ferry fares to rise</a></li></ul></aside>"
        "<div class='newsletter'>Sign up for our daily newsletter</div></article>"
        "<footer>All rights reserved</footer></body></html>")
    async with await AnswerService.open(settings, load_sample=False) as service:
        await service.ingest([page])
        bridge = await service.answer("When did the bridge reopen?")
        mayor = await service.answer("What did the mayor announce?")
    assert bridge.best is not None
    assert bridge.best.sentence.text == (
        "The harbour bridge reopened on Saturday after six weeks of repairs.")
    assert bridge.best.document.title == "Bridge reopens after repairs"
    assert mayor.hits == ()


# Case HTML-04 (../shared/cases/cases.jsonl): paywall prompts are not indexed
async def test_html_04_paywall_prompt_is_not_an_answer_and_source_is_an_excerpt(
    settings, tmp_path
):
    page = tmp_path / "airport.html"
    page.write_text(
        "<article><h1>City weighs airport sale</h1><p>The city plans to sell its airport to a "
        "private operator, according to documents seen by this newspaper.</p>"
        "<div class='paywall'><p>Subscribe to continue reading. Already a subscriber? Log in.</p>"
        "<a href='/subscribe'>Get full access</a></div></article>")
    async with await AnswerService.open(settings, load_sample=False) as service:
        await service.ingest([page])
        sale = await service.answer("What does the city plan to sell?")
        subscribe = await service.answer("How do I subscribe?")
    assert sale.best is not None
    assert sale.best.document.partial
    assert "(excerpt: the source is paywalled or truncated)" in render_plain(sale)
    assert subscribe.hits == ()


async def test_an_overlong_question_is_cut_at_a_word_and_answered(settings):
    from bot.service import MAX_QUESTION_CHARS

    question = "When did the harbour bridge reopen? " + "blah " * 10_000 + "x" * 100_000
    async with await AnswerService.open(settings, load_sample=True) as service:
        answer = await service.answer(question)
    assert len(answer.query) <= MAX_QUESTION_CHARS
    assert answer.query.startswith("When did the harbour bridge reopen? blah")
    assert not answer.query.endswith(" ")


async def test_an_answer_survives_a_question_log_the_database_refuses(
    settings, tiny_corpus, caplog
):
    """The database refuses the question-log write (here a trigger; in the field a lock or
    a full disk): the answer is still given, the lost stats row is a warning, and the
    connection is usable afterwards."""
    import sqlite3

    async with await AnswerService.open(settings, load_sample=False) as service:
        await service.ingest([tiny_corpus])
        with sqlite3.connect(settings.db) as other:
            other.execute("CREATE TRIGGER refuse BEFORE INSERT ON questions"
                          " BEGIN SELECT RAISE(ABORT, 'refused'); END")
        answer = await service.answer("When did the harbour bridge reopen?")
        with sqlite3.connect(settings.db) as other:
            other.execute("DROP TRIGGER refuse")
        again = await service.answer("When did the harbour bridge reopen?")
        logged = (await service.store.stats()).questions
    assert answer.hits
    assert again.hits
    assert logged == 1
    assert "question not logged for stats: refused" in caplog.text
    assert "question not logged for stats" in caplog.text
