"""Time of the corpus-wide listings the Discord commands ask for, at two corpus sizes.

Run from the repository root::

    python -m bench.listings [--sentences 1000000] [--work DIR] [--repeat 20]

The corpora are those of `bench.speed` (its helpers build them): RealTime QA + BBC News
ingested through the pipeline (``DIR/base.db``, 5,903 articles), and the same articles with
marked copies up to ``--sentences`` sentences (``DIR/size-N.db``). For each, the index is
built (or reopened from its saved copy), then each listing is timed ``--repeat`` times on the
event loop thread, as the cogs call it:

* **autocomplete**: `/article`'s title autocomplete (25 choices) for an empty field, a
  common word and a word that matches nothing (worst case: every title is looked at);
* **sources**: `/ask`'s publisher autocomplete;
* **stats**: `/corpus stats` (articles, shared/own, sentences, publishers, date range);
* **find**: the lookup `/article` and `/corpus remove` make, for a title that matches
  nothing (every visible title is compared);
* **cold**: the same with the snapshot's memo cleared before each call (the first call
  after an index change, or from a guild not seen since);
* **old ...**: the same through `AnswerService.visible_documents` (one `Document` per
  visible article), what the commands did before the listings were served from arrays.

Before timing, each array listing is checked against its per-document version (same
choices in the same order, same counts). Prints one row per corpus and listing: median and
worst milliseconds.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from bench.speed import make_base, make_size, quiet_settings
from bot.cogs.sources import title_choices
from bot.listings import CorpusCounts
from bot.service import AnswerService

SCOPES = ("shared", "123")
NEEDLES = ("", "minister", "qqqqnomatch")


def _timed(call: Callable[[], object], repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times)


def _old_stats(service: AnswerService) -> CorpusCounts:
    """What `/corpus stats` computed from `visible_documents` before the listings."""
    documents = service.visible_documents(SCOPES)
    own = [d for d in documents if d.scope == SCOPES[1]]
    dates = sorted(d.published for d in documents if d.published)
    publishers = {d.source.casefold() for d in documents if d.source}
    return CorpusCounts(len(documents), len(own), sum(len(d.sentences) for d in documents),
                        len(publishers), dates[0] if dates else None,
                        dates[-1] if dates else None)


def _old_titles(service: AnswerService, current: str) -> list[str]:
    """What `/article`'s autocomplete computed from `visible_documents` (choice values)."""
    needle = current.casefold().strip()
    found = [d for d in service.visible_documents(SCOPES)
             if needle in (d.title or "untitled").casefold()]
    return [str(d.doc_id) for d in found[:25]]


def _cold(service: AnswerService, call: Callable[[], object]) -> Callable[[], object]:
    def cleared() -> object:
        snapshot = service.index.snapshot
        assert snapshot is not None
        snapshot.memo.clear()
        return call()
    return cleared


def listings(service: AnswerService, *, old: bool) -> dict[str, Callable[[], object]]:
    """The listing calls to time, by name (with ``old``: the per-document ones too)."""
    calls: dict[str, Callable[[], object]] = {}
    for needle in NEEDLES:
        calls[f"autocomplete {needle!r}"] = (
            lambda needle=needle: title_choices(service.listings.titles(SCOPES, needle)))
    calls["sources"] = lambda: service.sources(SCOPES)
    calls["stats"] = lambda: service.listings.counts(SCOPES, SCOPES[1])
    calls["find"] = lambda: service.listings.find(SCOPES, NEEDLES[-1])
    calls.update({f"{name} (cold)": _cold(service, call) for name, call in list(calls.items())})
    if old:
        for needle in NEEDLES:
            calls[f"old autocomplete {needle!r}"] = (
                lambda needle=needle: _old_titles(service, needle))
        calls["old stats"] = lambda: _old_stats(service)
    return calls


def check_same(service: AnswerService) -> None:
    """Stop when the array listings disagree with the per-document ones."""
    for needle in NEEDLES:
        new = [c.value for c in title_choices(service.listings.titles(SCOPES, needle))]
        if new != _old_titles(service, needle):
            raise SystemExit(f"autocomplete {needle!r} differs from the old listing")
    if service.listings.counts(SCOPES, SCOPES[1]) != _old_stats(service):
        raise SystemExit("stats differ from the old listing")


async def measure(db: Path, repeat: int, old: bool) -> list[tuple[str, float, float]]:
    """Open ``db`` (building or reopening its index) and time every listing."""
    service = await AnswerService.open(quiet_settings(db, rebuild_delay=3600.0),
                                       load_sample=False)
    try:
        label = f"{len(service.documents):,} articles"
        rows = []
        check_same(service)
        for name, call in listings(service, old=old).items():
            median, worst = _timed(call, repeat)
            rows.append((f"{label}: {name}", median, worst))
        return rows
    finally:
        await service.close()


def main(argv: Sequence[str] | None = None) -> int:
    """Build or reuse the corpora, time the listings and print a table."""
    parser = argparse.ArgumentParser(prog="python -m bench.listings", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sentences", type=int, default=1_000_000)
    parser.add_argument("--work", help="keep the databases here and reuse them")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--no-old", action="store_true",
                        help="skip the per-document listings (slow at a million sentences)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(args.work) if args.work else Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        base = asyncio.run(make_base(work))
        dbs = [base]
        if args.sentences:
            dbs.append(asyncio.run(make_size(base, work, args.sentences)))
        rows = [row for db in dbs for row in asyncio.run(measure(db, args.repeat, not args.no_old))]
    print("\n| listing | median ms | worst ms |\n|---|---|---|")
    for name, median, worst in rows:
        print(f"| {name} | {median:.2f} | {worst:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
