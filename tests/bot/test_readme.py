"""The README's JSON contract example is real output for the same input."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def readme_example() -> tuple[str, dict]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    match = re.search(r"ask --jsonl`:\n(\{.*?\}) -->\n```json\n(.*?)```", text, re.DOTALL)
    assert match, "README: the JSON contract example or its input comment is missing"
    return match.group(1), json.loads(match.group(2))


def test_json_contract_example_matches_a_real_run(tmp_path, tiny_corpus):
    question, expected = readme_example()
    env = {**os.environ, "NEWSDESK_DB": str(tmp_path / "n.db"), "HOME": str(tmp_path)}
    run = [sys.executable, "-m", "bot"]
    subprocess.run([*run, "ingest", str(tiny_corpus)], env=env, check=True,
                   capture_output=True, timeout=120)
    result = subprocess.run([*run, "ask", "--jsonl"], input=question + "\n", env=env,
                            capture_output=True, text=True, check=True, timeout=120)
    actual = json.loads(result.stdout)
    assert actual == expected, (
        "README.md's JSON example is out of date; replace it with:\n"
        + json.dumps(actual, ensure_ascii=False, indent=1))


def test_readme_documents_the_operator_commands():
    text = (REPO / "README.md").read_text(encoding="utf-8")
    for command in ("newsdesk remove", "--before", "newsdesk backup", "newsdesk export",
                    "newsdesk forget-questions", "--create", "NEWSDESK_CREATE_DB",
                    "ingest --guild", "requirements.lock", ". .venv/bin/activate",
                    "newsdesk migrate-db", "NEWSDESK_DB=postgresql://"):
        assert command in text, command
