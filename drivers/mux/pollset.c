/* pollset.c - a reused pollfd array; see pollset.h. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "pollset.h"

struct pollset {
	struct pollfd *pfd;      /* nfds entries, index order */
	nfds_t n;                /* entries registered */
	pollset_call_fn call;
	sigset_t mask;           /* the thread's, for ppoll */
};

int pollset_setup(struct mux_ctx *ctx, pollset_call_fn call)
{
	struct pollset *p = calloc(1, sizeof(*p));
	size_t size = sizeof(*p->pfd) * (size_t)ctx->fds->n;
	int ret;

	if (!p)
		return -ENOMEM;
	ret = -pthread_sigmask(SIG_BLOCK, NULL, &p->mask);
	p->pfd = mux_alloc_resident(size);
	if (ret || !p->pfd) {
		free(p->pfd);
		free(p);
		return ret ? ret : -ENOMEM;
	}
	p->call = call;
	ctx->priv = p;
	return 0;
}

int pollset_add(struct mux_ctx *ctx)
{
	struct pollset *p = ctx->priv;

	for (int64_t i = 0; i < ctx->fds->n; i++)
		p->pfd[i] = (struct pollfd){ .fd = ctx->fds->fd[i], .events = POLLIN };
	p->n = (nfds_t)ctx->fds->n;
	return 0;
}

/* Removing an fd from a poll set: a negative fd is skipped by the kernel. */
int pollset_del(struct mux_ctx *ctx)
{
	struct pollset *p = ctx->priv;

	for (int64_t i = 0; i < ctx->fds->n; i++)
		p->pfd[i].fd = -1;
	p->n = 0;
	return 0;
}

int64_t pollset_wait(struct mux_ctx *ctx, int64_t timeout_ns, struct mux_ready *ready)
{
	struct pollset *p = ctx->priv;
	int n = p->call(p->pfd, p->n, timeout_ns, &p->mask);
	int64_t start = ready->n, found = 0;

	ctx->syscalls++;
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	for (nfds_t i = 0; i < p->n && found < n; i++) {
		short revents = p->pfd[i].revents;

		if (!revents)
			continue;
		if (revents & POLLNVAL)
			return -EBADF;
		found++;
		if (ready->n < ready->cap)
			ready->idx[ready->n++] = (int32_t)i;
	}
	return ready->n - start;
}

void pollset_teardown(struct mux_ctx *ctx)
{
	struct pollset *p = ctx->priv;

	free(p->pfd);
	free(p);
}
