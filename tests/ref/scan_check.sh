#!/bin/sh
# scan_check.sh - hold evb-mux's scan figure against poll_probe, a plain
# poll() program written apart from it: poll over NFDS pipes, one readable,
# timeout 0, pinned to one CPU, alternating the two programs ROUNDS times in
# the same minute, with 1 and with 2 threads in the scanning process.  Prints
# each round's p50 and the ratio of the medians (evb-mux / probe).  A
# measurement, not a test: run it on a quiet machine, nothing else running.
# Usage: scan_check.sh BUILD_DIR [NFDS [ROUNDS [CPU]]]
set -eu
build=${1:?usage: scan_check.sh BUILD_DIR [NFDS [ROUNDS [CPU]]]}
nfds=${2:-1000}
rounds=${3:-5}
cpu=${4:-0}
calls=20000
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
for threads in 1 2; do
	: >/tmp/scan_check.evb.$$
	: >/tmp/scan_check.ref.$$
	for r in $(seq "$rounds"); do
		evb=$("$build/bin/evb-mux" --mechanism poll --mode scan --fd-type pipe --nfds "$nfds" \
			--active 1 --threads "$threads" --placement same-cpu --iterations "$calls" --header |
			awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "p50") c = i } NR == 2 { print $c }')
		ref=$("$build/tests/poll_probe" "$nfds" "$calls" "$cpu" "$threads" | sed 's/^p50_ns=\([0-9]*\).*/\1/')
		echo "threads=$threads round $r: evb-mux p50 $evb ns, poll_probe p50 $ref ns"
		echo "$evb" >>/tmp/scan_check.evb.$$
		echo "$ref" >>/tmp/scan_check.ref.$$
	done
	e=$(median </tmp/scan_check.evb.$$)
	p=$(median </tmp/scan_check.ref.$$)
	echo "threads=$threads: medians evb-mux $e ns, poll_probe $p ns, ratio $(echo "$e $p" | awk '{ printf "%.3f", $1 / $2 }')"
done
rm -f /tmp/scan_check.evb.$$ /tmp/scan_check.ref.$$
