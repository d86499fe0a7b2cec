#!/usr/bin/env bash
# Local infrastructure for development and tests: a real Apache Kafka (KRaft) and PostgreSQL,
# both on 127.0.0.1. Idempotent.
#   deploy/local/infra.sh up | down | status
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"

case "${1:-up}" in
  up)
    bash "$here/postgres.sh" up
    bash "$here/kafka.sh" start
    ;;
  down)
    # PostgreSQL is the machine's own server: it is left running.
    bash "$here/kafka.sh" stop
    ;;
  status)
    bash "$here/postgres.sh" status
    bash "$here/kafka.sh" status
    ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
