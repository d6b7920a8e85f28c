#!/usr/bin/env bash
# Reconciles money for a window: billing's ledger, the charges applied to balances (auth) and the
# costs in ClickHouse (analytics), to the nano-dollar, plus balances against their grants and debits
# and leases or holds left past their deadlines. The work is auth-service's GET /admin/v1/reconcile;
# this prints its summary and every discrepancy, and exits 1 when anything disagrees.
#
#   deploy/local/reconcile.sh [--from FROM] [--to TO] [--account ID] [--json]
#   make reconcile [FROM=...] [TO=...] [ACCOUNT=...]
#
# FROM and TO are ISO-8601 instants (2026-12-07T10:00:00Z). Without TO the window ends a minute ago
# (switchboard.auth.reconcile.settle-delay), so requests still in the pipeline are left out; without
# FROM it starts an hour before TO. AUTH_URL (default http://127.0.0.1:8081) and
# SWITCHBOARD_ADMIN_TOKEN (default: .local/secrets.env, which make run writes) name the service.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

from="" to="" account="" raw=0
positional=()
while (($#)); do
  case "$1" in
    --account) account="${2:-}"; shift 2 ;;
    --from) from="${2:-}"; shift 2 ;;
    --to) to="${2:-}"; shift 2 ;;
    --json) raw=1; shift ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) positional+=("$1"); shift ;;
  esac
done
from="${from:-${positional[0]:-}}"
to="${to:-${positional[1]:-}}"

if [[ -z "${SWITCHBOARD_ADMIN_TOKEN:-}" && -f "$STATE/secrets.env" ]]; then
  # shellcheck disable=SC1091
  source "$STATE/secrets.env"
fi
[[ -n "${SWITCHBOARD_ADMIN_TOKEN:-}" ]] || die reconcile "no admin token: set SWITCHBOARD_ADMIN_TOKEN or run make run first"
auth="${AUTH_URL:-http://127.0.0.1:8081}"
command -v jq >/dev/null || die reconcile "jq is missing (make prereqs installs it)"

query=()
[[ -n "$from" ]] && query+=("from=$from")
[[ -n "$to" ]] && query+=("to=$to")
[[ -n "$account" ]] && query+=("account_id=$account")
url="$auth/admin/v1/reconcile"
if ((${#query[@]})); then
  url+="?$(IFS='&'; echo "${query[*]}")"
fi

say reconcile "asking $auth (ledger, balances, ClickHouse)"
body="$(mktemp)"
trap 'rm -f "$body"' EXIT
status="$(curl -sS --max-time 300 -o "$body" -w '%{http_code}' -H "Authorization: Bearer $SWITCHBOARD_ADMIN_TOKEN" "$url")" ||
  die reconcile "auth-service did not answer at $auth"
[[ "$status" == 200 ]] || die reconcile "auth-service answered $status: $(cat "$body")"

if ((raw)); then
  cat "$body"
  echo
else
  jq -r '
    "window      \(.from) .. \(.to)\(if .account_id then "  account \(.account_id)" else "" end)",
    "ledger      \(.ledger_entries) charges, \(.ledger_nanos) nano-USD",
    "balances    \(.applied_nanos) nano-USD applied (drift \(.applied_drift_nanos))",
    "ClickHouse  \(.analytics_generations) generations, \(.analytics_nanos) nano-USD (drift \(.analytics_drift_nanos))",
    "outbox      \(.unpublished_charges) charges not yet published",
    "discrepancies \(.discrepancies); accounts off \(.accounts | length); leases past deadline \(.leases | length); holds past deadline \(.holds | length)",
    (.charges[] | "  charge \(.charge_id) account \(.account_id): \(.problem) (ledger \(.ledger_nanos), applied \(.applied_nanos), ClickHouse \(.analytics_nanos))"),
    (.accounts[] | "  account \(.account_id): balance \(.balance_nanos), grants \(.granted_nanos) - charges \(.charged_nanos); held \(.held_nanos), leases \(.leased_nanos)"),
    (.leases[] | "  lease \(.lease_id) account \(.account_id): \(.amount_nanos) nano-USD, \(.state)"),
    (.holds[] | "  hold \(.hold_id) account \(.account_id): \(.amount_nanos) nano-USD open for \(.age_millis) ms")
  ' "$body"
fi
if [[ "$(jq -r .clean "$body")" == true ]]; then
  say reconcile "clean: zero drift"
else
  say reconcile "NOT clean: see above"
  exit 1
fi
