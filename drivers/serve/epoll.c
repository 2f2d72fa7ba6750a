/*
 * epoll - epoll_wait(2) on an epoll instance holding every connection,
 * registered once before serving.
 *
 * Variants:
 *   lt   level-triggered (default): one read per report; a connection
 *        with bytes left is reported again by the next wait
 *   et   EPOLLET: reported once per arrival, so every report is read
 *        until EAGAIN
 * One loop turn: epoll_wait() with no timeout into a fixed array of
 * SERVE_EPOLL_MAXEVENTS events, then serve each listed connection.  Kernel
 * cost O(ready) per call; registration costs kernel memory per connection.
 * A connection at end of file is closed, which takes it out of the set
 * (the fd is not shared); a later event of the same batch for it is
 * skipped (fd -1).
 */
#include <errno.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "serve.h"

#define SERVE_EPOLL_MAXEVENTS 1024

enum serve_epoll_variant {
	SERVE_EPOLL_LT,
	SERVE_EPOLL_ET,
};

static const char *const epoll_variants[] = { "lt", "et", NULL };

static int epoll_register(struct serve_srv *s, int epfd)
{
	uint32_t flags = EPOLLIN;

	if (s->cfg->variant_index == SERVE_EPOLL_ET)
		flags |= EPOLLET;
	for (int64_t i = 0; i < s->nconns; i++) {
		struct epoll_event ev = { .events = flags, .data.u32 = (uint32_t)i };

		if (epoll_ctl(epfd, EPOLL_CTL_ADD, s->conns[i].fd, &ev))
			return serve_fail(s, "epoll_ctl (EPOLL_CTL_ADD)", errno);
	}
	return 0;
}

static int epoll_loop(struct serve_srv *s, int epfd)
{
	struct epoll_event events[SERVE_EPOLL_MAXEVENTS];
	bool edge = s->cfg->variant_index == SERVE_EPOLL_ET;

	while (s->open > 0) {
		int n = epoll_wait(epfd, events, SERVE_EPOLL_MAXEVENTS, -1);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return serve_fail(s, "epoll_wait", errno);
		}
		if (n == 0)
			continue;
		serve_woke(s);
		for (int i = 0; i < n; i++) {
			struct serve_conn *c = &s->conns[events[i].data.u32];
			int ret;

			if (c->fd < 0)
				continue;
			ret = serve_conn_readable(s, c, edge ? SERVE_READ_EAGAIN : SERVE_READ_ONCE);
			if (ret < 0)
				return ret;
		}
	}
	return 0;
}

static int epoll_serve(struct serve_srv *s)
{
	int epfd = epoll_create1(EPOLL_CLOEXEC);
	int ret;

	if (epfd < 0)
		return serve_fail(s, "epoll_create1", errno);
	ret = epoll_register(s, epfd);
	if (!ret) {
		serve_ready(s);
		ret = epoll_loop(s, epfd);
	}
	close(epfd);
	return ret;
}

const struct serve_ops serve_epoll_ops = {
	.base = {
		.name = "epoll",
		.summary = "epoll_wait(2), connections registered once (LT, or ET read to EAGAIN)",
		.variants = epoll_variants,
	},
	.own_fds = 1,
	.serve = epoll_serve,
};
