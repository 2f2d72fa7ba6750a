/*
 * precision.h - how far a cell's figure can be trusted, judged one way for
 * the run (which cells get more repetitions) and for summary.csv.
 *
 * A cell's headline figure is the median over its ok repetitions of each
 * repetition's p50 (latency cells) or ops_per_s (throughput cells).  Its
 * interval is a distribution-free order-statistic interval of that median,
 * [x(l), x(n+1-l)] of the sorted values:
 *   no target  (a fixed number of repetitions) the 95% CI at n
 *              (evb_median_ci): it covers at least 95% from n = 6 on, and
 *              below that it is [min, max] with the coverage it reaches
 *              (93.75% for 5)
 *   a target   (repetitions added until the interval is narrow) the
 *              interval of the run's looks (precision_looks.c): a cell may
 *              stop only at a look, each look has its trim l, and the
 *              level stated is the chance that every look's interval
 *              covers: at least 95% (95.5% up to 15 repetitions), whichever
 *              look the cell stopped at.  A cell at a count that is no look
 *              (the budget or an interruption stopped it, a repetition
 *              failed) states less: its own count counts as one more look.
 * The precision is the interval's half-width in percent of the median.
 */
#ifndef HARNESS_PRECISION_H
#define HARNESS_PRECISION_H

#include <stdbool.h>
#include <stddef.h>

#include "evb_row.h"
#include "evb_stats.h"

#define HARNESS_CI_CONF 0.95
/*
 * A target is met only by an interval that covers at least this much: the
 * [min, max] of one or two repetitions covers 0% or 50% and says nothing
 * even when it is narrow, so a cell needs 3 ok repetitions (75%) before it
 * can count as met (5 reach 93.75%, 6 reach 95%).
 */
#define HARNESS_MET_MIN_LEVEL 0.75

enum harness_precision_state {
	HARNESS_PREC_MET,          /* half-width <= target */
	HARNESS_PREC_MORE,         /* not yet: more repetitions may get there */
	HARNESS_PREC_MAX_REPS,     /* not met at the run's --max-reps */
	HARNESS_PREC_BUDGET,       /* not met: the time budget stopped the run */
	HARNESS_PREC_BIMODAL,      /* repetitions in two clusters far apart */
	HARNESS_PREC_NO_DATA,      /* no ok repetition, or a zero median */
	HARNESS_PREC_NO_TARGET,    /* the run set no target (--precision 0) */
};

extern const char *const harness_precision_names[];   /* "met", "more", ... */

struct harness_precision {
	enum harness_precision_state state;
	struct evb_precision ci;   /* median, lo, hi, level, halfwidth_pct */
	size_t n;
	bool bimodal;
	double low_mode, high_mode;    /* medians of the two clusters when bimodal */
	size_t low_reps, high_reps;
};

/*
 * Judge sorted values (one per ok repetition).  target_pct <= 0: no target.
 * max_reps: the most repetitions the run may take; stopped: the run will
 * take no more (ended, budget spent) — then a target not met is reported
 * as max reps, bimodal or budget, otherwise as "more".
 */
void harness_precision_judge(const double *sorted, size_t n, double target_pct,
			     size_t max_reps, bool stopped, struct harness_precision *out);

/* What ci_level means, for the report: for a run with target_pct, or without. */
const char *harness_interval_note(double target_pct);

/*
 * The column a cell's headline figure comes from: ops_per_s for throughput
 * metrics (a unit per second: "ops/s", "events/s"), p50 otherwise.  One
 * choice for the run's adaptive repetitions and for summary.csv.
 */
const char *harness_headline_column(const char *unit);
/* That figure of one row; NAN when it is empty. */
double harness_headline_value(const struct evb_row *row);

/*
 * The next look above n of a run that takes cells up to max_reps (capped
 * there): each look drops one more value from each end of the interval,
 * and the last is max_reps.  Up to 15: 8 -> 11 -> 13 -> 15 ([min, max],
 * then [x(2), x(n-1)], [x(3), x(n-2)], and [x(4), x(12)] at 15 as a fixed
 * 15 would have).  In between, more repetitions only widen the interval.
 */
size_t harness_next_useful_reps(size_t n, size_t max_reps);

/*
 * The repetition count the run takes a cell to next, judged p at reps
 * repetitions: its next look while p is "more", 0 when it stops (met, max
 * reps, or no target).  The run's decision, one function for the run and
 * its tests.
 */
size_t harness_precision_goal(const struct harness_precision *p, size_t reps, size_t max_reps);

/*
 * The interval of a run with a target at n sorted values (precision.h's
 * top): ci gets the looks' trim at n, and ci->level the chance that every
 * look and n cover; *look whether n is a look.  A max_reps over
 * HARNESS_LOOKS_MAX_REPS (unknown: an env.csv without run_max_reps) makes n
 * the last look.  0, -EINVAL for n == 0, -ENOMEM.
 */
#define HARNESS_LOOKS_MAX_REPS 1000
int harness_looks_interval(const double *sorted, size_t n, size_t max_reps,
			   struct evb_precision *ci, bool *look);

#endif
