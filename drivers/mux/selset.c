/* selset.c - select-style bitmaps, copied per call; see selset.h. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "selset.h"

#define WORD_BITS (8 * sizeof(unsigned long))

struct selset {
	unsigned long *master;   /* the registered fds */
	unsigned long *work;     /* handed to the call, rewritten by the kernel */
	size_t copy_words;       /* words copied per call */
	size_t cap_bits;         /* fds the bitmap can hold */
	int maxfd;               /* highest registered fd, -1: none */
	int fixed;
	fd_set fixed_master;     /* storage of the fixed kind */
	fd_set fixed_work;
	selset_call_fn call;
	sigset_t mask;           /* the thread's, for pselect */
};

int selset_fits_fixed(const struct mux_cfg *cfg, const char *mech, char *reason, size_t len)
{
	if (cfg && cfg->max_fd >= FD_SETSIZE) {
		snprintf(reason, len, "%s: fd %d >= FD_SETSIZE %d (glibc fd_set)", mech,
			 cfg->max_fd, FD_SETSIZE);
		return -ENOTSUP;
	}
	return 0;
}

int selset_setup(struct mux_ctx *ctx, int fixed, selset_call_fn call)
{
	struct selset *s = calloc(1, sizeof(*s));
	int ret;

	if (!s)
		return -ENOMEM;
	ret = -pthread_sigmask(SIG_BLOCK, NULL, &s->mask);
	if (ret) {
		free(s);
		return ret;
	}
	s->fixed = fixed;
	s->call = call;
	s->maxfd = -1;
	if (fixed) {
		FD_ZERO(&s->fixed_master);
		s->master = (unsigned long *)&s->fixed_master;
		s->work = (unsigned long *)&s->fixed_work;
		s->cap_bits = FD_SETSIZE;
		s->copy_words = sizeof(fd_set) / sizeof(unsigned long);
	} else {
		size_t words = (size_t)ctx->fds->max_fd / WORD_BITS + 1;

		s->master = mux_alloc_resident(words * sizeof(unsigned long));
		s->work = mux_alloc_resident(words * sizeof(unsigned long));
		if (!s->master || !s->work) {
			free(s->master);
			free(s->work);
			free(s);
			return -ENOMEM;
		}
		s->cap_bits = words * WORD_BITS;
		s->copy_words = words;
	}
	ctx->priv = s;
	return 0;
}

int selset_add(struct mux_ctx *ctx)
{
	struct selset *s = ctx->priv;

	for (int64_t i = 0; i < ctx->fds->n; i++) {
		int fd = ctx->fds->fd[i];

		if ((size_t)fd >= s->cap_bits)
			return -EBADF;   /* never set a bit past the bitmap */
		if (s->fixed)
			FD_SET(fd, &s->fixed_master);
		else
			s->master[fd / WORD_BITS] |= 1UL << (fd % WORD_BITS);
		if (fd > s->maxfd)
			s->maxfd = fd;
	}
	return 0;
}

int selset_del(struct mux_ctx *ctx)
{
	struct selset *s = ctx->priv;

	for (int64_t i = 0; i < ctx->fds->n; i++) {
		int fd = ctx->fds->fd[i];

		if (s->fixed)
			FD_CLR(fd, &s->fixed_master);
		else
			s->master[fd / WORD_BITS] &= ~(1UL << (fd % WORD_BITS));
	}
	s->maxfd = -1;
	return 0;
}

int64_t selset_wait(struct mux_ctx *ctx, int64_t timeout_ns, struct mux_ready *ready)
{
	struct selset *s = ctx->priv;
	size_t words = (size_t)s->maxfd / WORD_BITS + 1;
	int64_t start = ready->n, found = 0;
	int n;

	if (s->maxfd < 0)
		return 0;
	memcpy(s->work, s->master, s->copy_words * sizeof(unsigned long));
	n = s->call(s->maxfd + 1, (fd_set *)s->work, timeout_ns, &s->mask);
	ctx->syscalls++;
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	/* The kernel cleared every bit that is not ready; find the others. */
	for (size_t w = 0; w < words && found < n; w++) {
		unsigned long bits = s->work[w];

		while (bits) {
			int fd = (int)(w * WORD_BITS) + __builtin_ctzl(bits);

			bits &= bits - 1;
			found++;
			if (ready->n < ready->cap)
				ready->idx[ready->n++] = ctx->fds->index[fd];
		}
	}
	return ready->n - start;
}

void selset_teardown(struct mux_ctx *ctx)
{
	struct selset *s = ctx->priv;

	if (!s->fixed) {
		free(s->master);
		free(s->work);
	}
	free(s);
}
