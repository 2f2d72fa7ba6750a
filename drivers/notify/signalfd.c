/*
 * signalfd - a signal read from a file descriptor.
 *
 * The signal stays blocked; each side reads a signalfd(2) made for it (a
 * signalfd returns the signals pending for the thread that reads it, so the
 * two sides of --ipc thread never take each other's).  One read returns up
 * to 32 struct signalfd_siginfo at once.  Bounded waits poll() the fd first,
 * as an event loop would.
 *
 * Semantics: std signals merge while pending; rt signals arrive one record
 * each.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "sig.h"

#define SIGNALFD_BATCH 32

struct sigfd {
	struct sig_chan chan; /* first: sig_notify reads ctx->priv as a sig_chan */
	int fd[2];            /* fd[side] is what side reads */
};

static int sigfd_setup(struct notify_ctx *ctx)
{
	struct sigfd *sf = calloc(1, sizeof(*sf));
	int ret;

	if (!sf)
		return -ENOMEM;
	ret = sig_chan_setup(ctx, &sf->chan);
	if (ret)
		goto err_free;
	sf->fd[SIDE_A] = signalfd(-1, &sf->chan.set, SFD_CLOEXEC);
	if (sf->fd[SIDE_A] < 0) {
		ret = -errno;
		goto err_free;
	}
	sf->fd[SIDE_B] = signalfd(-1, &sf->chan.set, SFD_CLOEXEC);
	if (sf->fd[SIDE_B] < 0) {
		ret = -errno;
		goto err_close_a;
	}
	ctx->priv = sf;
	return 0;

err_close_a:
	close(sf->fd[SIDE_A]);
err_free:
	free(sf);
	return ret;
}

static int64_t sigfd_wait(struct notify_ctx *ctx, enum notify_side self, int64_t timeout_ns)
{
	struct sigfd *sf = ctx->priv;
	struct signalfd_siginfo info[SIGNALFD_BATCH];
	int ready = notify_fd_ready(sf->fd[self], timeout_ns);

	if (ready <= 0)
		return ready;
	ssize_t n = read(sf->fd[self], info, sizeof(info));

	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	return n / (ssize_t)sizeof(info[0]);
}

static void sigfd_teardown(struct notify_ctx *ctx)
{
	struct sigfd *sf = ctx->priv;

	close(sf->fd[SIDE_A]);
	close(sf->fd[SIDE_B]);
	free(sf);
}

const struct notify_ops notify_signalfd_ops = {
	.base = {
		.name = "signalfd",
		.summary = "signal kept blocked, B reads it from a signalfd",
		.variants = sig_variants,
	},
	.may_merge = SIG_MAY_MERGE,
	.setup = sigfd_setup,
	.notify = sig_notify,
	.wait = sigfd_wait,
	.teardown = sigfd_teardown,
};
