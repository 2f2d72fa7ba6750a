# evbench-vm-kernel.sh - sourced by evbench-vm.sh: the cache, and a --kernel
# argument (image path, Debian package name, a version line such as 5.10, or
# host) to a kernel image, on stdout, or a reason on stderr (say, cache and
# prog are evbench-vm.sh's).
#
# Debian releases: a package name is looked up in the system's apt lists
# first, then in bullseye's, bookworm's and trixie's; a version line (5.10,
# 6.1, 6.12) is the newest cloud image of the release that carries it, its
# linux-image-cloud-amd64.  Each release's lists live in an apt state of
# evbench's own, $cache/apt/<release>/ (sources.list, lists/, cache/), or
# as root /var/cache/evbench-apt/<release>/, refreshed when a day old; the
# system's apt sources are never touched.  apt keeps its sandbox: as root
# it downloads and parses as its _apt user, into partial/ directories (and
# a download directory) handed to _apt.
# A package's entry records where it came from (kernels/<package>/origin:
# debian=<release>, package=, version=), for env.csv.
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
	for d in "$cache" "$cache/kernels" "$cache/initramfs" "$cache/apt"; do
		[ -e "$d" ] || [ -L "$d" ] || mkdir -m 700 "$d" ||
			{ say "cannot create $d"; return 1; }
		cache_dir_trusted "$d" || return 1
	done
	# apt's state as root: root's, and open to _apt to pass through
	d=$(apt_home)
	[ -e "$d" ] || [ -L "$d" ] || mkdir -m 755 "$d" || { say "cannot create $d"; return 1; }
	cache_dir_trusted "$d"
}

# The releases evbench reads, in the order a package name is looked up, and
# the version line each one's cloud kernel is.
vm_releases=(bullseye bookworm trixie)
release_of_line() {
	case $1 in
	5.10) echo bullseye ;;
	6.1) echo bookworm ;;
	6.12) echo trixie ;;
	*) return 1 ;;
	esac
}

# Where apt's private state per release lives.  apt started as root fetches
# and parses what the network sent as its _apt user (its sandbox), who
# must reach and write the directories it downloads into; root's cache
# under /root is closed to it, so as root the state lives in a directory of
# root's that _apt can reach, its partial/ directories handed to _apt.
apt_sandboxed() { [ "$(id -u)" = 0 ] && id -u _apt >/dev/null 2>&1; }
apt_home() {
	if apt_sandboxed; then
		echo /var/cache/evbench-apt
	else
		echo "$cache/apt"
	fi
}
# mkdir -p $@, each then handed to _apt (mode 0700) when apt is sandboxed.
apt_dirs_for_apt() {
	mkdir -p "$@" || return 1
	apt_sandboxed || return 0
	chown _apt "$@" && chmod 0700 "$@"
}

# apt's options for release $1 ("" : the system's own apt), in apt_args.
apt_args=()
use_release() {
	apt_release=$1
	apt_args=()
	[ -z "$1" ] && return 0
	local d
	d="$(apt_home)/$1"
	apt_args+=(-o "Dir::Etc::SourceList=$d/sources.list"
		-o "Dir::Etc::SourceParts=$d/sources.list.d" -o "Dir::State::Lists=$d/lists"
		-o "Dir::Cache=$d/cache" -o "Dir::Etc::PreferencesParts=$d/preferences.d"
		-o "Acquire::Languages=none")
}

# Release $1's private apt state, its lists fetched when missing or a day
# old (kept when a refresh fails: offline, the old lists still resolve).
release_lists() {
	local rel=$1 d key=/usr/share/keyrings/debian-archive-keyring.gpg
	d="$(apt_home)/$1"
	use_release "$rel"
	mkdir -p "$d/sources.list.d" "$d/preferences.d" &&
		apt_dirs_for_apt "$d/lists/partial" "$d/cache/archives/partial" ||
		{ say "cannot create $d"; return 1; }

	cat >"$d/sources.list" <<-EOF || return 1
	deb [signed-by=$key] http://deb.debian.org/debian $rel main
	deb [signed-by=$key] http://deb.debian.org/debian $rel-updates main
	deb [signed-by=$key] http://deb.debian.org/debian-security $rel-security main
	EOF
	if [ -z "$(find "$d/lists" -maxdepth 1 -name '*_Packages*' -mmin -1440 2>/dev/null)" ]; then
		say "reading Debian $rel's package lists (into $d, the system's apt untouched)"
		apt-get "${apt_args[@]}" -qq update >&2 ||
			say "apt-get update of $rel failed${rel:+ (going on with the lists there are)}"
	fi
	ls "$d/lists/"*_Packages* >/dev/null 2>&1 ||
		{ say "no package lists of Debian $rel (no network?)"; return 1; }
}

# Does the current apt know package $1?
apt_knows() { apt-cache "${apt_args[@]}" show -- "$1" >/dev/null 2>&1; }

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
	local pkg=$1 dir=$2 part dl
	part=$(mktemp -d "$cache/kernels/.part-$$-XXXXXX") || return 1
	# apt downloads as _apt (its sandbox) into a directory _apt can reach
	# and write; the package then moves into the cache, root's own.
	dl=$(mktemp -d "$(apt_home)/.download-$$-XXXXXX") &&
		apt_dirs_for_apt "$dl" || { rm -rf "$part" "$dl"; return 1; }
	if ! (cd "$dl" && apt-get download -q "${apt_args[@]}" -- "$pkg" >&2) ||
	   ! mv "$dl"/*.deb "$part"/; then
		rm -rf "$part" "$dl"
		return 1
	fi
	rm -rf "$dl"
	if ! dpkg-deb -x "$part"/*.deb "$part/root"; then
		say "dpkg-deb -x of $pkg failed"
	elif ls "$part"/root/boot/vmlinuz-* >/dev/null 2>&1; then
		printf 'debian=%s\npackage=%s\nversion=%s\n' "${apt_release:-system}" "$pkg" \
			"$(dpkg-deb -f "$part"/*.deb Version)" >"$part/origin"
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
		dep=$(apt-cache "${apt_args[@]}" depends --important -- "$pkg" 2>/dev/null |
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
	# an entry cached before origins were recorded: apt's lists say
	if [ ! -f "$dir/origin" ] && [ -O "$dir" ]; then
		printf 'debian=%s\npackage=%s\nversion=%s\n' "${apt_release:-system}" "$pkg" \
			"$(apt-cache "${apt_args[@]}" show --no-all-versions -- "$pkg" 2>/dev/null |
			   sed -n 's/^Version: //p' | head -n1)" >"$dir/origin" 2>/dev/null
	fi
	echo "$image"
}

# A package name: the system's lists, else the first release that has it.
kernel_from_any_release() {
	local pkg=$1 rel
	use_release ""
	# (a name outside the grammar is refused there, before any apt call)
	package_name_ok "$pkg" || { kernel_from_package "$pkg"; return; }
	if ! apt_knows "$pkg" && ! [ -f "$cache/kernels/$pkg/complete" ]; then
		for rel in "${vm_releases[@]}"; do
			release_lists "$rel" 2>/dev/null || continue
			apt_knows "$pkg" && break
			use_release ""
		done
	fi
	kernel_from_package "$pkg"
}

# $1 (path | package | version line | host) -> image path on stdout, or a
# reason on stderr.
resolve_kernel() {
	local k=$1 rel
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
	if [[ "$k" =~ ^[0-9]+\.[0-9]+$ ]]; then
		if ! rel=$(release_of_line "$k"); then
			say "kernel $k: no Debian release evbench reads carries that line (5.10: bullseye, 6.1: bookworm, 6.12: trixie); give a package name or an image path"
			return 1
		fi
		release_lists "$rel" || return 1
		say "kernel $k: Debian $rel's linux-image-cloud-amd64"
		kernel_from_package linux-image-cloud-amd64
		return
	fi
	kernel_from_any_release "$k"
}

# The origin of image $1 (a cache entry's), as vm.env lines.
kernel_origin() {
	local f="${1%/root/boot/*}/origin" key value
	[ "$f" != "$1/origin" ] && [ -f "$f" ] || return 0
	while IFS='=' read -r key value; do
		case $key in
		debian) echo "vm_kernel_debian=$value" ;;
		package) echo "vm_kernel_package=$value" ;;
		version) echo "vm_kernel_package_version=$value" ;;
		esac
	done <"$f"
}
