/*
 * claims_table.c - the report's claims: a compact table near the top, one
 * line per claim (its verdict, and the ratio or level of the test that
 * decided it with its interval), and the detail: each of its tests with
 * the ratio (or level) and its interval labelled with the coverage it
 * reaches, its margin (the value over its threshold: how far the threshold
 * was from deciding), the repetitions per side, a verdict that the
 * interval decides, and for each claim the most its verdict's rule lets a
 * true claim be called "does not hold".  In HTML the detail opens under the claim's line
 * (doc_drow); in Markdown it is the table of "Claim details", further down.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "claims.h"
#include "evb_sb.h"
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
	evb_sb_fmt(buf, len, "%.*f%%", digits, 100.0 * share);
}

/* A value of figure in its unit. */
static void fmt_figure(char *buf, size_t len, const char *figure, double v)
{
	if (!isfinite(v))
		snprintf(buf, len, "-");
	else if (strstr(figure, "ops_per_s"))
		report_fmt_rate(buf, len, v);
	else if (strstr(figure, "bytes"))
		evb_sb_fmt(buf, len, fabs(v) >= 1000 ? "%.0f B" : "%.1f B", v);
	else if (strstr(figure, "share") || !strcmp(figure, "refused"))
		fmt_share(buf, len, v);
	else
		report_fmt_ns(buf, len, v);
}

/* A threshold (or a band's end) as the test's value prints. */
static void fmt_threshold(const struct claim_test *t, double v, char *buf, size_t len)
{
	if (t->den.family)
		evb_sb_fmt(buf, len, "%.2fx", v);
	else
		fmt_figure(buf, len, t->figure, v);
}

static void fmt_test(const struct claim_test *t, char *buf, size_t len)
{
	static const char *const rel[] = { [CLAIM_AT_LEAST] = ">=", [CLAIM_AT_MOST] = "<=" };
	char thr[32], lo[32], hi[32];

	if (t->side == CLAIM_NO_THRESHOLD) {
		snprintf(buf, len, "%s (no threshold: context)", t->what);
		return;
	}
	fmt_threshold(t, t->threshold, thr, sizeof(thr));
	if (t->side == CLAIM_WITHIN) {
		fmt_threshold(t, t->threshold / t->factor, lo, sizeof(lo));
		fmt_threshold(t, t->threshold * t->factor, hi, sizeof(hi));
		snprintf(buf, len, "%s; holds within %gx of %s (%s to %s)", t->what, t->factor,
			 thr, lo, hi);
		return;
	}
	snprintf(buf, len, "%s; holds at %s %s%s", t->what, rel[t->side], thr,
		 t->every_run ? " (every run counted, ok or not)" : "");
}

/* "1.18x": the measured value over the threshold, "-" without one. */
static void fmt_margin(const struct claim_outcome *o, char *buf, size_t len)
{
	if (isfinite(o->margin))
		snprintf(buf, len, "%.3gx", o->margin);
	else
		snprintf(buf, len, "-");
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
		evb_sb_fmt(buf, len, "%.2fx [%.2f, %.2f] (>= %.1f%% order statistics)", o->value,
			   o->lo, o->hi, 100.0 * o->level);
		return;
	}
	fmt_figure(a, sizeof(a), t->figure, o->lo);
	fmt_figure(b, sizeof(b), t->figure, o->hi);
	evb_sb_fmt(buf, len, "[%s, %s] (%.2f%% order statistics)", a, b, 100.0 * o->level);
}

#define MARGIN_HEAD "margin (measured / threshold)"

/* A claim put to its tests: each test's outcome and the claim's verdict. */
struct claim_result {
	const struct claim *claim;
	struct claim_outcome out[CLAIM_MAX_TESTS];
	size_t n;
	char overall[200];
	char bound[200];     /* " A false \"does not hold\": at most 12.3%." or "" */
};

static void claim_result(const struct evb_table *results, const struct claim *c,
			 struct claim_result *res)
{
	memset(res, 0, sizeof(*res));
	res->claim = c;
	res->n = c->ntests < CLAIM_MAX_TESTS ? c->ntests : CLAIM_MAX_TESTS;
	for (size_t i = 0; i < res->n; i++)
		claim_evaluate(results, &c->tests[i], &res->out[i]);
	if (c->verdict)
		c->verdict(res->out, res->overall, sizeof(res->overall));
	else
		snprintf(res->overall, sizeof(res->overall), "%s",
			 claim_verdict_names[claim_combine(res->out, res->n)]);

	double false_fail = claim_false_fail(res->out, res->n, c->group);

	if (isfinite(false_fail))
		evb_sb_fmt(res->bound, sizeof(res->bound), " A false \"does not hold\": at most "
			   "%.1f%%%s.", 100.0 * false_fail, c->group ? " per verdict" : "");
}

/* The test's columns: what, measured medians, ratio or level, margin, reps. */
static void test_cells(const struct claim_test *t, const struct claim_outcome *o,
		       char test[700], char measured[96], char value[160], char margin[32],
		       char reps[64])
{
	char a[32], b[32];

	fmt_test(t, test, 700);
	fmt_margin(o, margin, 32);
	fmt_figure(a, sizeof(a), t->figure, o->num_median);
	fmt_figure(b, sizeof(b), t->figure, o->den_median);
	if (t->den.family)
		snprintf(measured, 96, "%s / %s", a, b);
	else
		snprintf(measured, 96, "%s", a);
	fmt_interval(t, o, value, 160);
	if (t->den.family)
		snprintf(reps, 64, "%zu / %zu", o->num_reps, o->den_reps);
	else
		snprintf(reps, 64, "%zu", o->num_reps);
	if (o->not_ok) {
		struct evb_sb sb;

		evb_sb_resume(&sb, reps, 64);
		evb_sb_printf(&sb, " (%zu not ok)", o->not_ok);
	}
}

/* Every test of a claim as rows of the 8-column details table, or (first
 * 0) of the 6-column table under the claim's row. */
static void test_rows(struct doc *d, const struct claim_result *res, int with_claim)
{
	const struct claim *c = res->claim;
	char claim[1400];

	snprintf(claim, sizeof(claim), "%s (Test: %s)%s", c->text, c->test, res->bound);
	for (size_t i = 0; i < res->n; i++) {
		const struct claim_outcome *o = &res->out[i];
		char test[700], measured[96], value[160], margin[32], reps[64];
		const char *verdict = o->why[0] ? o->why : claim_verdict_names[o->verdict];

		test_cells(&c->tests[i], o, test, measured, value, margin, reps);

		const char *full[] = { i ? "" : claim, i ? "" : res->overall, test, measured, value,
				       margin, reps, verdict };
		const char *brief[] = { test, measured, value, margin, reps, verdict };

		doc_row(d, with_claim ? full : brief);
	}
}

/*
 * The test a claim's one line shows: the first judged test that has a
 * value and the claim's combined verdict (the one that decided it), else
 * the first test with a value; -1 when none has one.
 */
static long shown_test(const struct claim_result *res)
{
	enum claim_verdict v = claim_combine(res->out, res->n);

	for (size_t i = 0; i < res->n; i++)
		if (res->out[i].judged && res->out[i].verdict == v && isfinite(res->out[i].value))
			return (long)i;
	for (size_t i = 0; i < res->n; i++)
		if (isfinite(res->out[i].value))
			return (long)i;
	return -1;
}

static void compact_row(struct doc *d, const struct claim_result *res)
{
	static const char *const heads[] = { "test", "measured (median)",
					     "ratio or level [interval]", MARGIN_HEAD, "reps",
					     "test verdict" };
	const struct claim *c = res->claim;
	long k = shown_test(res);
	char measured[200] = "-";

	if (k >= 0) {
		struct evb_sb sb;

		fmt_interval(&c->tests[k], &res->out[k], measured, sizeof(measured));
		evb_sb_resume(&sb, measured, sizeof(measured));
		if (res->n > 1)
			evb_sb_printf(&sb, ", test %ld of %zu", k + 1, res->n);
	}

	const char *row[] = { c->text, res->overall, measured };

	doc_drow(d, row);
	size_t len = strlen(c->test);

	doc_p(d, "Test: %s%s%s", c->test, len && c->test[len - 1] == '.' ? "" : ".", res->bound);
	doc_table(d, 6, heads);
	test_rows(d, res, 0);
	doc_table_end(d);
	doc_drow_end(d);
}

static void detail_rows(struct doc *d, const struct claim_result *res)
{
	test_rows(d, res, 1);
}

/* Put every family's claims to their tests, in order, and write each. */
static void each_claim(const struct report_ctx *ctx,
		       void (*write)(struct doc *d, const struct claim_result *res))
{
	struct claim_result res;

	for (size_t f = 0; f < harness_nfamilies; f++) {
		const struct claim *const *claims = harness_families[f]->claims;

		for (size_t i = 0; claims && claims[i]; i++) {
			claim_result(ctx->results, claims[i], &res);
			write(ctx->doc, &res);
		}
	}
}

void report_claims(const struct report_ctx *ctx)
{
	const char *const heads[] = { "claim", "verdict", "measured ratio or level [interval]" };
	struct doc *d = ctx->doc;

	doc_h(d, 2, "Claims put to the test");
	doc_select(d, DOC_HTML);
	doc_p(d, "Each published claim, its verdict here, and the ratio (or level) of the test "
	      "that decided it with its interval. Click a claim for its tests; how they are "
	      "judged: \"Claim details\".");
	doc_select(d, DOC_MD);
	doc_p(d, "Each published claim, its verdict here, and the ratio (or level) of the test "
	      "that decided it with its interval. Every test of every claim, and how they are "
	      "judged: \"Claim details\", below.");
	doc_select(d, DOC_BOTH);
	doc_dtable(d, 3, heads);
	each_claim(ctx, compact_row);
	doc_dtable_end(d);
}

void report_claim_details(const struct report_ctx *ctx)
{
	const char *const heads[] = { "claim", "verdict", "test", "measured (median)",
				      "ratio or level [interval]", MARGIN_HEAD, "reps",
				      "test verdict" };
	struct doc *d = ctx->doc;

	doc_h(d, 2, "Claim details");
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
	      "counted and the shortfall could have made the verdict). A published number is "
	      "judged on both sides: its test holds when the whole interval lies within a "
	      "stated factor of it, and does not hold when the whole interval lies outside "
	      "that band.", CLAIM_MIN_REPS);
	doc_p(d, "How the tests combine: a claim holds when every test with a threshold holds, "
	      "does not hold when any does not, and is otherwise not measured or inconclusive "
	      "(a claim judged per variant does this within each variant's tests). An interval "
	      "lies wholly on one side of the true value with a chance of at most its tail: "
	      "(100%% - coverage) / 2 for a level, 1 - (1 - t1)(1 - t2) for a ratio whose sides "
	      "have tails t1, t2. So a claim that is true is called \"does not hold\" with a "
	      "chance of at most the sum of its tests' tails, which grows with each test added "
	      "(given beside each claim); a claim that is false is called \"holds\" with at "
	      "most the tail of the test it fails (a test within a band can miss it on "
	      "either side: twice the tail). The thresholds are stated so you can disagree "
	      "with them, and the margin shows how far each measured value lies from its own: "
	      "the ratio or level over the threshold (over the published number, for a band). "
	      "Near 1x the threshold decided the verdict; far from it, either way, the test "
	      "says what side the value is on, not that the threshold was the right one.");
	doc_select(d, DOC_HTML);
	doc_p(d, "Each claim's tests, with their wording and every test's figures, open under "
	      "its row of the claims table above.");
	doc_select(d, DOC_MD);
	doc_table(d, 8, heads);
	each_claim(ctx, detail_rows);
	doc_table_end(d);
	doc_select(d, DOC_BOTH);
}
