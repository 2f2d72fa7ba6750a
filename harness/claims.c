/*
 * claims.c - the claims engine (see claims.h) and the report's claims
 * table: every claim beside what this run measured, each of its tests with
 * the ratio (or level) and its interval, the ok repetitions per side, and
 * a verdict that the interval decides.  The claims live in
 * claims_<family>.c; nothing here knows a mechanism.
 */
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claims.h"
#include "evb_stats.h"
#include "figures.h"
#include "plan.h"
#include "report.h"

#define BOOTSTRAP_ROUNDS 2000
#define BOOTSTRAP_SEED 0x6576626e63ULL

const char *const claim_verdict_names[] = {
	[CLAIM_HOLDS] = "holds",
	[CLAIM_FAILS] = "does not hold",
	[CLAIM_INCONCLUSIVE] = "inconclusive",
	[CLAIM_NOT_MEASURED] = "not measured",
	[CLAIM_INFO] = "for context",
	NULL,
};

/* Where struct claim_cell keeps each axis, in evb_axes.h's order. */
#define AXIS_OFFSET(kind, name, flag, slug, label) offsetof(struct claim_cell, name),
static const size_t axis_offsets[] = { EVB_AXES(AXIS_OFFSET) };
#undef AXIS_OFFSET

static const char *axis_value(const struct claim_cell *c, size_t i)
{
	const char *v = *(const char *const *)((const char *)c + axis_offsets[i]);

	return v ? v : "";
}

/* "notify signalfd/std pingpong thread same-cpu", numbers with their names. */
static void cell_label(const struct claim_cell *c, char *buf, size_t len)
{
	const char *values[EVB_NAXES];

	for (size_t i = 0; i < EVB_NAXES; i++)
		values[i] = axis_value(c, i);
	evb_axes_label(values, buf, len);
}

/* One repetition's figure (claims.h lists the derived ones). */
static double figure_value(const struct evb_table *t, size_t r, const char *figure)
{
	if (!strcmp(figure, "mem_bytes_per_fd"))
		return harness_num(t, r, "rss_bytes_per_fd") + harness_num(t, r, "slab_bytes_per_fd");
	if (!strcmp(figure, "delivered_share")) {
		double sent = harness_num(t, r, "sent");

		return sent > 0 ? harness_num(t, r, "delivered") / sent : NAN;
	}
	return harness_row_value(t, r, figure);   /* a column, or cpu per op */
}

/* What results.csv holds for one cell. */
struct side {
	double *values;      /* the figure of each ok repetition, sorted */
	size_t n, total, ok;
	size_t unjudged;     /* ok repetitions whose reason starts with t->unjudged */
	char unjudged_reason[160];
	char reason[256];    /* of the first repetition that was not ok */
	char status[32];
	char label[300];
};

static int side_load(const struct evb_table *t, const struct claim_test *test,
		     const struct claim_cell *c, struct side *s)
{
	const char *figure = test->figure;
	int cols[EVB_NAXES];
	int status_col = evb_table_col(t, "status");

	memset(s, 0, sizeof(*s));
	cell_label(c, s->label, sizeof(s->label));
	s->values = malloc((t->nrows ? t->nrows : 1) * sizeof(double));
	if (!s->values)
		return -1;
	for (size_t i = 0; i < EVB_NAXES; i++)
		cols[i] = evb_table_col(t, evb_axes[i].name);
	for (size_t r = 0; r < t->nrows; r++) {
		size_t i = 0;

		while (i < EVB_NAXES && !strcmp(evb_table_get(t, r, cols[i]), axis_value(c, i)))
			i++;
		if (i < EVB_NAXES)
			continue;
		s->total++;
		if (strcmp(evb_table_get(t, r, status_col), "ok")) {
			if (!s->status[0]) {
				snprintf(s->status, sizeof(s->status), "%s",
					 evb_table_get(t, r, status_col));
				snprintf(s->reason, sizeof(s->reason), "%s",
					 harness_str(t, r, "reason"));
			}
			continue;
		}
		s->ok++;
		const char *why = harness_str(t, r, "reason");

		if (test->unjudged && !strncmp(why, test->unjudged, strlen(test->unjudged)) &&
		    !s->unjudged++)
			snprintf(s->unjudged_reason, sizeof(s->unjudged_reason), "%s", why);
		double v = figure_value(t, r, figure);

		if (isfinite(v))
			s->values[s->n++] = v;
	}
	evb_sort_doubles(s->values, s->n);
	return 0;
}

/* A side that cannot be used: say why in out->why; 1 when unusable. */
static int side_missing(const struct side *s, const struct claim_test *t,
			struct claim_outcome *out)
{
	if (!s->total)
		snprintf(out->why, sizeof(out->why), "not measured (cell %s did not run)", s->label);
	else if (!s->ok)
		snprintf(out->why, sizeof(out->why), "not measured (cell %s not ok: %s%s%s)",
			 s->label, s->status, s->reason[0] ? ", " : "", s->reason);
	else if (!s->n)
		snprintf(out->why, sizeof(out->why), "not measured (cell %s recorded no %s%s%s)",
			 s->label, t->figure, t->if_empty ? ": " : "", t->if_empty ? t->if_empty : "");
	else
		return 0;
	out->verdict = CLAIM_NOT_MEASURED;
	return 1;
}

static enum claim_verdict judge(const struct claim_test *t, double lo, double hi)
{
	if (t->side == CLAIM_NO_THRESHOLD)
		return CLAIM_INFO;
	if (t->side == CLAIM_AT_LEAST)
		return lo >= t->threshold ? CLAIM_HOLDS : hi < t->threshold ? CLAIM_FAILS
									 : CLAIM_INCONCLUSIVE;
	return hi <= t->threshold ? CLAIM_HOLDS : lo > t->threshold ? CLAIM_FAILS
								 : CLAIM_INCONCLUSIVE;
}

/* The interval of the ratio or level; 0, or -1 when it cannot be had. */
static int interval(const struct claim_test *t, const struct side *num, const struct side *den,
		    struct claim_outcome *out)
{
	if (!t->den.family) {
		struct evb_precision p;

		if (evb_median_precision(num->values, num->n, CLAIM_CONF, &p))
			return -1;
		out->value = p.median;
		out->lo = p.lo;
		out->hi = p.hi;
		out->level = p.level;
		return 0;
	}
	if (!(out->den_median != 0))
		return -1;
	out->value = out->num_median / out->den_median;
	out->level = CLAIM_CONF;
	return evb_bootstrap_ratio_ci(den->values, den->n, num->values, num->n, BOOTSTRAP_ROUNDS,
				      CLAIM_CONF, BOOTSTRAP_SEED, &out->lo, &out->hi) ? -1 : 0;
}

static void evaluate_sides(const struct claim_test *t, const struct side *num,
			   const struct side *den, struct claim_outcome *out)
{
	if (side_missing(num, t, out) || (t->den.family && side_missing(den, t, out)))
		return;
	out->num_reps = num->n;
	out->num_median = evb_median_sorted(num->values, num->n);
	if (t->den.family) {
		out->den_reps = den->n;
		out->den_median = evb_median_sorted(den->values, den->n);
	}
	if (interval(t, num, den, out)) {
		out->verdict = CLAIM_INCONCLUSIVE;
		snprintf(out->why, sizeof(out->why), "inconclusive (no interval: a median of 0)");
		return;
	}
	out->verdict = judge(t, out->lo, out->hi);
	if (out->verdict == CLAIM_INFO)
		return;
	if (num->unjudged || (t->den.family && den->unjudged)) {
		const struct side *s = num->unjudged ? num : den;

		out->verdict = CLAIM_INCONCLUSIVE;
		snprintf(out->why, sizeof(out->why), "inconclusive (%zu of %zu ok repetitions of "
			 "%s not judged: %s)", s->unjudged, s->ok, s->label, s->unjudged_reason);
		return;
	}
	if (num->n < CLAIM_MIN_REPS || (t->den.family && den->n < CLAIM_MIN_REPS)) {
		out->verdict = CLAIM_INCONCLUSIVE;
		snprintf(out->why, sizeof(out->why), "inconclusive (a verdict needs %d ok "
			 "repetitions per cell)", CLAIM_MIN_REPS);
	}
}

void claim_evaluate(const struct evb_table *results, const struct claim_test *t,
		    struct claim_outcome *out)
{
	struct side num, den = { 0 };

	memset(out, 0, sizeof(*out));
	out->value = out->lo = out->hi = out->level = NAN;
	out->num_median = out->den_median = NAN;
	out->verdict = CLAIM_NOT_MEASURED;
	snprintf(out->why, sizeof(out->why), "not measured (out of memory)");
	if (side_load(results, t, &t->num, &num))
		return;
	if (t->den.family && side_load(results, t, &t->den, &den))
		goto out_num;
	out->why[0] = '\0';
	evaluate_sides(t, &num, &den, out);
	free(den.values);
out_num:
	free(num.values);
}

enum claim_verdict claim_combine(const struct claim_outcome *o, size_t n)
{
	int seen[CLAIM_INFO + 1] = { 0 };

	for (size_t i = 0; i < n; i++)
		seen[o[i].verdict]++;
	if (seen[CLAIM_FAILS])
		return CLAIM_FAILS;
	if (seen[CLAIM_NOT_MEASURED])
		return CLAIM_NOT_MEASURED;
	if (seen[CLAIM_INCONCLUSIVE])
		return CLAIM_INCONCLUSIVE;
	return seen[CLAIM_HOLDS] ? CLAIM_HOLDS : CLAIM_INFO;
}

/* A value of figure in its unit. */
static void fmt_figure(char *buf, size_t len, const char *figure, double v)
{
	if (!isfinite(v))
		snprintf(buf, len, "-");
	else if (strstr(figure, "ops_per_s"))
		report_fmt_rate(buf, len, v);
	else if (strstr(figure, "bytes"))
		snprintf(buf, len, "%.1f B", v);
	else if (strstr(figure, "share"))
		report_fmt_pct(buf, len, 100.0 * v);
	else
		report_fmt_ns(buf, len, v);
}

static void fmt_test(const struct claim_test *t, char *buf, size_t len)
{
	static const char *const rel[] = { [CLAIM_AT_LEAST] = ">=", [CLAIM_AT_MOST] = "<=" };
	char thr[32];

	if (t->side == CLAIM_NO_THRESHOLD) {
		snprintf(buf, len, "%s (no threshold: context)", t->what);
		return;
	}
	if (t->den.family)
		snprintf(thr, sizeof(thr), "%.2fx", t->threshold);
	else
		fmt_figure(thr, sizeof(thr), t->figure, t->threshold);
	snprintf(buf, len, "%s; holds at %s %s", t->what, rel[t->side], thr);
}

static void test_row(struct doc *d, const struct claim *c, size_t i, const char *overall,
		     const struct claim_outcome *o)
{
	const struct claim_test *t = &c->tests[i];
	char claim[1200], test[600], measured[96], value[160], reps[48], a[32], b[32];

	snprintf(claim, sizeof(claim), "%s (Test: %s)", c->text, c->test);
	fmt_test(t, test, sizeof(test));
	fmt_figure(a, sizeof(a), t->figure, o->num_median);
	fmt_figure(b, sizeof(b), t->figure, o->den_median);
	if (t->den.family)
		snprintf(measured, sizeof(measured), "%s / %s", a, b);
	else
		snprintf(measured, sizeof(measured), "%s", a);
	if (!isfinite(o->value))
		snprintf(value, sizeof(value), "-");
	else if (t->den.family)
		snprintf(value, sizeof(value), "%.2fx [%.2f, %.2f] (%.0f%% bootstrap)", o->value,
			 o->lo, o->hi, 100.0 * o->level);
	else {
		fmt_figure(a, sizeof(a), t->figure, o->lo);
		fmt_figure(b, sizeof(b), t->figure, o->hi);
		snprintf(value, sizeof(value), "[%s, %s] (%.1f%% order statistics)", a, b,
			 100.0 * o->level);
	}
	if (t->den.family)
		snprintf(reps, sizeof(reps), "%zu / %zu", o->num_reps, o->den_reps);
	else
		snprintf(reps, sizeof(reps), "%zu", o->num_reps);

	const char *row[] = { i ? "" : claim, i ? "" : overall, test, measured, value, reps,
			      o->why[0] ? o->why : claim_verdict_names[o->verdict] };

	doc_row(d, row);
}

static void emit_claim(struct doc *d, const struct evb_table *results, const struct claim *c)
{
	struct claim_outcome out[CLAIM_MAX_TESTS] = { 0 };
	char overall[200];
	size_t n = c->ntests < CLAIM_MAX_TESTS ? c->ntests : CLAIM_MAX_TESTS;

	for (size_t i = 0; i < n; i++)
		claim_evaluate(results, &c->tests[i], &out[i]);
	if (c->verdict)
		c->verdict(out, overall, sizeof(overall));
	else
		snprintf(overall, sizeof(overall), "%s", claim_verdict_names[claim_combine(out, n)]);
	for (size_t i = 0; i < n; i++)
		test_row(d, c, i, overall, &out[i]);
}

void report_claims(const struct report_ctx *ctx)
{
	const char *const heads[] = { "claim", "verdict", "test", "measured (median, ok reps)",
				      "ratio or level [interval]", "ok reps", "test verdict" };
	struct doc *d = ctx->doc;

	doc_h(d, 2, "Claims put to the test");
	doc_p(d, "Each published claim evbench puts to the test, the tests, and what "
	      "this machine measured. A test compares cells named by every axis, from the ok "
	      "repetitions in results.csv: a ratio of two cells' medians with its %.0f%% "
	      "bootstrap interval, or one cell's median with its order-statistic interval. "
	      "It holds only when the whole interval is on the claim's side of the threshold, "
	      "does not hold when the whole interval is on the other side, and is inconclusive "
	      "otherwise or with fewer than %d ok repetitions per cell. A claim holds when "
	      "every test holds and does not hold when any test does not. The thresholds are "
	      "stated so you can disagree with them.", 100.0 * CLAIM_CONF, CLAIM_MIN_REPS);
	doc_table(d, 7, heads);
	for (size_t f = 0; f < harness_nfamilies; f++) {
		const struct claim *const *claims = harness_families[f]->claims;

		for (size_t i = 0; claims && claims[i]; i++)
			emit_claim(d, ctx->results, claims[i]);
	}
	doc_table_end(d);
}
