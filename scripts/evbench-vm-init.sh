#!/bin/busybox sh
# /init of the initramfs `evbench vm` boots (scripts/evbench-vm.sh builds it).
# Mounts what evbench needs, raises the guest's limits (the guest's only:
# the host is never touched), runs `evbench run` with the options in
# /evb/args, records the VM in env.csv, sends the run directory back over
# the second serial port (/dev/ttyS1: gzip'd tar, base64, between markers)
# and powers off.
/bin/busybox --install -s /bin
# evbench is the bundle's run script (it finds its drivers and plots itself)
export PATH=/bin:/evb/bundle HOME=/tmp
. /evb/bundle/scripts/evbench-safe.sh      # evb_csv_field
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
mount -t tmpfs run /run
# debugfs: sched/preempt, the preemption mode a preempt= parameter chose
# (env.csv preempt_model)
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mkdir -p /run/lock
hostname evbench-vm     # env.csv's hostname, and compare's header
echo "EVB-VM: userspace up, kernel $(uname -r)"

# Loopback for tcp cells (all of 127/8 routes to lo); limits for 100,000
# connections and 1,000,000 fds (epoll's registrations limit is sized from
# memory: 2.5 GiB allowed fewer than 1,000,000).
ip link set lo up
sysctl -q -w fs.nr_open=1048576 fs.file-max=4194304 net.core.somaxconn=65535 \
	net.ipv4.tcp_max_syn_backlog=65535 net.ipv4.ip_local_port_range="1024 65535" \
	fs.epoll.max_user_watches=4194304
ulimit -n 1048576 || echo "EVB-VM: ulimit -n 1048576 refused"

. /evb/args
# Under TCG every cell runs about ten times slower than the plan's time
# limits assume; an explicit --timeout-scale among the options wins.
scale=
grep -q '^vm_accel=tcg' /evb/vm.env && scale="--timeout-scale 10"
# The host kills the VM at its --timeout, and a run directory not sent back
# by then is lost: stop the run (SIGTERM: evbench keeps every finished row
# and marks the run interrupted) early enough to send what there is.
timeout_s=$(sed -n 's/^vm_timeout_s=//p' /evb/vm.env)
# Interleaved rounds (evbench vm --rounds): round 1 starts the run, a later
# one goes on with the run directory the rounds before left (its options,
# the time-limit scale among them, are the run's own).
round=
[ -f /evb/round ] && round="--round $(cat /evb/round)"
if [ -d /evb/prev/R ]; then
	cp -a /evb/prev/R /run/R
	evbench run --resume /run/R $round &
else
	evbench run --out /run/R $scale $round "$@" &
fi
run_pid=$!
watchdog=
if [ -n "$timeout_s" ]; then
	margin=$((timeout_s / 10))
	[ "$margin" -lt 60 ] && margin=60
	[ "$margin" -gt 300 ] && margin=300
	if [ "$timeout_s" -gt $((margin * 2)) ]; then
		(sleep $((timeout_s - margin)) &&
			echo "EVB-VM: --timeout ${timeout_s} s is near: stopping the run to send back what it has" &&
			kill -TERM "$run_pid") &
		watchdog=$!
	fi
fi
wait "$run_pid"
rc=$?
[ -n "$watchdog" ] && kill "$watchdog" 2>/dev/null
echo "EVB-VM: evbench run exited $rc"

# The VM's own keys in env.csv, after those evbench wrote.
env_csv=/run/R/env.csv
if [ -f "$env_csv" ]; then
	while IFS='=' read -r key value; do
		echo "$key,$(evb_csv_field "$value")" >>"$env_csv"
	done </evb/vm.env
	echo "vm_guest_kernel,$(evb_csv_field "$(uname -r)")" >>"$env_csv"
	echo "vm_guest_cmdline,$(evb_csv_field "$(cat /proc/cmdline)")" >>"$env_csv"
	echo "vm_nr_open,$(cat /proc/sys/fs/nr_open)" >>"$env_csv"
	echo "vm_somaxconn,$(cat /proc/sys/net/core/somaxconn)" >>"$env_csv"
	echo "vm_epoll_max_user_watches,$(cat /proc/sys/fs/epoll/max_user_watches)" >>"$env_csv"
	echo "vm_ip_local_port_range,$(tr '\t' ' ' </proc/sys/net/ipv4/ip_local_port_range)" >>"$env_csv"
	echo "vm_evbench_run_exit,$rc" >>"$env_csv"
	if grep -q '^vm_accel=tcg' /evb/vm.env; then
		n=$(($(grep -c '^warning_' "$env_csv") + 1))
		echo "warning_$n,emulated CPU (qemu tcg): every figure is emulated; compare tcg runs only with tcg runs" >>"$env_csv"
	fi
fi

if [ -d /run/R ]; then
	{
		echo "EVB-DATA-BEGIN"
		tar czf - -C /run R | base64
		echo "EVB-DATA-END"
	} >/dev/ttyS1
	echo "EVB-VM: run directory sent"
fi
sync
poweroff -f
