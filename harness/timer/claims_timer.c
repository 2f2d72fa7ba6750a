/*
 * claims_timer.c - the timer claim: timerfd's latency against the
 * cyclictest way of sleeping, on equal terms.  The timer slack decides
 * this comparison by itself: a SCHED_OTHER clock_nanosleep waits up to its
 * slack (50 us by default) past the deadline, while timerfd's expiry takes
 * none, so the judged tests give both the same: 1 ns of slack set on both
 * sides, and SCHED_FIFO, where the kernel gives real-time threads none
 * (cyclictest's setting).  The default slack stands beside for context.
 * Throughput is a word the claim uses for timers that evbench has no
 * quantity for; the verdict says so instead of folding it into one word.
 */
#include <stdio.h>

#include "claims.h"
#include "family.h"

/* Periodic 1 ms deadlines, no load, waiter pinned, the policy and the
 * slack (NULL: the inherited default) given; the timer family leaves ipc,
 * fd_type, nfds, active and timers empty. */
#define LATENESS_1MS(mech, var, sched_, slack) \
	{ .family = "timer", .mechanism = mech, .variant = var, .mode = "lateness", \
	  .placement = "same-cpu", .period_ns = "1000000", .timer_slack_ns = slack, \
	  .sched = sched_, .load = "none" }
#define TIMERFD(sched_, slack) LATENESS_1MS("timerfd", "abs", sched_, slack)
#define SLEEP(sched_, slack) LATENESS_1MS("clock-nanosleep", "abs", sched_, slack)

/* One verdict per test: each is a way of putting both on equal terms. */
static const struct claim_test timerfd_tests[] = {
	{ .what = "lateness p50 at 1 ns timer slack on both sides, SCHED_OTHER, timerfd/abs / "
		  "clock-nanosleep/abs", .figure = "p50",
	  .num = TIMERFD("other", "1"), .den = SLEEP("other", "1"),
	  .side = CLAIM_AT_MOST, .threshold = 1.2 },
	{ .what = "the same under SCHED_FIFO (real-time threads get no slack: 0 on both "
		  "sides, as cyclictest runs)", .figure = "p50",
	  .num = TIMERFD("fifo", NULL), .den = SLEEP("fifo", NULL),
	  .side = CLAIM_AT_MOST, .threshold = 1.2 },
	{ .what = "the same at the default timer slack, SCHED_OTHER (clock_nanosleep waits "
		  "up to its 50 us slack late, timerfd takes none)", .figure = "p50",
	  .num = TIMERFD("other", NULL), .den = SLEEP("other", NULL),
	  .side = CLAIM_NO_THRESHOLD },
};

static void timerfd_verdict(const struct claim_outcome *o, char *buf, size_t len)
{
	snprintf(buf, len, "latency at 1 ns slack: %s; under SCHED_FIFO: %s; throughput: not "
		 "measured", claim_verdict_names[o[0].verdict], claim_verdict_names[o[1].verdict]);
}

static const struct claim timerfd = {
	.text = "timerfd: low latency, medium throughput.",
	.test = "lateness p50 of a periodic 1 ms timerfd against clock_nanosleep(TIMER_ABSTIME), "
		"the cyclictest way, on equal terms: both at 1 ns of timer slack, and both "
		"under SCHED_FIFO (no slack), one verdict each; \"low\" = within 1.2x. The "
		"default slack favours timerfd by up to 50 us and is shown beside, not judged. "
		"A SCHED_FIFO cell the machine does not permit is a skipped row (not measured). "
		"Timer throughput is not a quantity evbench measures",
	.tests = timerfd_tests,
	.ntests = CLAIM_COUNT(timerfd_tests),
	.group = 1,
	.verdict = timerfd_verdict,
};

const struct claim *const claims_timer[] = { &timerfd, NULL };
