#!/usr/bin/env bash
# Prints what `make run` leaves running: the base URL, the demo keys and a curl to paste.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck disable=SC1091
source "$ROOT/.local/run.env"
cat <<TXT

Switchboard is running (provider simulator in place of real providers).

  base URL          $SWITCHBOARD_URL
  inference key     $SWITCHBOARD_KEY
  management key    $SWITCHBOARD_MANAGEMENT_KEY
  (also in .local/run.env; logs in .local/logs; stop with: make stop)

Try it:

  curl -sS $SWITCHBOARD_URL/chat/completions \\
    -H "Authorization: Bearer $SWITCHBOARD_KEY" -H "Content-Type: application/json" \\
    -d '{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"Hello!"}]}' -i

TXT
