"""Title / publisher / date / URL accuracy on pages of the article-extraction benchmark.

Run from the repository root::

    python -m bench.metadata [--misses] [--split tune|holdout|fresh|all]

``bench/metadata_truth.jsonl`` holds, for 61 of the benchmark's pages, what the page itself
says (read by hand from its ``<title>``, og tags, JSON-LD, ``<time>`` and visible byline):
``title``, ``publisher``, ``date`` (ISO, the calendar day the page shows) and ``url`` (the
page's canonical or og:url, ``null`` when it names none). A field may list several values
when the page shows more than one (a headline and an SEO title, "WSJ" and "The Wall Street
Journal", or the UTC day of a machine-readable timestamp next to the local day shown); any
of them counts. The first 46 rows were written before the code was changed, alternately
``tune`` and ``holdout``; misses of both were seen while changing the code, but only
``tune`` pages were read to choose rules. The 15 ``fresh`` rows were written after the
changes, from pages never looked at before, as a check on pages nobody tuned for.

Each page goes through `corpus.ingest.read_article_bytes` as an uploaded file would, with no
fetch URL. Strings are compared after Unicode NFKC, straight quotes, "..." for "…", collapsed
whitespace and case folding; a missing value (``None``) matches only a ``null`` truth.

To measure another checkout (the "before" numbers), put it first on the path::

    PYTHONPATH=/path/to/old/checkout python bench/metadata.py

The benchmark directory is found as in `bench.extraction` (``NEWSDESK_EVAL_DIR``).
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from pathlib import Path

from corpus.ingest import read_article_bytes
from corpus.models import Article

REPO = Path(__file__).resolve().parents[1]
TRUTH = REPO / "bench" / "metadata_truth.jsonl"
FIELDS = ("title", "publisher", "date", "url")
SPLITS = ("tune", "holdout", "fresh")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def eval_dir() -> Path:
    """Return the benchmark directory, as `bench.extraction` does."""
    import os

    root = os.environ.get("NEWSDESK_EVAL_DIR")
    base = Path(root) if root else REPO.parent / "shared" / "eval"
    return base / "article-extraction-benchmark"


def normalize(value: object) -> str | None:
    """Return a comparable form of a metadata string (``None`` stays ``None``)."""
    if value is None:
        return None
    text = unicodedata.normalize("NFKC", str(value)).translate(_QUOTES).replace("…", "...")
    return " ".join(text.split()).casefold()


def matches(expected: object, got: object) -> bool:
    """Return whether ``got`` equals the expected value or one of the expected values."""
    options = expected if isinstance(expected, list) else [expected]
    return normalize(got) in {normalize(option) for option in options}


def extract(page: Path) -> dict[str, str | None]:
    """Return the stored metadata of one benchmark page."""
    items = read_article_bytes(page.read_bytes(), filename=page.name)
    article = next((item for item in items if isinstance(item, Article)), None)
    if article is None:
        return dict.fromkeys(FIELDS)
    return {"title": article.title, "publisher": article.source,
            "date": article.published, "url": article.url}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.metadata", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--misses", action="store_true", help="print every wrong field")
    parser.add_argument("--split", choices=(*SPLITS, "all"), default="all")
    args = parser.parse_args(argv)
    html_dir = eval_dir() / "html"
    if not html_dir.is_dir():
        print(f"benchmark not found at {html_dir}; nothing to measure")
        return 0
    rows = [json.loads(line) for line in TRUTH.read_text(encoding="utf-8").splitlines() if line]
    right = {split: dict.fromkeys(FIELDS, 0) for split in SPLITS}
    pages = dict.fromkeys(SPLITS, 0)
    for row in rows:
        got = extract(html_dir / f"{row['id']}.html.gz")
        pages[row["split"]] += 1
        for field in FIELDS:
            if matches(row[field], got[field]):
                right[row["split"]][field] += 1
            elif args.misses:
                print(f"{row['id'][:8]} {row['split']:7} {field:9} got {got[field]!r}"
                      f"  want {row[field]!r}")
    splits = SPLITS if args.split == "all" else (args.split,)
    print(f"{'split':8} {'pages':>5} " + " ".join(f"{field:>9}" for field in FIELDS))
    for split in splits:
        print(f"{split:8} {pages[split]:5d} " + " ".join(
            f"{right[split][field] / max(pages[split], 1):9.1%}" for field in FIELDS))
    if args.split == "all":
        total = sum(pages.values())
        print(f"{'all':8} {total:5d} " + " ".join(
            f"{sum(r[field] for r in right.values()) / max(total, 1):9.1%}" for field in FIELDS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
