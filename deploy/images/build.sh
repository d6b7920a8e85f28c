#!/usr/bin/env bash
# `make images`: one OCI image per service, the provider simulator and the Kafka topics Job, from the
# last build (make build), without a Docker daemon or a registry:
#   1. the base (deploy/images/base.sh): Debian packages via mmdebstrap and a jlinked Java runtime,
#      cached in .local/images/ and rebuilt only when its inputs change;
#   2. every image assembled on it with Jib (dev.switchboard.images.ImageBuild), written as an OCI archive
#      to deploy/images/target/images/<name>.tar, listed in images.json.
#
#   deploy/images/build.sh [MODULE...]
#
# IMAGE_BASE=registry://eclipse-temurin:25-jre (any JRE 25 image with java on its PATH) builds on a
# public base instead of the local one, where a registry is reachable. Load an archive with
# `podman load -i <name>.tar` or push it with `skopeo copy oci-archive:<name>.tar docker://REGISTRY/...`.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../local/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/../local/lib.sh"
select_jdk

t0="$(now)"
base="${IMAGE_BASE:-}"
if [[ -z "$base" ]]; then
  "$ROOT/deploy/images/base.sh" "$STATE/images/switchboard-base.tar"
  base="tar://$STATE/images/switchboard-base.tar"
fi
version="$(sed -n 's:^    <version>\(.*\)</version>:\1:p' "$ROOT/pom.xml" | head -1)"
say images "assembling switchboard/*:$version with Jib on $base"
(cd "$ROOT" && ./mvnw -B -ntp -q -pl deploy/images compile exec:java \
  -Dexec.args="$ROOT $ROOT/deploy/images/target/images $base $version $*")
say images "done ($(since "$t0"))"
