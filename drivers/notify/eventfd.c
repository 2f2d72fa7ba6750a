/*
 * eventfd - a 64-bit counter in the kernel: write adds, read takes.
 *
 * One eventfd per direction.  A notifies by writing 1; B reads.  Variants:
 *   counter    read returns the whole count and zeroes it: notifications
 *              sent while B sleeps merge into one wakeup (nothing is lost,
 *              the count says how many)
 *   semaphore  EFD_SEMAPHORE: every read takes exactly 1, one wakeup each
 *   epoll      counter, but B sleeps in epoll_wait on an epoll set holding
 *              the eventfd, then reads: the pattern event loops use
 * One sample (pingpong) is a write, the reader's wakeup and read, and back.
 * Bounded waits poll() first (epoll: epoll_wait with a ms timeout).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "notify.h"

enum eventfd_variant {
	EVENTFD_COUNTER,
	EVENTFD_SEMAPHORE,
	EVENTFD_EPOLL,
};

static const char *const eventfd_variants[] = { "counter", "semaphore", "epoll", NULL };

struct efd {
	int fd[2];     /* fd[side] is what side reads */
	int epfd[2];   /* epoll variant: an epoll set per side holding fd[side] */
};

static void efd_close(struct efd *e)
{
	for (int side = 0; side < 2; side++) {
		if (e->fd[side] >= 0)
			close(e->fd[side]);
		if (e->epfd[side] >= 0)
			close(e->epfd[side]);
	}
}

static int eventfd_setup(struct notify_ctx *ctx)
{
	struct efd *e = malloc(sizeof(*e));
	int flags = EFD_CLOEXEC;
	int ret = 0;

	if (!e)
		return -ENOMEM;
	memset(e->fd, -1, sizeof(e->fd));
	memset(e->epfd, -1, sizeof(e->epfd));
	if (ctx->cfg->variant_index == EVENTFD_SEMAPHORE)
		flags |= EFD_SEMAPHORE;
	for (int side = 0; side < 2 && !ret; side++) {
		e->fd[side] = eventfd(0, flags);
		if (e->fd[side] < 0) {
			ret = -errno;
			break;
		}
		if (ctx->cfg->variant_index != EVENTFD_EPOLL)
			continue;
		struct epoll_event ev = { .events = EPOLLIN, .data.fd = e->fd[side] };

		e->epfd[side] = epoll_create1(EPOLL_CLOEXEC);
		if (e->epfd[side] < 0 || epoll_ctl(e->epfd[side], EPOLL_CTL_ADD, e->fd[side], &ev))
			ret = -errno;
	}
	if (ret) {
		efd_close(e);
		free(e);
		return ret;
	}
	ctx->priv = e;
	return 0;
}

static int eventfd_notify(struct notify_ctx *ctx, enum notify_side from)
{
	struct efd *e = ctx->priv;
	uint64_t one = 1;

	return write(e->fd[!from], &one, sizeof(one)) == sizeof(one) ? 0 : -errno;
}

static int64_t eventfd_wait(struct notify_ctx *ctx, enum notify_side self,
			    int64_t timeout_ns)
{
	struct efd *e = ctx->priv;
	uint64_t value;
	int ready;

	if (e->epfd[self] >= 0) {
		struct epoll_event ev;
		int timeout_ms = timeout_ns < 0 ? -1 : (int)((timeout_ns + 999999) / 1000000);

		ready = epoll_wait(e->epfd[self], &ev, 1, timeout_ms);
		if (ready < 0)
			return errno == EINTR ? 0 : -errno;
	} else {
		ready = notify_fd_ready(e->fd[self], timeout_ns);
	}
	if (ready <= 0)
		return ready;
	if (read(e->fd[self], &value, sizeof(value)) != sizeof(value))
		return errno == EINTR ? 0 : -errno;
	return (int64_t)value;
}

static void eventfd_teardown(struct notify_ctx *ctx)
{
	efd_close(ctx->priv);
	free(ctx->priv);
}

const struct notify_ops notify_eventfd_ops = {
	.base = {
		.name = "eventfd",
		.summary = "write 1 to an eventfd, blocking read (or epoll_wait + read)",
		.variants = eventfd_variants,
	},
	.setup = eventfd_setup,
	.notify = eventfd_notify,
	.wait = eventfd_wait,
	.teardown = eventfd_teardown,
};
