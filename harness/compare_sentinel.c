/*
 * compare_sentinel.c - how much the machine itself moved between two runs,
 * and the verdicts that movement could explain.
 *
 * `evbench run` measures two fixed sentinel cells through the run into
 * sentinel.csv (run_sentinel.c): pipe pingpong between two threads on one
 * CPU (same-cpu) and on two (cross-cpu; a skipped row with its reason on a
 * machine with one CPU).  Per placement, the sentinel's movement is the
 * ratio B/A of its p50 medians with the cells' interval [lo, hi]
 * (cmp_ratio_ci: order statistics, and the coverage it reaches at the
 * measurements it has, e.g. at least 97.7% at 20 a side).
 *
 * "machine moved": a faster or slower cell whose time-per-op ratio (B/A
 * for latency, A/B for throughput) lies within [min(1, lo), max(1, hi)]
 * of its sentinel, i.e. no further from 1 than the sentinel itself may
 * have moved.  A same-cpu cell is judged against the same-cpu sentinel, a
 * cross-cpu cell against the cross-cpu one, a cell of another placement
 * (free, or none) against the union of both.  A sentinel without an
 * interval in both runs (not recorded, too few ok measurements, a run made
 * before evbench had the cross-cpu one) judges nothing, and the header
 * says so.  The label is added to the verdict; the cell stays counted.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "evb_axes.h"
#include "evb_stats.h"
#include "figures.h"
#include "summary.h"

static const char *const placements[CMP_NSENTINELS] = { "same-cpu", "cross-cpu" };

/* The ok p50s of sentinel.csv's rows of one placement; their count. */
static size_t placement_values(const struct evb_table *t, const char *placement,
			       struct cmp_sentinel *st, int s, double **out)
{
	int pcol = evb_table_col(t, "placement"), status = evb_table_col(t, "status");
	int p50 = evb_table_col(t, "p50"), reason = evb_table_col(t, "reason");
	double *v = malloc((t->nrows ? t->nrows : 1) * sizeof(double));
	size_t n = 0;

	*out = v;
	for (size_t r = 0; v && r < t->nrows; r++) {
		if (strcmp(evb_table_get(t, r, pcol), placement))
			continue;
		st->present[s] = true;
		if (strcmp(evb_table_get(t, r, status), "ok")) {
			snprintf(st->reason[s], sizeof(st->reason[s]), "%s %s",
				 evb_table_get(t, r, status), evb_table_get(t, r, reason));
			continue;
		}
		char *end;
		const char *text = evb_table_get(t, r, p50);
		double x = strtod(text, &end);

		if (*text && !*end && isfinite(x))
			v[n++] = x;
	}
	return n;
}

static void one_sentinel(struct cmp *c, struct cmp_sentinel *st)
{
	double *values[2] = { NULL, NULL };

	st->ratio = st->lo = st->hi = st->level = st->med[0] = st->med[1] = NAN;
	for (int s = 0; s < 2; s++) {
		st->file[s] = c->run[s].has_sentinel;
		st->present[s] = false;
		st->reason[s][0] = '\0';
		st->n[s] = st->file[s] ? placement_values(&c->run[s].sentinel, st->placement, st,
							  s, &values[s]) : 0;
		evb_sort_doubles(values[s], st->n[s]);
		if (st->n[s])
			st->med[s] = evb_median_sorted(values[s], st->n[s]);
	}
	if (st->n[0] && st->n[1] && st->med[0] > 0)
		st->ratio = st->med[1] / st->med[0];
	if (st->n[0] >= 2 && st->n[1] >= 2)
		cmp_ratio_ci(values[0], st->n[0], values[1], st->n[1], &st->lo, &st->hi,
			     &st->level);
	free(values[0]);
	free(values[1]);
}

void cmp_sentinel(struct cmp *c)
{
	for (int i = 0; i < CMP_NSENTINELS; i++) {
		c->sentinel[i].placement = placements[i];
		one_sentinel(c, &c->sentinel[i]);
	}
}

/* Widen [*lo, *hi] by sentinel st's movement; false when it has none. */
static bool movement(const struct cmp_sentinel *st, double *lo, double *hi)
{
	if (!isfinite(st->lo) || !isfinite(st->hi))
		return false;
	*lo = fmin(*lo, st->lo);
	*hi = fmax(*hi, st->hi);
	return true;
}

bool cmp_machine_moved(const struct cmp *c, const struct cmp_cell *cell)
{
	const char *placement;
	double lo = 1.0, hi = 1.0, t;
	bool any = false;
	int only = -1;

	if ((cell->cls != CMP_FASTER && cell->cls != CMP_SLOWER) || !(cell->ratio > 0.0))
		return false;
	placement = cmp_cell_axis(c, cell, EVB_AXIS_placement);
	for (int i = 0; i < CMP_NSENTINELS; i++)
		if (!strcmp(placement, placements[i]))
			only = i;
	for (int i = 0; i < CMP_NSENTINELS; i++)
		if (only < 0 || i == only)
			any |= movement(&c->sentinel[i], &lo, &hi);
	t = cell->higher_is_better ? 1.0 / cell->ratio : cell->ratio;
	return any && t >= lo && t <= hi;
}

static const char *missing_in(const bool in[2])
{
	return !in[0] && !in[1] ? "A or B" : !in[0] ? "A" : "B";
}

static void print_one(const struct cmp_sentinel *st, FILE *out, const char *prefix)
{
	fprintf(out, "%ssentinel %s: ", prefix, st->placement);
	if (!st->file[0] || !st->file[1]) {
		fprintf(out, "not recorded in %s (no sentinel.csv): how much the machine itself "
			"moved is unknown\n", missing_in(st->file));
		return;
	}
	if (!st->present[0] || !st->present[1]) {
		fprintf(out, "missing in %s (a run from before evbench measured it): %s cells "
			"are not checked against the machine's movement\n", missing_in(st->present),
			st->placement);
		return;
	}
	if (!st->n[0] || !st->n[1]) {
		int s = st->n[0] ? 1 : 0;

		fprintf(out, "no ok measurement in %c (%s)\n", 'A' + s,
			st->reason[s][0] ? st->reason[s] : "none ok");
		return;
	}
	fprintf(out, "p50 A %.6g ns (n=%zu), B %.6g ns (n=%zu)", st->med[0], st->n[0],
		st->med[1], st->n[1]);
	if (isfinite(st->ratio))
		fprintf(out, ": the machine itself moved by %+.1f%%", 100.0 * (st->ratio - 1.0));
	if (isfinite(st->lo))
		fprintf(out, " (interval %+.1f%% .. %+.1f%%, coverage >= %.1f%%)",
			100.0 * (st->lo - 1.0), 100.0 * (st->hi - 1.0), 100.0 * st->level);
	else
		fprintf(out, " (too few measurements for an interval)");
	fputc('\n', out);
}

void cmp_print_sentinels(const struct cmp *c, FILE *out, const char *prefix)
{
	for (int i = 0; i < CMP_NSENTINELS; i++)
		print_one(&c->sentinel[i], out, prefix);
	if (c->moved)
		fprintf(out, "%s%zu faster/slower verdicts lie within their sentinel's movement: "
			"marked \"machine moved\"\n", prefix, c->moved);
}

/* "sentinel" (same-cpu, as before) and "sentinel_cross_cpu" objects. */
void cmp_json_sentinels(const struct cmp *c, FILE *f)
{
	for (int i = 0; i < CMP_NSENTINELS; i++) {
		const struct cmp_sentinel *st = &c->sentinel[i];

		fprintf(f, ",\"%s\":{\"in_a\":%s,\"in_b\":%s,\"n_a\":%zu,\"n_b\":%zu",
			i ? "sentinel_cross_cpu" : "sentinel", st->present[0] ? "true" : "false",
			st->present[1] ? "true" : "false", st->n[0], st->n[1]);
		fputs(",\"placement\":", f);
		cmp_json_str(f, st->placement);
		cmp_json_num(f, "p50_a", st->med[0]);
		cmp_json_num(f, "p50_b", st->med[1]);
		cmp_json_num(f, "ratio", st->ratio);
		cmp_json_num(f, "ratio_ci_lo", st->lo);
		cmp_json_num(f, "ratio_ci_hi", st->hi);
		cmp_json_num(f, "ci_coverage", st->level);
		fputc('}', f);
	}
	fprintf(f, ",\"machine_moved\":%zu", c->moved);
}
