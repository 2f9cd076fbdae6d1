"""End to end: the real ``newsdesk`` command on a temporary database."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def newsdesk(
    *args: str, db: Path, stdin: str | None = None, create: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run newsdesk on ``db``; ``create``: read commands may create it (NEWSDESK_CREATE_DB)."""
    env = {**os.environ, "NEWSDESK_DB": str(db), "HOME": str(db.parent),
           "NEWSDESK_CREATE_DB": "true" if create else "false"}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, text=True,
        env=env, timeout=120, check=False,
    )


def default_db_env(home: Path) -> dict[str, str]:
    """No NEWSDESK_DB and a fresh HOME: newsdesk uses its default per-user database."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"NEWSDESK_DB", "XDG_DATA_HOME", "NEWSDESK_CREATE_DB"}}
    return {**env, "HOME": str(home)}


def test_ask_on_a_fresh_default_database_cites_the_bundled_article(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "What did Kim say about hostile forces?"],
        capture_output=True, text=True, env=default_db_env(tmp_path), timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / ".local" / "share" / "newsdesk" / "newsdesk.db").is_file()
    assert "**hostile** **forces**" in result.stdout
    assert ("— Xi, Kim vow to strengthen North Korea and China’s friendship, cooperation"
            " · The Hill · date unknown · sentence ") in result.stdout


def test_ingest_then_ask_cites_the_right_passage(db_path, tiny_corpus):
    ingest = newsdesk("ingest", str(tiny_corpus), db=db_path)
    assert ingest.returncode == 0, ingest.stderr
    assert "added 3, updated 0, already stored 0, skipped 0" in ingest.stdout
    result = newsdesk("ask", "--json", "When did the harbour bridge reopen?", db=db_path)
    payload = json.loads(result.stdout)
    assert payload["answer"]["sentence"] == (
        "The harbour bridge reopened on Saturday after six weeks of repairs."
    )
    assert payload["answer"]["article"]["url"] == "https://news.example/harbour-bridge"
    assert payload["answer"]["article"]["published"] == "2026-04-04"
    assert payload["answer"]["sentence_index"] == 0


def test_ingest_reports_skips_with_file_and_line_and_fails_only_when_nothing_read(
    db_path, tmp_path
):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"title": "Ok", "text": "The tunnel opened today."}\n{broken\n')
    partly = newsdesk("ingest", str(bad), db=db_path)
    assert partly.returncode == 0
    assert "added 1" in partly.stdout
    assert f"skipped {bad}:2: " in partly.stdout
    worse = tmp_path / "worse.jsonl"
    worse.write_text("{broken\n")
    failed = newsdesk("ingest", str(worse), db=db_path)
    assert failed.returncode == 1
    assert f"skipped {worse}:1: " in failed.stdout


def test_ingest_reports_an_article_cut_to_the_size_limit(db_path, tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSDESK_MAX_ARTICLE_BYTES", "10000")
    big = tmp_path / "big.txt"
    big.write_text("Long\n\n" + " ".join(f"Word number {n} is here." for n in range(2000)))
    result = newsdesk("ingest", str(big), db=db_path)
    assert result.returncode == 0, result.stderr
    assert "added 1" in result.stdout
    assert f"truncated {big}: article text is " in result.stdout
    assert "(NEWSDESK_MAX_ARTICLE_BYTES)" in result.stdout


def test_ingest_missing_path_is_a_clear_error(db_path, tmp_path):
    result = newsdesk("ingest", str(tmp_path / "nope"), db=db_path)
    assert result.returncode == 2
    assert "no such file or folder" in result.stderr


def test_jsonl_contract(db_path, tiny_corpus):
    newsdesk("ingest", str(tiny_corpus), db=db_path)
    stdin = "\n".join([
        json.dumps({"id": "q1", "question": "How much will ferry fares rise?"}),
        "Who is he?",
        "What did the volcano do?",
    ]) + "\n"
    result = newsdesk("ask", "--jsonl", db=db_path, stdin=stdin)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["id"] for line in lines] == ["q1", 2, 3]
    first = lines[0]
    assert set(first) >= {"id", "question", "answer", "alternatives"}
    assert set(first["answer"]) >= {"passage", "sentence", "score", "sentence_index", "article"}
    assert set(first["answer"]["article"]) >= {"id", "title", "source", "url", "published"}
    assert first["answer"]["article"]["title"] == "Ferry fares to rise in June"
    assert first["answer"]["score"] > 0
    assert [lines[1]["answer"], lines[1]["reason"]] == [None, "no_terms"]
    assert [lines[2]["answer"], lines[2]["reason"]] == [None, "no_match"]


def test_console_answers_lists_sources_and_exits_on_eof(db_path):
    result = newsdesk("console", "--create", db=db_path,
                      stdin="help\nWhat did Kim say about hostile forces?\nsources\n")
    assert result.returncode == 0, result.stderr
    assert "Ask a question about the articles" in result.stdout
    assert "hostile" in result.stdout
    assert "The Hill" in result.stdout


def test_articles_and_stats(db_path, tiny_corpus):
    newsdesk("ingest", str(tiny_corpus), db=db_path)
    articles = newsdesk("articles", db=db_path)
    assert articles.stdout.index("Harbour bridge reopens") < articles.stdout.index(
        "Ferry fares to rise")
    stats = newsdesk("stats", db=db_path)
    assert "articles   3 from 2 publishers" in stats.stdout


@pytest.mark.parametrize("value", ["abc", "-1"])
def test_bad_setting_names_the_variable(db_path, value):
    env = {**os.environ, "NEWSDESK_DB": str(db_path), "NEWSDESK_TOP_K": value}
    result = subprocess.run([sys.executable, "-m", "bot", "stats"], capture_output=True,
                            text=True, env=env, check=False)
    assert result.returncode == 2
    assert "NEWSDESK_TOP_K" in result.stderr


def test_top_level_db_option_is_honoured(tmp_path):
    db = tmp_path / "top.db"
    env = {k: v for k, v in os.environ.items() if k != "NEWSDESK_DB"}
    env["HOME"] = str(tmp_path / "home")
    result = subprocess.run([sys.executable, "-m", "bot", "--db", str(db), "stats", "--create"],
                            capture_output=True, text=True, env=env, check=False)
    assert result.returncode == 0, result.stderr
    assert f"database   {db}" in result.stdout
    assert db.exists()


@pytest.mark.parametrize("value", ["0", "-2", "26", "many"])
def test_top_k_out_of_range_is_refused(db_path, value):
    result = newsdesk("ask", "--top-k", value, "bridge", db=db_path)
    assert result.returncode == 2
    assert "--top-k" in result.stderr


def test_filters_that_exclude_everything_say_so(db_path):
    result = newsdesk("ask", "--source", "Nowhere Daily", "treaty", db=db_path)
    assert result.stdout.startswith("No articles match those filters")
    partial_name = newsdesk("ask", "--source", "hill", "treaty", db=db_path)
    assert "The Hill" in partial_name.stdout


def test_search_timeout_is_a_message_not_a_traceback(db_path):
    env = {**os.environ, "NEWSDESK_DB": str(db_path), "NEWSDESK_SEARCH_TIMEOUT": "0.000000001",
           "NEWSDESK_CREATE_DB": "true"}
    result = subprocess.run([sys.executable, "-m", "bot", "ask", "treaty"], capture_output=True,
                            text=True, env=env, check=False)
    assert result.returncode == 1
    assert "took too long" in result.stderr
    assert "Traceback" not in result.stderr


def test_jsonl_keeps_one_output_line_per_input_line(db_path):
    stdin = '{"id": "bad"}\n{broken\n{"id": 7, "question": "treaty"}\n'
    result = newsdesk("ask", "--jsonl", db=db_path, stdin=stdin)
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(line["id"], line["reason"]) for line in lines] == [
        ("bad", "invalid_input"), (2, "invalid_input"), (7, None)]
    assert "stdin line 2: invalid JSON" in result.stderr


def test_bad_log_level_is_refused(db_path):
    env = {**os.environ, "NEWSDESK_DB": str(db_path), "NEWSDESK_LOG_LEVEL": "LOUD"}
    result = subprocess.run([sys.executable, "-m", "bot", "stats"], capture_output=True,
                            text=True, env=env, check=False)
    assert result.returncode == 2
    assert "NEWSDESK_LOG_LEVEL" in result.stderr


def test_output_into_a_closed_pipe_is_quiet(db_path, tiny_corpus):
    newsdesk("ingest", str(tiny_corpus), db=db_path)
    env = {**os.environ, "NEWSDESK_DB": str(db_path)}
    result = subprocess.run(
        f"{sys.executable} -m bot articles | head -n 1", shell=True, capture_output=True,
        text=True, env=env, check=False,
    )
    assert result.stdout.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_a_mistyped_command_suggests_the_closest(db_path):
    result = newsdesk("aks", "bridge", db=db_path)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == (
        "newsdesk: error: unknown command 'aks': did you mean 'ask'?")


def test_an_unquoted_question_is_joined(db_path, tiny_corpus):
    newsdesk("ingest", str(tiny_corpus), db=db_path)
    result = newsdesk("ask", "--json", "when", "did", "the", "harbour", "bridge", "reopen",
                      db=db_path)
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["question"] == "when did the harbour bridge reopen"
    assert payload["answer"]["article"]["title"] == "Harbour bridge reopens after repairs"


def test_every_subcommand_help_has_a_description():
    from bot.cli import build_parser

    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command")
    for name, sub in commands.choices.items():
        assert sub.description, name
    assert set(commands.choices) >= {"remove", "backup", "export", "forget-questions"}
    result = subprocess.run([sys.executable, "-m", "bot", "stats", "--help"],
                            capture_output=True, text=True, check=False)
    assert "Print article, sentence, publisher and question counts." in result.stdout


@pytest.mark.parametrize(("line", "error"), [
    ("[1,2]", "want a JSON object with a string 'question' field"),
    ("[", "invalid JSON (Expecting value at column 2)"),
])
def test_jsonl_array_lines_are_invalid_input(db_path, tiny_corpus, line, error):
    newsdesk("ingest", str(tiny_corpus), db=db_path)
    result = newsdesk("ask", "--jsonl", db=db_path, stdin=f"{line}\nferry fares\n")
    first, second = (json.loads(out) for out in result.stdout.splitlines())
    assert (first["id"], first["reason"], first["error"]) == (1, "invalid_input", error)
    assert second["answer"]["article"]["title"] == "Ferry fares to rise in June"


def test_ingest_summary_says_what_each_time_measures(db_path, tiny_corpus):
    result = newsdesk("ingest", str(tiny_corpus), db=db_path)
    line = result.stdout.strip().splitlines()[-1]
    assert line.startswith("added 3, updated 0, already stored 0, skipped 0: read and stored in ")
    assert line.endswith("s in all (with opening the database and indexing)")


def test_ingest_progress_on_a_terminal_counts_against_the_total(db_path, tmp_path):
    pexpect = pytest.importorskip("pexpect")
    records = tmp_path / "many.jsonl"
    records.write_text("".join(
        json.dumps({"title": f"Story {i}", "text": f"The council met for the {i}th time."}) + "\n"
        for i in range(200)))
    env = {**os.environ, "NEWSDESK_DB": str(db_path), "HOME": str(tmp_path)}
    child = pexpect.spawn(sys.executable, ["-m", "bot", "ingest", str(records)], env=env,
                          encoding="utf-8", timeout=120, dimensions=(24, 120))
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "records: 100%" in child.before
    assert "200/200" in child.before
    assert "added 200" in child.before


def test_ask_on_a_terminal_uses_real_bold_and_colour(db_path, tiny_corpus):
    pexpect = pytest.importorskip("pexpect")
    newsdesk("ingest", str(tiny_corpus), db=db_path)
    env = {**os.environ, "NEWSDESK_DB": str(db_path), "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    child = pexpect.spawn(sys.executable, ["-m", "bot", "ask", "When did the bridge reopen?"],
                          env=env, encoding="utf-8", timeout=60, dimensions=(24, 200))
    child.expect(pexpect.EOF)
    child.close()
    out = child.before
    assert child.exitstatus == 0
    assert "**" not in out
    assert "\x1b[1mbridge\x1b[0m" in out
    assert "\x1b[36m— Harbour bridge reopens after repairs · Example Times" in out


def test_ask_piped_prints_plain_text_with_markdown_bold(db_path, tiny_corpus):
    newsdesk("ingest", str(tiny_corpus), db=db_path)
    result = newsdesk("ask", "When did the bridge reopen?", db=db_path)
    assert "\x1b" not in result.stdout
    assert "The harbour **bridge** **reopened** on Saturday" in result.stdout


def test_ingest_does_not_follow_links_out_of_the_folder_unless_asked(db_path, tmp_path):
    outside = tmp_path / "private.txt"
    outside.write_text("Private notes\n\nThe safe combination is 1234.", encoding="utf-8")
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "ferry.md").write_text("Ferry\n\nThe ferry resumed on Monday.", encoding="utf-8")
    (folder / "notes.txt").symlink_to(outside)
    result = newsdesk("ingest", str(folder), db=db_path)
    assert result.returncode == 0, result.stderr
    assert "added 1," in result.stdout
    assert (f"skipped {folder / 'notes.txt'}: symbolic link leads outside the folder"
            in result.stdout)
    followed = newsdesk("ingest", "--follow-links", str(folder), db=db_path)
    assert "added 1, updated 0, already stored 1" in followed.stdout


def test_ask_as_of_leaves_out_later_articles(db_path, tiny_corpus):
    newsdesk("ingest", str(tiny_corpus), db=db_path)
    later = newsdesk("ask", "--json", "--as-of", "2026-02-25", "When did the harbour bridge "
                     "reopen?", db=db_path)
    now = newsdesk("ask", "--json", "When did the harbour bridge reopen?", db=db_path)
    assert json.loads(later.stdout)["answer"] is None
    assert json.loads(now.stdout)["answer"]["article"]["title"] == (
        "Harbour bridge reopens after repairs")


def test_jsonl_as_of_field(db_path, tiny_corpus):
    newsdesk("ingest", str(tiny_corpus), db=db_path)
    stdin = "\n".join([
        json.dumps({"id": 1, "question": "How much will ferry fares rise?",
                    "as_of": "2026-01-01"}),
        json.dumps({"id": 2, "question": "How much will ferry fares rise?",
                    "as_of": "2026-03-01"}),
        json.dumps({"id": 3, "question": "How much will ferry fares rise?", "as_of": 5}),
    ]) + "\n"
    result = newsdesk("ask", "--jsonl", db=db_path, stdin=stdin)
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines[0]["answer"] is None
    assert lines[1]["answer"]["article"]["title"] == "Ferry fares to rise in June"
    assert [lines[2]["reason"], lines[2]["error"]] == [
        "invalid_input", "field 'as_of' must be a date string YYYY-MM-DD"]
