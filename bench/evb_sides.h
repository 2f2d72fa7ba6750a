/*
 * evb_sides.h - the order of a driver's run, the same in every driver.
 *
 * The watchdog starts (evb_watchdog.h), side B starts when the run has one
 * (a thread or a process peer, evb_peer.h), side A runs in the caller, B is
 * joined, the watchdog stops, and exactly one row leaves the process
 * (evb_driver_end, whose fields the caller fills first).  evb-notify and
 * evb-mux run both sides; evb-serve's side B is its load generator;
 * evb-timer has no side B and uses the watchdog and the end alone.
 */
#ifndef EVB_SIDES_H
#define EVB_SIDES_H

#include <stdbool.h>

#include "evb_driver.h"
#include "evb_peer.h"
#include "evb_row.h"
#include "evb_watchdog.h"

enum { EVB_SIDE_A, EVB_SIDE_B };

struct evb_sides {
	struct evb_driver_end end;     /* filled by the caller before evb_sides_watch */
	struct evb_watchdog watchdog;  /* a failing side trips it */
	struct evb_peer peer;          /* side B, once b_started */
	const char *b_exit;            /* the call B's failed end is named as;
					  NULL: "exit" */
	bool b_started;
	bool watching;
	bool watch_from_process;       /* set by the caller: the watchdog is a
					  process (evb_watchdog_start_process),
					  and the driver's process keeps one
					  thread */
};

/*
 * Start the watchdog on s->end.  0, or the exit status of the failed row
 * it wrote ("watchdog thread: ...").
 */
int evb_sides_watch(struct evb_sides *s, struct evb_row *row);
/* Start side B running fn(arg), pinned to cpu.  0 or -errno. */
int evb_sides_start_b(struct evb_sides *s, enum evb_ipc ipc, int cpu, evb_peer_fn fn,
		      void *arg);
/*
 * Wait for side B (when it started), then stop the watchdog.  B's failure
 * is recorded as side B's "exit" (or s->b_exit) only when it is the run's first: neither
 * side has failed, a_failed is false, and B was not released by an aborted
 * barrier (-ECANCELED): a side that ended because the other failed is not a
 * second cause.  Returns B's result (0 when there was no B).
 */
int evb_sides_join(struct evb_sides *s, bool a_failed);
/* The watchdog alone, for a run that ends before side B would start. */
void evb_sides_unwatch(struct evb_sides *s);

/*
 * The row once the sides are done.  A row the caller already decided (a
 * status other than ok) stays as it is; a run in which a side failed, or
 * failed is set, gets status failed and the sides' reason
 * (evb_driver_end_reason); otherwise fill(arg, row) writes the measurement
 * and may fail the row on its counts.  A row that is not ok says its
 * reason on stderr.  Then the one row is written (evb_driver_end_emit);
 * returns the exit status.
 */
int evb_sides_end(struct evb_sides *s, struct evb_row *row, bool failed,
		  void (*fill)(void *arg, struct evb_row *row), void *arg);

/*
 * A row whose setup failed with -err: skipped naming RLIMIT_NOFILE when
 * err is EMFILE or ENFILE (the fd budget said it fits, the kernel
 * disagreed: still a limit, not a crash), else failed with why.
 */
void evb_row_setup_failed(struct evb_row *row, int err, const char *why);
/* Status failed and the reason, printf-style. */
void evb_row_failed(struct evb_row *row, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
