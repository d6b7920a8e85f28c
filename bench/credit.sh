#!/usr/bin/env bash
# The credit path's cost (JMH, bench/jmh: CreditBenchmark, CreditReport): a hold placed and finished in
# memory against a lease, for one account and for 1,000; a charge settled in PostgreSQL.
#
#   bench/credit.sh [quick|full]     (needs `make build` and the local stack's PostgreSQL: make stack)
#
# Results: bench/results/credit.txt (table) and bench/results/credit.json (JMH's own output)
set -euo pipefail
exec "$(dirname "${BASH_SOURCE[0]}")/jmh/run.sh" CreditReport "${1:-full}"
