/*
 * test_compare.c - `evbench compare` on synthetic runs: an A/A comparison
 * calls (almost) nothing, a x1.5 copy is called slower, Benjamini-Hochberg
 * on a textbook example, --fail-on-slower exit codes, --json, precision
 * marks in the verdict, the sentinel and plan lines of the header, and no
 * faster/slower between an emulated (vm_accel=tcg) run and one that is not.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "evb_csv.h"
#include "evb_stats.h"
#include "fixture.h"
#include "testutil.h"

#define NCELLS 300

static size_t verdicts(const struct fx_pair *p, const char *verdict)
{
	return fx_count(p->csv, "verdict", verdict, true);
}

START_TEST(aa_gives_no_verdicts)
{
	struct fx_run a = { .ncells = NCELLS, .reps = 5, .scale = 1.0, .cv = 0.05, .seed = 1 };
	struct fx_run b = a;
	struct fx_pair p;

	b.seed = 2;
	fx_make_pair(&p, &a, &b);
	ck_assert_int_eq(fx_compare(&p, NULL, NULL), 0);
	size_t called = verdicts(&p, "faster") + verdicts(&p, "slower");

	ck_assert_msg(called * 100 <= NCELLS, "A/A: %zu of %d cells called", called, NCELLS);
	ck_assert_uint_eq(verdicts(&p, "~"), NCELLS - called);
	tu_rmtree(p.tmp);
}
END_TEST

START_TEST(slower_copy_is_called_slower)
{
	struct fx_run a = { .ncells = NCELLS, .reps = 5, .scale = 1.0, .cv = 0.05, .seed = 3 };
	struct fx_run b = a;
	struct fx_pair p;

	b.seed = 4;
	b.scale = 1.5;
	fx_make_pair(&p, &a, &b);
	ck_assert_int_eq(fx_compare(&p, NULL, NULL), 0);
	size_t slower = verdicts(&p, "slower");

	ck_assert_msg(slower * 100 >= 80 * NCELLS, "x1.5: only %zu of %d slower", slower, NCELLS);
	ck_assert_uint_eq(verdicts(&p, "faster"), 0);
	tu_rmtree(p.tmp);
}
END_TEST

/* A x1.5 copy run under qemu tcg: no cell is called, and the header says why. */
START_TEST(emulated_against_hardware_is_not_judged)
{
	struct fx_run a = { .ncells = 40, .reps = 5, .scale = 1.0, .cv = 0.02, .seed = 7 };
	struct fx_run b = a;
	struct fx_pair p;
	char *out = NULL;

	b.seed = 8;
	b.scale = 1.5;
	b.env_extra = "vm_accel,tcg\n";
	fx_make_pair(&p, &a, &b);
	ck_assert_int_eq(fx_compare(&p, (const char *const[]){ "--fail-on-slower", "20", NULL },
				 &out), 0);
	ck_assert_msg(tu_contains(out, "no faster/slower: B ran emulated (vm_accel=tcg)"),
		      "header without the emulation note");
	ck_assert_uint_eq(verdicts(&p, "slower") + verdicts(&p, "faster"), 0);
	ck_assert_uint_eq(verdicts(&p, "no verdict: emulated vs hardware"), 40);
	free(out);
	tu_rmtree(p.out);
	/* Both emulated: judged as usual. */
	a.env_extra = "vm_accel,tcg\n";
	fx_write_run(p.a, &a);
	ck_assert_int_eq(fx_compare(&p, NULL, NULL), 0);
	ck_assert_uint_ge(verdicts(&p, "slower"), 32);
	tu_rmtree(p.tmp);
}
END_TEST

/*
 * Benjamini & Hochberg (1995), section 4: the 15 p-values of a trial; at
 * FDR 0.05 the first four are rejected.  Adjusted values by hand:
 * q(k) = min over j >= k of p(j) m / j.
 */
START_TEST(bh_textbook_example)
{
	const double p[15] = { 0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344,
			       0.0459, 0.3240, 0.4262, 0.5719, 0.6528, 0.7590, 1.0000 };
	double q[15], shuffled[15], qs[15];
	size_t rejected = 0;

	ck_assert_int_eq(evb_bh_adjust(p, 15, q), 0);
	for (int i = 0; i < 15; i++)
		rejected += q[i] < 0.05;
	ck_assert_uint_eq(rejected, 4);
	ck_assert_double_eq_tol(q[0], 0.0015, 1e-9);
	ck_assert_double_eq_tol(q[3], 0.0095 * 15 / 4, 1e-9);
	ck_assert_double_eq_tol(q[4], 0.0201 * 15 / 5, 1e-9);
	ck_assert_double_eq_tol(q[5], 0.0298 * 15 / 7, 1e-9);   /* step-up: min over j >= k */
	ck_assert_double_eq_tol(q[14], 1.0, 1e-12);
	/* Order does not matter; NAN stays NAN and does not count. */
	for (int i = 0; i < 15; i++)
		shuffled[i] = p[(i * 7) % 15];
	ck_assert_int_eq(evb_bh_adjust(shuffled, 15, qs), 0);
	for (int i = 0; i < 15; i++)
		ck_assert_double_eq_tol(qs[i], q[(i * 7) % 15], 1e-12);
	double with_nan[3] = { 0.01, NAN, 0.04 }, q3[3];

	ck_assert_int_eq(evb_bh_adjust(with_nan, 3, q3), 0);
	ck_assert(isnan(q3[1]));
	ck_assert_double_eq_tol(q3[0], 0.02, 1e-12);
	ck_assert_double_eq_tol(q3[2], 0.04, 1e-12);
	ck_assert_int_eq(evb_bh_adjust(NULL, 0, NULL), 0);
}
END_TEST

START_TEST(fail_on_slower_exit_codes)
{
	struct fx_run a = { .ncells = 40, .reps = 5, .scale = 1.0, .cv = 0.02, .seed = 5 };
	struct fx_run b = a;
	struct fx_pair p;

	b.seed = 6;
	b.scale = 1.5;
	fx_make_pair(&p, &a, &b);
	ck_assert_int_eq(fx_compare(&p, (const char *const[]){ "--fail-on-slower", "20", NULL },
				 NULL), 1);
	ck_assert_msg(tu_contains(tu_stderr(), "slower by"), "%s", tu_stderr());
	tu_rmtree(p.out);
	ck_assert_int_eq(fx_compare(&p, (const char *const[]){ "--fail-on-slower", "80", NULL },
				 NULL), 0);
	tu_rmtree(p.out);
	/* A against itself: nothing slower, exit 0 even at 0%. */
	snprintf(p.b, sizeof(p.b), "%s", p.a);
	ck_assert_int_eq(fx_compare(&p, (const char *const[]){ "--fail-on-slower", "0", NULL },
				 NULL), 0);
	tu_rmtree(p.out);
	ck_assert_int_eq(fx_compare(&p, (const char *const[]){ "--fail-on-slower", "x", NULL },
				 NULL), 2);
	ck_assert_msg(tu_contains(tu_stderr(), "'x'"), "%s", tu_stderr());
	ck_assert_int_eq(fx_compare(&p, (const char *const[]){ "--min-change", "-1", NULL },
				 NULL), 2);
	tu_rmtree(p.tmp);
}
END_TEST

START_TEST(json_parses)
{
	struct fx_run a = { .ncells = 30, .reps = 5, .scale = 1.0, .cv = 0.05, .seed = 7,
			    .sentinel = true };
	struct fx_run b = a;
	struct fx_pair p;
	char json[700];

	b.seed = 8;
	b.scale = 1.5;
	fx_make_pair(&p, &a, &b);
	snprintf(json, sizeof(json), "%s/out.json", p.tmp);
	ck_assert_int_eq(fx_compare(&p, (const char *const[]){ "--json", json, NULL }, NULL), 0);
	char *text = fx_read_file(json, NULL);

	ck_assert_msg(fx_json_valid(text), "not JSON: %.400s", text);
	ck_assert(tu_contains(text, "\"q_value\":"));
	ck_assert(tu_contains(text, "\"precision_a\":\"no target\""));
	ck_assert(tu_contains(text, "\"sentinel\":{\"in_a\":true"));
	/* B's sentinels moved as much as its cells: "slower (machine moved)" */
	ck_assert(tu_contains(text, "\"verdict\":\"slower"));
	/* 5 repetitions a side: [min, max] of each, 93.75% squared */
	ck_assert(tu_contains(text, "\"ratio_ci_hi\":"));
	ck_assert(tu_contains(text, "\"ci_coverage\":0.87890625,"));
	/* the sentinel's 20 a side: [x(5), x(16)] of each, 97.65% in all */
	ck_assert(tu_contains(text, "\"ci_coverage\":0.97650"));
	/* 30 cells, one object each. */
	size_t cells = 0;

	for (const char *s = text; (s = strstr(s, "\"figure\":")); s++)
		cells++;
	ck_assert_uint_eq(cells, 30);
	free(text);
	tu_rmtree(p.tmp);
}
END_TEST

START_TEST(imprecise_side_is_named)
{
	struct fx_run a = { .ncells = 60, .reps = 5, .scale = 1.0, .cv = 0.10, .seed = 9,
			    .env_extra = "run_precision_pct,0.5\nrun_max_reps,5\n"
					 "run_adaptive_stop,max reps\n" };
	struct fx_run b = a;
	struct fx_pair p;

	b.seed = 10;
	b.scale = 2.0;
	b.env_extra = NULL;
	fx_make_pair(&p, &a, &b);
	ck_assert_int_eq(fx_compare(&p, NULL, NULL), 0);
	ck_assert_uint_gt(verdicts(&p, "slower (A imprecise)"), 0);
	ck_assert_uint_eq(fx_count(p.csv, "precision_a", "max reps", false) +
			  fx_count(p.csv, "precision_a", "bimodal", false), 60);
	ck_assert_uint_eq(fx_count(p.csv, "precision_b", "no target", false), 60);
	tu_rmtree(p.tmp);
}
END_TEST

START_TEST(header_sentinel_and_plan)
{
	struct fx_run a = { .ncells = 20, .reps = 5, .scale = 1.0, .cv = 0.02, .seed = 11,
			    .sentinel = true, .plan = true };
	struct fx_run b = a;
	struct fx_pair p;
	char *out = NULL;

	b.seed = 12;
	b.scale = 1.2;
	b.plan_iterations = 5000;
	fx_make_pair(&p, &a, &b);
	ck_assert_int_eq(fx_compare(&p, NULL, &out), 0);
	ck_assert_msg(tu_contains(out, "the machine itself moved by +"), "%s", out);
	ck_assert_msg(tu_contains(out, "plan: A and B measured 10 cells with different"), "%s",
		      out);
	ck_assert_msg(tu_contains(out, "plan iterations 2000 -> 5000"), "%s", out);
	ck_assert_uint_eq(fx_count(p.csv, "warning", "plan iterations 2000 -> 5000", false),
			  10);
	free(out);
	tu_rmtree(p.out);

	/* A plan.csv that names none of the cells: unknown, not "the same". */
	char path[700];

	snprintf(path, sizeof(path), "%s/plan.csv", p.b);
	fx_write_file(path, "family,mechanism,variant,mode,ipc,placement,fd_type,nfds,active,"
			    "period_ns,timers,timer_slack_ns,sched,load,iterations\n");
	ck_assert_int_eq(fx_compare(&p, NULL, &out), 0);
	ck_assert_msg(tu_contains(out, "plan unknown (no compared cell found"), "%s", out);
	free(out);
	tu_rmtree(p.out);

	/* Without plan.csv and sentinel.csv in A: said, not guessed. */

	snprintf(path, sizeof(path), "%s/plan.csv", p.a);
	ck_assert_int_eq(unlink(path), 0);
	snprintf(path, sizeof(path), "%s/sentinel.csv", p.a);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(fx_compare(&p, NULL, &out), 0);
	ck_assert_msg(tu_contains(out, "plan unknown (no plan.csv in A)"), "%s", out);
	ck_assert_msg(tu_contains(out, "sentinel same-cpu: not recorded in A"), "%s", out);
	free(out);
	tu_rmtree(p.tmp);
}
END_TEST

/*
 * The interval's stated coverage is real: lognormal repetitions with a
 * known true ratio B/A = 1.1 (throughput cells 1 / 1.1), 4 and 5 a side,
 * sides of one spread and of very different spreads (the case nearest the
 * bound: one side's interval then decides alone); 1,000 cells each.  The
 * share of intervals that cover the true ratio must reach the stated
 * ci_coverage less a binomial margin (tu_binom_least(1,000, coverage,
 * 1e-3): an interval that covers as often as it states falls below it in
 * fewer than one seed in 1,000).
 */
START_TEST(interval_covers_as_stated)
{
	static const struct {
		int reps_a, reps_b;
		double cv_a, cv_b;
	} cases[] = {
		{ 4, 4, 0.05, 0.05 }, { 5, 5, 0.05, 0.05 }, { 4, 5, 0.05, 0.05 },
		{ 4, 4, 0.005, 0.10 }, { 5, 5, 0.10, 0.005 },
	};
	const size_t ncells = 1000;

	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct fx_run a = { .ncells = ncells, .reps = cases[k].reps_a, .scale = 1.0,
				    .cv = cases[k].cv_a, .seed = 100 + k };
		struct fx_run b = { .ncells = ncells, .reps = cases[k].reps_b, .scale = 1.1,
				    .cv = cases[k].cv_b, .seed = 200 + k };
		struct fx_pair p;
		struct evb_table t;
		size_t covered = 0;
		double level = NAN;

		fx_make_pair(&p, &a, &b);
		ck_assert_int_eq(fx_compare(&p, NULL, NULL), 0);
		ck_assert_int_eq(evb_table_load(&t, p.csv), 0);
		ck_assert_uint_eq(t.nrows, ncells);
		for (size_t r = 0; r < t.nrows; r++) {
			double cell = strtod(evb_table_get(&t, r, evb_table_col(&t, "nfds")), NULL);
			double lo = strtod(evb_table_get(&t, r, evb_table_col(&t, "ratio_ci_lo")),
					   NULL);
			double hi = strtod(evb_table_get(&t, r, evb_table_col(&t, "ratio_ci_hi")),
					   NULL);
			double base = 10000.0 + 250.0 * cell;   /* fixture_results.c's */
			bool ops = !strcmp(evb_table_get(&t, r, evb_table_col(&t, "figure")),
					   "ops_per_s");
			/* p50 is written in whole ns: its median is llround(base x 1.1) */
			double truth = ops ? 1.0 / 1.1 : (double)llround(base * 1.1) / base;

			level = strtod(evb_table_get(&t, r, evb_table_col(&t, "ci_coverage")),
				       NULL);
			covered += lo <= truth && truth <= hi;
		}
		evb_table_free(&t);
		tu_rmtree(p.tmp);

		size_t least = tu_binom_least(ncells, level, 1e-3);

		printf("%d / %d repetitions, spread %.3f / %.3f: %zu of %zu intervals cover "
		       "(%.1f%%; stated >= %.1f%%, at least %zu needed)\n", cases[k].reps_a,
		       cases[k].reps_b, cases[k].cv_a, cases[k].cv_b, covered, ncells,
		       100.0 * (double)covered / (double)ncells, 100.0 * level, least);
		ck_assert_msg(covered >= least, "%zu of %zu cover, stated %.4f", covered, ncells,
			      level);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("compare");
	TCase *tc = tcase_create("compare");

	tcase_set_timeout(tc, 100);
	tcase_add_test(tc, aa_gives_no_verdicts);
	tcase_add_test(tc, slower_copy_is_called_slower);
	tcase_add_test(tc, bh_textbook_example);
	tcase_add_test(tc, fail_on_slower_exit_codes);
	tcase_add_test(tc, json_parses);
	tcase_add_test(tc, imprecise_side_is_named);
	tcase_add_test(tc, header_sentinel_and_plan);
	tcase_add_test(tc, emulated_against_hardware_is_not_judged);
	tcase_add_test(tc, interval_covers_as_stated);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
