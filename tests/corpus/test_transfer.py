"""copy_corpus: all or nothing, on either store as the destination."""

import subprocess
import sys
from pathlib import Path

import pytest

from corpus.locations import store_for
from corpus.transfer import copy_corpus, is_empty, source_counts

DATA = Path(__file__).resolve().parents[1] / "data"


class _DiesDuringSentences:
    """A source whose connection is lost after the first batch of sentences."""

    def __init__(self, inner: object) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> object:
        return getattr(self._inner, name)

    async def iter_rows(self, table, columns, batch):
        async for rows in self._inner.iter_rows(table, columns, batch):
            yield rows
            if table == "sentences":
                raise ConnectionResetError("the source went away")


def _ingested(path: Path) -> None:
    ingest = subprocess.run([sys.executable, "-m", "bot", "ingest", str(DATA), "--db", str(path)],
                            capture_output=True, text=True, timeout=120, check=False)
    assert ingest.returncode == 0, ingest.stderr


@pytest.fixture
def source_db(tmp_path):
    path = tmp_path / "src.db"
    _ingested(path)
    return path


async def test_a_copy_that_fails_part_way_leaves_the_destination_empty(source_db, location):
    async with store_for(source_db) as source, store_for(location) as target:
        with pytest.raises(ConnectionResetError):
            await copy_corpus(_DiesDuringSentences(source), target)
        assert await is_empty(target)
        assert await source_counts(target) == dict.fromkeys(await source_counts(source), 0)
        report = await copy_corpus(source, target)  # and the next copy needs no clearing
        assert report.matches


async def test_a_failed_forced_copy_keeps_what_the_destination_held(source_db, location):
    async with store_for(source_db) as source, store_for(location) as target:
        assert (await copy_corpus(source, target)).matches
        before = await source_counts(target)
        with pytest.raises(ConnectionResetError):
            await copy_corpus(_DiesDuringSentences(source), target, clear=True)
        assert await source_counts(target) == before
