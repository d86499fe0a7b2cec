#!/usr/bin/env bash
# Local, single-node Apache Kafka (KRaft: broker + controller in one JVM) run from the official
# jars on Maven Central. No Docker, loopback only. See docs/kafka-local.md.
#
# Usage: deploy/local/kafka.sh <command> [args]
#   start            fetch jars (first time only), write config, format storage (first time only),
#                    start the broker in the background and wait until it answers metadata requests.
#                    Idempotent: exits 0 at once if the broker is already running and answering.
#   stop             SIGTERM, wait up to KAFKA_STOP_TIMEOUT (30 s), then SIGKILL. Idempotent.
#   restart          stop + start.
#   status           exit 0 = running and answering, 1 = running but not answering, 3 = stopped.
#   logs [-f] [N]    last N (default 100) lines of the broker log; -f follows.
#   reset            stop, then delete the data (topics, offsets, logs). Keeps the jar cache.
#   topics ARGS...   run kafka-topics against this broker, e.g. `topics --list`,
#                    `topics --create --topic t1 --partitions 3`.
#   tool CLASS ARGS  run any Kafka tool class with the broker classpath, e.g.
#                    `tool org.apache.kafka.tools.consumer.group.ConsumerGroupCommand --bootstrap-server 127.0.0.1:9092 --list`
#   fetch            only fetch the jars into the cache.
#
# A three-broker cluster (KRaft, each node broker + controller, a 3-voter quorum), for replication
# and broker-loss tests; data under $KAFKA_HOME_DIR/node-<id>, jars shared:
#   start-cluster    start every node (formatted with one cluster id the first time) and wait until
#                    each answers. Prints the bootstrap list. Topics there: use
#                    KAFKA_REPLICATION_FACTOR=3 (the provisioner then sets min.insync.replicas=2);
#                    the cluster's defaults and internal topics are RF 3, min.insync.replicas 2.
#   stop-cluster     stop every node.           status-cluster   status of every node.
#   reset-cluster    stop every node and delete their data.
#   node ID CMD      run CMD (start, stop, status, logs, kill) on one node, e.g. `node 2 kill`
#                    (SIGKILL: a crash) then `node 2 start`.
#   Ports: KAFKA_CLUSTER_PORTS (default 19092,19094,19096) and KAFKA_CLUSTER_CONTROLLER_PORTS
#   (default 19093,19095,19097) on 127.0.0.1; KAFKA_CLUSTER_NODES nodes (default 3).
#
# Environment:
#   KAFKA_VERSION          Kafka version from Maven Central (default 3.9.2)
#   KAFKA_PORT             client (PLAINTEXT) port on 127.0.0.1 (default 9092)
#   KAFKA_CONTROLLER_PORT  KRaft controller port on 127.0.0.1 (default 9093)
#   KAFKA_HOME_DIR         state folder (default <repo>/.local/kafka, gitignored):
#                            dist/<version>/libs   jar cache (+ .complete marker)
#                            config/               generated server.properties, log4j config
#                            data/                 kraft log dirs, logs/server.log, kafka.out
#                            run/                  kafka.pid, lock
#   KAFKA_CACHE_DIR        jar cache root (default $KAFKA_HOME_DIR/dist)
#   KAFKA_HEAP_OPTS        default "-Xms256m -Xmx768m"
#   KAFKA_START_TIMEOUT    seconds to wait for the broker to answer (default 90)
#   KAFKA_STOP_TIMEOUT     seconds to wait after SIGTERM before SIGKILL (default 30)
#   KAFKA_NODE_ID          node id of this broker (default 1)
#   KAFKA_QUORUM_VOTERS    controller.quorum.voters (default: this node alone)
#   KAFKA_CLUSTER_ID       cluster id to format the storage with (default: a random one)
#   KAFKA_CLUSTER_SIZE     brokers in the cluster (default 1): sets the default and internal topics'
#                          replication factor (up to 3) and min.insync.replicas (2 above one replica)
#   KAFKA_START_WAIT       0: `start` returns once the JVM runs, without waiting for it to answer
#   KAFKA_BROKER_SESSION_TIMEOUT_MS  how long the controller waits for a silent broker before moving
#                          its partition leaderships away (default 9000, Kafka's)
#   JAVA_HOME / JAVA       java to use (Java 17+)
#   MVN                    maven command (default mvn)
set -euo pipefail

DEFAULT_KAFKA_VERSION=3.9.2

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd -P)"
POM="$SCRIPT_DIR/kafka/pom.xml"

KAFKA_VERSION="${KAFKA_VERSION:-$DEFAULT_KAFKA_VERSION}"
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_HOME_DIR="${KAFKA_HOME_DIR:-$REPO_ROOT/.local/kafka}"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx768m}"
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
KAFKA_STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"
MVN="${MVN:-mvn}"
HOST=127.0.0.1
KAFKA_NODE_ID="${KAFKA_NODE_ID:-1}"
KAFKA_QUORUM_VOTERS="${KAFKA_QUORUM_VOTERS:-$KAFKA_NODE_ID@$HOST:$KAFKA_CONTROLLER_PORT}"
KAFKA_CLUSTER_ID="${KAFKA_CLUSTER_ID:-}"
KAFKA_CLUSTER_SIZE="${KAFKA_CLUSTER_SIZE:-1}"
KAFKA_START_WAIT="${KAFKA_START_WAIT:-1}"
KAFKA_BROKER_SESSION_TIMEOUT_MS="${KAFKA_BROKER_SESSION_TIMEOUT_MS:-9000}"
BROKER_HEARTBEAT_MS=$(( KAFKA_BROKER_SESSION_TIMEOUT_MS / 3 < 2000 ? KAFKA_BROKER_SESSION_TIMEOUT_MS / 3 : 2000 ))
if (( KAFKA_CLUSTER_SIZE >= 3 )); then REPLICAS=3; else REPLICAS="$KAFKA_CLUSTER_SIZE"; fi
if (( REPLICAS > 1 )); then MIN_ISR=2; else MIN_ISR=1; fi

# Make KAFKA_HOME_DIR absolute (it may be given relative to the caller's cwd).
mkdir -p "$KAFKA_HOME_DIR"
KAFKA_HOME_DIR="$(cd "$KAFKA_HOME_DIR" && pwd -P)"
KAFKA_CACHE_DIR="${KAFKA_CACHE_DIR:-$KAFKA_HOME_DIR/dist}"

CONFIG_DIR="$KAFKA_HOME_DIR/config"
DATA_DIR="$KAFKA_HOME_DIR/data"
RUN_DIR="$KAFKA_HOME_DIR/run"
LOG_DIRS="$DATA_DIR/kraft-combined-logs"
APP_LOG_DIR="$DATA_DIR/logs"
SERVER_LOG="$APP_LOG_DIR/server.log"
OUT_FILE="$DATA_DIR/kafka.out"
PID_FILE="$RUN_DIR/kafka.pid"
LOCK_FILE="$RUN_DIR/kafka.lock"
VERSION_FILE="$DATA_DIR/.kafka-version"
SERVER_PROPS="$CONFIG_DIR/server.properties"
TOOLS_CLIENT_PROPS="$CONFIG_DIR/tools-client.properties"
LIBS_DIR="$KAFKA_CACHE_DIR/$KAFKA_VERSION/libs"
LIBS_MARKER="$KAFKA_CACHE_DIR/$KAFKA_VERSION/.complete"

KAFKA_MAJOR="${KAFKA_VERSION%%.*}"
if ! [[ "$KAFKA_MAJOR" =~ ^[0-9]+$ ]]; then
  echo "kafka.sh: cannot parse KAFKA_VERSION='$KAFKA_VERSION'" >&2
  exit 2
fi
if (( KAFKA_MAJOR >= 4 )); then
  LOGGING=log4j2
  BROKER_LOG_CONFIG="$CONFIG_DIR/log4j2.properties"
  TOOLS_LOG_CONFIG="$CONFIG_DIR/tools-log4j2.properties"
  log_opt() { echo "-Dlog4j2.configurationFile=file:$1"; }
else
  LOGGING=reload4j
  BROKER_LOG_CONFIG="$CONFIG_DIR/log4j.properties"
  TOOLS_LOG_CONFIG="$CONFIG_DIR/tools-log4j.properties"
  log_opt() { echo "-Dlog4j.configuration=file:$1"; }
fi

if [[ -n "${JAVA:-}" ]]; then :
elif [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then JAVA="$JAVA_HOME/bin/java"
else JAVA=java
fi

say() { echo "kafka.sh: $*"; }
die() { echo "kafka.sh: $*" >&2; exit 1; }

# ---------------------------------------------------------------------------------------------
# jars

fetch_libs() {
  if [[ -f "$LIBS_MARKER" && -d "$LIBS_DIR" ]]; then
    return 0
  fi
  command -v "$MVN" >/dev/null 2>&1 || die "maven ('$MVN') not found; needed once to fetch Kafka $KAFKA_VERSION"
  say "fetching Kafka $KAFKA_VERSION jars from Maven Central into $LIBS_DIR ..."
  local vdir="$KAFKA_CACHE_DIR/$KAFKA_VERSION"
  local tmp="$vdir/libs.tmp.$$"
  mkdir -p "$vdir"
  rm -rf "$tmp" "$LIBS_DIR" "$LIBS_MARKER"
  local profile_args=()
  [[ "$LOGGING" == log4j2 ]] && profile_args=(-Plog4j2)
  if ! "$MVN" -B -q -Dstyle.color=never -f "$POM" "${profile_args[@]}" \
      dependency:copy-dependencies \
      -Dkafka.version="$KAFKA_VERSION" \
      -DincludeScope=runtime \
      -DoutputDirectory="$tmp" >"$vdir/mvn.log" 2>&1; then
    rm -rf "$tmp"
    sed -e 's/\x1b\[[0-9;]*m//g' "$vdir/mvn.log" | tail -n 40 >&2
    die "maven could not fetch org.apache.kafka:kafka_2.13:$KAFKA_VERSION (log: $vdir/mvn.log)"
  fi
  [[ -f "$tmp/kafka_2.13-$KAFKA_VERSION.jar" ]] || { rm -rf "$tmp"; die "kafka_2.13-$KAFKA_VERSION.jar missing after fetch"; }
  mv "$tmp" "$LIBS_DIR"
  printf 'kafka.version=%s\nlogging=%s\nfetched=%s\n' "$KAFKA_VERSION" "$LOGGING" "$(date -u +%FT%TZ)" >"$LIBS_MARKER"
  say "fetched $(ls "$LIBS_DIR" | wc -l) jars"
}

# Run a Kafka class with the cached classpath (for tools, not the broker).
run_tool() {
  local cls="$1"; shift
  "$JAVA" -Xms32m -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Djava.awt.headless=true \
    "$(log_opt "$TOOLS_LOG_CONFIG")" -cp "$LIBS_DIR/*" "$cls" "$@"
}

# ---------------------------------------------------------------------------------------------
# config

write_config() {
  mkdir -p "$CONFIG_DIR" "$DATA_DIR" "$RUN_DIR" "$LOG_DIRS" "$APP_LOG_DIR"

  cat >"$SERVER_PROPS" <<EOF
# Generated by deploy/local/kafka.sh on every start; edits are overwritten.
# KRaft node $KAFKA_NODE_ID (broker + controller) of $KAFKA_CLUSTER_SIZE, loopback only. Kafka $KAFKA_VERSION.
process.roles=broker,controller
node.id=$KAFKA_NODE_ID
controller.quorum.voters=$KAFKA_QUORUM_VOTERS
listeners=PLAINTEXT://$HOST:$KAFKA_PORT,CONTROLLER://$HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$HOST:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT

log.dirs=$LOG_DIRS

# Topics come from the project's manifest, not from producers/consumers.
auto.create.topics.enable=false
delete.topic.enable=true
num.partitions=3
default.replication.factor=$REPLICAS
min.insync.replicas=$MIN_ISR

# Internal topics: replicated like the others (one replica on a single node), fewer partitions than
# the defaults (faster first use).
offsets.topic.replication.factor=$REPLICAS
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=$REPLICAS
transaction.state.log.min.isr=$MIN_ISR
transaction.state.log.num.partitions=10

# A broker silent this long is fenced and its partitions get new leaders (broker loss).
broker.session.timeout.ms=$KAFKA_BROKER_SESSION_TIMEOUT_MS
broker.heartbeat.interval.ms=$BROKER_HEARTBEAT_MS

# No 3 s delay on the first join of every consumer group.
group.initial.rebalance.delay.ms=0

# Small segments and short retention: this is a dev box.
log.segment.bytes=16777216
log.retention.hours=24
log.retention.bytes=268435456
log.retention.check.interval.ms=60000
log.cleaner.dedupe.buffer.size=33554432

num.network.threads=3
num.io.threads=4
num.recovery.threads.per.data.dir=1
EOF
  if (( KAFKA_CLUSTER_SIZE == 1 )); then
    # The KRaft controller appends a no-op record to the metadata log whenever nothing else happened
    # for this long (default 500 ms): a write and an fsync twice a second on an idle box, about a third
    # of this broker's idle CPU (docs/benchmarks.md). A single node has no follower to show liveness to;
    # the three-node cluster keeps the default.
    echo "metadata.max.idle.interval.ms=5000" >>"$SERVER_PROPS"
  fi
  if (( KAFKA_MAJOR >= 4 )); then
    cat >>"$SERVER_PROPS" <<EOF

# Kafka 4.x share groups (KIP-932) internal topic.
share.coordinator.state.topic.replication.factor=$REPLICAS
share.coordinator.state.topic.min.isr=$MIN_ISR
EOF
  fi

  cat >"$TOOLS_CLIENT_PROPS" <<EOF
request.timeout.ms=5000
default.api.timeout.ms=10000
EOF

  if [[ "$LOGGING" == reload4j ]]; then
    cat >"$BROKER_LOG_CONFIG" <<EOF
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.RollingFileAppender
log4j.appender.file.File=$SERVER_LOG
log4j.appender.file.MaxFileSize=20MB
log4j.appender.file.MaxBackupIndex=3
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.state.change.logger=WARN
log4j.logger.kafka.request.logger=WARN
log4j.logger.kafka.authorizer.logger=WARN
log4j.logger.org.apache.kafka.storage.internals.log.LogConfig=WARN
EOF
    cat >"$TOOLS_LOG_CONFIG" <<EOF
log4j.rootLogger=WARN, stderr
log4j.appender.stderr=org.apache.log4j.ConsoleAppender
log4j.appender.stderr.Target=System.err
log4j.appender.stderr.layout=org.apache.log4j.PatternLayout
log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.org.apache.kafka.clients=ERROR
EOF
  else
    cat >"$BROKER_LOG_CONFIG" <<EOF
status = warn
name = kafka-local
appender.file.type = RollingFile
appender.file.name = FILE
appender.file.fileName = $SERVER_LOG
appender.file.filePattern = $SERVER_LOG.%i
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
appender.file.policies.type = Policies
appender.file.policies.size.type = SizeBasedTriggeringPolicy
appender.file.policies.size.size = 20MB
appender.file.strategy.type = DefaultRolloverStrategy
appender.file.strategy.max = 3
rootLogger.level = info
rootLogger.appenderRef.file.ref = FILE
logger.statechange.name = state.change.logger
logger.statechange.level = warn
logger.request.name = kafka.request.logger
logger.request.level = warn
logger.authorizer.name = kafka.authorizer.logger
logger.authorizer.level = warn
EOF
    cat >"$TOOLS_LOG_CONFIG" <<EOF
status = warn
name = kafka-local-tools
appender.err.type = Console
appender.err.name = STDERR
appender.err.target = SYSTEM_ERR
appender.err.layout.type = PatternLayout
appender.err.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = warn
rootLogger.appenderRef.err.ref = STDERR
logger.clients.name = org.apache.kafka.clients
logger.clients.level = error
EOF
  fi
}

check_data_version() {
  [[ -d "$LOG_DIRS" && -f "$LOG_DIRS/meta.properties" && -f "$VERSION_FILE" ]] || return 0
  local formatted_with
  formatted_with="$(cat "$VERSION_FILE")"
  if [[ "$formatted_with" != "$KAFKA_VERSION" ]]; then
    die "data in $DATA_DIR was created by Kafka $formatted_with, not $KAFKA_VERSION.
  Use 'KAFKA_VERSION=$formatted_with $0 ...', or '$0 reset' to delete the data,
  or a separate KAFKA_HOME_DIR for the other version."
  fi
}

format_storage() {
  if [[ -f "$LOG_DIRS/meta.properties" ]]; then
    return 0
  fi
  local cluster_id="$KAFKA_CLUSTER_ID"
  [[ -n "$cluster_id" ]] || cluster_id="$(run_tool kafka.tools.StorageTool random-uuid | tail -n 1 | tr -d '[:space:]')"
  [[ -n "$cluster_id" ]] || die "could not generate a cluster id"
  say "formatting storage in $LOG_DIRS (cluster id $cluster_id)"
  run_tool kafka.tools.StorageTool format -t "$cluster_id" -c "$SERVER_PROPS" --ignore-formatted >/dev/null \
    || die "storage format failed"
  echo "$KAFKA_VERSION" >"$VERSION_FILE"
}

# ---------------------------------------------------------------------------------------------
# process

# Prints the PID if the PID file names a live kafka.Kafka process; cleans a stale PID file.
running_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(tr -d '[:space:]' <"$PID_FILE" 2>/dev/null || true)"
  if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
    local cmdline=""
    [[ -r "/proc/$pid/cmdline" ]] && cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)"
    if [[ -z "$cmdline" || ( "$cmdline" == *kafka.Kafka* && "$cmdline" == *"$SERVER_PROPS"* ) ]]; then
      echo "$pid"
      return 0
    fi
  fi
  rm -f "$PID_FILE"
  return 1
}

port_open() {
  (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null
}

# A real metadata request (ApiVersions + Metadata via the admin client).
answers_metadata() {
  local t=(); command -v timeout >/dev/null 2>&1 && t=(timeout 30)
  "${t[@]}" "$JAVA" -Xms32m -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Djava.awt.headless=true \
    "$(log_opt "$TOOLS_LOG_CONFIG")" -cp "$LIBS_DIR/*" org.apache.kafka.tools.TopicCommand \
    --bootstrap-server "$HOST:$KAFKA_PORT" --command-config "$TOOLS_CLIENT_PROPS" --list >/dev/null 2>&1
}

is_ready() {
  port_open "$KAFKA_PORT" && answers_metadata
}

show_log_tail() {
  local n="${1:-50}"
  if [[ -s "$SERVER_LOG" ]]; then
    echo "----- last $n lines of $SERVER_LOG -----" >&2
    tail -n "$n" "$SERVER_LOG" >&2
  fi
  if [[ -s "$OUT_FILE" ]]; then
    echo "----- last $n lines of $OUT_FILE -----" >&2
    tail -n "$n" "$OUT_FILE" >&2
  fi
}

take_lock() {
  mkdir -p "$RUN_DIR"
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$LOCK_FILE"
    flock -w 180 9 || die "another kafka.sh holds $LOCK_FILE"
  fi
}

cmd_start() {
  take_lock
  local pid
  if pid="$(running_pid)"; then
    if [[ -f "$LIBS_MARKER" ]] && is_ready; then
      say "Kafka already running (pid $pid) on $HOST:$KAFKA_PORT"
      return 0
    fi
    say "Kafka process $pid exists but does not answer yet; waiting"
  else
    for p in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
      if port_open "$p"; then
        die "port $HOST:$p is already in use by another process (not the broker of $KAFKA_HOME_DIR).
  Stop it, or choose other ports with KAFKA_PORT / KAFKA_CONTROLLER_PORT."
      fi
    done
    command -v "$JAVA" >/dev/null 2>&1 || die "java not found (set JAVA_HOME); Java 17+ is needed"
    check_data_version
    fetch_libs
    write_config
    format_storage

    : >"$OUT_FILE"
    # setsid + nohup: own session, survives the calling shell; fd 9 (the lock) is not inherited.
    # shellcheck disable=SC2086
    KAFKA_JAVA="$JAVA" KAFKA_PID_FILE="$PID_FILE" KAFKA_LIBS="$LIBS_DIR" \
    KAFKA_SERVER_PROPS="$SERVER_PROPS" KAFKA_LOG_OPT="$(log_opt "$BROKER_LOG_CONFIG")" \
    KAFKA_HEAP_OPTS="$KAFKA_HEAP_OPTS" \
      setsid nohup bash -c '
        echo $$ >"$KAFKA_PID_FILE"
        exec "$KAFKA_JAVA" $KAFKA_HEAP_OPTS -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
          -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true "$KAFKA_LOG_OPT" \
          -cp "$KAFKA_LIBS/*" kafka.Kafka "$KAFKA_SERVER_PROPS"
      ' >>"$OUT_FILE" 2>&1 </dev/null 9>&- &
    local i
    for i in $(seq 1 50); do [[ -s "$PID_FILE" ]] && break; sleep 0.1; done
    pid="$(tr -d '[:space:]' <"$PID_FILE" 2>/dev/null || true)"
    [[ -n "$pid" ]] || die "broker did not start (no pid file)"
    if [[ "$KAFKA_START_WAIT" == 0 ]]; then
      say "started Kafka $KAFKA_VERSION node $KAFKA_NODE_ID (pid $pid) on $HOST:$KAFKA_PORT, not waiting"
      return 0
    fi
    say "started Kafka $KAFKA_VERSION (pid $pid), waiting for $HOST:$KAFKA_PORT ..."
  fi

  local deadline=$((SECONDS + KAFKA_START_TIMEOUT))
  while :; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "kafka.sh: broker process $pid exited during startup" >&2
      rm -f "$PID_FILE"
      show_log_tail 50
      exit 1
    fi
    if port_open "$KAFKA_PORT" && answers_metadata; then
      say "Kafka $KAFKA_VERSION ready on $HOST:$KAFKA_PORT (pid $pid, ${SECONDS}s)"
      return 0
    fi
    if (( SECONDS >= deadline )); then
      echo "kafka.sh: broker did not answer within ${KAFKA_START_TIMEOUT}s (pid $pid still running; 'kafka.sh stop' to stop it)" >&2
      show_log_tail 50
      exit 1
    fi
    sleep 0.5
  done
}

cmd_stop() {
  take_lock
  local pid
  if ! pid="$(running_pid)"; then
    say "Kafka not running"
    rm -f "$PID_FILE"
    return 0
  fi
  say "stopping Kafka (pid $pid) ..."
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + KAFKA_STOP_TIMEOUT))
  while kill -0 "$pid" 2>/dev/null; do
    if (( SECONDS >= deadline )); then
      say "still running after ${KAFKA_STOP_TIMEOUT}s, sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.5
      break
    fi
    sleep 0.2
  done
  rm -f "$PID_FILE"
  say "stopped"
}

cmd_status() {
  local pid
  if ! pid="$(running_pid)"; then
    say "stopped (home $KAFKA_HOME_DIR)"
    return 3
  fi
  if [[ -f "$LIBS_MARKER" ]] && is_ready; then
    say "running and answering: Kafka $KAFKA_VERSION, pid $pid, $HOST:$KAFKA_PORT (controller $KAFKA_CONTROLLER_PORT), home $KAFKA_HOME_DIR"
    return 0
  fi
  say "running (pid $pid) but not answering on $HOST:$KAFKA_PORT"
  return 1
}

cmd_logs() {
  local follow=0 n=100
  for a in "$@"; do
    case "$a" in
      -f|--follow) follow=1 ;;
      ''|*[!0-9]*) die "usage: kafka.sh logs [-f] [lines]" ;;
      *) n="$a" ;;
    esac
  done
  [[ -f "$SERVER_LOG" ]] || die "no log yet at $SERVER_LOG"
  if (( follow )); then exec tail -n "$n" -F "$SERVER_LOG"; fi
  tail -n "$n" "$SERVER_LOG"
}

cmd_reset() {
  cmd_stop
  say "deleting $DATA_DIR $CONFIG_DIR"
  rm -rf "$DATA_DIR" "$CONFIG_DIR"
}

cmd_topics() {
  fetch_libs
  [[ -f "$TOOLS_LOG_CONFIG" ]] || write_config
  run_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$HOST:$KAFKA_PORT" "$@"
}

cmd_tool() {
  [[ $# -ge 1 ]] || die "usage: kafka.sh tool <main class> [args...]"
  fetch_libs
  [[ -f "$TOOLS_LOG_CONFIG" ]] || write_config
  run_tool "$@"
}

cmd_kill() {
  local pid
  if ! pid="$(running_pid)"; then
    say "Kafka not running"
    return 0
  fi
  kill -KILL "$pid" 2>/dev/null || true
  local i
  for i in $(seq 1 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  rm -f "$PID_FILE"
  say "killed node $KAFKA_NODE_ID (pid $pid)"
}

# ---------------------------------------------------------------------------------------------
# three-broker cluster: every node is this script with its own home, ports and node id

CLUSTER_SIZE="${KAFKA_CLUSTER_NODES:-3}"
cluster_list() { # $1: comma list or empty, $2: default base port
  local list="$1" base="$2" i out=()
  if [[ -n "$list" ]]; then echo "$list"; return; fi
  for ((i = 0; i < CLUSTER_SIZE; i++)); do out+=("$((base + 2 * i))"); done
  (IFS=,; echo "${out[*]}")
}

# Runs "$0 <cmd>" for node $1 with that node's environment.
on_node() {
  local id="$1"; shift
  local ports controllers voters=() i
  IFS=, read -r -a ports <<<"$(cluster_list "${KAFKA_CLUSTER_PORTS:-}" 19092)"
  IFS=, read -r -a controllers <<<"$(cluster_list "${KAFKA_CLUSTER_CONTROLLER_PORTS:-}" 19093)"
  (( ${#ports[@]} == ${#controllers[@]} )) || die "KAFKA_CLUSTER_PORTS and KAFKA_CLUSTER_CONTROLLER_PORTS differ in length"
  (( id >= 1 && id <= ${#ports[@]} )) || die "no node $id (nodes 1-${#ports[@]})"
  for ((i = 0; i < ${#ports[@]}; i++)); do voters+=("$((i + 1))@$HOST:${controllers[$i]}"); done
  local cluster_id_file="$KAFKA_HOME_DIR/cluster.id"
  if [[ ! -s "$cluster_id_file" ]]; then
    fetch_libs
    mkdir -p "$CONFIG_DIR"; [[ -f "$TOOLS_LOG_CONFIG" ]] || write_config
    run_tool kafka.tools.StorageTool random-uuid | tail -n 1 | tr -d '[:space:]' >"$cluster_id_file"
  fi
  KAFKA_HOME_DIR="$KAFKA_HOME_DIR/node-$id" KAFKA_CACHE_DIR="$KAFKA_CACHE_DIR" \
  KAFKA_PORT="${ports[$((id - 1))]}" KAFKA_CONTROLLER_PORT="${controllers[$((id - 1))]}" \
  KAFKA_NODE_ID="$id" KAFKA_QUORUM_VOTERS="$(IFS=,; echo "${voters[*]}")" \
  KAFKA_CLUSTER_ID="$(cat "$cluster_id_file")" KAFKA_CLUSTER_SIZE="${#ports[@]}" \
  KAFKA_HEAP_OPTS="${KAFKA_NODE_HEAP_OPTS:--Xms128m -Xmx384m}" \
    bash "$SCRIPT_DIR/kafka.sh" "$@"
}

cluster_brokers() {
  local ports out=() p
  IFS=, read -r -a ports <<<"$(cluster_list "${KAFKA_CLUSTER_PORTS:-}" 19092)"
  for p in "${ports[@]}"; do out+=("$HOST:$p"); done
  (IFS=,; echo "${out[*]}")
}

cluster_ids() {
  local ports
  IFS=, read -r -a ports <<<"$(cluster_list "${KAFKA_CLUSTER_PORTS:-}" 19092)"
  seq 1 "${#ports[@]}"
}

cmd_start_cluster() {
  fetch_libs
  local id
  # A node answers only once a majority of the quorum is up: start every JVM first, then wait.
  for id in $(cluster_ids); do KAFKA_START_WAIT=0 on_node "$id" start; done
  for id in $(cluster_ids); do on_node "$id" start; done
  say "cluster ready: KAFKA_BROKERS=$(cluster_brokers) (use KAFKA_REPLICATION_FACTOR=3)"
}

cmd_cluster_each() {
  local id rc=0
  for id in $(cluster_ids); do on_node "$id" "$@" || rc=$?; done
  return "$rc"
}

# All at once: a node stopped last would wait for a quorum that is gone.
cmd_stop_cluster() {
  local id
  for id in $(cluster_ids); do on_node "$id" stop & done
  wait
}

usage() {
  sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'
}

main() {
  local cmd="${1:-}"
  [[ $# -gt 0 ]] && shift
  case "$cmd" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    restart) cmd_stop; cmd_start ;;
    status) cmd_status ;;
    logs) cmd_logs "$@" ;;
    reset) cmd_reset ;;
    topics) cmd_topics "$@" ;;
    tool) cmd_tool "$@" ;;
    fetch) fetch_libs ;;
    kill) cmd_kill ;;
    start-cluster) cmd_start_cluster ;;
    stop-cluster) cmd_stop_cluster ;;
    status-cluster) cmd_cluster_each status ;;
    reset-cluster) cmd_cluster_each reset; rm -f "$KAFKA_HOME_DIR/cluster.id" ;;
    brokers-cluster) cluster_brokers ;;
    node) [[ $# -ge 2 ]] || die "usage: kafka.sh node <id> <start|stop|status|logs|kill|reset>"; on_node "$@" ;;
    -h|--help|help) usage ;;
    *) usage >&2; exit 2 ;;
  esac
}

main "$@"
