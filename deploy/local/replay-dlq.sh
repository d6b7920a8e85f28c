#!/usr/bin/env bash
# Re-drives a topic's DLQ: sends every record parked since the last replay back to the topic.
#
#   deploy/local/replay-dlq.sh TOPIC [--dry-run]       (make replay-dlq TOPIC=... [DRY_RUN=1])
#
# TOPIC is the topic whose DLQ (TOPIC.dlq) is replayed, e.g. switchboard.usage.v1 (billing's input)
# or switchboard.charges.v1 (auth's). The work is dev.switchboard.events.DeadLetterReplay on the
# events classes and the Kafka client jars; see its comment for what is committed when.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

topic="${1:-}"
[[ -n "$topic" && "$topic" != *.dlq ]] ||
  die replay "name the topic whose DLQ to replay, e.g. TOPIC=switchboard.usage.v1 (not the .dlq itself)"
shift

select_jdk >/dev/null
ensure_kafka_libs
classes="$ROOT/events/target/classes"
# incremental: quick when the classes are current, and never a stale tool
(cd "$ROOT" && ./mvnw -q -B -ntp -pl events compile) || die replay "could not compile the events module"
say replay "$topic.dlq on $KAFKA_BOOTSTRAP_SERVERS"
"$JAVA_HOME/bin/java" "${JAVA_COMPAT_OPTS[@]}" -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
  -Dlog4j2.configurationFile="$KAFKA_HOME/log4j2-tools.properties" \
  -cp "$classes:$KAFKA_LIBS/*" dev.switchboard.events.DeadLetterReplay "$KAFKA_BOOTSTRAP_SERVERS" "$topic" "$@"
