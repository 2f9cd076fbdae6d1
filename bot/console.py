"""Console mode: question -> service -> answer on the terminal.

``input()`` runs on the main thread and the service on an event loop in a second thread that
(with every thread it starts) blocks SIGINT, so Ctrl-C always reaches ``input()``: it cancels
the line being typed, or the question being answered, at once, as in any REPL. Ctrl-D or
``quit`` leaves with status 0.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
import threading
from collections.abc import Coroutine
from concurrent.futures import Future
from typing import Any, TypeVar

from rich.console import Console
from rich.text import Text

from bot.config import Settings
from bot.service import AnswerService
from bot.terminal import print_answer, print_text, stdout_console
from retrieval.postings import DocumentInfo

HELP = """Ask a question about the articles in plain English, or type a command:
  help            this text
  sources [WORD]  the articles you can ask about (only those with WORD in the title or
                  publisher), 20 at a time
  more            the next 20 sources
  clear           clear the screen
  quit            leave (Ctrl-D works too; Ctrl-C cancels the current line)"""
_T = TypeVar("_T")
PAGE = 20
TOO_LONG = "That took too long to answer; please try a more specific question."


def _enable_history() -> None:
    with contextlib.suppress(ImportError):  # Windows has no readline
        import readline  # noqa: F401  (importing it gives input() line editing and history)


def _source_line(document: DocumentInfo) -> Text:
    text = Text(f"  [{document.doc_id}] {document.title or 'untitled'}")
    text.append(f" · {document.source or 'unknown publisher'}"
                f" · {document.published or 'date unknown'}", style="cyan")
    return text


def _matching(documents: list[DocumentInfo], word: str) -> list[DocumentInfo]:
    needle = word.casefold()
    return [d for d in documents
            if needle in (d.title or "").casefold() or needle in (d.source or "").casefold()]


class EventLoopThread:
    """An event loop running in its own thread, which does not receive SIGINT.

    Threads inherit the signal mask of the thread that starts them, so the loop's worker
    threads (``to_thread``, the database connection) do not receive SIGINT either: the
    kernel delivers Ctrl-C to the main thread, interrupting ``input()`` there.
    """

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="newsdesk-console",
                                        daemon=True)
        can_mask = hasattr(signal, "pthread_sigmask")
        if can_mask:
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            self._thread.start()
        finally:
            if can_mask:
                signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})

    def run(self, coroutine: Coroutine[Any, Any, _T]) -> _T:
        """Run ``coroutine`` on the loop and wait; Ctrl-C cancels it (KeyboardInterrupt)."""
        future: Future[_T] = asyncio.run_coroutine_threadsafe(coroutine, self.loop)
        try:
            return future.result()
        except KeyboardInterrupt:
            future.cancel()
            raise

    def close(self) -> None:
        """Stop the loop and its thread."""
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join()
        self.loop.run_until_complete(self.loop.shutdown_default_executor())
        self.loop.close()


class ConsoleSession:
    """One console session: reads lines, runs commands, answers questions."""

    def __init__(self, service: AnswerService, runner: EventLoopThread, *,
                 prompt: str = "newsdesk> ", out: Console | None = None) -> None:
        self.service = service
        self.runner = runner
        self.prompt = prompt
        self.out = out or stdout_console()
        self.interactive = sys.stdin.isatty()
        self._pending: list[DocumentInfo] = []

    def run(self) -> int:
        """Read and handle lines until ``quit`` or end of input; returns the exit status."""
        if self.interactive:
            _enable_history()
            print(f"newsdesk console: {len(self.service.documents)} articles. "
                  "Type 'help' for commands.")
        while True:
            try:
                line = input(self.prompt if self.interactive else "")
            except EOFError:
                if self.interactive:
                    print()
                return 0
            except KeyboardInterrupt:
                if not self.interactive:
                    return 130
                print("\n(cancelled: type 'quit' or press Ctrl-D to leave)")
                continue
            if self.handle(line.strip()) is False:
                return 0

    def handle(self, command: str) -> bool:
        """Handle one line; False when the session should end."""
        if not command:
            return True
        lowered = command.casefold()
        word, _, rest = lowered.partition(" ")
        if lowered in {"quit", "exit", ":q"}:
            return False
        if lowered in {"help", "?"}:
            print(HELP)
        elif lowered in {"clear", "cls"}:
            self.out.clear()
        elif word == "sources":
            self._sources(rest.strip())
        elif lowered == "more":
            self._page()
        else:
            self._ask(command)
        return True

    def _sources(self, word: str) -> None:
        documents = self.service.listings.articles(("shared",))
        self._pending = _matching(documents, word) if word else documents
        if not self._pending:
            print(f"no articles with {word!r} in the title or publisher")
            return
        print(f"{len(self._pending)} articles" + (f" matching {word!r}" if word else "") + ":")
        self._page()

    def _page(self) -> None:
        if not self._pending:
            print("no more sources (type 'sources' or 'sources WORD')")
            return
        shown, self._pending = self._pending[:PAGE], self._pending[PAGE:]
        for document in shown:
            print_text(_source_line(document), console=self.out)
        if self._pending:
            print(f"... {len(self._pending)} more: type 'more', or 'sources WORD' to filter")

    def _ask(self, question: str) -> None:
        try:
            answer = self.runner.run(self.service.answer(question))
        except TimeoutError:
            print(TOO_LONG)
            return
        except KeyboardInterrupt:
            print("\n(cancelled)")
            return
        print_answer(answer, console=self.out)
        print()


def console_command(settings: Settings, *, load_sample: bool = False) -> int:
    """``newsdesk console``: open the service and run one session; returns the exit status."""
    runner = EventLoopThread()
    try:
        service = runner.run(AnswerService.open(settings, load_sample=load_sample))
        try:
            return ConsoleSession(service, runner).run()
        finally:
            runner.run(service.close())
    finally:
        runner.close()
