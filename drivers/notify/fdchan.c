/* fdchan.c - one-byte notifications over pipes or sockets; see fdchan.h. */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "evb_sys.h"
#include "fdchan.h"

int notify_fd_ready(int fd, int64_t timeout_ns)
{
	return timeout_ns < 0 ? 1 : evb_fd_wait_readable(fd, timeout_ns);
}

int fdchan_setup(struct notify_ctx *ctx, fdchan_make_fn make)
{
	struct fdchan *chan = calloc(1, sizeof(*chan));
	int fds[2], ret;

	if (!chan)
		return -ENOMEM;
	ret = make(ctx->cfg, fds);
	if (ret)
		goto err_free;
	chan->rd[SIDE_A] = fds[0];
	chan->wr[SIDE_A] = fds[1];
	ret = make(ctx->cfg, fds);
	if (ret)
		goto err_close_a;
	chan->rd[SIDE_B] = fds[0];
	chan->wr[SIDE_B] = fds[1];
	ctx->priv = chan;
	return 0;

err_close_a:
	close(chan->rd[SIDE_A]);
	close(chan->wr[SIDE_A]);
err_free:
	free(chan);
	return ret;
}

int fdchan_notify(struct notify_ctx *ctx, enum notify_side from)
{
	struct fdchan *chan = ctx->priv;
	static const char byte = 'n';

	return write(chan->wr[!from], &byte, 1) == 1 ? 0 : -errno;
}

int64_t fdchan_wait(struct notify_ctx *ctx, enum notify_side self, int64_t timeout_ns)
{
	struct fdchan *chan = ctx->priv;
	char buf[FDCHAN_BATCH];
	int ready = notify_fd_ready(chan->rd[self], timeout_ns);

	if (ready <= 0)
		return ready;
	ssize_t n = read(chan->rd[self], buf, sizeof(buf));

	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	if (n == 0)
		return -EPIPE;   /* the other side closed its end */
	return n;
}

void fdchan_teardown(struct notify_ctx *ctx)
{
	struct fdchan *chan = ctx->priv;

	for (int side = 0; side < 2; side++) {
		close(chan->rd[side]);
		close(chan->wr[side]);
	}
	free(chan);
}
