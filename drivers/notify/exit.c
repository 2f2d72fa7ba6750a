/*
 * exit.c - mode exit: process exit as the event (notify.h draws it).
 *
 * Per sample A forks a child pinned to B's CPU and lets the mechanism watch
 * it (exit_watch); the child waits until A's thread is asleep (its stat fd
 * opened by A before the fork, so the child only reads), lets the gap
 * pass, stores its clock in shared memory and calls _exit(0): its last
 * instruction.  A's sample is from that clock to its own after the
 * mechanism's wait returns.  Then A reaps what the mechanism left.  The
 * fork and the reaping are outside the sample; warmup samples are the same
 * rounds, not recorded.  A child not seen A asleep within
 * EVB_ASLEEP_TIMEOUT_NS exits anyway, and the row fails naming the count.
 */
#include <errno.h>
#include <sched.h>
#include <stdatomic.h>
#include <sys/wait.h>
#include <unistd.h>

#include "evb_clock.h"
#include "evb_placement.h"
#include "driver.h"

/* A child's whole life: sees A asleep, lets the gap pass, stamps, exits. */
static void child_main(struct notify_side_ctx *s, struct evb_asleep *a_thread)
{
	int asleep;

	if (s->cpu_b >= 0)
		evb_pin_self(s->cpu_b);
	asleep = evb_wait_until_asleep(a_thread, EVB_ASLEEP_TIMEOUT_NS);
	if (asleep <= 0)
		atomic_store(&s->run->b_waiting, asleep < 0 ? -1 : 1);  /* not seen asleep */
	evb_spin_yield_ns(s->opts->gap_ns);
	atomic_store(&s->run->stamp_ns, evb_now_ns());
	_exit(0);
}

/* Reap child if the mechanism did not: 0, or -errno. */
static int reap(pid_t child)
{
	siginfo_t info;

	for (;;) {
		if (waitid(P_PID, (id_t)child, &info, WEXITED) == 0)
			return info.si_code == CLD_EXITED && info.si_status == 0 ? 0 : -ECHILD;
		if (errno == ECHILD)
			return 0;   /* already reaped */
		if (errno != EINTR)
			return -errno;
	}
}

static int one_exit(struct notify_side_ctx *s, struct evb_asleep *a_thread, bool record)
{
	const struct notify_ops *ops = s->ops;
	pid_t child;
	int ret;

	atomic_store(&s->run->b_waiting, 0);
	atomic_store(&s->run->stamp_ns, 0);
	child = fork();
	if (child < 0)
		return notify_side_fail(s, SIDE_A, "fork", -errno);
	if (child == 0)
		child_main(s, a_thread);
	ret = ops->exit_watch ? ops->exit_watch(s->ctx, child) : 0;
	if (ret) {
		reap(child);
		return notify_side_fail(s, SIDE_A, "watch the child", ret);
	}
	ret = ops->exit_wait(s->ctx, child);

	int64_t t1 = evb_now_ns();

	if (ret) {
		reap(child);
		return notify_side_fail(s, SIDE_A, "wait for the child's exit", ret);
	}
	ret = reap(child);
	if (ret)
		return notify_side_fail(s, SIDE_A, "waitid (reap the child)", ret);
	if (!record)
		return 0;
	int64_t t0 = atomic_load(&s->run->stamp_ns);

	if (t0 <= 0 || t1 < t0) {
		atomic_fetch_add(&s->run->spurious, 1);   /* woke before the child's stamp */
		return 0;
	}
	evb_hist_record(&s->run->hist, t1 - t0);
	s->run->not_asleep += atomic_load(&s->run->b_waiting) != 0;
	s->run->delivered++;
	s->run->wakeups++;
	return 0;
}

int notify_exit_run(struct notify_side_ctx *s)
{
	const struct evb_driver_opts *o = &s->opts->common;
	struct evb_asleep a_thread;
	struct notify_span span;
	int ret;

	s->run->ids.pid[SIDE_A] = getpid();
	s->run->ids.tid[SIDE_A] = gettid();
	ret = evb_asleep_open(&a_thread, getpid(), gettid());
	if (ret)
		return notify_side_fail(s, SIDE_A, "open /proc/PID/task/TID/stat of A", ret);
	for (int64_t i = 0; i < o->warmup && !ret; i++)
		ret = one_exit(s, &a_thread, false);
	notify_span_begin(&span, SIDE_A);
	for (int64_t i = 0; i < o->iterations && !ret; i++) {
		ret = one_exit(s, &a_thread, true);
		atomic_store_explicit(&s->run->progress[SIDE_A], i + 1, memory_order_relaxed);
	}
	notify_span_end(s, &span);
	s->run->sent = o->iterations;
	evb_asleep_close(&a_thread);
	return ret;
}
