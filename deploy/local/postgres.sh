#!/usr/bin/env bash
# Uses the PostgreSQL server on 127.0.0.1:5432 (starts the Debian cluster only if it is down)
# and creates the project's databases. Idempotent.
#   deploy/local/postgres.sh up | status
set -euo pipefail

PGHOST="${PGHOST:-127.0.0.1}"
PGPORT="${PGPORT:-5432}"
PGUSER="${PGUSER:-postgres}"
DATABASES="${MSYNC_DATABASES:-msync msync_test}"
export PGHOST PGPORT PGUSER

answers() { pg_isready -q -h "$PGHOST" -p "$PGPORT" -t 2 >/dev/null 2>&1; }

start_cluster() {
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    echo "postgres: not answering on $PGHOST:$PGPORT and pg_ctlcluster is not installed; start a PostgreSQL 13+ there or set DATABASE_URL" >&2
    exit 1
  fi
  local version
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  echo "postgres: starting cluster $version/main"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start
  for _ in $(seq 1 60); do answers && return 0; sleep 0.5; done
  echo "postgres: cluster did not come up within 30 s" >&2
  exit 1
}

case "${1:-up}" in
  up)
    answers || start_cluster
    for db in $DATABASES; do
      if [ "$(psql -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$db'")" != "1" ]; then
        psql -d postgres -qc "CREATE DATABASE \"$db\"" && echo "postgres: created database $db"
      fi
    done
    echo "postgres: ready on $PGHOST:$PGPORT (databases: $DATABASES)"
    ;;
  status)
    if answers; then echo "postgres: up on $PGHOST:$PGPORT"; else echo "postgres: down"; exit 1; fi
    ;;
  *) echo "usage: $0 up|status" >&2; exit 2 ;;
esac
