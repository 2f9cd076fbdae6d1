"""ARCHITECTURE.md stays true: every module, name and setting it mentions exists."""

from __future__ import annotations

import ast
import importlib
import re
from functools import cache
from pathlib import Path

import pytest

from bot.config import Settings

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "ARCHITECTURE.md"
PACKAGES = ("bot", "corpus", "retrieval")
TICKED = re.compile(r"`([^`\n]+)`")
PATH = re.compile(r"\w[\w.-]*(/[\w.-]+)+/?")  # bot/service.py, corpus/readers/ (not /commands)


def mentions(text: str) -> list[str]:
    return TICKED.findall(text)


def section(title: str) -> str:
    text = DOC.read_text(encoding="utf-8")
    start = text.index(f"## {title}")
    end = text.find("\n## ", start + 1)
    return text[start : end if end >= 0 else None]


@cache
def classes() -> dict[str, str]:
    """Class name -> dotted module, over the three packages."""
    found: dict[str, str] = {}
    for package in PACKAGES:
        for path in (REPO / package).rglob("*.py"):
            module = ".".join(path.relative_to(REPO).with_suffix("").parts)
            for node in ast.parse(path.read_text(encoding="utf-8")).body:
                if isinstance(node, ast.ClassDef):
                    found[node.name] = module
    return found


def resolve(dotted: str) -> object:
    """Import the longest module prefix of ``dotted`` and get the rest as attributes."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target: object = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for name in parts[cut:]:
            target = getattr(target, name)
        return target
    raise ModuleNotFoundError(dotted)


def test_the_document_mentions_modules():
    assert len([m for m in mentions(DOC.read_text(encoding="utf-8")) if PATH.fullmatch(m)]) >= 20


@pytest.mark.parametrize("path", sorted({m for m in mentions(DOC.read_text(encoding="utf-8"))
                                         if PATH.fullmatch(m)}))
def test_mentioned_paths_exist(path):
    assert (REPO / path.rstrip("/")).exists(), path


@pytest.mark.parametrize("dotted", sorted({
    m for m in mentions(DOC.read_text(encoding="utf-8"))
    if re.fullmatch(r"(bot|corpus|retrieval)(\.\w+)+", m)
}))
def test_mentioned_dotted_names_resolve(dotted):
    resolve(dotted)


@pytest.mark.parametrize("name", sorted({
    m for m in mentions(DOC.read_text(encoding="utf-8"))
    if re.fullmatch(r"[A-Z][a-z]\w*(\.\w+)?", m)
}))
def test_mentioned_classes_and_methods_exist(name):
    cls, _, attribute = name.partition(".")
    assert cls in classes(), name
    target = getattr(importlib.import_module(classes()[cls]), cls)
    if attribute:
        assert hasattr(target, attribute), name


def test_mentioned_settings_are_fields():
    fields = set(Settings.model_fields)
    for name in mentions(section("Settings")):
        if not re.fullmatch(r"[a-z][a-z0-9_]*\*?", name):
            continue
        if name.endswith("*"):
            assert any(f.startswith(name[:-1]) for f in fields), name
        else:
            assert name in fields, name
