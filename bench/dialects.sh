#!/usr/bin/env bash
# The edge's cost of writing answers, per client dialect (JMH, bench/jmh): OpenAI chat, legacy
# completions and Anthropic Messages each write a scripted 20-chunk answer (text, or a streamed tool
# call) as server-sent events and as one body.
#
#   bench/dialects.sh [quick|full]     (needs `make build` first; quick: shorter iterations, for a smoke run)
#
# Results: bench/results/dialects.txt (table) and bench/results/dialects.json (JMH's own output)
set -euo pipefail
exec "$(dirname "${BASH_SOURCE[0]}")/jmh/run.sh" DialectReport "${1:-full}"
