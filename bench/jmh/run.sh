#!/usr/bin/env bash
# Builds the JMH benchmarks (bench/jmh) against the installed modules and runs one report main:
#   bench/jmh/run.sh REPORT_CLASS [args...]      (REPORT_CLASS: TranslationReport, RoutingReport, CreditReport, DialectReport, UsageCountReport)
# The report writes its tables under bench/results/. Called by bench/translation.sh and bench/routing.sh.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck disable=SC1091
source "$ROOT/deploy/local/lib.sh"
select_jdk
cd "$ROOT/bench/jmh"
[[ -d "$HOME/.m2/repository/dev/switchboard/switchboard-router-service" ]] || { echo "build first: make build" >&2; exit 1; }
say bench "compiling the JMH benchmarks against the installed modules"
"$ROOT/mvnw" -B -q -ntp clean package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -DskipTests
report="$1"
shift
"$JAVA_HOME/bin/java" -cp "target/classes:$(cat target/classpath.txt)" "dev.switchboard.bench.$report" "$ROOT/bench/results" "$@"
