/*
 * posix-timer - timer_create() on CLOCK_MONOTONIC, armed once with
 * TIMER_ABSTIME at t0 and an interval of one period; every expiration
 * queues SIGRTMIN, which stays blocked in every thread except while the
 * waiter waits for it.
 *
 *   sigwaitinfo  SIGEV_SIGNAL: a process-directed signal, taken with
 *                sigwaitinfo() by the waiter
 *   handler      SIGEV_SIGNAL with an SA_SIGINFO handler; the waiter sleeps
 *                in sigsuspend() with SIGRTMIN unblocked and the handler
 *                counts the delivery (through si_value, no global)
 *   thread       SIGEV_THREAD_ID: the signal is directed at the waiter's
 *                thread, taken with sigwaitinfo() -- what cyclictest -x does
 *
 * One sample: the clock after sigwaitinfo()/sigsuspend() returns - the
 * deadline.  Overruns: a timer has one signal at most in flight; expirations
 * while it is pending are counted by the kernel and reported by
 * timer_getoverrun() once it is delivered, so every wakeup reports
 * 1 + timer_getoverrun() expirations, which moves the schedule (main.c checks
 * it against the clock).
 * Semantics: hrtimer, rearmed when the signal is delivered; timer slack does
 * not apply.
 */
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "evb_clock.h"
#include "timer.h"

/* glibc before 2.37 does not name the thread-id member */
#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id _sigev_un._tid
#endif

enum { PT_SIGWAITINFO, PT_HANDLER, PT_THREAD };

static const char *const posix_timer_variants[] = { "sigwaitinfo", "handler", "thread", NULL };

struct posix_timer {
	timer_t timer;
	bool created;
	int signo;
	sigset_t set;            /* just signo */
	sigset_t unblocked;      /* the mask in sigsuspend: the current one minus signo */
	struct sigaction old_action;
	_Atomic int64_t handled; /* handler: deliveries so far */
	int64_t seen;            /* handler: deliveries the waiter consumed */
};

static void posix_timer_handler(int signo, siginfo_t *info, void *uctx)
{
	struct posix_timer *pt = info->si_value.sival_ptr;

	(void)signo;
	(void)uctx;
	if (info->si_code == SI_TIMER && pt)
		atomic_fetch_add(&pt->handled, 1);
}

static int posix_timer_setup(struct timer_ctx *ctx)
{
	struct posix_timer *pt = calloc(1, sizeof(*pt));
	int variant = ctx->cfg->variant_index;
	struct sigevent sev;
	int ret;

	if (!pt)
		return -ENOMEM;
	pt->signo = SIGRTMIN;
	sigemptyset(&pt->set);
	sigaddset(&pt->set, pt->signo);
	if (sigprocmask(SIG_BLOCK, &pt->set, &pt->unblocked)) {
		ret = -errno;
		goto err_free;
	}
	sigdelset(&pt->unblocked, pt->signo);
	if (variant == PT_HANDLER) {
		struct sigaction sa = { .sa_sigaction = posix_timer_handler,
					.sa_flags = SA_SIGINFO };

		sigemptyset(&sa.sa_mask);
		if (sigaction(pt->signo, &sa, &pt->old_action)) {
			ret = -errno;
			goto err_free;
		}
	}

	memset(&sev, 0, sizeof(sev));
	sev.sigev_signo = pt->signo;
	sev.sigev_value.sival_ptr = pt;
	sev.sigev_notify = SIGEV_SIGNAL;
	if (variant == PT_THREAD) {
		sev.sigev_notify = SIGEV_THREAD_ID;
		sev.sigev_notify_thread_id = ctx->cfg->waiter_tid;
	}
	if (timer_create(CLOCK_MONOTONIC, &sev, &pt->timer)) {
		ret = -errno;
		goto err_restore_action;
	}
	pt->created = true;
	ctx->priv = pt;
	return 0;

err_restore_action:
	if (variant == PT_HANDLER)
		sigaction(pt->signo, &pt->old_action, NULL);
err_free:
	free(pt);
	return ret;
}

static int posix_timer_arm(struct timer_ctx *ctx, int64_t *first)
{
	struct posix_timer *pt = ctx->priv;
	struct itimerspec spec = {
		.it_value = evb_ns_timespec(first[0]),
		.it_interval = evb_ns_timespec(ctx->cfg->period_ns),
	};

	return timer_settime(pt->timer, TIMER_ABSTIME, &spec, NULL) ? -errno : 0;
}

/* Take the timer's signal with sigwaitinfo().  0 or -errno. */
static int posix_timer_take(struct posix_timer *pt)
{
	siginfo_t info;
	int signo;

	do
		signo = sigwaitinfo(&pt->set, &info);
	while (signo < 0 && errno == EINTR);
	if (signo < 0)
		return -errno;
	/* only our timer queues this signal: anything else is a bug to show */
	return info.si_code == SI_TIMER && info.si_value.sival_ptr == pt ? 0 : -EPROTO;
}

/* Sleep in sigsuspend() until the handler has run once more.  0 or -errno. */
static int posix_timer_suspend(struct posix_timer *pt)
{
	while (atomic_load(&pt->handled) == pt->seen)
		if (sigsuspend(&pt->unblocked) && errno != EINTR)
			return -errno;
	pt->seen++;
	return 0;
}

static int posix_timer_wait(struct timer_ctx *ctx, int64_t deadline_ns,
			    struct timer_fire *fired)
{
	struct posix_timer *pt = ctx->priv;
	int ret, overrun;

	(void)deadline_ns;      /* the kernel timer keeps the schedule */
	ret = ctx->cfg->variant_index == PT_HANDLER ? posix_timer_suspend(pt)
						    : posix_timer_take(pt);
	if (ret)
		return ret;
	overrun = timer_getoverrun(pt->timer);
	if (overrun < 0)
		return -errno;
	fired[0] = (struct timer_fire){ .timer = 0, .expirations = 1 + (int64_t)overrun };
	return 1;
}

static void posix_timer_teardown(struct timer_ctx *ctx)
{
	struct posix_timer *pt = ctx->priv;

	if (!pt)
		return;
	if (pt->created)
		timer_delete(pt->timer);
	if (ctx->cfg->variant_index == PT_HANDLER)
		sigaction(pt->signo, &pt->old_action, NULL);
	free(pt);
}

const struct timer_ops timer_posix_timer_ops = {
	.base = {
		.name = "posix-timer",
		.summary = "timer_create + TIMER_ABSTIME periodic, SIGRTMIN taken by "
			   "sigwaitinfo, a handler in sigsuspend, or directed at the thread",
		.variants = posix_timer_variants,
	},
	.setup = posix_timer_setup,
	.arm = posix_timer_arm,
	.wait = posix_timer_wait,
	.teardown = posix_timer_teardown,
};
