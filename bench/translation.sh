#!/usr/bin/env bash
# Stream translation cost and allocation per chunk, per wire family (JMH, bench/jmh): the router's
# frame decoder and translator run over response streams captured from the provider simulator.
#
#   bench/translation.sh [quick|full] [family...]   (needs `make build` first; quick: shorter iterations,
#                                                   for a smoke run; families: openai anthropic gemini cohere bedrock)
#
# Results: bench/results/translation.txt (table) and bench/results/translation.json (JMH's own output)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck disable=SC1091
source "$ROOT/deploy/local/lib.sh"
select_jdk
cd "$ROOT/bench/jmh"
[[ -d "$HOME/.m2/repository/dev/switchboard/switchboard-router-service" ]] || { echo "build first: make build" >&2; exit 1; }
say bench "compiling the JMH benchmarks against the installed modules"
"$ROOT/mvnw" -B -q -ntp clean package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -DskipTests
"$JAVA_HOME/bin/java" -cp "target/classes:$(cat target/classpath.txt)" dev.switchboard.bench.TranslationReport "$ROOT/bench/results" "${1:-full}" "${@:2}"
