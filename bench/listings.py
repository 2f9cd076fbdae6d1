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
* **old ...**: the same through `AnswerService.visible_documents` (one `Document` per
  visible article), what the commands did before the listings were served from arrays.

Prints one row per corpus and listing: median and worst milliseconds.
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
from typing import Any

from bench.speed import make_base, make_size, quiet_settings
from bot.cogs.sources import title_choices
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


def _old_stats(service: AnswerService) -> dict[str, Any]:
    """What `/corpus stats` computed from `visible_documents` before the listings."""
    documents = service.visible_documents(SCOPES)
    own = [d for d in documents if d.scope == SCOPES[1]]
    dates = sorted(d.published for d in documents if d.published)
    publishers = {d.source.casefold() for d in documents if d.source}
    return {"articles": len(documents), "own": len(own),
            "sentences": sum(len(d.sentences) for d in documents),
            "publishers": len(publishers), "range": (dates[0], dates[-1]) if dates else None}


def listings(service: AnswerService) -> dict[str, Callable[[], object]]:
    """The listing calls to time, by name."""
    calls: dict[str, Callable[[], object]] = {}
    for needle in NEEDLES:
        calls[f"old autocomplete {needle!r}"] = (
            lambda needle=needle: title_choices(service.visible_documents(SCOPES), needle))
    calls["old sources"] = lambda: service.sources(SCOPES)
    calls["old stats"] = lambda: _old_stats(service)
    return calls


async def measure(db: Path, repeat: int) -> list[tuple[str, float, float]]:
    """Open ``db`` (building or reopening its index) and time every listing."""
    service = await AnswerService.open(quiet_settings(db, rebuild_delay=3600.0),
                                       load_sample=False)
    try:
        label = f"{len(service.documents):,} articles"
        rows = []
        for name, call in listings(service).items():
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
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(args.work) if args.work else Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        base = asyncio.run(make_base(work))
        dbs = [base]
        if args.sentences:
            dbs.append(asyncio.run(make_size(base, work, args.sentences)))
        rows = [row for db in dbs for row in asyncio.run(measure(db, args.repeat))]
    print("\n| listing | median ms | worst ms |\n|---|---|---|")
    for name, median, worst in rows:
        print(f"| {name} | {median:.2f} | {worst:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
