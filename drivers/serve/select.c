/*
 * select - select(2) over a bitmap of every open connection's fd.
 *
 * One loop turn: copy the registered bitmap (only the words up to the
 * highest fd) into the one the kernel rewrites, select() with no timeout,
 * then walk the result word by word and serve each readable connection
 * (one read, level-triggered).  Kernel and user cost O(highest fd) per
 * call, whatever is ready.  The bitmap lives on the heap, sized to the
 * highest fd, laid out as the kernel reads an fd_set: glibc passes nfds
 * through, so fds past FD_SETSIZE (1024) work (FD_SET would not: it is
 * never used).  A connection at end of file leaves the bitmap.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>

#include "serve.h"

#define WORD_BITS (8 * sizeof(unsigned long))

struct select_loop {
	unsigned long *master;       /* the open connections */
	unsigned long *work;         /* handed to select(), rewritten by it */
	size_t words;
	int32_t *conn_of_fd;         /* fd -> connection index */
};

static int select_setup(struct serve_srv *s, struct select_loop *l)
{
	l->words = (size_t)s->max_fd / WORD_BITS + 1;
	l->master = calloc(l->words, sizeof(unsigned long));
	l->work = calloc(l->words, sizeof(unsigned long));
	l->conn_of_fd = calloc((size_t)s->max_fd + 1, sizeof(int32_t));
	if (!l->master || !l->work || !l->conn_of_fd)
		return -ENOMEM;
	for (int64_t i = 0; i < s->nconns; i++) {
		int fd = s->conns[i].fd;

		l->master[fd / WORD_BITS] |= 1UL << (fd % WORD_BITS);
		l->conn_of_fd[fd] = (int32_t)i;
	}
	return 0;
}

/* Serve every connection whose bit select() left set.  0 or -errno. */
static int select_walk(struct serve_srv *s, struct select_loop *l)
{
	for (size_t w = 0; w < l->words; w++) {
		unsigned long bits = l->work[w];

		while (bits) {
			int fd = (int)(w * WORD_BITS) + __builtin_ctzl(bits);
			struct serve_conn *c = &s->conns[l->conn_of_fd[fd]];
			int ret;

			bits &= bits - 1;
			ret = serve_conn_readable(s, c, SERVE_READ_ONCE);
			if (ret < 0)
				return ret;
			if (ret == 1)   /* closed: its fd number may come back */
				l->master[w] &= ~(1UL << (fd % WORD_BITS));
		}
	}
	return 0;
}

static int select_serve(struct serve_srv *s)
{
	struct select_loop l = { 0 };
	int ret = select_setup(s, &l);

	if (ret) {
		serve_fail(s, "allocating the select bitmaps", ret);
		goto out;
	}
	serve_ready(s);
	while (s->open > 0) {
		int n;

		memcpy(l.work, l.master, l.words * sizeof(unsigned long));
		n = select(s->max_fd + 1, (fd_set *)l.work, NULL, NULL, NULL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			ret = serve_fail(s, "select", errno);
			break;
		}
		if (n == 0)
			continue;
		serve_woke(s);
		ret = select_walk(s, &l);
		if (ret)
			break;
	}
out:
	free(l.master);
	free(l.work);
	free(l.conn_of_fd);
	return ret;
}

const struct serve_ops serve_select_ops = {
	.base = {
		.name = "select",
		.summary = "select(2) over a heap fd bitmap copied per call, one read per ready fd",
	},
	.own_fds = 0,
	.serve = select_serve,
};
