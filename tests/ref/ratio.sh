#!/bin/bash
# ratio.sh: evb-serve's io_uring/epoll ratio beside an independent one.
# Each round measures, one after the other, the reference pair (echo_ref:
# epoll, uring-defer, uring-default) and evb-serve (epoll/lt, io_uring/
# multishot with --uring-setup defer, then default): 100 connections, all
# active, 64 B, depth 1, closed loop, server on CPU 0 and client on CPU 1 for
# the reference (evb-serve: --placement cross-cpu).  Prints each round and
# the medians over the rounds of the req/s and of the per-round ratios, and
# whether evb-serve's defer ratio is within +-25% of the reference's.
# The machine's noise moves both sides; compare ratios, not req/s.
# docs/crosscheck.md says how to read it.  Exit 0 measured (either verdict),
# 1 a run failed, 2 bad usage, 77 io_uring unavailable.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/ref_pair.sh"
root=$(cd "$here/../.." && pwd)
echo_ref=$root/build/tests/echo_ref
evb_serve=$root/build/bin/evb-serve
rounds=3 seconds=2 iterations=300000 conns=100

usage() {
	cat <<EOF
Usage: tests/ref/ratio.sh [--rounds K] [--seconds S] [--iterations N]
                          [--echo-ref PATH] [--evb-serve PATH]
  --rounds K       rounds of the six measurements (default 3)
  --seconds S      each reference run's length (default 2)
  --iterations N   each evb-serve run's requests (default 300000; aim for 1-2 s)
  --echo-ref PATH  default build/tests/echo_ref
  --evb-serve PATH default build/bin/evb-serve
EOF
}
bad() { echo "ratio.sh: $*" >&2; exit 2; }
posint() { [[ $2 =~ ^[1-9][0-9]{0,8}$ ]] || bad "$1: '$2' is not a positive integer"; }
while [ $# -gt 0 ]; do
	case $1 in
	--rounds|--seconds|--iterations|--echo-ref|--evb-serve)
		[ $# -ge 2 ] || bad "$1: needs a value (see --help)" ;;
	esac
	case $1 in
	--rounds) posint "$1" "$2"; rounds=$2 ;;
	--seconds) posint "$1" "$2"; seconds=$2 ;;
	--iterations) posint "$1" "$2"; iterations=$2 ;;
	--echo-ref) echo_ref=$2 ;;
	--evb-serve) evb_serve=$2 ;;
	--help) usage; exit 0 ;;
	*) bad "unknown option '$1' (see --help)" ;;
	esac
	shift 2
done
[ -x "$echo_ref" ] || bad "no echo_ref at $echo_ref (cmake --build build --target echo_ref)"
[ -x "$evb_serve" ] || bad "no evb-serve at $evb_serve (cmake --build build)"
[ "$(nproc)" -ge 2 ] || bad "needs 2 CPUs (server on 0, client on 1); nproc says $(nproc)"

tmp=$(mktemp -d) || exit 1
ref_server_pid=
trap 'ref_pair_stop; rm -rf "$tmp"' EXIT

# csv_field NAME: from a header line and a data row on stdin (RFC 4180
# quoting), the row's value of column NAME.
csv_field() {
	awk -v want="$1" '
	function split_csv(line, out,   n, i, c, q, f) {
		n = 0; f = ""; q = 0
		for (i = 1; i <= length(line); i++) {
			c = substr(line, i, 1)
			if (q && c == "\"" && substr(line, i + 1, 1) == "\"") { f = f c; i++ }
			else if (c == "\"") q = !q
			else if (c == "," && !q) { out[++n] = f; f = "" }
			else f = f c
		}
		out[++n] = f
		return n
	}
	NR == 1 { nh = split_csv($0, head) }
	NR == 2 { split_csv($0, row); for (i = 1; i <= nh; i++) if (head[i] == want) print row[i] }'
}

# run_ref KIND: the reference's req/s in $result.
run_ref() {
	ref_pair "$echo_ref" "$tmp" "$1" 0 1 "$conns" "$seconds"
	case $? in
	0) ;;
	77) echo "ratio.sh: skipped: $ref_error" >&2; exit 77 ;;
	*) echo "ratio.sh: reference $1: $ref_error" >&2; exit 1 ;;
	esac
	[[ $ref_client_line =~ ^req_per_s=([0-9]+)\ conns=$conns\ server=$1$ ]] ||
		{ echo "ratio.sh: reference $1: unexpected line '$ref_client_line'" >&2; exit 1; }
	result=${BASH_REMATCH[1]}
	note+=" reference $1: $(sed -n 's/^echo_ref: the client used \([0-9]*%\) of its CPU$/client \1 CPU/p' "$tmp/client.err");"
}

# run_evb MECHANISM VARIANT [--uring-setup S]: evb-serve's ops_per_s in
# $result; a reason (client-bound: ...) is shown beside it.
run_evb() {
	local mech=$1 variant=$2 rc status ops reason
	shift 2
	"$evb_serve" --mechanism "$mech" --variant "$variant" "$@" --mode closed \
		--connections "$conns" --active "$conns" --depth 1 --msg-size 64 \
		--placement cross-cpu --iterations "$iterations" --warmup $((iterations / 10)) \
		--header >"$tmp/evb.csv" 2>"$tmp/evb.err"
	rc=$?
	status=$(csv_field status <"$tmp/evb.csv")
	reason=$(csv_field reason <"$tmp/evb.csv")
	ops=$(csv_field ops_per_s <"$tmp/evb.csv")
	if [ "$rc" -ne 0 ] || [ "$status" != ok ] || ! [[ $ops =~ ^[0-9.]+$ ]]; then
		echo "ratio.sh: evb-serve $mech/$variant $*: exit $rc, status '$status': ${reason:-$(cat "$tmp/evb.err")}" >&2
		[ "$rc" -eq 3 ] && exit 77
		exit 1
	fi
	[ -z "$reason" ] || note+=" evb-serve $mech/$variant $*: $reason;"
	result=$(printf '%.0f' "$ops")
}

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
	if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }'; }

names=(ref_epoll ref_defer ref_default evb_epoll evb_defer evb_default)
declare -A got
echo "ratio.sh: $conns connections all active, 64 B, depth 1, closed loop; reference" \
	"${seconds} s a run on CPUs 0 (server) and 1 (client), evb-serve $iterations" \
	"requests --placement cross-cpu; $rounds round(s)"
for ((r = 1; r <= rounds; r++)); do
	v=() note=''
	run_ref epoll; v+=("$result")
	run_ref uring-defer; v+=("$result")
	run_ref uring-default; v+=("$result")
	run_evb epoll lt; v+=("$result")
	run_evb io_uring multishot --uring-setup defer; v+=("$result")
	run_evb io_uring multishot --uring-setup default; v+=("$result")
	for i in "${!names[@]}"; do got[${names[$i]}]+=" ${v[$i]}"; done
	rd=$(ratio "${v[1]}" "${v[0]}") rf=$(ratio "${v[2]}" "${v[0]}")
	ed=$(ratio "${v[4]}" "${v[3]}") ef=$(ratio "${v[5]}" "${v[3]}")
	got[r_ref_defer]+=" $rd" got[r_ref_default]+=" $rf"
	got[r_evb_defer]+=" $ed" got[r_evb_default]+=" $ef"
	printf 'round %d req/s: reference epoll %s uring-defer %s uring-default %s |' \
		"$r" "${v[0]}" "${v[1]}" "${v[2]}"
	printf ' evb-serve epoll/lt %s io_uring/multishot/defer %s io_uring/multishot %s\n' \
		"${v[3]}" "${v[4]}" "${v[5]}"
	printf 'round %d uring/epoll: reference defer %s default %s | evb-serve defer %s default %s\n' \
		"$r" "$rd" "$rf" "$ed" "$ef"
	printf 'round %d notes:%s\n' "$r" "$note"
done

# shellcheck disable=SC2086 # the values: words on purpose
med() { median ${got[$1]}; }
printf '\nmedians over %d round(s)      reference   evb-serve\n' "$rounds"
printf '%-28s %10.0f  %10.0f\n' "epoll req/s" "$(med ref_epoll)" "$(med evb_epoll)"
printf '%-28s %10.0f  %10.0f\n' "io_uring defer req/s" "$(med ref_defer)" "$(med evb_defer)"
printf '%-28s %10.0f  %10.0f\n' "io_uring default req/s" "$(med ref_default)" "$(med evb_default)"
ref_d=$(med r_ref_defer) evb_d=$(med r_evb_defer)
printf '%-28s %10.3f  %10.3f\n' "uring/epoll, defer" "$ref_d" "$evb_d"
printf '%-28s %10.3f  %10.3f\n' "uring/epoll, default" "$(med r_ref_default)" "$(med r_evb_default)"
rel=$(ratio "$evb_d" "$ref_d")
within=$(awk -v x="$rel" 'BEGIN { print (x >= 0.75 && x <= 1.25) ? "yes" : "no" }')
echo "evb-serve's defer ratio within +-25% of the reference's: $within" \
	"(evb-serve $evb_d / reference $ref_d = $rel)"
