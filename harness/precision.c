/* precision.c - one judgement of a cell's precision; see precision.h. */
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

void harness_precision_judge(const double *sorted, size_t n, double target_pct,
			     size_t max_reps, bool stopped, struct harness_precision *out)
{
	size_t split = 0;

	memset(out, 0, sizeof(*out));
	out->n = n;
	out->low_mode = out->high_mode = NAN;
	if (n == 0 || evb_median_precision(sorted, n, HARNESS_CI_CONF, &out->ci) ||
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
	else if (out->ci.halfwidth_pct <= target_pct && out->ci.level >= HARNESS_MET_MIN_LEVEL)
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

/* How many values the interval of m repetitions drops from each end. */
static size_t trimmed(size_t m)
{
	double *ranks = malloc((m ? m : 1) * sizeof(*ranks)), lo = 0, hi, level;

	for (size_t i = 0; ranks && i < m; i++)
		ranks[i] = (double)i;
	if (!ranks || evb_median_ci(ranks, m, HARNESS_CI_CONF, &lo, &hi, &level))
		lo = 0;
	free(ranks);
	return (size_t)lo;
}

size_t harness_next_useful_reps(size_t n, size_t max_reps)
{
	size_t base = trimmed(n);

	for (size_t m = n + 1; m < max_reps; m++)
		if (trimmed(m) > base)
			return m;
	return max_reps > n ? max_reps : n;
}
