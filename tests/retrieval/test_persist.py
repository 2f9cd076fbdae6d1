import numpy as np

from retrieval import persist
from retrieval.fusion import FusedIndex
from retrieval.postings import ARRAY_FIELDS
from retrieval.sentences import segment
from retrieval.types import Document

DOCS = [
    Document(1, "Harbour bridge reopens", "Example Times", None, "2026-04-04",
             tuple(segment("The harbour bridge reopened on Saturday. Traffic was light."))),
    Document(2, "Ferry fares", None, "https://x.example/f", None,
             tuple(segment("Ferry fares will rise in June."))),
]


def test_saved_segment_loads_equal_and_searches_the_same(tmp_path):
    index = FusedIndex.build(DOCS)
    persist.save(index.segments[0], tmp_path / "idx", "key-1")
    loaded = persist.load(tmp_path / "idx", "key-1")
    assert loaded is not None
    for name in ARRAY_FIELDS:
        assert np.array_equal(getattr(loaded, name), getattr(index.segments[0], name))
    assert loaded.vocabulary == index.segments[0].vocabulary
    assert loaded.infos == index.segments[0].infos
    again = FusedIndex([loaded])
    assert again.search(["bridg", "ferri"], 5) == index.search(["bridg", "ferri"], 5)
    assert again.document(0) == DOCS[0]


def test_other_key_missing_or_damaged_index_is_not_loaded(tmp_path):
    index = FusedIndex.build(DOCS)
    assert persist.load(tmp_path / "absent", "key") is None
    persist.save(index.segments[0], tmp_path / "idx", "key-1")
    assert persist.load(tmp_path / "idx", "key-2") is None
    (tmp_path / "idx" / "s_ids.npy").write_bytes(b"not an array")
    assert persist.load(tmp_path / "idx", "key-1") is None


def test_saving_again_replaces_the_index(tmp_path):
    persist.save(FusedIndex.build(DOCS).segments[0], tmp_path / "idx", "a")
    persist.save(FusedIndex.build(DOCS[:1]).segments[0], tmp_path / "idx", "b")
    loaded = persist.load(tmp_path / "idx", "b")
    assert loaded is not None
    assert loaded.doc_count == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["idx"]
