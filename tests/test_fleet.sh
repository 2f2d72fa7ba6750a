#!/bin/sh
# test_fleet.sh BIN_DIR SOURCE_DIR - fleet/evbench.yml against three names
# for this machine (local connection, one at a time: they share its run
# lock): the notify smoke cells run from the bundle, each run directory comes
# back complete to <fleet_out>/<host>/, the three are compared N-way with a
# report; a second play into the same directory refuses to overwrite them.
# Then what must not pass: a controller without evbench stops at once with
# the command that builds it; evbench_args holding `$(touch CANARY) ; touch CANARY` reaches
# evbench as arguments (no shell runs it); a working directory that is a
# symbolic link, or another user's (as root), is refused.
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
# this test's own run lock: the hosts are this machine, one at a time
EVB_LOCK_FILE=$tmp/run.lock
export ANSIBLE_HOME ANSIBLE_REMOTE_TEMP ANSIBLE_NOCOLOR ANSIBLE_RETRY_FILES_ENABLED EVB_LOCK_FILE

# evbench_args as a list (JSON); the hostile play below gives a string.
play() {
	ansible-playbook --forks 1 -i "$tmp/inventory" "$src/fleet/evbench.yml" \
		-e '{"evbench_args": ["--profile", "smoke", "--family", "notify"]}' -e evbench_poll=1 \
		-e "evbench_fleet_out=$tmp/fleet" -e "evbench_remote_dir=$tmp/remote" \
		-e "evbench_bin=$bin/evbench" "$@" >"$tmp/play.log" 2>&1
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

# (the bundle made by the first play serves the others)
bundle=$tmp/fleet/evbench-bundle.tar.gz
if play -e "evbench_bundle=$bundle"; then
	fail "a second play overwrote the fetched runs"
fi
grep -q "exists: move it away" "$tmp/play.log" || { cat "$tmp/play.log"; fail "no refusal message"; }
[ "$(stat -c %a "$tmp/remote")" = 700 ] || fail "the working directory is not mode 0700"

# No evbench on the controller: stopped before any host is touched.
ansible-playbook -i "$tmp/inventory" "$src/fleet/evbench.yml" -e "evbench_bin=$tmp/none/evbench" \
	-e "evbench_fleet_out=$tmp/fleet-none" -e "evbench_remote_dir=$tmp/remote-none" \
	>"$tmp/none.log" 2>&1 && fail "a play without evbench passed"
grep -q "$tmp/none/evbench is not there" "$tmp/none.log" && grep -q "cmake -S " "$tmp/none.log" ||
	{ cat "$tmp/none.log"; fail "no evbench: the build command is not named"; }
grep -q "Errno" "$tmp/none.log" && { cat "$tmp/none.log"; fail "no evbench: a raw Errno"; }
grep -q "evbench run on every host" "$tmp/none.log" && fail "no evbench: the hosts were played"
[ -e "$tmp/remote-none" ] && fail "no evbench: a host's directory was made"

# Hostile settings: shell text in evbench_args, working directories that
# are not the user's.
mkdir "$tmp/elsewhere"
ln -s "$tmp/elsewhere" "$tmp/remote-link"
cat >"$tmp/inventory-hostile" <<INV
linked ansible_connection=local ansible_python_interpreter=$py evbench_remote_dir=$tmp/remote-link
args ansible_connection=local ansible_python_interpreter=$py evbench_remote_dir=$tmp/remote-args
INV
if [ "$(id -u)" = 0 ]; then
	mkdir "$tmp/remote-theirs"
	chown 65534 "$tmp/remote-theirs"
	echo "theirs ansible_connection=local ansible_python_interpreter=$py evbench_remote_dir=$tmp/remote-theirs" \
		>>"$tmp/inventory-hostile"
fi
ansible-playbook --forks 1 -i "$tmp/inventory-hostile" "$src/fleet/evbench.yml" \
	-e "evbench_args='--profile smoke \$(touch $tmp/canary) ; touch $tmp/canary'" -e evbench_poll=1 \
	-e "evbench_fleet_out=$tmp/fleet-hostile" -e "evbench_bin=$bin/evbench" -e "evbench_bundle=$bundle" \
	>"$tmp/hostile.log" 2>&1 && fail "the hostile play passed"
[ -e "$tmp/canary" ] && fail "evbench_args ran as shell: the canary exists"
grep -q "unexpected argument '\$(touch'" "$tmp/hostile.log" ||
	{ cat "$tmp/hostile.log"; fail "evbench_args: '\$(touch' did not reach evbench as an argument"; }
grep -q "$tmp/remote-link exists as a symbolic link" "$tmp/hostile.log" ||
	{ cat "$tmp/hostile.log"; fail "a symbolic link as working directory was not refused"; }
[ -z "$(ls -A "$tmp/elsewhere")" ] || fail "the symbolic link's target was written"
if [ "$(id -u)" = 0 ]; then
	grep -q "$tmp/remote-theirs exists as a directory of uid 65534" "$tmp/hostile.log" ||
		{ cat "$tmp/hostile.log"; fail "another user's working directory was not refused"; }
	[ -z "$(ls -A "$tmp/remote-theirs")" ] || fail "another user's directory was written"
fi
echo "PASS"
