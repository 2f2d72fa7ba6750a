/*
 * report_trust.c - how far the report's numbers can be trusted: a note
 * under every table of figures (repetitions, interval and its coverage,
 * half-width, precision target, driver runs not ok, percentiles the
 * samples could not support), and the section "How far to trust these
 * numbers" (per family: share of latency cells with a narrow interval,
 * bimodal cells, precision misses; the sentinels' spread over the run,
 * report_sentinel.c).
 *
 * Intervals are summary.csv's: the order-statistic CI of the median over
 * the ok repetitions, at the coverage ci_level says.  The half-width is
 * the larger distance from the median to an end of its interval, in
 * percent of the median.  Columns that only newer summaries have
 * (precision, bimodal, halfwidth_pct) are said to be "not available" when
 * absent; the counts of runs not ok come from results.csv.
 */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evb_sb.h"
#include "evb_stats.h"
#include "figures.h"
#include "precision.h"
#include "report.h"
#include "rundir_read.h"
#include "summary.h"

static const char *const percentiles[] = { "p50", "p90", "p99", "p999", NULL };
/* Samples a run needs before it writes each percentile (evb_row_samples_for). */
static const char *const percentile_needs[] = { "20", "100", "1000", "10000" };

/* Half-width in % of the value of column X_median from X_ci_lo, X_ci_hi. */
static double halfwidth_of(const struct evb_table *s, size_t r, const char *column)
{
	size_t n = strlen(column);
	char lo_col[80], hi_col[80];

	if (n < 8 || strcmp(column + n - 7, "_median"))
		return NAN;
	if (evb_fmt(lo_col, sizeof(lo_col), "%.*s_ci_lo", (int)(n - 7), column) ||
	    evb_fmt(hi_col, sizeof(hi_col), "%.*s_ci_hi", (int)(n - 7), column))
		return NAN;   /* no such column */

	double v = harness_num(s, r, column), lo = harness_num(s, r, lo_col);
	double hi = harness_num(s, r, hi_col);

	/* One repetition has no interval, only a point. */
	if (!(v > 0) || !isfinite(lo) || !isfinite(hi) || !(harness_num(s, r, "reps_ok") >= 2))
		return NAN;
	return 100.0 * fmax(v - lo, hi - v) / v;
}

static int is_ok_cell(const struct evb_table *s, size_t r)
{
	const char *status = harness_str(s, r, "status");

	return !strcmp(status, "ok") || !strcmp(status, "partial");
}

static void note_percentile(struct report_trust *t, const char *column)
{
	for (size_t i = 0; percentiles[i]; i++) {
		size_t n = strlen(percentiles[i]);

		if (strncmp(column, percentiles[i], n) ||
		    (strcmp(column + n, "_median") && strcmp(column + n, "_pooled")))
			continue;
		t->pct_missing++;
		if (!strstr(t->pct_names, percentiles[i])) {
			struct evb_sb sb;

			evb_sb_resume(&sb, t->pct_names, sizeof(t->pct_names));
			evb_sb_printf(&sb, "%s%s (%s)", sb.used ? ", " : "", percentiles[i],
				      percentile_needs[i]);
		}
		return;
	}
}

double report_cell(const struct report_ctx *ctx, struct report_trust *t, const char *const *kv,
		   const char *column)
{
	const struct evb_table *s = ctx->summary;
	long r = harness_find_row(s, kv);
	size_t i = 0;

	if (r < 0)
		return NAN;
	if (t) {
		while (i < t->nrows && t->rows[i] != r)
			i++;
		if (i == t->nrows && t->nrows < REPORT_TRUST_MAX)
			t->rows[t->nrows++] = r;
	}
	if (!is_ok_cell(s, (size_t)r))
		return NAN;

	double v = harness_num(s, (size_t)r, column), hw = halfwidth_of(s, (size_t)r, column);

	if (t && isnan(v))
		note_percentile(t, column);
	if (t && isfinite(hw) && t->nhalfwidth < REPORT_TRUST_MAX)
		t->halfwidth[t->nhalfwidth++] = hw;
	return v;
}

/* Driver runs of summary row r that were not ok, from results.csv. */
static size_t runs_not_ok(const struct report_ctx *ctx, size_t r)
{
	int cols[32];
	char key[1024];
	size_t n = 0;
	int status = evb_table_col(ctx->results, "status");

	harness_axis_cols(ctx->summary, cols);
	harness_row_key(ctx->summary, r, cols, key, sizeof(key));
	for (size_t i = 0; i < ctx->results->nrows; i++)
		if (!strcmp(ctx->result_keys[i], key) &&
		    strcmp(evb_table_get(ctx->results, i, status), "ok"))
			n++;
	return n;
}

static void fmt_range(char *buf, size_t len, double lo, double hi, double scale, const char *unit)
{
	if (!isfinite(lo))
		snprintf(buf, len, "-");
	else if (lo == hi)
		evb_sb_fmt(buf, len, "%.*f%s", scale == 1 ? 0 : 1, lo * scale, unit);
	else
		evb_sb_fmt(buf, len, "%.*f-%.*f%s", scale == 1 ? 0 : 1, lo * scale,
			   scale == 1 ? 0 : 1, hi * scale, unit);
}

/* "10 met, 2 max reps" from summary's precision column, over rows. */
static void fmt_precision(const struct evb_table *s, const long *rows, size_t n, char *buf,
			  size_t len)
{
	size_t counts[16] = { 0 };
	struct evb_sb sb;

	if (evb_table_col(s, "precision") < 0) {
		snprintf(buf, len, "not available (summary.csv has no precision column)");
		return;
	}
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; harness_precision_names[k] && k < 16; k++)
			if (!strcmp(harness_str(s, (size_t)rows[i], "precision"),
				    harness_precision_names[k]))
				counts[k]++;
	evb_sb_init(&sb, buf, len);
	for (size_t k = 0; harness_precision_names[k] && k < 16; k++)
		if (counts[k])
			evb_sb_printf(&sb, "%s%zu %s", sb.used ? ", " : "", counts[k],
				      harness_precision_names[k]);
	if (!sb.used)
		evb_sb_puts(&sb, "none judged");
}

static void fmt_halfwidths(const struct report_trust *t, char *buf, size_t len)
{
	double hw[REPORT_TRUST_MAX];

	if (!t->nhalfwidth) {
		snprintf(buf, len, "not available (no value here has an interval)");
		return;
	}
	memcpy(hw, t->halfwidth, t->nhalfwidth * sizeof(double));
	evb_sort_doubles(hw, t->nhalfwidth);
	evb_sb_fmt(buf, len, "median %.1f%%, widest %.1f%% of the value",
		   evb_median_sorted(hw, t->nhalfwidth), hw[t->nhalfwidth - 1]);
}

void report_trust_note(const struct report_ctx *ctx, const struct report_trust *t)
{
	const struct evb_table *s = ctx->summary;
	double ok_lo = INFINITY, ok_hi = -INFINITY, tot_lo = INFINITY, tot_hi = -INFINITY;
	double lvl_lo = INFINITY, lvl_hi = -INFINITY;
	size_t not_ok = 0;
	char ok[32], total[32], level[48], interval[400], hw[96], prec[200], pct[300] = "";
	struct harness_target target;

	if (!t->nrows)
		return;
	for (size_t i = 0; i < t->nrows; i++) {
		size_t r = (size_t)t->rows[i];
		double o = harness_num(s, r, "reps_ok"), n = harness_num(s, r, "reps_total");
		double l = harness_num(s, r, "ci_level");

		ok_lo = fmin(ok_lo, o), ok_hi = fmax(ok_hi, o);
		tot_lo = fmin(tot_lo, n), tot_hi = fmax(tot_hi, n);
		if (isfinite(l))
			lvl_lo = fmin(lvl_lo, l), lvl_hi = fmax(lvl_hi, l);
		not_ok += runs_not_ok(ctx, r);
	}
	fmt_range(ok, sizeof(ok), ok_lo, ok_hi, 1, "");
	fmt_range(total, sizeof(total), tot_lo, tot_hi, 1, "");
	harness_env_target(&ctx->run->env, &target);
	if (ok_hi >= 2) {
		fmt_range(level, sizeof(level), lvl_lo, lvl_hi, 100, "%");
		snprintf(interval, sizeof(interval), "order-statistic CI of the median over "
			 "repetitions at %s coverage (%s)", level, harness_interval_note(target.pct));
	} else {
		snprintf(interval, sizeof(interval), "none (one ok repetition is a point, not an interval)");
	}
	fmt_halfwidths(t, hw, sizeof(hw));
	fmt_precision(s, t->rows, t->nrows, prec, sizeof(prec));
	if (t->pct_missing)
		evb_sb_fmt(pct, sizeof(pct), " \"-\" in a percentile column of a cell that ran (%zu "
			   "value%s): too few samples to support that percentile, so none was written "
			   "(samples it needs: %s; p50 per repetition, p90 and beyond over every ok "
			   "sample of the cell pooled); it is never shown as 0.",
			   t->pct_missing, t->pct_missing == 1 ? "" : "s", t->pct_names);
	/* a beside run's cells (ctx->label) are noted apart; its runs not ok are in its report */
	doc_trust(ctx->doc, "How far to trust %s%s%s: %zu cells; ok repetitions per cell %s "
		  "of %s; interval: %s; half-width %s; precision target: %s; driver runs not ok "
		  "in these cells: %zu%s.%s", ctx->label ? "the cells marked [" : "this table",
		  ctx->label ? ctx->label : "", ctx->label ? "]" : "", t->nrows, ok, total,
		  interval, hw, prec, not_ok,
		  not_ok && !ctx->label ? " (see \"Cells that did not run\")" : "", pct);
}

/* The headline half-width of a latency cell: summary's halfwidth_pct, else
 * computed the same way from the p50 interval. */
static double cell_halfwidth(const struct evb_table *s, size_t r)
{
	double hw = harness_num(s, r, "halfwidth_pct");

	if (!(harness_num(s, r, "reps_ok") >= 2))
		return NAN;
	return isfinite(hw) ? hw : halfwidth_of(s, r, "p50_median");
}

struct family_trust {
	size_t latency, no_interval, within3, within10, bimodal, missed;
};

static void family_trust(const struct evb_table *s, const char *family, struct family_trust *ft)
{
	memset(ft, 0, sizeof(*ft));
	for (size_t r = 0; r < s->nrows; r++) {
		const char *prec = harness_str(s, r, "precision");

		if (strcmp(harness_str(s, r, "family"), family) || !is_ok_cell(s, r))
			continue;
		ft->bimodal += !strcmp(harness_str(s, r, "bimodal"), "1");
		ft->missed += !strcmp(prec, "max reps") || !strcmp(prec, "time budget") ||
			      !strcmp(prec, "bimodal");
		if (!isfinite(harness_num(s, r, "p50_median")))
			continue;

		double hw = cell_halfwidth(s, r);

		ft->latency++;
		ft->no_interval += isnan(hw);
		ft->within3 += hw <= 3.0;
		ft->within10 += hw <= 10.0;
	}
}

static void share(char *buf, size_t len, size_t k, size_t n)
{
	if (n)
		evb_sb_fmt(buf, len, "%zu (%.0f%%)", k, 100.0 * (double)k / (double)n);
	else
		snprintf(buf, len, "-");
}

static void family_table(const struct report_ctx *ctx)
{
	const struct evb_table *s = ctx->summary;
	int have_bimodal = evb_table_col(s, "bimodal") >= 0;
	int have_precision = evb_table_col(s, "precision") >= 0;
	const char *const heads[] = { "family", "ok latency cells", "no interval (1 ok rep)",
				      "half-width <= 3%", "half-width <= 10%", "bimodal cells",
				      "precision target missed" };
	char seen[16][32];
	size_t nseen = 0;

	doc_table(ctx->doc, 7, heads);
	for (size_t r = 0; r < s->nrows && nseen < 16; r++) {
		const char *family = harness_str(s, r, "family");
		size_t i = 0;
		struct family_trust ft;
		char c[6][48];

		while (i < nseen && strcmp(seen[i], family))
			i++;
		if (i < nseen)
			continue;
		snprintf(seen[nseen++], sizeof(seen[0]), "%s", family);
		family_trust(s, family, &ft);
		snprintf(c[0], sizeof(c[0]), "%zu", ft.latency);
		share(c[1], sizeof(c[1]), ft.no_interval, ft.latency);
		share(c[2], sizeof(c[2]), ft.within3, ft.latency);
		share(c[3], sizeof(c[3]), ft.within10, ft.latency);
		snprintf(c[4], sizeof(c[4]), have_bimodal ? "%zu" : "not available", ft.bimodal);
		snprintf(c[5], sizeof(c[5]), have_precision ? "%zu" : "not available", ft.missed);
		const char *row[] = { family, c[0], c[1], c[2], c[3], c[4], c[5] };

		doc_row(ctx->doc, row);
	}
	doc_table_end(ctx->doc);
}

/* Cells whose repetitions fell into two clusters, with the two medians. */
static void bimodal_list(const struct report_ctx *ctx)
{
	const struct evb_table *s = ctx->summary;
	size_t n = 0;

	for (size_t r = 0; r < s->nrows; r++) {
		char label[512], lo[32], hi[32];

		if (strcmp(harness_str(s, r, "bimodal"), "1"))
			continue;
		if (!n++)
			doc_p(ctx->doc, "Bimodal cells: their repetitions fell into two clusters "
			      "far apart, so a single median describes neither; read both modes.");
		report_cell_label(s, (size_t)r, label, sizeof(label));
		/* the modes are of the headline figure: a time, or a rate */
		void (*fmt)(char *, size_t, double) =
			strcmp(harness_str(s, r, "figure"), "ops_per_s") ? report_fmt_ns
									 : report_fmt_rate;

		fmt(lo, sizeof(lo), harness_num(s, r, "low_mode"));
		fmt(hi, sizeof(hi), harness_num(s, r, "high_mode"));
		doc_item(ctx->doc, "%s: %s (%s reps) and %s (%s reps)", label, lo,
			 harness_str(s, r, "low_reps"), hi, harness_str(s, r, "high_reps"));
	}
	if (n)
		doc_list_end(ctx->doc);
}

void report_trust_section(const struct report_ctx *ctx)
{
	doc_h(ctx->doc, 2, "How far to trust these numbers");
	doc_p(ctx->doc, "Each figure is a median over repetitions (separate processes, "
	      "interleaved across cells) with the order-statistic confidence interval of that "
	      "median. The half-width is the larger distance from the median to an end of "
	      "its interval, in percent of the median: at 3%% two cells 10%% apart are told "
	      "apart, at 10%% they may not be. Latency cells are those with a p50; bimodal "
	      "and precision columns come from summary.csv (the run's target is in env.csv: "
	      "run_precision_pct).");
	family_table(ctx);
	bimodal_list(ctx);
	report_sentinel(ctx);
}
