# evbench-vm-back.sh - sourced by evbench-vm.sh (after evbench-safe.sh):
# what comes back from a guest.  Its run directory arrives on the data
# channel (a gzip'd tar, base64, between markers) and is unpacked only when
# it holds nothing but files and directories under R/; otherwise, and when
# the guest gave nothing back, a failed or damaged run directory holds the
# console log and the reason.  say, cpus and memory are evbench-vm.sh's.

# console.log and the data channel (data.b64) each stop the VM past this.
vm_cap_bytes=$((64 * 1024 * 1024))

# The name of the first of $1's console.log and data.b64 (or of the files
# named after $1) past vm_cap_bytes.
over_cap() {
	local work=$1 f size
	shift
	[ $# -gt 0 ] || set -- console.log data.b64
	for f in "$@"; do
		size=$(stat -c %s "$work/$f" 2>/dev/null) || continue
		if [ "$size" -gt "$vm_cap_bytes" ]; then
			echo "$f"
			return 0
		fi
	done
	return 1
}

over_cap_reason() {
	case $1 in
	console.log) echo "the guest's console passed $((vm_cap_bytes >> 20)) MiB (console.log is cut there)" ;;
	*) echo "the guest's data channel passed $((vm_cap_bytes >> 20)) MiB: its run directory is not read" ;;
	esac
}

# A run directory for a kernel that gave none back (or a refused one, with
# state `damaged`): console log, qemu's log, the guest's archive when it was
# refused, and env.csv with the reason.
failed_dir() {
	local dir=$1 label=$2 reason=$3 work=$4 used=$5 state=${6:-failed}
	mkdir -p "$dir" || return 1
	if [ -f "$work/console.log" ]; then
		head -c "$vm_cap_bytes" "$work/console.log" >"$work/console.cut" &&
			cp --remove-destination "$work/console.cut" "$dir/vm-console.log"
	fi
	[ -s "$work/qemu.log" ] && cp --remove-destination "$work/qemu.log" "$dir/vm-qemu.log"
	[ "$state" = damaged ] && [ -s "$work/back.tar.gz" ] &&
		cp --remove-destination "$work/back.tar.gz" "$dir/vm-archive.rejected"
	evb_write_env "$dir" "$state: $reason" kernel_release "$label" vm_accel "$used" \
		vm_cpus "$cpus" vm_memory_mb "$memory"
	local what=FAILED
	[ "$state" = damaged ] && what=DAMAGED
	if [ -f "$dir/vm-console.log" ]; then
		say "$label: $what: $reason (console log: $dir/vm-console.log)"
	else
		say "$label: $what: $reason"
	fi
}

# Why a boot gave nothing back, from the console (one line, printable).
failure_reason() {
	local work=$1 status=$2 line
	case $status in
	4) echo "timed out after ${timeout} s (--timeout)"; return ;;
	5) echo "interrupted: the VM was stopped"; return ;;
	7) over_cap_reason "$(over_cap "$work")"; return ;;
	esac
	line=$(grep -a -m1 -E 'Kernel panic|BUG:|Oops' "$work/console.log" | evb_printable | tr -d '\n')
	if [ -n "$line" ]; then echo "kernel panic: $line"
	elif ! grep -a -q 'Linux version' "$work/console.log"; then
		echo "did not boot (no kernel output on the console; qemu: $(tail -n1 "$work/qemu.log" | evb_printable | tr -d '\n'))"
	elif ! grep -a -q 'EVB-VM: userspace up' "$work/console.log"; then
		echo "the kernel booted but did not reach /init (initramfs not unpacked?)"
	else echo "the VM powered off without sending the run directory back"
	fi
}

# The guest's run directory from $1/data.b64 into $2 (new): 0, or 1 with
# the reason on stdout (nothing is left at $2 then).
receive_run_dir() {
	local work=$1 dir=$2 why
	if over_cap "$work" data.b64 >/dev/null; then
		over_cap_reason data.b64
		return 1
	fi
	sed -n '/^EVB-DATA-BEGIN/,/^EVB-DATA-END/p' "$work/data.b64" | tr -d '\r' |
		grep -av '^EVB-DATA-' | base64 -d >"$work/back.tar.gz" 2>/dev/null ||
		{ echo "the data channel's base64 does not decode"; return 1; }
	why=$(evb_untar "$work/back.tar.gz" "$dir" R) ||
		{ echo "its archive was refused: $why"; return 1; }
	# The console log is the host's; a guest that sent one is not believed.
	if compgen -G "$dir/vm-console*.log" >/dev/null; then
		rm -rf "$dir"
		echo "its archive was refused: it holds R/vm-console*.log, which only the host writes"
		return 1
	fi
	head -c "$vm_cap_bytes" "$work/console.log" >"$dir/vm-console.log"
}
