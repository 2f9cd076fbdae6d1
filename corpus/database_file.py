"""What is at a database path, found without creating or changing anything.

`database_kind` tells a newsdesk database from a new file, another application's SQLite
file or something that is not SQLite (the command line refuses the last two);
`cannot_write` tells whether an existing file must be opened read-only.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path
from typing import Literal

BUSY_TIMEOUT_MS = 10_000

# URI queries that open a file read-only; ``immutable`` also when its folder is read-only and
# a WAL database's -shm file cannot be made there
READ_ONLY_QUERIES = ("?mode=ro", "?mode=ro&immutable=1")

DatabaseKind = Literal["missing", "new", "newsdesk", "foreign", "not_sqlite"]


def cannot_write(path: Path) -> bool:
    """True when ``path`` exists but it, or its folder, cannot be written (mode or mount)."""
    if not path.exists():
        return False
    return not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK))


def database_kind(path: str | Path) -> DatabaseKind:
    """What is at ``path``, without creating anything (blocking; run it in a thread).

    ``missing`` (no file), ``new`` (an empty file, or SQLite without tables), ``newsdesk``,
    ``foreign`` (SQLite tables of another application) or ``not_sqlite``.
    """
    file = Path(path)
    if not file.exists():
        return "missing"
    if file.is_file() and file.stat().st_size == 0:
        return "new"
    uri = file.resolve().as_uri()
    for query in READ_ONLY_QUERIES:
        try:
            with contextlib.closing(sqlite3.connect(uri + query, uri=True,
                                                    timeout=BUSY_TIMEOUT_MS / 1000)) as db:
                version = int(db.execute("PRAGMA user_version").fetchone()[0])
                tables = {row[0] for row in db.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table'"
                    " AND name NOT LIKE 'sqlite_%'")}
            break
        except sqlite3.OperationalError:
            continue
        except sqlite3.DatabaseError:
            return "not_sqlite"
    else:
        return "not_sqlite"
    if version > 0 and "articles" in tables:
        return "newsdesk"
    return "foreign" if tables else "new"
