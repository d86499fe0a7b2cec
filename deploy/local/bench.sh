#!/usr/bin/env bash
# `npm run bench`: installs what is missing, starts local Kafka and PostgreSQL (unless
# KAFKA_BROKERS / DATABASE_URL are set), builds, migrates and runs the sync benchmark.
# Progress on stderr, one JSON summary line on stdout. Knobs: BENCH_USERS, BENCH_RATES,
# BENCH_DURATION_S, BENCH_CATCHUP_EVENTS.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
root="$(cd "$here/../.." && pwd -P)"
cd "$root"
. "$here/local-infra.sh" msync
[ -n "${BENCH_SKIP_BUILD:-}" ] || npm run -s build
node dist/libs/persistence/src/migrate.cli.js >&2
exec node dist/tools/bench/sync.bench.js
