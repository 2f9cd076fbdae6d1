"""Listings from the snapshot's arrays give what the per-document computations gave."""

import json

import pytest

from bot.listings import CorpusCounts, Listings
from bot.service import AnswerService

GUILD = "42"
SCOPES = ("shared", GUILD)


def old_titles(documents, current, top_k=25):
    needle = current.casefold().strip()
    found = [d for d in documents if needle in (d.title or "untitled").casefold()]
    return [d.doc_id for d in found[:top_k]]


def old_named_titles(documents, current):
    needle = current.casefold().strip()
    titles = [d.title for d in documents if d.title and needle in d.title.casefold()]
    return [t for t in titles if len(t) <= 100][:25]


def old_find(documents, wanted):
    text = wanted.strip()
    if text.isdigit():
        for document in documents:
            if document.doc_id == int(text):
                return document
    folded = text.casefold()
    exact = [d for d in documents if (d.title or "").casefold() == folded]
    if exact:
        return exact[0]
    partial = [d for d in documents if folded and folded in (d.title or "").casefold()]
    return partial[0] if partial else None


@pytest.fixture
async def service(settings, tiny_corpus, tmp_path):
    extra = tmp_path / "guild.json"
    extra.write_text(json.dumps([
        {"title": "Ferry timetable for the islands", "publisher": "example times",
         "url": "https://guild.example/ferry", "date": "2025-11-02",
         "text": "The island ferry keeps its winter timetable. Boats leave hourly."},
        {"title": "T" * 120, "publisher": "Coast Herald",
         "text": "A very long headline sits above this short story about a pier."},
        {"text": "An article without a title about the harbour lights being repaired."},
    ]))
    async with await AnswerService.open(settings, load_sample=False) as service:
        await service.ingest([tiny_corpus])
        await service.ingest([extra], scope=GUILD)
        yield service


@pytest.mark.parametrize("current", ["", "ferry", "  FERRY ", "untitled", "t", "nothing like it"])
def test_titles_match_the_per_document_filter_in_order(service, current):
    documents = service.visible_documents(SCOPES)
    titles = service.listings.titles(SCOPES, current)
    assert [d.doc_id for d in titles] == old_titles(documents, current)
    assert service.listings.named_titles(SCOPES, current) == old_named_titles(documents, current)


def test_titles_stop_at_top_k(service):
    assert len(service.listings.titles(SCOPES, "", top_k=2)) == 2


@pytest.mark.parametrize("wanted", ["ferry", "Ferry fares to rise in June", "harbour", "zzz", " ",
                                    "123456789012345678901234567890"])
def test_find_matches_the_per_document_lookup(service, wanted):
    documents = service.visible_documents(SCOPES)
    assert service.listings.find(SCOPES, wanted) == old_find(documents, wanted)


def test_find_by_id_only_within_the_scopes(service):
    guild_doc = service.visible_documents((GUILD,))[0]
    assert service.listings.find(SCOPES, str(guild_doc.doc_id)) == guild_doc
    assert service.listings.find(("shared",), str(guild_doc.doc_id)) is None


def test_counts_match_the_per_document_stats(service):
    documents = service.visible_documents(SCOPES)
    dates = sorted(d.published for d in documents if d.published)
    expected = CorpusCounts(
        articles=len(documents),
        own=sum(d.scope == GUILD for d in documents),
        sentences=sum(len(d.sentences) for d in documents),
        publishers=len({d.source.casefold() for d in documents if d.source}),
        oldest=dates[0],
        newest=dates[-1],
    )
    assert service.listings.counts(SCOPES, GUILD) == expected
    assert expected.own == 3


def test_sources_most_articles_first_and_cached_per_snapshot(service):
    assert service.sources(SCOPES)[0] == "Example Times"
    first = service.listings.sources(SCOPES)
    first.append("mutated by a caller")
    assert "mutated by a caller" not in service.listings.sources(SCOPES)


def test_articles_lists_visible_metadata_in_document_order(service):
    documents = service.visible_documents(("shared",))
    infos = service.listings.articles(("shared",))
    assert [(i.doc_id, i.title, i.source, i.published) for i in infos] == [
        (d.doc_id, d.title, d.source, d.published) for d in documents]


async def test_removed_article_leaves_the_listings(service):
    guild_doc = service.visible_documents((GUILD,))[0]
    assert await service.remove(guild_doc.doc_id, scope=GUILD)
    assert guild_doc.doc_id not in {i.doc_id for i in service.listings.articles(SCOPES)}
    assert service.listings.counts(SCOPES, GUILD).own == 2


def test_no_index_lists_nothing():
    empty = Listings(None)
    assert empty.titles(SCOPES, "") == []
    assert empty.find(SCOPES, "1") is None
    assert empty.sources(SCOPES) == []
    assert empty.counts(SCOPES, GUILD) == CorpusCounts(0, 0, 0, 0, None, None)
