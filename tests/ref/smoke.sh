#!/bin/sh
# ref_echo_smoke: echo_ref's bad usage exits 2 naming the option, then each
# server kind serves a 1-second client over 10 connections (and uring-defer
# once more with 4 buffers for 10 connections, the ENOBUFS rearm); both sides
# must exit 0 and print their one line in its format.  Correctness, not
# timing.  Exit 77 (ctest: skipped) when io_uring is unavailable here.
# Usage: smoke.sh PATH/TO/echo_ref
set -u
ref=${1:?usage: smoke.sh PATH/TO/echo_ref}
. "$(dirname "$0")/ref_pair.sh"
tmp=$(mktemp -d) || exit 1
ref_server_pid=
trap 'ref_pair_stop; rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

expect_usage() { # WORD ARGS...: exit 2 and WORD in the message
	word=$1; shift
	"$ref" "$@" >/dev/null 2>"$tmp/err"; rc=$?
	[ "$rc" -eq 2 ] || fail "echo_ref $*: exit $rc, want 2"
	grep -q -e "$word" "$tmp/err" || fail "echo_ref $*: message lacks '$word': $(cat "$tmp/err")"
}
expect_usage --conns --server epoll --port 0 --conns 0
expect_usage --port --server epoll --port 70000 --conns 1
expect_usage --port --server epoll --conns 1
expect_usage "unknown kind" --server kqueue --port 0 --conns 1
expect_usage --bogus --client --bogus
expect_usage "needs a value" --client --port
expect_usage --seconds --client --port 1 --conns 1 --seconds 1x
expect_usage --msg-size --client --port 1 --conns 1 --seconds 1 --msg-size 8
expect_usage "client options" --server epoll --port 0 --conns 1 --seconds 1
expect_usage "power of two" --server uring-defer --port 0 --conns 1 --bufs 6
expect_usage "io_uring server option" --server epoll --port 0 --conns 1 --bufs 8
expect_usage "exactly one" --port 1 --conns 1 --seconds 1
expect_usage "unexpected argument" --client --port 1 --conns 1 --seconds 1 extra
"$ref" --help | grep -q 'uring-defer' || fail "--help does not list the server kinds"

server_cpu=0 client_cpu=0
if [ "$(nproc)" -ge 2 ]; then client_cpu=1; fi
for run in epoll uring-default uring-defer "uring-defer --bufs 4"; do
	kind=${run%% *}
	opts=; [ "$kind" = "$run" ] || opts=${run#* }
	# shellcheck disable=SC2086 # opts: words on purpose
	ref_pair "$ref" "$tmp" "$kind" "$server_cpu" "$client_cpu" 10 1 $opts; rc=$?
	if [ "$rc" -eq 77 ]; then echo "SKIP: $ref_error"; exit 77; fi
	[ "$rc" -eq 0 ] || fail "$ref_error"
	line=$ref_client_line last=$ref_server_line
	echo "$run: $line / $last"
	echo "$line" | grep -Eqx "req_per_s=[0-9]+ conns=10 server=$kind" ||
		fail "client line '$line', want req_per_s=<n> conns=10 server=$kind"
	echo "$last" | grep -Eqx "served_bytes=[0-9]+ conns=10 server=$kind enobufs=[0-9]+" ||
		fail "server line '$last', want served_bytes=<n> conns=10 server=$kind enobufs=<n>"
	[ "${line#req_per_s=0 }" = "$line" ] || fail "client against $run: no request answered"
	bytes=${last#served_bytes=}; bytes=${bytes%% *}
	if [ $((bytes % 64)) -ne 0 ] || [ "$bytes" -eq 0 ]; then
		fail "server $run echoed $bytes bytes: not a positive multiple of 64"
	fi
done
echo "ok"
