#!/usr/bin/env bash
# `npm test`: installs what is missing, starts local Kafka and PostgreSQL unless KAFKA_BROKERS and
# DATABASE_URL point elsewhere, then runs every jest project (unit and integration). Extra
# arguments go to jest, e.g. `npm test -- --selectProjects unit`.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
root="$(cd "$here/../.." && pwd -P)"
cd "$root"

. "$here/local-infra.sh" msync_test
echo "test: KAFKA_BROKERS=$KAFKA_BROKERS DATABASE_URL=$DATABASE_URL"
exec node node_modules/jest/bin/jest.js --maxWorkers=2 "$@"
