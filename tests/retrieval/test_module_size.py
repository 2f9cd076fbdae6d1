"""Retrieval modules stay readable: split near 400 lines, none over 450 without a reason."""

from pathlib import Path

import pytest

import retrieval

PACKAGE = Path(retrieval.__file__).parent
LIMIT = 450


@pytest.mark.parametrize("module", sorted(PACKAGE.glob("*.py")), ids=lambda path: path.name)
def test_module_is_under_the_size_limit_or_says_why(module: Path):
    text = module.read_text(encoding="utf-8")
    lines = text.count("\n")
    head = text[:2000].lower()
    assert lines <= LIMIT or "longer than" in head, (
        f"{module.name} has {lines} lines: split it by idea, or say at its top why it is "
        f"longer than {LIMIT} lines")
