/*
 * claims_timer.c - the timer claim: timerfd's latency against the
 * cyclictest way of sleeping.  Throughput is a word the claim uses for
 * timers that evbench has no quantity for; the verdict says so instead of
 * folding it into one word.
 */
#include <stdio.h>

#include "claims.h"
#include "family.h"

/* Periodic 1 ms deadlines, default timer slack, SCHED_OTHER, no load,
 * waiter pinned; the timer family leaves ipc, fd_type, nfds, active and
 * timers empty. */
#define LATENESS_1MS(mech, var) \
	{ .family = "timer", .mechanism = mech, .variant = var, .mode = "lateness", \
	  .placement = "same-cpu", .period_ns = "1000000", .sched = "other", .load = "none" }

static const struct claim_test timerfd_tests[] = {
	{ .what = "lateness p50, timerfd/abs / clock-nanosleep/abs", .figure = "p50",
	  .num = LATENESS_1MS("timerfd", "abs"), .den = LATENESS_1MS("clock-nanosleep", "abs"),
	  .side = CLAIM_AT_MOST, .threshold = 1.2 },
};

static void timerfd_verdict(const struct claim_outcome *o, char *buf, size_t len)
{
	snprintf(buf, len, "latency: %s; throughput: not measured",
		 claim_verdict_names[o[0].verdict]);
}

static const struct claim timerfd = {
	.text = "timerfd: low latency, medium throughput.",
	.test = "lateness p50 of a periodic 1 ms timerfd against clock_nanosleep(TIMER_ABSTIME), "
		"the cyclictest way, default timer slack; \"low\" = within 1.2x. Timer "
		"throughput is not a quantity evbench measures",
	.tests = timerfd_tests,
	.ntests = CLAIM_COUNT(timerfd_tests),
	.verdict = timerfd_verdict,
};

const struct claim *const claims_timer[] = { &timerfd, NULL };
