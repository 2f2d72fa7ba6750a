/*
 * report_serve_capacity.c - how much load a server takes: the
 * latency-throughput curve's table (p50 / p99 per offered rate, the open
 * loop's ladder of the standard profile) and the capacity table (per
 * mechanism, the highest offered rate its capacity search found sustained
 * under a p99 bound of 1 ms and of 10 ms).
 *
 * A capacity cell's figure is capacity_per_s, which summary.csv does not
 * carry: its median over the ok repetitions and the order-statistic
 * interval of that median (evb_median_precision, as summary.csv computes
 * every interval that is not the headline's) come from results.csv here.  A
 * repetition whose search found no rate meeting the bound (an ok row with
 * capacity_per_s empty) is counted apart; one whose load generator was the
 * bottleneck or sent late (client-bound, client-lagged) is counted and
 * shown, as everywhere in the serve section.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evb_axes.h"
#include "evb_sb.h"
#include "evb_stats.h"
#include "figures.h"
#include "plan_serve.h"
#include "precision.h"
#include "report_serve.h"

/* The standard profile's ladder: plan_serve_curve_rates (plan_serve.c). */
#define BEHIND 0.95    /* achieved below this share of offered: marked */

static const struct {
	const char *slo_ns, *head;
} bounds[] = {
	{ "1000000", "highest rate with p99 <= 1 ms" },
	{ "10000000", "highest rate with p99 <= 10 ms" },
};
#define NBOUNDS (sizeof(bounds) / sizeof(bounds[0]))
#define MAX_MECHS 16

/* A cell of the curve's shape of mechanism/variant at rate (any setup: the
 * curve runs one), and col == value unless col is NULL, as
 * harness_find_row's kv. */
#define CURVE_KV(mode_, m, v, rate_, col, value) \
	{ "family", "serve", "mode", mode_, "mechanism", m, "variant", v, \
	  "placement", "cross-cpu", "connections", "1000", "active", "100", "depth", "", \
	  "msg_size", "64", "work_ns", "0", "rate", rate_, "arrival", "poisson", col, value, \
	  NULL }

/* Mechanisms with cells of mode at the curve's shape, first-seen order. */
static size_t curve_mechs(const struct evb_table *s, const char *mode, char names[][2][64])
{
	char all[48][2][64];
	size_t n = report_mechanisms(s, "serve", mode, all, 48), kept = 0;

	for (size_t i = 0; i < n && kept < MAX_MECHS; i++) {
		size_t found = 0;

		for (size_t k = 0; plan_serve_curve_rates[k]; k++) {
			const char *const kv[] = CURVE_KV(mode, all[i][0], all[i][1],
							  strcmp(mode, "open") ? "" : plan_serve_curve_rates[k],
							  NULL, NULL);

			found += harness_find_row(s, kv) >= 0;
		}
		if (found) {
			memcpy(names[kept], all[i], sizeof(all[i]));
			kept++;
		}
	}
	return kept;
}

/* The first row of summary s of the curve's shape (CURVE_KV), or -1. */
static long shape_row(const struct evb_table *s, const char *mode, const char *m, const char *v,
		      const char *rate, const char *col, const char *value)
{
	const char *const kv[] = CURVE_KV(mode, m, v, rate, col, value);

	return harness_find_row(s, kv);
}

bool serve_curve_step(const struct evb_table *s, size_t r)
{
	for (size_t k = 0; plan_serve_curve_rates[k]; k++)
		if (shape_row(s, "open", harness_str(s, r, "mechanism"),
			      harness_str(s, r, "variant"), plan_serve_curve_rates[k], "uring_setup",
			      harness_str(s, r, "uring_setup")) == (long)r)
			return true;
	return false;
}

/* Row r's mechanism label (its setup named), or m/v when it has no row. */
static void label_of(char *buf, size_t len, const char *m, const char *v,
		     const struct evb_table *s, long r)
{
	if (r >= 0)
		harness_mech_label(s, (size_t)r, buf, len);
	else
		evb_mech_label(buf, len, m, v);
}

/* A table's column: the cells of the curve's shape at rate (and col ==
 * value unless col is NULL). */
struct column {
	const char *rate, *col, *value;
};
#define MAX_COLUMNS PLAN_SERVE_NCURVE

typedef void (*cell_text_fn)(const struct report_ctx *ctx, struct report_trust *t, size_t r,
			     char *buf, size_t len);

/* The table: a row per mechanism of names, a cell per column (text of
 * its summary row, "-" without one), the trust note under it. */
static void mech_rows(const struct report_ctx *ctx, const char *mode, const struct column *cols,
		      size_t ncols, const char *const *heads, char names[][2][64], size_t n,
		      cell_text_fn text)
{
	const struct evb_table *s = ctx->summary;
	struct report_trust trust = { 0 };

	doc_table(ctx->doc, (int)ncols + 1, heads);
	for (size_t i = 0; i < n; i++) {
		char label[140], cells[MAX_COLUMNS][200];
		const char *row[MAX_COLUMNS + 1] = { label };
		long first = -1;

		for (size_t k = 0; k < ncols; k++) {
			long r = shape_row(s, mode, names[i][0], names[i][1], cols[k].rate,
					   cols[k].col, cols[k].value);

			row[k + 1] = cells[k];
			snprintf(cells[k], sizeof(cells[k]), "-");
			if (r < 0)
				continue;
			first = first < 0 ? r : first;
			text(ctx, &trust, (size_t)r, cells[k], sizeof(cells[k]));
		}
		label_of(label, sizeof(label), names[i][0], names[i][1], s, first);
		doc_row(ctx->doc, row);
	}
	doc_table_end(ctx->doc);
	report_trust_note(ctx, &trust);
}

/* "84 us / 1.2 ms", ", achieved 210 k/s" when it fell behind. */
static void curve_text(const struct report_ctx *ctx, struct report_trust *t, size_t r,
		       char *buf, size_t len)
{
	const struct evb_table *s = ctx->summary;
	double offered = harness_num(s, r, "rate");
	double achieved = serve_value(ctx, t, r, "ops_per_s_median");
	char p50[32], p99[32], rate[32];
	struct evb_sb sb;

	if (strcmp(harness_str(s, r, "status"), "ok") &&
	    strcmp(harness_str(s, r, "status"), "partial")) {
		serve_status_text(s, r, buf, len);
		return;
	}
	report_fmt_ns(p50, sizeof(p50), serve_value(ctx, t, r, "p50_median"));
	report_fmt_ns(p99, sizeof(p99), serve_value(ctx, t, r, "p99_median"));
	evb_sb_init(&sb, buf, len);
	evb_sb_printf(&sb, "%s / %s", p50, p99);
	if (isfinite(achieved) && achieved < BEHIND * offered) {
		report_fmt_rate(rate, sizeof(rate), achieved);
		evb_sb_printf(&sb, ", achieved %s", rate);
	}
}

void report_serve_curve(const struct report_ctx *ctx)
{
	const struct evb_table *s = ctx->summary;
	const char *heads[PLAN_SERVE_NCURVE + 1] = { "mechanism" };
	char names[MAX_MECHS][2][64], rate_heads[PLAN_SERVE_NCURVE][32];
	size_t n = curve_mechs(s, "open", names);
	struct column cols[PLAN_SERVE_NCURVE];

	if (!n)
		return;
	for (size_t k = 0; plan_serve_curve_rates[k]; k++) {
		report_fmt_rate(rate_heads[k], sizeof(rate_heads[k]), atof(plan_serve_curve_rates[k]));
		heads[k + 1] = rate_heads[k];
	}
	doc_h(ctx->doc, 3, "Latency against offered rate");
	doc_p(ctx->doc, "The open loop at a ladder of offered rates (1,000 connections, 100 "
	      "active, Poisson, 64 B, the load generator on the other CPU): per cell the median "
	      "over repetitions of each run's p50 / p99 latency from the due time. \"achieved "
	      "X\": the cell answered below 95%% of the offered rate, so its latency is a "
	      "growing queue's. The figure above draws the same cells with their intervals.");
	for (size_t k = 0; plan_serve_curve_rates[k]; k++)
		cols[k] = (struct column){ .rate = plan_serve_curve_rates[k] };
	mech_rows(ctx, "open", cols, PLAN_SERVE_NCURVE, heads, names, n, curve_text);
}

/* What the repetitions of one capacity cell found. */
struct capacity {
	size_t ok;             /* ok repetitions */
	size_t found;          /* of them, with a capacity */
	size_t unjudged;       /* of them, client-bound or client-lagged */
	size_t unconfirmed;    /* of them, the measured run above the bound */
	struct evb_precision ci;
};

static void capacity_of(const struct report_ctx *ctx, size_t r, struct capacity *c)
{
	size_t rows[SERVE_REPS_MAX];
	double values[SERVE_REPS_MAX];

	memset(c, 0, sizeof(*c));
	c->ok = serve_ok_reps(ctx, r, rows, SERVE_REPS_MAX);
	for (size_t i = 0; i < c->ok && i < SERVE_REPS_MAX; i++) {
		double v = harness_num(ctx->results, rows[i], "capacity_per_s");

		c->unjudged += serve_reason_is(ctx, rows[i], SERVE_CLIENT_BOUND) ||
			       serve_reason_is(ctx, rows[i], SERVE_CLIENT_LAGGED);
		c->unconfirmed += serve_reason_is(ctx, rows[i], "unconfirmed");
		if (isfinite(v) && v > 0)
			values[c->found++] = v;
	}
	evb_sort_doubles(values, c->found);
	if (c->found)
		evb_median_precision(values, c->found, HARNESS_CI_CONF, &c->ci);
}

/* "312.0 k/s (298.1-330.4 k/s, 93.8%)", or why there is none. */
static void capacity_text(const struct report_ctx *ctx, struct report_trust *t, size_t r,
			  char *buf, size_t len)
{
	struct capacity c;
	char median[32], lo[32], hi[32];
	struct evb_sb sb;

	if (t->nrows < REPORT_TRUST_MAX)
		t->rows[t->nrows++] = (long)r;
	capacity_of(ctx, r, &c);
	if (!c.ok) {
		serve_status_text(ctx->summary, r, buf, len);
		return;
	}
	evb_sb_init(&sb, buf, len);
	if (!c.found) {
		evb_sb_printf(&sb, "no rate met the bound (%zu/%zu)", c.ok, c.ok);
	} else {
		report_fmt_rate(median, sizeof(median), c.ci.median);
		report_fmt_rate(lo, sizeof(lo), c.ci.lo);
		report_fmt_rate(hi, sizeof(hi), c.ci.hi);
		evb_sb_puts(&sb, median);
		if (c.found >= 2) {
			evb_sb_printf(&sb, " (%s - %s, %.1f%%)", lo, hi, 100 * c.ci.level);
			if (isfinite(c.ci.halfwidth_pct) && t->nhalfwidth < REPORT_TRUST_MAX)
				t->halfwidth[t->nhalfwidth++] = c.ci.halfwidth_pct;
		}
		if (c.found < c.ok)
			evb_sb_printf(&sb, "; no rate met in %zu/%zu", c.ok - c.found, c.ok);
	}
	if (c.unjudged)
		evb_sb_printf(&sb, "; client-bound or -lagged %zu/%zu", c.unjudged, c.ok);
	if (c.unconfirmed)
		evb_sb_printf(&sb, "; unconfirmed %zu/%zu", c.unconfirmed, c.ok);
}

void report_serve_capacity(const struct report_ctx *ctx)
{
	const struct evb_table *s = ctx->summary;
	const char *heads[NBOUNDS + 1] = { "mechanism" };
	char names[MAX_MECHS][2][64];
	size_t n = curve_mechs(s, "capacity", names);
	struct column cols[NBOUNDS];

	if (!n)
		return;
	for (size_t b = 0; b < NBOUNDS; b++)
		heads[b + 1] = bounds[b].head;
	doc_h(ctx->doc, 3, "Capacity: the highest rate the server sustains within a latency bound");
	doc_p(ctx->doc, "Capacity is the highest offered open-loop rate that the load generator's "
	      "search (evb-serve --mode capacity --slo-ns) found sustained: a step at a rate "
	      "passes when the achieved rate is within 5%% of the offered one, the requests' "
	      "send lag p99 is within its bound (the generator kept its schedule) and the p99 "
	      "latency from the due time is at most the bound; the search raises the rate "
	      "until a step fails, narrows it between the last pass and the first failure, "
	      "and the row is a longer open loop at the rate found (\"unconfirmed k/n\": in k "
	      "repetitions that run's p99 was above the bound). The curve's shape: 1,000 connections, 100 "
	      "active, Poisson, 64 B. Per cell: the median over repetitions with the "
	      "order-statistic interval of that median and its coverage. \"no rate met the "
	      "bound\": the search's first step already failed (k/n: in k of the n ok "
	      "repetitions); \"client-bound or -lagged k/n\": k repetitions where the load "
	      "generator ran out of CPU or sent late, shown but judged by nothing.");
	for (size_t b = 0; b < NBOUNDS; b++)
		cols[b] = (struct column){ .rate = "", .col = "slo_ns", .value = bounds[b].slo_ns };
	mech_rows(ctx, "capacity", cols, NBOUNDS, heads, names, n, capacity_text);
}
