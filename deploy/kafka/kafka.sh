#!/usr/bin/env bash
# Fetch, start and stop a throwaway single-node Apache Kafka 4.x broker
# (KRaft, combined broker+controller) built from Maven Central jars.
#
# The only line `start` prints on stdout is the bootstrap address; every
# diagnostic goes to stderr so callers can do ADDR=$(kafka.sh start).
# Run `kafka.sh --help` for details.
set -euo pipefail

KAFKA_VERSION="${BACKCHANNEL_KAFKA_VERSION:-4.1.1}"
SCALA_BINARY="2.13"
KAFKA_CACHE_ROOT="${BACKCHANNEL_KAFKA_HOME:-$HOME/.cache/backchannel/kafka}"
VERSION_DIR="$KAFKA_CACHE_ROOT/$KAFKA_VERSION"
LIBS_DIR="$VERSION_DIR/libs"
LIBS_MARKER="$LIBS_DIR/.complete"
LAST_DIR_FILE="$KAFKA_CACHE_ROOT/last-run-dir"
START_TIMEOUT="${BACKCHANNEL_KAFKA_START_TIMEOUT:-60}"
STOP_GRACE_SECONDS=10
NODE_ID=1
# Pinned so Maven never has to guess (and warn about) the plugin version.
DEPENDENCY_PLUGIN="org.apache.maven.plugins:maven-dependency-plugin:3.8.1"
# Used only if the Kafka POMs stop pulling log4j-core in transitively.
FALLBACK_LOG4J_VERSION="2.24.3"
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"

log() { printf 'kafka.sh: %s\n' "$*" >&2; }
die() {
    printf 'kafka.sh: error: %s\n' "$*" >&2
    exit 1
}

usage() {
    cat <<EOF
Usage: kafka.sh <command> [options]

Runs a real single-node Apache Kafka ${KAFKA_VERSION%%.*}.x broker (KRaft mode, one
process acting as broker and controller) for local development and tests.
The broker is assembled from Maven Central jars; no tarball download needed.

Commands:
  fetch                 Download org.apache.kafka:kafka_${SCALA_BINARY}:\$VERSION, its
                        runtime dependencies and a log4j2 SLF4J binding into
                        \$BACKCHANNEL_KAFKA_HOME/\$VERSION/libs using Maven.
                        Skipped if already complete.
  start [--port N] [--dir DIR] [--watch-pid PID]
                        Start a broker. Picks free 127.0.0.1 ports unless --port
                        is given (the controller port is always picked). DIR
                        (default: a new mktemp -d) receives server.properties,
                        log4j2.properties, data/, kafka.log, kafka.pid and
                        broker.addr. Runs 'fetch' first if needed. Waits up to
                        \$BACKCHANNEL_KAFKA_START_TIMEOUT s (default 60) for the
                        broker to answer metadata requests, then prints exactly
                        one line, 127.0.0.1:PORT, on stdout. Everything else
                        (including the DIR path) goes to stderr.
                        --watch-pid PID stops the broker when PID exits, so a
                        crashed test run does not leak a JVM.
                        Restarting in an existing DIR reuses its data.
  stop [--dir DIR]      Stop the broker in DIR (default: the last DIR started,
                        recorded in \$BACKCHANNEL_KAFKA_HOME/last-run-dir):
                        SIGTERM, then SIGKILL after ${STOP_GRACE_SECONDS} s. No-op if not running.
  -h, --help            Show this help.

Environment:
  BACKCHANNEL_KAFKA_VERSION   Kafka version (default 4.1.1; any 4.x on Maven Central)
  BACKCHANNEL_KAFKA_HOME      jar cache root (default ~/.cache/backchannel/kafka)
  BACKCHANNEL_KAFKA_START_TIMEOUT  seconds to wait for readiness (default 60)
  BACKCHANNEL_KAFKA_JAVA_OPTS extra JVM options for the broker
  BACKCHANNEL_PYTHON          Python used for the readiness probe (default:
                              repo .venv/bin/python, then python3)
  BACKCHANNEL_KAFKA_PROBE     readiness probe: aiokafka (metadata request),
                              kcat ('kcat -L' lists broker 1) or port (port
                              open + 3 s grace). Default: first one available.
  JAVA_HOME                   honoured if set

Requirements: Java 17+ (java on PATH or JAVA_HOME), Maven 3 (fetch only).

Examples:
  bash deploy/kafka/kafka.sh fetch
  ADDR=\$(bash deploy/kafka/kafka.sh start --dir /tmp/kafka-dev)
  bash deploy/kafka/kafka.sh stop --dir /tmp/kafka-dev
EOF
}

# ---------------------------------------------------------------- helpers --

java_bin() {
    if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
        printf '%s\n' "$JAVA_HOME/bin/java"
    elif command -v java >/dev/null 2>&1; then
        command -v java
    else
        return 1
    fi
}

# Kafka 4.x brokers need Java 17+; fail early with a readable message rather
# than an UnsupportedClassVersionError buried in the broker log.
require_java() {
    local java version_line major
    java="$(java_bin)" || die "Java not found: install Java 17+ (e.g. apt-get install openjdk-17-jre-headless) or set JAVA_HOME"
    version_line="$("$java" -version 2>&1 | head -n 1)"
    major="$(sed -E 's/.*version "([0-9]+)(\.([0-9]+))?.*/\1 \3/' <<<"$version_line")"
    if [[ "${major%% *}" == "1" ]]; then major="${major#* }"; else major="${major%% *}"; fi
    if ! [[ "$major" =~ ^[0-9]+$ ]] || ((major < 17)); then
        die "Kafka $KAFKA_VERSION needs Java 17+, found: $version_line ($java)"
    fi
    JAVA="$java"
}

libs_present() { [[ -f "$LIBS_MARKER" ]]; }

kafka_java() { "$JAVA" -cp "$LIBS_DIR/*" "$@"; }

pick_python() {
    local candidate
    for candidate in "${BACKCHANNEL_PYTHON:-}" "$REPO_ROOT/.venv/bin/python" python3; do
        [[ -n "$candidate" ]] || continue
        if command -v "$candidate" >/dev/null 2>&1; then
            printf '%s\n' "$candidate"
            return 0
        fi
    done
    return 1
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Prints N distinct free TCP ports on 127.0.0.1. The sockets are held open
# together so the same port cannot be handed out twice.
free_ports() {
    local count="$1" py
    if py="$(pick_python)"; then
        "$py" - "$count" <<'PY'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
for s in socks:
    s.close()
PY
        return
    fi
    local ports=() port
    while ((${#ports[@]} < count)); do
        port=$((20000 + RANDOM % 40000))
        if ! port_open "$port" && [[ " ${ports[*]-} " != *" $port "* ]]; then
            ports+=("$port")
        fi
    done
    printf '%s\n' "${ports[*]}"
}

# ------------------------------------------------------------------ fetch --

write_pom() {
    cat >"$1" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<!-- Generated by deploy/kafka/kafka.sh; only used to resolve jars. -->
<project xmlns="http://maven.apache.org/POM/4.0.0"
         xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
         xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 http://maven.apache.org/xsd/maven-4.0.0.xsd">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.backchannel</groupId>
  <artifactId>kafka-broker-runtime</artifactId>
  <version>${KAFKA_VERSION}</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka_${SCALA_BINARY}</artifactId>
      <version>${KAFKA_VERSION}</version>
    </dependency>
  </dependencies>
</project>
EOF
}

# Maven on stderr (stdout is reserved for start's address), without the ANSI
# resets it emits even in batch mode. -U retries artifacts whose earlier
# download failed instead of trusting Maven's cached "not found".
run_mvn() {
    mvn -q -B -U -Dstyle.color=never "$@" 2>&1 | sed 's/\x1b\[[0-9;]*m//g' >&2
}

jar_version() {
    # jar_version DIR ARTIFACT -> version of DIR/ARTIFACT-<version>.jar
    local jar
    jar="$(find "$1" -maxdepth 1 -name "$2-[0-9]*.jar" -printf '%f\n' | head -n 1)"
    [[ -n "$jar" ]] || return 1
    jar="${jar#"$2"-}"
    printf '%s\n' "${jar%.jar}"
}

cmd_fetch() {
    if libs_present; then
        log "Kafka $KAFKA_VERSION jars already in $LIBS_DIR"
        return 0
    fi
    require_java
    command -v mvn >/dev/null 2>&1 ||
        die "Maven (mvn) not found and Kafka $KAFKA_VERSION jars are not cached in $LIBS_DIR: install Maven (apt-get install maven) and run: bash deploy/kafka/kafka.sh fetch"

    local build="$VERSION_DIR/build" staging="$VERSION_DIR/libs.partial"
    mkdir -p "$build"
    rm -rf "$staging"
    mkdir -p "$staging"
    write_pom "$build/pom.xml"

    log "resolving org.apache.kafka:kafka_${SCALA_BINARY}:$KAFKA_VERSION and runtime dependencies with Maven (first run downloads ~30 MB)"
    run_mvn -f "$build/pom.xml" "$DEPENDENCY_PLUGIN:copy-dependencies" \
        -DincludeScope=runtime -DoutputDirectory="$staging" >&2 ||
        die "Maven could not resolve org.apache.kafka:kafka_${SCALA_BINARY}:$KAFKA_VERSION (does that version exist on Maven Central?)"

    # Kafka's POMs bring log4j-api/log4j-core but not the SLF4J->log4j2 bridge
    # (the distribution tarball adds it). Without it SLF4J falls back to a
    # no-op logger and the broker logs nothing. The bridge must match the
    # slf4j-api major version Kafka resolves: 1.x -> log4j-slf4j-impl,
    # 2.x -> log4j-slf4j2-impl.
    local log4j_version slf4j_version binding artifacts=()
    slf4j_version="$(jar_version "$staging" slf4j-api)" || die "slf4j-api missing from resolved Kafka dependencies"
    if log4j_version="$(jar_version "$staging" log4j-core)"; then
        :
    else
        log4j_version="$FALLBACK_LOG4J_VERSION"
        artifacts+=("org.apache.logging.log4j:log4j-api:$log4j_version" "org.apache.logging.log4j:log4j-core:$log4j_version")
    fi
    if [[ "$slf4j_version" == 1.* ]]; then binding="log4j-slf4j-impl"; else binding="log4j-slf4j2-impl"; fi
    artifacts+=("org.apache.logging.log4j:$binding:$log4j_version")
    local artifact
    for artifact in "${artifacts[@]}"; do
        log "adding $artifact (slf4j-api $slf4j_version)"
        run_mvn -f "$build/pom.xml" "$DEPENDENCY_PLUGIN:copy" \
            -Dartifact="$artifact" -DoutputDirectory="$staging" >&2 ||
            die "Maven could not fetch $artifact"
    done

    # Smoke test: the two entry points start() relies on must load.
    local uuid
    uuid="$("$JAVA" -cp "$staging/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)" || true
    [[ "$uuid" =~ ^[A-Za-z0-9_-]{22}$ ]] ||
        die "kafka.tools.StorageTool did not run from $staging (got: '$uuid')"
    "$JAVA" -cp "$staging/*" -Dlog4j2.level=OFF kafka.Kafka --version >/dev/null 2>&1 ||
        die "kafka.Kafka main class did not run from $staging"

    rm -rf "$LIBS_DIR"
    mv "$staging" "$LIBS_DIR"
    touch "$LIBS_MARKER"
    log "Kafka $KAFKA_VERSION ready: $(find "$LIBS_DIR" -name '*.jar' | wc -l) jars in $LIBS_DIR"
}

# ------------------------------------------------------------------ start --

write_server_properties() {
    local dir="$1" port="$2" cport="$3"
    cat >"$dir/server.properties" <<EOF
# Generated by deploy/kafka/kafka.sh: single-node KRaft broker for dev/tests.
process.roles=broker,controller
node.id=$NODE_ID
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$port
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
controller.quorum.bootstrap.servers=127.0.0.1:$cport
log.dirs=$dir/data
num.partitions=4
default.replication.factor=1
auto.create.topics.enable=true
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
EOF
}

write_log4j2_config() {
    # Console appender; the broker's stdout/stderr are redirected to
    # DIR/kafka.log. SYSTEM_ERR keeps StorageTool's stdout clean.
    cat >"$1/log4j2.properties" <<'EOF'
status = warn
name = backchannel-kafka
# Console appenders flush per event; the hook only adds a spurious warning
# ("Unable to register Log4j shutdown hook") when the JVM stops.
shutdownHook = disable
appender.console.type = Console
appender.console.name = STDERR
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.console.ref = STDERR
# One INFO line on startup/shutdown makes kafka.log useful for debugging.
logger.raftserver.name = kafka.server.KafkaRaftServer
logger.raftserver.level = INFO
EOF
}

# True if PID is a live kafka.Kafka JVM (guards against recycled pids).
broker_alive() {
    local pid="$1"
    [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null &&
        tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'kafka\.Kafka'
}

read_pid() { [[ -f "$1" ]] && tr -dc '0-9' <"$1" || true; }

# Picks how readiness is checked, once: aiokafka (real metadata request) if
# importable, else kcat -L, else a bare port check.
choose_probe() {
    local py=""
    READY_PROBE="${BACKCHANNEL_KAFKA_PROBE:-}"
    if [[ -z "$READY_PROBE" || "$READY_PROBE" == "aiokafka" ]]; then
        if py="$(pick_python)" && "$py" -c 'import aiokafka' 2>/dev/null; then
            READY_PROBE="aiokafka"
            PROBE_PY="$py"
            return 0
        fi
        [[ -z "$READY_PROBE" ]] || die "BACKCHANNEL_KAFKA_PROBE=aiokafka but no Python with aiokafka found"
    fi
    if [[ -z "$READY_PROBE" || "$READY_PROBE" == "kcat" ]]; then
        if command -v kcat >/dev/null 2>&1; then
            READY_PROBE="kcat"
            return 0
        fi
        [[ -z "$READY_PROBE" ]] || die "BACKCHANNEL_KAFKA_PROBE=kcat but kcat is not installed"
    fi
    [[ -z "$READY_PROBE" || "$READY_PROBE" == "port" ]] || die "unknown BACKCHANNEL_KAFKA_PROBE: $READY_PROBE (aiokafka, kcat or port)"
    READY_PROBE="port"
}

# 0 when the broker answers a metadata request listing at least one broker.
broker_ready() {
    local addr="$1" port="${1##*:}" metadata
    port_open "$port" || return 1
    case "$READY_PROBE" in
        aiokafka)
            "$PROBE_PY" - "$addr" >/dev/null 2>&1 <<'PY'
import asyncio, logging, sys
from aiokafka import AIOKafkaClient

logging.disable(logging.CRITICAL)

async def probe(addr: str) -> bool:
    client = AIOKafkaClient(bootstrap_servers=addr, request_timeout_ms=3000)
    try:
        await asyncio.wait_for(client.bootstrap(), 5)
        metadata = await asyncio.wait_for(client.fetch_all_metadata(), 5)
        return bool(metadata.brokers())
    finally:
        await client.close()

sys.exit(0 if asyncio.run(probe(sys.argv[1])) else 1)
PY
            ;;
        kcat)
            # Not piped into grep -q: with pipefail kcat's SIGPIPE would fail it.
            metadata="$(kcat -b "$addr" -L -m 3 2>/dev/null)" || return 1
            [[ "$metadata" == *" broker $NODE_ID at "* ]]
            ;;
        port)
            # No client available: the port is open; give the broker a moment
            # to finish registering with its own controller.
            sleep 3
            ;;
    esac
}

fail_start() {
    local dir="$1" msg="$2"
    log "$msg"
    if [[ -f "$dir/kafka.log" ]]; then
        log "last lines of $dir/kafka.log:"
        tail -n 40 "$dir/kafka.log" >&2 || true
    fi
    stop_dir "$dir" >/dev/null 2>&1 || true
    exit 1
}

cmd_start() {
    local port="" dir="" watch_pid=""
    while (($#)); do
        case "$1" in
            --port) port="${2:?--port needs a value}"; shift 2 ;;
            --port=*) port="${1#*=}"; shift ;;
            --dir) dir="${2:?--dir needs a value}"; shift 2 ;;
            --dir=*) dir="${1#*=}"; shift ;;
            --watch-pid) watch_pid="${2:?--watch-pid needs a value}"; shift 2 ;;
            --watch-pid=*) watch_pid="${1#*=}"; shift ;;
            -h | --help) usage; exit 0 ;;
            *) die "unknown start option: $1 (see --help)" ;;
        esac
    done
    [[ -z "$port" || "$port" =~ ^[0-9]+$ ]] || die "--port must be a number, got '$port'"

    require_java
    libs_present || cmd_fetch

    if [[ -z "$dir" ]]; then
        dir="$(mktemp -d "${TMPDIR:-/tmp}/backchannel-kafka.XXXXXX")"
    fi
    mkdir -p "$dir"
    dir="$(cd "$dir" && pwd)"
    local pidfile="$dir/kafka.pid"
    if broker_alive "$(read_pid "$pidfile")"; then
        die "a broker is already running from $dir (pid $(read_pid "$pidfile")); stop it first"
    fi
    log "broker dir: $dir"
    mkdir -p "$KAFKA_CACHE_ROOT"
    printf '%s\n' "$dir" >"$LAST_DIR_FILE"

    local ports cport="" old_listeners
    # Restarting over existing data: keep the previous ports when free. The
    # controller endpoint is recorded in the KRaft voter set at format time.
    if [[ -f "$dir/data/meta.properties" && -f "$dir/server.properties" ]]; then
        old_listeners="$(sed -n 's/^listeners=//p' "$dir/server.properties")"
        if [[ "$old_listeners" =~ PLAINTEXT://127\.0\.0\.1:([0-9]+),CONTROLLER://127\.0\.0\.1:([0-9]+) ]]; then
            if ! port_open "${BASH_REMATCH[2]}"; then cport="${BASH_REMATCH[2]}"; fi
            if [[ -z "$port" ]] && ! port_open "${BASH_REMATCH[1]}"; then port="${BASH_REMATCH[1]}"; fi
        fi
    fi
    if [[ -n "$cport" ]]; then
        [[ -n "$port" ]] || port="$(free_ports 1)"
        if port_open "$port"; then die "port $port on 127.0.0.1 is already in use"; fi
    elif [[ -z "$port" ]]; then
        ports="$(free_ports 2)"
        port="${ports%% *}"
        cport="${ports##* }"
    else
        if port_open "$port"; then die "port $port on 127.0.0.1 is already in use"; fi
        cport="$(free_ports 1)"
        [[ "$cport" != "$port" ]] || cport="$(free_ports 1)"
    fi
    local addr="127.0.0.1:$port"
    rm -f "$dir/broker.addr"
    write_server_properties "$dir" "$port" "$cport"
    write_log4j2_config "$dir"
    local log4j_opt="-Dlog4j2.configurationFile=$dir/log4j2.properties"

    if [[ -f "$dir/data/meta.properties" ]]; then
        log "reusing formatted storage in $dir/data"
    else
        local cluster_id
        cluster_id="$(kafka_java "$log4j_opt" kafka.tools.StorageTool random-uuid 2>>"$dir/kafka.log" | tail -n 1)" ||
            fail_start "$dir" "StorageTool random-uuid failed"
        kafka_java "$log4j_opt" kafka.tools.StorageTool format --standalone \
            -t "$cluster_id" -c "$dir/server.properties" >>"$dir/kafka.log" 2>&1 ||
            fail_start "$dir" "StorageTool format failed"
        log "formatted storage (cluster id $cluster_id)"
    fi

    local java_opts=(-Xms256m -Xmx512m -XX:+UseG1GC -Djava.awt.headless=true "$log4j_opt")
    if [[ -n "${BACKCHANNEL_KAFKA_JAVA_OPTS:-}" ]]; then
        # shellcheck disable=SC2206  # word splitting intended
        java_opts+=($BACKCHANNEL_KAFKA_JAVA_OPTS)
    fi
    local started_at=$SECONDS
    nohup "$JAVA" "${java_opts[@]}" -cp "$LIBS_DIR/*" kafka.Kafka "$dir/server.properties" \
        </dev/null >>"$dir/kafka.log" 2>&1 &
    local pid=$!
    printf '%s\n' "$pid" >"$pidfile"
    log "started kafka.Kafka $KAFKA_VERSION (pid $pid) on $addr, controller 127.0.0.1:$cport"

    if [[ -n "$watch_pid" ]]; then
        (
            while kill -0 "$watch_pid" 2>/dev/null && kill -0 "$pid" 2>/dev/null; do sleep 2; done
            if kill -0 "$pid" 2>/dev/null; then
                kill -TERM "$pid" 2>/dev/null || true
                sleep "$STOP_GRACE_SECONDS"
                kill -KILL "$pid" 2>/dev/null || true
            fi
        ) </dev/null >/dev/null 2>&1 &
        printf '%s\n' "$!" >"$dir/watchdog.pid"
    fi

    choose_probe
    local deadline=$((SECONDS + START_TIMEOUT))
    until broker_ready "$addr"; do
        # kill -0 only: right after the fork /proc/PID/cmdline may not show java yet.
        kill -0 "$pid" 2>/dev/null || fail_start "$dir" "broker process $pid exited during startup"
        ((SECONDS < deadline)) || fail_start "$dir" "broker did not answer metadata on $addr within ${START_TIMEOUT}s"
        sleep 0.5
    done
    printf '%s\n' "$addr" >"$dir/broker.addr"
    log "broker ready on $addr after $((SECONDS - started_at))s (probe: $READY_PROBE); stop with: bash $SCRIPT_DIR/kafka.sh stop --dir $dir"
    printf '%s\n' "$addr"
}

# ------------------------------------------------------------------- stop --

stop_dir() {
    local dir="$1" pidfile="$1/kafka.pid" pid watchdog
    watchdog="$(read_pid "$dir/watchdog.pid")"
    if [[ -n "$watchdog" ]]; then
        kill "$watchdog" 2>/dev/null || true
        rm -f "$dir/watchdog.pid"
    fi
    pid="$(read_pid "$pidfile")"
    if ! broker_alive "$pid"; then
        rm -f "$pidfile"
        log "no broker running in $dir"
        return 0
    fi
    kill -TERM "$pid" 2>/dev/null || true
    local waited=0
    while broker_alive "$pid" && ((waited < STOP_GRACE_SECONDS * 10)); do
        sleep 0.1
        waited=$((waited + 1))
    done
    if broker_alive "$pid"; then
        log "broker $pid ignored SIGTERM for ${STOP_GRACE_SECONDS}s, sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
    log "stopped broker $pid ($dir)"
}

cmd_stop() {
    local dir=""
    while (($#)); do
        case "$1" in
            --dir) dir="${2:?--dir needs a value}"; shift 2 ;;
            --dir=*) dir="${1#*=}"; shift ;;
            -h | --help) usage; exit 0 ;;
            *) die "unknown stop option: $1 (see --help)" ;;
        esac
    done
    if [[ -z "$dir" ]]; then
        [[ -f "$LAST_DIR_FILE" ]] || { log "no --dir given and no previous start recorded; nothing to stop"; return 0; }
        dir="$(<"$LAST_DIR_FILE")"
    fi
    [[ -d "$dir" ]] || { log "$dir does not exist; nothing to stop"; return 0; }
    stop_dir "$dir"
}

main() {
    local cmd="${1:-}"
    (($#)) && shift
    case "$cmd" in
        fetch) cmd_fetch "$@" ;;
        start) cmd_start "$@" ;;
        stop) cmd_stop "$@" ;;
        -h | --help | help) usage ;;
        "") usage >&2; exit 2 ;;
        *) log "unknown command: $cmd"; usage >&2; exit 2 ;;
    esac
}

main "$@"
