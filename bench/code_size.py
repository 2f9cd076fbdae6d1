"""Lines per module and per function in the three packages (median / p90 / max).

Run from the repository root::

    python -m bench.code_size [--over 400] [PACKAGE ...]

Modules are the ``.py`` files under ``bot/``, ``retrieval/`` and ``corpus/`` (or the
packages given); a module's lines are its physical lines. A function's lines run from its
``def`` (decorators excluded) to its last line, nested functions counted in their parent and
on their own. Prints the figures and the modules over ``--over`` lines.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

PACKAGES = ("bot", "retrieval", "corpus")
ROOT = Path(__file__).resolve().parents[1]


def module_lines(paths: Sequence[Path]) -> dict[str, int]:
    """Physical lines of each module, by path relative to the repository root."""
    return {str(p.relative_to(ROOT)): len(p.read_text(encoding="utf-8").splitlines())
            for p in paths}


def function_lines(paths: Sequence[Path]) -> dict[str, int]:
    """Lines of each function and method, by ``path:name:line``."""
    found: dict[str, int] = {}
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                end = node.end_lineno or node.lineno
                found[f"{path.relative_to(ROOT)}:{node.name}:{node.lineno}"] = end - node.lineno + 1
    return found


def summary(values: Sequence[int]) -> str:
    """``median / p90 / max`` of ``values``."""
    array = np.array(values)
    return (f"{np.median(array):.0f} / {np.percentile(array, 90):.0f} / {array.max()}"
            f"  (n={len(array)})")


def main(argv: Sequence[str] | None = None) -> int:
    """Print the size figures of the packages."""
    parser = argparse.ArgumentParser(prog="python -m bench.code_size", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("packages", nargs="*", default=list(PACKAGES))
    parser.add_argument("--over", type=int, default=400)
    args = parser.parse_args(argv)
    paths = sorted(p for name in args.packages for p in (ROOT / name).rglob("*.py"))
    modules = module_lines(paths)
    functions = function_lines(paths)
    print(f"lines per module   median / p90 / max: {summary(list(modules.values()))}")
    print(f"lines per function median / p90 / max: {summary(list(functions.values()))}")
    over = {name: lines for name, lines in modules.items() if lines > args.over}
    print(f"modules over {args.over} lines: {len(over)}")
    for name, lines in sorted(over.items(), key=lambda item: -item[1]):
        print(f"  {lines:5d}  {name}")
    longest = sorted(functions.items(), key=lambda item: -item[1])[:5]
    print("longest functions: " + ", ".join(f"{name} ({lines})" for name, lines in longest))
    return 0


if __name__ == "__main__":
    sys.exit(main())
