/*
 * test_compare_rounds.c - compare on runs that came in interleaved rounds
 * (results.csv round, evbench vm --rounds): a host drift between rounds
 * that hides a 10% change from Welch's t is cancelled by the test blocked
 * by round (which calls it in most cells: in about a tenth the rounds'
 * disagreement passes its interaction test by chance, and one degree of
 * freedom cannot call it); the same drift on an A/A comparison flags no cell; a boot
 * whose difference is unlike the other round's (a kernel x round effect)
 * is not taken for a change.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "testutil.h"

#define NCELLS 100

static size_t slower_of(const struct fx_run *a, const struct fx_run *b, char **out)
{
	struct fx_pair p;
	size_t n;

	fx_make_pair(&p, a, b);
	ck_assert_int_eq(fx_compare(&p, NULL, out), 0);
	n = fx_count(p.csv, "verdict", "slower", true);
	tu_rmtree(p.tmp);
	return n;
}

/* 6 reps in 2 rounds, the second round 25% slower on both sides. */
static struct fx_run drifting(bool record, uint64_t seed, double scale)
{
	return (struct fx_run){ .ncells = NCELLS, .reps = 6, .scale = scale, .cv = 0.02,
				.seed = seed, .rounds = 2, .record_rounds = record,
				.round_drift = 0.25 };
}

START_TEST(blocking_cancels_drift)
{
	struct fx_run a = drifting(true, 11, 1.0), b = drifting(true, 12, 1.10);
	struct fx_run a0 = drifting(false, 11, 1.0), b0 = drifting(false, 12, 1.10);
	char *out = NULL;
	size_t blocked = slower_of(&a, &b, &out), welch = slower_of(&a0, &b0, NULL);

	ck_assert_msg(tu_contains(out, "cells came in interleaved rounds on both sides"),
		      "%.2000s", out);
	ck_assert_msg(blocked >= NCELLS * 8 / 10, "blocked by round: %zu of %d slower", blocked,
		      NCELLS);
	ck_assert_msg(welch <= NCELLS / 10, "Welch across rounds: %zu of %d slower", welch,
		      NCELLS);
	free(out);
}
END_TEST

START_TEST(aa_with_drift_flags_nothing)
{
	struct fx_run a = drifting(true, 21, 1.0), b = drifting(true, 22, 1.0);
	char *out = NULL;
	struct fx_pair p;

	fx_make_pair(&p, &a, &b);
	ck_assert_int_eq(fx_compare(&p, NULL, &out), 0);
	ck_assert_uint_eq(fx_count(p.csv, "verdict", "slower", true) +
				  fx_count(p.csv, "verdict", "faster", true),
			  0);
	free(out);
	tu_rmtree(p.tmp);
}
END_TEST

/* B's second round alone 20% slower: its rounds disagree, and the test
 * takes the rounds' own spread (1 df) rather than the repetitions'. */
START_TEST(round_effect_is_not_a_change)
{
	struct fx_run a = drifting(true, 31, 1.0), b = drifting(true, 32, 1.0);

	b.round_drift = 0.5;    /* 1.25 x 1.2 = 1.5 */
	ck_assert_uint_le(slower_of(&a, &b, NULL), NCELLS / 10);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("compare_rounds");
	TCase *tc = tcase_create("compare_rounds");

	tcase_set_timeout(tc, 100);
	tcase_add_test(tc, blocking_cancels_drift);
	tcase_add_test(tc, aa_with_drift_flags_nothing);
	tcase_add_test(tc, round_effect_is_not_a_change);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
