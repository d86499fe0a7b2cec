#!/usr/bin/env bash
# `npm run bench`: installs what is missing, starts local Kafka and PostgreSQL (unless
# KAFKA_BROKERS / DATABASE_URL are set), builds, migrates and runs the sync benchmark.
# Progress on stderr, one JSON summary line on stdout. Knobs: BENCH_USERS, BENCH_RATES,
# BENCH_DURATION_S, BENCH_CATCHUP_EVENTS.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
root="$(cd "$here/../.." && pwd -P)"
cd "$root"
bash "$here/ensure-deps.sh"
if [ -z "${KAFKA_BROKERS:-}" ]; then bash "$here/kafka.sh" start >&2; export KAFKA_BROKERS="127.0.0.1:${KAFKA_PORT:-9092}"; fi
if [ -z "${DATABASE_URL:-}" ]; then bash "$here/postgres.sh" up >&2; export DATABASE_URL="postgres://postgres@127.0.0.1:5432/msync"; fi
[ -n "${BENCH_SKIP_BUILD:-}" ] || npm run -s build
node dist/libs/persistence/src/migrate.cli.js >&2
exec node dist/tools/bench/sync.bench.js
