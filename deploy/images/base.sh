#!/usr/bin/env bash
# The base image every Switchboard image is built on, without a registry or a Docker daemon:
#   layer 1: a minimal root file system from Debian packages (mmdebstrap --variant=extract: the files of
#            libc6, libgcc-s1, base-files, netbase and tzdata, no shell, no package manager, no /dev);
#   layer 2: a jlinked Java runtime in /opt/java (only the modules the services use), the user
#            switchboard (10001:10001), /etc/nsswitch.conf, /tmp (1777) and /deployments.
# Written as a `docker save` archive (manifest.json, config, two layer tars) that Jib reads with
# Jib.from("tar://..."). Layers are reproducible: sorted, owned by root, mtime SOURCE_DATE_EPOCH.
#
#   deploy/images/base.sh OUT.tar     (make images calls it; a cached base is reused, see below)
#
# The base is rebuilt only when its inputs change: this script, the JDK's release file, the Debian
# suite. The key is written beside the archive (OUT.tar.key).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../local/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/../local/lib.sh"
select_jdk
java_version() { sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$JAVA_HOME/release"; }

out="${1:?usage: base.sh OUT.tar}"
SUITE="${BASE_SUITE:-bookworm}"
PACKAGES=libc6,libgcc-s1,base-files,netbase,tzdata
# The runtime's modules: what the services, the provider simulator and the topics Job use (the JDBC,
# JNDI, JMX, SASL/GSS and XML APIs of their libraries, java.desktop for java.beans, jdk.unsupported for
# Netty), what is loaded by name (jdk.crypto.* for TLS, jdk.naming.dns, jdk.zipfs), and jdk.jfr,
# jdk.attach and jdk.management.agent for diagnostics. No locales beyond English. The chart's boot test
# (deploy/chart-tests BootTest) runs every image on this runtime.
MODULES="${BASE_MODULES:-java.base,java.compiler,java.desktop,java.instrument,java.logging,java.management,java.naming,java.net.http,java.prefs,java.rmi,java.scripting,java.security.jgss,java.security.sasl,java.sql,java.transaction.xa,java.xml,jdk.attach,jdk.crypto.cryptoki,jdk.crypto.ec,jdk.jfr,jdk.management,jdk.management.agent,jdk.naming.dns,jdk.net,jdk.security.auth,jdk.security.jgss,jdk.unsupported,jdk.zipfs}"
UID_GID=10001
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-1767225600}" # 2026-01-01T00:00:00Z

key="$( (cat "${BASH_SOURCE[0]}"; cat "$JAVA_HOME/release"; echo "$SUITE $PACKAGES $MODULES") | sha256sum | cut -c1-16)"
if [[ -s "$out" && -s "$out.key" && "$(cat "$out.key")" == "$key" ]]; then
  say images "base $(rel "$out") is up to date (key $key)"
  exit 0
fi

command -v mmdebstrap >/dev/null || die images "mmdebstrap is missing (deploy/local/prereqs.sh --images installs it)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
t0="$(now)"

say images "base layer 1: $SUITE packages $PACKAGES (mmdebstrap --variant=extract)"
mmdebstrap --quiet --variant=extract --include="$PACKAGES" --skip=output/dev \
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' "$SUITE" "$work/rootfs.tar" >"$work/mmdebstrap.log" 2>&1 ||
  { cat "$work/mmdebstrap.log" >&2; die images "mmdebstrap failed"; }

say images "base layer 2: a jlinked Java runtime ($(java_version)) in /opt/java, user $UID_GID"
stage="$work/runtime"
mkdir -p "$stage/opt" "$stage/etc" "$stage/tmp" "$stage/deployments"
"$JAVA_HOME/bin/jlink" --add-modules "$MODULES" --strip-debug --no-header-files --no-man-pages \
  --compress=zip-6 --output "$stage/opt/java"
cat >"$stage/etc/passwd" <<EOF
root:x:0:0:root:/root:/usr/sbin/nologin
switchboard:x:$UID_GID:$UID_GID:switchboard:/deployments:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
EOF
cat >"$stage/etc/group" <<EOF
root:x:0:
switchboard:x:$UID_GID:
nogroup:x:65534:
EOF
cat >"$stage/etc/nsswitch.conf" <<'EOF'
passwd: files
group:  files
hosts:  files dns
networks: files
protocols: files
services: files
EOF
printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$stage/etc/hosts"
chmod 1777 "$stage/tmp"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" \
  -C "$stage" -cf "$work/runtime.tar" .

say images "writing the base archive"
digest() { sha256sum "$1" | cut -d' ' -f1; }
rootfs_id="$(digest "$work/rootfs.tar")"
runtime_id="$(digest "$work/runtime.tar")"
created="$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)"
archive="$work/archive"
mkdir -p "$archive"
mv "$work/rootfs.tar" "$archive/$rootfs_id.tar"
mv "$work/runtime.tar" "$archive/$runtime_id.tar"
cat >"$archive/config.json" <<EOF
{"architecture":"amd64","os":"linux","created":"$created",
 "config":{"User":"$UID_GID:$UID_GID","WorkingDir":"/deployments",
  "Env":["PATH=/opt/java/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","JAVA_HOME=/opt/java","LANG=C.UTF-8"],
  "Labels":{"org.opencontainers.image.title":"switchboard-base","org.opencontainers.image.description":"Debian $SUITE ($PACKAGES, extracted) and a jlinked Java $(java_version) runtime"}},
 "rootfs":{"type":"layers","diff_ids":["sha256:$rootfs_id","sha256:$runtime_id"]},
 "history":[{"created":"$created","created_by":"mmdebstrap --variant=extract --include=$PACKAGES $SUITE"},
            {"created":"$created","created_by":"jlink --add-modules $MODULES; user switchboard $UID_GID"}]}
EOF
cat >"$archive/manifest.json" <<EOF
[{"Config":"config.json","RepoTags":["switchboard/base:latest"],"Layers":["$rootfs_id.tar","$runtime_id.tar"]}]
EOF
mkdir -p "$(dirname "$out")"
# entries without a leading ./ (Jib refuses to extract one)
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" -C "$archive" -cf "$out.part" \
  manifest.json config.json "$rootfs_id.tar" "$runtime_id.tar"
mv "$out.part" "$out"
echo "$key" >"$out.key"
say images "base $(rel "$out"): $(du -h "$out" | cut -f1) ($(since "$t0"))"
