"""Console mode: question -> service -> render_plain -> print."""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import Callable

from bot.formatting import render_plain
from bot.service import AnswerService

HELP = """Ask a question about the articles in plain English, or type a command:
  help       this text
  sources    the articles you can ask about
  quit       leave (Ctrl-D works too)"""


def _bold_for(stream_is_tty: bool) -> Callable[[str], str] | None:
    if stream_is_tty:
        return lambda word: f"\x1b[1m{word}\x1b[0m"
    return None


def _enable_history() -> None:
    with contextlib.suppress(ImportError):  # Windows has no readline
        import readline  # noqa: F401  (importing it gives input() line editing and history)


async def run_console(service: AnswerService, *, prompt: str = "newsdesk> ") -> int:
    """Read questions until ``quit`` or end of input; print each answer. Returns exit status 0."""
    interactive = sys.stdin.isatty()
    if interactive:
        _enable_history()
        print(f"newsdesk console: {len(service.documents)} articles. Type 'help' for commands.")
    bold = _bold_for(sys.stdout.isatty())
    while True:
        try:
            line = await asyncio.to_thread(input, prompt if interactive else "")
        except (EOFError, KeyboardInterrupt):
            if interactive:
                print()
            return 0
        command = line.strip()
        if not command:
            continue
        lowered = command.casefold()
        if lowered in {"quit", "exit", ":q"}:
            return 0
        if lowered in {"help", "?"}:
            print(HELP)
            continue
        if lowered == "sources":
            for document in service.listings.articles(("shared",)):
                date = document.published or "date unknown"
                print(f"  [{document.doc_id}] {document.title or 'untitled'}"
                      f" · {document.source or 'unknown publisher'} · {date}")
            continue
        try:
            answer = await service.answer(command)
        except TimeoutError:
            print("That took too long to answer; please try a more specific question.")
            continue
        print(render_plain(answer, bold=bold))
        print()
