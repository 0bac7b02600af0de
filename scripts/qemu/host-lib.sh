# shellcheck shell=bash
# Host-side helpers of scripts/qemu-test.sh, scripts/qemu-debug-test.sh and
# scripts/qemu-e2e.sh, sourced by them after they set TOOL (the prefix of
# their messages) and keep (1: the work directory stays for a look
# afterwards).

log() {
	echo "$TOOL: $*" >&2
}

# need_packages PKG...: installs the Debian packages that are missing.
# Non-zero, with the end of the apt log on stderr, when that fails; then
# $missing_packages names them and the log, for the caller's FAIL line.
need_packages() {
	local pkg apt_log=/tmp/$TOOL-apt.log
	local missing=()

	for pkg in "$@"; do
		if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null |
		     grep -q 'install ok installed'; then
			missing+=("$pkg")
		fi
	done
	[ ${#missing[@]} -gt 0 ] || return 0
	log "installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	if ! { apt-get -o DPkg::Lock::Timeout=600 update &&
	       apt-get -o DPkg::Lock::Timeout=600 install -y \
		       --no-install-recommends "${missing[@]}"; } \
	       >"$apt_log" 2>&1; then
		tail -n 20 "$apt_log" >&2
		# shellcheck disable=SC2034 # read by the caller
		missing_packages="${missing[*]} (log: $apt_log)"
		return 1
	fi
}

# make_work TEMPLATE: creates the work directory ($work) and removes it at
# exit, after stopping the guests: the pids in $bg_pids, and those in any
# $work/*/timeout.pid (timeout(1) passes the signal on to its qemu).
make_work() {
	work=$(mktemp -d "$1")
	bg_pids=()
	trap cleanup EXIT
	trap 'exit 130' INT TERM
}

cleanup() {
	local p f

	for f in "$work"/*/timeout.pid; do
		if [ -f "$f" ]; then
			kill "$(cat "$f")" 2>/dev/null || true
		fi
	done
	for p in "${bg_pids[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	if [ "${keep:-0}" = 1 ]; then
		log "work directory kept: $work"
	else
		rm -rf "$work"
	fi
}

# build_tools MAKE_ARGS...: builds driver/tools in $work/src/tools, a copy,
# so that the tree's own builds stay as they are. Non-zero, with the end of
# the build log on stderr, when make fails.
build_tools() {
	mkdir -p "$work/src/kernel"
	cp -r driver/tools "$work/src/tools"
	cp driver/kernel/mypoll.h "$work/src/kernel/"
	make -C "$work/src/tools" clean >/dev/null 2>&1 || true
	if ! make -C "$work/src/tools" "$@" >"$work/tools.log" 2>&1; then
		tail -n 30 "$work/tools.log" >&2
		return 1
	fi
}

# make_initramfs DIR INIT OUT: the guest's root in DIR (busybox, /init
# from INIT, the guest helpers, /dev/console), packed into OUT. What else
# the guest needs is copied into DIR before.
make_initramfs() {
	local r=$1

	mkdir -p "$r/bin" "$r/dev" "$r/proc" "$r/sys" "$r/tmp"
	cp /bin/busybox "$r/bin/busybox"
	ln -s busybox "$r/bin/sh"
	install -m 0755 "$2" "$r/init"
	install -m 0644 scripts/qemu/guest-lib.sh "$r/guest-lib.sh"
	# The kernel opens /dev/console for init before devtmpfs is mounted.
	mknod -m 0600 "$r/dev/console" c 5 1
	(cd "$r" && find . | cpio -o -H newc --quiet) | gzip -1 >"$3"
}

# boot_why STATUS SECONDS: why a guest gave no complete result, from the
# exit status of timeout(1) around its qemu.
boot_why() {
	if [ "$1" = 124 ] || [ "$1" = 137 ]; then
		echo "timeout after $2 s"
	else
		echo "qemu exit $1 after $2 s"
	fi
}

# console_tail FILE PREFIX: the last 25 lines of a guest console, without
# the firmware's terminal escapes and blank lines.
console_tail() {
	sed -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/\x1bc//g' "$1" 2>/dev/null |
		tr -d '\r' | grep -v '^[[:space:]]*$' | tail -n 25 | sed "s/^/$2/"
}

# boot_guest DIR KERNEL TIMEOUT MEMORY_MB APPEND: boots KERNEL with
# DIR/initrd.gz (made by make_initramfs; nothing happens unless DIR/ready
# exists) under TCG with two vCPUs on two host threads, so that the guest's
# CPUs really run in parallel, for at most TIMEOUT seconds. The guest's
# console goes to DIR/console.log, its second serial port (the results) to
# DIR/results.log; "STATUS SECONDS" of timeout(1) go to DIR/boot. APPEND is
# added to the kernel command line.
boot_guest() {
	local d=$1 rc=0 t0

	[ -f "$d/ready" ] || return 0
	t0=$(date +%s)
	timeout -k 5 "$3" qemu-system-x86_64 -accel tcg,thread=multi \
		-m "$4" -smp 2 -nographic -no-reboot -monitor none \
		-serial "file:$d/console.log" -serial "file:$d/results.log" \
		-kernel "$2" -initrd "$d/initrd.gz" \
		-append "console=ttyS0 panic=-1 quiet $5" \
		</dev/null >"$d/qemu.log" 2>&1 &
	echo $! >"$d/timeout.pid"
	wait $! || rc=$?
	rm -f "$d/timeout.pid"
	echo "$rc $(($(date +%s) - t0))" >"$d/boot"
}

# report_start, then report_results NAME DIR for each guest, then
# report_end: prints the results a guest wrote to DIR/results.log as
# "[NAME] PASS|FAIL name: detail" ("[NAME] bench: ..." for its figures,
# "[NAME] note: ..." for what it could not check), a FAIL for a guest that
# did not finish (with the end of its console), "[NAME] N passed, N failed"
# per guest, and at the end the problems and "TOOL: N passed, N failed".
# report_end's status is 0 only when every guest passed everything.
report_start() {
	total_pass=0
	total_fail=0
	problems=()
}

report_results() {
	local k=$1 d=$2 pass=0 fail=0 ended=0 load_err=0 line rc secs why

	while IFS= read -r line; do
		line=${line%$'\r'}
		case "$line" in
		PASS\ *)
			echo "[$k] $line"
			pass=$((pass + 1))
			;;
		FAIL\ *)
			echo "[$k] $line"
			fail=$((fail + 1))
			case "$line" in
			"FAIL module loads"*) load_err=1 ;;
			esac
			;;
		BENCH\ *) echo "[$k] bench: ${line#BENCH }" ;;
		NOTE\ *) echo "[$k] note: ${line#NOTE }" ;;
		START\ *) echo "[$k] kernel ${line#START }" ;;
		END) ended=1 ;;
		esac
	done <"$d/results.log"

	if [ -f "$d/ready" ] && [ "$ended" = 0 ]; then
		read -r rc secs <"$d/boot" || { rc='?'; secs='?'; }
		why=$(boot_why "$rc" "$secs")
		echo "[$k] FAIL boot: no complete result from the guest ($why); console tail:"
		console_tail "$d/console.log" "[$k]   "
		fail=$((fail + 1))
		problems+=("$k: missing result ($why)")
	elif [ ! -f "$d/ready" ]; then
		problems+=("$k: module or initramfs build failed")
	fi
	[ "$load_err" = 0 ] || problems+=("$k: module load error")
	if [ "$fail" -gt 0 ] && [ "$ended" = 1 ] && [ "$load_err" = 0 ]; then
		problems+=("$k: $fail check(s) failed")
	fi
	if [ -f "$d/boot" ]; then
		read -r _ secs <"$d/boot"
		echo "[$k] $pass passed, $fail failed (guest ran $secs s)"
	else
		echo "[$k] $pass passed, $fail failed"
	fi
	total_pass=$((total_pass + pass))
	total_fail=$((total_fail + fail))
}

report_end() {
	local p

	for p in "${problems[@]}"; do
		echo "$TOOL: FAIL $p"
	done
	echo "$TOOL: $total_pass passed, $total_fail failed"
	[ ${#problems[@]} -eq 0 ] && [ "$total_fail" -eq 0 ]
}
