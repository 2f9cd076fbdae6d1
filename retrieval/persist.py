"""Save a `Segment` to a directory of ``.npy`` files and open it again memory-mapped.

Layout of the directory (next to the database, e.g. ``newsdesk.db.index/``)::

    manifest.json      format, key (what the index was built from), counts, parameters
    vocabulary.txt     the terms, one a line, in term-id order
    documents.json     per-document metadata, in index order
    <array>.npy        one file per array of `Segment` (``s_ids.npy``, ``text.npy`` ...)

Opening maps the arrays read-only (``numpy.load(mmap_mode="r")``), so a million-sentence
index opens in well under a second and pages come in as queries touch them. The caller
decides whether the index is current: `load` returns None unless the manifest's ``key``
equals the one asked for (the service keys it by the database's identity, the analyzer and
the parameters). Every file's CRC-32 is in the manifest and checked on load, so arrays
garbled behind intact headers are never used. A save writes a fresh directory and swaps it
in with renames, so a crash leaves either the old index or the new one; what a killed save
or swap leaves behind (``<name>.tmp-*``, ``<name>.old-*``) is removed by the next `load` or
`save`, unless its writer is still running.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import uuid
import zlib
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from retrieval.postings import ARRAY_FIELDS, DocumentInfo, LevelParams, Segment
from retrieval.types import BM25Params

log = logging.getLogger(__name__)

FORMAT = 2
_CHUNK = 1 << 22  # bytes read at a time for a checksum


class DamagedIndexError(ValueError):
    """A saved index whose files do not match its manifest (the message says which)."""


def crc32(path: Path) -> int:
    """CRC-32 (zlib) of a file's bytes, read in 4 MiB chunks."""
    value = 0
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            value = zlib.crc32(chunk, value)
    return value


def remove_leftovers(directory: Path) -> int:
    """Remove ``<name>.tmp-<pid>-*`` and ``<name>.old-<pid>-*`` beside ``directory``.

    Those of a process still running (a save in progress) are kept. Returns how many were
    removed; a folder that cannot be removed is left and logged.
    """
    directory = Path(directory)
    removed = 0
    try:
        candidates = list(directory.parent.glob(f"{directory.name}.tmp-*")) + list(
            directory.parent.glob(f"{directory.name}.old-*"))
    except OSError:
        return 0
    for leftover in candidates:
        pid = leftover.name.rsplit(".", 1)[-1].split("-")[1] if "-" in leftover.name else ""
        if pid.isdigit() and int(pid) != os.getpid() and _running(int(pid)):
            continue
        try:
            shutil.rmtree(leftover)
        except OSError as error:
            log.warning("could not remove the index leftover %s: %s", leftover, error)
            continue
        removed += 1
    if removed:
        log.info("removed %d leftover index folder(s) beside %s", removed, directory)
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def save(
    segment: Segment,
    directory: Path,
    key: str,
    extra: dict[str, Any] | None = None,
    arrays: dict[str, np.ndarray[Any, Any]] | None = None,
) -> None:
    """Write ``segment`` to ``directory`` (replacing what is there) under ``key``.

    ``extra`` goes into the manifest; ``arrays`` (the caller's, e.g. per-document content
    fingerprints) are saved beside the segment's and read back with `load_array`.
    Raises OSError (a full disk, say) after removing its own partial folder.
    """
    directory = Path(directory)
    remove_leftovers(directory)
    unique = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
    staging = directory.with_name(f"{directory.name}.tmp-{unique}")
    try:
        _write(segment, staging, key, extra, arrays or {})
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    old = directory.with_name(f"{directory.name}.old-{unique}")
    if directory.exists():
        directory.rename(old)
    staging.rename(directory)
    shutil.rmtree(old, ignore_errors=True)
    log.info("saved index of %d sentences to %s", segment.sentence_count, directory)


def _write(segment: Segment, staging: Path, key: str, extra: dict[str, Any] | None,
           arrays: dict[str, np.ndarray[Any, Any]]) -> None:
    staging.mkdir(parents=True)
    for name, values in arrays.items():
        np.save(staging / f"extra-{name}.npy", np.ascontiguousarray(values))
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
        "checksums": {entry.name: crc32(entry) for entry in sorted(staging.iterdir())},
        **(extra or {}),
    }
    (staging / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")


def verify(directory: Path, manifest: dict[str, Any]) -> None:
    """Check every file the manifest lists against its CRC-32; raise DamagedIndexError."""
    checksums = manifest.get("checksums")
    expected = {f"{name}.npy" for name in ARRAY_FIELDS} | {"vocabulary.txt", "documents.json"}
    if not isinstance(checksums, dict) or not expected <= set(checksums):
        raise DamagedIndexError("its manifest lists no checksums for some files")
    for name, value in sorted(checksums.items()):
        path = directory / Path(str(name)).name
        if not path.is_file():
            raise DamagedIndexError(f"{name} is missing")
        if crc32(path) != value:
            raise DamagedIndexError(f"{name} does not match its checksum")


def load_array(directory: Path, name: str) -> np.ndarray[Any, Any] | None:
    """The caller's array ``name`` saved with the index (see `save`); None when absent.

    Call after `load` succeeded: the file's checksum was verified then.
    """
    try:
        values: np.ndarray[Any, Any] = np.load(Path(directory) / f"extra-{name}.npy")
    except (OSError, ValueError):
        return None
    return values


def read_manifest(directory: Path) -> dict[str, Any] | None:
    """The manifest in ``directory``, or None when there is no readable one."""
    try:
        manifest = json.loads((Path(directory) / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


def load(directory: Path, key: str) -> Segment | None:
    """The segment saved in ``directory`` under ``key``; None if absent, stale or damaged.

    A damaged index (a file missing, or its CRC-32 not the manifest's) gives one warning.
    """
    directory = Path(directory)
    remove_leftovers(directory)
    manifest = read_manifest(directory)
    if manifest is None or manifest.get("format") != FORMAT or manifest.get("key") != key:
        return None
    try:
        verify(directory, manifest)
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
        log.warning("ignoring damaged index in %s (it will be rebuilt): %s", directory, error)
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
