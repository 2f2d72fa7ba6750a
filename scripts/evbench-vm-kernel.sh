# evbench-vm-kernel.sh - sourced by evbench-vm.sh: a --kernel argument
# (image path, Debian package name, or host) to a kernel image, on stdout,
# or a reason on stderr (say, cache and prog are evbench-vm.sh's).

# The kernel image of package $1 (a meta-package leads to the image package
# it depends on), unpacked under $cache/kernels; prints the vmlinuz path.
kernel_from_package() {
	local pkg=$1 depth=${2:-0} dir image dep downloaded=yes
	dir="$cache/kernels/$pkg"
	image=$(ls "$dir"/root/boot/vmlinuz-* 2>/dev/null | head -n1)
	if [ -z "$image" ]; then
		mkdir -p "$dir" || return 1
		rm -f "$dir"/*.deb
		# As root, apt would hand the download to its _apt user, who
		# cannot write to root's cache: download as root, quietly.
		# (a meta-package whose download fails, offline, is still
		# followed: apt's lists name its image package, maybe cached)
		if (cd "$dir" && apt-get download -q -o APT::Sandbox::User=root "$pkg" >&2); then
			dpkg-deb -x "$dir"/*.deb "$dir/root" ||
				{ say "dpkg-deb -x of $pkg failed"; return 1; }
			image=$(ls "$dir"/root/boot/vmlinuz-* 2>/dev/null | head -n1)
		else
			downloaded=no
		fi
	fi
	if [ -z "$image" ]; then
		dep=$(apt-cache depends --important "$pkg" 2>/dev/null |
			sed -n 's/^ *Depends: \(linux-image-[^ ]*\)$/\1/p' | head -n1)
		if [ "$downloaded" = no ] && { [ -z "$dep" ] || [ "$depth" -ge 3 ]; }; then
			say "apt-get download $pkg failed (no such package, or no network)"
			return 1
		fi
		if [ -n "$dep" ] && [ "$depth" -lt 3 ]; then
			if [ "$downloaded" = no ]; then
				say "apt-get download $pkg failed: following apt's lists to its image package $dep"
			else
				say "$pkg holds no kernel image: following it to $dep"
			fi
			kernel_from_package "$dep" $((depth + 1))
			return
		fi
		say "package $pkg holds no /boot/vmlinuz-*"
		return 1
	fi
	echo "$image"
}

# $1 (path | package | host) -> image path on stdout, or a reason on stderr.
resolve_kernel() {
	local k=$1
	if [ "$k" = host ]; then
		if [ -r "/boot/vmlinuz-$(uname -r)" ]; then
			echo "/boot/vmlinuz-$(uname -r)"
			return 0
		fi
		say "host: the running kernel's image is not available (/boot/vmlinuz-$(uname -r) does not exist or is unreadable)"
		return 1
	fi
	if [[ "$k" == */* ]] || [ -f "$k" ]; then
		[ -r "$k" ] && { echo "$k"; return 0; }
		say "kernel image $k: not a readable file"
		return 1
	fi
	kernel_from_package "$k"
}
