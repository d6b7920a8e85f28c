#!/usr/bin/env bash
# Installs what the local stack needs and is missing, on a Debian 12 machine without Docker; safe to
# run again (it then only checks). Needs no TTY. Afterwards `deploy/local/stack.sh start` only starts.
#
#   deploy/local/prereqs.sh [--browser] [--images]
#
# --browser: also Debian's chromium and chromium-driver, for the dashboard's browser test (make test)
# --images: also Debian's mmdebstrap, which builds the images' base from Debian packages (make images),
#   and skopeo, with which the images' test reads every archive
#
# - picks the JDK (JAVA_HOME if it is >= 21, else the newest >= 21 under /usr/lib/jvm; fails if none)
# - apt (only for what is missing, one `apt-get update`): curl, jq, nodejs+npm when node is missing,
#   postgresql only when nothing answers on its configured local port; redis-server whenever its binary
#   is missing (the tests start throw-away Redis servers of their own)
# - fetches the Kafka jars (Maven Central) into .local/kafka/libs
# - installs the ClickHouse stand-in's npm dependencies (chdb) into .local/clickhouse-front
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

t0="$(now)"
mkdir -p "$PIDS" "$LOGS"

select_jdk

missing=()
for tool in curl jq; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
command -v flock >/dev/null || missing+=(util-linux)
command -v node >/dev/null || missing+=(nodejs npm)
if command -v node >/dev/null && ! command -v npm >/dev/null; then missing+=(npm); fi

if ! external postgres; then
  endpoint postgres
  if port_open "$URL_HOST" "$URL_PORT"; then
    say prereqs "postgres: a server answers on $URL_HOST:$URL_PORT"
    command -v psql >/dev/null || missing+=(postgresql-client)
  elif ! command -v pg_ctlcluster >/dev/null; then
    missing+=(postgresql)
  fi
fi
if ! external redis; then
  endpoint redis
  if port_open "$URL_HOST" "$URL_PORT"; then
    say prereqs "redis: a server answers on $URL_HOST:$URL_PORT"
  fi
fi
# the tests start throw-away Redis servers of their own (deploy/local/README.md)
command -v redis-server >/dev/null || missing+=(redis-server)
for option in "$@"; do
  case "$option" in
    --browser)
      command -v chromium >/dev/null || missing+=(chromium fonts-liberation)
      command -v chromedriver >/dev/null || missing+=(chromium-driver) ;;
    --images)
      command -v mmdebstrap >/dev/null || missing+=(mmdebstrap)
      command -v skopeo >/dev/null || missing+=(skopeo) ;;
    *) die prereqs "unknown option $option (--browser, --images)" ;;
  esac
done

if ((${#missing[@]} > 0)); then
  say prereqs "missing: ${missing[*]}"
  apt_install "${missing[@]}"
else
  say prereqs "Debian packages: nothing missing"
fi

node_major="$(node -p 'process.versions.node.split(".")[0]')"
((node_major >= 18)) || die prereqs "node $(node --version) is too old for chdb (needs >= 18)"
say prereqs "node $(node --version), npm $(npm --version)"

if ! external kafka; then ensure_kafka_libs; say prereqs "kafka: $KAFKA_VERSION jars in $(rel "$KAFKA_LIBS")"; fi
if ! external clickhouse; then ensure_front_deps; say prereqs "clickhouse: chdb installed in $(rel "$FRONT_HOME")"; fi

say prereqs "done ($(since "$t0"))"
