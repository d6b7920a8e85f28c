#!/usr/bin/env bash
# Routing decision time (p50/p99/p99.9) and allocation per decision over the built-in catalog
# (JMH, bench/jmh: RoutingBenchmark, RoutingReport).
#
#   bench/routing.sh [quick|full]     (needs `make build` first; quick: shorter iterations, for a smoke run)
#
# Results: bench/results/routing.txt (table) and bench/results/routing.json (JMH's own output)
set -euo pipefail
exec "$(dirname "${BASH_SOURCE[0]}")/jmh/run.sh" RoutingReport "${1:-full}"
