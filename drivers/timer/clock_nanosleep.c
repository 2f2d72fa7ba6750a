/*
 * clock-nanosleep - sleep on CLOCK_MONOTONIC until the deadline.
 *
 *   abs  clock_nanosleep(TIMER_ABSTIME, deadline): the kernel compares the
 *        deadline itself, nothing between a clock read and the call can
 *        delay it -- cyclictest's default loop.
 *   rel  clock_nanosleep(0, time left): the time left to the deadline is
 *        computed from a clock read just before the call, so a preemption
 *        between the two comes on top of the lateness (no drift: every
 *        sleep aims at the absolute deadline again).
 *
 * One sample: the clock after clock_nanosleep() returns - the deadline.
 * One-shot: overruns come from the clock (skip-ahead in main.c).
 * Semantics: hrtimer with the thread's timer slack as its range (0 for
 * SCHED_FIFO): a SCHED_OTHER sleeper wakes up to 50 us late by default.
 */
#include <errno.h>
#include <time.h>

#include "evb_clock.h"
#include "timer.h"

enum { CNS_ABS, CNS_REL };

static const char *const clock_nanosleep_variants[] = { "abs", "rel", NULL };

static int cns_wait(struct timer_ctx *ctx, int64_t deadline_ns, struct timer_fire *fired)
{
	bool abs = ctx->cfg->variant_index == CNS_ABS;
	int ret;

	do {
		struct timespec ts = evb_ns_timespec(abs ? deadline_ns
						       : timer_left_ns(deadline_ns));

		/* returns the error number itself; EINTR: sleep again */
		ret = clock_nanosleep(CLOCK_MONOTONIC, abs ? TIMER_ABSTIME : 0, &ts, NULL);
	} while (ret == EINTR);
	if (ret)
		return -ret;
	fired[0] = (struct timer_fire){ .timer = 0, .expirations = 0 };
	return 1;
}

const struct timer_ops timer_clock_nanosleep_ops = {
	.base = {
		.name = "clock-nanosleep",
		.summary = "clock_nanosleep CLOCK_MONOTONIC: abs = TIMER_ABSTIME deadline, "
			   "rel = the time left",
		.variants = clock_nanosleep_variants,
	},
	.wait = cns_wait,
};
