"""A disk that fills during ingest: one clear line saying what was stored, nothing partial.

The disk is real: ``unshare -m`` gives the command its own mount namespace with a 320 KiB
tmpfs for the database, which fills part-way through the ingest.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    shutil.which("unshare") is None or os.geteuid() != 0
    or subprocess.run(["unshare", "-m", "true"], capture_output=True, check=False).returncode,
    reason="needs root and `unshare -m` to mount a small tmpfs",
)

CHECK = """
import sqlite3, sys
with sqlite3.connect(sys.argv[1]) as db:
    print(db.execute("PRAGMA integrity_check").fetchone()[0])
    print(db.execute("SELECT count(*) FROM articles").fetchone()[0])
    print(db.execute("SELECT count(*) FROM articles a WHERE NOT EXISTS "
                     "(SELECT 1 FROM sentences s WHERE s.article_id = a.id)").fetchone()[0])
"""


def test_full_disk_during_ingest_says_what_was_stored_and_keeps_it(tmp_path: Path) -> None:
    records = tmp_path / "many.jsonl"
    with records.open("w", encoding="utf-8") as out:
        for number in range(400):
            text = " ".join(f"Report {number} paragraph {i} says the river rose by {i} cm."
                            for i in range(30))
            out.write(json.dumps({"title": f"River report {number}", "text": text}) + "\n")
    (tmp_path / "check.py").write_text(CHECK, encoding="utf-8")
    mount = tmp_path / "disk"
    mount.mkdir()
    python = f"'{sys.executable}'"
    script = (f"mount -t tmpfs -o size=320k tmpfs '{mount}' && "
              f"{python} -m bot ingest --db '{mount}/n.db' '{records}'; echo \"rc=$?\"; "
              f"{python} '{tmp_path}/check.py' '{mount}/n.db'")
    result = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True,
                            text=True, cwd=REPO, timeout=300, check=False,
                            env={**os.environ, "HOME": str(tmp_path)})
    out = result.stdout.splitlines()
    integrity, stored, without_sentences = out[-3:]
    assert "rc=1" in out
    assert (integrity, without_sentences) == ("ok", "0")
    assert 0 < int(stored) < 400
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith(f"newsdesk: stopped at {records}:{int(stored) + 1}: ")
    assert "disk is full" in last
    assert f"The {stored} articles stored before it are kept" in last
    assert "Traceback" not in result.stderr
