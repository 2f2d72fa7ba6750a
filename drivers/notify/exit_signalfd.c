/*
 * exit-signalfd - the parent learns of its child's exit from SIGCHLD, read
 * from a signalfd: SIGCHLD is blocked in every thread (setup runs before
 * the driver starts any) and the parent blocks in read(2).  The signal
 * names the child (ssi_pid); the mode reaps it after the sample.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "notify.h"

static int sigchld_setup(struct notify_ctx *ctx)
{
	sigset_t set;
	int *fd = malloc(sizeof(*fd));

	if (!fd)
		return -ENOMEM;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &set, NULL) ||
	    (*fd = signalfd(-1, &set, SFD_CLOEXEC)) < 0) {
		int err = -errno;

		free(fd);
		return err;
	}
	ctx->priv = fd;
	return 0;
}

static int sigchld_exit_wait(struct notify_ctx *ctx, pid_t child)
{
	struct signalfd_siginfo si;
	int fd = *(int *)ctx->priv;

	for (;;) {
		ssize_t n = read(fd, &si, sizeof(si));

		if (n < 0 && errno == EINTR)
			continue;
		if (n != sizeof(si))
			return n < 0 ? -errno : -EIO;
		if ((pid_t)si.ssi_pid == child)
			return 0;
		/* another child's SIGCHLD (none here): keep waiting */
	}
}

static void sigchld_teardown(struct notify_ctx *ctx)
{
	close(*(int *)ctx->priv);
	free(ctx->priv);
}

const struct notify_ops notify_exit_signalfd_ops = {
	.base = {
		.name = "exit-signalfd",
		.summary = "a child's exit, the parent reading SIGCHLD from a signalfd",
		.traits = (const char *const[]){ NOTIFY_MODE_EXIT },
	},
	.setup = sigchld_setup,
	.exit_wait = sigchld_exit_wait,
	.teardown = sigchld_teardown,
};
