/*
 * evb_watchdog.h - a driver's last line of defence against a hang.
 *
 * A thread (all signals blocked) that sleeps in poll() on two eventfds and a
 * deadline.  If the deadline passes, or any side of the measurement trips it
 * (a peer process can: the eventfd is inherited), it calls fire() with the
 * reason; fire() writes the failed row and _exit()s, which also ends a
 * process peer (it dies with its parent).  A run that finishes stops it.
 *
 * A run whose measuring process must hold no second thread (mux scan: a
 * thread shares the fd table, and the kernel then takes a reference on every
 * fd a call looks up) starts it as a process instead
 * (evb_watchdog_start_process): the process forks, the child goes on as the
 * driver, and the parent is the watchdog.  It waits for the child and ends
 * as the child did (its exit status, or its signal), so to the harness it is
 * the driver; at the deadline or a trip it kills the child and calls fire()
 * itself.  fire() then sees the state as it was at the fork, except what
 * lives in shared memory (evb_shared_alloc: progress, errors, the emitted
 * flag), which is what it reads.
 */
#ifndef EVB_WATCHDOG_H
#define EVB_WATCHDOG_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

/* timed_out: the deadline passed (else a side tripped it). */
typedef void (*evb_watchdog_fire_fn)(void *arg, int timed_out, const char *why);

struct evb_watchdog {
	pthread_t thread;
	int trip_fd;          /* posted by a failing side */
	int done_fd;          /* posted by evb_watchdog_stop */
	int64_t timeout_ns;   /* <= 0: no deadline */
	evb_watchdog_fire_fn fire;
	void *arg;
	_Atomic int running;   /* set by the thread once it is in its loop */
	bool process;          /* the watchdog is the parent process */
};

/* 0 or -errno.  Start it before pinning: the thread inherits the mask. */
int evb_watchdog_start(struct evb_watchdog *wd, int64_t timeout_ns,
		       evb_watchdog_fire_fn fire, void *arg);
/*
 * The watchdog as the parent process (above).  Returns in the child only: 0,
 * or -errno when nothing was forked.  Call it before any thread exists.
 */
int evb_watchdog_start_process(struct evb_watchdog *wd, int64_t timeout_ns,
			       evb_watchdog_fire_fn fire, void *arg);
/* From any thread or process peer: "I failed, the others may be stuck". */
void evb_watchdog_trip(struct evb_watchdog *wd);
void evb_watchdog_stop(struct evb_watchdog *wd);

#endif
