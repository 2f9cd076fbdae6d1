"""HTML -> article text quality on the Zyte/Scrapinghub article-extraction-benchmark.

Run from the repository root::

    python -m bench.extraction [--worst N] [--baseline]

Every page (``html/<id>.html.gz``, passed compressed, so the ``.gz`` path is exercised too)
goes through `corpus.ingest.read_article_bytes`, exactly as an uploaded file would, and the
extracted body is compared with the ground-truth ``articleBody``.

Scores (all per page, then averaged):

* ``tokens``: bag of whitespace-separated tokens (case-sensitive). Precision = matched /
  predicted tokens, recall = matched / true tokens, counts clipped (multiset intersection).
  Reported as a macro average (mean of per-page precision and recall, F1 of those two
  means, as the benchmark does) and as a micro average (token counts summed over pages).
* ``shingles``: the benchmark's own method (its ``evaluate.py``): ``\\w+`` tokens, 4-token
  shingles, per-page counts normalised to sum 1, macro averages, F1 of the mean precision
  and mean recall. Comparable with the figures in the benchmark's README.

A page that yields no article counts as an empty prediction (precision undefined and left
out of the precision mean, recall 0), as in the benchmark.

The data directory is ``$NEWSDESK_EVAL_DIR/article-extraction-benchmark`` when
``NEWSDESK_EVAL_DIR`` is set, else ``../shared/eval/article-extraction-benchmark`` relative to
the repository; when it is missing the run prints why and exits 0.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from corpus.ingest import read_article_bytes
from corpus.models import Article

REPO = Path(__file__).resolve().parents[1]
BENCHMARK = "article-extraction-benchmark"
_WORD = re.compile(r"\w+")
_SHINGLE = 4


@dataclass(frozen=True, slots=True)
class Counts:
    """True positives, false positives and false negatives for one page."""

    tp: float
    fp: float
    fn: float


def eval_dir() -> Path:
    """Return the benchmark directory (``NEWSDESK_EVAL_DIR`` overrides the default)."""
    root = os.environ.get("NEWSDESK_EVAL_DIR")
    base = Path(root) if root else REPO.parent / "shared" / "eval"
    return base / BENCHMARK


def token_counts(true: str, pred: str) -> Counts:
    """Bag-of-whitespace-tokens match between ground truth and prediction."""
    expected, got = Counter(true.split()), Counter(pred.split())
    tp = sum((expected & got).values())
    return Counts(tp, sum(got.values()) - tp, sum(expected.values()) - tp)


def shingle_counts(true: str, pred: str) -> Counts:
    """The benchmark's 4-gram shingle match, normalised so every page weighs the same."""
    expected, got = _shingles(true), _shingles(pred)
    tp = float(sum((expected & got).values()))
    fp = float(sum(got.values()) - tp)
    fn = float(sum(expected.values()) - tp)
    total = tp + fp + fn
    return Counts(tp / total, fp / total, fn / total) if total else Counts(0.0, 0.0, 0.0)


def _shingles(text: str) -> Counter[tuple[str, ...]]:
    words = _WORD.findall(text)
    return Counter(
        tuple(words[i:i + _SHINGLE]) for i in range(max(1, len(words) - _SHINGLE + 1))
        if words[i:i + _SHINGLE]
    )


def _precision(c: Counts) -> float:
    if c.fp == c.fn == 0:
        return 1.0
    return c.tp / (c.tp + c.fp) if c.tp + c.fp else 0.0


def _recall(c: Counts) -> float:
    if c.fp == c.fn == 0:
        return 1.0
    return c.tp / (c.tp + c.fn) if c.tp + c.fn else 0.0


def macro(rows: list[Counts]) -> tuple[float, float, float]:
    """Mean precision (pages with a prediction), mean recall, and F1 of the two means."""
    precision = statistics.mean(_precision(c) for c in rows if c.tp + c.fp > 0)
    recall = statistics.mean(_recall(c) for c in rows if c.tp + c.fn > 0)
    return precision, recall, 2 * precision * recall / (precision + recall)


def micro(rows: list[Counts]) -> tuple[float, float, float]:
    """Precision, recall and F1 of the counts summed over all pages."""
    tp, fp, fn = (sum(getattr(c, f) for c in rows) for f in ("tp", "fp", "fn"))
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    return precision, recall, 2 * precision * recall / (precision + recall)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.extraction", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--worst", type=int, default=0, help="list the N lowest-F1 pages")
    parser.add_argument("--baseline", action="store_true",
                        help="also score plain trafilatura.extract() for comparison")
    args = parser.parse_args(argv)
    directory = eval_dir()
    truth_file = directory / "ground-truth.json"
    if not truth_file.is_file():
        print(f"skipped: benchmark data not found at {directory} "
              "(set NEWSDESK_EVAL_DIR to the folder holding article-extraction-benchmark/)")
        return 0
    truth: dict[str, dict[str, str]] = json.loads(truth_file.read_text(encoding="utf-8"))
    started = time.perf_counter()
    predictions: dict[str, str] = {}
    found = Counter[str]()
    for page_id in sorted(truth):
        data = (directory / "html" / f"{page_id}.html.gz").read_bytes()
        articles = [item for item in read_article_bytes(data, filename=f"{page_id}.html.gz")
                    if isinstance(item, Article)]
        predictions[page_id] = "\n\n".join(article.body for article in articles)
        if not articles:
            found["failed"] += 1
            continue
        article = articles[0]
        for name, value in (("title", article.title), ("date", article.published),
                            ("url", article.url), ("source", article.source),
                            ("authors", article.authors), ("partial", article.partial)):
            found[name] += bool(value)
    elapsed = time.perf_counter() - started
    rows = {"newsdesk": predictions}
    if args.baseline:
        rows["trafilatura.extract() defaults"] = _baseline(directory, truth)
    _print_table(truth, rows)
    total = len(truth)
    print(f"\npages {total}; no article (Skip) {found['failed']}; "
          f"{elapsed:.1f}s ({1000 * elapsed / total:.0f} ms/page)")
    print("metadata found: " + ", ".join(
        f"{name} {found[name]}/{total}"
        for name in ("title", "date", "url", "source", "authors", "partial")))
    if args.worst:
        _print_worst(truth, predictions, args.worst)
    return 0


def _print_table(truth: dict[str, dict[str, str]], rows: dict[str, dict[str, str]]) -> None:
    print(f"{'extractor':<32} {'metric':<26} {'precision':>9} {'recall':>7} {'F1':>7}")
    for name, predictions in rows.items():
        tokens = [token_counts(truth[k]["articleBody"], predictions[k]) for k in truth]
        shingles = [shingle_counts(truth[k]["articleBody"], predictions[k]) for k in truth]
        for metric, scores in (("tokens, macro", macro(tokens)),
                               ("tokens, micro", micro(tokens)),
                               ("4-gram shingles, macro", macro(shingles))):
            print(f"{name:<32} {metric:<26} {scores[0]:>9.3f} {scores[1]:>7.3f} {scores[2]:>7.3f}")


def _print_worst(
    truth: dict[str, dict[str, str]], predictions: dict[str, str], count: int
) -> None:
    scored = []
    for key in truth:
        c = token_counts(truth[key]["articleBody"], predictions[key])
        p, r = _precision(c), _recall(c)
        scored.append((2 * p * r / (p + r) if p + r else 0.0, p, r, key))
    print(f"\nlowest token F1 (worst {count}):")
    for f1, p, r, key in sorted(scored)[:count]:
        print(f"  F1 {f1:.3f}  P {p:.3f}  R {r:.3f}  {key[:16]}  {truth[key]['url']}")


def _baseline(directory: Path, truth: dict[str, dict[str, str]]) -> dict[str, str]:
    import trafilatura  # only for the optional comparison row

    return {
        key: trafilatura.extract(
            gzip.decompress((directory / "html" / f"{key}.html.gz").read_bytes()).decode()
        ) or ""
        for key in truth
    }


if __name__ == "__main__":
    sys.exit(main())
