#!/usr/bin/env bash
# Local backing services for Switchboard: PostgreSQL, Redis, Kafka (KRaft) and a ClickHouse stand-in.
#
#   deploy/local/stack.sh start|stop|restart|status [postgres] [redis] [kafka] [clickhouse]
#
# No Docker: PostgreSQL and Redis are the machine's servers (installed from Debian and started when
# nothing answers), Kafka runs from the Maven Central jars, ClickHouse is the chDB-based stand-in in
# deploy/local/clickhouse-front. State and logs live in .local/ (git-ignored). See deploy/local/README.md.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

ALL=(postgres redis kafka clickhouse)

usage() {
  cat <<EOF
usage: $(basename "$0") start|stop|restart|status [component...]
components: ${ALL[*]} (default: all)
EOF
  exit 2
}

# ---------------------------------------------------------------------------------------------------
# PostgreSQL

pg_version() {
  find /etc/postgresql -mindepth 1 -maxdepth 1 -type d -printf '%f\n' 2>/dev/null | sort -V | tail -1
}

# pg_admin ARGS... → psql as a superuser of the local server: over TCP as postgres (trust auth),
# else through the Unix socket as the postgres OS user.
pg_admin() {
  if PGCONNECT_TIMEOUT=5 psql -w -h "$URL_HOST" -p "$URL_PORT" -U postgres -d postgres -Atqc 'SELECT 1' >/dev/null 2>&1; then
    PGCONNECT_TIMEOUT=5 psql -w -h "$URL_HOST" -p "$URL_PORT" -U postgres -d postgres -X -q -v ON_ERROR_STOP=1 "$@"
  elif runuser -u postgres -- psql -p "$URL_PORT" -d postgres -Atqc 'SELECT 1' >/dev/null 2>&1; then
    runuser -u postgres -- psql -p "$URL_PORT" -d postgres -X -q -v ON_ERROR_STOP=1 "$@"
  else
    die postgres "cannot connect as a superuser (psql -h $URL_HOST -U postgres, runuser -u postgres -- psql)"
  fi
}

pg_provision() {
  local db="${URL_PATH:-switchboard}" ident='^[A-Za-z_][A-Za-z0-9_]*$'
  [[ "$POSTGRES_USER" =~ $ident && "$db" =~ $ident ]] ||
    die postgres "role '$POSTGRES_USER' / database '$db': only [A-Za-z0-9_] names are provisioned"
  pg_admin -v role="$POSTGRES_USER" -v pw="$POSTGRES_PASSWORD" -v db="$db" -v db_test="${db}_test" <<'SQL' >/dev/null
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', :'role', :'pw')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role') \gexec
SELECT format('ALTER ROLE %I LOGIN PASSWORD %L', :'role', :'pw') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', d, :'role')
  FROM unnest(ARRAY[:'db', :'db_test']) AS d
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = d) \gexec
SELECT format('ALTER DATABASE %I OWNER TO %I', d, :'role')
  FROM unnest(ARRAY[:'db', :'db_test']) AS d \gexec
SQL
  PGPASSWORD="$POSTGRES_PASSWORD" PGCONNECT_TIMEOUT=5 psql -w -h "$URL_HOST" -p "$URL_PORT" -U "$POSTGRES_USER" -d "$db" \
    -Atqc 'SELECT 1' >/dev/null 2>&1 ||
    die postgres "role $POSTGRES_USER cannot log in to $db over TCP with its password (check pg_hba.conf)"
  say postgres "role $POSTGRES_USER, databases $db and ${db}_test ready"
}

start_postgres() {
  local t0 ver pid
  t0="$(now)"
  endpoint postgres
  if external postgres; then
    port_open "$URL_HOST" "$URL_PORT" || die postgres "external server $POSTGRES_URL is not reachable"
    say postgres "external server $POSTGRES_URL reachable (not started or provisioned here)"
    return 0
  fi
  if pid="$(running_pid postgres postgres)" && port_open "$URL_HOST" "$URL_PORT"; then
    say postgres "already running on $URL_HOST:$URL_PORT (started by stack.sh, pid $pid)"
  elif port_open "$URL_HOST" "$URL_PORT"; then
    say postgres "using the server already on $URL_HOST:$URL_PORT"
  else
    command -v pg_ctlcluster >/dev/null || apt_install postgresql
    ver="$(pg_version)"
    [[ -n "$ver" ]] || die postgres "no PostgreSQL cluster under /etc/postgresql"
    [[ -d "/etc/postgresql/$ver/main" ]] || pg_createcluster --port "$URL_PORT" "$ver" main >/dev/null 9>&-
    if ! port_open "$URL_HOST" "$URL_PORT"; then # installing may have started it already
      say postgres "starting cluster $ver/main (log: /var/log/postgresql/postgresql-$ver-main.log)"
      pg_ctlcluster --skip-systemctl-redirect "$ver" main start 9>&-
      wait_for 60 "" port_open "$URL_HOST" "$URL_PORT" ||
        die postgres "cluster $ver/main started but $URL_HOST:$URL_PORT does not answer (check its port in /etc/postgresql/$ver/main/postgresql.conf)"
      pid="$(head -1 "/var/lib/postgresql/$ver/main/postmaster.pid" 2>/dev/null || true)"
      if [[ -n "$pid" ]]; then
        echo "$pid" >"$(pid_file postgres)"
        echo "$ver" >"$PIDS/postgres.cluster"
      fi
      say postgres "up on $URL_HOST:$URL_PORT ($(since "$t0"))"
    else
      say postgres "using the server on $URL_HOST:$URL_PORT"
    fi
  fi
  command -v psql >/dev/null || apt_install postgresql-client
  pg_provision
}

stop_postgres() {
  local pid ver t0
  if external postgres; then say postgres "external ($POSTGRES_URL): not stopped here"; return 0; fi
  if ! pid="$(running_pid postgres postgres)"; then
    rm -f "$(pid_file postgres)" "$PIDS/postgres.cluster"
    say postgres "not started by stack.sh: left alone"
    return 0
  fi
  t0="$(now)"
  ver="$(cat "$PIDS/postgres.cluster")"
  say postgres "stopping cluster $ver/main (pid $pid)"
  pg_ctlcluster --skip-systemctl-redirect "$ver" main stop
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  rm -f "$(pid_file postgres)" "$PIDS/postgres.cluster"
  say postgres "stopped ($(since "$t0"))"
}

status_postgres() {
  local pid
  endpoint postgres
  if ! port_open "$URL_HOST" "$URL_PORT"; then say postgres "DOWN ($URL_HOST:$URL_PORT not answering)"; return 1; fi
  if external postgres; then
    say postgres "up on $URL_HOST:$URL_PORT (external, POSTGRES_URL)"
  elif pid="$(running_pid postgres postgres)"; then
    say postgres "up on $URL_HOST:$URL_PORT (started by stack.sh, pid $pid)"
  else
    say postgres "up on $URL_HOST:$URL_PORT (machine's server)"
  fi
}

# ---------------------------------------------------------------------------------------------------
# Redis

redis_ping() { # redis_ping HOST PORT → 0 when a Redis answers (PONG, or an auth error: it is there)
  local line
  line="$(
    {
      exec 3<>"/dev/tcp/$1/$2" || exit 1
      printf 'PING\r\n' >&3
      IFS= read -r -t 3 line <&3 || exit 1
      echo "$line"
    } 2>/dev/null
  )" || return 1
  [[ "$line" == +PONG* || "$line" == -NOAUTH* || "$line" == -WRONGPASS* ]]
}

start_redis() {
  local t0 pid
  t0="$(now)"
  endpoint redis
  if external redis; then
    redis_ping "$URL_HOST" "$URL_PORT" || die redis "external server $REDIS_URL is not reachable"
    say redis "external server $REDIS_URL reachable (not started here)"
    return 0
  fi
  if pid="$(running_pid redis redis-server)" && redis_ping "$URL_HOST" "$URL_PORT"; then
    say redis "already running on $URL_HOST:$URL_PORT (started by stack.sh, pid $pid)"
    return 0
  fi
  if port_open "$URL_HOST" "$URL_PORT"; then
    redis_ping "$URL_HOST" "$URL_PORT" || die redis "$URL_HOST:$URL_PORT is taken by something that is not Redis"
    say redis "using the server already on $URL_HOST:$URL_PORT"
    return 0
  fi
  if ! command -v redis-server >/dev/null; then
    apt_install redis-server
    if redis_ping "$URL_HOST" "$URL_PORT"; then
      say redis "using the server the package started on $URL_HOST:$URL_PORT"
      return 0
    fi
  fi
  mkdir -p "$STATE/redis"
  say redis "starting (log: $(rel "$LOGS/redis.log"))"
  redis-server --daemonize yes --bind "$URL_HOST" --port "$URL_PORT" --save "" --appendonly no \
    --dir "$STATE/redis" --pidfile "$(pid_file redis)" --logfile "$LOGS/redis.log" >/dev/null 9>&-
  wait_for 30 "" redis_ping "$URL_HOST" "$URL_PORT" || die redis "did not answer within 30 s, see $(rel "$LOGS/redis.log")"
  say redis "up on $URL_HOST:$URL_PORT ($(since "$t0"))"
}

stop_redis() {
  if external redis; then say redis "external ($REDIS_URL): not stopped here"; return 0; fi
  if ! running_pid redis redis-server >/dev/null && [[ ! -e "$(pid_file redis)" ]]; then
    say redis "not started by stack.sh: left alone"
    return 0
  fi
  stop_pid redis redis-server 20
}

status_redis() {
  local pid
  endpoint redis
  if ! redis_ping "$URL_HOST" "$URL_PORT"; then say redis "DOWN ($URL_HOST:$URL_PORT not answering PING)"; return 1; fi
  if external redis; then
    say redis "up on $URL_HOST:$URL_PORT (external, REDIS_URL)"
  elif pid="$(running_pid redis redis-server)"; then
    say redis "up on $URL_HOST:$URL_PORT (started by stack.sh, pid $pid)"
  else
    say redis "up on $URL_HOST:$URL_PORT (machine's server)"
  fi
}

# ---------------------------------------------------------------------------------------------------
# Kafka: one KRaft node (broker + controller) from the Maven Central jars

KAFKA_MARK=kafka.Kafka

kafka_write_config() {
  mkdir -p "$KAFKA_HOME/data"
  cat >"$KAFKA_HOME/server.properties" <<EOF
# Written by deploy/local/stack.sh on every start: edit the script, not this file.
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$KAFKA_HOME/data

# A single node: replication factor 1 everywhere, internal topics included.
num.partitions=$KAFKA_TOPIC_PARTITIONS
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=10
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
auto.create.topics.enable=true

# Consumers join at once (tests), small thread pools (2-core machine).
group.initial.rebalance.delay.ms=0
# After a crash (kill -9) the restarted broker waits for its old session to expire: 4 s, not 9 s.
broker.heartbeat.interval.ms=1000
broker.session.timeout.ms=4000
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=2
background.threads=4
log.retention.hours=168
EOF
  cat >"$KAFKA_HOME/log4j2.properties" <<'EOF'
# Broker logging (stdout, which stack.sh appends to .local/logs/kafka.log).
status = warn
appender.out.type = Console
appender.out.name = OUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.out.ref = OUT
logger.state.name = state.change.logger
logger.state.level = WARN
logger.request.name = kafka.request.logger
logger.request.level = WARN
logger.cleaner.name = kafka.log.LogCleaner
logger.cleaner.level = WARN
logger.authorizer.name = kafka.authorizer.logger
logger.authorizer.level = WARN
logger.config.name = org.apache.kafka.common.config.AbstractConfig
logger.config.level = WARN
EOF
  cat >"$KAFKA_HOME/log4j2-tools.properties" <<'EOF'
# Command-line tools (storage format, topic creation): warnings only, on stderr.
status = error
appender.err.type = Console
appender.err.name = ERR
appender.err.target = SYSTEM_ERR
appender.err.layout.type = PatternLayout
appender.err.layout.pattern = %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.err.ref = ERR
EOF
}

kafka_tool() { # kafka_tool ARGS... → a short-lived JVM on the Kafka classpath
  "$JAVA_HOME/bin/java" "${JAVA_COMPAT_OPTS[@]}" -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto \
    -Dlog4j2.configurationFile="$KAFKA_HOME/log4j2-tools.properties" -cp "$KAFKA_LIBS/*" "$@"
}

kafka_format() {
  local id t0
  [[ -s "$KAFKA_HOME/data/meta.properties" ]] && return 0
  t0="$(now)"
  rm -rf "$KAFKA_HOME/data"
  mkdir -p "$KAFKA_HOME/data"
  if [[ ! -s "$KAFKA_HOME/cluster.id" ]]; then
    kafka_tool kafka.tools.StorageTool random-uuid >"$KAFKA_HOME/cluster.id"
  fi
  id="$(tr -d '[:space:]' <"$KAFKA_HOME/cluster.id")"
  kafka_tool kafka.tools.StorageTool format --standalone -t "$id" -c "$KAFKA_HOME/server.properties" \
    >>"$LOGS/kafka.log" 2>&1 || die kafka "storage format failed, see $(rel "$LOGS/kafka.log")"
  say kafka "formatted $(rel "$KAFKA_HOME/data") (cluster id $id, $(since "$t0"))"
}

kafka_ensure_topics() {
  local t0 topics=() t out
  t0="$(now)"
  for t in "${KAFKA_TOPICS[@]}"; do topics+=("$t" "$t.dlq"); done
  out="$(kafka_tool "$LOCAL_DIR/kafka/EnsureTopics.java" "$KAFKA_BOOTSTRAP_SERVERS" "$KAFKA_TOPIC_PARTITIONS" "${topics[@]}" 2>&1)" ||
    die kafka "topic creation failed: $out"
  say kafka "topics: ${out##*$'\n'} ($(since "$t0"))"
}

start_kafka() {
  local t0 pid rc
  t0="$(now)"
  endpoint kafka
  if external kafka; then
    port_open "$URL_HOST" "$URL_PORT" || die kafka "external broker $KAFKA_BOOTSTRAP_SERVERS is not reachable"
    say kafka "external broker $KAFKA_BOOTSTRAP_SERVERS reachable (not started here; topics not created)"
    return 0
  fi
  if pid="$(running_pid kafka "$KAFKA_MARK")" && port_open "$URL_HOST" "$URL_PORT"; then
    say kafka "already running on $URL_HOST:$URL_PORT (pid $pid)"
    return 0
  fi
  select_jdk
  ensure_kafka_libs
  if port_open "$URL_HOST" "$URL_PORT"; then
    say kafka "a broker not started by stack.sh answers on $URL_HOST:$URL_PORT: using it"
    kafka_ensure_topics
    return 0
  fi
  port_open 127.0.0.1 "$KAFKA_CONTROLLER_PORT" && die kafka "controller port 127.0.0.1:$KAFKA_CONTROLLER_PORT is taken"
  kafka_write_config
  kafka_format
  say kafka "starting (log: $(rel "$LOGS/kafka.log"))"
  # setsid: the broker outlives this script and a Ctrl-C in the terminal that started it.
  # shellcheck disable=SC2086 # KAFKA_JVM_OPTS: extra JVM options, split on purpose
  (
    cd "$KAFKA_HOME"
    exec 9>&- # the stack lock must not live on in the broker
    exec setsid "$JAVA_HOME/bin/java" "${JAVA_COMPAT_OPTS[@]}" -Xms128m -Xmx512m -XX:MaxDirectMemorySize=256m \
      -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExplicitGCInvokesConcurrent -XX:+ExitOnOutOfMemoryError \
      -Djava.awt.headless=true -Dlog4j2.configurationFile="$KAFKA_HOME/log4j2.properties" \
      ${KAFKA_JVM_OPTS:-} -cp "$KAFKA_LIBS/*" "$KAFKA_MARK" "$KAFKA_HOME/server.properties" \
      >>"$LOGS/kafka.log" 2>&1 </dev/null
  ) &
  pid=$!
  echo "$pid" >"$(pid_file kafka)"
  rc=0
  wait_for 120 "$pid" port_open "$URL_HOST" "$URL_PORT" || rc=$?
  if ((rc != 0)); then
    tail -n 30 "$LOGS/kafka.log" >&2 || true
    if ((rc == 2)); then rm -f "$(pid_file kafka)"; die kafka "exited during start-up (log above)"; fi
    die kafka "no answer on $URL_HOST:$URL_PORT within 120 s (pid $pid still running; log above)"
  fi
  running_pid kafka "$KAFKA_MARK" >/dev/null || die kafka "pid $pid is not the broker (unexpected setsid fork)"
  say kafka "up on $URL_HOST:$URL_PORT ($(since "$t0"))"
  kafka_ensure_topics
}

stop_kafka() {
  if external kafka; then say kafka "external ($KAFKA_BOOTSTRAP_SERVERS): not stopped here"; return 0; fi
  stop_pid kafka "$KAFKA_MARK" 90
}

status_kafka() {
  local pid
  endpoint kafka
  if ! port_open "$URL_HOST" "$URL_PORT"; then say kafka "DOWN ($URL_HOST:$URL_PORT not answering)"; return 1; fi
  if external kafka; then
    say kafka "up on $URL_HOST:$URL_PORT (external, KAFKA_BOOTSTRAP_SERVERS)"
  elif pid="$(running_pid kafka "$KAFKA_MARK")"; then
    say kafka "up on $URL_HOST:$URL_PORT (started by stack.sh, pid $pid)"
  else
    say kafka "up on $URL_HOST:$URL_PORT (not started by stack.sh)"
  fi
}

# ---------------------------------------------------------------------------------------------------
# ClickHouse: the chDB-based local stand-in (deploy/local/clickhouse-front)

CH_MARK="clickhouse-front/server.js"

ch_ping() { # ch_ping BASE_URL
  if command -v curl >/dev/null; then
    [[ "$(curl -fsS -m 3 "${1%/}/ping" 2>/dev/null)" == Ok.* ]]
  else
    endpoint clickhouse
    local reply
    reply="$(
      {
        exec 3<>"/dev/tcp/$URL_HOST/$URL_PORT" || exit 1
        printf 'GET /ping HTTP/1.0\r\nHost: %s\r\n\r\n' "$URL_HOST" >&3
        timeout 3 cat <&3
      } 2>/dev/null
    )" || return 1
    [[ "$reply" == *$'\r\n\r\nOk.'* ]]
  fi
}

ch_exec() { # ch_exec SQL → POST it to the local stand-in; 0 on HTTP 200
  endpoint clickhouse
  if command -v curl >/dev/null; then
    curl -fsS -m 30 -o /dev/null --data-binary "$1" "http://$URL_HOST:$URL_PORT/" 2>/dev/null
  else
    local reply
    reply="$(
      {
        exec 3<>"/dev/tcp/$URL_HOST/$URL_PORT" || exit 1
        printf 'POST / HTTP/1.0\r\nHost: %s\r\nContent-Length: %s\r\n\r\n%s' "$URL_HOST" "${#1}" "$1" >&3
        timeout 30 cat <&3
      } 2>/dev/null
    )" || return 1
    [[ "$reply" == "HTTP/1.1 200"* ]]
  fi
}

# The databases the services and their tests use (as for PostgreSQL: switchboard, switchboard_test).
ch_provision() {
  local db
  for db in switchboard switchboard_test; do
    ch_exec "CREATE DATABASE IF NOT EXISTS $db" || die clickhouse "could not create database $db"
  done
  say clickhouse "databases switchboard and switchboard_test ready"
}

start_clickhouse() {
  local t0 pid rc
  t0="$(now)"
  endpoint clickhouse
  if external clickhouse; then
    ch_ping "$CLICKHOUSE_URL" || die clickhouse "external server $CLICKHOUSE_URL does not answer /ping"
    say clickhouse "external server $CLICKHOUSE_URL reachable (not started here)"
    return 0
  fi
  if pid="$(running_pid clickhouse "$CH_MARK")" && ch_ping "$CLICKHOUSE_URL"; then
    say clickhouse "already running on $URL_HOST:$URL_PORT (pid $pid)"
    ch_provision
    return 0
  fi
  if port_open "$URL_HOST" "$URL_PORT"; then
    ch_ping "$CLICKHOUSE_URL" || die clickhouse "$URL_HOST:$URL_PORT is taken by something that does not answer /ping"
    say clickhouse "a server not started by stack.sh answers on $URL_HOST:$URL_PORT: using it"
    ch_provision
    return 0
  fi
  ensure_front_deps
  mkdir -p "$STATE/clickhouse/data"
  say clickhouse "starting the chDB stand-in (log: $(rel "$LOGS/clickhouse.log"))"
  (
    cd "$FRONT_HOME"
    exec 9>&- # the stack lock must not live on in the server
    exec setsid env NODE_PATH="$FRONT_HOME/node_modules" CLICKHOUSE_FRONT_HOST="$URL_HOST" \
      CLICKHOUSE_FRONT_PORT="$URL_PORT" CLICKHOUSE_FRONT_DATA_DIR="$STATE/clickhouse/data" \
      node "$FRONT_SRC/server.js" >>"$LOGS/clickhouse.log" 2>&1 </dev/null
  ) &
  pid=$!
  echo "$pid" >"$(pid_file clickhouse)"
  rc=0
  wait_for 60 "$pid" ch_ping "$CLICKHOUSE_URL" || rc=$?
  if ((rc != 0)); then
    tail -n 30 "$LOGS/clickhouse.log" >&2 || true
    if ((rc == 2)); then rm -f "$(pid_file clickhouse)"; die clickhouse "exited during start-up (log above)"; fi
    die clickhouse "no answer on $URL_HOST:$URL_PORT within 60 s (pid $pid still running; log above)"
  fi
  running_pid clickhouse "$CH_MARK" >/dev/null || die clickhouse "pid $pid is not the stand-in (unexpected setsid fork)"
  say clickhouse "up on $URL_HOST:$URL_PORT ($(since "$t0"))"
  ch_provision
}

stop_clickhouse() {
  if external clickhouse; then say clickhouse "external ($CLICKHOUSE_URL): not stopped here"; return 0; fi
  stop_pid clickhouse "$CH_MARK" 20
}

status_clickhouse() {
  local pid
  endpoint clickhouse
  if ! ch_ping "$CLICKHOUSE_URL"; then say clickhouse "DOWN ($CLICKHOUSE_URL/ping not answering)"; return 1; fi
  if external clickhouse; then
    say clickhouse "up on $URL_HOST:$URL_PORT (external, CLICKHOUSE_URL)"
  elif pid="$(running_pid clickhouse "$CH_MARK")"; then
    say clickhouse "up on $URL_HOST:$URL_PORT (chDB stand-in started by stack.sh, pid $pid)"
  else
    say clickhouse "up on $URL_HOST:$URL_PORT (not started by stack.sh)"
  fi
}

# ---------------------------------------------------------------------------------------------------

main() {
  local cmd="${1:-}" c t0 failed=0 components=()
  [[ -n "$cmd" ]] || usage
  shift
  for c in "$@"; do
    [[ " ${ALL[*]} " == *" $c "* ]] || { echo "unknown component: $c" >&2; usage; }
  done
  # Keep the canonical order whatever order the arguments came in.
  for c in "${ALL[@]}"; do
    if (($# == 0)) || [[ " $* " == *" $c "* ]]; then components+=("$c"); fi
  done
  mkdir -p "$PIDS" "$LOGS"

  case "$cmd" in
    start | stop | restart)
      exec 9>"$STATE/stack.lock"
      if ! flock -n 9; then
        say stack "waiting for another stack.sh to finish (lock: $(rel "$STATE/stack.lock"))"
        flock -w 600 9 || die stack "another stack.sh still holds $(rel "$STATE/stack.lock") after 600 s"
      fi
      ;;
  esac

  t0="$(now)"
  case "$cmd" in
    start)
      for c in "${components[@]}"; do "start_$c"; done
      say stack "ready: ${components[*]} ($(since "$t0"))"
      ;;
    stop)
      for ((i = ${#components[@]} - 1; i >= 0; i--)); do "stop_${components[i]}"; done
      ;;
    restart)
      for ((i = ${#components[@]} - 1; i >= 0; i--)); do "stop_${components[i]}"; done
      for c in "${components[@]}"; do "start_$c"; done
      say stack "ready: ${components[*]} ($(since "$t0"))"
      ;;
    status)
      for c in "${components[@]}"; do "status_$c" || failed=1; done
      return "$failed"
      ;;
    *) usage ;;
  esac
}

main "$@"
