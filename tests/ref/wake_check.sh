#!/bin/sh
# wake_check.sh - hold evb-notify's pingpong round trip against wake_probe, a
# page of C written apart from it: two threads ping-ponging through each way
# of waking a thread, the two programs alternating ROUNDS times in the same
# minute, on one CPU and on two.  Prints each round's p50 and the ratio of
# the medians (evb-notify / probe).  A measurement, not a test: run it on a
# quiet machine, nothing else running.
# Usage: wake_check.sh BUILD_DIR [ROUNDS [ITERATIONS]]
set -eu
build=${1:?usage: wake_check.sh BUILD_DIR [ROUNDS [ITERATIONS]]}
rounds=${2:-5}
n=${3:-20000}
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# probe way | evb-notify mechanism and variant | setup
ways="eventfd|eventfd counter|
eventfd-epoll|eventfd epoll|
futex|futex|
uring-read|io_uring-read|default
msg-ring|io_uring-msg-ring ring|default
msg-ring|io_uring-msg-ring ring|defer
uring-futex|io_uring-futex futex|default
uring-futex|io_uring-futex futex|defer"
for place in same-cpu cross-cpu; do
	if [ "$place" = same-cpu ]; then cpus="0 0"; else cpus="0 1"; fi
	echo "$ways" | while IFS='|' read -r probe mech setup; do
		set -- $mech
		args="--mechanism $1"
		[ $# -gt 1 ] && args="$args --variant $2"
		[ -n "$setup" ] && args="$args --uring-setup $setup"
		: >/tmp/wake_check.evb.$$
		: >/tmp/wake_check.ref.$$
		for r in $(seq "$rounds"); do
			evb=$("$build/bin/evb-notify" $args --mode pingpong --ipc thread \
				--placement "$place" --iterations "$n" --warmup 1000 --header |
				awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "p50") c = i } NR == 2 { print $c }')
			ref=$("$build/tests/wake_probe" "$probe" "$n" $cpus ${setup:+$setup} |
				sed 's/^p50_ns=\([0-9]*\).*/\1/')
			echo "$evb" >>/tmp/wake_check.evb.$$
			echo "$ref" >>/tmp/wake_check.ref.$$
		done
		e=$(median </tmp/wake_check.evb.$$)
		p=$(median </tmp/wake_check.ref.$$)
		echo "$place $mech ${setup:-}: evb-notify $e ns, wake_probe $p ns, ratio $(echo "$e $p" | awk '{ printf "%.3f", $1 / $2 }')"
	done
done
rm -f /tmp/wake_check.evb.$$ /tmp/wake_check.ref.$$
