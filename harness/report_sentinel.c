/*
 * report_sentinel.c - the sentinels' paragraphs in "How far to trust these
 * numbers": per sentinel cell of DIR/sentinel.csv (one on one CPU, one
 * across two; a run made before the second has only the first), its p50
 * over the run, its spread and its drift from first to last.  A sentinel
 * that never ran ok is named with the reason of its rows; one the run
 * dropped (env.csv run_sentinel_dropped: failed or timed out twice) is
 * named with why.
 */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evb_stats.h"
#include "figures.h"
#include "report.h"
#include "rundir_read.h"
#include "summary.h"

static const char *const placements[] = { "same-cpu", "cross-cpu", NULL };

/* The ok p50s of one placement's rows, in run order; *first_row its first
 * row or -1 when it has none. */
static size_t placement_values(const struct evb_table *t, const char *placement, double *v,
			       long *first_row)
{
	size_t n = 0;

	*first_row = -1;
	for (size_t r = 0; r < t->nrows; r++) {
		if (strcmp(harness_str(t, r, "placement"), placement))
			continue;
		if (*first_row < 0)
			*first_row = (long)r;
		double x = harness_num(t, r, "p50");

		if (!strcmp(harness_str(t, r, "status"), "ok") && isfinite(x))
			v[n++] = x;
	}
	return n;
}

static void one(const struct report_ctx *ctx, const struct evb_table *t, const char *placement,
		double *v)
{
	char med[32], lo[32], hi[32];
	long row;
	size_t n = placement_values(t, placement, v, &row);

	if (row < 0) {
		doc_p(ctx->doc, "Sentinel %s: not in sentinel.csv (a run from before evbench "
		      "measured it).", placement);
		return;
	}
	if (n < 2) {
		doc_p(ctx->doc, "Sentinel %s: sentinel.csv holds %s%s%s, so no spread over the "
		      "run.", placement, n ? "one ok measurement" : "no ok measurement",
		      n ? "" : ": ", n ? "" : harness_str(t, (size_t)row, "reason"));
		return;
	}
	double first = v[0], last = v[n - 1], mean, sd;

	evb_mean_stddev(v, n, &mean, &sd);
	evb_sort_doubles(v, n);

	double m = evb_median_sorted(v, n);

	report_fmt_ns(med, sizeof(med), m);
	report_fmt_ns(lo, sizeof(lo), v[0]);
	report_fmt_ns(hi, sizeof(hi), v[n - 1]);
	const char *variant = harness_str(t, (size_t)row, "variant");

	doc_p(ctx->doc, "Sentinel %s (%s %s%s%s %s, the same cell measured %zu times during the "
	      "run): p50 median %s, from %s to %s, a spread of %.1f%% of the median (CV %.1f%%); "
	      "the last measurement is %.2fx the first. A spread as wide as a difference "
	      "between two cells says the machine, not the mechanism, may explain it.",
	      placement, harness_str(t, (size_t)row, "family"),
	      harness_str(t, (size_t)row, "mechanism"), variant[0] ? "/" : "", variant,
	      harness_str(t, (size_t)row, "mode"), n, med, lo, hi,
	      m > 0 ? 100.0 * (v[n - 1] - v[0]) / m : NAN, mean > 0 ? 100.0 * sd / mean : NAN,
	      first > 0 ? last / first : NAN);
}

void report_sentinel(const struct report_ctx *ctx)
{
	struct evb_table t = { 0 };
	char path[PATH_MAX], warning[300], error[300];
	const char *dropped = ctx->run ? harness_run_env(ctx->run, "run_sentinel_dropped") : "";
	double *v;

	if (dropped[0] && strcmp(dropped, "unavailable"))
		doc_note(ctx->doc, "The run stopped measuring a sentinel that failed or timed "
		      "out twice: %s. How much the machine moved after that was not "
		      "tracked by it.", dropped);

	snprintf(path, sizeof(path), "%s/sentinel.csv", ctx->run_dir);
	if (access(path, R_OK)) {
		doc_p(ctx->doc, "Sentinel: this run has no sentinel.csv, so how much the machine "
		      "itself moved during the run was not tracked.");
		return;
	}
	/* read as compare reads it: a cut-off last line is dropped, not fatal */
	if (harness_results_load(&t, path, warning, sizeof(warning), error, sizeof(error))) {
		doc_p(ctx->doc, "Sentinel: %s", error);
		return;
	}
	if (warning[0])
		doc_p(ctx->doc, "Sentinel: %s", warning);
	v = malloc((t.nrows ? t.nrows : 1) * sizeof(double));
	for (size_t i = 0; v && placements[i]; i++)
		one(ctx, &t, placements[i], v);
	free(v);
	evb_table_free(&t);
}
