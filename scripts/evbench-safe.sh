#!/bin/sh
# evbench-safe.sh - what evbench's scripts do with data from places they do
# not control (a guest's run directory, a fleet host's results tarball, a
# guest's console).  Sourced by evbench-vm.sh, evbench-vm-init.sh and the
# tests; run as a command by fleet/evbench.yml:
#
#   evbench-safe.sh ARCHIVE DEST   unpack ARCHIVE as the new directory DEST,
#                                  or make DEST a damaged run directory
#                                  naming why, and exit 1
#
# POSIX sh: it also runs under busybox in the guest and as `sh` on a fleet
# controller.

# The largest tree an archive may unpack to, 256 MiB: evbench reads no CSV
# file larger (bench/evb_csv.h), and a run directory's whole tree is far
# less (a big run's results.csv is ~50 MiB).
evb_untar_max_bytes=${evb_untar_max_bytes:-268435456}

# evb_csv_field VALUE: VALUE as one CSV field (RFC 4180): in double quotes,
# its quotes doubled, when it holds a comma, a quote, CR or LF.
evb_csv_field() {
	case $1 in
	*[,\"]* | *"$(printf '\r')"* | *'
'*)
		printf '"%s"' "$(printf '%s' "$1" | sed 's/"/""/g')" ;;
	*) printf '%s' "$1" ;;
	esac
}

# evb_printable: stdin with every byte but printable ASCII and newlines
# removed (escape sequences from a guest's console never reach a terminal).
evb_printable() {
	LC_ALL=C tr -cd '\n\040-\176'
}

# evb_untar_check ARCHIVE [TOP]: 0 when every entry of the gzip'd tar
# ARCHIVE is a regular file or a directory, with a relative name free of
# `..` components and control characters, no setuid, setgid or sticky bit,
# under TOP/ when TOP is given, and the whole under evb_untar_max_bytes;
# else 1 and the first reason on stdout.  Nothing is unpacked.
evb_untar_check() {
	_archive=$1 _top=${2:-}
	# -P: names as stored (GNU tar would drop a leading / and hide it);
	# escape quoting: one line per entry, a control character as \ooo.
	if ! _verbose=$(LC_ALL=C tar -tvzPf "$_archive" --quoting-style=escape \
		--numeric-owner 2>/dev/null); then
		_err=$(LC_ALL=C tar -tzf "$_archive" 2>&1 >/dev/null | evb_printable | tail -n1)
		echo "not a readable gzip'd tar archive (${_err:-tar failed})"
		return 1
	fi
	_names=$(LC_ALL=C tar -tzPf "$_archive" --quoting-style=escape 2>/dev/null) ||
		{ echo "not a readable gzip'd tar archive"; return 1; }
	[ -n "$_names" ] || { echo "an empty archive"; return 1; }
	# One stream: the long listing (types, modes, sizes), a line holding
	# only \001 (which escape quoting never prints), the names.
	{ printf '%s\n\001\n%s\n' "$_verbose" "$_names"; } |
	LC_ALL=C awk -v top="$_top" -v max="$evb_untar_max_bytes" '
		function bad(why) { printf "%s: %s\n", why, $0; found = 1; exit 1 }
		$0 == "\001" { names = 1; next }
		!names { n++; type[n] = substr($0, 1, 1); mode[n] = substr($0, 2, 9)
			 size[n] = $3; next }
		{
			m++; t = type[m]
			if (t == "l") bad("a symbolic link")
			if (t == "h") bad("a hard link")
			if (t == "c" || t == "b") bad("a device node")
			if (t == "p") bad("a FIFO")
			if (t != "-" && t != "d") bad("an entry of tar type " t)
			if (mode[m] ~ /[sStT]/) bad("a setuid, setgid or sticky bit (" mode[m] ")")
			if (index($0, "\\")) bad("a control character or backslash in a name")
			if ($0 == "") bad("an empty name")
			if (substr($0, 1, 1) == "/") bad("an absolute name")
			k = split($0, part, "/")
			for (i = 1; i <= k; i++) if (part[i] == "..") bad("a .. component")
			name = $0; sub(/^(\.\/)+/, "", name)
			if (top != "" && name != top && name != top "/" &&
			    substr(name, 1, length(top) + 1) != top "/")
				bad("an entry outside " top "/")
			if (t == "-") total += size[m]
			if (total > max)
				bad(sprintf("more than %d MiB (%d bytes) unpacked, the limit, at",
					    max / 1048576, max))
		}
		END {
			if (found) exit 1
			if (m != n) { print "a listing that does not parse"; exit 1 }
		}'
}

# evb_untar ARCHIVE DEST [TOP]: checks ARCHIVE (evb_untar_check), unpacks
# it into a new directory beside DEST (no owners, modes within the umask)
# and renames that (or its TOP/) to DEST, which must not exist.  1 and the
# reason on stdout when the archive is refused or cannot be unpacked.
evb_untar() {
	_archive=$1 _dest=$2 _top=${3:-}
	evb_untar_check "$_archive" "$_top" || return 1
	if [ -e "$_dest" ] || [ -L "$_dest" ]; then
		echo "$_dest exists"
		return 1
	fi
	_stage=$(mktemp -d "$(dirname "$_dest")/.evbench-untar.XXXXXX") ||
		{ echo "cannot make a directory beside $_dest"; return 1; }
	if ! _err=$(tar -xzf "$_archive" -C "$_stage" --no-same-owner \
		--no-same-permissions --no-overwrite-dir 2>&1); then
		rm -rf "$_stage"
		echo "tar could not unpack it: $(printf '%s' "$_err" | evb_printable | tail -n1)"
		return 1
	fi
	# What tar made is checked too: files and directories only, no
	# special bits, readable by the user whatever modes the archive gave.
	_odd=$(find "$_stage" ! -type f ! -type d -print -o -perm /7000 -print | head -n1)
	if [ -n "$_odd" ]; then
		rm -rf "$_stage"
		echo "unpacked an entry that is not a plain file or directory: ${_odd#"$_stage"/}"
		return 1
	fi
	chmod -R u+rwX "$_stage"
	_from=$_stage
	[ -n "$_top" ] && _from=$_stage/$_top
	if [ ! -d "$_from" ] || ! mv -T "$_from" "$_dest" 2>/dev/null; then
		rm -rf "$_stage"
		echo "cannot rename the unpacked tree to $_dest"
		return 1
	fi
	rm -rf "$_stage"
}

# evb_write_env DIR STATE [KEY VALUE]...: DIR (made when missing) gets a new
# env.csv: run_state STATE (`failed: why`, `damaged: why`) and the pairs.
evb_write_env() {
	_dir=$1 _state=$2
	shift 2
	mkdir -p "$_dir" || return 1
	rm -f "$_dir/env.csv"
	{
		echo "key,value"
		while [ $# -ge 2 ]; do
			echo "$1,$(evb_csv_field "$2")"
			shift 2
		done
		echo "run_state,$(evb_csv_field "$_state")"
	} >"$_dir/env.csv"
}

# As a command (fleet/evbench.yml): a fleet host's run directory.
case ${0##*/} in
evbench-safe.sh)
	[ $# -eq 2 ] || { echo "usage: evbench-safe.sh ARCHIVE DEST" >&2; exit 2; }
	if [ -e "$2" ] || [ -L "$2" ]; then
		echo "evbench: $2 exists: not unpacking $1 over it" >&2
		exit 1
	fi
	if ! why=$(evb_untar "$1" "$2"); then
		echo "evbench: $1 refused: $why; $2 is marked damaged" >&2
		evb_write_env "$2" "damaged: the archive was refused: $why" || exit 1
		mv -f "$1" "$2/archive.rejected" 2>/dev/null
		exit 1
	fi
	;;
esac
