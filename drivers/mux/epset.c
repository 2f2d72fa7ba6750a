/* epset.c - an epoll instance over the watched set; see epset.h. */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "epset.h"

const char *const epset_slab_caches[] = { "eventpoll_epi", "eventpoll_pwq", NULL };

struct epset {
	int epfd;
	struct epoll_event *events;   /* maxevents entries */
	int maxevents;
	uint32_t flags;
	epset_call_fn call;
	void *arg;
	sigset_t mask;                /* the thread's, for epoll_pwait2 */
};

int epset_setup(struct mux_ctx *ctx, uint32_t flags, epset_call_fn call, void *arg)
{
	struct epset *e = calloc(1, sizeof(*e));
	int64_t maxevents = ctx->cfg->maxevents < INT_MAX ? ctx->cfg->maxevents : INT_MAX;
	size_t size = sizeof(*e->events) * (size_t)maxevents;
	int ret;

	if (!e)
		return -ENOMEM;
	ret = -pthread_sigmask(SIG_BLOCK, NULL, &e->mask);
	if (ret)
		goto err_free;
	e->events = mux_alloc_resident(size);
	if (!e->events) {
		ret = -ENOMEM;
		goto err_free;
	}
	e->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (e->epfd < 0) {
		ret = -errno;
		goto err_free_events;
	}
	e->maxevents = (int)maxevents;
	e->flags = flags;
	e->call = call;
	e->arg = arg;
	ctx->edge = flags & EPOLLET;
	ctx->max_listed = maxevents;
	ctx->priv = e;
	return 0;

err_free_events:
	free(e->events);
err_free:
	free(e);
	return ret;
}

void *epset_call_arg(struct mux_ctx *ctx)
{
	return ((struct epset *)ctx->priv)->arg;
}

int epset_add(struct mux_ctx *ctx)
{
	struct epset *e = ctx->priv;

	for (int64_t i = 0; i < ctx->fds->n; i++) {
		struct epoll_event ev = { .events = e->flags, .data.u32 = (uint32_t)i };

		if (epoll_ctl(e->epfd, EPOLL_CTL_ADD, ctx->fds->fd[i], &ev))
			return -errno;
	}
	return 0;
}

int epset_del(struct mux_ctx *ctx)
{
	struct epset *e = ctx->priv;

	for (int64_t i = 0; i < ctx->fds->n; i++)
		if (epoll_ctl(e->epfd, EPOLL_CTL_DEL, ctx->fds->fd[i], NULL))
			return -errno;
	return 0;
}

int64_t epset_wait(struct mux_ctx *ctx, int64_t timeout_ns, struct mux_ready *ready)
{
	struct epset *e = ctx->priv;
	int64_t room = ready->cap - ready->n;
	int max = room < e->maxevents ? (int)room : e->maxevents;
	int n;

	if (max <= 0)
		return 0;
	n = e->call(e->epfd, e->events, max, timeout_ns, &e->mask, e->arg);
	ctx->syscalls++;
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	for (int i = 0; i < n; i++)
		ready->idx[ready->n++] = (int32_t)e->events[i].data.u32;
	return n;
}

int epset_rearm(struct mux_ctx *ctx, const struct mux_ready *ready)
{
	struct epset *e = ctx->priv;

	if (!(e->flags & EPOLLONESHOT))
		return 0;
	for (int64_t i = 0; i < ready->n; i++) {
		int32_t idx = ready->idx[i];
		struct epoll_event ev = { .events = e->flags, .data.u32 = (uint32_t)idx };

		if (epoll_ctl(e->epfd, EPOLL_CTL_MOD, ctx->fds->fd[idx], &ev))
			return -errno;
	}
	return 0;
}

void epset_teardown(struct mux_ctx *ctx)
{
	struct epset *e = ctx->priv;

	close(e->epfd);
	free(e->events);
	free(e);
}
