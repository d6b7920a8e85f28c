#!/usr/bin/env bash
# The end-to-end suite (e2e-tests, run with -Pe2e) against the services built last: restarts them
# from the fresh build, seeds the demo account, runs the suite, and leaves the services as it found
# them (stopped if they were not running before). Needs the stack (stack.sh start) and a build.
# Arguments go to Maven: e2e.sh -Dtest=ChaosMoneyE2eTest -Dchaos.requests=1000 (what make chaos runs).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
select_jdk

was_running=0
"$LOCAL_DIR/services.sh" running && was_running=1
restore() {
  if ((was_running == 0)); then "$LOCAL_DIR/services.sh" stop; fi
}
trap restore EXIT

"$LOCAL_DIR/services.sh" restart
"$LOCAL_DIR/services.sh" seed
say e2e "running the end-to-end suite against http://127.0.0.1:8080"
(cd "$ROOT" && ./mvnw -B -ntp -Pe2e -pl e2e-tests test "$@")
"$LOCAL_DIR/test-summary.sh"
