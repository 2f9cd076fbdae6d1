"""Which database a command may open, and whether it may create it.

A mistyped ``--db`` must not quietly create an empty database (and its folders): only
commands that add articles, an explicit ``--create`` (``NEWSDESK_CREATE_DB``) or the default
per-user database on first use create one. A database made by a read command starts with the
bundled sample article, for a newcomer's first question; one made by ``ingest`` starts empty.
Another application's SQLite file is refused, never migrated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from bot.config import Settings
from corpus.pg_url import is_postgres_url, redact, url_problem
from corpus.store import database_kind

#: commands that add articles: they may create a database, which then starts empty
CREATING = frozenset({"ingest", "follow"})
#: read commands that may create the default database (or any, with --create)
STARTING = frozenset({"ask", "console", "articles", "stats", "run"})
#: a scheme such as ``postgres:`` or ``mysql:``: not a file anyone means to create
_URL_LIKE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:")


@dataclass(frozen=True, slots=True)
class DatabaseCheck:
    """The verdict on the database a command is about to open."""

    problem: str | None = None
    new: bool = False
    load_sample: bool = False


def is_default_db(settings: Settings) -> bool:
    """True when neither ``--db`` nor ``NEWSDESK_DB`` chose the database."""
    return "db" not in settings.model_fields_set


def check_database(settings: Settings, command: str) -> DatabaseCheck:
    """Whether ``command`` may open ``settings.db`` (blocking: looks at the file).

    A PostgreSQL database is not looked at here: it must exist (``createdb``), its tables
    are made on first use, and opening it says clearly when it cannot be reached. It never
    gets the sample article. A malformed URL (a bad port, an unclosed '[') is a problem.
    """
    if is_postgres_url(settings.db):
        problem = url_problem(str(settings.db))
        if problem is not None:
            return DatabaseCheck(f"newsdesk: {redact(str(settings.db))}: not a usable "
                                 f"PostgreSQL URL: {problem} (check --db or NEWSDESK_DB)")
        return DatabaseCheck()
    path = Path(settings.db)
    if _URL_LIKE.match(str(settings.db)):
        return DatabaseCheck(f"newsdesk: database {path} looks like a URL but is not a "
                             "postgresql://user@host/db one (check --db or NEWSDESK_DB)")
    if str(path) == ":memory:":
        return DatabaseCheck(new=True, load_sample=command in STARTING)
    kind = database_kind(path)
    if kind == "newsdesk":
        return DatabaseCheck()
    if kind == "foreign":
        return DatabaseCheck(f"newsdesk: {path}: has tables but is not a newsdesk database "
                             "(another application's file?); refusing to change it")
    if kind == "not_sqlite":
        return DatabaseCheck(f"newsdesk: {path}: is not a SQLite database")
    may_create = command in CREATING or (
        command in STARTING and (settings.create_db or is_default_db(settings))
    )
    if not may_create:
        hint = ("; add --create to make a new one"
                if command in STARTING else "")
        what = "is empty, not a newsdesk database" if kind == "new" else "does not exist"
        return DatabaseCheck(f"newsdesk: database {path} {what} (check --db or NEWSDESK_DB)"
                             f"{hint}")
    return DatabaseCheck(new=True, load_sample=command in STARTING)
