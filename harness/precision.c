/* precision.c - one judgement of a cell's precision; see precision.h. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "precision.h"

const char *const harness_precision_names[] = {
	[HARNESS_PREC_MET] = "met",
	[HARNESS_PREC_MORE] = "more",
	[HARNESS_PREC_MAX_REPS] = "max reps",
	[HARNESS_PREC_BUDGET] = "time budget",
	[HARNESS_PREC_BIMODAL] = "bimodal",
	[HARNESS_PREC_NO_DATA] = "no data",
	[HARNESS_PREC_NO_TARGET] = "no target",
	NULL,
};

/*
 * Without a target the fixed-n interval at HARNESS_CI_CONF; with one, the
 * looks' (harness_looks_interval; the fixed-n one if that runs out of memory).
 */
static int cell_interval(const double *sorted, size_t n, double target_pct, size_t max_reps,
			 struct evb_precision *ci, bool *look)
{
	*look = true;
	if (n == 0 || evb_median_precision(sorted, n, HARNESS_CI_CONF, ci))
		return -EINVAL;
	if (target_pct > 0 && harness_looks_interval(sorted, n, max_reps, ci, look) == -EINVAL)
		return -EINVAL;
	return 0;
}

void harness_precision_judge(const double *sorted, size_t n, double target_pct,
			     size_t max_reps, bool stopped, struct harness_precision *out)
{
	size_t split = 0;
	bool look;

	memset(out, 0, sizeof(*out));
	out->n = n;
	out->low_mode = out->high_mode = NAN;
	if (cell_interval(sorted, n, target_pct, max_reps, &out->ci, &look) ||
	    !isfinite(out->ci.halfwidth_pct)) {
		out->state = HARNESS_PREC_NO_DATA;
		return;
	}
	out->bimodal = evb_bimodal(sorted, n, &split);
	if (out->bimodal) {
		out->low_reps = split;
		out->high_reps = n - split;
		out->low_mode = evb_median_sorted(sorted, split);
		out->high_mode = evb_median_sorted(sorted + split, n - split);
	}
	if (target_pct <= 0)
		out->state = HARNESS_PREC_NO_TARGET;
	else if (out->ci.halfwidth_pct <= target_pct && out->ci.level >= HARNESS_MET_MIN_LEVEL &&
		 (look || stopped || n >= max_reps))
		out->state = HARNESS_PREC_MET;
	else if (!stopped && n < max_reps)
		out->state = HARNESS_PREC_MORE;
	else if (out->bimodal)
		out->state = HARNESS_PREC_BIMODAL;
	else if (n >= max_reps)
		out->state = HARNESS_PREC_MAX_REPS;
	else
		out->state = HARNESS_PREC_BUDGET;
}

const char *harness_interval_note(double target_pct)
{
	if (target_pct <= 0)
		return "ci_level; [min, max] below 6 repetitions";
	return "ci_level: the chance that the interval of every look the adaptive repetitions "
	       "could stop at covers, so it holds whichever look a cell stopped at; less for a "
	       "cell stopped between looks";
}

const char *harness_headline_column(const char *unit)
{
	size_t len = strlen(unit);

	return len >= 2 && !strcmp(unit + len - 2, "/s") ? "ops_per_s" : "p50";
}

double harness_headline_value(const struct evb_row *row)
{
	if (!strcmp(harness_headline_column(row->unit), "ops_per_s"))
		return row->ops_per_s;
	return row->p50 == EVB_NA ? NAN : (double)row->p50;
}

size_t harness_precision_goal(const struct harness_precision *p, size_t reps, size_t max_reps)
{
	if (p->state != HARNESS_PREC_MORE || reps >= max_reps)
		return 0;
	return harness_next_useful_reps(reps, max_reps);
}
