"""Shared fixtures: a fresh database per test, the tiny corpus, the eval data location."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import Settings
from corpus.ingest import read_articles
from corpus.models import Article
from retrieval.sentences import segment
from retrieval.types import Document
from tests.pg import PostgresCluster, start_cluster

REPO = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
EVAL = Path(os.environ.get("NEWSDESK_EVAL_DIR", REPO.parent / "shared" / "eval"))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "newsdesk.db"


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PostgresCluster]:
    """A throwaway PostgreSQL cluster for the session; tests using it skip when it cannot run."""
    cluster, reason = start_cluster()
    if cluster is None:
        pytest.skip(f"PostgreSQL tests skipped: {reason}")
    yield cluster
    cluster.stop()
    shutil.rmtree(cluster.folder, ignore_errors=True)


@pytest.fixture
def pg_url(pg_cluster: PostgresCluster) -> str:
    """The URL of a fresh, empty PostgreSQL database."""
    return pg_cluster.create_database()


@pytest.fixture(params=["sqlite", "postgresql"])
def location(request: pytest.FixtureRequest, db_path: Path) -> Path | str:
    """Where a fresh corpus lives: a SQLite file, then a PostgreSQL database (each test twice)."""
    if request.param == "sqlite":
        return db_path
    return str(request.getfixturevalue("pg_url"))


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


REALTIME_QUESTIONS = [
    "Which wildly popular show was recently green lit for a new season?",
    "Which country is now bankrupt, according to a statement this week from its administration?",
    "Which team won the 2022 NHL Stanley Cup Finals?",
    "How many baby swings and rockers were recalled this week due to reports of infant injuries?",
]


@pytest.fixture(scope="session")
def realtimeqa_documents() -> list[Document]:
    """The RealTime QA articles as documents (read and split once per session)."""
    path = eval_file("realtimeqa", "articles.jsonl.gz")
    articles = [a for a in read_articles(path) if isinstance(a, Article)]
    return [Document(doc_id=i + 1, title=a.title, source=a.source, url=a.url,
                     published=a.published, sentences=tuple(segment(a.body)))
            for i, a in enumerate(articles)]
