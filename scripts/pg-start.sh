#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server on a local port for the tests and
# prints its DSN on stdout. Usage: eval "$(scripts/pg-start.sh)" exports
# INSTRUCT_TEST_POSTGRES. Needs the Debian postgresql package.
set -euo pipefail
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bin" ] || { echo "pg-start: PostgreSQL is not installed" >&2; exit 1; }
port=${PGPORT_TEST:-55432}
dir=${PGDATA_TEST:-/tmp/instruct-pg-$port}
run=(env)
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home /var/lib/postgresql postgres
  run=(runuser -u postgres --)
fi
if [ ! -s "$dir/PG_VERSION" ]; then
  mkdir -p "$dir" && chmod 700 "$dir"
  [ "$(id -u)" = 0 ] && chown postgres "$dir"
  "${run[@]}" "$bin/initdb" -D "$dir" -U instruct --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
fi
if ! "${run[@]}" "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
  "${run[@]}" "$bin/pg_ctl" -D "$dir" -w -l "$dir/server.log" \
    -o "-p $port -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=on" start >/dev/null
fi
"${run[@]}" "$bin/psql" -h 127.0.0.1 -p "$port" -U instruct -d postgres -tAc \
  "SELECT 1 FROM pg_database WHERE datname='instruct_test'" | grep -q 1 ||
  "${run[@]}" "$bin/createdb" -h 127.0.0.1 -p "$port" -U instruct instruct_test
echo "export INSTRUCT_TEST_POSTGRES='postgres://instruct@127.0.0.1:$port/instruct_test?sslmode=disable'"
