#!/usr/bin/env bash
# `npm run chaos`: the fault test at full length (see docs/benchmarks.md, "Fault test"). Installs what
# is missing, fetches the Kafka jars once, builds, then runs tools/chaos: it starts a Kafka broker and
# a PostgreSQL cluster of its own on free loopback ports (never the shared 9092 / 5432, which it does
# not need), the five services and the devices, kills and restarts each component under load, and
# stops everything it started. Progress on stderr, one JSON summary line on stdout; exit 1 when an
# invariant failed. Knobs: CHAOS_MODE=full|short|broker-loss (three brokers, one killed and brought back), CHAOS_SEED, CHAOS_RATE, CHAOS_USERS, CHAOS_DEVICES,
# CHAOS_FAULTS, CHAOS_SIGTERM, CHAOS_SETTLE_MS, CHAOS_DOWN_MS, CHAOS_LOG_DIR, PG_BIN.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
root="$(cd "$here/../.." && pwd -P)"
cd "$root"
bash "$here/ensure-deps.sh" >&2
# The jar cache the private broker reuses (<repo>/.local/kafka/dist); fetched with Maven the first time.
KAFKA_HOME_DIR="$root/.local/kafka" bash "$here/kafka.sh" fetch >&2
[ -n "${CHAOS_SKIP_BUILD:-}" ] || npm run -s build
exec node dist/tools/chaos/chaos.cli.js
