"""A throwaway PostgreSQL cluster for tests: initdb + pg_ctl as the ``postgres`` user.

`PostgresCluster.start` makes a cluster in a fresh folder under /tmp on a free loopback port
(fsync off: nothing here must survive), `create_database` a fresh empty database, and `stop`
ends it with ``-m immediate``. `start_cluster` returns None and a reason when it cannot run
(no PostgreSQL binaries, no ``postgres`` user, not root), for a clear skip.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

_SERVER_OPTIONS = ("-c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off"
                   " -c full_page_writes=off -c max_connections=300")


def find_bin() -> Path | None:
    """The newest ``/usr/lib/postgresql/N/bin`` holding ``initdb``, else one on PATH."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                   key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit()
                   else 0)
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PostgresCluster:
    bin: Path
    folder: Path
    port: int
    _names: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def _run(self, *args: str, user: bool = True) -> subprocess.CompletedProcess[str]:
        prefix = ["runuser", "-u", "postgres", "--"] if user and os.geteuid() == 0 else []
        return subprocess.run([*prefix, *args], capture_output=True, text=True, timeout=120,
                              check=True)

    def start(self) -> None:
        data = self.folder / "data"
        self._run(str(self.bin / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
                  "-E", "UTF8", "--locale=C.UTF-8")
        self.serve()

    def serve(self) -> None:
        """Start the server of an existing cluster (again, after `stop`)."""
        data = self.folder / "data"
        self._run(str(self.bin / "pg_ctl"), "-D", str(data), "-l", str(self.folder / "pg.log"),
                  "-w", "-o", f"-p {self.port} -k {self.folder} {_SERVER_OPTIONS}", "start")

    def stop(self) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "immediate",
                  "stop")

    def remove(self) -> None:
        """Stop the server if it runs and delete the cluster's folder."""
        with contextlib.suppress(subprocess.SubprocessError):
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, prefix: str = "test") -> str:
        """A new empty database (from template0); returns its URL."""
        name = f"{prefix}_{next(self._names)}"
        self._run(str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port),
                  "-U", "postgres", "-T", "template0", name, user=False)
        return self.url(name)

    def psql(self, url: str, sql: str) -> str:
        """Run ``sql`` with psql on the database at ``url``; returns its unaligned output."""
        return self._run(str(self.bin / "psql"), "-X", "-q", "-A", "-t", "-v",
                         "ON_ERROR_STOP=1", "-d", url, "-c", sql, user=False).stdout.strip()


def start_cluster() -> tuple[PostgresCluster | None, str]:
    """A started cluster, or None and why it could not start."""
    binaries = find_bin()
    if binaries is None:
        return None, "PostgreSQL is not installed (no initdb; .ci/postgres-setup.sh installs it)"
    try:
        postgres = pwd.getpwnam("postgres")
    except KeyError:
        return None, "no 'postgres' user to run initdb as"
    if os.geteuid() != 0 and os.geteuid() != postgres.pw_uid:
        return None, "initdb must run as the 'postgres' user: run the tests as root"
    folder = Path(tempfile.mkdtemp(prefix="newsdesk-pg-"))
    os.chown(folder, postgres.pw_uid, postgres.pw_gid)
    cluster = PostgresCluster(binaries, folder, free_port())
    try:
        cluster.start()
    except (OSError, subprocess.SubprocessError) as error:
        detail = getattr(error, "stderr", "") or str(error)
        shutil.rmtree(folder, ignore_errors=True)
        return None, f"could not start PostgreSQL: {detail.strip()[:300]}"
    return cluster, ""
