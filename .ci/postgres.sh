#!/usr/bin/env bash
# Start a throwaway PostgreSQL server on loopback for the storage tests, and print its URL.
# Usage: eval "$(bash .ci/postgres.sh)"   → exports LEGDAY_TEST_PG_URL
# Needs Debian's postgresql package (installed by .ci/run). Safe to run twice.
set -euo pipefail
PORT=${LEGDAY_PG_PORT:-54329}
DATA=${LEGDAY_PG_DATA:-/tmp/legday-pg/data}
SOCK=${LEGDAY_PG_SOCK:-/tmp/legday-pg/sock}
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
mkdir -p "$(dirname "$DATA")" "$SOCK"
if [ "$(id -u)" = 0 ]; then chown -R postgres:postgres "$(dirname "$DATA")" "$SOCK"; fi
if [ ! -f "$DATA/PG_VERSION" ]; then
  as_pg "$BIN/initdb" -D "$DATA" -U postgres --auth=trust -E UTF8 >/dev/null
fi
if ! as_pg "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
  as_pg "$BIN/pg_ctl" -D "$DATA" -l "$(dirname "$DATA")/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -k $SOCK -c fsync=off" start >/dev/null
fi
echo "export LEGDAY_TEST_PG_URL=postgresql+psycopg://postgres@127.0.0.1:$PORT/postgres"
