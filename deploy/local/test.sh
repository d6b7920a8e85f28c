#!/usr/bin/env bash
# `make test`: every suite, starting what the tests need and stopping again what this run started.
#   1. the stack (stack.sh start): PostgreSQL, Redis, Kafka, the ClickHouse stand-in
#   2. unit tests and @QuarkusTests of every module (mvnw install)
#   3. make images (deploy/images/build.sh), the images' test and the chart's boot test, which runs the
#      rendered chart from those images (the local services are stopped for it: same ports)
#   4. the end-to-end suite against freshly started services (e2e.sh)
#   5. the ClickHouse stand-in's own tests (node, a server of its own on a free port)
#   6. the Surefire summary of every module
# Kafka and ClickHouse are stopped at the end when they were not running before, and services that
# were running are started again, so a test run leaves the machine as it found it.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
select_jdk

stack_was_up=0
"$LOCAL_DIR/stack.sh" status kafka clickhouse >/dev/null 2>&1 && stack_was_up=1
services_were_up=0
"$LOCAL_DIR/services.sh" running && services_were_up=1
restore() {
  if ((services_were_up == 1)); then "$LOCAL_DIR/services.sh" restart; fi
  if ((stack_was_up == 0)); then "$LOCAL_DIR/stack.sh" stop kafka clickhouse; fi
}
trap restore EXIT

"$LOCAL_DIR/stack.sh" start
if ! external clickhouse; then
  say test "the ClickHouse stand-in's own tests (deploy/local/clickhouse-front/test.js)"
  (cd "$LOCAL_DIR/clickhouse-front" && node test.js)
fi
say test "unit tests and @QuarkusTests (mvnw install)"
(cd "$ROOT" && ./mvnw -B -ntp install)
"$LOCAL_DIR/services.sh" stop
"$ROOT/deploy/images/build.sh"
say test "the images (ImagesTest) and the chart booted from them (BootTest)"
(cd "$ROOT" && ./mvnw -B -ntp -pl deploy/images,deploy/chart-tests test -Pboot -Dimages.skipTests=false)
"$LOCAL_DIR/e2e.sh"
say test "all suites passed"
