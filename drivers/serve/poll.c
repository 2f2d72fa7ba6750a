/*
 * poll - poll(2) over an array of one pollfd per connection.
 *
 * One loop turn: poll() the whole array with no timeout, then scan it for
 * revents and serve each readable connection (one read, level-triggered),
 * stopping once as many entries as poll() counted were seen.  Kernel cost
 * O(connections) per call (every entry is checked and rewritten), user cost
 * up to the same.  A connection at end of file keeps its entry with fd -1,
 * which poll() skips.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>

#include "serve.h"

/* Serve the n entries poll() marked.  0 or -errno. */
static int poll_walk(struct serve_srv *s, struct pollfd *pfds, int n)
{
	for (int64_t i = 0; i < s->nconns && n > 0; i++) {
		int ret;

		if (!pfds[i].revents)
			continue;
		n--;
		ret = serve_conn_readable(s, &s->conns[i], SERVE_READ_ONCE);
		if (ret < 0)
			return ret;
		if (ret == 1)
			pfds[i].fd = -1;
	}
	return 0;
}

static int poll_serve(struct serve_srv *s)
{
	struct pollfd *pfds = calloc((size_t)s->nconns, sizeof(*pfds));
	int ret = 0;

	if (!pfds)
		return serve_fail(s, "allocating the pollfd array", ENOMEM);
	for (int64_t i = 0; i < s->nconns; i++)
		pfds[i] = (struct pollfd){ .fd = s->conns[i].fd, .events = POLLIN };
	serve_ready(s);
	while (s->open > 0) {
		int n = poll(pfds, (nfds_t)s->nconns, -1);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			ret = serve_fail(s, "poll", errno);
			break;
		}
		if (n == 0)
			continue;
		serve_woke(s);
		ret = poll_walk(s, pfds, n);
		if (ret)
			break;
	}
	free(pfds);
	return ret;
}

const struct serve_ops serve_poll_ops = {
	.base = {
		.name = "poll",
		.summary = "poll(2) over one pollfd per connection, rescanned per call",
	},
	.own_fds = 0,
	.serve = poll_serve,
};
