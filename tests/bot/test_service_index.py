"""The service's index life cycle: saved index, invalidation, incremental adds, removals."""

import json

import pytest

from bot.service import AnswerService
from corpus.models import Article
from corpus.store import ArticleStore
from retrieval.fusion import FusedIndex
from retrieval.sentences import segment
from retrieval.tokenization import tokenize


def index_dir(settings):
    return settings.db.with_name(settings.db.name + ".index")


def ranked(answer):
    return [(h.passage_id, round(h.score, 9)) for h in answer.hits]


def write_article(path, title, text):
    path.write_text(f"{title}\n\n{text}\n", encoding="utf-8")
    return path


async def test_saved_index_is_reopened_without_a_rebuild(settings, tiny_corpus, index_builds):
    async with await AnswerService.open(settings, load_sample=False) as service:
        await service.ingest([tiny_corpus])
        before = await service.answer("When did the harbour bridge reopen?")
    assert (index_dir(settings) / "manifest.json").exists()
    builds = len(index_builds)
    async with await AnswerService.open(settings, load_sample=False) as service:
        after = await service.answer("When did the harbour bridge reopen?")
    assert len(index_builds) == builds
    assert ranked(after) == ranked(before)
    assert after.best is not None


async def test_changed_parameters_invalidate_the_saved_index(settings, tiny_corpus, index_builds):
    async with await AnswerService.open(settings, load_sample=False) as service:
        await service.ingest([tiny_corpus])
    builds = len(index_builds)
    changed = settings.model_copy(update={"bm25_k1": 1.2})
    async with await AnswerService.open(changed, load_sample=False) as service:
        answer = await service.answer("ferry fares")
    assert len(index_builds) == builds + 1
    assert answer.best is not None


async def test_damaged_saved_index_is_rebuilt(settings, tiny_corpus, index_builds):
    async with await AnswerService.open(settings, load_sample=False) as service:
        await service.ingest([tiny_corpus])
    (index_dir(settings) / "vocabulary.txt").write_text("", encoding="utf-8")
    builds = len(index_builds)
    async with await AnswerService.open(settings, load_sample=False) as service:
        answer = await service.answer("ferry fares")
    assert len(index_builds) == builds + 1
    assert answer.best is not None


async def test_article_written_by_another_process_is_picked_up_on_open(settings, tiny_corpus,
                                                                      tmp_path):
    async with await AnswerService.open(settings, load_sample=False) as service:
        await service.ingest([tiny_corpus])
    body = "The zephyrine ferry was launched on Tuesday in Quillport."
    async with ArticleStore(settings.db) as store:
        await store.upsert(Article(title="Zephyrine ferry", body=body), segment(body))
    incremental = settings.model_copy(update={"incremental_min_sentences": 0,
                                              "rebuild_delay": 3600.0})
    async with await AnswerService.open(incremental, load_sample=False) as service:
        answer = await service.answer("Where was the zephyrine ferry launched?")
        segments = len(service.index.snapshot.index.segments)
    assert answer.best is not None
    assert answer.best.document.title == "Zephyrine ferry"
    assert segments == 2  # the saved index plus the article added since


async def test_ingest_on_a_large_index_adds_a_segment_with_shared_statistics(settings,
                                                                            tiny_corpus,
                                                                            tmp_path,
                                                                            index_builds):
    async with await AnswerService.open(settings, load_sample=False) as service:
        await service.ingest([tiny_corpus])
    incremental = settings.model_copy(update={"incremental_min_sentences": 0,
                                              "rebuild_delay": 3600.0})
    new = write_article(tmp_path / "new.txt", "Ferry strike",
                        "Ferry crews went on strike on Monday over pay.")
    async with await AnswerService.open(incremental, load_sample=False) as service:
        builds = len(index_builds)
        await service.ingest([new])
        answer = await service.answer("Why did ferry crews strike?")
        index = service.index.snapshot.index
        fresh = FusedIndex.build(list(service.documents))
    assert len(index_builds) == builds  # no full rebuild on the ingest path
    assert len(index.segments) == 2
    assert answer.best is not None
    assert answer.best.document.title == "Ferry strike"
    for term in tokenize("ferry crews strike Monday harbour"):
        assert index.idf(term) == pytest.approx(fresh.idf(term))


async def test_background_rebuild_merges_the_added_segment(settings, tiny_corpus, tmp_path):
    async with await AnswerService.open(settings, load_sample=False) as service:
        await service.ingest([tiny_corpus])
    incremental = settings.model_copy(update={"incremental_min_sentences": 0,
                                              "rebuild_delay": 0.0})
    new = write_article(tmp_path / "new.txt", "Ferry strike",
                        "Ferry crews went on strike on Monday over pay.")
    async with await AnswerService.open(incremental, load_sample=False) as service:
        await service.ingest([new])
        await service.index.pending_rebuild
        index = service.index.snapshot.index
        answer = await service.answer("Why did ferry crews strike?")
    assert len(index.segments) == 1
    assert not index.removed.any()
    assert answer.best is not None
    assert answer.best.document.title == "Ferry strike"
    manifest = json.loads((index_dir(settings) / "manifest.json").read_text())
    assert manifest["documents"] == 4


async def test_removed_article_is_not_returned_before_or_after_the_rebuild(settings,
                                                                          tiny_corpus):
    async with await AnswerService.open(settings, load_sample=False) as service:
        await service.ingest([tiny_corpus])
    incremental = settings.model_copy(update={"incremental_min_sentences": 0,
                                              "rebuild_delay": 3600.0})
    async with await AnswerService.open(incremental, load_sample=False) as service:
        ferry = (await service.answer("ferry fares")).best
        assert ferry is not None
        assert await service.remove(ferry.document.doc_id, scope="shared")
        before = await service.answer("ferry fares", top_k=10)
        visible = {d.doc_id for d in service.documents}
        service.index.pending_rebuild.cancel()
    assert ferry.document.doc_id not in {h.document.doc_id for h in before.hits}
    assert ferry.document.doc_id not in visible
    async with await AnswerService.open(settings, load_sample=False) as service:
        after = await service.answer("ferry fares", top_k=10)
    assert ferry.document.doc_id not in {h.document.doc_id for h in after.hits}


async def test_updated_article_replaces_the_old_version(settings, tmp_path):
    first = tmp_path / "a.json"
    first.write_text(json.dumps({"title": "Port news", "url": "https://news.example/port",
                                 "text": "The port closed on Monday."}))
    async with await AnswerService.open(settings, load_sample=False) as service:
        await service.ingest([first])
    incremental = settings.model_copy(update={"incremental_min_sentences": 0,
                                              "rebuild_delay": 3600.0})
    second = tmp_path / "b.json"
    second.write_text(json.dumps({"title": "Port news", "url": "https://news.example/port",
                                  "text": "The port reopened on Friday."}))
    async with await AnswerService.open(incremental, load_sample=False) as service:
        report = await service.ingest([second])
        answer = await service.answer("What happened at the port?", top_k=5)
        titles = [d.title for d in service.documents]
    assert report.updated == 1
    assert [h.sentence.text for h in answer.hits] == ["The port reopened on Friday."]
    assert titles == ["Port news"]


async def test_sources_and_visible_documents_follow_the_index(settings, tiny_corpus):
    async with await AnswerService.open(settings, load_sample=False) as service:
        await service.ingest([tiny_corpus])
        sources = service.sources(("shared",))
        visible = service.visible_documents(("shared",))
        other = service.visible_documents(("123",))
    assert sources == ["Example Times"] or sources[0] == "Example Times"
    assert len(visible) == 3
    assert other == []
