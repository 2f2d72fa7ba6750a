/*
 * test_precision.c - harness/precision.c: the judgement of a cell's
 * precision, and the repetition counts at which its interval can narrow.
 */
#include <check.h>
#include <math.h>

#include "precision.h"
#include "testutil.h"

START_TEST(next_useful_reps)
{
	/* [min, max] up to 8 values; one dropped from each end from 9 on, two
	 * from 12, three from 15, four from 17 (order statistics of Bin(n, 1/2) at
	 * 95%). */
	ck_assert_uint_eq(harness_next_useful_reps(5, 15), 9);
	ck_assert_uint_eq(harness_next_useful_reps(6, 15), 9);
	ck_assert_uint_eq(harness_next_useful_reps(9, 15), 12);
	ck_assert_uint_eq(harness_next_useful_reps(12, 15), 15);
	ck_assert_uint_eq(harness_next_useful_reps(15, 30), 17);
	/* capped at the run's maximum, never below n */
	ck_assert_uint_eq(harness_next_useful_reps(5, 7), 7);
	ck_assert_uint_eq(harness_next_useful_reps(15, 15), 15);
	ck_assert_uint_eq(harness_next_useful_reps(3, 15), 9);
	/* past 63 repetitions too: one step at a time, never a jump to the cap */
	ck_assert_uint_lt(harness_next_useful_reps(70, 1000), 80);
}
END_TEST

START_TEST(judge_states)
{
	const double steady[] = { 99, 100, 100, 100, 101 };
	const double noisy[] = { 80, 90, 100, 110, 120 };
	const double two[] = { 10, 10.1, 10.2, 20, 20.1, 20.2 };
	struct harness_precision p;

	harness_precision_judge(steady, 5, 3, 15, false, &p);
	ck_assert_int_eq(p.state, HARNESS_PREC_MET);
	ck_assert_double_eq_tol(p.ci.halfwidth_pct, 1.0, 1e-9);
	harness_precision_judge(noisy, 5, 3, 15, false, &p);
	ck_assert_int_eq(p.state, HARNESS_PREC_MORE);
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
	tcase_add_test(tc, judge_states);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
