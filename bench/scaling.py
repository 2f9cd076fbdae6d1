"""Seconds per stage as one input grows: one huge article, and the same bytes as many.

Run from the repository root::

    python -m bench.scaling                  # 1, 2, 10 and 100 MB
    python -m bench.scaling --sizes 1,2,10   # a quicker run

For every size S (MB of article text) two inputs are generated in a temporary directory:

* **one article**: a ``.txt`` file of S MB of short sentences ("Word number 12345 is
  here."), ten to a paragraph: the shape that made the index build quadratic (issue 9);
* **many articles**: the same sentences as a ``.jsonl`` file of 4 KB articles.

Each is put through the stages `bot.service.AnswerService` runs, timed one by one:

* **read**: `corpus.ingest.read_articles` (decode, parse, clean up);
* **split**: `retrieval.sentences.segment_within` with ``NEWSDESK_MAX_ARTICLE_BYTES``
  (an article over the limit is cut at a sentence boundary: **kept MB** says how much of
  the input is left);
* **store**: `corpus.store.ArticleStore.upsert` of every article with its sentences;
* **index**: `AnswerService.reindex` (a full build from the stored sentences, in this
  process: ``index_workers`` 0);
* **answer**: the first question after the build (it also builds the passage's document),
  and **warm ms**, the median of the next nine.

Every stage should grow linearly (or n log n) with S: compare the **s/MB** columns.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bot.config import Settings
from bot.service import AnswerService
from corpus.ingest import read_articles
from corpus.models import Article
from retrieval.sentences import segment_within

SENTENCES_PER_PARAGRAPH = 10
ARTICLE_BYTES = 4_000
QUESTIONS = [f"Which word number is {n}?" for n in (4242, 17, 99999, 123456, 5, 808, 31337,
                                                      2024, 65536, 777)]


def sentences(total_bytes: int) -> list[str]:
    """Short distinct sentences adding up to about ``total_bytes`` (with separators)."""
    out: list[str] = []
    size = 0
    while size < total_bytes:
        text = f"Word number {len(out)} is here."
        out.append(text)
        size += len(text) + 1
    return out


def write_one(path: Path, texts: Sequence[str]) -> None:
    """One article: a title line, then paragraphs of `SENTENCES_PER_PARAGRAPH` sentences."""
    step = SENTENCES_PER_PARAGRAPH
    paragraphs = (" ".join(texts[at : at + step]) for at in range(0, len(texts), step))
    path.write_text("One very long article\n\n" + "\n\n".join(paragraphs) + "\n",
                    encoding="utf-8")


def write_many(path: Path, texts: Sequence[str]) -> None:
    """Articles of about `ARTICLE_BYTES` each, one JSON record a line."""
    with path.open("w", encoding="utf-8") as out:
        body: list[str] = []
        size = count = 0
        for at, text in enumerate(texts):
            body.append(text)
            size += len(text) + 1
            if size >= ARTICLE_BYTES or at == len(texts) - 1:
                count += 1
                record = {"title": f"Article {count}", "text": " ".join(body)}
                out.write(json.dumps(record) + "\n")
                body, size = [], 0


async def measure(path: Path, work: Path, max_bytes: int) -> dict[str, float]:
    """Time every stage on ``path`` with a fresh database in ``work``."""
    row: dict[str, float] = {}
    started = time.perf_counter()
    articles = [a for a in await asyncio.to_thread(lambda: list(read_articles(path)))
                if isinstance(a, Article)]
    row["read"] = time.perf_counter() - started

    started = time.perf_counter()
    split = [segment_within(a.body, max_bytes) for a in articles]
    row["split"] = time.perf_counter() - started
    row["kept_mb"] = sum(len(body.encode("utf-8")) for body, _ in split) / 1e6
    row["articles"] = len(articles)
    row["sentences"] = sum(len(found) for _, found in split)

    settings = Settings(db=work / "scaling.db", index_workers=0, persist_index=False,
                        max_article_bytes=max_bytes, question_log=False)
    async with await AnswerService.open(settings, load_sample=False) as service:
        started = time.perf_counter()
        for article, (body, found) in zip(articles, split, strict=True):
            await service.store.upsert(Article(article.title, body, origin=article.origin),
                                       found)
        row["store"] = time.perf_counter() - started
        del articles, split

        started = time.perf_counter()
        await service.reindex()
        row["index"] = time.perf_counter() - started

        started = time.perf_counter()
        first = await service.answer(QUESTIONS[0])
        row["answer"] = time.perf_counter() - started
        row["answered"] = float(first.best is not None)
        warm = []
        for question in QUESTIONS[1:]:
            started = time.perf_counter()
            await service.answer(question)
            warm.append(time.perf_counter() - started)
        row["warm_ms"] = statistics.median(warm) * 1000
    return row


def table(rows: list[tuple[str, float, dict[str, float]]]) -> str:
    """A Markdown table of the measured rows."""
    stages = ("read", "split", "store", "index", "answer")
    head = ["input", "MB", "articles", "sentences", "kept MB", *(f"{s} s" for s in stages),
            "warm ms", "total s/MB"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for shape, size, row in rows:
        total = sum(row[s] for s in stages)
        cells = [shape, f"{size:g}", f"{row['articles']:,.0f}", f"{row['sentences']:,.0f}",
                 f"{row['kept_mb']:.1f}", *(f"{row[s]:.2f}" for s in stages),
                 f"{row['warm_ms']:.1f}", f"{total / size:.2f}"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    """Run the sizes asked for and print the table."""
    parser = argparse.ArgumentParser(prog="python -m bench.scaling", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1,2,10,100", help="MB of text, comma-separated")
    parser.add_argument("--shapes", default="one,many", help="one, many or both")
    parser.add_argument("--max-article-bytes", type=int,
                        default=Settings().max_article_bytes,
                        help="the per-article limit (default: NEWSDESK_MAX_ARTICLE_BYTES)")
    args = parser.parse_args(argv)
    sizes = [float(size) for size in args.sizes.split(",")]
    shapes = [shape.strip() for shape in args.shapes.split(",")]
    rows: list[tuple[str, float, dict[str, float]]] = []
    for size in sizes:
        texts = sentences(int(size * 1_000_000))
        for shape in shapes:
            with tempfile.TemporaryDirectory(prefix="newsdesk-scaling-") as tmp:
                work = Path(tmp)
                path = work / ("one.txt" if shape == "one" else "many.jsonl")
                (write_one if shape == "one" else write_many)(path, texts)
                row = asyncio.run(measure(path, work, args.max_article_bytes))
            rows.append((f"{shape} article{'s' if shape == 'many' else ''}", size, row))
            print(f"{shape} {size:g} MB: " + ", ".join(f"{k} {v:.2f}" for k, v in row.items()),
                  flush=True)
    print()
    print(f"per-article limit: {args.max_article_bytes:,} bytes")
    print(table(rows))


if __name__ == "__main__":
    main()
