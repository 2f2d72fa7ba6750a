/*
 * sigwaitinfo - a signal taken synchronously, no handler.
 *
 * The signal stays blocked; B calls sigwaitinfo(), which dequeues it and
 * returns its number.  One sample (pingpong) is a signal there and back.
 * Bounded waits use sigtimedwait(), the same system call with a timeout.
 *
 * Semantics: one signal per call; std signals merge while pending.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>

#include "evb_clock.h"
#include "sig.h"

struct sigwait {
	struct sig_chan chan;
};

static int sigwait_setup(struct notify_ctx *ctx)
{
	struct sigwait *sw = calloc(1, sizeof(*sw));
	int ret;

	if (!sw)
		return -ENOMEM;
	ret = sig_chan_setup(ctx, &sw->chan);
	if (ret) {
		free(sw);
		return ret;
	}
	ctx->priv = sw;
	return 0;
}

static int sigwait_notify(struct notify_ctx *ctx, enum notify_side from)
{
	struct sigwait *sw = ctx->priv;

	return sig_chan_send(ctx, &sw->chan, from);
}

static int64_t sigwait_wait(struct notify_ctx *ctx, enum notify_side self,
			    int64_t timeout_ns)
{
	struct sigwait *sw = ctx->priv;
	int signo;

	(void)self;
	if (timeout_ns < 0) {
		signo = sigwaitinfo(&sw->chan.set, NULL);
	} else {
		struct timespec ts = evb_ns_timespec(timeout_ns);

		signo = sigtimedwait(&sw->chan.set, NULL, &ts);
	}
	if (signo < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	return 1;
}

static void sigwait_teardown(struct notify_ctx *ctx)
{
	free(ctx->priv);
}

const struct notify_ops sigwaitinfo_ops = {
	.base = {
		.name = "sigwaitinfo",
		.summary = "signal kept blocked, B dequeues it with sigwaitinfo",
		.variants = sig_variants,
	},
	.setup = sigwait_setup,
	.notify = sigwait_notify,
	.wait = sigwait_wait,
	.teardown = sigwait_teardown,
};
