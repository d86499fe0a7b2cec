# Sourced by start.sh, test.sh and bench.sh (not run on its own): installs npm dependencies when
# missing, then starts local Kafka and PostgreSQL unless KAFKA_BROKERS / DATABASE_URL are set, and
# exports both. Argument: the database name to use when DATABASE_URL is not set.
# shellcheck shell=bash
local_infra_here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
bash "$local_infra_here/ensure-deps.sh" >&2
if [ -z "${KAFKA_BROKERS:-}" ]; then
  bash "$local_infra_here/kafka.sh" start >&2
  export KAFKA_BROKERS="127.0.0.1:${KAFKA_PORT:-9092}"
fi
if [ -z "${DATABASE_URL:-}" ]; then
  bash "$local_infra_here/postgres.sh" up >&2
  export DATABASE_URL="postgres://postgres@127.0.0.1:5432/${1:-msync}"
fi
