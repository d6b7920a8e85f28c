#!/usr/bin/env bash
# What one jtokkit pass over a whole answer costs the router (JMH, bench/jmh): the count billed when a
# provider reports no usage, and what a second whole-text count beside a provider's figures would cost
# (the usage event's "counted" reuses the credit meter's per-delta count instead).
#
#   bench/usage-count.sh [quick|full]   (needs `make build` first; quick: shorter iterations, for a smoke run)
#
# Results: bench/results/usage-count.txt (table) and bench/results/usage-count.json (JMH's own output)
set -euo pipefail
exec "$(dirname "${BASH_SOURCE[0]}")/jmh/run.sh" UsageCountReport "${1:-full}"
