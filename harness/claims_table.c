/*
 * claims_table.c - the report's claims table: every claim beside what this
 * run measured, each of its tests with the ratio (or level) and its
 * interval labelled with the coverage it reaches, the repetitions per side,
 * a verdict that the interval decides, and for each claim the most its
 * verdict's rule lets a true claim be called "does not hold".
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "claims.h"
#include "plan.h"
#include "report.h"

/* A share in percent, with the digits that keep a loss from printing as
 * 100% (3 of 100,000 lost: 99.997%). */
static void fmt_share(char *buf, size_t len, double share)
{
	int digits = 1;

	while (digits < 9 && share < 1.0 &&
	       100.0 - 100.0 * share < 0.5 * pow(10.0, -digits))
		digits++;
	snprintf(buf, len, "%.*f%%", digits, 100.0 * share);
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
		fmt_share(buf, len, v);
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
	snprintf(buf, len, "%s; holds at %s %s%s", t->what, rel[t->side], thr,
		 t->every_run ? " (every run counted, ok or not)" : "");
}

/* "1.50x [1.20, 1.90] (>= 87.9% order statistics)", or the level's. */
static void fmt_interval(const struct claim_test *t, const struct claim_outcome *o, char *buf,
			 size_t len)
{
	char a[32], b[32];

	if (!isfinite(o->value)) {
		snprintf(buf, len, "-");
		return;
	}
	if (t->den.family) {
		snprintf(buf, len, "%.2fx [%.2f, %.2f] (>= %.1f%% order statistics)", o->value,
			 o->lo, o->hi, 100.0 * o->level);
		return;
	}
	fmt_figure(a, sizeof(a), t->figure, o->lo);
	fmt_figure(b, sizeof(b), t->figure, o->hi);
	snprintf(buf, len, "[%s, %s] (%.2f%% order statistics)", a, b, 100.0 * o->level);
}

static void test_row(struct doc *d, const struct claim *c, size_t i, const char *overall,
		     const char *bound, const struct claim_outcome *o)
{
	const struct claim_test *t = &c->tests[i];
	char claim[1400], test[700], measured[96], value[160], reps[64], a[32], b[32];

	snprintf(claim, sizeof(claim), "%s (Test: %s)%s", c->text, c->test, bound);
	fmt_test(t, test, sizeof(test));
	fmt_figure(a, sizeof(a), t->figure, o->num_median);
	fmt_figure(b, sizeof(b), t->figure, o->den_median);
	if (t->den.family)
		snprintf(measured, sizeof(measured), "%s / %s", a, b);
	else
		snprintf(measured, sizeof(measured), "%s", a);
	fmt_interval(t, o, value, sizeof(value));
	if (t->den.family)
		snprintf(reps, sizeof(reps), "%zu / %zu", o->num_reps, o->den_reps);
	else
		snprintf(reps, sizeof(reps), "%zu", o->num_reps);
	if (o->not_ok) {
		size_t used = strlen(reps);

		snprintf(reps + used, sizeof(reps) - used, " (%zu not ok)", o->not_ok);
	}

	const char *row[] = { i ? "" : claim, i ? "" : overall, test, measured, value, reps,
			      o->why[0] ? o->why : claim_verdict_names[o->verdict] };

	doc_row(d, row);
}

static void emit_claim(struct doc *d, const struct evb_table *results, const struct claim *c)
{
	struct claim_outcome out[CLAIM_MAX_TESTS] = { 0 };
	char overall[200], bound[200] = "";
	size_t n = c->ntests < CLAIM_MAX_TESTS ? c->ntests : CLAIM_MAX_TESTS;

	for (size_t i = 0; i < n; i++)
		claim_evaluate(results, &c->tests[i], &out[i]);
	if (c->verdict)
		c->verdict(out, overall, sizeof(overall));
	else
		snprintf(overall, sizeof(overall), "%s", claim_verdict_names[claim_combine(out, n)]);

	double false_fail = claim_false_fail(out, n, c->group);

	if (isfinite(false_fail))
		snprintf(bound, sizeof(bound), " A false \"does not hold\": at most %.1f%%%s.",
			 100.0 * false_fail, c->group ? " per verdict" : "");
	for (size_t i = 0; i < n; i++)
		test_row(d, c, i, overall, bound, &out[i]);
}

void report_claims(const struct report_ctx *ctx)
{
	const char *const heads[] = { "claim", "verdict", "test", "measured (median)",
				      "ratio or level [interval]", "reps", "test verdict" };
	struct doc *d = ctx->doc;

	doc_h(d, 2, "Claims put to the test");
	doc_p(d, "Each published claim evbench puts to the test, the tests, and what "
	      "this machine measured. A test compares cells named by every axis, from the ok "
	      "repetitions in results.csv (a test marked \"every run counted\" reads failed "
	      "runs too: a lost signal is what it is about): a ratio of two cells' medians, or "
	      "one cell's median, each with a distribution-free order-statistic interval "
	      "labelled with the coverage it reaches at its repetitions (a level at 5: 93.75%%; "
	      "a ratio at 5 per side: at least 87.9%%, the product of its sides' coverage). It "
	      "holds only when the whole interval is on the claim's side of the threshold, "
	      "does not hold when the whole interval is on the other side, and is inconclusive "
	      "otherwise, with fewer than %d repetitions per cell, or when a repetition cannot "
	      "decide (the load generator was the bottleneck; only part of a figure was "
	      "counted and the shortfall could have made the verdict).", CLAIM_MIN_REPS);
	doc_p(d, "How the tests combine: a claim holds when every test with a threshold holds, "
	      "does not hold when any does not, and is otherwise not measured or inconclusive "
	      "(a claim judged per variant does this within each variant's tests). An interval "
	      "lies wholly on one side of the true value with a chance of at most its tail: "
	      "(100%% - coverage) / 2 for a level, 1 - (1 - t1)(1 - t2) for a ratio whose sides "
	      "have tails t1, t2. So a claim that is true is called \"does not hold\" with a "
	      "chance of at most the sum of its tests' tails, which grows with each test added "
	      "(given beside each claim); a claim that is false is called \"holds\" with at "
	      "most the tail of the test it fails. The thresholds are stated so you can "
	      "disagree with them.");
	doc_table(d, 7, heads);
	for (size_t f = 0; f < harness_nfamilies; f++) {
		const struct claim *const *claims = harness_families[f]->claims;

		for (size_t i = 0; claims && claims[i]; i++)
			emit_claim(d, ctx->results, claims[i]);
	}
	doc_table_end(d);
}
