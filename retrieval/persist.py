"""Save a `Segment` to a directory of ``.npy`` files and open it again memory-mapped.

Layout of the directory (next to the database, e.g. ``newsdesk.db.index/``)::

    manifest.json      format, key (what the index was built from), counts, parameters
    vocabulary.txt     the terms, one a line, in term-id order
    documents.json     per-document metadata, in index order
    <array>.npy        one file per array of `Segment` (``s_ids.npy``, ``text.npy`` ...)

Opening maps the arrays read-only (``numpy.load(mmap_mode="r")``), so a million-sentence
index opens in well under a second and pages come in as queries touch them. The caller
decides whether the index is current: `load` returns None unless the manifest's ``key``
equals the one asked for (the service keys it by the corpus: article ids and content
hashes, the analyzer and the parameters). A save writes a fresh directory and swaps it in
with renames, so a crash leaves either the old index or the new one.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import uuid
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from retrieval.postings import ARRAY_FIELDS, DocumentInfo, LevelParams, Segment
from retrieval.types import BM25Params

log = logging.getLogger(__name__)

FORMAT = 1


def save(segment: Segment, directory: Path, key: str, extra: dict[str, Any] | None = None) -> None:
    """Write ``segment`` to ``directory`` (replacing what is there) under ``key``."""
    directory = Path(directory)
    unique = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
    staging = directory.with_name(f"{directory.name}.tmp-{unique}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for name in ARRAY_FIELDS:
        np.save(staging / f"{name}.npy", np.ascontiguousarray(getattr(segment, name)))
    terms = sorted(segment.vocabulary, key=segment.vocabulary.__getitem__)
    (staging / "vocabulary.txt").write_text("\n".join(terms), encoding="utf-8")
    (staging / "documents.json").write_text(
        json.dumps([asdict(info) for info in segment.infos], ensure_ascii=False),
        encoding="utf-8",
    )
    levels = asdict(segment.levels)
    manifest = {
        "format": FORMAT,
        "key": key,
        "documents": segment.doc_count,
        "sentences": segment.sentence_count,
        "terms": len(terms),
        "levels": levels,
        **(extra or {}),
    }
    (staging / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    old = directory.with_name(f"{directory.name}.old-{unique}")
    if directory.exists():
        directory.rename(old)
    staging.rename(directory)
    shutil.rmtree(old, ignore_errors=True)
    log.info("saved index of %d sentences to %s", segment.sentence_count, directory)


def read_manifest(directory: Path) -> dict[str, Any] | None:
    """The manifest in ``directory``, or None when there is no readable one."""
    try:
        manifest = json.loads((Path(directory) / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


def load(directory: Path, key: str) -> Segment | None:
    """The segment saved in ``directory`` under ``key``; None if absent, stale or damaged."""
    directory = Path(directory)
    manifest = read_manifest(directory)
    if manifest is None or manifest.get("format") != FORMAT or manifest.get("key") != key:
        return None
    try:
        # plain ndarray views of the maps: slicing a np.memmap costs a Python call each time
        arrays = {name: np.load(directory / f"{name}.npy", mmap_mode="r").view(np.ndarray)
                  for name in ARRAY_FIELDS}
        text = (directory / "vocabulary.txt").read_text(encoding="utf-8")
        terms = text.split("\n") if text else []
        infos = tuple(DocumentInfo(**record) for record in json.loads(
            (directory / "documents.json").read_text(encoding="utf-8")))
        levels = dict(manifest["levels"])
        sentence = BM25Params(**levels.pop("sentence"))
    except (OSError, ValueError, KeyError, TypeError) as error:
        log.warning("ignoring damaged index in %s: %s", directory, error)
        return None
    if len(terms) != manifest.get("terms") or len(infos) != manifest.get("documents"):
        log.warning("ignoring inconsistent index in %s", directory)
        return None
    return Segment(
        infos=infos,
        vocabulary=dict(zip(terms, range(len(terms)), strict=True)),
        levels=LevelParams(sentence=sentence, **levels),
        **arrays,
    )
