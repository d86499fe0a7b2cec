#!/usr/bin/env bash
# `npm run bench`: installs what is missing, starts local Kafka and PostgreSQL (unless
# KAFKA_BROKERS / DATABASE_URL are set), builds, migrates, provisions topics and runs the sync benchmark.
# Progress on stderr, one JSON summary line on stdout. Knobs: BENCH_USERS, BENCH_RATES,
# BENCH_DURATION_S, BENCH_CATCHUP_EVENTS, BENCH_IDLE_S (idle phase, 20), BENCH_IDLE_DEVICES (extra idle
# devices for RSS per device, 0; 3000 in the full run), BENCH_ALL_RATES=1 (do not stop at the first
# rate not sustained), BENCH_SKIP_EXTRAS=1 (no catch-up/compensation/recall). CPU-seconds of every
# process come from /proc (see tools/bench/proc-cpu.ts).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
root="$(cd "$here/../.." && pwd -P)"
cd "$root"
. "$here/local-infra.sh" msync
[ -n "${BENCH_SKIP_BUILD:-}" ] || npm run -s build
node dist/libs/persistence/src/migrate.cli.js >&2
node dist/tools/provision-topics.cli.js >&2
exec node dist/tools/bench/sync.bench.js
