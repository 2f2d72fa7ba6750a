/*
 * figures_serve.c - the serve family's figures.
 *
 *   serve_connections   request latency against connections (the
 *                       seed-server-table cells: open loop, 5000 req/s,
 *                       10% active), per mechanism: p50 bar, whisker to p99
 *   serve_saturation    p99 against achieved req/s, one line per mechanism
 *                       (the saturation preset: rate 10% .. 300% of the
 *                       closed maximum)
 *   serve_uring_epoll   io-uring-vs-epoll: closed-loop req/s and server CPU
 *                       per request, per mechanism/variant, 64 B and 4 KiB
 *   serve_latency_rate  the latency-throughput curve (standard: open loop,
 *                       1,000 connections, 100 active, Poisson, at a ladder
 *                       of offered rates): p50 and p99 against the offered
 *                       rate, medians over repetitions with their intervals,
 *                       a point whose achieved rate fell below 95% of the
 *                       offered one marked "achieved X"
 * Values are medians over repetitions (summary.csv); p99 pooled over every
 * ok repetition's samples where the summary has it.  A figure with no cells
 * in this run is not drawn (the report leaves it out).
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "evb_sys.h"
#include "figures.h"
#include "plan_serve.h"
#include "family.h"

#define MAX_LABELS 16
#define LABEL_LEN 80     /* a mechanism label, cut alike everywhere */

static bool is_serve(const struct evb_table *s, size_t r, const char *mode)
{
	return !strcmp(harness_str(s, r, "family"), "serve") &&
	       !strcmp(harness_str(s, r, "mode"), mode);
}

/* Add r's label to labels (first-seen order); its index, or -1 when full. */
static int label_index(const struct evb_table *s, size_t r, char labels[][80], size_t *n)
{
	char label[LABEL_LEN];
	size_t i = 0;

	harness_mech_label(s, r, label, sizeof(label));
	while (i < *n && strcmp(labels[i], label))
		i++;
	if (i == *n) {
		if (*n == MAX_LABELS)
			return -1;
		snprintf(labels[(*n)++], 80, "%s", label);
	}
	return (int)i;
}

static double p99(const struct evb_table *s, long r)
{
	double v = r < 0 ? NAN : harness_num(s, (size_t)r, "p99_pooled");

	return isfinite(v) || r < 0 ? v : harness_num(s, (size_t)r, "p99_median");
}

static double num(const struct evb_table *s, long r, const char *col)
{
	return r < 0 ? NAN : harness_num(s, (size_t)r, col);
}

/* "a b c": the labels as words for gnuplot's word() */
static void titles_list(char labels[][80], size_t n, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n; i++)
		used = harness_fig_word(buf, len, used, labels[i]);
}

/* Render figures/<name> from path; title says what one sample is. */
static int draw(const struct harness_figctx *ctx, const char *script, const char *path,
		const char *name, char labels[][80], size_t n, const char *title)
{
	char titles[MAX_LABELS * 81 + 16];
	const char *args[] = { title, titles, NULL };

	titles_list(labels, n, titles, sizeof(titles));
	return harness_gnuplot(ctx, script, path, name, args) ? -1 : 0;
}

/* The seed-server-table cell (plan_serve.h's definition) of label at
 * connections c, or -1. */
static long seed_cell(const struct evb_table *s, const char *label, double c)
{
	const char *kv[PLAN_SERVE_SEED_KV];
	char nums[2][24];

	plan_serve_seed_kv(kv, nums, NULL, NULL, (int64_t)c, NULL);
	return harness_find_labelled(s, kv, label, LABEL_LEN, true);
}

static int connections_figure(const struct harness_figctx *ctx)
{
	static const double conns[] = { 1000, 10000, 100000 };
	const struct evb_table *s = ctx->summary;
	char labels[MAX_LABELS][LABEL_LEN], path[4096];
	size_t n = 0;
	FILE *out;

	for (size_t r = 0; r < s->nrows; r++) {
		char label[LABEL_LEN];

		harness_mech_label(s, r, label, sizeof(label));
		for (size_t k = 0; k < 3; k++)
			if (seed_cell(s, label, conns[k]) == (long)r &&
			    isfinite(harness_num(s, r, "p50_median")))
				label_index(s, r, labels, &n);
	}
	if (!n)
		return 0;
	out = harness_fig_data(ctx, "serve_connections", path, sizeof(path));
	if (!out)
		return -1;
	fputs("# connections", out);
	for (size_t i = 0; i < n; i++) {
		fputc('\t', out);
		harness_fig_label(out, labels[i]);
		fputs("_p50_ns\t", out);
		harness_fig_label(out, labels[i]);
		fputs("_p99_ns", out);
	}
	fputc('\n', out);
	for (size_t k = 0; k < 3; k++) {
		fprintf(out, "%.0f", conns[k]);
		for (size_t i = 0; i < n; i++) {
			long r = seed_cell(s, labels[i], conns[k]);

			harness_fig_put(out, num(s, r, "p50_median"));
			harness_fig_put(out, p99(s, r));
		}
		fputc('\n', out);
	}
	fclose(out);
	return draw(ctx, "serve_connections.gp", path, "serve_connections", labels, n,
		    "one sample = a request's latency from its due time to its whole response "
		    "(open loop, 5000 req/s Poisson,\n64 B, over 10% of the connections). "
		    "Bar: median over repetitions of each run's p50; whisker up to the pooled p99");
}

/* One block per mechanism (gnuplot's index): achieved req/s, p99, rate. */
static int saturation_figure(const struct harness_figctx *ctx)
{
	const struct evb_table *s = ctx->summary;
	char labels[MAX_LABELS][LABEL_LEN], path[4096];
	size_t n = 0;
	FILE *out;

	for (size_t r = 0; r < s->nrows; r++)
		if (is_serve(s, r, "open") && strchr(harness_str(s, r, "rate"), '%') &&
		    isfinite(harness_num(s, r, "ops_per_s_median")))
			label_index(s, r, labels, &n);
	if (!n)
		return 0;
	out = harness_fig_data(ctx, "serve_saturation", path, sizeof(path));
	if (!out)
		return -1;
	for (size_t i = 0; i < n; i++) {
		fprintf(out, "%s# ", i ? "\n\n" : "");
		harness_fig_label(out, labels[i]);
		fputs(": achieved_per_s\tp99_ns\trate\n", out);
		for (size_t r = 0; r < s->nrows; r++) {
			char label[LABEL_LEN];

			if (!is_serve(s, r, "open") || !strchr(harness_str(s, r, "rate"), '%'))
				continue;
			harness_mech_label(s, r, label, sizeof(label));
			if (strcmp(label, labels[i]) || !isfinite(harness_num(s, r, "ops_per_s_median")))
				continue;
			fprintf(out, "%.6g", harness_num(s, r, "ops_per_s_median"));
			harness_fig_put(out, p99(s, (long)r));
			fputc('\t', out);
			harness_fig_label(out, harness_str(s, r, "rate"));
			fputc('\n', out);
		}
	}
	fclose(out);
	return draw(ctx, "serve_saturation.gp", path, "serve_saturation", labels, n,
		    "open loop at 10% .. 300% of the capacity the driver's search found just "
		    "before (100 connections,\n10 active): pooled p99 latency from the due time "
		    "against the requests/s achieved; beyond the capacity the backlog grows");
}

/* The io-uring-vs-epoll cell of label at msg_size m, or -1. */
static long closed_cell(const struct evb_table *s, const char *label, double m)
{
	char msg[24];
	const char *const kv[] = { "family", "serve", "mode", "closed", "connections", "1000",
				   "active", "100", "msg_size", msg, "placement", "cross-cpu",
				   NULL };

	if (evb_fmt(msg, sizeof(msg), "%.0f", m))
		return -1;   /* no cell has such a size */
	return harness_find_labelled(s, kv, label, LABEL_LEN, true);
}

static int uring_epoll_figure(const struct harness_figctx *ctx)
{
	const struct evb_table *s = ctx->summary;
	char labels[MAX_LABELS][LABEL_LEN], path[4096];
	size_t n = 0;
	FILE *out;

	for (size_t r = 0; r < s->nrows; r++) {
		const char *m = harness_str(s, r, "mechanism");

		if ((!strcmp(m, "epoll") || !strcmp(m, "io_uring")) && is_serve(s, r, "closed") &&
		    harness_num(s, r, "msg_size") == 4096 &&
		    isfinite(harness_num(s, r, "ops_per_s_median")))
			label_index(s, r, labels, &n);
	}
	if (!n)
		return 0;
	out = harness_fig_data(ctx, "serve_uring_epoll", path, sizeof(path));
	if (!out)
		return -1;
	fputs("# label\treq_per_s_64B\treq_per_s_4KiB\tserver_cpu_ns_per_req_64B"
	      "\tserver_cpu_ns_per_req_4KiB\n", out);
	for (size_t i = 0; i < n; i++) {
		long small = closed_cell(s, labels[i], 64), big = closed_cell(s, labels[i], 4096);

		harness_fig_label(out, labels[i]);
		harness_fig_put(out, num(s, small, "ops_per_s_median"));
		harness_fig_put(out, num(s, big, "ops_per_s_median"));
		harness_fig_put(out, num(s, small, "server_cpu_ns_per_op_median"));
		harness_fig_put(out, num(s, big, "server_cpu_ns_per_op_median"));
		fputc('\n', out);
	}
	fclose(out);
	return draw(ctx, "serve_uring_epoll.gp", path, "serve_uring_epoll", labels, n,
		    "closed loop, 1,000 connections, 100 active, one request each in flight, the "
		    "load generator on the other CPU.\nTop: requests/s (median over repetitions). "
		    "Bottom: the server process's CPU per request (every thread)");
}

/* A curve point: an open cell of the curve's shape at a numeric rate. */
static bool curve_cell(const struct evb_table *s, size_t r)
{
	const char *rate = harness_str(s, r, "rate");

	return is_serve(s, r, "open") && rate[0] && !strchr(rate, '%') &&
	       harness_num(s, r, "connections") == 1000 && harness_num(s, r, "active") == 100 &&
	       harness_num(s, r, "msg_size") == 64 && harness_num(s, r, "work_ns") == 0 &&
	       !strcmp(harness_str(s, r, "placement"), "cross-cpu") &&
	       !strcmp(harness_str(s, r, "arrival"), "poisson") &&
	       isfinite(harness_num(s, r, "p50_median"));
}

#define CURVE_MAX_POINTS 32
#define CURVE_BEHIND 0.95   /* achieved below this share of offered: marked */

/* label's curve points, by offered rate; how many. */
static size_t curve_points(const struct evb_table *s, const char *label, long *rows)
{
	size_t n = 0;

	for (size_t r = 0; r < s->nrows && n < CURVE_MAX_POINTS; r++) {
		char this_label[80];

		if (!curve_cell(s, r))
			continue;
		harness_mech_label(s, r, this_label, sizeof(this_label));
		if (strcmp(this_label, label))
			continue;
		size_t at = n++;

		while (at > 0 && harness_num(s, (size_t)rows[at - 1], "rate") >
					 harness_num(s, r, "rate")) {
			rows[at] = rows[at - 1];
			at--;
		}
		rows[at] = (long)r;
	}
	return n;
}

/* One curve line: offered, p50 and p99 with intervals, achieved, mark. */
static void curve_line(FILE *out, const struct evb_table *s, long r)
{
	double offered = num(s, r, "rate"), achieved = num(s, r, "ops_per_s_median");
	bool behind = isfinite(achieved) && achieved < CURVE_BEHIND * offered;

	fprintf(out, "%.6g", offered);
	harness_fig_put(out, num(s, r, "p50_median"));
	harness_fig_put(out, num(s, r, "p50_ci_lo"));
	harness_fig_put(out, num(s, r, "p50_ci_hi"));
	harness_fig_put(out, num(s, r, "p99_median"));
	harness_fig_put(out, num(s, r, "p99_ci_lo"));
	harness_fig_put(out, num(s, r, "p99_ci_hi"));
	harness_fig_put(out, achieved);
	fprintf(out, "\t%d\t", behind);
	if (!behind)
		fputs("-", out);
	else if (achieved >= 1e6)
		fprintf(out, "achieved %.3gM/s", achieved / 1e6);
	else
		fprintf(out, "achieved %.3gk/s", achieved / 1e3);
	fputc('\n', out);
}

/* One block per mechanism with at least 3 offered rates (a curve, not the
 * standard open cell alone). */
static int latency_rate_figure(const struct harness_figctx *ctx)
{
	const struct evb_table *s = ctx->summary;
	char labels[MAX_LABELS][LABEL_LEN], path[4096];
	long rows[CURVE_MAX_POINTS];
	size_t n = 0;
	FILE *out;

	for (size_t r = 0; r < s->nrows; r++) {
		char label[LABEL_LEN];

		if (!curve_cell(s, r))
			continue;
		harness_mech_label(s, r, label, sizeof(label));
		if (curve_points(s, label, rows) >= 3)
			label_index(s, r, labels, &n);
	}
	if (!n)
		return 0;
	out = harness_fig_data(ctx, "serve_latency_rate", path, sizeof(path));
	if (!out)
		return -1;
	for (size_t i = 0; i < n; i++) {
		size_t points = curve_points(s, labels[i], rows);

		fprintf(out, "%s# ", i ? "\n\n" : "");
		harness_fig_label(out, labels[i]);
		fputs(": offered_per_s\tp50_ns\tp50_lo\tp50_hi\tp99_ns\tp99_lo\tp99_hi"
		      "\tachieved_per_s\tbehind\tlabel\n", out);
		for (size_t k = 0; k < points; k++)
			curve_line(out, s, rows[k]);
	}
	fclose(out);
	return draw(ctx, "serve_latency_rate.gp", path, "serve_latency_rate", labels, n,
		    "open loop, 1,000 connections, 100 active, Poisson, 64 B: request latency "
		    "from its due time against the offered rate.\nMedian over repetitions of "
		    "each run's p50 (solid) and p99 (dashed), bars: their intervals;\nringed: "
		    "the achieved rate fell below 95% of the offered one");
}

int figures_serve(const struct harness_figctx *ctx)
{
	int ret = 0;

	if (connections_figure(ctx))
		ret = -1;
	if (saturation_figure(ctx))
		ret = -1;
	if (uring_epoll_figure(ctx))
		ret = -1;
	if (latency_rate_figure(ctx))
		ret = -1;
	return ret;
}
