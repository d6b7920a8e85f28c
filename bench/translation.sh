#!/usr/bin/env bash
# Stream translation cost and allocation per chunk, per wire family (JMH, bench/jmh): the router's
# frame decoder and translator run over response streams captured from the provider simulator.
#
#   bench/translation.sh [quick|full] [family...]   (needs `make build` first; quick: shorter iterations,
#                                                   for a smoke run; families: openai anthropic gemini cohere bedrock)
#
# Results: bench/results/translation.txt (table) and bench/results/translation.json (JMH's own output)
set -euo pipefail
exec "$(dirname "${BASH_SOURCE[0]}")/jmh/run.sh" TranslationReport "${1:-full}" "${@:2}"
