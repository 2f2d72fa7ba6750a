# evbench-vm-image.sh - sourced by evbench-vm.sh: the guest's initramfs.
# A cached archive of what every boot shares (busybox, the bundle, /init),
# and the small per-run part appended to it (the run's options, what the
# host knows, the round).  Reads evbench-vm.sh's settings (cache, bin_dir,
# scripts_dir, plots_dir, tmp_root, run_args and the current kernel's
# append, origin, round and prev_dir).

# The initramfs: busybox, the bundle of evbench (`evbench bundle --dir`: its
# drivers, the libraries ldd names with their loader, the plots) at
# /evb/bundle, and /init.  Cached by the hash of what goes into it.
build_initramfs() {
	local stage files=() f hash image
	if [ -f "$bin_dir/BUNDLE.txt" ]; then      # a bundle: its programs
		files=("$bin_dir"/evbench "$bin_dir"/libexec/*)
	else
		files=("$bin_dir"/evbench "$bin_dir"/evb-*)
	fi
	hash=$( { cat "${files[@]}" /bin/busybox "$scripts_dir"/*.sh "$plots_dir"/*.gp;
		  for f in "${files[@]}"; do ldd "$f" 2>/dev/null; done; } | sha256sum | cut -c1-16)
	image="$cache/initramfs/$hash.cpio.gz"
	if [ -s "$image" ] && [ -O "$image" ]; then
		touch "$image"      # its use, for prune_initramfs
		echo "$image"
		return 0
	fi
	stage=$(mktemp -d "$tmp_root/stage.XXXXXX") || return 1
	mkdir -p "$stage"/{bin,evb,proc,sys,dev,tmp,run}
	cp /bin/busybox "$stage/bin/busybox"
	if ! sh "$scripts_dir/bundle.sh" "$bin_dir" "$plots_dir" dir \
		"$stage/evb/bundle" >/dev/null; then
		rm -rf "$stage"
		return 1
	fi
	cp "$scripts_dir/evbench-vm-init.sh" "$stage/init"
	chmod 755 "$stage/init"
	# Built beside its final name and renamed: a concurrent build never
	# sees half an archive.
	local part rc
	part=$(mktemp "$image.part-$$-XXXXXX") || return 1
	(cd "$stage" && find . | /bin/busybox cpio -o -H newc 2>/dev/null | gzip -1) \
		>"$part" && mv "$part" "$image"
	rc=$?
	rm -rf "$stage" "$part"
	[ $rc -eq 0 ] || return 1
	prune_initramfs "$image"
	echo "$image"
}

# Keeps the four most recently used images: every rebuild of the binaries
# makes a new one (3-4 MB), and nothing else ever removed them.  A run that
# is using an older one has its own copy (main).
prune_initramfs() {
	local keep=$1 old
	ls -t "$cache"/initramfs/*.cpio.gz 2>/dev/null | tail -n +5 |
		while read -r old; do
			[ "$old" != "$keep" ] && rm -f "$old"
		done
}

# The per-run part, appended to the cached archive: /evb/args (the run
# options, shell-quoted) and /evb/vm.env (what the host knows; the guest
# stops its run before vm_timeout_s so that what it has comes back).
build_run_cpio() {
	local stage=$1 accel_used=$2 a
	rm -rf "$stage"
	mkdir -p "$stage/evb"
	{
		printf 'set --'
		for a in "${run_args[@]}"; do
			printf " '%s'" "${a//\'/\'\\\'\'}"
		done
		printf '\n'
	} >"$stage/evb/args"
	printf 'vm_accel=%s\nvm_cpus=%s\nvm_memory_mb=%s\nvm_memory_from=%s\nvm_timeout_s=%s\n' \
		"$accel_used" "$cpus" "$memory" "$memory_source" "$timeout" >"$stage/evb/vm.env"
	printf 'vm_append=%s\nvm_rounds=%s\n%s\n' "$append" "$rounds" "$origin" >>"$stage/evb/vm.env"
	# /evb/round: this boot's round; a later round goes on with the run
	# directory the rounds before left (/evb/prev/R)
	[ "$rounds" -gt 1 ] && printf '%s/%s\n' "$round" "$rounds" >"$stage/evb/round"
	if [ -n "$prev_dir" ]; then
		mkdir -p "$stage/evb/prev" && cp -a "$prev_dir" "$stage/evb/prev/R" || return 1
		rm -rf "$stage/evb/prev/R/figures" "$stage/evb/prev/R/report."* \
			"$stage/evb/prev/R/"vm-console*.log
	fi
	(cd "$stage" && find evb | /bin/busybox cpio -o -H newc 2>/dev/null | gzip -1)
}
