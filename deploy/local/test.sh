#!/usr/bin/env bash
# `npm test`: installs what is missing, starts local Kafka and PostgreSQL unless KAFKA_BROKERS and
# DATABASE_URL point elsewhere, then runs every jest project (unit and integration). Extra
# arguments go to jest, e.g. `npm test -- --selectProjects unit`.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
root="$(cd "$here/../.." && pwd -P)"
cd "$root"

bash "$here/ensure-deps.sh"
if [ -z "${KAFKA_BROKERS:-}" ]; then
  bash "$here/kafka.sh" start
  export KAFKA_BROKERS="127.0.0.1:${KAFKA_PORT:-9092}"
fi
if [ -z "${DATABASE_URL:-}" ]; then
  bash "$here/postgres.sh" up
  export DATABASE_URL="postgres://postgres@127.0.0.1:5432/msync_test"
fi
echo "test: KAFKA_BROKERS=$KAFKA_BROKERS DATABASE_URL=$DATABASE_URL"
exec node node_modules/jest/bin/jest.js --maxWorkers=2 "$@"
