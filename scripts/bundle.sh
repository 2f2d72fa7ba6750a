#!/bin/sh
# bundle.sh BIN_DIR PLOTS_DIR tar OUT.tar.gz - what `evbench bundle` runs.
# bundle.sh BIN_DIR PLOTS_DIR dir DIR        - the same tree, unpacked as DIR.
# BIN_DIR a bundle's root (it has BUNDLE.txt): a copy of that bundle.
#
# Packs evbench-bundle/:
#   evbench            the run script: evbench with the bundle's drivers and plots
#   bin/evb-*          one script per driver (what evbench runs as its drivers)
#   libexec/           the programs themselves, as built
#   lib/               every library ldd lists for them, and the dynamic loader
#   plots/             the gnuplot scripts
#   scripts/           this script and evbench vm's (bundle and vm run from here)
#   BUNDLE.txt         where and from what the bundle was made
# Each program runs through the bundled loader with --library-path lib/, so
# neither the target's libraries nor LD_LIBRARY_PATH take part, and a child
# evbench starts (gnuplot) uses the target's own.  The scripts use nothing but
# /bin/sh builtins, so they work with an empty PATH and under busybox.
set -eu

prog="evbench bundle"
[ $# -eq 4 ] && { [ "$3" = tar ] || [ "$3" = dir ]; } ||
	{ echo "$prog: usage: bundle.sh BIN_DIR PLOTS_DIR tar|dir OUT" >&2; exit 2; }
bin=$1
plots=$2
mode=$3
out=$4

die() {
	echo "$prog: $*" >&2
	exit 1
}

[ -x "$bin/evbench" ] || die "no evbench in $bin"
[ -d "$plots" ] || die "no plot scripts: $plots is not a directory"
[ "$mode" = dir ] || command -v tar >/dev/null || die "tar is needed"
case $0 in */*) scripts=${0%/*} ;; *) scripts=. ;; esac

work=$(mktemp -d "${TMPDIR:-/tmp}/evbench-bundle.XXXXXX") || die "mktemp failed"
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
root=$work/evbench-bundle

# The tree, then the archive or the directory.
write_out() {
	if [ "$mode" = dir ]; then
		mkdir -p "$out" && cp -R "$root/." "$out/" || die "cannot write $out"
	else
		tar -C "$work" -czf "$out.part" evbench-bundle ||
			{ rm -f "$out.part"; die "tar failed writing $out"; }
		mv -f "$out.part" "$out" || die "cannot write $out"
	fi
	echo "$out"
}

# Run from a bundle: it is already what a bundle is; copy it.
if [ -f "$bin/BUNDLE.txt" ]; then
	cp -R "$bin" "$root" || die "cannot copy the bundle $bin"
	echo "copied: $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(uname -n), from $bin" \
		>>"$root/BUNDLE.txt" || die "cannot write BUNDLE.txt"
	write_out
	exit 0
fi
command -v ldd >/dev/null || die "ldd is needed to find the libraries (Debian: libc-bin)"
mkdir -p "$root/bin" "$root/libexec" "$root/lib" "$root/plots" "$root/scripts" ||
	die "cannot write in $work"
loader=

# Copy one program and what ldd says it loads.  Sets loader the first time
# a program names one; a program ldd calls static runs without it.
pack_program() {
	cp "$1" "$root/libexec/" || die "cannot copy $1"
	deps=$(ldd "$1" 2>&1) || {
		case $deps in
		*"not a dynamic executable"*) return 0 ;;
		*) die "ldd $1: $deps" ;;
		esac
	}
	echo "$deps" | while read -r name arrow path rest; do
		case "$name $arrow $path" in
		*"not found"*) die "$1 needs $name, which ldd cannot find" ;;
		linux-vdso.so*|linux-gate.so*) ;;
		*" => "/*) cp -L "$path" "$root/lib/$name" || die "cannot copy $path" ;;
		/*) cp -L "$name" "$root/lib/${name##*/}" || die "cannot copy $name" ;;
		esac
	done
}

for exe in "$bin/evbench" "$bin"/evb-*; do
	[ -f "$exe" ] && [ -x "$exe" ] || continue
	pack_program "$exe"
done
for f in "$root"/lib/ld-linux*.so* "$root"/lib/ld64.so* "$root"/lib/ld-*.so*; do
	[ -f "$f" ] && { loader=${f##*/}; break; }
done

# The run script of one program: $1 its name, $2 how far the bundle's root is
# from the script (".." for bin/, "." for the top), $3 extra lines.
write_wrapper() {
	if [ -n "$loader" ]; then
		run="\"\$here/lib/$loader\" --library-path \"\$here/lib\" \"\$here/libexec/$1\""
	else
		run="\"\$here/libexec/$1\""
	fi
	cat <<EOF
#!/bin/sh
# evbench bundle: runs libexec/$1 with the bundle's own loader and libraries.
case \$0 in */*) here=\${0%/*} ;; *) here=. ;; esac
here=\$(cd "\$here/$2" && pwd -P) || exit 1
$3exec $run "\$@"
EOF
}

for exe in "$root"/libexec/evb-*; do
	[ -f "$exe" ] || continue
	name=${exe##*/}
	write_wrapper "$name" .. "" >"$root/bin/$name" || die "cannot write bin/$name"
	chmod 755 "$root/bin/$name"
done
write_wrapper evbench . 'EVB_DRIVER_DIR=$here/bin EVB_PLOTS_DIR=$here/plots
EVB_SCRIPTS_DIR=$here/scripts EVB_BUNDLE_ROOT=$here
export EVB_DRIVER_DIR EVB_PLOTS_DIR EVB_SCRIPTS_DIR EVB_BUNDLE_ROOT
' >"$root/evbench" || die "cannot write the run script"
chmod 755 "$root/evbench"
cp "$plots"/*.gp "$root/plots/" || die "cannot copy the plot scripts from $plots"
cp "$scripts"/*.sh "$root/scripts/" || die "cannot copy the scripts from $scripts"

{
	echo "evbench bundle"
	echo "made: $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(uname -n), $(uname -m), kernel $(uname -r)"
	echo "from: $bin"
	echo "loader: ${loader:-none (static programs)}"
	echo "glibc: $(ldd --version 2>/dev/null | head -n 1)"
	echo
	echo "Run: ./evbench-bundle/evbench run --profile smoke --out DIR"
	echo "Figures need gnuplot; without it, draw them later with: evbench plot DIR"
	echo
	echo "files:"
	(cd "$root" && find . -type f | sort)
} >"$root/BUNDLE.txt" || die "cannot write BUNDLE.txt"

write_out
