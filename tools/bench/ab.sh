#!/usr/bin/env bash
# Compares commits by the sync benchmark's CPU figures, runs interleaved (A B A B ...), each commit
# built in its own worktree under .local/ab/ (node_modules resolved from this checkout's).
#   bash tools/bench/ab.sh [-n RUNS] REV [REV...]      (REV: any commit-ish; WORKTREE = this tree as it is)
# The bench's knobs pass through (BENCH_RATES, BENCH_DURATION_S, ...); defaults here: 50 and 200 msg/s,
# 20 s each, idle phase, no extras. Summaries: .local/ab/results/<label>-<run>.json; a table at the end.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
cd "$root"
runs=2
if [ "${1:-}" = "-n" ]; then runs="$2"; shift 2; fi
[ $# -ge 1 ] || { sed -n 2,6p "$0"; exit 2; }
. deploy/local/local-infra.sh msync
mkdir -p .local/ab/results
node dist/tools/provision-topics.cli.js >&2
# Each commit gets a database of its own, migrated by its own code (a later migration must not help an earlier commit).
database_of() { echo "${DATABASE_URL%/*}/msync_ab_$1"; }
ensure_database() {
  node -e '
    const { Client } = require("pg");
    const url = new URL(process.argv[1]); const name = url.pathname.slice(1); url.pathname = "/postgres";
    const c = new Client({ connectionString: url.toString() });
    c.connect().then(async () => {
      const { rowCount } = await c.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
      if (!rowCount) await c.query(`CREATE DATABASE "${name}"`);
      await c.end();
    }).catch((e) => { console.error(e.message); process.exit(1); });' "$1"
}

dirs=()
labels=()
for rev in "$@"; do
  if [ "$rev" = WORKTREE ]; then
    npm run -s build >&2
    ensure_database "$(database_of worktree)"
    DATABASE_URL="$(database_of worktree)" node dist/libs/persistence/src/migrate.cli.js >&2
    dirs+=("$root"); labels+=("worktree")
    continue
  fi
  sha="$(git rev-parse --short=8 "$rev^{commit}")"
  dir="$root/.local/ab/$sha"
  if [ ! -f "$dir/dist/tools/bench/sync.bench.js" ]; then
    [ -d "$dir" ] || git worktree add --detach "$dir" "$sha" >&2
    (cd "$dir" && "$root/node_modules/.bin/swc" apps libs tools examples -d dist --config-file .swcrc -q) >&2
  fi
  ensure_database "$(database_of "$sha")"
  (cd "$dir" && DATABASE_URL="$(database_of "$sha")" node dist/libs/persistence/src/migrate.cli.js) >&2
  dirs+=("$dir"); labels+=("$sha")
done

export BENCH_RATES="${BENCH_RATES:-50,200}" BENCH_ALL_RATES="${BENCH_ALL_RATES:-1}" BENCH_DURATION_S="${BENCH_DURATION_S:-20}" BENCH_SKIP_EXTRAS="${BENCH_SKIP_EXTRAS:-1}"
files=()
for run in $(seq 1 "$runs"); do
  for i in "${!dirs[@]}"; do
    out=".local/ab/results/${labels[$i]}-$run.json"
    echo "ab: run $run of ${labels[$i]}" >&2
    (cd "${dirs[$i]}" && DATABASE_URL="$(database_of "${labels[$i]}")" node dist/tools/bench/sync.bench.js) > "$out" 2> "${out%.json}.err" || { echo "ab: ${labels[$i]} run $run failed (see ${out%.json}.err)" >&2; continue; }
    files+=("$out")
  done
done
node -e '
for (const f of process.argv.slice(1)) {
  const s = JSON.parse(require("fs").readFileSync(f, "utf8").trim().split("\n").pop());
  const row = [f.replace(/.*\//, "").replace(/\.json$/, ""), "idle " + (s.idle ? s.idle.totalCpuS + " CPU-s (" + (100 * s.idle.shareOfBox).toFixed(1) + " %)" : "-")];
  for (const st of s.steps) row.push(`${st.rate}/s: ${st.cpu.cpuSPer1000Messages} CPU-s/1000, p50 ${st.latencyMs.p50} p99 ${st.latencyMs.p99} ms, lost ${st.lost} dup ${st.duplicates} [` + Object.entries(st.cpu.cpuS).map(([k, v]) => k + " " + v).join(", ") + "]");
  console.log(row.join(" | "));
}' "${files[@]}"
