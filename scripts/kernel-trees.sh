#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Prepares the kernels the mypoll module is built and tested against,
# installing whatever is missing, and prints one line per kernel:
#
#   NAME KDIR VMLINUZ CHROOT
#
#   6.1     Debian 12 linux-headers-amd64 / linux-image-amd64 (on this host)
#   6.1-rt  Debian 12 linux-headers-rt-amd64 / linux-image-rt-amd64 (this host)
#   6.12    Debian 13 "trixie" linux-headers-amd64 / linux-image-amd64, built
#           with trixie's own gcc inside a debootstrapped chroot
#   testing Debian's testing suite's linux-headers-amd64 / linux-image-amd64
#           (the newest kernel Debian ships), likewise in a chroot of testing
#   6.1-arm64 Debian 12 linux-headers-arm64 / linux-image-arm64, cross-built
#           on this host with Debian's gcc-aarch64-linux-gnu
#           (build-driver.sh --cross aarch64-linux-gnu-)
#
# Names are given as arguments to prepare only those kernels (default: all).
#
# CHROOT is "-" for kernels built on this host, otherwise the chroot directory.
# KDIR is the path make sees: inside CHROOT when CHROOT is not "-" (pass it with
# --chroot CHROOT to scripts/build-driver.sh). VMLINUZ is always a path on this
# host, usable as it is by qemu -kernel. All paths are absolute.
#
# The arm64 packages are downloaded with a private apt configuration (this
# host's dpkg gets no foreign architecture) and unpacked, not installed, into
# $MYPOLL_CACHE/bookworm-arm64: the kernel and its modules (boot/,
# lib/modules/), its headers, Debian's arm64 busybox (bin/busybox, for the
# guest) and the amd64 linux-kbuild-6.1 of the same version, whose host
# programs (fixdep, modpost) the headers' scripts/ link points to; the
# headers' Makefile is made to include the unpacked -common tree. VMLINUZ of
# 6.1-arm64 is in that directory's boot/, as those of the chroots are.
#
# Idempotent: a rerun only checks that everything is in place. Progress goes
# to stderr; stdout holds the kernels' lines only.
#
# Environment:
#   MYPOLL_CACHE   cache directory, default /var/cache/mypoll-bridge; the
#                  chroots live in $MYPOLL_CACHE/trixie and $MYPOLL_CACHE/testing
#   MYPOLL_MIRROR  Debian mirror for debootstrap, default: the first Debian
#                  mirror in this host's apt sources, else deb.debian.org
#
# This host must be Debian 12 (bookworm) for the 6.1 kernels, and root.
set -euo pipefail

CACHE=${MYPOLL_CACHE:-/var/cache/mypoll-bridge}
ALL="6.1 6.1-rt 6.12 testing 6.1-arm64"
export DEBIAN_FRONTEND=noninteractive

log() { echo "kernel-trees: $*" >&2; }
die() { log "error: $*"; exit 1; }

[ "$(id -u)" -eq 0 ] || die "run as root (installs packages, runs debootstrap)"
want=("$@")
[ ${#want[@]} -gt 0 ] || read -r -a want <<<"$ALL"
for k in "${want[@]}"; do
	case " $ALL " in
	*" $k "*) ;;
	*) die "unknown kernel '$k' (one of: $ALL)" ;;
	esac
done
wanted() {
	case " ${want[*]} " in *" $1 "*) return 0 ;; esac
	return 1
}

# Packages missing from a dpkg database; $1 = root ("" for this host).
missing_pkgs() {
	local root=$1 p
	shift
	for p in "$@"; do
		if ! dpkg-query --admindir="$root/var/lib/dpkg" -W \
			-f='${db:Status-Status}\n' "$p" 2>/dev/null |
			grep -qx installed; then
			echo "$p"
		fi
	done
}

# The versioned package a meta package depends on, e.g.
# linux-headers-amd64 -> linux-headers-6.1.0-56-amd64.
dep_of() {
	local root=$1 meta=$2 prefix=$3
	dpkg-query --admindir="$root/var/lib/dpkg" -W -f='${Depends}\n' "$meta" |
		tr ',' '\n' | sed 's/^ *//; s/ .*//' | grep "^$prefix" | head -n 1
}

mirror() {
	local m
	if [ -n "${MYPOLL_MIRROR:-}" ]; then
		echo "$MYPOLL_MIRROR"
		return
	fi
	m=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
		/etc/apt/sources.list.d/*.sources 2>/dev/null |
		grep -oE 'https?://[^ ]*/debian/?( |$)' | grep -v security |
		head -n 1 | tr -d ' ') || true
	echo "${m:-http://deb.debian.org/debian}"
}

# ---- this host: 6.1 and 6.1-rt ----------------------------------------------

host_pkgs=(linux-headers-amd64 linux-image-amd64 linux-headers-rt-amd64
	linux-image-rt-amd64 gcc make debootstrap)
mapfile -t need < <(missing_pkgs "" "${host_pkgs[@]}")
if [ ${#need[@]} -gt 0 ]; then
	log "installing on this host: ${need[*]}"
	apt-get update >&2
	apt-get install -y --no-install-recommends "${need[@]}" >&2
fi

# kernel_line NAME ROOT HEADERS IMAGE: the output line of a kernel whose
# packages are installed in ROOT ("" for this host).
kernel_line() {
	local name=$1 root=$2 hdr=$3 img=$4 hpkg ipkg kdir vmlinuz
	hpkg=$(dep_of "$root" "$hdr" linux-headers-)
	ipkg=$(dep_of "$root" "$img" linux-image-)
	[ -n "$hpkg" ] && [ -n "$ipkg" ] || die "cannot resolve $hdr / $img${root:+ in $root}"
	kdir=/usr/src/$hpkg
	vmlinuz=/boot/vmlinuz-${ipkg#linux-image-}
	vmlinuz=${vmlinuz%-unsigned}
	[ -f "$root$kdir/Makefile" ] || die "$root$kdir is not a kernel build tree"
	[ -f "$root$vmlinuz" ] || die "$root$vmlinuz is missing"
	echo "$name $kdir $root$vmlinuz ${root:--}"
}

# ---- chroots: 6.12 (trixie) and testing ---------------------------------------

chroot_mounts=()
umount_chroot() {
	local i
	for ((i = ${#chroot_mounts[@]} - 1; i >= 0; i--)); do
		umount "${chroot_mounts[$i]}" 2>/dev/null || umount -l "${chroot_mounts[$i]}" || true
	done
	chroot_mounts=()
}
trap umount_chroot EXIT

mount_chroot() {
	local root=$1 d
	for d in proc sys dev; do
		if ! mountpoint -q "$root/$d"; then
			case $d in
			proc) mount -t proc proc "$root/proc" ;;
			sys) mount -t sysfs sysfs "$root/sys" ;;
			dev) mount --bind /dev "$root/dev" ;;
			esac
			chroot_mounts+=("$root/$d")
		fi
	done
}

# prepare_chroot SUITE: a minimal Debian SUITE in $CACHE/SUITE with the
# kernel's headers and image and the compiler to build modules for it.
prepare_chroot() {
	local suite=$1 root=$CACHE/$1 m
	local pkgs=(linux-headers-amd64 linux-image-amd64 gcc make perl)

	if [ ! -f "$root/etc/debian_version" ]; then
		m=$(mirror)
		log "debootstrapping $suite into $root from $m"
		mkdir -p "$CACHE"
		rm -rf "$root.partial"
		debootstrap --variant=minbase "$suite" "$root.partial" "$m" >&2
		mv "$root.partial" "$root"
	fi
	mapfile -t need < <(missing_pkgs "$root" "${pkgs[@]}")
	if [ ${#need[@]} -gt 0 ]; then
		log "installing in $root: ${need[*]}"
		mount_chroot "$root"
		cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
		# testing's Release file is only valid for a week; a mirror
		# that lags behind (or a snapshot) must still do.
		chroot "$root" apt-get -o Acquire::Check-Valid-Until=false \
			update >&2
		chroot "$root" apt-get install -y --no-install-recommends "${need[@]}" >&2
		chroot "$root" apt-get clean >&2
		umount_chroot
	fi
}

# ---- 6.1-arm64: unpacked from Debian 12's arm64 packages ----------------------

# prepare_arm64: the arm64 kernel, its headers and busybox in
# $CACHE/bookworm-arm64 (see the top of this file), and the cross compiler
# on this host; sets arm64_kdir and arm64_vmlinuz.
prepare_arm64() {
	local root=$CACHE/bookworm-arm64 apt=$CACHE/bookworm-arm64.apt m ver abi deb
	local key=/usr/share/keyrings/debian-archive-keyring.gpg
	local opts=(-o "Dir::Etc::SourceList=$apt/sources.list"
		-o Dir::Etc::SourceParts=/nonexistent
		-o "Dir::State::Lists=$apt/lists" -o "Dir::State::status=$apt/status"
		-o "Dir::Cache=$apt/cache" -o APT::Architecture=arm64
		-o APT::Architectures::=arm64 -o APT::Architectures::=amd64
		-o APT::Sandbox::User=root -o Debug::NoLocking=1)

	mapfile -t need < <(missing_pkgs "" gcc-aarch64-linux-gnu)
	if [ ${#need[@]} -gt 0 ]; then
		log "installing on this host: ${need[*]}"
		apt-get update >&2
		apt-get install -y --no-install-recommends "${need[@]}" >&2
	fi
	if [ ! -f "$root/complete" ]; then
		m=$(mirror)
		log "downloading Debian 12's arm64 kernel, headers and busybox from $m into $root"
		rm -rf "$root" "$apt"
		mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" \
			"$apt/debs" "$root"
		: >"$apt/status"
		{
			echo "deb [arch=arm64,amd64 signed-by=$key] $m bookworm main"
			echo "deb [arch=arm64,amd64 signed-by=$key] $m bookworm-updates main"
			echo "deb [arch=arm64,amd64 signed-by=$key] http://deb.debian.org/debian-security bookworm-security main"
		} >"$apt/sources.list"
		apt-get "${opts[@]}" update >&2
		# The versioned packages behind linux-headers-arm64, and the
		# amd64 kbuild tools of exactly their version.
		abi=$(apt-cache "${opts[@]}" depends linux-headers-arm64 |
			sed -n 's/^ *Depends: linux-headers-\(.*\)-arm64$/\1/p' |
			head -n 1)
		[ -n "$abi" ] || die "cannot resolve linux-headers-arm64"
		ver=$(apt-cache "${opts[@]}" show "linux-headers-$abi-arm64" |
			sed -n 's/^Version: //p' | head -n 1)
		(cd "$apt/debs" && apt-get "${opts[@]}" download \
			"linux-image-$abi-arm64" "linux-headers-$abi-arm64" \
			"linux-headers-$abi-common=$ver" \
			"linux-kbuild-${abi%%.0-*}:amd64=$ver" \
			busybox-static:arm64) >&2
		for deb in "$apt/debs"/*.deb; do
			dpkg-deb -x "$deb" "$root"
		done
		sed -i "s|^include /usr/src/|include $root/usr/src/|" \
			"$root/usr/src/linux-headers-$abi-arm64/Makefile"
		rm -rf "$apt"
		echo "$abi" >"$root/complete"
	fi
	abi=$(cat "$root/complete")
	arm64_kdir=$root/usr/src/linux-headers-$abi-arm64
	arm64_vmlinuz=$root/boot/vmlinuz-$abi-arm64
	[ -f "$arm64_kdir/Makefile" ] || die "$arm64_kdir is not a kernel build tree"
	[ -x "$arm64_kdir/scripts/basic/fixdep" ] || die "$arm64_kdir/scripts has no host programs"
	[ -f "$arm64_vmlinuz" ] || die "$arm64_vmlinuz is missing"
	[ -x "$root/bin/busybox" ] || die "$root/bin/busybox is missing"
}

! wanted 6.12 || prepare_chroot trixie
! wanted testing || prepare_chroot testing
! wanted 6.1-arm64 || prepare_arm64

! wanted 6.1 || kernel_line 6.1 "" linux-headers-amd64 linux-image-amd64
! wanted 6.1-rt || kernel_line 6.1-rt "" linux-headers-rt-amd64 linux-image-rt-amd64
! wanted 6.12 || kernel_line 6.12 "$CACHE/trixie" linux-headers-amd64 linux-image-amd64
! wanted testing || kernel_line testing "$CACHE/testing" linux-headers-amd64 linux-image-amd64
! wanted 6.1-arm64 || echo "6.1-arm64 $arm64_kdir $arm64_vmlinuz -"
