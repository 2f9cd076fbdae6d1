"""Shared fixtures: a fresh database per test, the tiny corpus, the eval data location."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.config import Settings

REPO = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
EVAL = Path(os.environ.get("NEWSDESK_EVAL_DIR", REPO.parent / "shared" / "eval"))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "newsdesk.db"


@pytest.fixture
def settings(db_path: Path) -> Settings:
    return Settings(db=db_path)


@pytest.fixture
def tiny_corpus() -> Path:
    return DATA


def eval_file(*parts: str) -> Path:
    """A file under ../shared/eval, or skip the test with a clear message."""
    path = EVAL.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"evaluation data not present: {path} (set NEWSDESK_EVAL_DIR)")
    return path
