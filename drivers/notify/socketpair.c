/*
 * socketpair - one byte sent over an AF_UNIX socket pair.
 *
 * Two socket pairs, one per direction.  Variants:
 *   stream  SOCK_STREAM: like a pipe, bytes merge into one read
 *   dgram   SOCK_DGRAM: every send is a message, one read returns one
 * One sample (pingpong) is a send, the wakeup, a read, and back.
 *
 * Semantics: reliable both ways (AF_UNIX datagrams are never dropped; a full
 * receive queue blocks the sender).
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "fdchan.h"

static const char *const socketpair_variants[] = { "stream", "dgram", NULL };

static int make_socketpair(const struct notify_cfg *cfg, int fds[2])
{
	int type = strcmp(cfg->variant, "dgram") == 0 ? SOCK_DGRAM : SOCK_STREAM;

	return socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, fds) ? -errno : 0;
}

static int socketpair_setup(struct notify_ctx *ctx)
{
	return fdchan_setup(ctx, make_socketpair);
}

const struct notify_ops notify_socketpair_ops = {
	.base = {
		.name = "socketpair",
		.summary = "1-byte send over an AF_UNIX socketpair, blocking read",
		.variants = socketpair_variants,
	},
	.setup = socketpair_setup,
	.notify = fdchan_notify,
	.wait = fdchan_wait,
	.teardown = fdchan_teardown,
};
