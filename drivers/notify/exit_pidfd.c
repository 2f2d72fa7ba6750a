/*
 * exit-pidfd - the parent learns of its child's exit on a pidfd
 * (pidfd_open(2), Linux 5.3), which becomes readable when the child exits.
 * Variants (how the parent waits on it):
 *   poll   poll(2) on the pidfd alone
 *   epoll  an epoll loop: the pidfd joins the parent's epoll set
 *          (EPOLL_CTL_ADD per child) and the parent sleeps in epoll_wait,
 *          the way an event loop watches its children
 * The mode reaps the child after the sample; the pidfd is closed then.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "evb_sys.h"
#include "notify.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

enum pidfd_variant {
	PIDFD_POLL,
	PIDFD_EPOLL,
};

static const char *const pidfd_variants[] = { "poll", "epoll", NULL };

struct pidfd_watch {
	int epfd;    /* epoll: the parent's set */
	int pidfd;   /* the child's, while it is watched */
};

static int pidfd_supported(const struct notify_cfg *cfg, char *reason, size_t len)
{
	int fd = (int)syscall(SYS_pidfd_open, getpid(), 0);

	(void)cfg;
	if (fd < 0)
		return evb_needs_linux(reason, len, "pidfd_open", "5.3", errno);
	close(fd);
	return 0;
}

static int pidfd_setup(struct notify_ctx *ctx)
{
	struct pidfd_watch *w = malloc(sizeof(*w));

	if (!w)
		return -ENOMEM;
	w->pidfd = -1;
	w->epfd = -1;
	if (ctx->cfg->variant_index == PIDFD_EPOLL) {
		w->epfd = epoll_create1(EPOLL_CLOEXEC);
		if (w->epfd < 0) {
			int err = -errno;

			free(w);
			return err;
		}
	}
	ctx->priv = w;
	return 0;
}

static int pidfd_exit_watch(struct notify_ctx *ctx, pid_t child)
{
	struct pidfd_watch *w = ctx->priv;
	struct epoll_event ev = { .events = EPOLLIN };

	w->pidfd = (int)syscall(SYS_pidfd_open, child, 0);
	if (w->pidfd < 0)
		return -errno;
	if (w->epfd >= 0 && epoll_ctl(w->epfd, EPOLL_CTL_ADD, w->pidfd, &ev))
		return -errno;
	return 0;
}

static int pidfd_exit_wait(struct notify_ctx *ctx, pid_t child)
{
	struct pidfd_watch *w = ctx->priv;
	int ret;

	(void)child;
	do {
		if (w->epfd >= 0) {
			struct epoll_event ev;

			ret = epoll_wait(w->epfd, &ev, 1, -1);
		} else {
			struct pollfd p = { .fd = w->pidfd, .events = POLLIN };

			ret = poll(&p, 1, -1);
		}
	} while (ret < 0 && errno == EINTR);
	ret = ret < 0 ? -errno : ret == 1 ? 0 : -EIO;
	close(w->pidfd);     /* leaves the epoll set with it */
	w->pidfd = -1;
	return ret;
}

static void pidfd_teardown(struct notify_ctx *ctx)
{
	struct pidfd_watch *w = ctx->priv;

	if (w->pidfd >= 0)
		close(w->pidfd);
	if (w->epfd >= 0)
		close(w->epfd);
	free(w);
}

const struct notify_ops notify_exit_pidfd_ops = {
	.base = {
		.name = "exit-pidfd",
		.summary = "a child's exit, the parent polling its pidfd (pidfd_open, 5.3)",
		.variants = pidfd_variants,
		.traits = (const char *const[]){ NOTIFY_MODE_EXIT, NOTIFY_MODE_EXIT },
	},
	.supported = pidfd_supported,
	.setup = pidfd_setup,
	.exit_watch = pidfd_exit_watch,
	.exit_wait = pidfd_exit_wait,
	.teardown = pidfd_teardown,
};
