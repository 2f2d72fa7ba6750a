/*
 * signal-handler - a classic signal handler.
 *
 * A sends SIGUSR1 (std) or SIGRTMIN (rt) to B; B has the signal blocked and
 * waits in sigsuspend() with it unblocked; the kernel runs the handler, which
 * counts, and sigsuspend returns EINTR.  One sample (pingpong) is a signal
 * there and one back: two signal deliveries, two handler frames, two
 * sigreturns.  Bounded waits (burst) use ppoll(NULL, 0, timeout, &unblocked),
 * which is sigsuspend with a timeout, and a zero timeout unblocks and blocks
 * again with sigprocmask so pending signals run their handler.
 *
 * Semantics: std signals merge while pending (see sig.h); the handler can
 * run several times before sigsuspend returns, so the count comes from the
 * handler, not from the number of returns.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>

#include "evb_clock.h"
#include "sig.h"

/* Each side's thread counts the handlers it ran; thread-local so that two
 * sides in one process do not share it. */
static _Thread_local volatile sig_atomic_t handled;

static void on_signal(int signo)
{
	(void)signo;
	handled++;
}

static int signal_handler_setup(struct notify_ctx *ctx)
{
	struct sigaction sa = { .sa_handler = on_signal };
	int ret = sig_setup(ctx);
	struct sig_chan *chan = ctx->priv;

	if (ret)
		return ret;
	if (sigaction(chan->signo, &sa, NULL)) {
		ret = -errno;
		sig_teardown(ctx);
	}
	return ret;
}

static int64_t signal_handler_wait(struct notify_ctx *ctx, enum notify_side self,
				   int64_t timeout_ns)
{
	const struct sig_chan *chan = ctx->priv;
	sigset_t blocked;
	sig_atomic_t before = handled;

	(void)self;
	if (timeout_ns < 0) {
		sigsuspend(&chan->unblocked);
	} else if (timeout_ns == 0) {
		/* Pending signals run their handlers as the mask opens. */
		if (sigprocmask(SIG_SETMASK, &chan->unblocked, &blocked) ||
		    sigprocmask(SIG_SETMASK, &blocked, NULL))
			return -errno;
	} else {
		struct timespec ts = evb_ns_timespec(timeout_ns);

		if (ppoll(NULL, 0, &ts, &chan->unblocked) < 0 && errno != EINTR)
			return -errno;
	}
	return handled - before;
}

static void signal_handler_teardown(struct notify_ctx *ctx)
{
	const struct sig_chan *chan = ctx->priv;

	signal(chan->signo, SIG_DFL);
	sig_teardown(ctx);
}

const struct notify_ops notify_signal_handler_ops = {
	.base = {
		.name = "signal-handler",
		.summary = "sigaction handler, B waits in sigsuspend; kill/tgkill or sigqueue",
		.variants = sig_variants,
	},
	.may_merge = SIG_MAY_MERGE,
	.setup = signal_handler_setup,
	.notify = sig_notify,
	.wait = signal_handler_wait,
	.teardown = signal_handler_teardown,
};
