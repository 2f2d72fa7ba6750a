/*
 * driver.h - one evb-timer run: the options, the schedule being served
 * (schedule.c), the measurement around it (measure.c) and the row it gives
 * (row.c).  main.c's opening comment says what is measured and how the
 * schedule, overruns and skip-ahead work.
 */
#ifndef TIMER_DRIVER_H
#define TIMER_DRIVER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "evb_sides.h"
#include "evb_hist.h"
#include "evb_placement.h"
#include "evb_sys.h"
#include "timer.h"

enum { SCHED_POLICY_OTHER, SCHED_POLICY_FIFO };
enum { LOAD_NONE, LOAD_BUSY };

struct timer_opts {
	struct evb_driver_opts common;
	int64_t period_ns;
	int64_t slack_ns;       /* EVB_NA: the inherited slack, left alone */
	int sched;              /* SCHED_POLICY_* */
	int64_t prio;
	bool prio_given;
	int64_t timers;
	bool timers_given;
	int load;               /* LOAD_* */
	int64_t stall_at;       /* test aid: spin after this measured sample; 0 never */
	int64_t stall_ns;
	int64_t inject_miss;    /* test aid: drop this measured sample from the tally */
};

/* Counts of the measured span. */
struct timer_tally {
	int64_t samples;
	int64_t wakeups;        /* waits that returned a measured sample */
	int64_t overruns;       /* measured deadlines skipped */
	int64_t clock_overruns; /* deadlines the clock saw pass at the wakeups */
	int64_t late_counts;    /* ... that a counting mechanism had not counted yet */
	int64_t early_counts;   /* expirations counted before their deadline */
	bool counted;           /* the mechanism reports its own expirations */
};

/* What the measured span cost, beside the samples. */
struct timer_cost {
	int64_t wall_ns;
	int64_t machine_cpu_ns;     /* EVB_NA when /proc/stat could not be read */
	struct evb_usage waiter;    /* side A: RUSAGE_THREAD delta */
	struct evb_usage load;      /* side B: the --load sibling's switches */
	bool loaded;
};

/* Everything one run needs, by pointer; nothing here is global. */
struct timer_run {
	const struct timer_opts *opts;
	const struct timer_ops *ops;
	struct timer_ctx *ctx;
	struct evb_hist hist;       /* every lateness sample */
	struct evb_hist early;      /* magnitudes of the negative ones */
	int64_t ntimers;
	int64_t *first;             /* per timer: deadline 0 */
	int64_t *next;              /* per timer: index of the next deadline */
	struct timer_fire *fired;   /* ntimers */
	int64_t span_begin;         /* first measured deadline index (= warmup) */
	int64_t span_end;           /* one past the last */
	int64_t measured_seen;      /* measured deadlines reached (for --inject-miss) */
	struct timer_tally tally;
	struct timer_cost cost;
	_Atomic int64_t progress;   /* measured samples, for the watchdog */
	_Atomic int emitted;        /* the row was written (main or watchdog) */
	struct evb_row axes;        /* the row as it stands before the run */
	struct evb_sides sides;     /* the watchdog and the one row: main's or the
				       watchdog's (axes); no side B */
	char failed_call[64];
};

/*
 * Wait and account until every timer's next deadline index is >= until.
 * 0, or -errno with r->failed_call set.
 */
int timer_run_until(struct timer_run *r, int64_t until);

/* The whole run after the skipped checks: emits the row, returns the exit status. */
int timer_measure(const struct timer_opts *opts, const struct timer_ops *ops,
		  struct timer_cfg *cfg, const struct evb_cpus *cpus, struct evb_row *row);

/*
 * The ok row's figures, then the counts that decide its status: samples +
 * overruns must equal sent, else the row is failed naming the counts.
 * What a reader of stderr should know is said there.
 */
void timer_fill_row(const struct timer_run *r, struct evb_row *row);
void timer_check_counts(const struct timer_run *r, struct evb_row *row);

#endif
