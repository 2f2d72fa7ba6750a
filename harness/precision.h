/*
 * precision.h - how far a cell's figure can be trusted, judged one way for
 * the run (which cells get more repetitions) and for summary.csv.
 *
 * A cell's headline figure is the median over its ok repetitions of each
 * repetition's p50 (latency cells) or ops_per_s (throughput cells).  Its
 * interval is the distribution-free order-statistic 95% CI of that median
 * (evb_median_ci); with n repetitions it covers at least 95% from n = 6 on,
 * and below that it is [min, max] with the coverage it reaches (93.75% for
 * 5).  The precision is the interval's half-width in percent of the median.
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

/*
 * The column a cell's headline figure comes from: ops_per_s for throughput
 * metrics (a unit per second: "ops/s", "events/s"), p50 otherwise.  One
 * choice for the run's adaptive repetitions and for summary.csv.
 */
const char *harness_headline_column(const char *unit);
/* That figure of one row; NAN when it is empty. */
double harness_headline_value(const struct evb_row *row);

/*
 * The smallest repetition count above n at which the order-statistic
 * interval drops one more value from each end, capped at max_reps: 5 -> 9
 * -> 12 -> 15 -> 17 at 95%.  In between, more repetitions only widen the
 * interval ([min, max] of 6, 7 or 8 values spans more than of 5), so adding
 * repetitions one at a time can make a cell look less precise.
 */
size_t harness_next_useful_reps(size_t n, size_t max_reps);

#endif
