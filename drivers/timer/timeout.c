/*
 * timeout.c - what the timeout-based waits share: the time left to a
 * deadline in their unit, and the idle descriptor they watch.
 *
 * A timeout is relative, so it is computed from a clock read just before
 * the call; whatever happens between that read and the kernel arming its
 * timer (preemption, an interrupt) comes on top of the lateness.  Rounding
 * is always up: a timeout rounded down would end before the deadline.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "evb_clock.h"
#include "timer.h"

int64_t timer_left_ns(int64_t deadline_ns)
{
	int64_t left = deadline_ns - evb_now_ns();

	return left > 0 ? left : 0;
}

int64_t timer_left_ceil(int64_t deadline_ns, int64_t unit_ns)
{
	int64_t left = timer_left_ns(deadline_ns);

	return (left + unit_ns - 1) / unit_ns * unit_ns;
}

int timer_idle_fd(void)
{
	int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

	return fd < 0 ? -errno : fd;
}

int timer_idle_epoll_open(struct timer_idle_epoll *set)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int ret;

	set->idle_fd = timer_idle_fd();
	if (set->idle_fd < 0)
		return set->idle_fd;
	set->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (set->epfd < 0) {
		ret = -errno;
		goto err_close_idle;
	}
	ev.data.fd = set->idle_fd;
	if (epoll_ctl(set->epfd, EPOLL_CTL_ADD, set->idle_fd, &ev)) {
		ret = -errno;
		goto err_close_epoll;
	}
	return 0;

err_close_epoll:
	close(set->epfd);
err_close_idle:
	close(set->idle_fd);
	return ret;
}

void timer_idle_epoll_close(struct timer_idle_epoll *set)
{
	if (set->epfd >= 0)
		close(set->epfd);
	close(set->idle_fd);
}

static int idle_setup(struct timer_ctx *ctx, int with_epoll)
{
	struct timer_idle_epoll *set = calloc(1, sizeof(*set));
	int ret;

	if (!set)
		return -ENOMEM;
	if (with_epoll) {
		ret = timer_idle_epoll_open(set);
	} else {
		set->epfd = -1;
		set->idle_fd = timer_idle_fd();
		ret = set->idle_fd < 0 ? set->idle_fd : 0;
	}
	if (ret) {
		free(set);
		return ret;
	}
	ctx->priv = set;
	return 0;
}

int timer_idle_setup(struct timer_ctx *ctx)
{
	return idle_setup(ctx, 0);
}

int timer_idle_epoll_setup(struct timer_ctx *ctx)
{
	return idle_setup(ctx, 1);
}

void timer_idle_teardown(struct timer_ctx *ctx)
{
	struct timer_idle_epoll *set = ctx->priv;

	if (!set)
		return;
	timer_idle_epoll_close(set);
	free(set);
}

int timer_idle_result(int n, struct timer_fire *fired)
{
	if (n < 0)
		return -errno;
	if (n > 0)
		return -EPROTO;   /* the idle eventfd is never written */
	fired[0] = (struct timer_fire){ .timer = 0, .expirations = 0 };
	return 1;
}
