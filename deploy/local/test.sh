#!/usr/bin/env bash
# `npm test`: installs what is missing, starts local Kafka and PostgreSQL unless KAFKA_BROKERS and
# DATABASE_URL point elsewhere, then runs every jest project (unit and integration). Extra
# arguments go to jest, e.g. `npm test -- --selectProjects unit`.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
root="$(cd "$here/../.." && pwd -P)"
cd "$root"

. "$here/local-infra.sh" msync_test
# The browser test (console and demo) drives Debian's chromium; install it when we can (root + apt-get).
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; } || { echo "test: could not install chromium (apt-get install -y chromium)" >&2; exit 1; }
  else
    echo "test: /usr/bin/chromium is missing; install it (sudo apt-get install -y chromium) or the browser test fails" >&2
  fi
fi
echo "test: KAFKA_BROKERS=$KAFKA_BROKERS DATABASE_URL=$DATABASE_URL"
exec node node_modules/jest/bin/jest.js --maxWorkers=2 "$@"
