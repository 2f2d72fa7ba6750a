#!/bin/sh
# test_fleet.sh BIN_DIR SOURCE_DIR - fleet/evbench.yml against three names
# for this machine (local connection, one at a time: they share its run
# lock): the notify smoke cells run from the bundle, each run directory comes
# back complete to <fleet_out>/<host>/, the three are compared N-way with a
# report; a second play into the same directory refuses to overwrite them.
set -u
bin=$1
src=$2
if ! command -v ansible-playbook >/dev/null; then
	echo "SKIP: ansible-playbook not found (run_all.sh installs it as root;" \
	     "otherwise: sudo apt-get install --no-install-recommends ansible-core)"
	exit 77
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/test_fleet.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

py=$(command -v python3) || fail "python3 not found (ansible needs it)"
cat >"$tmp/inventory" <<INV
alpha ansible_connection=local ansible_python_interpreter=$py
beta ansible_connection=local ansible_python_interpreter=$py
gamma ansible_connection=local ansible_python_interpreter=$py
INV
ANSIBLE_HOME=$tmp/ansible ANSIBLE_REMOTE_TEMP=$tmp/ansible/remote ANSIBLE_NOCOLOR=1
ANSIBLE_RETRY_FILES_ENABLED=0
export ANSIBLE_HOME ANSIBLE_REMOTE_TEMP ANSIBLE_NOCOLOR ANSIBLE_RETRY_FILES_ENABLED

play() {
	ansible-playbook --forks 1 -i "$tmp/inventory" "$src/fleet/evbench.yml" \
		-e "evbench_args='--profile smoke --family notify'" -e evbench_poll=1 \
		-e "evbench_fleet_out=$tmp/fleet" -e "evbench_remote_dir=$tmp/remote" \
		-e "evbench_bin=$bin/evbench" >"$tmp/play.log" 2>&1
}

play
rc=$?
[ $rc -eq 0 ] || { cat "$tmp/play.log"; fail "ansible-playbook exited $rc"; }
for host in alpha beta gamma; do
	run=$tmp/fleet/$host
	for f in results.csv summary.csv env.csv plan.csv run.log; do
		[ -s "$run/$f" ] || { cat "$tmp/play.log"; fail "$host: fetched run lacks $f"; }
	done
	grep -q "^run_state,complete" "$run/env.csv" || fail "$host: run_state is not complete"
	ok=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "status") c = i; next }
		      $c == "ok" { n++ } END { print n + 0 }' "$run/results.csv")
	[ "$ok" -gt 0 ] || fail "$host: no ok rows"
	echo "$host: $ok ok rows fetched"
done
for f in compare.csv compare_runs.csv report.html; do
	[ -s "$tmp/fleet/compare/$f" ] || { cat "$tmp/play.log"; fail "compare of the runs lacks $f"; }
done

if play; then
	fail "a second play overwrote the fetched runs"
fi
grep -q "exists: move it away" "$tmp/play.log" || { cat "$tmp/play.log"; fail "no refusal message"; }
echo "PASS"
