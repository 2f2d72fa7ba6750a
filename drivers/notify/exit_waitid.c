/*
 * exit-waitid - the parent learns of its child's exit in waitid(2)
 * (P_PID, WEXITED), which also reaps it: the plain way, and the floor of
 * the exit-* mechanisms (mode exit, notify.h).
 */
#include <errno.h>
#include <sys/wait.h>

#include "notify.h"

static int waitid_setup(struct notify_ctx *ctx)
{
	ctx->priv = NULL;
	return 0;
}

static int waitid_exit_wait(struct notify_ctx *ctx, pid_t child)
{
	siginfo_t info;

	(void)ctx;
	while (waitid(P_PID, (id_t)child, &info, WEXITED))
		if (errno != EINTR)
			return -errno;
	return 0;
}

static void waitid_teardown(struct notify_ctx *ctx)
{
	(void)ctx;
}

const struct notify_ops notify_exit_waitid_ops = {
	.base = {
		.name = "exit-waitid",
		.summary = "a child's exit, the parent blocked in waitid(P_PID, WEXITED)",
		.traits = (const char *const[]){ NOTIFY_MODE_EXIT },
	},
	.setup = waitid_setup,
	.exit_wait = waitid_exit_wait,
	.teardown = waitid_teardown,
};
