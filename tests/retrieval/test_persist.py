import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from retrieval import persist
from retrieval.fusion import FusedIndex
from retrieval.postings import ARRAY_FIELDS
from retrieval.sentences import segment
from retrieval.types import Document

REPO = Path(__file__).resolve().parents[2]
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


def test_garbled_arrays_behind_intact_headers_are_not_loaded(tmp_path, caplog):
    """Issue 9: bytes flipped inside an array, header intact: rebuilt, never used."""
    persist.save(FusedIndex.build(DOCS).segments[0], tmp_path / "idx", "key-1")
    target = tmp_path / "idx" / "s_ids.npy"
    data = bytearray(target.read_bytes())
    data[-4:] = b"\xff\xff\xff\x7f"  # the header (first 128 bytes) stays as it was
    target.write_bytes(bytes(data))
    assert np.load(target).shape  # numpy alone still reads it
    with caplog.at_level("WARNING"):
        assert persist.load(tmp_path / "idx", "key-1") is None
    assert "s_ids.npy does not match its checksum" in caplog.text
    (tmp_path / "idx" / "vocabulary.txt").unlink()
    assert persist.load(tmp_path / "idx", "key-1") is None


def test_leftovers_of_killed_saves_are_removed_but_not_those_of_a_running_save(tmp_path):
    child = subprocess.Popen(["sleep", "30"])
    try:
        finished = subprocess.Popen(["true"])
        finished.wait()
        for name in (f"idx.tmp-{finished.pid}-aaaa", f"idx.old-{finished.pid}-bbbb",
                     f"idx.tmp-{child.pid}-cccc"):
            (tmp_path / name).mkdir()
            (tmp_path / name / "s_ids.npy").write_bytes(b"x" * 1000)
        persist.save(FusedIndex.build(DOCS).segments[0], tmp_path / "idx", "key-1")
        assert sorted(p.name for p in tmp_path.iterdir()) == ["idx", f"idx.tmp-{child.pid}-cccc"]
    finally:
        child.kill()
        child.wait()
    assert persist.load(tmp_path / "idx", "key-1") is not None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["idx"]


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("unshare") is None,
                    reason="needs root and `unshare -m` to mount a small tmpfs")
def test_full_disk_during_save_leaves_no_temporary_folder(tmp_path):
    """A save that fills the disk raises OSError and removes its own partial folder."""
    script = tmp_path / "fill.py"
    script.write_text(
        "import sys\n"
        "from pathlib import Path\n"
        "from retrieval import persist\n"
        "from retrieval.fusion import FusedIndex\n"
        "from retrieval.sentences import segment\n"
        "from retrieval.types import Document\n"
        "text = ' '.join(f'Term{i} rose by {i} percent on Monday.' for i in range(20000))\n"
        "index = FusedIndex.build([Document(1, 'Big', None, None, None, tuple(segment(text)))])\n"
        "try:\n"
        "    persist.save(index.segments[0], Path(sys.argv[1]) / 'idx', 'k')\n"
        "except OSError:\n"
        "    print('OSError')\n"
        "print(sorted(p.name for p in Path(sys.argv[1]).iterdir()))\n",
        encoding="utf-8")
    mount = tmp_path / "small"
    mount.mkdir()
    result = subprocess.run(
        ["unshare", "-m", "sh", "-c",
         f"mount -t tmpfs -o size=256k tmpfs '{mount}' && exec '{sys.executable}' "
         f"'{script}' '{mount}'"],
        capture_output=True, text=True, cwd=REPO, timeout=120, check=False,
        env={**os.environ, "PYTHONPATH": str(REPO)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["OSError", "[]"]
