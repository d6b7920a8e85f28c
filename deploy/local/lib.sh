# shellcheck shell=bash disable=SC2034 # variables here are used by the scripts that source this file
# Shared by deploy/local/stack.sh and deploy/local/prereqs.sh (sourced, never run): paths, endpoints,
# logging, JDK selection, apt, ports, PID files and the install steps both scripts need.

LOCAL_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$LOCAL_DIR/../.." && pwd)"
STATE="$ROOT/.local"
PIDS="$STATE/pids"
LOGS="$STATE/logs"

# ---------------------------------------------------------------------------------------------------
# Endpoints. A variable left unset, or set to its default, means "the local one" (started here when
# nothing answers). Any other value means the user's own server: never started or stopped here, only
# checked for reachability.

DEFAULT_KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:9092
DEFAULT_POSTGRES_URL=postgresql://127.0.0.1:5432/switchboard
DEFAULT_REDIS_URL=redis://127.0.0.1:6379
DEFAULT_CLICKHOUSE_URL=http://127.0.0.1:8123

# A trailing slash does not make a URL "another server".
KAFKA_BOOTSTRAP_SERVERS="${KAFKA_BOOTSTRAP_SERVERS:-$DEFAULT_KAFKA_BOOTSTRAP_SERVERS}"
POSTGRES_URL="${POSTGRES_URL:-$DEFAULT_POSTGRES_URL}"
POSTGRES_USER="${POSTGRES_USER:-switchboard}"
POSTGRES_PASSWORD="${POSTGRES_PASSWORD:-switchboard}"
REDIS_URL="${REDIS_URL:-$DEFAULT_REDIS_URL}"
REDIS_URL="${REDIS_URL%/}"
CLICKHOUSE_URL="${CLICKHOUSE_URL:-$DEFAULT_CLICKHOUSE_URL}"
CLICKHOUSE_URL="${CLICKHOUSE_URL%/}"

KAFKA_CONTROLLER_PORT=9093
KAFKA_TOPICS=(switchboard.usage.v1 switchboard.charges.v1 switchboard.provider-health.v1 switchboard.key-events.v1)
KAFKA_TOPIC_PARTITIONS=3

# external COMPONENT → 0 when the user configured their own server for it.
external() {
  case "$1" in
    kafka) [[ "$KAFKA_BOOTSTRAP_SERVERS" != "$DEFAULT_KAFKA_BOOTSTRAP_SERVERS" ]] ;;
    postgres) [[ "$POSTGRES_URL" != "$DEFAULT_POSTGRES_URL" ]] ;;
    redis) [[ "$REDIS_URL" != "$DEFAULT_REDIS_URL" ]] ;;
    clickhouse) [[ "$CLICKHOUSE_URL" != "$DEFAULT_CLICKHOUSE_URL" ]] ;;
    *) return 1 ;;
  esac
}

# parse_url URL DEFAULT_PORT → sets URL_HOST, URL_PORT, URL_PATH (no leading slash).
# Accepts scheme://[user[:pass]@]host[:port][/path][?query] and plain host:port (Kafka), IPv6 in [].
parse_url() {
  local url="$1" default_port="$2" rest hostport
  rest="${url#*://}"
  rest="${rest##*@}"
  hostport="${rest%%[/?]*}"
  URL_PATH=""
  if [[ "$rest" == */* ]]; then
    URL_PATH="${rest#*/}"
    URL_PATH="${URL_PATH%%\?*}"
  fi
  if [[ "$hostport" == \[*\]* ]]; then
    URL_HOST="${hostport%%]*}"
    URL_HOST="${URL_HOST#[}"
    URL_PORT="${hostport##*]}"
    URL_PORT="${URL_PORT#:}"
  elif [[ "$hostport" == *:* ]]; then
    URL_HOST="${hostport%%:*}"
    URL_PORT="${hostport##*:}"
  else
    URL_HOST="$hostport"
    URL_PORT=""
  fi
  [[ -n "$URL_PORT" ]] || URL_PORT="$default_port"
}

# endpoint COMPONENT → sets URL_HOST/URL_PORT/URL_PATH for its configured endpoint.
endpoint() {
  case "$1" in
    kafka) parse_url "${KAFKA_BOOTSTRAP_SERVERS%%,*}" 9092 ;;
    postgres) parse_url "$POSTGRES_URL" 5432 ;;
    redis) parse_url "$REDIS_URL" 6379 ;;
    clickhouse)
      if [[ "$CLICKHOUSE_URL" == https://* ]]; then parse_url "$CLICKHOUSE_URL" 8443; else parse_url "$CLICKHOUSE_URL" 8123; fi ;;
  esac
}

# ---------------------------------------------------------------------------------------------------
# Output

say() { # say COMPONENT MESSAGE...
  local c="$1"
  shift
  printf '==> %s: %s\n' "$c" "$*"
}

die() { # die COMPONENT MESSAGE...
  local c="$1"
  shift
  printf '==> %s: ERROR: %s\n' "$c" "$*" >&2
  exit 1
}

now() { date +%s.%N; }

since() { # since START → "3.1 s"
  awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f s", b - a }'
}

rel() { # path relative to the repo root, for messages
  local p="$1"
  echo "${p#"$ROOT"/}"
}

# ---------------------------------------------------------------------------------------------------
# Ports and processes

port_open() { # port_open HOST PORT
  (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

# wait_for TIMEOUT_S PID CHECK_COMMAND... → 0 when the check passes; 1 on timeout; 2 when PID died.
wait_for() {
  local timeout="$1" pid="$2" deadline
  shift 2
  deadline=$(($(date +%s) + timeout))
  while :; do
    if "$@"; then return 0; fi
    if [[ -n "$pid" ]] && ! kill -0 "$pid" 2>/dev/null; then return 2; fi
    if (($(date +%s) >= deadline)); then return 1; fi
    sleep 0.1
  done
}

pid_file() { echo "$PIDS/$1.pid"; }

# running_pid NAME MARKER → prints the PID from .local/pids/NAME.pid when that process is alive and its
# command line contains MARKER (so a PID reused by an unrelated process is never taken for ours).
running_pid() {
  local f pid
  f="$(pid_file "$1")"
  [[ -s "$f" ]] || return 1
  pid="$(tr -dc '0-9' <"$f")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$2" || return 1
  echo "$pid"
}

# stop_pid NAME MARKER TIMEOUT_S → SIGTERM the process from the PID file, wait; SIGKILL after TIMEOUT_S.
stop_pid() {
  local name="$1" marker="$2" timeout="$3" pid t0 deadline
  if ! pid="$(running_pid "$name" "$marker")"; then
    if [[ -e "$(pid_file "$name")" ]]; then
      rm -f "$(pid_file "$name")"
      say "$name" "not running (stale PID file removed)"
    else
      say "$name" "not running"
    fi
    return 0
  fi
  t0="$(now)"
  say "$name" "stopping (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$(($(date +%s) + timeout))
  while kill -0 "$pid" 2>/dev/null; do
    if (($(date +%s) >= deadline)); then
      say "$name" "still running after ${timeout} s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    sleep 0.1
  done
  rm -f "$(pid_file "$name")"
  say "$name" "stopped ($(since "$t0"))"
}

# ---------------------------------------------------------------------------------------------------
# Packages

APT_UPDATED=0
apt_install() { # apt_install PACKAGE...
  local sudo=()
  if ((EUID != 0)); then
    command -v sudo >/dev/null || die apt "need root (or sudo) to install: $*"
    sudo=(sudo -n)
  fi
  if ((APT_UPDATED == 0)); then
    say apt "apt-get update"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null || die apt "apt-get update failed"
    APT_UPDATED=1
  fi
  say apt "installing $*"
  # 9>&-: services a package starts must not inherit stack.sh's lock.
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null 9>&- ||
    die apt "apt-get install $* failed"
}

# ---------------------------------------------------------------------------------------------------
# JDK: JAVA_HOME when it is a JDK >= 21, otherwise the newest JDK >= 21 under /usr/lib/jvm.

JAVA_MIN=21

jdk_major() { # jdk_major DIR → major version, or nothing
  local v=""
  if [[ -r "$1/release" ]]; then
    v="$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$1/release")"
  elif [[ -x "$1/bin/java" ]]; then
    v="$("$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -1)"
  fi
  [[ -n "$v" ]] || return 1
  v="${v#1.}"
  echo "${v%%[.+-]*}"
}

select_jdk() { # sets and exports JAVA_HOME; prints the choice once
  local major best="" best_major=0 dir real
  if [[ -n "${SWITCHBOARD_JDK_SELECTED:-}" ]]; then return 0; fi
  if [[ -n "${JAVA_HOME:-}" ]]; then
    major="$(jdk_major "$JAVA_HOME" || true)"
    if [[ -x "$JAVA_HOME/bin/java" && -n "$major" ]] && ((major >= JAVA_MIN)); then
      best="$JAVA_HOME"
      best_major="$major"
    else
      say jdk "ignoring JAVA_HOME=$JAVA_HOME (not a JDK >= $JAVA_MIN)"
    fi
  fi
  if [[ -z "$best" ]]; then
    for dir in /usr/lib/jvm/*; do
      [[ -x "$dir/bin/java" && -x "$dir/bin/javac" ]] || continue
      real="$(readlink -f "$dir")"
      major="$(jdk_major "$real" || true)"
      [[ -n "$major" ]] || continue
      if ((major >= JAVA_MIN && major > best_major)); then
        best="$real"
        best_major="$major"
      fi
    done
  fi
  [[ -n "$best" ]] || die jdk "no JDK >= $JAVA_MIN found (JAVA_HOME unset or too old, nothing suitable under /usr/lib/jvm); install one (e.g. Temurin 21+) or set JAVA_HOME"
  export JAVA_HOME="$best"
  export SWITCHBOARD_JDK_SELECTED=1
  JAVA_MAJOR="$best_major"
  # Kafka 4.1 still uses sun.misc.Unsafe and JNI (zstd, lz4): say so to JDK 24+ instead of warning on every start.
  JAVA_COMPAT_OPTS=()
  if ((best_major >= 24)); then
    JAVA_COMPAT_OPTS=(--sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED)
  fi
  say jdk "using $JAVA_HOME (Java $best_major)"
}

# ---------------------------------------------------------------------------------------------------
# Kafka jars (Maven Central, through the repo's Maven wrapper and deploy/local/kafka/pom.xml)

KAFKA_POM="$LOCAL_DIR/kafka/pom.xml"
KAFKA_HOME="$STATE/kafka"
KAFKA_LIBS="$KAFKA_HOME/libs"
KAFKA_VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$KAFKA_POM" | head -1)"

kafka_libs_marker() {
  echo "$KAFKA_LIBS/.installed-$KAFKA_VERSION-$(sha256sum "$KAFKA_POM" | cut -c1-12)"
}

ensure_kafka_libs() {
  local marker t0
  marker="$(kafka_libs_marker)"
  if [[ -e "$marker" ]]; then return 0; fi
  select_jdk
  t0="$(now)"
  say kafka "fetching Kafka $KAFKA_VERSION jars from Maven Central into $(rel "$KAFKA_LIBS")"
  rm -rf "$KAFKA_LIBS"
  mkdir -p "$KAFKA_LIBS"
  (cd "$ROOT" && ./mvnw -q -B -f "$KAFKA_POM" dependency:copy-dependencies -Dkafka.libs.dir="$KAFKA_LIBS") ||
    die kafka "could not fetch the Kafka jars (mvnw dependency:copy-dependencies)"
  ls "$KAFKA_LIBS"/kafka_2.13-"$KAFKA_VERSION".jar "$KAFKA_LIBS"/kafka-tools-"$KAFKA_VERSION".jar >/dev/null ||
    die kafka "Kafka jars missing after the download"
  rm -rf "$ROOT/deploy/local/kafka/target"
  touch "$marker"
  say kafka "jars ready ($(find "$KAFKA_LIBS" -name '*.jar' | wc -l) jars, $(since "$t0"))"
}

# ---------------------------------------------------------------------------------------------------
# ClickHouse stand-in: Node.js and its npm dependencies, installed outside the source tree

FRONT_SRC="$LOCAL_DIR/clickhouse-front"
FRONT_HOME="$STATE/clickhouse-front"

ensure_node() {
  if command -v node >/dev/null && command -v npm >/dev/null; then return 0; fi
  apt_install nodejs npm
  command -v node >/dev/null || die clickhouse "node not found after installing nodejs"
}

front_deps_hash() {
  cat "$FRONT_SRC/package.json" "$FRONT_SRC/package-lock.json" | sha256sum | cut -c1-16
}

ensure_front_deps() {
  local hash t0
  ensure_node
  hash="$(front_deps_hash)"
  if [[ -e "$FRONT_HOME/.installed-$hash" && -d "$FRONT_HOME/node_modules/chdb" ]]; then return 0; fi
  t0="$(now)"
  say clickhouse "installing npm dependencies (chdb) into $(rel "$FRONT_HOME")"
  mkdir -p "$FRONT_HOME"
  rm -f "$FRONT_HOME"/.installed-*
  cp "$FRONT_SRC/package.json" "$FRONT_SRC/package-lock.json" "$FRONT_HOME/"
  # `npm install` from the lock file rather than `npm ci`: chdb lists its macOS / arm64 engine packages as
  # optional dependencies that the registry does not serve, so the lock cannot name them and `npm ci`
  # refuses it as out of sync. `install` skips them and keeps the locked versions (checked below).
  (cd "$FRONT_HOME" && npm install --no-save --omit=dev --no-audit --no-fund --loglevel=error \
    >"$FRONT_HOME/npm-install.log" 2>&1) ||
    die clickhouse "npm install failed, see $(rel "$FRONT_HOME/npm-install.log")"
  # shellcheck disable=SC2016 # JavaScript template literal, not shell
  (cd "$FRONT_HOME" && node -e '
    const want = require("./package-lock.json").packages["node_modules/chdb"].version;
    const got = require("./node_modules/chdb/package.json").version;
    if (want !== got) { console.error(`chdb ${got} installed, lock says ${want}`); process.exit(1); }') ||
    die clickhouse "installed chdb does not match package-lock.json"
  touch "$FRONT_HOME/.installed-$hash"
  say clickhouse "npm dependencies ready ($(since "$t0"))"
}
