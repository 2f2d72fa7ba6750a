#!/usr/bin/env bash
# test_vm.sh BIN_DIR [SANITIZE] - see tests/vm.cmake.
set -uo pipefail
bin=$1/evbench
sanitize=${2:-OFF}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0

fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
skip() { echo "SKIPPED: $*"; exit 77; }

# Bad input: exit 2, naming the option.
expect_usage() {
	local want=$1; shift
	"$bin" vm "$@" >"$tmp/out" 2>&1
	local rc=$?
	[ $rc -eq 2 ] || fail "evbench vm $*: exit $rc, expected 2"
	grep -q -- "$want" "$tmp/out" || fail "evbench vm $*: message does not name $want: $(cat "$tmp/out")"
}
expect_usage "--kernel is required"
expect_usage "--accel 'fast'" --kernel x --accel fast
expect_usage "--memory '5T'" --kernel x --memory 5T
expect_usage "--cpus" --kernel x --cpus 0
expect_usage "--timeout" --kernel x --timeout soon
expect_usage "unexpected argument 'extra'" --kernel x extra
"$bin" vm --help | grep -q -- "--kernel K" || fail "evbench vm --help"

# host where /boot has no image of the running kernel: a failed run
# directory saying so (this also installs qemu and busybox-static as root).
if [ ! -e "/boot/vmlinuz-$(uname -r)" ]; then
	"$bin" vm --kernel host --out "$tmp/host" >"$tmp/host.log" 2>&1
	rc=$?
	grep -q "missing packages" "$tmp/host.log" && skip "$(cat "$tmp/host.log")"
	[ $rc -eq 1 ] || fail "--kernel host: exit $rc, expected 1"
	grep -q "running kernel's image is not available" "$tmp/host.log" ||
		fail "--kernel host does not say the image is not available: $(cat "$tmp/host.log")"
	grep -q '^run_state,"\?failed: kernel host not available' "$tmp"/host/*-vm-host-failed/env.csv ||
		fail "--kernel host: no failed run directory"
fi

command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed"
if [ "$sanitize" = ON ]; then
	[ $fails -eq 0 ] || exit 1
	skip "the boot itself is tested in the Release build (here the guest would run sanitizer builds under emulation)"
fi

# A kernel package that cannot be had skips the boot.  This one runs from a
# bundle (evbench vm finds its scripts and packs the initramfs there).
kernel=linux-image-cloud-amd64
"$bin" bundle --dir "$tmp/bundle" >/dev/null || fail "evbench bundle --dir exit $?"
env -i HOME="${HOME:-/root}" PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	"$tmp/bundle/evbench" vm --kernel "$kernel" --accel tcg --timeout 2s --out "$tmp/short" \
	>"$tmp/short.log" 2>&1
grep -q "apt-get download .* failed" "$tmp/short.log" && skip "$kernel cannot be downloaded: $(cat "$tmp/short.log")"
# ... and 2 s is too short to boot and run: a failed directory with the log.
dir=$(ls -d "$tmp"/short/*-tcg-failed 2>/dev/null | head -n1)
if [ -z "$dir" ]; then
	fail "--timeout 2s: no failed run directory: $(cat "$tmp/short.log")"
else
	grep -q '^run_state,"\?failed: timed out after 2 s' "$dir/env.csv" || fail "--timeout 2s: reason: $(cat "$dir/env.csv")"
	[ -f "$dir/vm-console.log" ] || fail "--timeout 2s: no console log"
fi

# The boot: a tiny notify run inside, brought back and checked.
"$bin" vm --kernel "$kernel" --accel tcg --cpus 2 --memory 1G --timeout 200s --out "$tmp/r" \
	-- --profile smoke --family notify --mechanism eventfd >"$tmp/run.log" 2>&1 ||
	fail "evbench vm exit $?: $(tail -n 20 "$tmp/run.log")"
dir=$(ls -d "$tmp"/r/*-vm-6.1.*-tcg 2>/dev/null | head -n1)
if [ -z "$dir" ]; then
	fail "no run directory named by a 6.1 kernel and tcg in $tmp/r: $(ls "$tmp/r")"
else
	env=$dir/env.csv
	grep -q '^vm_accel,tcg$' "$env" || fail "env.csv: no vm_accel,tcg"
	grep -q '^kernel_release,6\.1\.' "$env" || fail "env.csv: the guest kernel is not 6.1"
	grep -q '^vm_cpus,2$' "$env" || fail "env.csv: no vm_cpus,2"
	grep -q '^vm_memory_mb,1024$' "$env" || fail "env.csv: no vm_memory_mb,1024"
	grep -q '^rlimit_nofile_hard,1048576$' "$env" || fail "env.csv: RLIMIT_NOFILE not raised"
	grep -q '^warning_[0-9]*,emulated CPU (qemu tcg)' "$env" || fail "env.csv: no tcg warning"
	grep -q '^run_state,complete$' "$env" || fail "env.csv: run not complete"
	ok=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "status") c = i; next }
		      { n[$c]++ } END { print n["ok"] + 0, NR - 1 }' "$dir/results.csv")
	set -- $ok
	[ "$1" -ge 1 ] && [ "$1" -eq "$2" ] || fail "results.csv: $1 ok rows of $2"
	[ -f "$dir/report.html" ] || fail "no report.html written on the host"
	[ -f "$dir/vm-console.log" ] || fail "no console log"
fi
[ $fails -eq 0 ] && echo "test_vm: all checks passed"
[ $fails -eq 0 ]
