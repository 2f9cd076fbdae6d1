import json

from bench.scaling import main, sentences, write_many, write_one


def test_generated_inputs_hold_every_sentence_once(tmp_path):
    texts = sentences(20_000)
    write_one(tmp_path / "one.txt", texts)
    write_many(tmp_path / "many.jsonl", texts)
    one = (tmp_path / "one.txt").read_text(encoding="utf-8")
    records = [json.loads(line) for line in (tmp_path / "many.jsonl").read_text().splitlines()]
    assert one.count(" is here.") == len(texts)
    assert sum(r["text"].count(" is here.") for r in records) == len(texts)
    assert len(records) == 5


def test_small_run_prints_one_row_per_input(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("NEWSDESK_DB", str(tmp_path / "unused.db"))
    main(["--sizes", "0.02", "--max-article-bytes", "10000"])
    out = capsys.readouterr().out
    assert "| one article | 0.02 | 1 |" in out
    assert "| many articles | 0.02 | 5 |" in out
    assert "per-article limit: 10,000 bytes" in out
