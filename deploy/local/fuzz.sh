#!/usr/bin/env bash
# `npm run fuzz`: installs what is missing, starts local Kafka and PostgreSQL (unless
# KAFKA_BROKERS / DATABASE_URL are set), builds, migrates and runs the fuzz of the running services.
# Progress on stderr, one JSON summary line on stdout; exit code 1 when anything failed.
# Knobs: FUZZ_SEED (replay a run), FUZZ_FRAMES, FUZZ_REQUESTS, FUZZ_SHRINK_MS, FUZZ_SHRINK_TOTAL_MS.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
root="$(cd "$here/../.." && pwd -P)"
cd "$root"
. "$here/local-infra.sh" msync
[ -n "${FUZZ_SKIP_BUILD:-}" ] || npm run -s build
node dist/libs/persistence/src/migrate.cli.js >&2
exec node dist/tools/fuzz/fuzz.cli.js
