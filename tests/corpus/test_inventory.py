import gzip
import json

from corpus.inventory import count_records


def test_counts_records_the_way_the_readers_read_them(tmp_path):
    (tmp_path / "a.jsonl").write_text('{"text": "one"}\n\n{"text": "two"}\n{broken\n')
    (tmp_path / "b.json").write_text(json.dumps([{"text": "x"}, {"text": "y"}, {"text": "z"}]))
    (tmp_path / "c.json").write_text(json.dumps({"text": "single"}))
    (tmp_path / "feed.xml").write_text(
        "<rss><channel><item><title>1</title></item><item/><item>3</item></channel></rss>")
    (tmp_path / "atom.atom").write_text("<feed><entry>1</entry><entry>2</entry></feed>")
    (tmp_path / "page.html").write_text("<html></html>")
    with gzip.open(tmp_path / "more.ndjson.gz", "wt") as stream:
        stream.write('{"text": "1"}\n{"text": "2"}\n')
    hidden = tmp_path / ".hidden"
    hidden.mkdir()
    (hidden / "skip.jsonl").write_text('{"text": "1"}\n')
    assert count_records(tmp_path / "a.jsonl") == 3
    assert count_records(tmp_path) == 3 + 3 + 1 + 3 + 2 + 1 + 2


def test_a_missing_path_counts_zero(tmp_path):
    assert count_records(tmp_path / "nope") == 0
