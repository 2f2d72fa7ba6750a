/*
 * timerfd - a timer that is a file descriptor; read() blocks until it
 * expires and returns the number of expirations since the last read.
 *
 *   abs  armed once: TFD_TIMER_ABSTIME, it_value = t0, it_interval = period.
 *        The kernel keeps the grid t0 + k * period itself (hrtimer_forward),
 *        so a late reader loses nothing: read() returns 1 + the periods that
 *        passed unread, and that count moves the schedule (expirations - 1
 *        are the overruns; main.c checks it against the clock).
 *   rel  one-shot, re-armed before every wait with a relative it_value =
 *        the time left to the next deadline (from a clock read just before
 *        timerfd_settime) -- what code that re-arms "in 1 ms" does.  Its
 *        read() always returns 1 (checked), so overruns come from the clock.
 *
 * One sample: the clock after read() returns - the deadline.
 * Semantics: hrtimer on CLOCK_MONOTONIC; timer slack does not apply.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "evb_clock.h"
#include "timer.h"

enum { TIMERFD_ABS, TIMERFD_REL };

static const char *const timerfd_variants[] = { "abs", "rel", NULL };

struct timerfd_state {
	int fd;
};

static int timerfd_setup(struct timer_ctx *ctx)
{
	struct timerfd_state *st = calloc(1, sizeof(*st));

	if (!st)
		return -ENOMEM;
	st->fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	if (st->fd < 0) {
		int ret = -errno;

		free(st);
		return ret;
	}
	ctx->priv = st;
	return 0;
}

static int timerfd_arm(struct timer_ctx *ctx, int64_t *first)
{
	struct timerfd_state *st = ctx->priv;
	struct itimerspec spec = {
		.it_value = evb_ns_timespec(first[0]),
		.it_interval = evb_ns_timespec(ctx->cfg->period_ns),
	};

	if (ctx->cfg->variant_index != TIMERFD_ABS)
		return 0;     /* rel arms before each wait */
	return timerfd_settime(st->fd, TFD_TIMER_ABSTIME, &spec, NULL) ? -errno : 0;
}

/* read() the expiration count, retrying EINTR.  >= 1, or -errno. */
static int64_t timerfd_consume(int fd)
{
	uint64_t expirations;
	ssize_t got;

	do
		got = read(fd, &expirations, sizeof(expirations));
	while (got < 0 && errno == EINTR);
	if (got < 0)
		return -errno;
	if (got != sizeof(expirations) || expirations == 0)
		return -EIO;
	return (int64_t)expirations;
}

static int timerfd_wait(struct timer_ctx *ctx, int64_t deadline_ns, struct timer_fire *fired)
{
	struct timerfd_state *st = ctx->priv;
	bool rel = ctx->cfg->variant_index == TIMERFD_REL;
	int64_t expirations;

	if (rel) {
		/* it_value 0 would disarm: a deadline already passed gets 1 ns */
		int64_t left = timer_left_ns(deadline_ns);
		struct itimerspec spec = { .it_value = evb_ns_timespec(left > 0 ? left : 1) };

		if (timerfd_settime(st->fd, 0, &spec, NULL))
			return -errno;
	}
	expirations = timerfd_consume(st->fd);
	if (expirations < 0)
		return (int)expirations;
	if (rel && expirations != 1)
		return -EPROTO;   /* a one-shot timer cannot expire twice */
	fired[0] = (struct timer_fire){ .timer = 0, .expirations = rel ? 0 : expirations };
	return 1;
}

static void timerfd_teardown(struct timer_ctx *ctx)
{
	struct timerfd_state *st = ctx->priv;

	if (!st)
		return;
	close(st->fd);
	free(st);
}

const struct timer_ops timer_timerfd_ops = {
	.base = {
		.name = "timerfd",
		.summary = "timerfd read(): abs = periodic TFD_TIMER_ABSTIME, "
			   "rel = one-shot re-armed with the time left",
		.variants = timerfd_variants,
	},
	.setup = timerfd_setup,
	.arm = timerfd_arm,
	.wait = timerfd_wait,
	.teardown = timerfd_teardown,
};
