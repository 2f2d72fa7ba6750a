#!/bin/sh
# test_long_host.sh BIN_DIR - the whole smoke profile under a 64-character
# host name (the longest Linux allows, in a UTS namespace of its own) into
# the default run directory, results/<UTC time>-<host>-<kernel>: no row may
# fail or time out (exit 0), and every row's run_id is the directory's name.
# Skipped (77) only where no UTS namespace can be made (not root, no
# unshare).
set -u
bin=$1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/test_long_host.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
host=$(printf '%064d' 0 | tr 0 h)

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

if ! unshare --uts sh -c "hostname $host" 2>"$tmp/err"; then
	echo "SKIP: cannot make a UTS namespace to set a 64-character host name: $(cat "$tmp/err")"
	exit 77
fi
# Our own machine lock: the test must not wait on (or block) a real run.
export EVB_LOCK_FILE="$tmp/evbench.lock"
cd "$tmp" || exit 1
unshare --uts sh -c "hostname $host && exec '$bin/evbench' run --profile smoke --no-figures" \
	>"$tmp/out" 2>"$tmp/err"
rc=$?
tail -3 "$tmp/err"
[ $rc -eq 0 ] || { grep -E '^(failed|timeout):' "$tmp/err" | head -5; fail "exit $rc"; }
run=$(ls -d results/*-"$host"-*) || fail "no run directory named for host $host"
name=${run#results/}
[ "$(readlink results/latest)" = "$name" ] || fail "results/latest does not point at $name"
# Every row: status ok or skipped, run_id the directory's name.
awk -F, -v name="$name" '
NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
$col["status"] != "ok" && $col["status"] != "skipped" { bad++; print "row " NR ": " $col["status"] }
$col["run_id"] != name { ids++ }
END {
	if (NR < 30) { print "only " NR - 1 " rows"; exit 1 }
	if (bad || ids) { print bad + 0 " rows not ok or skipped, " ids + 0 " with another run_id"; exit 1 }
	print NR - 1 " rows, none failed"
}' "$run/results.csv" || fail "rows of $run"
grep -q "^hostname,$host\$" "$run/env.csv" || fail "env.csv lacks hostname $host"
grep -q "^run_state,complete\$" "$run/env.csv" || fail "run_state is not complete"
grep -q "This run is complete" "$run/report.md" || fail "report.md does not say complete"
