/*
 * ring.c - what the io_uring timers share (timer.h): the ring, made by the
 * waiting thread with the run's --uring-setup, as ctx->priv, and whether
 * one can be made here.
 */
#include <errno.h>
#include <stdlib.h>

#include "evb_uring.h"
#include "timer.h"

int timer_ring_supported(const struct timer_cfg *cfg, char *reason, size_t len)
{
	unsigned needs = cfg ? evb_uring_setup_needs((enum evb_uring_setup)cfg->uring_setup) : 0;

	return evb_uring_supported(needs, reason, len);
}

#if EVB_HAVE_LIBURING
#include <liburing.h>

int timer_ring_setup(struct timer_ctx *ctx)
{
	struct io_uring *ring = calloc(1, sizeof(*ring));
	int ret;

	if (!ring)
		return -ENOMEM;
	ret = evb_uring_init(ring, 1, 4, (enum evb_uring_setup)ctx->cfg->uring_setup);
	if (ret) {
		free(ring);
		return ret;
	}
	ctx->priv = ring;
	return 0;
}

void timer_ring_teardown(struct timer_ctx *ctx)
{
	struct io_uring *ring = ctx->priv;

	if (!ring)
		return;
	io_uring_queue_exit(ring);   /* cancels what is armed */
	free(ring);
}
#else
int timer_ring_setup(struct timer_ctx *ctx)
{
	(void)ctx;
	return -ENOTSUP;
}

void timer_ring_teardown(struct timer_ctx *ctx)
{
	(void)ctx;
}
#endif

int timer_ring_unsupported_wait(struct timer_ctx *ctx, int64_t deadline_ns,
				struct timer_fire *fired)
{
	(void)ctx;
	(void)deadline_ns;
	(void)fired;
	return -ENOTSUP;
}
