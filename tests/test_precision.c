/*
 * test_precision.c - harness/precision.c: the judgement of a cell's
 * precision, the looks of a run with a target and the interval after them.
 */
#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>

#include "precision.h"
#include "testutil.h"

START_TEST(next_useful_reps)
{
	/* n, max reps -> the next look.  The looks up to 15: [min, max] at 8,
	 * [x(2), x(n-1)] at 11, [x(3), x(n-2)] at 13 and [x(4), x(12)] at 15, the
	 * fixed-n interval of 15; they are planned for the run's maximum (up to
	 * 30: 9, 13, 15, 18, ...); capped at the maximum, never below n. */
	static const size_t next[][3] = {
		{ 5, 15, 8 }, { 6, 15, 8 }, { 8, 15, 11 }, { 10, 15, 11 }, { 11, 15, 13 },
		{ 13, 15, 15 }, { 5, 30, 9 }, { 15, 30, 18 }, { 5, 7, 6 }, { 6, 7, 7 },
		{ 15, 15, 15 }, { 3, 15, 8 },
	};

	for (size_t i = 0; i < sizeof(next) / sizeof(next[0]); i++)
		ck_assert_uint_eq(harness_next_useful_reps(next[i][0], next[i][1]), next[i][2]);
	/* past 63 repetitions too: one step at a time, never a jump to the cap */
	ck_assert_uint_lt(harness_next_useful_reps(70, 1000), 80);
}
END_TEST

static const double ranks[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };

START_TEST(looks_interval)
{
	struct evb_precision ci;
	bool look;

	/* every look of a run up to 15 states the same level: the chance that
	 * all four looks cover, 95.53% */
	for (size_t n = 8; n <= 15; n = harness_next_useful_reps(n, 15) + (n == 15)) {
		ck_assert_int_eq(harness_looks_interval(ranks, n, 15, &ci, &look), 0);
		ck_assert(look);
		ck_assert_double_eq_tol(ci.level, 0.955322, 1e-6);
	}
	ck_assert_double_eq(ci.lo, 4);    /* at 15: [x(4), x(12)] */
	ck_assert_double_eq(ci.hi, 12);
	ck_assert_int_eq(harness_looks_interval(ranks, 11, 15, &ci, &look), 0);
	ck_assert_double_eq(ci.lo, 2);
	ck_assert_double_eq(ci.hi, 10);
	/* 5 is no look: [min, max], and stopping there counts as one more look
	 * (1 - 0.0447 - 2/32) */
	ck_assert_int_eq(harness_looks_interval(ranks, 5, 15, &ci, &look), 0);
	ck_assert(!look);
	ck_assert_double_eq_tol(ci.level, 0.892822, 1e-6);
	/* 12 is no look either: the trim of the look at 11 */
	ck_assert_int_eq(harness_looks_interval(ranks, 12, 15, &ci, &look), 0);
	ck_assert(!look);
	ck_assert_double_eq(ci.lo, 2);
	ck_assert_double_eq(ci.hi, 11);
	/* no run maximum known (env.csv without run_max_reps): n is the last look */
	ck_assert_int_eq(harness_looks_interval(ranks, 15, SIZE_MAX, &ci, &look), 0);
	ck_assert(look);
	ck_assert_double_eq_tol(ci.level, 0.955322, 1e-6);
	/* a run of at most 5 can only look at 5: [min, max] at 93.75% */
	ck_assert_int_eq(harness_looks_interval(ranks, 5, 5, &ci, &look), 0);
	ck_assert(look);
	ck_assert_double_eq_tol(ci.level, 0.9375, 1e-12);
	ck_assert_int_eq(harness_looks_interval(ranks, 0, 15, &ci, &look), -EINVAL);
}
END_TEST

START_TEST(judge_states)
{
	const double steady[] = { 99, 100, 100, 100, 101 };
	const double steady8[] = { 99, 99.5, 100, 100, 100, 100, 100.5, 101 };
	const double noisy[] = { 80, 90, 100, 110, 120 };
	const double two[] = { 10, 10.1, 10.2, 20, 20.1, 20.2 };
	struct harness_precision p;

	/* values, n, target, max reps, stopped -> state, level (NAN: any), goal */
	const struct {
		const double *v;
		size_t n;
		double target;
		size_t max_reps;
		bool stopped;
		enum harness_precision_state state;
		double level;
		size_t goal;
	} cases[] = {
		/* narrow at 5, which is no look: more while the run goes on */
		{ steady, 5, 3, 15, false, HARNESS_PREC_MORE, 0.892822, 8 },
		/* met when the run stopped there, at the level that stop has */
		{ steady, 5, 3, 15, true, HARNESS_PREC_MET, 0.892822, 0 },
		/* met at the look at 8, at the looks' level */
		{ steady8, 8, 3, 15, false, HARNESS_PREC_MET, 0.955322, 0 },
		/* without a target: the fixed-n interval, 93.75% at 5 */
		{ steady, 5, 0, 15, true, HARNESS_PREC_NO_TARGET, 0.9375, 0 },
		{ noisy, 5, 3, 15, false, HARNESS_PREC_MORE, NAN, 8 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		harness_precision_judge(cases[i].v, cases[i].n, cases[i].target, cases[i].max_reps,
					cases[i].stopped, &p);
		ck_assert_int_eq(p.state, cases[i].state);
		if (!isnan(cases[i].level))
			ck_assert_double_eq_tol(p.ci.level, cases[i].level, 1e-6);
		ck_assert_uint_eq(harness_precision_goal(&p, cases[i].n, cases[i].max_reps),
				  cases[i].goal);
	}
	harness_precision_judge(steady, 5, 3, 15, false, &p);
	ck_assert_double_eq_tol(p.ci.halfwidth_pct, 1.0, 1e-9);
	harness_precision_judge(noisy, 5, 3, 5, true, &p);
	ck_assert_int_eq(p.state, HARNESS_PREC_MAX_REPS);
	harness_precision_judge(noisy, 5, 3, 15, true, &p);
	ck_assert_int_eq(p.state, HARNESS_PREC_BUDGET);
	harness_precision_judge(two, 6, 3, 6, true, &p);
	ck_assert_int_eq(p.state, HARNESS_PREC_BIMODAL);
	ck_assert(p.bimodal);
	ck_assert_uint_eq(p.low_reps, 3);
	harness_precision_judge(noisy, 5, 0, 15, false, &p);
	ck_assert_int_eq(p.state, HARNESS_PREC_NO_TARGET);
	harness_precision_judge(NULL, 0, 3, 15, false, &p);
	ck_assert_int_eq(p.state, HARNESS_PREC_NO_DATA);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("precision");
	TCase *tc = tcase_create("precision");

	tcase_add_test(tc, next_useful_reps);
	tcase_add_test(tc, looks_interval);
	tcase_add_test(tc, judge_states);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
