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
#include <stdlib.h>

#include "evb_clock.h"
#include "sig.h"

struct signal_handler {
	struct sig_chan chan;
};

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
	struct signal_handler *sh = calloc(1, sizeof(*sh));
	struct sigaction sa = { .sa_handler = on_signal };
	int ret;

	if (!sh)
		return -ENOMEM;
	ret = sig_chan_setup(ctx, &sh->chan);
	if (!ret && sigaction(sh->chan.signo, &sa, NULL))
		ret = -errno;
	if (ret) {
		free(sh);
		return ret;
	}
	ctx->priv = sh;
	return 0;
}

static int signal_handler_notify(struct notify_ctx *ctx, enum notify_side from)
{
	struct signal_handler *sh = ctx->priv;

	return sig_chan_send(ctx, &sh->chan, from);
}

static int64_t signal_handler_wait(struct notify_ctx *ctx, enum notify_side self,
				   int64_t timeout_ns)
{
	struct signal_handler *sh = ctx->priv;
	sigset_t blocked;
	sig_atomic_t before = handled;

	(void)self;
	if (timeout_ns < 0) {
		sigsuspend(&sh->chan.unblocked);
	} else if (timeout_ns == 0) {
		/* Pending signals run their handlers as the mask opens. */
		if (sigprocmask(SIG_SETMASK, &sh->chan.unblocked, &blocked) ||
		    sigprocmask(SIG_SETMASK, &blocked, NULL))
			return -errno;
	} else {
		struct timespec ts = evb_ns_timespec(timeout_ns);

		if (ppoll(NULL, 0, &ts, &sh->chan.unblocked) < 0 && errno != EINTR)
			return -errno;
	}
	return handled - before;
}

static void signal_handler_teardown(struct notify_ctx *ctx)
{
	struct signal_handler *sh = ctx->priv;

	signal(sh->chan.signo, SIG_DFL);
	free(sh);
}

const struct notify_ops signal_handler_ops = {
	.base = {
		.name = "signal-handler",
		.summary = "sigaction handler, B waits in sigsuspend; kill/tgkill or sigqueue",
		.variants = sig_variants,
	},
	.setup = signal_handler_setup,
	.notify = signal_handler_notify,
	.wait = signal_handler_wait,
	.teardown = signal_handler_teardown,
};
