"""How many records an ingest will read: the total that progress is shown against.

An estimate made before reading: one record per file, except JSON lines (one per non-blank
line), a JSON list (one per element) and feeds (one per ``<item>`` or ``<entry>``); ``.gz``
files are counted inside. `read_articles` yields one article or skip per record, so the
ingest's count of articles and skips meets this total when the estimate is right.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import zlib
from pathlib import Path

_FEED_ITEM = re.compile(rb"<(?:\w+:)?(?:item|entry)[\s>/]")


def count_records(path: str | Path) -> int:
    """Records under ``path`` (a file or a folder, read as `read_articles` reads it)."""
    root = Path(path)
    if not root.is_dir():
        return _records_in(root) if root.exists() else 0
    total = 0
    for directory, subdirectories, names in os.walk(root):
        subdirectories[:] = [name for name in subdirectories if not name.startswith(".")]
        total += sum(_records_in(Path(directory, name)) for name in names
                     if not name.startswith("."))
    return total


def _records_in(file: Path) -> int:
    name = file.name.lower()
    compressed = name.endswith(".gz")
    suffix = Path(name[:-3] if compressed else name).suffix
    if suffix not in {".jsonl", ".ndjson", ".json", ".xml", ".rss", ".atom", ".rdf"}:
        return 1
    try:
        if suffix in {".jsonl", ".ndjson"}:
            return max(1, _count_lines(file, compressed))
        data = _read(file, compressed)
    except (OSError, EOFError, zlib.error):
        return 1
    if suffix == ".json":
        try:
            parsed = json.loads(data)
        except (ValueError, UnicodeDecodeError):
            return 1
        return max(1, len(parsed)) if isinstance(parsed, list) else 1
    return max(1, len(_FEED_ITEM.findall(data)))


def _count_lines(file: Path, compressed: bool) -> int:
    """Non-blank lines, read as a stream (JSON lines files can be large)."""
    if not file.is_file():
        return 0
    opener = gzip.open if compressed else open
    with opener(file, "rb") as stream:
        return sum(1 for line in stream if line.strip())


def _read(file: Path, compressed: bool) -> bytes:
    if not file.is_file():
        return b""
    if compressed:
        with gzip.open(file, "rb") as stream:
            return stream.read()
    return file.read_bytes()
