#!/bin/sh
# test_bundle.sh BIN_DIR - `evbench bundle`: bad arguments exit 2; the bundle
# unpacked elsewhere lists the families and runs the notify smoke cells with
# an environment that knows nothing of the build tree (no PATH, so no gnuplot
# either: the run must complete without figures), then draws them with
# `evbench plot` where gnuplot is.
set -u
bin=$1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/test_bundle.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

expect_usage() {
	"$bin/evbench" bundle "$@" >/dev/null 2>"$tmp/err"
	rc=$?
	[ $rc -eq 2 ] || fail "evbench bundle $*: exit $rc, expected 2"
	grep -q "evbench bundle: .*" "$tmp/err" || fail "evbench bundle $*: no message"
	cat "$tmp/err"
}

expect_usage
expect_usage "$tmp/b.zip"
expect_usage "$tmp/nonexistent/b.tar.gz"
expect_usage --bogus
expect_usage --dir
expect_usage --dir "$tmp/nonexistent/tree"
mkdir "$tmp/full" && : >"$tmp/full/x" && expect_usage --dir "$tmp/full"
"$bin/evbench" bundle --help | grep -q "Usage: evbench bundle" || fail "bundle --help"

"$bin/evbench" bundle "$tmp/b.tar.gz" || fail "evbench bundle exited $?"
mkdir "$tmp/target" && tar -C "$tmp/target" -xzf "$tmp/b.tar.gz" || fail "unpack"
root=$tmp/target/evbench-bundle
for f in evbench BUNDLE.txt libexec/evbench bin/evb-notify plots/notify_latency.gp; do
	[ -f "$root/$f" ] || fail "bundle lacks $f"
done
if ldd "$bin/evb-mux" | grep -q liburing; then
	ls "$root"/lib/liburing.so.* >/dev/null 2>&1 || fail "bundle lacks liburing"
fi

# Nothing of the build tree: no PATH, no LD_LIBRARY_PATH, no EVB_* variables.
clean() {
	env -i HOME="$tmp" PATH=/nonexistent "$@"
}
(cd "$tmp/target" && clean ./evbench-bundle/evbench list) >"$tmp/list" ||
	fail "bundled evbench list exited $?"
grep -q "^family notify (driver evb-notify)" "$tmp/list" || fail "list: no notify family"
grep -q "not built" "$tmp/list" && fail "list: a driver of the bundle is not found"

# Run from a bundle, `evbench bundle` writes a copy of that bundle.
env -i HOME="$tmp" PATH=/usr/bin:/bin "$root/evbench" bundle --dir "$tmp/copy" >/dev/null \
	2>"$tmp/copy.err" || fail "evbench bundle run from a bundle: $(cat "$tmp/copy.err")"
(cd "$tmp" && clean ./copy/evbench list) | grep -q "^family notify (driver evb-notify)" ||
	fail "the copied bundle's evbench list"
grep -q "^copied: " "$tmp/copy/BUNDLE.txt" || fail "the copy's BUNDLE.txt does not say so"
[ -f "$tmp/copy/scripts/evbench-vm.sh" ] || fail "the bundle lacks evbench vm's scripts"

run=$tmp/run
clean "$root/evbench" run --profile smoke --family notify --out "$run" 2>"$tmp/run.err" ||
	{ cat "$tmp/run.err" >&2; fail "bundled smoke run exited $?"; }
grep -q "gnuplot not found" "$tmp/run.err" || fail "run without gnuplot did not say so"
for f in results.csv summary.csv env.csv plan.csv report.html; do
	[ -s "$run/$f" ] || fail "run directory lacks $f"
done
grep -q "^run_state,complete" "$run/env.csv" || fail "run_state is not complete"
ok=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "status") c = i; next }
	      $c == "ok" { n++ } END { print n + 0 }' "$run/results.csv")
[ "$ok" -gt 0 ] || fail "no ok rows in results.csv"
bad=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "status") c = i; next }
	       $c == "failed" || $c == "timeout" { n++ } END { print n + 0 }' "$run/results.csv")
[ "$bad" -eq 0 ] || fail "$bad failed or timed-out rows"
echo "bundled run: $ok ok rows"

if command -v gnuplot >/dev/null; then
	env -i HOME="$tmp" PATH="$PATH" "$root/evbench" plot "$run" >/dev/null ||
		fail "evbench plot of the bundled run exited $?"
	ls "$run"/figures/*.svg >/dev/null 2>&1 || fail "evbench plot drew no figure"
else
	echo "gnuplot missing: evbench plot not checked"
fi

# --dir: the same tree unpacked, runnable where it was written.
"$bin/evbench" bundle --dir "$tmp/tree" >/dev/null || fail "evbench bundle --dir exited $?"
(cd "$tmp/tree" && find . -type f | sort) >"$tmp/tree.files"
(cd "$root" && find . -type f | sort) >"$tmp/root.files"
cmp -s "$tmp/tree.files" "$tmp/root.files" || fail "--dir tree differs from the archive's"
clean "$tmp/tree/evbench" list | grep -q "^family notify" || fail "--dir tree: evbench list"
echo "PASS"
