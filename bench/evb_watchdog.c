/* evb_watchdog.c - deadline and failure watcher thread; see evb_watchdog.h. */
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdatomic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "evb_clock.h"
#include "evb_sys.h"
#include "evb_watchdog.h"

/* What ended a watch. */
enum watch_end { WATCH_DONE, WATCH_TRIPPED, WATCH_TIMED_OUT };

/*
 * Wait on the trip fd, done_fd (the thread's stop, or the child's pidfd)
 * and the deadline; max_slice_ms > 0 bounds each poll (a parent without a
 * pidfd looks at its child that often).  done() says whether done_fd's
 * readiness, or a slice's end, means the run is over.
 */
static enum watch_end watch(struct evb_watchdog *wd, int done_fd, int max_slice_ms,
			    bool (*done)(void *arg), void *arg)
{
	struct pollfd fds[2] = {
		{ .fd = wd->trip_fd, .events = POLLIN },
		{ .fd = done_fd, .events = POLLIN },
	};
	int64_t deadline = evb_now_ns() + wd->timeout_ns;

	for (;;) {
		int64_t left = deadline - evb_now_ns();
		int timeout_ms = wd->timeout_ns <= 0 ? -1
				 : left <= 0 ? 0 : (int)((left + 999999) / 1000000);
		int n;

		if (max_slice_ms > 0 && (timeout_ms < 0 || timeout_ms > max_slice_ms))
			timeout_ms = max_slice_ms;
		n = poll(fds, done_fd >= 0 ? 2 : 1, timeout_ms);
		if (n < 0 && errno == EINTR)
			continue;
		if (((fds[1].revents & (POLLIN | POLLHUP)) || (max_slice_ms > 0 && n == 0)) &&
		    done(arg))
			return WATCH_DONE;
		if (fds[0].revents & POLLIN)
			return WATCH_TRIPPED;
		if (n == 0 && wd->timeout_ns > 0 && evb_now_ns() >= deadline)
			return WATCH_TIMED_OUT;
	}
}

static void fire_for(struct evb_watchdog *wd, enum watch_end end)
{
	char why[96];

	if (end == WATCH_TRIPPED) {
		wd->fire(wd->arg, 0, "a side failed");
		return;
	}
	snprintf(why, sizeof(why), "still running after the %.3g s timeout",
		 (double)wd->timeout_ns / 1e9);
	wd->fire(wd->arg, 1, why);
}

static bool always(void *arg)
{
	(void)arg;
	return true;
}

static void *watchdog_main(void *arg)
{
	struct evb_watchdog *wd = arg;
	enum watch_end end;

	atomic_store(&wd->running, 1);
	end = watch(wd, wd->done_fd, 0, always, NULL);
	if (end != WATCH_DONE)
		fire_for(wd, end);
	return NULL;
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

/* The watchdog parent's child: its pid and, once it ended, its status. */
struct child {
	pid_t pid;
	int status;
};

static bool child_ended(void *arg)
{
	struct child *c = arg;

	return waitpid(c->pid, &c->status, WNOHANG) == c->pid;
}

/* End as the child ended: its exit status, or death by its signal. */
static noreturn void end_as(int status)
{
	if (WIFSIGNALED(status)) {
		sigset_t one;

		signal(WTERMSIG(status), SIG_DFL);
		sigemptyset(&one);
		sigaddset(&one, WTERMSIG(status));
		sigprocmask(SIG_UNBLOCK, &one, NULL);
		raise(WTERMSIG(status));
		_exit(128 + WTERMSIG(status));
	}
	_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
}

int evb_watchdog_start_process(struct evb_watchdog *wd, int64_t timeout_ns,
			       evb_watchdog_fire_fn fire_fn, void *arg)
{
	pid_t parent = getpid();
	struct child child = { 0 };
	enum watch_end end;
	int pidfd;

	*wd = (struct evb_watchdog){ .timeout_ns = timeout_ns, .fire = fire_fn, .arg = arg,
				     .process = true, .done_fd = -1 };
	wd->trip_fd = eventfd(0, EFD_CLOEXEC);
	if (wd->trip_fd < 0)
		return -errno;
	/* Nothing buffered may be written twice. */
	fflush(stdout);
	fflush(stderr);
	child.pid = fork();
	if (child.pid < 0) {
		int ret = -errno;

		close(wd->trip_fd);
		return ret;
	}
	if (child.pid == 0) {
		/* The driver goes on here, and ends with the watchdog if it dies. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(1);
		return 0;
	}
	/* pidfd_open (Linux 5.3); without it, a look at the child every 10 ms. */
	pidfd = (int)syscall(SYS_pidfd_open, child.pid, 0);
	/* Hold none of the driver's descriptors: a peer must see them close. */
	for (int fd = 3; fd <= wd->trip_fd || fd <= pidfd; fd++)
		if (fd != wd->trip_fd && fd != pidfd)
			close(fd);
	end = watch(wd, pidfd, pidfd < 0 ? 10 : 0, child_ended, &child);
	if (end == WATCH_DONE)
		end_as(child.status);
	kill(child.pid, SIGKILL);
	waitpid(child.pid, &child.status, 0);
	fire_for(wd, end);  /* writes the row and exits */
	_exit(1);
}

void evb_watchdog_trip(struct evb_watchdog *wd)
{
	evb_eventfd_post(wd->trip_fd);
}

void evb_watchdog_stop(struct evb_watchdog *wd)
{
	if (wd->process) {
		/* The parent sees this process end. */
		close(wd->trip_fd);
		return;
	}
	evb_eventfd_post(wd->done_fd);
	pthread_join(wd->thread, NULL);
	close(wd->trip_fd);
	close(wd->done_fd);
}
