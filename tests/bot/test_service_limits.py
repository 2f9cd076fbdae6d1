"""Issue 9: work that grows with the input, never faster (no timings here: see
``bench/scaling.py``). Huge articles ingest, index and answer; over the size limit they are
cut at a sentence boundary and reported."""

from pathlib import Path

import pytest

import bot.service
from bot.config import Settings
from bot.service import AnswerService


def short_sentences(count: int, start: int = 0) -> list[str]:
    return [f"Word number {n} is here." for n in range(start, start + count)]


def write_article(path: Path, sentences: list[str], per_paragraph: int = 10) -> Path:
    paragraphs = [" ".join(sentences[at : at + per_paragraph])
                  for at in range(0, len(sentences), per_paragraph)]
    path.write_text("A long article\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return path


async def test_two_megabyte_single_article_ingests_and_is_answerable(settings, tmp_path):
    sentences = short_sentences(75_000)  # 2 MB, past the 50,000 sentences of issue 9
    path = write_article(tmp_path / "big.txt", sentences)
    assert path.stat().st_size > 2_000_000
    async with await AnswerService.open(settings, load_sample=False) as service:
        report = await service.ingest([path])
        answer = await service.answer("Which word number is 54321?")
        stats = await service.store.stats()
    assert report.added == 1
    assert report.truncated == []
    assert stats.sentences == len(sentences)
    assert answer.best is not None
    assert answer.best.sentence.text == "Word number 54321 is here."


async def test_index_build_looks_at_each_stored_row_once(settings, tmp_path, monkeypatch):
    """An article longer than a build batch used to be re-scanned for every new row."""
    write_article(tmp_path / "long.txt", short_sentences(300))
    for n in range(3):
        write_article(tmp_path / f"short{n}.txt", short_sentences(4, start=1000 + 10 * n))
    async with await AnswerService.open(settings, load_sample=False) as service:
        await service.ingest([tmp_path], reindex=False)
        total = (await service.store.stats()).sentences

    looked_at: list[int] = []
    group = bot.service._complete_articles

    def counting(rows, *args, **kwargs):
        looked_at.append(len(rows))
        return group(rows, *args, **kwargs)

    monkeypatch.setattr(bot.service, "_BUILD_ROWS", 10)
    monkeypatch.setattr(bot.service, "_complete_articles", counting)
    rebuild = settings.model_copy(update={"persist_index": False})
    async with await AnswerService.open(rebuild, load_sample=False) as service:
        answer = await service.answer("Which word number is 1021?")
        indexed = service.documents
        count = sum(len(d.sentences) for d in indexed)
    assert sum(looked_at) == total == count
    assert len(looked_at) <= 5  # batches of whole articles, not one call per row
    assert answer.best is not None
    assert answer.best.sentence.text == "Word number 1021 is here."


@pytest.fixture
def small_limit(db_path: Path) -> Settings:
    return Settings(db=db_path, max_article_bytes=10_000)


async def test_article_over_the_limit_is_cut_at_a_sentence_end_and_reported(small_limit,
                                                                          tmp_path):
    sentences = short_sentences(2_000)  # about 54 KB
    path = write_article(tmp_path / "big.txt", sentences)
    async with await AnswerService.open(small_limit, load_sample=False) as service:
        report = await service.ingest([path])
        kept = await service.answer("Which word number is 12?")
        lost = await service.answer("Which word number is 1999?")
        (document,) = service.documents
    assert report.added == 1
    assert [note.origin for note in report.truncated] == [str(path)]
    reason = report.truncated[0].reason
    assert "NEWSDESK_MAX_ARTICLE_BYTES" in reason
    assert "10,000-byte limit" in reason
    assert document.partial
    texts = [s.text for s in document.sentences]
    assert texts == sentences[: len(texts)]  # whole sentences, in order, nothing else
    assert sum(len(t) + 1 for t in texts) <= 10_000
    assert len(texts) > 300
    assert kept.best is not None
    assert kept.best.sentence.text == "Word number 12 is here."
    assert lost.best is None or lost.best.sentence.text != "Word number 1999 is here."


async def test_json_record_over_the_limit_names_its_line(small_limit, tmp_path):
    import json

    path = tmp_path / "records.jsonl"
    records = [{"title": "Small", "text": "The ferry was late."},
               {"title": "Huge", "text": " ".join(short_sentences(3_000))}]
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    async with await AnswerService.open(small_limit, load_sample=False) as service:
        report = await service.ingest([path])
    assert report.added == 2
    assert [note.origin for note in report.truncated] == [f"{path}:2"]
    assert str(report.truncated[0]).startswith(f"{path}:2: article text is ")


async def test_reingesting_a_cut_article_is_a_duplicate(small_limit, tmp_path):
    path = write_article(tmp_path / "big.txt", short_sentences(2_000))
    async with await AnswerService.open(small_limit, load_sample=False) as service:
        first = await service.ingest([path])
        again = await service.ingest([path])
    assert first.added == 1
    assert again.added == 0
    assert again.duplicates == 1


async def test_database_holding_an_article_over_the_limit_indexes_its_first_part(small_limit,
                                                                                 tmp_path):
    """An article stored before the limit (or by an older newsdesk) keeps rebuilds small."""
    from corpus.models import Article
    from retrieval.sentences import segment

    sentences = short_sentences(60_000)  # 1.6 MB, over one build batch of rows
    body = " ".join(sentences)
    async with await AnswerService.open(small_limit, load_sample=False) as service:
        await service.store.upsert(Article("Stored long ago", body, origin="old.txt"),
                                   segment(body))
        await service.reindex()
        answer = await service.answer("Which word number is 12?")
        (document,) = service.documents
        stored = (await service.store.stats()).sentences
    assert stored == len(sentences)
    texts = [s.text for s in document.sentences]
    assert texts == sentences[: len(texts)]
    assert sum(len(t) for t in texts) <= 10_000 < sum(len(t) for t in sentences[: len(texts) + 1])
    assert answer.best is not None
    assert answer.best.sentence.text == "Word number 12 is here."
