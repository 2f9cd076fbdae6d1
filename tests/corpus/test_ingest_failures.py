"""One bad input never stops an ingest: crashes, special files, binary data, empty folders.

Every case here once raised a traceback (so later files were never read), blocked forever,
or stored garbage. Each must now give a `Skip` that names the file (and line) and says why,
while the files and lines after it are still read, through `read_articles` and through
`read_article_bytes` (uploads and fetched pages) alike.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import random
import socket
import threading
import zipfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

import corpus.ingest
import corpus.readers.feeds
import corpus.readers.records
from corpus.ingest import read_article_bytes, read_articles
from corpus.models import Article, Skip

GOOD_RECORD = {"title": "Ferry resumes", "text": "The ferry service resumed on Wednesday."}
GOOD_LINE = json.dumps(GOOD_RECORD)
DEEP_JSON = '{"title": "Deep", "text": ' + "[" * 5000 + "]" * 5000 + "}"
BIG_INT_JSON = ('{"title": "Budget", "text": "The council approved the budget.", "views": '
                + "9" * 5000 + "}")


def read_all(path: Path, *, follow_links: bool = False) -> list[Article | Skip]:
    return list(read_articles(path, follow_links=follow_links))


def articles(items: list[Article | Skip]) -> list[Article]:
    return [item for item in items if isinstance(item, Article)]


def skips(items: list[Article | Skip]) -> list[Skip]:
    return [item for item in items if isinstance(item, Skip)]


def assert_encodable(items: list[Article | Skip]) -> None:
    """The store must be able to UTF-8 encode every string yielded."""
    for item in items:
        if isinstance(item, Skip):
            values = [item.origin, item.reason]
        else:
            values = [item.title, item.body, item.url, item.source, item.published, item.origin,
                      *item.authors]
        for value in values:
            if value is not None:
                value.encode("utf-8")


def read_with_timeout(
    path: Path, seconds: float = 20.0, *, follow_links: bool = False
) -> list[Article | Skip]:
    """Read in a daemon thread so a blocking open fails the test instead of hanging it."""
    result: list[list[Article | Skip]] = []
    thread = threading.Thread(
        target=lambda: result.append(read_all(path, follow_links=follow_links)), daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "read_articles blocked"
    return result[0]


# --- 1. crashes become Skips ----------------------------------------------------------------


def test_lone_surrogate_escapes_are_replaced_in_every_field(tmp_path: Path) -> None:
    record = ('{"title": "\\ud800 bad", "text": "Body \\udfff text, and \\ud83d\\ude00 ok.",'
              ' "source": "Paper \\udc00", "authors": ["Jane \\ud801 Doe"]}')
    (tmp_path / "a.json").write_text(record, encoding="utf-8")
    items = read_all(tmp_path / "a.json")
    [article] = articles(items)
    assert article.title == "\ufffd bad"
    assert article.body == "Body \ufffd text, and \U0001f600 ok."
    assert article.source == "Paper \ufffd"
    assert article.authors == ("Jane \ufffd Doe",)
    assert_encodable(items)


def test_non_characters_are_replaced(tmp_path: Path) -> None:
    record = {"title": "Bridge\ufffe", "text": "The bridge\uffff reopened\U0010ffff today."}
    (tmp_path / "a.json").write_text(json.dumps(record), encoding="utf-8")
    [article] = articles(read_all(tmp_path / "a.json"))
    assert article.title == "Bridge\ufffd"
    assert article.body == "The bridge\ufffd reopened\ufffd today."


def test_undecodable_file_name_gives_an_encodable_origin(tmp_path: Path) -> None:
    name = os.fsencode(tmp_path) + b"/caf\xe9.txt"
    with open(name, "wb") as stream:
        stream.write(b"Title\n\nThe bridge reopened on Monday.")
    items = read_all(tmp_path)
    [article] = articles(items)
    assert article.body == "The bridge reopened on Monday."
    assert article.origin == f"{tmp_path}/caf\ufffd.txt"
    assert_encodable(items)


def test_deeply_nested_json_is_a_skip_and_the_next_file_is_read(tmp_path: Path) -> None:
    (tmp_path / "a_deep.json").write_text(DEEP_JSON, encoding="utf-8")
    (tmp_path / "b_good.json").write_text(GOOD_LINE, encoding="utf-8")
    items = read_all(tmp_path)
    assert skips(items) == [Skip(origin=str(tmp_path / "a_deep.json"),
                                 reason="invalid JSON: nested too deeply")]
    assert [a.title for a in articles(items)] == ["Ferry resumes"]


def test_deeply_nested_jsonl_line_is_a_skip_for_that_line_only(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text("\n".join([GOOD_LINE, DEEP_JSON, GOOD_LINE]), encoding="utf-8")
    items = read_all(path)
    assert skips(items) == [Skip(origin=str(path), reason="invalid JSON: nested too deeply",
                                 line=2)]
    assert [a.origin for a in articles(items)] == [f"{path}:1", f"{path}:3"]


def test_nested_text_lists_within_the_parser_limit_are_flattened(tmp_path: Path) -> None:
    record = '{"title": "Nested", "text": ' + "[" * 500 + '"Deep text."' + "]" * 500 + "}"
    (tmp_path / "a.json").write_text(record, encoding="utf-8")
    [article] = articles(read_all(tmp_path / "a.json"))
    assert article.body == "Deep text."


def test_integer_over_4300_digits_does_not_stop_the_record(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(BIG_INT_JSON, encoding="utf-8")
    (tmp_path / "b.jsonl").write_text(f"{BIG_INT_JSON}\n{GOOD_LINE}\n", encoding="utf-8")
    items = read_all(tmp_path)
    assert skips(items) == []
    assert [(a.title, a.body) for a in articles(items)] == [
        ("Budget", "The council approved the budget."),
        ("Budget", "The council approved the budget."),
        ("Ferry resumes", "The ferry service resumed on Wednesday."),
    ]


@pytest.mark.parametrize("label", ["punycode", "idna", "utf-7", "unicode_escape", "undefined",
                                   "rot13", "base64", "hz", "cp037", "utf-16"])
def test_meta_charset_that_is_no_text_encoding_is_ignored(label: str) -> None:
    page = (f'<html><head><meta charset="{label}"><title>Brücke</title></head><body>'
            "<article><p>Die Brücke über die Öste ist offen.</p></article></body></html>")
    [article] = articles(list(read_article_bytes(page.encode(), filename="p.html")))
    assert article.body == "Die Brücke über die Öste ist offen."


@pytest.mark.parametrize("label", ["punycode", "idna", "utf-7", "undefined"])
def test_http_charset_that_is_no_text_encoding_is_ignored(label: str) -> None:
    data = "Title\n\nDie Brücke ist offen.".encode()
    items = list(read_article_bytes(data, filename="a.txt",
                                    content_type=f"text/plain; charset={label}"))
    [article] = articles(items)
    assert article.body == "Die Brücke ist offen."


def test_any_reader_error_is_a_skip_and_the_next_file_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_html(data: bytes, **options: object) -> Iterator[Article | Skip]:
        yield Article(title="First", body="Read before the failure.", origin="x")
        raise RuntimeError("boom in the reader")

    monkeypatch.setattr(corpus.ingest, "read_html", broken_html)
    (tmp_path / "a.html").write_text("<p>Page</p>", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Title\n\nThe ferry resumed.", encoding="utf-8")
    items = read_all(tmp_path)
    assert [a.body for a in articles(items)] == ["Read before the failure.", "The ferry resumed."]
    assert skips(items) == [Skip(origin=str(tmp_path / "a.html"),
                                 reason="could not be read: RuntimeError: boom in the reader")]


def test_any_record_error_is_a_skip_for_that_jsonl_line_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = corpus.readers.records.read_record

    def flaky(record: object, **options: object) -> Iterator[Article | Skip]:
        if isinstance(record, dict) and record.get("title") == "Bad":
            raise KeyError("surprise")
        return real(record, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(corpus.readers.records, "read_record", flaky)
    path = tmp_path / "a.jsonl"
    path.write_text("\n".join([GOOD_LINE, json.dumps({"title": "Bad", "text": "x"}), GOOD_LINE]),
                    encoding="utf-8")
    items = read_all(path)
    assert skips(items) == [Skip(origin=str(path), reason="could not be read: KeyError: 'surprise'",
                                 line=2)]
    assert [a.origin for a in articles(items)] == [f"{path}:1", f"{path}:3"]


def test_error_message_in_skip_is_cut_short(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_text(text: str, **options: object) -> Iterator[Article | Skip]:
        raise ValueError("x" * 1000)
        yield  # pragma: no cover

    monkeypatch.setattr(corpus.ingest, "read_text", broken_text)
    [skip] = list(read_article_bytes(b"text", filename="a.txt"))
    assert isinstance(skip, Skip)
    assert skip.reason == "could not be read: ValueError: " + "x" * 200 + "…"


# --- 2. special and unreadable files ----------------------------------------------------------


def test_fifo_named_txt_is_skipped_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "a_pipe.txt")
    (tmp_path / "b.txt").write_text("Title\n\nThe ferry resumed.", encoding="utf-8")
    items = read_with_timeout(tmp_path)
    assert skips(items) == [Skip(origin=str(tmp_path / "a_pipe.txt"),
                                 reason="not a regular file: a named pipe (FIFO)")]
    assert [a.body for a in articles(items)] == ["The ferry resumed."]


def test_fifo_given_directly_is_skipped(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.json")
    items = read_with_timeout(tmp_path / "pipe.json")
    assert items == [Skip(origin=str(tmp_path / "pipe.json"),
                          reason="not a regular file: a named pipe (FIFO)")]


def test_socket_and_device_named_txt_are_skipped(tmp_path: Path) -> None:
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        server.bind(str(tmp_path / "sock.txt"))
        (tmp_path / "zero.txt").symlink_to("/dev/zero")
        items = read_with_timeout(tmp_path, follow_links=True)
    finally:
        server.close()
    assert skips(items) == [
        Skip(origin=str(tmp_path / "sock.txt"), reason="not a regular file: a socket"),
        Skip(origin=str(tmp_path / "zero.txt"), reason="not a regular file: a character device"),
    ]


def test_broken_link_or_vanished_file_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "gone.txt").symlink_to(tmp_path / "missing.txt")
    (tmp_path / "ok.txt").write_text("Title\n\nThe ferry resumed.", encoding="utf-8")
    items = read_all(tmp_path)
    assert skips(items) == [Skip(
        origin=str(tmp_path / "gone.txt"),
        reason="file vanished before it could be read (or is a broken link)",
    )]
    assert len(articles(items)) == 1


def test_links_leaving_the_folder_are_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("Secret\n\nThe root password is hunter2.", "utf-8")
    folder = tmp_path / "articles"
    (folder / "sub").mkdir(parents=True)
    (folder / "ok.txt").write_text("Ferry\n\nThe ferry resumed.", encoding="utf-8")
    (folder / "a_passwd.txt").symlink_to("/etc/passwd")
    (folder / "b_secret.txt").symlink_to(outside / "secret.txt")
    (folder / "c_inside.txt").symlink_to(folder / "ok.txt")
    (folder / "sub" / "up.txt").symlink_to("../../outside/secret.txt")
    (folder / "linked_dir").symlink_to(outside, target_is_directory=True)
    items = read_all(folder)
    reason = "symbolic link leads outside the folder (not followed; see --follow-links)"
    assert skips(items) == [Skip(origin=str(folder / "a_passwd.txt"), reason=reason),
                            Skip(origin=str(folder / "b_secret.txt"), reason=reason),
                            Skip(origin=str(folder / "sub" / "up.txt"), reason=reason)]
    assert [a.body for a in articles(items)] == ["The ferry resumed.", "The ferry resumed."]
    followed = read_all(folder, follow_links=True)
    assert "The root password is hunter2." in [a.body for a in articles(followed)]


def test_permission_denied_is_a_skip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = tmp_path / "a_locked.txt"
    locked.write_text("Title\n\nSecret.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Title\n\nThe ferry resumed.", encoding="utf-8")
    real_open = os.open

    def guarded_open(path: object, flags: int, *args: int) -> int:
        if str(path) == str(locked):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(corpus.ingest.os, "open", guarded_open)
    items = read_all(tmp_path)
    assert skips(items) == [Skip(origin=str(locked), reason="permission denied")]
    assert [a.body for a in articles(items)] == ["The ferry resumed."]


def test_folder_that_cannot_be_listed_is_a_skip(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a_locked").mkdir()
    (tmp_path / "a_locked" / "x.txt").write_text("Title\n\nSecret.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Title\n\nThe ferry resumed.", encoding="utf-8")
    real_scandir = os.scandir

    def guarded_scandir(path: Any) -> Any:
        if str(path) == str(tmp_path / "a_locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", guarded_scandir)
    items = read_all(tmp_path)
    assert skips(items) == [Skip(origin=str(tmp_path / "a_locked"), reason="permission denied")]
    assert [a.body for a in articles(items)] == ["The ferry resumed."]


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any file")
def test_unreadable_file_and_folder_are_skipped(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Title\n\nSecret.", encoding="utf-8")
    (tmp_path / "a.txt").chmod(0)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text("Title\n\nHidden.", encoding="utf-8")
    (tmp_path / "sub").chmod(0)
    try:
        items = read_all(tmp_path)
    finally:
        (tmp_path / "sub").chmod(0o755)
    assert sorted(skips(items), key=str) == [
        Skip(origin=str(tmp_path / "a.txt"), reason="permission denied"),
        Skip(origin=str(tmp_path / "sub"), reason="permission denied"),
    ]


# --- 6. binary files ----------------------------------------------------------------------------


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("story.txt", "The bridge reopened. " * 50)
    return buffer.getvalue()


PRINTABLE_RNG = random.Random(2)
BINARIES = {
    "random": random.Random(0).randbytes(20_000),
    "random-small": random.Random(1).randbytes(64),
    "random-printable": bytes(PRINTABLE_RNG.choice(range(0x20, 0x100)) for _ in range(3000)),
    "elf": b"\x7fELF\x02\x01\x01\x00" + bytes(56) + b">\xd0a@pG@8" + bytes(100),
    "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + random.Random(3).randbytes(500),
    "jpeg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + random.Random(4).randbytes(500),
    "pdf": b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n",
    "zip": zip_bytes(),
    "nul-padded-text": b"The bridge reopened on Monday." + bytes(40),
}


@pytest.mark.parametrize("kind", sorted(BINARIES))
@pytest.mark.parametrize("suffix", [".txt", ".html", ".md", ".json", ".jsonl", ".rss"])
def test_binary_data_is_skipped_whatever_its_suffix(kind: str, suffix: str) -> None:
    items = list(read_article_bytes(BINARIES[kind], filename=f"file{suffix}"))
    assert items == [Skip(origin=f"file{suffix}", reason="not a text file (looks binary)")]


def test_real_executable_saved_as_txt_is_skipped(tmp_path: Path) -> None:
    executable = Path("/bin/ls")
    if not executable.exists():
        pytest.skip("no /bin/ls")
    (tmp_path / "ls.txt").write_bytes(executable.read_bytes())
    assert read_all(tmp_path / "ls.txt") == [
        Skip(origin=str(tmp_path / "ls.txt"), reason="not a text file (looks binary)")]


def test_binary_inside_gzip_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "a.txt.gz").write_bytes(gzip.compress(BINARIES["elf"]))
    assert read_all(tmp_path / "a.txt.gz") == [
        Skip(origin=str(tmp_path / "a.txt.gz"), reason="not a text file (looks binary)")]


@pytest.mark.parametrize(
    ("data", "body"),
    [
        (b"BMW recalls cars\n\nThe carmaker said on Monday it would recall 10,000 cars.",
         "The carmaker said on Monday it would recall 10,000 cars."),
        (b"MZ Airlines grows\n\nThe airline added six routes.", "The airline added six routes."),
        ("Title\n\nThe bridge reopened.".encode("utf-16-le"), "The bridge reopened."),
        ("Title\n\nThe bridge reopened.".encode("utf-16"), "The bridge reopened."),
        ("Titel\n\nDie Brücke über die Öste ist offen.".encode("cp1252"),
         "Die Brücke über die Öste ist offen."),
        ("見出し\n\n東京で会議が開かれました。".encode("iso2022_jp"), "東京で会議が開かれました。"),
        (b"Title\n\nThe bridge reopened on Monday.\x1a", "The bridge reopened on Monday."),
    ],
)
def test_text_that_resembles_binary_is_still_read(data: bytes, body: str) -> None:
    [article] = articles(list(read_article_bytes(data, filename="a.txt")))
    assert article.body == body


# --- 9. folders without readable files ---------------------------------------------------------


def test_empty_folder_is_one_skip_saying_so(tmp_path: Path) -> None:
    assert read_all(tmp_path) == [Skip(origin=str(tmp_path),
                                       reason="no files with a known suffix")]


def test_folder_of_unsupported_and_hidden_files_says_so_after_each_file(tmp_path: Path) -> None:
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / ".hidden.txt").write_text("Title\n\nHidden.", encoding="utf-8")
    items = read_all(tmp_path)
    assert [item.origin for item in skips(items)] == [str(tmp_path / "notes.pdf"), str(tmp_path)]
    assert items[-1] == Skip(origin=str(tmp_path), reason="no files with a known suffix")


def test_folder_with_a_known_file_has_no_folder_skip(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("   ", encoding="utf-8")
    assert read_all(tmp_path) == [Skip(origin=str(tmp_path / "a.txt"), reason="no text extracted")]


# --- 10. the same through read_article_bytes ----------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "data", "expected"),
    [
        ("a.json", DEEP_JSON.encode(), Skip("a.json", "invalid JSON: nested too deeply")),
        ("a.jsonl", DEEP_JSON.encode(), Skip("a.jsonl", "invalid JSON: nested too deeply", 1)),
        ("a.html", BINARIES["random"], Skip("a.html", "not a text file (looks binary)")),
        ("a.md", b"---\ntitle: X\nauthor: Y\n\nBody.",
         Skip("a.md", "front matter opened on line 1 is never closed", 1)),
    ],
)
def test_read_article_bytes_skips_like_read_articles(
    filename: str, data: bytes, expected: Skip
) -> None:
    assert list(read_article_bytes(data, filename=filename)) == [expected]


def test_read_article_bytes_turns_reader_errors_into_a_skip(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_feed(data: bytes, **options: object) -> Iterator[Article | Skip]:
        raise RecursionError("maximum recursion depth exceeded")
        yield  # pragma: no cover

    monkeypatch.setattr(corpus.ingest, "read_feed", broken_feed)
    items = list(read_article_bytes(b"<rss></rss>", filename="https://news.example/feed.rss"))
    assert items == [Skip(origin="https://news.example/feed.rss",
                          reason="could not be read: RecursionError: maximum recursion depth "
                                 "exceeded")]


def test_read_article_bytes_big_int_and_surrogates() -> None:
    record = BIG_INT_JSON.replace('"Budget"', '"Budget \\ud800"')
    items = list(read_article_bytes(record.encode(), filename="upload.json"))
    [article] = articles(items)
    assert (article.title, article.body) == ("Budget \ufffd", "The council approved the budget.")
    assert_encodable(items)


def test_one_broken_feed_entry_is_a_skip_and_the_others_are_read(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    real = corpus.readers.feeds._entry_text

    def flaky(entry: Mapping[str, Any]) -> str:
        if entry.get("title") == "Bad":
            raise IndexError("no such block")
        return real(entry)

    monkeypatch.setattr(corpus.readers.feeds, "_entry_text", flaky)
    feed = ('<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>'
            "<item><title>Good</title><description>The bridge reopened.</description></item>"
            "<item><title>Bad</title><description>x</description></item>"
            "<item><title>Also good</title><description>The ferry resumed.</description></item>"
            "</channel></rss>")
    items = list(read_article_bytes(feed.encode(), filename="f.rss"))
    assert [a.title for a in articles(items)] == ["Good", "Also good"]
    assert skips(items) == [Skip(origin="f.rss#2",
                                 reason="could not be read: IndexError: no such block")]
