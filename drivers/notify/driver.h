/*
 * driver.h - the notify modes (pingpong, wakeup, burst) as the two sides run
 * them, and the state both sides share.  notify.h draws the modes; main.c
 * starts the sides and turns what they counted into the row.
 */
#ifndef NOTIFY_DRIVER_H
#define NOTIFY_DRIVER_H

#include <stdatomic.h>
#include <stdint.h>

#include "evb_driver.h"
#include "evb_hist.h"
#include "evb_peer.h"
#include "evb_sys.h"
#include "evb_watchdog.h"
#include "notify.h"

struct notify_opts {
	struct evb_driver_opts common;
	int64_t gap_ns;        /* wakeup: A's pause once B is verified asleep */
	int64_t inject_loss;   /* test aid, burst: the N-th send is counted, not made; 0 never */
};

/* Everything both sides touch; in shared memory so processes work too. */
struct notify_run {
	struct notify_ids ids;
	struct evb_barrier barrier;
	struct evb_hist hist;           /* samples of the measuring side */
	_Atomic int b_waiting;          /* wakeup: B is about to block */
	_Atomic int64_t stamp_ns;       /* wakeup: A's clock just before notify */
	_Atomic int64_t progress[2];    /* measured operations done, per side */
	_Atomic int64_t spurious;       /* blocking waits that returned nothing */
	_Atomic int emitted;            /* the row was written (by main or watchdog) */
	int64_t burst_start_ns;
	int64_t last_delivery_ns;
	int64_t measured_ns;            /* A's measured loop */
	int64_t machine_cpu_ns;         /* the machine's CPU time over it; EVB_NA */
	int64_t sent;
	int64_t delivered;
	int64_t wakeups;
	int64_t acks;                   /* B -> A notifications A received */
	int64_t not_asleep;             /* wakeup: notifications B was not seen asleep for */
	int64_t send_retries;           /* burst: -EAGAIN from a full queue */
	struct evb_usage usage[2];      /* measured phase, per side's thread */
	struct evb_side_errors errors;
};

/* What each side needs, by pointer; nothing here is global. */
struct notify_side_ctx {
	const struct notify_opts *opts;
	const struct notify_ops *ops;
	struct notify_ctx *ctx;
	struct notify_run *run;
	struct evb_watchdog *watchdog;
	int stop_fd;                    /* burst: A posts it after the last send */
	int cpu_b;                      /* exit: the child's CPU; -1 unpinned */
};

/* Record a side's failure, release the other side, wake the watchdog. */
int notify_side_fail(struct notify_side_ctx *s, enum notify_side self, const char *call,
		     int err);

/* row.c: the row of a run that finished, and the check of its counts. */
void notify_fill_row(const struct notify_side_ctx *s, struct evb_row *row);
void notify_check_counts(const struct notify_side_ctx *s, struct evb_row *row);
/* How far a run got (arg: the notify_side_ctx), for evb_driver_end. */
void notify_progress(const void *arg, char *buf, size_t len);

/*
 * The measured phase's clocks on one side: its thread's usage, and on A
 * the wall clock (measured_ns) and the machine's CPU time over it.
 */
struct notify_span {
	enum notify_side self;
	struct evb_usage before;
	int64_t cpu0, t0;
};
void notify_span_begin(struct notify_span *span, enum notify_side self);
void notify_span_end(struct notify_side_ctx *s, const struct notify_span *span);

/* One side's whole run: ids, warmup, the measured phase.  0 or -errno. */
int notify_side_run(struct notify_side_ctx *s, enum notify_side self);
/* Side B's entry, for evb_sides_start_b. */
int notify_side_b_main(void *arg);
/* Mode exit: A's whole run, a child per sample (exit.c).  0 or -errno. */
int notify_exit_run(struct notify_side_ctx *s);

#endif
