#!/usr/bin/env bash
# test_vm_host.sh BIN_DIR - evbench vm's host side, without booting: a fake
# qemu-system-x86_64 (and apt-get) first on PATH plays the guest.
#   - a guest whose archive holds a symlink, a ../x entry or a device: a
#     damaged run directory saying which, nothing written outside it
#   - a guest console with escape sequences: shown and recorded without them;
#     a kernel name with a comma: quoted in env.csv
#   - console.log past 64 MiB: the VM stopped; a data channel past it: not
#     read; each with a named reason
#   - SIGHUP and SIGKILL of evbench vm: no qemu left (and, after SIGHUP, no
#     temporary files)
#   - a cache of another user, or writable by others: refused
#   - kernel names outside Debian's grammar never reach apt-get; good ones
#     come after --; a cache entry without its completion mark is not reused
#   - boot parameters and --rounds: the boots go A B A B, each with its
#     parameters and round, a later round given the run directory so far;
#     one run directory per variant with each round's console
set -uo pipefail
bin=$1/evbench
tmp=$(mktemp -d "${TMPDIR:-/tmp}/test_vm_host.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
skip() { echo "SKIPPED: $*"; exit 77; }

if [ ! -x /bin/busybox ] || ldd /bin/busybox >/dev/null 2>&1; then
	skip "busybox-static is not installed (evbench vm packs it into the initramfs)"
fi
command -v python3 >/dev/null || skip "python3 is needed to write hostile archives"

mkdir -p "$tmp/fakebin" "$tmp/tmpdir"
cat >"$tmp/fakebin/qemu-system-x86_64" <<'EOF'
#!/bin/bash
# plays the guest: FAKE_QEMU_MODE hang | panic | flood | bigdata | archive
console= data= append= initrd=
while [ $# -gt 0 ]; do
	case $1 in
	-serial) [ -z "$console" ] && console=${2#file:} || data=${2#file:}; shift ;;
	-append) append=$2; shift ;;
	-initrd) initrd=$2; shift ;;
	esac
	shift
done
# what this boot was given: its command line, its round, a previous run
if [ -n "${FAKE_QEMU_BOOTS:-}" ]; then
	# the initrd is gzip'd cpio archives one after the other (a cpio
	# reader stops at the first's trailer): read the names (each right
	# after its 110-byte newc header) and the round from the stream itself
	stream=$(zcat "$initrd" | tr '\0' '\n')
	round=$(grep -a -A3 'evb/round$' <<<"$stream" | grep -a -m1 -E '^[0-9]+/[0-9]+$')
	prev=no
	grep -aq 'evb/prev/R/env.csv$' <<<"$stream" && prev=yes
	echo "append=$append round=${round:-none} prev=$prev" >>"$FAKE_QEMU_BOOTS"
fi
echo $$ >"$FAKE_QEMU_PIDFILE"
echo "Linux version 9.9-fake" >>"$console"
case $FAKE_QEMU_MODE in
hang) exec sleep 300 ;;
panic) printf 'Kernel panic - not syncing: \033]0;owned\007\033[2J, "boom"\r\n' >>"$console" ;;
flood) head -c $((65 * 1024 * 1024)) /dev/zero >>"$console"; exec sleep 300 ;;
bigdata)
	echo "EVB-VM: userspace up" >>"$console"
	{ echo EVB-DATA-BEGIN; head -c $((65 * 1024 * 1024)) /dev/zero | tr '\0' A; echo
	  echo EVB-DATA-END; } >>"$data" ;;
archive)
	echo "EVB-VM: userspace up" >>"$console"
	{ echo EVB-DATA-BEGIN; base64 <"$FAKE_QEMU_ARCHIVE"; echo EVB-DATA-END; } >>"$data" ;;
esac
exit 0
EOF
cat >"$tmp/fakebin/apt-get" <<'EOF'
#!/bin/sh
echo "$*" >>"$FAKE_APT_LOG"
[ -n "${FAKE_DEB:-}" ] && cp "$FAKE_DEB" ./fake.deb && exit 0
exit 100
EOF
printf '#!/bin/sh\nexit 0\n' >"$tmp/fakebin/apt-cache"
chmod +x "$tmp/fakebin"/*
mkdir -p "$tmp/deb/DEBIAN" "$tmp/deb/boot"
printf 'Package: linux-image-fake\nVersion: 1\nArchitecture: all\nMaintainer: t <t@t>\nDescription: t\n' \
	>"$tmp/deb/DEBIAN/control"
echo image >"$tmp/deb/boot/vmlinuz-9.9-fake"
dpkg-deb -b "$tmp/deb" "$tmp/fake.deb" >/dev/null 2>&1 || skip "dpkg-deb cannot build a package"

image="$tmp/vmlinuz-9.9,fake"
echo image >"$image"
export FAKE_QEMU_PIDFILE=$tmp/qemu.pid FAKE_APT_LOG=$tmp/apt.log TMPDIR=$tmp/tmpdir
export XDG_CACHE_HOME=$tmp/cache
vm() {
	PATH=$tmp/fakebin:$PATH "$bin" vm --accel tcg --memory 1G --timeout 60s "$@"
}

# A hostile guest archive per entry kind; what it refers to must not change.
python3 "$(dirname "$0")/hostile_tar.py" "$tmp" R "$tmp/victim" || fail "hostile_tar.py"
echo untouched >"$tmp/victim"
for kind in symlink dotdot device; do
	out=$tmp/out-$kind
	FAKE_QEMU_MODE=archive FAKE_QEMU_ARCHIVE=$tmp/$kind.tar.gz vm --kernel "$image" --out "$out" \
		>"$tmp/$kind.log" 2>&1
	rc=$?
	[ $rc -eq 1 ] || fail "$kind archive: exit $rc, expected 1: $(cat "$tmp/$kind.log")"
	dir=$(ls -d "$out"/*-damaged 2>/dev/null | head -n1)
	if [ -z "$dir" ]; then
		fail "$kind archive: no damaged run directory: $(ls "$out") $(cat "$tmp/$kind.log")"
		continue
	fi
	grep -q '^run_state,"\?damaged: the run directory came back damaged: its archive was refused' \
		"$dir/env.csv" || fail "$kind archive: run_state: $(cat "$dir/env.csv")"
	[ -f "$dir/results.csv" ] && fail "$kind archive: the refused archive was unpacked"
	[ -f "$dir/vm-archive.rejected" ] || fail "$kind archive: the refused archive is not kept"
	[ -e "$out/x" ] || [ -e "$tmp/x" ] && fail "$kind archive: ../x was written"
	[ "$(cat "$tmp/victim")" = untouched ] || fail "$kind archive: the symlink's target was written"
done
grep -q "DAMAGED: .*a symbolic link: R/vm-console.log" "$tmp/symlink.log" ||
	fail "symlink archive: the message does not name the link: $(cat "$tmp/symlink.log")"
grep -q "a \.\. component: R/\.\./x" "$tmp/dotdot.log" || fail "../x archive: not named"
grep -q "a device node: R/null" "$tmp/device.log" || fail "device archive: not named"

# A good archive comes back as the run directory, with the host's console log.
FAKE_QEMU_MODE=archive FAKE_QEMU_ARCHIVE=$tmp/good.tar.gz vm --kernel "$image" --out "$tmp/out-good" \
	>"$tmp/good.log" 2>&1
dir=$(ls -d "$tmp"/out-good/*-vm-9.9_fake-tcg 2>/dev/null | head -n1)
[ -n "$dir" ] && [ -f "$dir/env.csv" ] && [ -f "$dir/vm-console.log" ] ||
	fail "good archive: no run directory: $(cat "$tmp/good.log")"

# Boot parameters and interleaved rounds: A B A B, each boot with its
# parameters and round, the second round given the first's run directory;
# one run directory per variant, named for its parameters, with each
# round's console.
FAKE_QEMU_BOOTS=$tmp/boots.log FAKE_QEMU_MODE=archive FAKE_QEMU_ARCHIVE=$tmp/good.tar.gz \
	vm --kernel "$image preempt=none" --kernel "$image preempt=full" --rounds 2 \
	--out "$tmp/out-rounds" >"$tmp/rounds.log" 2>&1
expected="append=console=ttyS0 panic=-1 oops=panic loglevel=4 preempt=none round=1/2 prev=no
append=console=ttyS0 panic=-1 oops=panic loglevel=4 preempt=full round=1/2 prev=no
append=console=ttyS0 panic=-1 oops=panic loglevel=4 preempt=none round=2/2 prev=yes
append=console=ttyS0 panic=-1 oops=panic loglevel=4 preempt=full round=2/2 prev=yes"
[ "$(cat "$tmp/boots.log" 2>/dev/null)" = "$expected" ] ||
	fail "rounds: the boots were not A B A B with their parameters: $(cat "$tmp/boots.log") $(cat "$tmp/rounds.log")"
for p in none full; do
	dir=$(ls -d "$tmp"/out-rounds/*-vm-9.9_fake-preempt_$p-tcg 2>/dev/null)
	[ "$(echo "$dir" | grep -c .)" = 1 ] && [ -f "$dir/vm-console-round1.log" ] &&
		[ -f "$dir/vm-console-round2.log" ] ||
		fail "rounds: preempt=$p: not one run directory with both rounds' consoles: $(ls -R "$tmp/out-rounds") $(cat "$tmp/rounds.log")"
done

# Escape sequences from the console are removed; the name is quoted in CSV.
FAKE_QEMU_MODE=panic vm --kernel "$image" --out "$tmp/out-panic" >"$tmp/panic.log" 2>&1
env_csv=$(ls "$tmp"/out-panic/*-failed/env.csv 2>/dev/null | head -n1)
if [ -z "$env_csv" ]; then
	fail "panic: no failed run directory: $(cat "$tmp/panic.log")"
else
	grep -q '^kernel_release,"9.9,fake"$' "$env_csv" ||
		fail "kernel name with a comma not quoted: $(cat "$env_csv")"
	grep -q '^run_state,"failed: kernel panic: Kernel panic - not syncing: ]0;owned\[2J, ""boom"""$' \
		"$env_csv" || fail "panic reason: $(cat -v "$env_csv")"
fi
LC_ALL=C grep -q "$(printf '[\001-\010\016-\037\177]')" "$tmp/panic.log" &&
	fail "control characters reached the terminal: $(cat -v "$tmp/panic.log")"
grep -q 'not syncing: ]0;owned\[2J, "boom"' "$tmp/panic.log" ||
	fail "panic not shown: $(cat -v "$tmp/panic.log")"

# A console past 64 MiB stops the VM with a named reason.
FAKE_QEMU_MODE=flood vm --kernel "$image" --out "$tmp/out-flood" >"$tmp/flood.log" 2>&1
grep -q "the guest's console passed 64 MiB" "$tmp/flood.log" ||
	fail "console flood: no named error: $(tail -n3 "$tmp/flood.log")"
size=$(stat -c %s "$tmp"/out-flood/*-failed/vm-console.log 2>/dev/null || echo none)
[ "$size" = $((64 * 1024 * 1024)) ] || fail "console flood: vm-console.log is $size bytes"

# ... and a data channel past 64 MiB is not read.
FAKE_QEMU_MODE=bigdata vm --kernel "$image" --out "$tmp/out-bigdata" >"$tmp/bigdata.log" 2>&1
grep -Eq "(FAILED|DAMAGED): .*the guest's data channel passed 64 MiB" "$tmp/bigdata.log" ||
	fail "data flood: no named error: $(tail -n3 "$tmp/bigdata.log")"

# SIGHUP (a closed terminal) and SIGKILL of evbench vm: its qemu goes too.
for sig in HUP KILL; do
	rm -f "$FAKE_QEMU_PIDFILE"
	FAKE_QEMU_MODE=hang PATH=$tmp/fakebin:$PATH "$bin" vm --accel tcg --memory 1G \
		--kernel "$image" --out "$tmp/out-$sig" >"$tmp/$sig.log" 2>&1 &
	vm_pid=$!
	for _ in $(seq 100); do [ -s "$FAKE_QEMU_PIDFILE" ] && break; sleep 0.1; done
	qemu=$(cat "$FAKE_QEMU_PIDFILE" 2>/dev/null)
	[ -n "$qemu" ] || { fail "$sig: the fake qemu did not start: $(cat "$tmp/$sig.log")"; kill -KILL $vm_pid; continue; }
	kill -"$sig" $vm_pid
	wait $vm_pid 2>/dev/null
	for _ in $(seq 50); do kill -0 "$qemu" 2>/dev/null || break; sleep 0.1; done
	if kill -0 "$qemu" 2>/dev/null; then
		fail "SIG$sig: qemu (pid $qemu) outlived evbench vm"
		kill -KILL "$qemu"
	fi
	if [ $sig = HUP ]; then
		left=$(ls -A "$tmp/tmpdir")
		[ -z "$left" ] || fail "SIGHUP: temporary files left: $left"
	fi
	rm -rf "$tmp/tmpdir"/*
done

# Caches this user cannot trust.
mkdir -p "$tmp/open/evbench"
chmod 777 "$tmp/open/evbench"
XDG_CACHE_HOME=$tmp/open vm --kernel "$image" --out "$tmp/out-open" >"$tmp/open.log" 2>&1
grep -q "cache $tmp/open/evbench is writable by its group or others (mode 777): refused" "$tmp/open.log" ||
	fail "a world-writable cache was used: $(cat "$tmp/open.log")"
if [ "$(id -u)" = 0 ]; then
	mkdir -p "$tmp/theirs/evbench"
	chown 65534 "$tmp/theirs/evbench"
	XDG_CACHE_HOME=$tmp/theirs vm --kernel "$image" --out "$tmp/out-theirs" >"$tmp/theirs.log" 2>&1
	grep -q "cache $tmp/theirs/evbench is owned by uid 65534, not by root (uid 0): refused" \
		"$tmp/theirs.log" || fail "root used another user's cache: $(cat "$tmp/theirs.log")"
fi

# Kernel names: outside the grammar, apt-get never sees them.
: >"$FAKE_APT_LOG"
for k in -o=x 'Linux;x' ..; do
	FAKE_QEMU_MODE=panic vm --kernel "$k" --out "$tmp/out-names" >"$tmp/name.log" 2>&1
	grep -q "kernel '$k': not a Debian package name" "$tmp/name.log" ||
		fail "kernel name '$k' not refused: $(cat "$tmp/name.log")"
done
[ -s "$FAKE_APT_LOG" ] && fail "apt-get was called with a bad name: $(cat "$FAKE_APT_LOG")"
# A stale entry (no completion mark, as an interrupted unpack leaves) is
# downloaded again, unpacked aside and renamed into place.
mkdir -p "$tmp/cache/evbench/kernels/linux-image-fake/root/boot"
: >"$tmp/cache/evbench/kernels/linux-image-fake/root/boot/vmlinuz-9.9-fake"
FAKE_DEB=$tmp/fake.deb FAKE_QEMU_MODE=panic vm --kernel linux-image-fake --out "$tmp/out-pkg" \
	>"$tmp/pkg.log" 2>&1
grep -q -- "download .* -- linux-image-fake$" "$FAKE_APT_LOG" ||
	fail "apt-get download: not called with -- before the name: $(cat "$FAKE_APT_LOG")"
entry=$tmp/cache/evbench/kernels/linux-image-fake
[ -f "$entry/complete" ] && [ "$(cat "$entry/root/boot/vmlinuz-9.9-fake")" = image ] ||
	fail "the stale cache entry was not replaced: $(ls -la "$entry" "$entry/root/boot")"
ls -d "$tmp/cache/evbench/kernels/.part-"* >/dev/null 2>&1 && fail "a .part- directory was left"
ls -d "$tmp"/out-pkg/*-vm-9.9-fake-tcg-failed >/dev/null 2>&1 ||
	fail "the package's kernel was not booted: $(cat "$tmp/pkg.log")"

[ $fails -eq 0 ] && echo "test_vm_host: all checks passed"
[ $fails -eq 0 ]
