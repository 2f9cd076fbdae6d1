#!/usr/bin/env bash
# Install PostgreSQL's server binaries for the tests that start a throwaway cluster
# (tests/pg.py runs initdb and pg_ctl as the `postgres` user on a loopback port).
# Idempotent and quiet: does nothing when initdb is already there, prints apt's output only
# when apt fails. The package's default cluster is left as the package makes it.
set -euo pipefail

if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "postgres-setup: PostgreSQL is missing; run as root to install it" >&2
    exit 1
fi

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends postgresql; } \
        >"$log" 2>&1; then
    cat "$log" >&2
    echo "postgres-setup: apt-get failed" >&2
    exit 1
fi
echo "postgres-setup: installed $(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
