/*
 * summary.c - one row per cell from the per-run rows.
 *
 * For each cell (rows sharing every axis column), over the repetitions
 * whose status is ok:
 *   p50, p99, ops_per_s   median, order-statistic 95% CI of the median
 *                         (coverage achieved in ci_level), and CV
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
#include "evb_row.h"
#include "evb_stats.h"
#include "figures.h"
#include "summary.h"

const char *const harness_axis_columns[] = {
	"family", "mechanism", "variant", "mode", "ipc", "placement", "fd_type", "nfds",
	"active", "period_ns", "timers", "timer_slack_ns", "sched", "load", NULL,
};

size_t harness_naxes(void)
{
	size_t n = 0;

	while (harness_axis_columns[n])
		n++;
	return n;
}

void harness_axis_cols(const struct evb_table *t, int *cols)
{
	for (size_t i = 0; harness_axis_columns[i]; i++)
		cols[i] = evb_table_col(t, harness_axis_columns[i]);
}

void harness_row_key(const struct evb_table *t, size_t row, const int *axis_cols, char *key,
		     size_t len)
{
	size_t used = 0;

	key[0] = '\0';
	for (size_t i = 0; harness_axis_columns[i] && used < len; i++)
		used += (size_t)snprintf(key + used, len - used, "%s%s", i ? "\x1f" : "",
					 evb_table_get(t, row, axis_cols[i]));
}

/* Figures with a CI, then figures with a median only (summary.csv order). */
static const char *const ci_stats[] = { "p50", "p99", "ops_per_s", NULL };
static const char *const median_stats[] = {
	"min", "p90", "p999", "max", "mean", "sent", "delivered", "lost", "spurious", "wakeups",
	"overruns", "cpu_ns_per_op", "rss_bytes_per_fd", "slab_bytes_per_fd", "wall_ns", NULL,
};

struct cell {
	char key[1024];
	size_t first_row;
	size_t *rows;
	size_t nrows, cap;
	struct cell *next;   /* hash chain */
};

#define NBUCKETS 4096

static unsigned hash_key(const char *key)
{
	unsigned h = 2166136261u;

	for (; *key; key++)
		h = (h ^ (unsigned char)*key) * 16777619u;
	return h % NBUCKETS;
}

/* Value of a figure in one row; cpu_ns_per_op is derived. */
static double row_value(const struct evb_table *t, size_t row, const char *name)
{
	if (strcmp(name, "cpu_ns_per_op") != 0)
		return harness_num(t, row, name);

	double cpu = harness_num(t, row, "cpu_user_ns") + harness_num(t, row, "cpu_sys_ns");
	double ops = harness_num(t, row, "delivered");

	if (!(ops > 0))
		ops = harness_num(t, row, "samples");
	return ops > 0 ? cpu / ops : NAN;
}

static void put_num(FILE *out, double v)
{
	fputc(',', out);
	if (isfinite(v))
		fprintf(out, "%.10g", v);
}

/* The figure's finite values over the cell's ok repetitions, sorted. */
static size_t ok_values(const struct evb_table *t, const struct cell *c, int status_col,
			const char *name, double *values)
{
	size_t n = 0;

	for (size_t i = 0; i < c->nrows; i++) {
		size_t r = c->rows[i];
		double v = row_value(t, r, name);

		if (strcmp(evb_table_get(t, r, status_col), "ok") == 0 && isfinite(v))
			values[n++] = v;
	}
	evb_sort_doubles(values, n);
	return n;
}

static void write_cell(FILE *out, const struct evb_table *t, const struct cell *c,
		       const int *axis_cols)
{
	int status_col = evb_table_col(t, "status");
	int reason_col = evb_table_col(t, "reason");
	int metric_col = evb_table_col(t, "metric");
	int unit_col = evb_table_col(t, "unit");
	size_t ok = 0;
	const char *status = NULL, *reason = "", *metric = "", *unit = "";
	double *values = malloc(c->nrows * sizeof(double));
	double level = NAN;

	for (size_t i = 0; i < c->nrows; i++) {
		size_t r = c->rows[i];
		const char *s = evb_table_get(t, r, status_col);

		if (!metric[0])
			metric = evb_table_get(t, r, metric_col);
		if (!unit[0])
			unit = evb_table_get(t, r, unit_col);
		if (strcmp(s, "ok") == 0) {
			ok++;
			continue;
		}
		if (!status) {
			status = s;
			reason = evb_table_get(t, r, reason_col);
		}
	}
	if (!status)
		status = "ok";
	else if (ok)
		status = "partial";

	for (size_t i = 0; harness_axis_columns[i]; i++) {
		if (i)
			fputc(',', out);
		evb_csv_field(out, evb_table_get(t, c->first_row, axis_cols[i]));
	}
	fputc(',', out);
	evb_csv_field(out, metric);
	fputc(',', out);
	evb_csv_field(out, unit);
	fprintf(out, ",%zu,%zu,", c->nrows, ok);
	evb_csv_field(out, status);
	fputc(',', out);
	evb_csv_field(out, reason);

	for (int s = 0; ci_stats[s]; s++) {
		size_t n = ok_values(t, c, status_col, ci_stats[s], values);

		if (n == 0) {
			fputs(",,,,", out);
			continue;
		}
		double lo, hi, mean, sd, achieved;

		evb_median_ci(values, n, 0.95, &lo, &hi, &achieved);
		evb_mean_stddev(values, n, &mean, &sd);
		level = achieved;
		put_num(out, evb_median_sorted(values, n));
		put_num(out, lo);
		put_num(out, hi);
		put_num(out, mean != 0.0 ? sd / mean : NAN);
	}
	put_num(out, level);
	for (int s = 0; median_stats[s]; s++) {
		size_t n = ok_values(t, c, status_col, median_stats[s], values);

		put_num(out, n ? evb_median_sorted(values, n) : NAN);
	}
	fputc('\n', out);
	free(values);
}

static void write_header(FILE *out)
{
	for (size_t i = 0; harness_axis_columns[i]; i++)
		fprintf(out, "%s%s", i ? "," : "", harness_axis_columns[i]);
	fputs(",metric,unit,reps_total,reps_ok,status,reason", out);
	for (int s = 0; ci_stats[s]; s++)
		fprintf(out, ",%s_median,%s_ci_lo,%s_ci_hi,%s_cv", ci_stats[s], ci_stats[s],
			ci_stats[s], ci_stats[s]);
	fputs(",ci_level", out);
	for (int s = 0; median_stats[s]; s++)
		fprintf(out, ",%s_median", median_stats[s]);
	fputc('\n', out);
}

int harness_summarize(const char *results_path, const char *summary_path, char *error,
		      size_t error_len)
{
	struct evb_table t;
	struct cell **buckets = NULL, **order = NULL;
	size_t ncells = 0, cap = 0;
	int axis_cols[32];
	int ret;
	FILE *out = NULL;

	ret = evb_table_load(&t, results_path);
	if (ret) {
		snprintf(error, error_len, "%s", t.error);
		return ret;
	}
	harness_axis_cols(&t, axis_cols);
	for (size_t i = 0; harness_axis_columns[i]; i++) {
		if (axis_cols[i] < 0) {
			snprintf(error, error_len, "%s:1: no column '%s' in the header",
				 results_path, harness_axis_columns[i]);
			ret = -EINVAL;
			goto out_free;
		}
	}
	buckets = calloc(NBUCKETS, sizeof(*buckets));
	if (!buckets) {
		ret = -ENOMEM;
		goto out_free;
	}
	for (size_t r = 0; r < t.nrows; r++) {
		char key[1024];
		struct cell *c;

		harness_row_key(&t, r, axis_cols, key, sizeof(key));
		unsigned h = hash_key(key);

		for (c = buckets[h]; c && strcmp(c->key, key) != 0; c = c->next)
			;
		if (!c) {
			if (ncells == cap) {
				size_t ncap = cap ? cap * 2 : 256;
				struct cell **norder = realloc(order, ncap * sizeof(*order));

				if (!norder) {
					ret = -ENOMEM;
					goto out_free;
				}
				order = norder;
				cap = ncap;
			}
			c = calloc(1, sizeof(*c));
			if (!c) {
				ret = -ENOMEM;
				goto out_free;
			}
			evb_strlcpy(c->key, key, sizeof(c->key));
			c->first_row = r;
			c->next = buckets[h];
			buckets[h] = c;
			order[ncells++] = c;
		}
		if (c->nrows == c->cap) {
			size_t ncap = c->cap ? c->cap * 2 : 8;
			size_t *rows = realloc(c->rows, ncap * sizeof(*rows));

			if (!rows) {
				ret = -ENOMEM;
				goto out_free;
			}
			c->rows = rows;
			c->cap = ncap;
		}
		c->rows[c->nrows++] = r;
	}

	char tmp[4096];

	snprintf(tmp, sizeof(tmp), "%s.tmp", summary_path);
	out = fopen(tmp, "w");
	if (!out) {
		ret = -errno;
		snprintf(error, error_len, "%s: %s", tmp, strerror(errno));
		goto out_free;
	}
	write_header(out);
	for (size_t i = 0; i < ncells; i++)
		write_cell(out, &t, order[i], axis_cols);
	if (fclose(out) || rename(tmp, summary_path)) {
		ret = -errno;
		snprintf(error, error_len, "%s: %s", summary_path, strerror(errno));
	}
out_free:
	for (size_t i = 0; i < ncells; i++) {
		free(order[i]->rows);
		free(order[i]);
	}
	free(order);
	free(buckets);
	evb_table_free(&t);
	return ret;
}
