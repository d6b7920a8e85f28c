#!/usr/bin/env bash
# What one jtokkit pass over a whole answer costs the router (JMH, bench/jmh): the count billed when a
# provider reports no usage, and what a second whole-text count beside a provider's figures would cost
# (the usage event's "counted" reuses the credit meter's per-delta count instead).
#
#   bench/usage-count.sh [quick|full]   (needs `make build` first; quick: shorter iterations, for a smoke run)
#
# Also: what appending one usage event to the router's spool costs (UsageSpoolBenchmark).
# Results: bench/results/usage-count.txt (tables), bench/results/usage-count.json and usage-spool.json (JMH)
set -euo pipefail
exec "$(dirname "${BASH_SOURCE[0]}")/jmh/run.sh" UsageCountReport "${1:-full}"
