"""Who may import whom: corpus/ and retrieval/ never import each other, bot/ or discord."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FORBIDDEN = {
    "corpus": {"bot", "retrieval", "discord"},
    "retrieval": {"bot", "corpus", "discord", "asyncio", "aiosqlite"},
}


def imported_packages(path: Path) -> set[str]:
    """Top-level package of every absolute import in ``path`` (relative ones stay inside)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_lower_layers_import_only_downwards(package: str) -> None:
    wrong = {
        str(path.relative_to(REPO)): sorted(imported_packages(path) & FORBIDDEN[package])
        for path in sorted((REPO / package).rglob("*.py"))
    }
    assert {name: found for name, found in wrong.items() if found} == {}


def test_only_the_discord_front_end_imports_discord() -> None:
    allowed = {"bot/client.py", "bot/runner.py", "bot/cli.py", "bot/errors.py",
               "bot/discord_text.py", "bot/announce.py"}
    importers = {
        str(path.relative_to(REPO))
        for path in (REPO / "bot").rglob("*.py")
        if "discord" in imported_packages(path)
    }
    assert {name for name in importers if not name.startswith("bot/cogs/")} <= allowed


def test_the_answer_path_does_not_import_discord() -> None:
    for name in ("service.py", "indexing.py", "index_build.py", "snapshot.py", "listings.py",
                 "formatting.py", "console.py", "config.py"):
        assert "discord" not in imported_packages(REPO / "bot" / name), name
