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

#include "evb_clock.h"
#include "sig.h"

static int64_t sigwait_wait(struct notify_ctx *ctx, enum notify_side self,
			    int64_t timeout_ns)
{
	const struct sig_chan *chan = ctx->priv;
	int signo;

	(void)self;
	if (timeout_ns < 0) {
		signo = sigwaitinfo(&chan->set, NULL);
	} else {
		struct timespec ts = evb_ns_timespec(timeout_ns);

		signo = sigtimedwait(&chan->set, NULL, &ts);
	}
	if (signo < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	return 1;
}

const struct notify_ops notify_sigwaitinfo_ops = {
	.base = {
		.name = "sigwaitinfo",
		.summary = "signal kept blocked, B dequeues it with sigwaitinfo",
		.variants = sig_variants,
	},
	.may_merge = SIG_MAY_MERGE,
	.setup = sig_setup,
	.notify = sig_notify,
	.wait = sigwait_wait,
	.teardown = sig_teardown,
};
