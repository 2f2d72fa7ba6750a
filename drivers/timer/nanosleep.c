/*
 * nanosleep - nanosleep(period) in a loop: the naive periodic loop that
 * sleeps "one period" after each wakeup instead of aiming at a deadline.
 *
 * Each cycle adds its own wakeup latency and loop overhead to the next one,
 * so measured against the absolute grid t0 + k * period the lateness grows
 * (drift) until it passes a period; then main.c skips ahead and counts an
 * overrun, and the drift starts over.  The distribution is spread over a
 * whole period and the overrun count is roughly samples * (cost of one
 * cycle) / period -- the number to compare with clock-nanosleep abs.
 *
 * One sample: the clock after nanosleep() returns - the deadline.
 * One-shot: overruns come from the clock.  An EINTR sleeps the remainder.
 * Semantics: glibc's nanosleep() is clock_nanosleep(CLOCK_REALTIME, 0): a
 * relative hrtimer, so the clock makes no difference; timer slack applies.
 */
#include <errno.h>
#include <time.h>

#include "evb_clock.h"
#include "timer.h"

static int nanosleep_wait(struct timer_ctx *ctx, int64_t deadline_ns, struct timer_fire *fired)
{
	struct timespec ts = evb_ns_timespec(ctx->cfg->period_ns), rem;

	(void)deadline_ns;      /* that is the point: it sleeps a period */
	while (nanosleep(&ts, &rem)) {
		if (errno != EINTR)
			return -errno;
		ts = rem;
	}
	fired[0] = (struct timer_fire){ .timer = 0, .expirations = 0 };
	return 1;
}

const struct timer_ops timer_nanosleep_ops = {
	.base = {
		.name = "nanosleep",
		.summary = "nanosleep(period) after every wakeup: relative, drifts",
		.variants = NULL,
	},
	.wait = nanosleep_wait,
};
