#!/usr/bin/env bash
# evbench-vm.sh - the work behind `evbench vm` (harness/vm.c checks the options
# and runs this with them normalised; EVB_BIN_DIR names evbench's binaries,
# or the bundle evbench runs from; EVB_SCRIPTS_DIR and EVB_PLOTS_DIR these
# scripts and the plots).
#
# Per kernel: find the image (path, Debian package fetched into the cache,
# or host), build the initramfs (cached by content), boot it under qemu,
# let its /init run `evbench run`, and take the run directory back from the
# VM's second serial port (a gzip'd tar, base64, between markers).  A kernel
# that does not boot, panics or times out leaves a failed run directory; one
# whose archive holds anything but files and directories, a damaged one.
# Every exit removes its temporary files and stops its qemu.
set -uo pipefail

prog="evbench vm"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/evbench"
bin_dir="${EVB_BIN_DIR:?EVB_BIN_DIR is set by evbench vm}"
scripts_dir="${EVB_SCRIPTS_DIR:?EVB_SCRIPTS_DIR is set by evbench vm}"
plots_dir="${EVB_PLOTS_DIR:?EVB_PLOTS_DIR is set by evbench vm}"
kvm_boot_wait=8

accel=auto cpus=2 memory=plan timeout=1800 out=results rounds=1
memory_source=option
kernels=()
run_args=()
while [ $# -gt 0 ]; do
	case "$1" in
	--accel) accel=$2; shift 2 ;;
	--kernel) kernels+=("$2"); shift 2 ;;
	--cpus) cpus=$2; shift 2 ;;
	--memory) memory=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--rounds) rounds=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--) shift; run_args=("$@"); break ;;
	*) echo "$prog: internal: unknown option '$1'" >&2; exit 2 ;;
	esac
done

say() { echo "$prog: $*" >&2; }

# qemu-system-x86 and busybox-static: installed as run_all.sh installs its
# packages (root with apt-get), else the apt-get line and exit 1.
need_packages() {
	local missing=() pkg
	command -v qemu-system-x86_64 >/dev/null || missing+=(qemu-system-x86)
	[ -x /bin/busybox ] && file_is_static /bin/busybox || missing+=(busybox-static)
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		say "installing ${missing[*]}"
		export DEBIAN_FRONTEND=noninteractive
		{ apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >&2 ||
			{ say "apt-get install ${missing[*]} failed"; return 1; }
	else
		say "missing packages; install them with:"
		echo "  sudo apt-get install ${missing[*]}" >&2
		return 1
	fi
}

file_is_static() { ! ldd "$1" >/dev/null 2>&1; }

# A kernel's name as one word of a directory name.
dir_word() { printf '%s' "$1" | LC_ALL=C tr -c 'A-Za-z0-9._+-' '_'; }

# evb_untar, evb_csv_field, evb_printable; the cache and a kernel argument
# to an image; the guest's initramfs; what comes back from the guest.
for f in evbench-safe.sh evbench-vm-kernel.sh evbench-vm-image.sh evbench-vm-back.sh; do
	. "$scripts_dir/$f" || { echo "$prog: cannot read $scripts_dir/$f" >&2; exit 1; }
done

# Every temporary file of this run is under tmp_root, or in the cache with
# .part-$$- in its name; the EXIT trap removes them and stops qemu (which
# also dies with this script when setpriv can give it a parent-death signal).
qemu_pid=
tmp_root=$(mktemp -d "${TMPDIR:-/tmp}/evbench-vm.XXXXXX") || { say "mktemp failed"; exit 1; }
cleanup() {
	[ -n "$qemu_pid" ] && kill -KILL "$qemu_pid" 2>/dev/null
	rm -rf "$tmp_root" "$cache"/initramfs/*.part-$$-* "$cache"/kernels/.part-$$-*
}
trap cleanup EXIT

# --memory plan: 1 GiB (kernel, initramfs, the run directory in tmpfs) plus
# 1.5 times what the plan's largest cell's descriptors take (the plan's
# estimate, from `evbench run --dry-run`), in 512 MiB steps, at least 2 GiB,
# at most three quarters of this machine's available memory.  Says so.
size_memory() {
	local line need avail cap
	line=$("$bin_dir/evbench" run --dry-run "${run_args[@]}" 2>/dev/null |
		grep -m1 '^# memory: ')
	need=$(sed -n 's/^# memory: \([0-9]*\) MiB.*/\1/p' <<<"$line")
	memory=$(( (1024 + ${need:-0} * 3 / 2 + 511) / 512 * 512 ))
	[ "$memory" -lt 2048 ] && memory=2048
	avail=$(awk '/^MemAvailable:/ { print int($2 / 1024) }' /proc/meminfo)
	cap=$(( ${avail:-0} * 3 / 4 / 512 * 512 ))
	if [ "$cap" -ge 2048 ] && [ "$memory" -gt "$cap" ]; then
		say "guest memory: the plan wants $memory MiB, this machine has $avail MiB available: using $cap MiB (cells may fail for memory)"
		memory=$cap
	fi
	memory_source=plan
	if [ -n "$need" ]; then
		say "guest memory $memory MiB, sized from the plan: its largest cell's descriptors take about $need MiB (${line#*(estimated): }); --memory sets it"
	else
		say "guest memory $memory MiB (the plan's cells need little; --memory sets it)"
	fi
}

interrupted=0
on_signal() {
	interrupted=1
	[ -n "$qemu_pid" ] && kill "$qemu_pid" 2>/dev/null
}
trap on_signal INT TERM HUP

# The guest's newest progress line ("[k/N] m:ss elapsed, ETA ...") from its
# console, where evbench run writes them separated by carriage returns.
guest_progress() {
	tr '\r' '\n' <"$1/console.log" | grep -aoE '\[ *[0-9]+/[0-9]+\] [^[]*' | tail -n1 |
		evb_printable
}

# Boots $1 (image) with $2 (initramfs) under accel $3, logs in $4; returns
# 0 when qemu ended by itself, 3 when the boot made no progress (kvm only),
# 4 on timeout, 5 when interrupted, 7 when console.log or the data channel
# passed vm_cap_bytes.  Every 30 s it says how far the guest's run got.
boot() {
	local image=$1 initrd=$2 a=$3 work=$4 cpu=max waited=0 shown= progress
	local deathsig=()
	[ "$a" = kvm ] && cpu=host
	command -v setpriv >/dev/null && deathsig=(setpriv --pdeathsig KILL)
	: >"$work/console.log"
	: >"$work/data.b64"
	"${deathsig[@]}" qemu-system-x86_64 -accel "$a" -cpu "$cpu" -m "$memory" -smp "$cpus" \
		-display none -vga none -nic none -monitor none -no-reboot \
		-serial "file:$work/console.log" -serial "file:$work/data.b64" \
		-kernel "$image" -initrd "$initrd" \
		-append "console=ttyS0 panic=-1 oops=panic loglevel=4${append:+ $append}" \
		2>"$work/qemu.log" &
	qemu_pid=$!
	while kill -0 "$qemu_pid" 2>/dev/null; do
		if [ "$interrupted" = 1 ]; then
			kill "$qemu_pid" 2>/dev/null; wait "$qemu_pid"; qemu_pid=; return 5
		fi
		if [ "$a" = kvm ] && [ "$waited" -eq "$kvm_boot_wait" ] &&
		   ! grep -q 'Linux version' "$work/console.log"; then
			kill "$qemu_pid" 2>/dev/null; wait "$qemu_pid"; qemu_pid=; return 3
		fi
		if [ "$waited" -ge "$timeout" ]; then
			kill "$qemu_pid" 2>/dev/null; wait "$qemu_pid"; qemu_pid=; return 4
		fi
		if over_cap "$work" >/dev/null; then
			kill "$qemu_pid" 2>/dev/null; wait "$qemu_pid"; qemu_pid=; return 7
		fi
		if [ $((waited % 30)) -eq 29 ]; then
			progress=$(guest_progress "$work")
			[ -n "$progress" ] && [ "$progress" != "$shown" ] &&
				say "guest: ${progress% }"
			shown=$progress
		fi
		sleep 1 & wait $!
		waited=$((waited + 1))
	done
	wait "$qemu_pid"
	qemu_pid=
	# Ctrl-C reaches qemu too, which may end before the loop sees the flag.
	[ "$interrupted" = 1 ] && return 5
	over_cap "$work" console.log >/dev/null && return 7
	# A kvm qemu that died before any kernel output made no progress either.
	if [ "$a" = kvm ] && ! grep -q 'Linux version' "$work/console.log"; then
		return 3
	fi
	return 0
}

# Kernel variant i: its spec (--kernel: SPEC [boot parameters]), image,
# label, extra boot parameters, origin (vm.env lines) and run directory.
kspec=() kimage=() klabel=() kappend=() korigin=() kdir=() kstamp=()

# Resolves every --kernel before the first boot; 1 when one cannot be.
resolve_all() {
	local i j k spec image bad=0 work
	for i in "${!kernels[@]}"; do
		k=${kernels[$i]}
		spec=${k%% *}
		kspec[$i]=$spec
		kappend[$i]=
		[ "$spec" != "$k" ] && kappend[$i]=${k#* }
		# variants of one image (other boot parameters) resolve it once
		for ((j = 0; j < i; j++)); do
			[ "${kspec[$j]}" = "$spec" ] && [ -n "${kimage[$j]:-}" ] && break
		done
		if [ "$j" -lt "$i" ]; then
			kimage[$i]=${kimage[$j]} klabel[$i]=${klabel[$j]} korigin[$i]=${korigin[$j]}
			continue
		fi
		if ! image=$(resolve_kernel "$spec"); then
			work=$(mktemp -d "$tmp_root/work.XXXXXX") || return 1
			failed_dir "$out/$(date -u +%Y%m%dT%H%M%SZ)-vm-$(dir_word "$k")-failed" "$k" \
				"kernel $spec not available (see above)" "$work" "$accel"
			rm -rf "$work"
			kimage[$i]=
			bad=1
			continue
		fi
		kimage[$i]=$image
		klabel[$i]=$(basename "$image"); klabel[$i]=${klabel[$i]#vmlinuz-}
		korigin[$i]=$(kernel_origin "$image")
	done
	return $bad
}

# Kernel variant $1's round $2, start to end; kdir[$1] is its run directory
# once one came back (round 1 names it; later rounds go on with it, --resume
# in the guest, and replace it when theirs comes back).  Runs in the main
# shell (not a command substitution), so its trap sees Ctrl-C.
run_kernel() {
	local i=$1 round=$2 initrd=$3 image=${kimage[$1]} label=${klabel[$1]}
	local append=${kappend[$1]} origin=${korigin[$1]} prev_dir=${kdir[$1]:-}
	local work used status dir reason name what
	work=$(mktemp -d "$tmp_root/work.XXXXXX") || return 1
	[ -n "${kstamp[$i]:-}" ] || kstamp[$i]=$(date -u +%Y%m%dT%H%M%SZ)
	build_run_cpio "$work/stage" tcg >"$work/run-tcg.cpio.gz" || return 1
	build_run_cpio "$work/stage" kvm >"$work/run-kvm.cpio.gz" || return 1
	used=$accel
	if [ "$accel" = auto ]; then
		if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then used=kvm; else used=tcg; fi
	fi
	what="$label${append:+ ($append)}"
	[ "$rounds" -gt 1 ] && what="$what, round $round of $rounds"
	say "$what: booting under $used ($cpus CPUs, $memory MiB, timeout ${timeout} s)"
	cat "$initrd" "$work/run-$used.cpio.gz" >"$work/initrd.gz"
	boot "$image" "$work/initrd.gz" "$used" "$work"
	status=$?
	if [ $status -eq 3 ]; then
		if [ "$accel" = auto ]; then
			say "$label: kvm made no progress (no kernel output within ${kvm_boot_wait} s; qemu: $(tail -n1 "$work/qemu.log")): falling back to tcg, figures will be emulated"
			used=tcg
			cat "$initrd" "$work/run-tcg.cpio.gz" >"$work/initrd.gz"
			boot "$image" "$work/initrd.gz" tcg "$work"
			status=$?
		fi
		[ $status -eq 3 ] && status=6
	fi
	name="${kstamp[$i]}-vm-$(dir_word "$label")${append:+-$(dir_word "$append")}"
	dir=${prev_dir:-$out/$name-$used}
	[ "$rounds" -gt 1 ] && name="$name-round$round"
	if [ $status -eq 0 ] && grep -aq '^EVB-DATA-END' "$work/data.b64"; then
		if ! reason=$(receive_run_dir "$work" "$work/back"); then
			failed_dir "$out/$name-$used-damaged" "$label" \
				"the run directory came back damaged: $reason" "$work" "$used" damaged
			rm -rf "$work"; return 1
		fi
		# the rounds before are in what came back: it replaces them whole
		# (their console logs are the host's, kept beside this one's)
		if [ "$rounds" -gt 1 ]; then
			mv "$work/back/vm-console.log" "$work/back/vm-console-round$round.log"
			[ -n "$prev_dir" ] && cp "$prev_dir"/vm-console-round*.log "$work/back/" 2>/dev/null
		fi
		if [ -n "$prev_dir" ]; then
			mv "$prev_dir" "$work/before" && mv "$work/back" "$prev_dir" ||
				{ say "$prev_dir: cannot replace it with round $round's"; rm -rf "$work"; return 1; }
		else
			mv "$work/back" "$dir" || { say "cannot create $dir"; rm -rf "$work"; return 1; }
		fi
		say "$what: run directory back: $dir"
		rm -rf "$work"
		kdir[$i]=$dir
		return 0
	fi
	[ $status -eq 6 ] && reason="kvm: no kernel output within ${kvm_boot_wait} s" ||
		reason=$(failure_reason "$work" "$status")
	failed_dir "$out/$name-$used-failed" "$label" "$reason" "$work" "$used"
	rm -rf "$work"
	[ $status -eq 5 ] && return 130
	return 1
}

# The whole run, called from the last line: bash has read the entire
# script before any of it runs.
main() {
	local initrd own runs=() failed=0 dir
	need_packages || return 1
	[ "$memory" = plan ] && size_memory
	mkdir -p "$out" || { say "cannot create $out"; return 1; }
	prepare_cache || return 1
	initrd=$(build_initramfs) || { say "cannot build the initramfs"; return 1; }
	say "initramfs: $initrd"
	# This run's own copy: another evbench vm may prune the cache meanwhile.
	own=$(mktemp "$tmp_root/initrd.XXXXXX") && cp "$initrd" "$own" ||
		{ say "cannot copy $initrd"; return 1; }
	initrd=$own
	resolve_all || failed=1
	local round i
	for round in $(seq 1 "$rounds"); do
		for i in "${!kernels[@]}"; do
			[ -n "${kimage[$i]:-}" ] || continue
			if [ "$interrupted" = 1 ]; then
				say "interrupted: kernel ${kernels[$i]} round $round not run"
				continue
			fi
			run_kernel "$i" "$round" "$initrd"
			case $? in
			0) ;;
			130) interrupted=1; failed=$((failed + 1)) ;;
			*) failed=$((failed + 1)) ;;
			esac
		done
	done
	for i in "${!kernels[@]}"; do
		[ -n "${kdir[$i]:-}" ] && runs+=("${kdir[$i]}")
	done
	for dir in "${runs[@]}"; do
		"$bin_dir/evbench" plot "$dir" >&2 || say "$dir: figures not drawn"
		"$bin_dir/evbench" report "$dir" >&2 || say "$dir: report not written"
	done
	if [ ${#runs[@]} -ge 2 ] && [ "$interrupted" = 0 ]; then
		local cmp_dir
		cmp_dir="$out/compare-vm-$(date -u +%Y%m%dT%H%M%SZ)"
		if "$bin_dir/evbench" compare --nway --out "$cmp_dir" "${runs[@]}" >&2; then
			"$bin_dir/evbench" report "$cmp_dir" >&2 || say "$cmp_dir: report not written"
		else
			say "compare of ${runs[*]} failed"
		fi
	fi
	for dir in "${runs[@]}"; do echo "$dir"; done
	[ "$interrupted" = 1 ] && return 130
	[ $failed -gt 0 ] && return 1
	return 0
}

main
exit $?
