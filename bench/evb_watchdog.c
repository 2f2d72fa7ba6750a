/* evb_watchdog.c - deadline and failure watcher thread; see evb_watchdog.h. */
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdatomic.h>
#include <signal.h>
#include <stdio.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "evb_clock.h"
#include "evb_sys.h"
#include "evb_watchdog.h"

static void *watchdog_main(void *arg)
{
	struct evb_watchdog *wd = arg;
	struct pollfd fds[2] = {
		{ .fd = wd->trip_fd, .events = POLLIN },
		{ .fd = wd->done_fd, .events = POLLIN },
	};
	int64_t deadline = evb_now_ns() + wd->timeout_ns;

	atomic_store(&wd->running, 1);
	for (;;) {
		int64_t left = deadline - evb_now_ns();
		int timeout_ms = wd->timeout_ns <= 0 ? -1
				 : left <= 0 ? 0 : (int)((left + 999999) / 1000000);
		int n = poll(fds, 2, timeout_ms);

		if (n < 0 && errno == EINTR)
			continue;
		if (fds[1].revents & POLLIN)
			return NULL;
		if (fds[0].revents & POLLIN) {
			wd->fire(wd->arg, 0, "a side failed");
			return NULL;
		}
		if (n == 0 && wd->timeout_ns > 0 && evb_now_ns() >= deadline) {
			char why[96];

			snprintf(why, sizeof(why), "still running after the %.3g s timeout",
				 (double)wd->timeout_ns / 1e9);
			wd->fire(wd->arg, 1, why);
			return NULL;
		}
	}
}

int evb_watchdog_start(struct evb_watchdog *wd, int64_t timeout_ns,
		       evb_watchdog_fire_fn fire, void *arg)
{
	sigset_t all, old;
	int ret;

	wd->timeout_ns = timeout_ns;
	wd->fire = fire;
	wd->arg = arg;
	atomic_store(&wd->running, 0);
	wd->trip_fd = eventfd(0, EFD_CLOEXEC);
	wd->done_fd = eventfd(0, EFD_CLOEXEC);
	if (wd->trip_fd < 0 || wd->done_fd < 0) {
		ret = -errno;
		goto err_close;
	}
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	ret = -pthread_create(&wd->thread, NULL, watchdog_main, wd);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ret)
		goto err_close;
	/*
	 * Return once the thread has started: a driver forks its peer process
	 * right after, and a fork while the new thread is still starting (its
	 * stack and thread-local state being set up, under a sanitizer's
	 * allocator locks) may leave the child a lock nobody will release.
	 */
	while (!atomic_load(&wd->running))
		sched_yield();
	return 0;

err_close:
	if (wd->trip_fd >= 0)
		close(wd->trip_fd);
	if (wd->done_fd >= 0)
		close(wd->done_fd);
	return ret;
}

void evb_watchdog_trip(struct evb_watchdog *wd)
{
	evb_eventfd_post(wd->trip_fd);
}

void evb_watchdog_stop(struct evb_watchdog *wd)
{
	evb_eventfd_post(wd->done_fd);
	pthread_join(wd->thread, NULL);
	close(wd->trip_fd);
	close(wd->done_fd);
}
