#!/usr/bin/env bash
# Starts (or reuses) a throwaway PostgreSQL server on loopback for the tests and prints its URL;
# prints nothing when PostgreSQL is not installed (the PostgreSQL tests then skip), and fails with
# the server's log when it is installed but does not start. One data folder per port. Its data is thrown
# away, so it never waits for the disk (no fsync, no synchronous commit): each test's CREATE DATABASE and
# commits go at memory speed, and what the tests check (one transaction per write) does not depend on it.
set -euo pipefail
port=${OKR_TEST_PG_PORT:-55432}
dir=${OKR_TEST_PG_DIR:-/tmp/okr-test-postgres-$port}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bin" ] || exit 0
as_owner() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$1"; else sh -c "$1"; fi; }
if ! "$bin/pg_isready" -q -h 127.0.0.1 -p "$port"; then
  mkdir -p "$dir"
  [ "$(id -u)" != 0 ] || chown postgres "$dir"
  [ -f "$dir/db/PG_VERSION" ] || as_owner "'$bin/initdb' --no-sync -D '$dir/db' -A trust -U postgres" >/dev/null
  as_owner "'$bin/pg_ctl' -D '$dir/db' -o \"-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off\" -l '$dir/log' -w start" >/dev/null \
    || { echo "PostgreSQL for the tests did not start on port $port:" >&2; tail -n 20 "$dir/log" >&2; exit 1; }
fi
echo "postgresql://postgres@127.0.0.1:$port/postgres"
