# evbench-vm-kernel.sh - sourced by evbench-vm.sh: the cache, and a --kernel
# argument (image path, Debian package name, or host) to a kernel image, on
# stdout, or a reason on stderr (say, cache and prog are evbench-vm.sh's).
#
# The cache ($XDG_CACHE_HOME/evbench, else ~/.cache/evbench) is trusted only
# when it and its kernels/ and initramfs/ are directories of this user (of
# root, run as root) that nobody else may write.  A package is downloaded
# and unpacked into a .part- directory inside kernels/ and renamed to
# kernels/<package> only when complete (marked by its file `complete`); a
# directory without that mark is never used.

# $1: a real directory owned by the effective user, writable by nobody else.
cache_dir_trusted() {
	local dir=$1 mode hint="set XDG_CACHE_HOME to a directory of your own"
	[ "$(id -u)" = 0 ] && hint="as root only a root-owned cache is used: sudo -H, or $hint"
	if [ -L "$dir" ] || [ ! -d "$dir" ]; then
		say "cache $dir: not a directory (a symbolic link or something else): refused"
		return 1
	fi
	if [ ! -O "$dir" ]; then
		say "cache $dir is owned by uid $(stat -c %u "$dir"), not by $(id -un)" \
			"(uid $(id -u)): refused, its kernels and initramfs could be anyone's ($hint)"
		return 1
	fi
	mode=$(stat -c %a "$dir")
	if (( 8#$mode & 8#022 )); then
		say "cache $dir is writable by its group or others (mode $mode): refused"
		return 1
	fi
}

prepare_cache() {
	local d
	mkdir -p "$(dirname "$cache")" && { [ -d "$cache" ] || mkdir -m 700 "$cache"; } ||
		{ say "cannot create the cache $cache"; return 1; }
	for d in "$cache" "$cache/kernels" "$cache/initramfs"; do
		[ -e "$d" ] || [ -L "$d" ] || mkdir -m 700 "$d" ||
			{ say "cannot create $d"; return 1; }
		cache_dir_trusted "$d" || return 1
	done
}

# Debian's package-name grammar (Policy 5.6.1), which keeps a leading -,
# a / and .. out of apt-get's arguments and the cache's paths.
package_name_ok() { [[ $1 =~ ^[a-z0-9][a-z0-9+.-]+$ ]]; }

# The vmlinuz of a complete cache entry $1, if any.
cached_image() {
	[ -f "$1/complete" ] && [ -O "$1" ] && [ ! -L "$1" ] || return 0
	ls "$1"/root/boot/vmlinuz-* 2>/dev/null | head -n1
}

# Downloads package $1 and unpacks it into a new .part- directory; renamed
# to $2 when it holds a kernel image.  0 when downloaded (image or not).
fetch_package() {
	local pkg=$1 dir=$2 part
	part=$(mktemp -d "$cache/kernels/.part-$$-XXXXXX") || return 1
	# As root, apt would hand the download to its _apt user, who cannot
	# write to root's cache: download as root, quietly.
	if ! (cd "$part" && apt-get download -q -o APT::Sandbox::User=root -- "$pkg" >&2); then
		rm -rf "$part"
		return 1
	fi
	if ! dpkg-deb -x "$part"/*.deb "$part/root"; then
		say "dpkg-deb -x of $pkg failed"
	elif ls "$part"/root/boot/vmlinuz-* >/dev/null 2>&1; then
		rm -f "$part"/*.deb
		: >"$part/complete"
		# a leftover without the mark (an interrupted older evbench)
		# goes; a complete one renamed meanwhile by another run stays
		[ -f "$dir/complete" ] || rm -rf "$dir"
		mv -T "$part" "$dir" 2>/dev/null
	fi
	rm -rf "$part"
	return 0
}

# The kernel image of package $1 (a meta-package leads to the image package
# it depends on), unpacked under $cache/kernels; prints the vmlinuz path.
kernel_from_package() {
	local pkg=$1 depth=${2:-0} dir image dep downloaded=yes
	if ! package_name_ok "$pkg"; then
		say "kernel '$pkg': not a Debian package name (lower-case letters, digits, + - . ;" \
			"an image is given by a path with a /)"
		return 1
	fi
	dir="$cache/kernels/$pkg"
	image=$(cached_image "$dir")
	if [ -z "$image" ]; then
		# (a meta-package whose download fails, offline, is still
		# followed: apt's lists name its image package, maybe cached)
		fetch_package "$pkg" "$dir" || downloaded=no
		image=$(cached_image "$dir")
	fi
	if [ -z "$image" ]; then
		dep=$(apt-cache depends --important -- "$pkg" 2>/dev/null |
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
		[ -r "$k" ] && [ -f "$k" ] && { echo "$k"; return 0; }
		say "kernel image $k: not a readable file"
		return 1
	fi
	kernel_from_package "$k"
}
