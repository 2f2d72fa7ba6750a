#!/bin/sh
# run.sh BUILD SECONDS [TARGET...] - run the libFuzzer targets of BUILD (a
# -DEVB_FUZZ=ON build) for SECONDS each, one after the other on one core,
# from the committed seeds (tests/fuzz/corpus/TARGET) with the dictionary
# (tests/fuzz/evbench.dict).  What a run adds to the corpus stays in
# BUILD/fuzz-corpus/TARGET (a longer run starts from there the next time);
# a crash, leak or timeout is saved as BUILD/fuzz-findings/TARGET-*.
# Prints per target its executions and what it found; exits 1 when a
# target found something.  Targets: fuzz_csv fuzz_load fuzz_report
# fuzz_compare (default: all).
set -u
build=${1:?usage: run.sh BUILD SECONDS [TARGET...]}
seconds=${2:?usage: run.sh BUILD SECONDS [TARGET...]}
shift 2
[ $# -gt 0 ] || set -- fuzz_csv fuzz_load fuzz_report fuzz_compare
here=$(cd "$(dirname "$0")" && pwd)
found=0
mkdir -p "$build/fuzz-findings"
for target in "$@"; do
	bin=$build/bin/$target
	[ -x "$bin" ] || { echo "run.sh: no $bin (configure with CC=clang -DEVB_FUZZ=ON)" >&2; exit 2; }
	corpus=$build/fuzz-corpus/$target
	log=$build/fuzz-findings/$target.log
	mkdir -p "$corpus"
	# -close_fd_mask=3: the commands' own output is not the fuzzer's;
	# -timeout=10: an input that takes longer is a finding (a hang).
	"$bin" -dict="$here/evbench.dict" -max_total_time="$seconds" -timeout=10 \
		-close_fd_mask=3 -print_final_stats=1 \
		-artifact_prefix="$build/fuzz-findings/$target-" \
		"$corpus" "$here/corpus/$target" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	if [ $rc -eq 0 ]; then
		echo "$target: ${execs:-?} executions in ${seconds} s, nothing found"
	else
		found=1
		echo "$target: FOUND after ${execs:-?} executions (exit $rc):"
		grep -E '^(==[0-9]+==ERROR|SUMMARY|artifact_prefix|Test unit written)|runtime error' \
			"$log" | head -n 8
		echo "  (whole log: $log)"
	fi
done
exit $found
