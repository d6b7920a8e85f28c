#!/usr/bin/env bash
# Configuration defaults live in one place: the @WithDefault of each service's @ConfigMapping.
# A service's application.properties maps environment variables (switchboard.x=${ENV:fallback})
# and sets profile overrides (%test.switchboard.x=...); a plain literal there would be a second
# copy of a default that silently wins over the mapping's. This refuses such lines.
set -euo pipefail
cd "$(dirname "$0")/../.."
status=0
for file in */src/main/resources/application.properties; do
    while IFS= read -r hit; do
        echo "$file:$hit: a default belongs in the @ConfigMapping's @WithDefault, not here" >&2
        status=1
    done < <(grep -nE '^switchboard\.[A-Za-z0-9.-]+[[:space:]]*=[[:space:]]*[^$[:space:]]' "$file" || true)
done
exit $status
