# shellcheck shell=sh disable=SC2034 # sets variables for the script that sources it
# ref_pair: run one echo_ref server and one client against it (sourced by
# smoke.sh and ratio.sh; POSIX sh).  The server takes a port the kernel picks
# and says it on its first line ("listening port=<P>"), read through a FIFO:
# the client starts after the server listens, with no sleep and no fixed port.
#
# ref_pair ECHO_REF DIR KIND SERVER_CPU CLIENT_CPU CONNS SECONDS [SERVER_OPTION...]
# Sets ref_client_line and ref_server_line (the server's last line); returns
# 0, 77 (io_uring unavailable: a skip) or 1 with ref_error saying what failed.
# ref_server_pid is set while the server runs: the caller's EXIT trap kills
# that pid alone if the pair is interrupted.
ref_pair() {
	rp_ref=$1 rp_dir=$2 rp_kind=$3 rp_scpu=$4 rp_ccpu=$5 rp_conns=$6 rp_secs=$7
	shift 7
	ref_client_line='' ref_server_line='' ref_error=''
	rm -f "$rp_dir/server.out"
	mkfifo "$rp_dir/server.out" || { ref_error="mkfifo $rp_dir/server.out"; return 1; }
	"$rp_ref" --server "$rp_kind" --port 0 --cpu "$rp_scpu" --conns "$rp_conns" "$@" \
		>"$rp_dir/server.out" 2>"$rp_dir/server.err" &
	ref_server_pid=$!
	exec 3<"$rp_dir/server.out"
	if ! read -r rp_first <&3; then
		exec 3<&-
		wait "$ref_server_pid"; rp_rc=$?; ref_server_pid=
		ref_error="server $rp_kind: exit $rp_rc before listening: $(cat "$rp_dir/server.err")"
		[ "$rp_rc" -eq 77 ] && return 77
		return 1
	fi
	rp_port=${rp_first#listening port=}
	case "$rp_port" in
	''|*[!0-9]*)
		ref_error="server $rp_kind: first line '$rp_first', want 'listening port=<n>'"
		ref_pair_stop
		return 1 ;;
	esac
	"$rp_ref" --client --port "$rp_port" --cpu "$rp_ccpu" --conns "$rp_conns" \
		--seconds "$rp_secs" --msg-size 64 >"$rp_dir/client.out" 2>"$rp_dir/client.err"
	rp_rc=$?
	ref_client_line=$(cat "$rp_dir/client.out")
	if [ "$rp_rc" -ne 0 ]; then
		ref_error="client against $rp_kind: exit $rp_rc: $(cat "$rp_dir/client.err")"
		ref_pair_stop
		[ "$rp_rc" -eq 77 ] && return 77
		return 1
	fi
	ref_server_line=$(cat <&3)
	exec 3<&-
	wait "$ref_server_pid"; rp_rc=$?; ref_server_pid=
	if [ "$rp_rc" -ne 0 ]; then
		ref_error="server $rp_kind: exit $rp_rc: $(cat "$rp_dir/server.err")"
		return 1
	fi
	return 0
}

# ref_pair_stop: end the server this pair started (its pid only), if running.
ref_pair_stop() {
	exec 3<&-
	if [ -n "$ref_server_pid" ]; then
		kill "$ref_server_pid" 2>/dev/null
		wait "$ref_server_pid" 2>/dev/null
		ref_server_pid=
	fi
}
