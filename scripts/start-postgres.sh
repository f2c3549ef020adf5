#!/usr/bin/env bash
# Makes sure a PostgreSQL server runs on loopback with a role and a database for the
# store tests, installing it from Debian if missing, and prints the connection URL for
# ARMISTICE_TEST_PG. Idempotent: a second run finds everything in place in a second.
# Usage: export ARMISTICE_TEST_PG="$(scripts/start-postgres.sh)"
set -euo pipefail

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
as_postgres() { as_root su postgres -s /bin/sh -c "$*"; }

if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  echo "installing PostgreSQL from Debian" >&2
  as_root apt-get update -qq >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi

version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
if ! pg_lsclusters -h | awk '{print $1, $2}' | grep -qx "$version main"; then
  as_root pg_createcluster "$version" main >&2
fi
if ! pg_ctlcluster "$version" main status >/dev/null 2>&1; then
  as_root pg_ctlcluster "$version" main start >&2
fi
port=$(pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" {print $3}')

# A login role with a password (loopback connections use password authentication on
# Debian) and a database it owns; the tests make a schema of their own in it.
as_postgres "psql -q -p $port -v ON_ERROR_STOP=1" >&2 <<'SQL'
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'armistice_test') THEN
    CREATE ROLE armistice_test LOGIN PASSWORD 'armistice_test';
  END IF;
END
$$;
SQL
if ! as_postgres "psql -p $port -tAc \"SELECT 1 FROM pg_database WHERE datname = 'armistice_test'\"" | grep -qx 1; then
  as_postgres "createdb -p $port -O armistice_test armistice_test" >&2
fi

echo "postgres://armistice_test:armistice_test@127.0.0.1:$port/armistice_test"
