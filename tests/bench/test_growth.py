import pytest

from bench.growth import COLUMNS, copy_of, main
from corpus.models import Article
from tests.conftest import DATA, EVAL

HEADS = [head for head, _, _ in COLUMNS]


def day_rows(out: str, title: str) -> list[dict[str, float]]:
    """The table printed under ``## title``, as numbers by column heading."""
    lines = out.split(f"## {title} ", 1)[1].splitlines()
    rows = []
    for line in lines[2:]:
        if not line.startswith("| ") and rows:
            break
        if line.startswith("| ") and not line.startswith("| day"):
            cells = [c.strip().replace(",", "") for c in line.strip("|").split("|")]
            rows.append(dict(zip(HEADS, map(float, cells), strict=True)))
    return rows


def test_a_copy_is_a_new_article_of_that_day_and_feed():
    text = Article("Ferry fares rise", "Fares rise.", url="https://a.example/x", source="Times")
    copy = copy_of(text, __import__("datetime").date(2026, 1, 3), 17, 4)
    assert copy.title == "Ferry fares rise (2026-01-03 no. 17)"
    assert copy.url == "https://feed004.example/2026-01-03/17"
    assert (copy.body, copy.source, copy.published) == ("Fares rise.", "Times", "2026-01-03")


def test_skips_with_a_message_without_the_eval_data(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("NEWSDESK_EVAL_DIR", str(tmp_path))
    assert main(["--days", "1", "--articles-per-day", "5"]) == 0
    assert "data not found" in capsys.readouterr().out


def test_tiny_run_prints_a_row_per_day_with_real_values(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("NEWSDESK_EVAL_DIR", str(tmp_path))  # questions: the texts' titles
    sources = [str(DATA / name) for name in ("ferry.json", "harbour.md", "budget.md")]
    main(["--articles-per-day", "20", "--days", "2", "--keep-days", "0", "--questions", "20",
          "--feeds", "5", "--sources", *sources])
    out = capsys.readouterr().out
    grow, keep = day_rows(out, "no retention"), day_rows(out, "keep 0 days")
    assert [(r["day"], r["articles"]) for r in grow] == [(1, 20), (2, 40)]
    assert [(r["day"], r["articles"], r["pruned"]) for r in keep] == [(1, 20, 0), (2, 20, 20)]
    for row in grow + keep:
        assert row["sentences"] > 0
        assert row["db MB"] > 0
        assert row["index MB"] > 0
        assert row["add s"] > 0
        assert row["build s"] > 0
        assert 0 < row["p50 ms"] <= row["p95 ms"]
    assert grow[1]["sentences"] == 2 * grow[0]["sentences"]
    assert "## Extrapolation (linear" in out
    assert "memory per million sentences" in out


@pytest.mark.skipif(not (EVAL / "bbc-news" / "articles.jsonl").exists()
                    or not (EVAL / "realtimeqa" / "articles.jsonl.gz").exists(),
                    reason="eval data (../shared/eval) absent: the tiny run above covers it")
def test_tiny_run_on_the_eval_texts(capsys):
    main(["--articles-per-day", "10", "--days", "2", "--keep-days", "", "--questions", "10",
          "--pool", "10"])
    rows = day_rows(capsys.readouterr().out, "no retention")
    assert [(r["day"], r["articles"]) for r in rows] == [(1, 10), (2, 20)]
    assert all(r["sentences"] > 0 and r["p50 ms"] > 0 for r in rows)
