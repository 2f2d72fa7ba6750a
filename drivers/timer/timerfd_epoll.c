/*
 * timerfd-epoll - --timers N periodic timerfds in one epoll set, the way an
 * event loop with many timers that each own a descriptor waits for them.
 *
 * Timer i is armed once with TFD_TIMER_ABSTIME at t0 + i * period / N and an
 * interval of one period, so the N phases are spread evenly over a period.
 * The waiter blocks in epoll_wait() (no timeout) and reads every timerfd it
 * reports; each read is one sample against that timer's own deadline, and
 * its expiration count moves that timer's schedule (as for timerfd abs).
 *
 * One sample: the clock after epoll_wait() and the reads of the ready
 * timerfds - the deadline of the timer read.  With many timers one wakeup
 * often carries several of them (wakeups < samples).
 * Semantics: hrtimers, no timer slack; N + 1 descriptors (RLIMIT_NOFILE).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "evb_clock.h"
#include "evb_sys.h"
#include "timer.h"

struct timerfd_epoll {
	int epfd;
	int64_t ntimers;
	int *fds;                   /* ntimers, -1 when not open */
	struct epoll_event *events; /* ntimers */
};

static int tfe_supported(const struct timer_cfg *cfg, char *reason, size_t len)
{
	if (!cfg)
		return 0;
	return evb_nofile_check(cfg->timers + 1, reason, len) ? -ENOTSUP : 0;
}

static void tfe_free(struct timerfd_epoll *te)
{
	for (int64_t i = 0; te->fds && i < te->ntimers; i++)
		if (te->fds[i] >= 0)
			close(te->fds[i]);
	if (te->epfd >= 0)
		close(te->epfd);
	free(te->fds);
	free(te->events);
	free(te);
}

static int tfe_setup(struct timer_ctx *ctx)
{
	struct timerfd_epoll *te = calloc(1, sizeof(*te));
	int64_t n = ctx->cfg->timers;
	int ret;

	if (!te)
		return -ENOMEM;
	te->epfd = -1;
	te->ntimers = n;
	te->fds = malloc((size_t)n * sizeof(*te->fds));
	te->events = calloc((size_t)n, sizeof(*te->events));
	if (!te->fds || !te->events) {
		ret = -ENOMEM;
		goto err_free;
	}
	for (int64_t i = 0; i < n; i++)
		te->fds[i] = -1;
	te->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (te->epfd < 0) {
		ret = -errno;
		goto err_free;
	}
	for (int64_t i = 0; i < n; i++) {
		struct epoll_event ev = { .events = EPOLLIN, .data.u64 = (uint64_t)i };

		te->fds[i] = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
		if (te->fds[i] < 0 || epoll_ctl(te->epfd, EPOLL_CTL_ADD, te->fds[i], &ev)) {
			ret = -errno;
			goto err_free;
		}
	}
	ctx->priv = te;
	return 0;

err_free:
	tfe_free(te);
	return ret;
}

static int tfe_arm(struct timer_ctx *ctx, int64_t *first)
{
	struct timerfd_epoll *te = ctx->priv;

	for (int64_t i = 0; i < te->ntimers; i++) {
		struct itimerspec spec = {
			.it_value = evb_ns_timespec(first[i]),
			.it_interval = evb_ns_timespec(ctx->cfg->period_ns),
		};

		if (timerfd_settime(te->fds[i], TFD_TIMER_ABSTIME, &spec, NULL))
			return -errno;
	}
	return 0;
}

static int tfe_wait(struct timer_ctx *ctx, int64_t deadline_ns, struct timer_fire *fired)
{
	struct timerfd_epoll *te = ctx->priv;
	int n;

	(void)deadline_ns;      /* the kernel timers keep the schedules */
	do
		n = epoll_wait(te->epfd, te->events, (int)te->ntimers, -1);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	for (int j = 0; j < n; j++) {
		int64_t timer = (int64_t)te->events[j].data.u64;
		uint64_t expirations;
		ssize_t got = read(te->fds[timer], &expirations, sizeof(expirations));

		if (got < 0)
			return errno == EAGAIN ? -EPROTO : -errno;   /* reported ready */
		if (got != sizeof(expirations) || expirations == 0)
			return -EIO;
		fired[j] = (struct timer_fire){ .timer = timer,
						.expirations = (int64_t)expirations };
	}
	return n;
}

static void tfe_teardown(struct timer_ctx *ctx)
{
	if (ctx->priv)
		tfe_free(ctx->priv);
}

const struct timer_ops timer_timerfd_epoll_ops = {
	.base = {
		.name = "timerfd-epoll",
		.summary = "--timers N periodic timerfds, phases spread over a period, "
			   "in one epoll set",
		.variants = NULL,
	},
	.multi = true,
	.supported = tfe_supported,
	.setup = tfe_setup,
	.arm = tfe_arm,
	.wait = tfe_wait,
	.teardown = tfe_teardown,
};
