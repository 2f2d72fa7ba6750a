/*
 * figures_timer.c - the timer family's figures.  One sample everywhere is
 * lateness: the clock right after the wait returned - the absolute deadline.
 *
 *   timer_lateness  per mechanism/variant at 1 ms: bar = median p50, whisker
 *                   to the pooled p99, marker at the median max; bars: OTHER
 *                   with default and 1 ns slack, FIFO (timer_lateness.gp)
 *   timer_cdf       lateness CDF per mechanism at 1 ms from the merged
 *                   histograms (hist/<cell>.csv), default slack beside 1 ns
 *                   slack (timer_cdf.gp)
 *   timer_many      p50 and p99 vs the number of timerfds in one epoll set
 *                   (timer_many.gp)
 *   timer_periods   p50 and p99 vs the period (100 us, 1 ms, 10 ms): a wait
 *                   rounded to whole ms cannot follow 100 us (timer_periods.gp)
 * The core cells are same-cpu, no load, one timer. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evb_hist.h"
#include "figures.h"
#include "plan.h"
#include "summary.h"
#include "family.h"

#define CORE_PERIOD_NS 1000000LL
#define MAX_LABELS 64
#define LABEL_LEN 96

/* What a figure asks of a summary row; NULL / EVB_NA fields match anything. */
struct cell_query {
	const char *label;          /* mechanism or mechanism/variant */
	int64_t period_ns;
	int64_t slack_ns;           /* EVB_NA: the default (empty column) */
	const char *sched;
	const char *load;
	const char *placement;
	int64_t timers;             /* EVB_NA: empty or 1 (one timer) */
};

static bool is_timer_row(const struct evb_table *s, size_t r)
{
	return strcmp(harness_str(s, r, "family"), "timer") == 0;
}

/* An integer column; EVB_NA when empty or not a number. */
static int64_t col_i64(const struct evb_table *s, size_t r, const char *col)
{
	const char *text = harness_str(s, r, col);
	char *end;
	long long value;

	if (!text[0])
		return EVB_NA;
	value = strtoll(text, &end, 10);
	return *end ? EVB_NA : (int64_t)value;
}

static bool matches(const struct evb_table *s, size_t r, const struct cell_query *q)
{
	char label[LABEL_LEN];
	int64_t timers = col_i64(s, r, "timers");

	if (!is_timer_row(s, r))
		return false;
	harness_mech_label(s, r, label, sizeof(label));
	if (q->label && strcmp(label, q->label) != 0)
		return false;
	if (col_i64(s, r, "period_ns") != q->period_ns ||
	    col_i64(s, r, "timer_slack_ns") != q->slack_ns)
		return false;
	const char *const kv[] = { "sched", q->sched, "load", q->load, "placement", q->placement,
				   NULL };

	if (!harness_row_matches(s, r, kv))
		return false;
	if (q->timers == EVB_NA)
		return timers == EVB_NA || timers == 1;
	return timers == q->timers;
}

/* The first row q matches, or -1.  Not harness_find_row: numbers compare as
 * numbers, and one timer is written as empty or as 1. */
static long find_cell(const struct evb_table *s, const struct cell_query *q)
{
	for (size_t r = 0; r < s->nrows; r++)
		if (matches(s, r, q))
			return (long)r;
	return -1;
}

/* A summary value in us, NAN when the cell is missing or has no ok rep. */
static double cell_us(const struct evb_table *s, long r, const char *col)
{
	return r < 0 ? NAN : harness_num(s, (size_t)r, col) / 1000.0;
}

/* Distinct mechanism/variant labels of the timer rows, in first-seen order. */
static size_t collect_labels(const struct evb_table *s, char labels[][LABEL_LEN], size_t max)
{
	size_t n = 0;

	for (size_t r = 0; r < s->nrows; r++) {
		char label[LABEL_LEN];
		size_t i = 0;

		if (!is_timer_row(s, r))
			continue;
		harness_mech_label(s, r, label, sizeof(label));
		while (i < n && strcmp(labels[i], label) != 0)
			i++;
		if (i == n && n < max)
			snprintf(labels[n++], LABEL_LEN, "%s", label);
	}
	return n;
}

static struct cell_query core_query(const char *label)
{
	return (struct cell_query){
		.label = label, .period_ns = CORE_PERIOD_NS, .slack_ns = EVB_NA,
		.sched = "other", .load = "none", .placement = "same-cpu", .timers = EVB_NA,
	};
}

/* --- timer_lateness ------------------------------------------------------- */

static int lateness_figure(const struct harness_figctx *ctx, char labels[][LABEL_LEN],
			   size_t n)
{
	char path[PATH_MAX];
	int rows = 0;
	bool group_seen[3] = { false, false, false };
	FILE *f = harness_fig_data(ctx, "timer_lateness", path, sizeof(path));

	if (!f)
		return -EIO;
	fprintf(f, "# lateness at a 1 ms period, us (medians over reps)\n"
		   "# label\tother_p50\tother_p99\tother_max"
		   "\tslack1_p50\tslack1_p99\tslack1_max\tfifo_p50\tfifo_p99\tfifo_max\n");
	for (size_t i = 0; i < n; i++) {
		struct cell_query q[3] = { core_query(labels[i]), core_query(labels[i]),
					   core_query(labels[i]) };
		double v[9];
		bool any = false;

		q[1].slack_ns = 1;
		q[2].sched = "fifo";
		for (int g = 0; g < 3; g++) {
			long r = find_cell(ctx->summary, &q[g]);

			v[3 * g] = cell_us(ctx->summary, r, "p50_median");
			v[3 * g + 1] = cell_us(ctx->summary, r, "p99_pooled");
			v[3 * g + 2] = cell_us(ctx->summary, r, "max_median");
			any |= isfinite(v[3 * g]);
			group_seen[g] |= isfinite(v[3 * g]);
		}
		if (!any)
			continue;
		harness_fig_label(f, labels[i]);
		for (int k = 0; k < 9; k++)
			harness_fig_put(f, v[k]);
		fputc('\n', f);
		rows++;
	}
	if (fclose(f))
		return -errno;
	if (!rows)
		return 0;
	const char *args[] = { group_seen[1] ? "1" : "0", group_seen[2] ? "1" : "0", NULL };

	return harness_gnuplot(ctx, "timer_lateness.gp", path, "timer_lateness", args);
}

/* --- timer_cdf ------------------------------------------------------------ */

/*
 * Append one CDF block for summary row r: a "label" header line, then
 * (lateness_us, fraction <= it) at every non-empty bucket's upper bound,
 * then two blank lines.  0 when there is no histogram; 1 when written.
 */
static int cdf_block(const struct harness_figctx *ctx, size_t r, const char *label, FILE *out)
{
	char hist_dir[PATH_MAX];
	struct evb_hist *h;
	uint64_t seen = 0;

	snprintf(hist_dir, sizeof(hist_dir), "%s/hist", ctx->run_dir);
	h = harness_cell_hist_load(hist_dir, ctx->summary, r);
	if (!h) {
		if (ctx->log)
			fprintf(ctx->log, "timer_cdf: %s: no histogram of this cell, left out\n",
				label);
		return 0;
	}
	fputc('"', out);
	harness_fig_label(out, label);
	fputs("\"\t\n", out);
	for (int i = 0; i < EVB_HIST_NBUCKETS; i++) {
		if (!h->buckets[i])
			continue;
		if (!seen)   /* the curve starts at 0 just below the first bucket */
			fprintf(out, "%.6g\t0\n", (double)evb_hist_bucket_low(i) / 1000.0);
		seen += h->buckets[i];
		fprintf(out, "%.6g\t%.6f\n", (double)(evb_hist_bucket_high(i) + 1) / 1000.0,
			(double)seen / (double)h->count);
	}
	fputs("\n\n", out);
	free(h);
	return 1;
}

/* figures/timer_cdf_<which>.dat for the core cells with slack_ns; blocks written. */
static int cdf_data(const struct harness_figctx *ctx, char labels[][LABEL_LEN], size_t n,
		    int64_t slack_ns, const char *which, char *path, size_t len)
{
	char name[64];
	int blocks = 0;
	FILE *f;

	snprintf(name, sizeof(name), "timer_cdf_%s", which);
	f = harness_fig_data(ctx, name, path, len);
	if (!f)
		return -EIO;
	for (size_t i = 0; i < n; i++) {
		struct cell_query q = core_query(labels[i]);
		long r;
		int ret;

		q.slack_ns = slack_ns;
		r = find_cell(ctx->summary, &q);
		/* ok repetitions only: a cell none of whose runs was ok has no curve */
		if (r < 0 || !(harness_num(ctx->summary, (size_t)r, "reps_ok") > 0))
			continue;
		ret = cdf_block(ctx, (size_t)r, labels[i], f);
		if (ret < 0) {
			fclose(f);
			return ret;
		}
		blocks += ret;
	}
	if (fclose(f))
		return -errno;
	return blocks;
}

static int cdf_figure(const struct harness_figctx *ctx, char labels[][LABEL_LEN], size_t n)
{
	char path_default[PATH_MAX], path_1ns[PATH_MAX], n1[32], n2[32];
	int ndefault = cdf_data(ctx, labels, n, EVB_NA, "default", path_default,
				sizeof(path_default));
	int n1ns = cdf_data(ctx, labels, n, 1, "1ns", path_1ns, sizeof(path_1ns));

	if (ndefault < 0)
		return ndefault;
	if (n1ns < 0)
		return n1ns;
	if (ndefault == 0 && n1ns == 0)
		return 0;
	/* the default-slack panel comes first; without it the 1 ns one stands alone */
	snprintf(n1, sizeof(n1), "%d", ndefault ? ndefault : n1ns);
	snprintf(n2, sizeof(n2), "%d", ndefault ? n1ns : 0);
	const char *args[] = { ndefault && n1ns ? path_1ns : "", n1, n2, NULL };

	return harness_gnuplot(ctx, "timer_cdf.gp", ndefault ? path_default : path_1ns,
			       "timer_cdf", args);
}

/* --- timer_many ----------------------------------------------------------- */

static int many_figure(const struct harness_figctx *ctx)
{
	const struct evb_table *s = ctx->summary;
	char path[PATH_MAX];
	int rows = 0;
	FILE *f = harness_fig_data(ctx, "timer_many", path, sizeof(path));

	if (!f)
		return -EIO;
	fprintf(f, "# timerfd-epoll at a 1 ms period, us (p50, max: medians over reps;\n"
		   "# p99: every ok sample pooled)\n"
		   "# timers\tp50\tp99\tmax\toverruns\n");
	/* timers ascending: the plan adds them in order, but do not rely on it */
	for (int64_t want = 1; want <= 1 << 20; want *= 2) {
		for (size_t r = 0; r < s->nrows; r++) {
			struct cell_query q = core_query(NULL);

			q.timers = want;
			if (col_i64(s, r, "timers") != want || !matches(s, r, &q) ||
			    !isfinite(harness_num(s, r, "p50_median")))
				continue;
			fprintf(f, "%lld", (long long)want);
			harness_fig_put(f, cell_us(s, (long)r, "p50_median"));
			harness_fig_put(f, cell_us(s, (long)r, "p99_pooled"));
			harness_fig_put(f, cell_us(s, (long)r, "max_median"));
			harness_fig_put(f, harness_num(s, r, "overruns_median"));
			fputc('\n', f);
			rows++;
			break;
		}
	}
	if (fclose(f))
		return -errno;
	return rows >= 2 ? harness_gnuplot(ctx, "timer_many.gp", path, "timer_many", NULL) : 0;
}

/* --- timer_periods -------------------------------------------------------- */

static int periods_figure(const struct harness_figctx *ctx, char labels[][LABEL_LEN],
			  size_t n)
{
	static const int64_t periods[] = { 100000, 1000000, 10000000 };
	char path[PATH_MAX];
	int blocks = 0;
	FILE *f = harness_fig_data(ctx, "timer_periods", path, sizeof(path));

	if (!f)
		return -EIO;
	fprintf(f, "# per mechanism measured at several periods (default slack, other):\n"
		   "# period_us\tp50_us\tp99_us\toverruns_pct (of the deadlines); one block per mechanism\n");
	for (size_t i = 0; i < n; i++) {
		double v[3][3];
		int found = 0;

		for (int p = 0; p < 3; p++) {
			struct cell_query q = core_query(labels[i]);
			long r;

			q.period_ns = periods[p];
			r = find_cell(ctx->summary, &q);
			v[p][0] = cell_us(ctx->summary, r, "p50_median");
			v[p][1] = cell_us(ctx->summary, r, "p99_pooled");
			v[p][2] = r < 0 ? NAN : 100.0 * harness_num(ctx->summary, (size_t)r,
								    "overruns_median") /
					  harness_num(ctx->summary, (size_t)r, "sent_median");
			found += isfinite(v[p][0]);
		}
		if (found < 2)
			continue;
		fputc('"', f);
		harness_fig_label(f, labels[i]);
		fputs("\"\t\t\t\n", f);
		for (int p = 0; p < 3; p++) {
			if (!isfinite(v[p][0]))
				continue;
			fprintf(f, "%.6g", (double)periods[p] / 1000.0);
			for (int k = 0; k < 3; k++)
				harness_fig_put(f, v[p][k]);
			fputc('\n', f);
		}
		fputs("\n\n", f);
		blocks++;
	}
	if (fclose(f))
		return -errno;
	if (!blocks)
		return 0;
	char nblocks[32];

	snprintf(nblocks, sizeof(nblocks), "%d", blocks);
	const char *args[] = { nblocks, NULL };

	return harness_gnuplot(ctx, "timer_periods.gp", path, "timer_periods", args);
}

int figures_timer(const struct harness_figctx *ctx)
{
	char labels[MAX_LABELS][LABEL_LEN];
	size_t n = collect_labels(ctx->summary, labels, MAX_LABELS);
	int ret = 0, r;

	if (!n)
		return 0;
	r = lateness_figure(ctx, labels, n);
	ret = ret ? ret : r;
	r = cdf_figure(ctx, labels, n);
	ret = ret ? ret : r;
	r = many_figure(ctx);
	ret = ret ? ret : r;
	r = periods_figure(ctx, labels, n);
	return ret ? ret : r;
}
