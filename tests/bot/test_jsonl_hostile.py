"""The ``ask --jsonl`` contract under hostile input (issue 9): every non-blank line in gives
exactly one valid UTF-8 JSON line out, whatever it holds, and the rest of the batch goes on.

A real subprocess for the byte-level cases; hypothesis fuzzes `jsonl_reply` in-process
(bounded in CI; ``NEWSDESK_FUZZ_EXAMPLES`` for a longer run).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.cli import jsonl_reply
from bot.config import Settings
from bot.service import AnswerService

REPO = Path(__file__).resolve().parents[2]
KEYS = {"id", "question", "answer", "alternatives", "query_terms", "reason"}
HOSTILE = [
    b'{"id": 1, "question": "\\ud800 harbour bridge"}',  # a lone surrogate escape
    b"\xff\xfe harbour \xc3\x28 bridge \xed\xa0\x80",  # invalid UTF-8 (incl. a surrogate)
    b"[1,2]",
    b"[" * 100_000,  # nested too deeply for json
    b'{"id": {"a": [1]}, "question": "ferry fares"}',  # an id that is not a scalar
    b'{"question": "ferry\\u0000fares\\u202e"}',
    b"\x00\x01\x02 when did the harbour bridge reopen",
    b'{"id": NaN, "question": "ferry fares"}',
    "ферри фарес 🚢 \u2028 bridge".encode(),
    b"x" * 200_000,
]


def test_every_hostile_line_gets_one_valid_utf8_json_line(db_path: Path,
                                                          tiny_corpus: Path) -> None:
    env = {**os.environ, "NEWSDESK_DB": str(db_path), "HOME": str(db_path.parent),
           "NEWSDESK_CREATE_DB": "true"}
    run = [sys.executable, "-m", "bot"]
    subprocess.run([*run, "ingest", str(tiny_corpus)], env=env, cwd=REPO, check=True,
                   capture_output=True)
    stdin = b"\n".join([*HOSTILE, b"   ", b"When did the harbour bridge reopen?"]) + b"\n"
    result = subprocess.run([*run, "ask", "--jsonl"], input=stdin, env=env, cwd=REPO,
                            capture_output=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    text = result.stdout.decode("utf-8")  # strict: fails on invalid UTF-8
    lines = text.splitlines()  # also splits at U+2028 / U+2029, which must stay escaped
    assert len(lines) == len(HOSTILE) + 1
    replies = [json.loads(line) for line in lines]
    assert all(reply.keys() >= KEYS for reply in replies)
    assert replies[0]["question"] == "\ufffd harbour bridge"
    assert [r["reason"] for r in replies[2:4]] == ["invalid_input", "invalid_input"]
    assert replies[3]["error"] == "invalid JSON (nested too deeply)"
    assert replies[4]["id"] == '{"a": [1]}'
    assert replies[-1]["answer"]["article"]["title"] == "Harbour bridge reopens after repairs"
    assert b"Traceback" not in result.stderr


FUZZ = settings(max_examples=int(os.environ.get("NEWSDESK_FUZZ_EXAMPLES", "100")),
                deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                      HealthCheck.function_scoped_fixture])
LINES = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
                 lambda inner: st.lists(inner, max_size=3)
                 | st.dictionaries(st.sampled_from(["id", "question", "x"]), inner, max_size=3),
                 max_leaves=8).map(lambda v: json.dumps(v).encode()),
)


@FUZZ
@given(raw=LINES)
def test_fuzzed_lines_give_one_json_line_or_nothing_for_blank(raw: bytes, tmp_path_factory
                                                              ) -> None:
    import asyncio

    async def reply() -> str | None:
        settings_ = Settings(db=tmp_path_factory.mktemp("fuzz") / "n.db", question_log=False)
        async with await AnswerService.open(settings_, load_sample=True) as service:
            return await jsonl_reply(service, raw.replace(b"\n", b" "), 1, {})

    line = asyncio.run(reply())
    if not raw.replace(b"\n", b" ").decode("utf-8", "replace").strip():
        assert line is None
        return
    assert line is not None
    assert "\n" not in line
    line.encode("utf-8")  # strict
    assert json.loads(line).keys() >= KEYS
