"""Fixtures shared by the bot tests."""

import pytest

from bot.indexing import IndexLifecycle


@pytest.fixture
def index_builds(monkeypatch):
    """The article count of every full index build made during the test, in order."""
    calls = []
    original = IndexLifecycle._build

    async def counting(self, articles, version):
        calls.append(len(articles))
        return await original(self, articles, version)

    monkeypatch.setattr(IndexLifecycle, "_build", counting)
    return calls
