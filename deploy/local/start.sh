#!/usr/bin/env bash
# `npm start`: the whole system on this machine. Installs dependencies, starts Kafka and
# PostgreSQL (unless KAFKA_BROKERS / DATABASE_URL are set), builds, migrates, provisions topics,
# then runs the five services until Ctrl-C. Logs: .local/logs/<service>.log
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
root="$(cd "$here/../.." && pwd -P)"
cd "$root"

. "$here/local-infra.sh" msync

# Local secrets: made once, kept in .local/ (gitignored), never printed except the demo app's.
mkdir -p .local
if [ ! -f .local/dev-secrets.env ]; then
  { echo "ADMIN_TOKEN=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')"; echo "INTERNAL_API_TOKEN=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')"; } > .local/dev-secrets.env
  chmod 600 .local/dev-secrets.env
fi
set -a; . .local/dev-secrets.env; set +a

npm run -s build
node dist/libs/persistence/src/migrate.cli.js
node dist/tools/provision-topics.cli.js

mkdir -p .local/logs
declare -A ports=([ingestion]=3000 [session]=3001 [fanout]=3002 [recall]=3003 [compensation]=3004)
pids=()
stop_all() {
  echo "stopping services..."
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait || true
}
trap stop_all INT TERM EXIT

for svc in ingestion session fanout recall compensation; do
  HTTP_PORT="${ports[$svc]}" KAFKA_PROVISION_TOPICS=false \
    node --enable-source-maps "dist/apps/$svc/src/main.js" >>".local/logs/$svc.log" 2>&1 &
  pids+=("$!")
done

for svc in ingestion session fanout recall compensation; do
  for _ in $(seq 1 120); do
    if curl -fs "http://127.0.0.1:${ports[$svc]}/readyz" >/dev/null 2>&1; then break; fi
    sleep 0.5
  done
  curl -fs "http://127.0.0.1:${ports[$svc]}/readyz" >/dev/null || { echo "$svc did not become ready; see .local/logs/$svc.log" >&2; exit 1; }
done

# A demo app for trying things out (created once).
if [ ! -f .local/demo-app.json ]; then
  curl -fs -X POST "http://127.0.0.1:${ports[ingestion]}/admin/v1/apps" -H "authorization: Bearer $ADMIN_TOKEN" \
    -H 'content-type: application/json' -d '{"name":"demo","appKey":"demo"}' > .local/demo-app.json || echo '{}' > .local/demo-app.json
fi

cat <<INFO

msync is running (Ctrl-C stops the services; \`npm run infra:down\` stops Kafka).
  Kafka                 $KAFKA_BROKERS
  PostgreSQL            $DATABASE_URL
  Server API + mgmt     http://127.0.0.1:${ports[ingestion]}        (ingestion)
  Device WebSocket      ws://127.0.0.1:${ports[session]}/ws          (session gateway)
  Health / metrics      http://127.0.0.1:<port>/healthz /readyz /metrics  (ports 3000-3004)
  Logs                  .local/logs/<service>.log
  Console               http://127.0.0.1:${ports[ingestion]}/console   (sign in with the demo app below)
  Live demo             http://127.0.0.1:${ports[ingestion]}/demo      (two users, six devices, in your browser)
  Demo app              .local/demo-app.json (appKey + secret for the management API)
  Operator token        ADMIN_TOKEN in .local/dev-secrets.env (POST /admin/v1/apps creates apps)
INFO
if command -v node >/dev/null && [ -s .local/demo-app.json ]; then
  node -e 'const a=require("./.local/demo-app.json"); if (a.appKey) console.log(`  Demo app key/secret   ${a.appKey} / ${a.secret}   (paste into the console or demo sign-in)`)'
fi
wait -n "${pids[@]}" || true
echo "a service exited; see .local/logs" >&2
