/*
 * summary_cell.c - one summary.csv row from a cell's repetitions.
 *
 * For each cell (rows sharing every axis column), over the repetitions
 * whose status is ok:
 *   p50, p99, ops_per_s   median, order-statistic 95% CI of the median and
 *                         CV across repetitions
 *   figure                the headline (p50 for latency cells, ops_per_s for
 *                         throughput cells, harness_headline_column); its CI
 *                         (with a target, the run's looks': precision.h) is
 *                         its _ci_lo, _ci_hi and gives ci_level (coverage
 *                         achieved) and
 *                         halfwidth_pct, and harness_precision_judge gives
 *                         precision and the bimodal columns, against the
 *                         target env.csv records (docs/methodology.md, "How the interval
 *                         is computed")
 *   other figures         median only
 * The cell's status is ok when every repetition was, partial when some
 * were, otherwise the status of its first repetition (skipped, failed,
 * timeout); reason is that of the first repetition that was not ok.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evb_csv.h"
#include "evb_stats.h"
#include "figures.h"
#include "harness.h"
#include "precision.h"
#include "rundir_read.h"
#include "summary.h"

/* Figures with a CI, then figures with a median only (summary.csv order). */
static const char *const ci_stats[] = { "p50", "p99", "ops_per_s", NULL };
static const char *const shared_median_stats[] = {
	"min", "p90", "p999", "max", "mean", "sent", "delivered", "lost", "spurious", "wakeups",
	"overruns", "cpu_ns_per_op", "rss_bytes_per_fd", "slab_bytes_per_fd", "wall_ns",
	"early", "machine_cpu_ns_per_op", "vcsw_a_per_op", "ivcsw_a_per_op", "vcsw_b_per_op",
	"ivcsw_b_per_op", NULL,
};

#define MAX_MEDIAN_STATS 64

/* The median-only figures: the shared ones, then each family's own
 * (struct harness_family's summary_figures), in family order, once each. */
static const char *const *median_stats(void)
{
	static const char *list[MAX_MEDIAN_STATS + 1];
	size_t n = 0;

	if (list[0])
		return list;
	for (size_t i = 0; shared_median_stats[i]; i++)
		list[n++] = shared_median_stats[i];
	for (size_t f = 0; f < harness_nfamilies; f++) {
		const char *const *own = harness_families[f]->summary_figures;

		for (size_t i = 0; own && own[i] && n < MAX_MEDIAN_STATS; i++) {
			size_t k = 0;

			while (k < n && strcmp(list[k], own[i]))
				k++;
			if (k == n)
				list[n++] = own[i];
		}
	}
	list[n] = NULL;
	return list;
}

static void put_num(FILE *out, double v)
{
	fputc(',', out);
	if (isfinite(v))
		fprintf(out, "%.10g", v);
}

static void put_size(FILE *out, size_t v, bool present)
{
	if (present)
		fprintf(out, ",%zu", v);
	else
		fputc(',', out);
}

/* The figure's finite values over the cell's ok repetitions, sorted. */
static size_t ok_values(const struct evb_table *t, const struct harness_summary_cell *c,
			int status_col, const char *name, double *values)
{
	size_t n = 0;

	for (size_t i = 0; i < c->nrows; i++) {
		size_t r = c->rows[i];
		double v = harness_row_value(t, r, name);

		if (!strcmp(evb_table_get(t, r, status_col), "ok") && isfinite(v))
			values[n++] = v;
	}
	evb_sort_doubles(values, n);
	return n;
}

void harness_summary_header(FILE *out)
{
	for (size_t i = 0; harness_axis_columns[i]; i++)
		fprintf(out, "%s%s", i ? "," : "", harness_axis_columns[i]);
	fputs(",metric,unit,reps_total,reps_ok,reps_not_ok,status,reason", out);
	for (int s = 0; ci_stats[s]; s++)
		fprintf(out, ",%s_median,%s_ci_lo,%s_ci_hi,%s_cv", ci_stats[s], ci_stats[s],
			ci_stats[s], ci_stats[s]);
	fputs(",ci_level,figure,halfwidth_pct,precision,bimodal,low_mode,high_mode,low_reps,"
	      "high_reps", out);
	for (const char *const *m = median_stats(); *m; m++)
		fprintf(out, ",%s_median", *m);
	fputs(",samples_pooled,p90_pooled,p99_pooled,p999_pooled\n", out);
}

/* Axes, metric, unit, counts, status and reason. */
static size_t write_identity(FILE *out, const struct evb_table *t,
			     const struct harness_summary_cell *c, const int *axis_cols)
{
	int status_col = evb_table_col(t, "status");
	const char *status = NULL, *reason = "", *metric = "", *unit = "";
	size_t ok = 0;

	for (size_t i = 0; i < c->nrows; i++) {
		size_t r = c->rows[i];
		const char *s = evb_table_get(t, r, status_col);

		if (!metric[0])
			metric = harness_str(t, r, "metric");
		if (!unit[0])
			unit = harness_str(t, r, "unit");
		if (!strcmp(s, "ok")) {
			ok++;
			continue;
		}
		if (!status) {
			status = s;
			reason = harness_str(t, r, "reason");
		}
	}
	if (!status)
		status = "ok";
	else if (ok)
		status = "partial";
	for (size_t i = 0; harness_axis_columns[i]; i++) {
		if (i)
			fputc(',', out);
		evb_csv_field(out, evb_table_get(t, c->rows[0], axis_cols[i]));
	}
	fputc(',', out);
	evb_csv_field(out, metric);
	fputc(',', out);
	evb_csv_field(out, unit);
	fprintf(out, ",%zu,%zu,%zu,", c->nrows, ok, c->nrows - ok);
	evb_csv_field(out, status);
	fputc(',', out);
	evb_csv_field(out, reason);
	return ok;
}

static void write_precision(FILE *out, const struct harness_precision *p, const char *figure)
{
	put_num(out, p->n ? p->ci.level : NAN);
	fprintf(out, ",%s", figure);
	put_num(out, p->state == HARNESS_PREC_NO_DATA ? NAN : p->ci.halfwidth_pct);
	fprintf(out, ",%s", harness_precision_names[p->state]);
	put_size(out, p->bimodal, p->state != HARNESS_PREC_NO_DATA);
	put_num(out, p->low_mode);
	put_num(out, p->high_mode);
	put_size(out, p->low_reps, p->bimodal);
	put_size(out, p->high_reps, p->bimodal);
}

int harness_summary_row(FILE *out, const struct evb_table *t,
			const struct harness_summary_cell *c, const int *axis_cols,
			const struct harness_target *target, struct harness_summary_info *info)
{
	int status_col = evb_table_col(t, "status");
	double *values = malloc((c->nrows ? c->nrows : 1) * sizeof(double));
	const char *figure = harness_headline_column(harness_str(t, c->rows[0], "unit"));
	struct harness_precision prec;
	size_t ok, n;

	if (!values)
		return -ENOMEM;
	ok = write_identity(out, t, c, axis_cols);
	info->rows_not_ok += c->nrows - ok;
	for (size_t i = 0; i < c->nrows; i++)
		info->rows_skipped += !strcmp(evb_table_get(t, c->rows[i], status_col), "skipped");
	n = ok_values(t, c, status_col, figure, values);
	harness_precision_judge(values, n, target->pct, target->max_reps, target->stopped, &prec);
	for (int s = 0; ci_stats[s]; s++) {
		n = ok_values(t, c, status_col, ci_stats[s], values);
		if (n == 0) {
			fputs(",,,,", out);
			continue;
		}
		struct evb_precision ci;
		double mean, sd;

		/* the headline's interval is the judged one (a run's looks) */
		if (!strcmp(ci_stats[s], figure) && prec.state != HARNESS_PREC_NO_DATA)
			ci = prec.ci;
		else
			evb_median_precision(values, n, HARNESS_CI_CONF, &ci);
		evb_mean_stddev(values, n, &mean, &sd);
		put_num(out, ci.median);
		put_num(out, ci.lo);
		put_num(out, ci.hi);
		put_num(out, mean != 0.0 ? sd / mean : NAN);
	}
	write_precision(out, &prec, figure);
	info->cells_bimodal += prec.bimodal;
	info->cells_missed += prec.state == HARNESS_PREC_MAX_REPS ||
			      prec.state == HARNESS_PREC_BUDGET || prec.state == HARNESS_PREC_BIMODAL;
	for (const char *const *m = median_stats(); *m; m++) {
		n = ok_values(t, c, status_col, *m, values);
		put_num(out, n ? evb_median_sorted(values, n) : NAN);
	}
	struct harness_pooled pooled;

	harness_pooled_tail(ok ? c->hist_dir : NULL, t, c->rows[0], &pooled);
	put_size(out, (size_t)pooled.samples, pooled.samples > 0);
	put_num(out, pooled.p90);
	put_num(out, pooled.p99);
	put_num(out, pooled.p999);
	fputc('\n', out);
	free(values);
	return 0;
}
