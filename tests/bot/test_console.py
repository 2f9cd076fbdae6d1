"""The console through a pseudo-terminal: Ctrl-C, paging sources, clear, word wrapping."""

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")

PROMPT = "newsdesk> "
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


@pytest.fixture
def db(tmp_path: Path, tiny_corpus: Path) -> Path:
    db = tmp_path / "n.db"
    stories = tmp_path / "stories.jsonl"
    stories.write_text("".join(
        json.dumps({"title": f"Story {i:02d} about the council", "source": "Example Post",
                    "published": f"2025-01-{i % 28 + 1:02d}",
                    "text": f"The council met for meeting number {i}."}) + "\n"
        for i in range(45)))
    env = {**os.environ, "NEWSDESK_DB": str(db), "HOME": str(tmp_path)}
    for path in (tiny_corpus, stories):
        subprocess.run([sys.executable, "-m", "bot", "ingest", str(path)], env=env, check=True,
                       capture_output=True, timeout=120)
    return db


def console(db: Path, columns: int = 100) -> "pexpect.spawn":
    env = {**os.environ, "NEWSDESK_DB": str(db), "HOME": str(db.parent),
           "TERM": "xterm-256color"}
    child = pexpect.spawn(sys.executable, ["-m", "bot", "console"], env=env, encoding="utf-8",
                          timeout=60, dimensions=(40, columns))
    child.expect_exact(PROMPT)
    return child


def leave(child: "pexpect.spawn") -> int:
    child.sendline("quit")
    child.expect(pexpect.EOF)
    child.close()
    return int(child.exitstatus)


def test_ctrl_c_cancels_the_line_at_once_and_quit_exits_0(db):
    child = console(db)
    child.send("half a question")
    child.expect_exact("half a question", timeout=10)  # echoed: the line editor is reading
    started = time.monotonic()
    child.sendcontrol("c")
    child.expect_exact("(cancelled: type 'quit' or press Ctrl-D to leave)", timeout=5)
    child.expect_exact(PROMPT, timeout=5)
    assert time.monotonic() - started < 5
    child.sendline("When did the harbour bridge reopen?")
    child.expect_exact("Saturday")
    child.expect_exact(PROMPT)
    assert "half a question" not in ANSI.sub("", child.before)
    assert leave(child) == 0


def test_ctrl_d_leaves_with_0(db):
    child = console(db)
    child.sendcontrol("d")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_sources_are_paged_and_filtered(db):
    child = console(db)
    child.sendline("sources")
    child.expect_exact("48 articles:")
    child.expect_exact(PROMPT)
    listing = ANSI.sub("", child.before)
    assert len([line for line in listing.splitlines() if "] " in line]) == 20
    assert "... 28 more: type 'more', or 'sources WORD' to filter" in listing
    child.sendline("more")
    child.expect_exact("... 8 more")
    child.expect_exact(PROMPT)
    child.sendline("sources harbour")
    child.expect_exact("1 articles matching 'harbour':")
    child.expect_exact("Harbour bridge reopens after repairs")
    child.expect_exact(PROMPT)
    assert "more:" not in child.before
    assert leave(child) == 0


def test_clear_clears_the_screen_instead_of_asking(db):
    child = console(db)
    child.sendline("clear")
    child.expect_exact(PROMPT)
    assert "\x1b[2J" in child.before or "\x1b[H" in child.before
    assert "No relevant passage" not in child.before
    assert "Please ask about a specific topic" not in child.before
    assert leave(child) == 0


def test_long_lines_wrap_at_words_to_the_terminal_width(db):
    child = console(db, columns=40)
    child.sendline("When did the harbour bridge reopen?")
    child.expect_exact(PROMPT)
    text = ANSI.sub("", child.before).replace("\r", "")
    lines = [line for line in text.splitlines()[1:] if line.strip()]
    assert lines
    assert all(len(line) <= 40 for line in lines)
    passage = " ".join(line.strip() for line in lines[:3])
    assert "The harbour bridge reopened on Saturday after six weeks of repairs." in passage
    assert leave(child) == 0
