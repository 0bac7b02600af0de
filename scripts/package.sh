#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the project's two Debian packages with dpkg-deb:
#
#   scripts/package.sh [--out DIR]
#
# mypoll-bridge_VERSION_all.deb  the bridge's jar, its configuration (conffiles
#                                in /etc/mypoll-bridge), the systemd unit, the
#                                udev rule and the mypoll-bridge user and group
# mypoll-dkms_VERSION_all.deb    the module's source for DKMS, and its
#                                loading at boot
#
# VERSION is the Maven project version in Debian's spelling: 0.1.0-SNAPSHOT
# becomes 0.1.0~snapshot, which sorts before the release 0.1.0. The jar is
# built first when it is missing or older than its sources. The packages go
# to DIR (default target/packages); their paths are printed, one a line.
#
# Environment: MYPOLL_MAINTAINER, the packages' Maintainer field.
set -euo pipefail
cd "$(dirname "$0")/.."
umask 022
# shellcheck source=scripts/jar-freshness.sh
. scripts/jar-freshness.sh

OUT=target/packages
MAINTAINER=${MYPOLL_MAINTAINER:-mypoll-bridge maintainers <maintainers@users.noreply.r-seed-9612ff3e.example>}

die() {
	echo "package: $*" >&2
	exit 1
}
usage() {
	sed -n '3,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--out) [ $# -ge 2 ] || usage; OUT=$2; shift 2 ;;
	-h | --help) usage ;;
	*) echo "package: unexpected argument '$1'" >&2; usage ;;
	esac
done

command -v dpkg-deb >/dev/null || die "dpkg-deb not found (apt-get install dpkg)"

jar=verticles/target/mypoll-bridge.jar
if jars_stale "$jar"; then
	MYPOLL_BROWSER=0 scripts/prerequisites.sh
	echo "package: building $jar ..." >&2
	mvn -B -q -ntp -Dstyle.color=never package -DskipTests -pl verticles -am >&2
fi

# The first <version> of the parent pom is the project's (it has no parent).
mvn_version=$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' pom.xml | head -n 1)
[ -n "$mvn_version" ] || die "no <version> in pom.xml"
VERSION=$(echo "$mvn_version" | tr 'A-Z-' 'a-z~')
# File times and the changelog's date are the last commit's, so a rebuild of
# the same commit gives the same packages.
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
export SOURCE_DATE_EPOCH
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
stage=$(mktemp -d "$OUT/stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT

# fill FILE DEST: copies a file of packaging/ with @VERSION@ and
# @MAINTAINER@ filled in, keeping its mode.
fill() {
	sed -e "s/@VERSION@/$VERSION/g" -e "s/@MAINTAINER@/$MAINTAINER/g" "$1" >"$2"
	chmod --reference="$1" "$2"
}

# put PKG MODE SRC DEST: installs SRC as DEST inside package PKG.
put() {
	install -D -m "$2" "$3" "$stage/$1/$4"
}

# docs PKG: the copyright and a changelog of one entry.
docs() {
	local pkg=$1 doc=$stage/$1/usr/share/doc/$1
	put "$pkg" 0644 packaging/debian/copyright "usr/share/doc/$pkg/copyright"
	{
		echo "$pkg ($VERSION) unstable; urgency=medium"
		echo
		echo "  * Built from mypoll-bridge $mvn_version, commit $commit."
		echo
		echo " -- $MAINTAINER  $(date -R -u -d "@$SOURCE_DATE_EPOCH")"
	} | gzip -n -9 >"$doc/changelog.gz"
	chmod 0644 "$doc/changelog.gz"
}

# build PKG: control files from packaging/debian/PKG, then dpkg-deb.
build() {
	local pkg=$1 root=$stage/$1 f deb
	docs "$pkg"
	mkdir -p "$root/DEBIAN"
	for f in packaging/debian/"$pkg"/*; do
		fill "$f" "$root/DEBIAN/$(basename "$f")"
	done
	chmod 0644 "$root"/DEBIAN/*
	for f in preinst postinst prerm postrm; do
		[ ! -f "$root/DEBIAN/$f" ] || chmod 0755 "$root/DEBIAN/$f"
	done
	sed -i "s/@SIZE@/$(du -sk --exclude=DEBIAN "$root" | cut -f1)/" "$root/DEBIAN/control"
	# The files' checksums, for dpkg --verify and debsums.
	(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' |
		LC_ALL=C sort -z | xargs -0 md5sum) >"$root/DEBIAN/md5sums"
	chmod 0644 "$root/DEBIAN/md5sums"
	find "$root" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
	deb=$OUT/${pkg}_${VERSION}_all.deb
	dpkg-deb --root-owner-group -Zgzip --build "$root" "$deb" >&2
	echo "$deb"
}

b=mypoll-bridge
put $b 0644 "$jar" usr/share/mypoll-bridge/mypoll-bridge.jar
put $b 0644 packaging/config.json etc/mypoll-bridge/config.json
put $b 0644 conf/jvm.options etc/mypoll-bridge/jvm.options
put $b 0644 packaging/mypoll-bridge.service usr/lib/systemd/system/mypoll-bridge.service
put $b 0644 packaging/60-mypoll-bridge.rules usr/lib/udev/rules.d/60-mypoll-bridge.rules
build $b

d=mypoll-dkms
src=usr/src/mypoll-$VERSION
for f in Makefile mypoll.c mypoll.h; do
	put $d 0644 "driver/kernel/$f" "$src/$f"
done
mkdir -p "$stage/$d/$src"
fill packaging/dkms.conf "$stage/$d/$src/dkms.conf"
chmod 0644 "$stage/$d/$src/dkms.conf"
put $d 0644 packaging/modules-load.conf usr/lib/modules-load.d/mypoll.conf
build $d
