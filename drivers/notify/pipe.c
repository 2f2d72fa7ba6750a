/*
 * pipe - one byte written into a pipe, read on the other side.
 *
 * Two pipes, one per direction.  One sample (pingpong) is a write, the
 * reader's wakeup, its read, and the same back.  Bounded waits poll() first.
 *
 * Semantics: a byte stream, nothing is lost; bytes written while the reader
 * sleeps are returned by one read (merged wakeups, counted per byte).  A
 * full pipe (64 KiB by default) blocks the writer.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "fdchan.h"

static int make_pipe(const struct notify_cfg *cfg, int fds[2])
{
	(void)cfg;
	return pipe2(fds, O_CLOEXEC) ? -errno : 0;
}

static int pipe_setup(struct notify_ctx *ctx)
{
	return fdchan_setup(ctx, make_pipe);
}

const struct notify_ops notify_pipe_ops = {
	.base = {
		.name = "pipe",
		.summary = "1-byte write into a pipe, blocking read on the other end",
	},
	.setup = pipe_setup,
	.notify = fdchan_notify,
	.wait = fdchan_wait,
	.teardown = fdchan_teardown,
};
