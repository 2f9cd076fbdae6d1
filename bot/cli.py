"""The ``newsdesk`` command: ingest, ask, console, articles, stats, run, sync.

The operator commands (remove, backup, export, forget-questions) are in `bot.cli_admin`,
the feed commands (follow, unfollow, feeds) in `bot.cli_feeds`, ``prune`` in
`bot.cli_prune`, ``migrate-db`` in `bot.cli_migrate`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import difflib
import json
import logging
import math
import os
import re
import sqlite3
import sys
import time
from collections.abc import Sequence
from datetime import date
from importlib import metadata
from pathlib import Path
from typing import Any, NoReturn

from pydantic import ValidationError
from tqdm import tqdm

from bot.cli_admin import ADMIN_HANDLERS, add_admin_commands, iso_date
from bot.cli_feeds import FEED_HANDLERS, add_feed_commands, feed_summary
from bot.cli_migrate import add_migrate_command, migrate_db_command
from bot.cli_prune import PRUNE_HANDLERS, add_prune_command
from bot.config import Settings
from bot.console import console_command
from bot.database import check_database
from bot.formatting import answer_to_json
from bot.run_args import add_discord_commands, run_overrides
from bot.service import AnswerService, IngestInterruptedError, IngestReport
from bot.terminal import print_answer
from corpus.backend import StoreError
from corpus.inventory import count_records
from corpus.readers.repair import sanitize_unicode

log = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
MAX_TOP_K = 25
TOO_LONG = "That took too long to answer; please try a more specific question."


def _top_k(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 1 <= value <= MAX_TOP_K:
        raise argparse.ArgumentTypeError(f"must be from 1 to {MAX_TOP_K}, not {value}")
    return value


def _version() -> str:
    try:
        return metadata.version("newsdesk")
    except metadata.PackageNotFoundError:
        return "unknown"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


class _Parser(argparse.ArgumentParser):
    """An argument parser that suggests the closest command for a mistyped one."""

    command_names: Sequence[str] = ()

    def error(self, message: str) -> NoReturn:
        """Print usage and ``message`` (with "did you mean ...?" when close) and exit 2."""
        match = re.search(r"argument COMMAND: invalid choice: '([^']*)'", message)
        if match and self.command_names:
            choices = list(self.command_names)
            close = difflib.get_close_matches(match.group(1), choices, n=1, cutoff=0.6)
            message = f"unknown command '{match.group(1)}'"
            if close:
                message += f": did you mean '{close[0]}'?"
            else:
                message += f" (choose from {', '.join(choices)})"
        super().error(message)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", default=argparse.SUPPRESS, metavar="DB",
                        help="database file, or a postgresql://user@host/db URL (default: "
                        "$NEWSDESK_DB or the per-user data directory)")
    common.add_argument("--create", action="store_true", default=argparse.SUPPRESS,
                        help="create the database if it does not exist (ingest always may)")
    common.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                        help="log progress to stderr")

    parser = _Parser(
        prog="newsdesk",
        description="Answer questions about news articles with cited passages.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND",
                                     parser_class=argparse.ArgumentParser)

    ingest = commands.add_parser("ingest", parents=[common], help="add articles to the corpus",
                                 description="Add articles from files, folders, .gz files "
                                 "(.txt .md .json .jsonl .html .xml/.rss/.atom feeds).")
    ingest.add_argument("paths", nargs="+", metavar="PATH")
    ingest.add_argument("--guild", help="store for one Discord guild only (default: shared)")
    ingest.add_argument("--follow-links", action="store_true",
                        help="in folders, also read files whose symbolic links lead outside "
                        "the folder (not followed by default)")

    ask = commands.add_parser("ask", parents=[common], help="answer one question",
                              description="Print the best passage and its source.")
    ask.add_argument("question", nargs="*",
                     help="the question; quotes are optional (omit with --jsonl)")
    ask.add_argument("--top-k", type=_top_k, default=None, help="hits to show, 1-25 (default 3)")
    ask.add_argument("--source", help="only articles from this publisher")
    ask.add_argument("--since", type=iso_date, help="only articles published on/after YYYY-MM-DD")
    ask.add_argument("--as-of", type=iso_date, dest="as_of",
                     help="answer as on this day, YYYY-MM-DD: later articles are not used, "
                     "newer ones win near-ties (default: today)")
    ask.add_argument("--guild", help="also search this Discord guild's own articles")
    output = ask.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print the answer as JSON")
    output.add_argument("--jsonl", action="store_true",
                        help="read questions from stdin, one a line; write JSON lines")

    commands.add_parser("console", parents=[common], help="interactive question prompt",
                        description="Ask questions one after another; 'help' lists the "
                        "commands (sources, clear, quit).")
    articles = commands.add_parser("articles", parents=[common], help="list stored articles",
                                   description="List the stored articles with their ids, "
                                   "newest first.")
    articles.add_argument("--limit", type=int, default=50, help="at most this many (default 50)")
    commands.add_parser("stats", parents=[common], help="corpus and question counts",
                        description="Print article, sentence, publisher and question counts.")
    commands.add_parser("health", parents=[common],
                        help="exit 0 when the database opens and the bot's heartbeat is fresh",
                        description="Exit 0 when the database opens and the bot's heartbeat "
                        "file is fresh (the container health check).")

    add_discord_commands(commands, common)
    add_admin_commands(commands, common)
    add_feed_commands(commands, common)
    add_migrate_command(commands)
    add_prune_command(commands, common)
    parser.command_names = tuple(commands.choices)
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    overrides: dict[str, Any] = run_overrides(args)
    if getattr(args, "db", None) is not None:
        overrides["db"] = args.db
    if getattr(args, "create", False):
        overrides["create_db"] = True
    return Settings(**overrides)


def _print_report(report: IngestReport, wall_seconds: float) -> None:
    if not report.read_anything and not report.skipped:
        print("found no articles to read: no files with a known suffix "
              "(.txt .md .json .jsonl .ndjson .html .htm .xml .rss .atom, or .gz of these)")
    print(
        f"added {report.added}, updated {report.updated}, "
        f"already stored {report.duplicates}, skipped {len(report.skipped)}: "
        f"read and stored in {report.seconds:.1f}s, "
        f"{wall_seconds:.1f}s in all (with opening the database and indexing)"
    )
    for skip in report.skipped[:50]:
        print(f"  skipped {skip}")
    if len(report.skipped) > 50:
        print(f"  ... and {len(report.skipped) - 50} more skipped")
    for note in report.truncated[:50]:
        print(f"  truncated {note}")
    if len(report.truncated) > 50:
        print(f"  ... and {len(report.truncated) - 50} more truncated")


async def _ingest(args: argparse.Namespace, settings: Settings) -> int:
    missing = [p for p in args.paths if not await asyncio.to_thread(Path(p).exists)]
    if missing:
        print(f"newsdesk: no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return EXIT_USAGE
    started = time.perf_counter()
    total = sum([await asyncio.to_thread(count_records, path) for path in args.paths])
    async with await _open(args, settings) as service:
        bar = tqdm(desc="records", total=total or None, unit=" rec", file=sys.stderr,
                   disable=None, mininterval=0.5, dynamic_ncols=True)
        try:
            report = await service.ingest(
                args.paths, scope=args.guild or "shared", progress=bar.update,
                follow_links=args.follow_links,
            )
        except IngestInterruptedError as stopped:
            bar.close()
            _print_report(stopped.report, time.perf_counter() - started)
            print(f"newsdesk: stopped at {stopped.origin}: {stopped.reason}. The "
                  f"{stopped.report.stored} articles stored before it are kept and nothing "
                  "partial was stored; free some space and run the same command again "
                  "(what is stored is not added twice).", file=sys.stderr)
            return EXIT_FAILED
        finally:
            bar.close()
    _print_report(report, time.perf_counter() - started)
    return EXIT_OK if report.read_anything else EXIT_FAILED


async def _open(args: argparse.Namespace, settings: Settings) -> AnswerService:
    """The service on ``settings.db`` (sample only in a new one: `bot.database`)."""
    return await AnswerService.open(settings, load_sample=getattr(args, "load_sample", False))


async def _ask(args: argparse.Namespace, settings: Settings) -> int:
    scopes = ("shared", args.guild) if args.guild else ("shared",)
    options: dict[str, Any] = {
        "top_k": args.top_k, "scopes": scopes, "source": args.source, "since": args.since,
        "as_of": args.as_of,
    }
    question = " ".join(args.question).strip()
    if args.jsonl and question:
        print("newsdesk ask: give a question or --jsonl, not both", file=sys.stderr)
        return EXIT_USAGE
    async with await _open(args, settings) as service:
        if args.jsonl:
            return await _ask_jsonl(service, options)
        if not question:
            print("newsdesk ask: give a question, or --jsonl to read them from stdin",
                  file=sys.stderr)
            return EXIT_USAGE
        try:
            answer = await service.answer(question, **options)
        except TimeoutError:
            print(TOO_LONG, file=sys.stderr)
            return EXIT_FAILED
        if args.json:
            print(json.dumps(answer_to_json(answer), ensure_ascii=False, indent=2))
        else:
            print_answer(answer)
        return EXIT_OK


async def _ask_jsonl(service: AnswerService, options: dict[str, Any]) -> int:
    number = 0
    while raw := await asyncio.to_thread(sys.stdin.buffer.readline):
        number += 1
        reply = await jsonl_reply(service, raw, number, options)
        if reply is not None:
            print(reply, flush=True)
    return EXIT_OK


async def jsonl_reply(
    service: AnswerService, raw: bytes, number: int, options: dict[str, Any]
) -> str | None:
    r"""The output line for input line ``number`` (raw bytes) of ``ask --jsonl``.

    None for a blank line; otherwise one line of JSON, valid UTF-8, whatever ``raw`` holds:
    invalid UTF-8 and lone surrogates (``"\ud800"``) become U+FFFD, and input that is
    not a question (bad JSON, a JSON value that is not an object, nesting too deep) gets
    ``reason: "invalid_input"`` with the error, also said on stderr with the line number.
    """
    text = sanitize_unicode(raw.decode("utf-8", "replace")).strip()
    if not text:
        return None
    question_id: Any = number
    question: str | None = text
    error: str | None = None
    asked = options
    if text.startswith(("{", "[")):
        question_id, question, error = _question_record(text, number)
        if question is not None:
            as_of, error = _record_as_of(text)
            if error is not None:
                question = None
            elif as_of is not None:
                asked = {**options, "as_of": as_of}
    if question is None:
        print(f"stdin line {number}: {error}", file=sys.stderr)
        result = {"id": question_id, "question": None, "answer": None, "alternatives": [],
                  "query_terms": [], "reason": "invalid_input", "error": error}
    else:
        try:
            result = answer_to_json(await service.answer(question, **asked), question_id)
        except TimeoutError:
            result = {"id": question_id, "question": question, "answer": None,
                      "alternatives": [], "query_terms": [], "reason": "timeout"}
    line = sanitize_unicode(json.dumps(_finite(result), ensure_ascii=False))
    # U+2028/U+2029 are line breaks to many readers (str.splitlines): keep them escaped
    return line.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _finite(result: dict[str, Any]) -> dict[str, Any]:
    """``result`` with a non-finite float ``id`` (NaN, Infinity) given as a string."""
    question_id = result.get("id")
    if isinstance(question_id, float) and not math.isfinite(question_id):
        return {**result, "id": str(question_id)}
    return result


def _record_as_of(text: str) -> tuple[date | None, str | None]:
    """``(as_of, error)`` from the optional ``as_of`` field of a valid JSON question line."""
    value = json.loads(text).get("as_of")
    if value is None:
        return None, None
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            return date.fromisoformat(value), None
    return None, "field 'as_of' must be a date string YYYY-MM-DD"


def _question_record(text: str, number: int) -> tuple[Any, str | None, str | None]:
    """``(id, question, error)`` from one JSON line of ``ask --jsonl`` input."""
    try:
        record = json.loads(text)
    except json.JSONDecodeError as error:
        return number, None, f"invalid JSON ({error.msg} at column {error.colno})"
    except RecursionError:
        return number, None, "invalid JSON (nested too deeply)"
    if not isinstance(record, dict):
        return number, None, "want a JSON object with a string 'question' field"
    question_id = record.get("id", number)
    if not isinstance(question_id, str | int | float | None) or isinstance(question_id, bool):
        question_id = json.dumps(question_id)[:200]
    if not isinstance(record.get("question"), str):
        return question_id, None, "field 'question' is missing or not a string"
    return question_id, sanitize_unicode(record["question"]), None


async def _articles(args: argparse.Namespace, settings: Settings) -> int:
    async with await _open(args, settings) as service:
        stored = await service.store.list_articles()
        for article in stored[: args.limit]:
            print(f"[{article.article_id}] {article.title or 'untitled'}"
                  f" · {article.source or 'unknown publisher'}"
                  f" · {article.published or 'date unknown'}"
                  f" · {article.sentence_count} sentences"
                  + (f" · guild {article.scope}" if article.scope != "shared" else ""))
            if article.url:
                print(f"    {article.url}")
        if len(stored) > args.limit:
            print(f"... {len(stored) - args.limit} more (use --limit)")
    return EXIT_OK


async def _stats(args: argparse.Namespace, settings: Settings) -> int:
    async with await _open(args, settings) as service:
        stats = await service.store.stats()
        feeds = feed_summary(await service.store.list_feeds())
    print(f"database   {stats.path} (schema v{stats.schema_version})")
    print(f"articles   {stats.articles} from {_plural(stats.sources, 'publisher')}")
    print(f"sentences  {stats.sentences}")
    if stats.oldest:
        print(f"published  {stats.oldest} .. {stats.newest}")
    else:
        print("published  dates unknown")
    print(f"questions  {stats.questions} asked, {stats.unanswered} without an answer")
    if feeds:
        print(f"feeds      {feeds}")
    return EXIT_OK


def _configure_logging(settings: Settings, verbose: bool, command: str) -> None:
    level_name = "INFO" if verbose or command in {"run", "sync"} else "WARNING"
    if "log_level" in settings.model_fields_set:
        level_name = settings.log_level
    logging.basicConfig(
        level=getattr(logging, level_name.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    logging.getLogger("discord").setLevel(logging.WARNING if command != "run" else logging.INFO)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``newsdesk`` command; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = _settings(args)
    except UnicodeDecodeError as error:
        print(f"newsdesk: .env is not UTF-8 text ({error.reason} at byte {error.start})",
              file=sys.stderr)
        return EXIT_USAGE
    except ValidationError as error:
        for problem in error.errors():
            field = ".".join(str(part) for part in problem["loc"])
            print(f"newsdesk: setting NEWSDESK_{field.upper()}: {problem['msg']}",
                  file=sys.stderr)
        return EXIT_USAGE
    _configure_logging(settings, getattr(args, "verbose", False), args.command)
    handlers = {"ingest": _ingest, "ask": _ask, "articles": _articles, "stats": _stats}
    try:
        if args.command == "migrate-db":
            return migrate_db_command(args, settings)
        if args.command not in {"sync", "health", "run"}:  # run checks after logging in
            check = check_database(settings, args.command)
            if check.problem is not None:
                print(check.problem, file=sys.stderr)
                return EXIT_USAGE
            args.load_sample = check.load_sample
        if args.command == "console":
            return console_command(settings, load_sample=args.load_sample)
        handler = {**ADMIN_HANDLERS, **PRUNE_HANDLERS, **FEED_HANDLERS}.get(args.command)
        if handler is not None:
            return handler(args, settings)
        if args.command == "health":
            from bot.health import health_command

            return health_command(settings)
        if args.command in {"run", "sync"}:
            from bot.runner import run_command

            return run_command(args, settings)
        return asyncio.run(handlers[args.command](args, settings))
    except (sqlite3.DatabaseError, StoreError) as error:
        print(f"newsdesk: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader (e.g. `| head`) went away: stop quietly, like other Unix tools
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
