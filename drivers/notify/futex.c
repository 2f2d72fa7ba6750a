/*
 * futex - FUTEX_WAIT / FUTEX_WAKE with futex(2) on a counter word per
 * direction (fword.h): the lower bound, and the word every other futex
 * mechanism here sleeps on the same way.
 */
#include <errno.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "evb_clock.h"
#include "fword.h"

static int futex_sleep(struct notify_ctx *ctx, struct fword *f, enum notify_side self,
		       uint32_t now, int64_t deadline_ns)
{
	struct timespec ts;

	(void)ctx;
	if (deadline_ns >= 0) {
		int64_t left = deadline_ns - evb_now_ns();

		if (left <= 0)
			return -ETIMEDOUT;
		ts = evb_ns_timespec(left);
	}
	return syscall(SYS_futex, &f->word[self], FUTEX_WAIT | (f->shared ? 0 : FUTEX_PRIVATE_FLAG),
		       now, deadline_ns < 0 ? NULL : &ts, NULL, 0) < 0 ? -errno : 0;
}

static int futex_setup(struct notify_ctx *ctx)
{
	ctx->priv = fword_alloc(ctx->cfg);
	return ctx->priv ? 0 : -ENOMEM;
}

static int futex_notify(struct notify_ctx *ctx, enum notify_side from)
{
	return fword_notify(ctx, ctx->priv, from, fword_futex_wake);
}

static int64_t futex_wait(struct notify_ctx *ctx, enum notify_side self, int64_t timeout_ns)
{
	return fword_wait(ctx, ctx->priv, self, timeout_ns, futex_sleep);
}

static void futex_teardown(struct notify_ctx *ctx)
{
	fword_free(ctx->priv);
}

const struct notify_ops notify_futex_ops = {
	.base = {
		.name = "futex",
		.summary = "FUTEX_WAKE on a shared counter word, B in FUTEX_WAIT",
	},
	.setup = futex_setup,
	.notify = futex_notify,
	.wait = futex_wait,
	.teardown = futex_teardown,
};
