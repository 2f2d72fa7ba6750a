/*
 * test_compare_boots.c - the level of compare's test within interleaved
 * rounds (harness/compare_blocked.c, linked in) when every boot of a kernel
 * has an effect of its own, as large as the spread of the repetitions
 * within a boot: an A/A comparison (no real change) with R = 2 and R = 3
 * boots a side and 6 repetitions a side in all must call at most 5% of
 * comparisons (p < CMP_ALPHA, before any correction over cells).
 *
 * Simulated: per comparison and side, each boot's values are
 * exp(boot + e), boot ~ N(0, s) drawn once per boot, e ~ N(0, s) per
 * repetition.  20,000 comparisons per R, seed fixed: a false-call rate of
 * exactly 5% gives 1,000 on average with a standard deviation of 31, so the
 * count tells 5% from 6%, and from the 16.8% (R = 2) and 11.4% (R = 3) of
 * the test that pooled the repetitions whenever an interaction pretest did
 * not reject.  The count allowed is the binomial bound
 * tu_binom_most(20,000, 5%, 1e-3) = 1,097 (5.5%): a test whose rate is at
 * most 5% exceeds it in fewer than one seed in 1,000.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "compare.h"
#include "evb_stats.h"
#include "fixture.h"
#include "testutil.h"

#define BOOTS_TRIALS 20000
#define BOOTS_REPS 6            /* a side, over every boot */
#define BOOTS_SPREAD 0.05       /* within a boot, and between boots (log sd) */
#define BOOTS_TAIL 1e-3

/* One side: BOOTS_REPS values over boots rounds (repetition i in round
 * (i - 1) % boots + 1, as evbench vm --rounds deals them), each boot with
 * an effect of its own. */
static void draw_side(struct evb_rng *rng, int boots, double *v, int *round)
{
	double effect[3];

	for (int r = 0; r < boots; r++)
		effect[r] = BOOTS_SPREAD * fx_normal(rng);
	for (int i = 0; i < BOOTS_REPS; i++) {
		round[i] = i % boots + 1;
		v[i] = 1000.0 * exp(effect[i % boots] + BOOTS_SPREAD * fx_normal(rng));
	}
}

/* How many of BOOTS_TRIALS A/A comparisons over boots rounds are called. */
static size_t false_calls(int boots, uint64_t seed)
{
	double va[BOOTS_REPS], vb[BOOTS_REPS];
	int ra[BOOTS_REPS], rb[BOOTS_REPS];
	struct cmp_side a = { .values = va, .rounds = ra, .n = BOOTS_REPS };
	struct cmp_side b = { .values = vb, .rounds = rb, .n = BOOTS_REPS };
	struct evb_rng rng;
	size_t called = 0;

	evb_rng_seed(&rng, seed);
	for (int t = 0; t < BOOTS_TRIALS; t++) {
		double p;

		draw_side(&rng, boots, va, ra);
		draw_side(&rng, boots, vb, rb);
		ck_assert_msg(cmp_blocked_p(&a, va, &b, vb, &p, NULL), "R = %d: the test did not apply",
			      boots);
		called += p < CMP_ALPHA;
	}
	return called;
}

START_TEST(boot_effects_call_at_most_five_percent)
{
	size_t most = tu_binom_most(BOOTS_TRIALS, CMP_ALPHA, BOOTS_TAIL);

	for (int boots = 2; boots <= 3; boots++) {
		size_t called = false_calls(boots, 0xb007 + (uint64_t)boots);

		printf("R = %d boots, %d repetitions a side, boot effect = within spread: "
		       "%zu of %d A/A comparisons called (%.2f%%; at most %zu allowed)\n", boots,
		       BOOTS_REPS, called, BOOTS_TRIALS, 100.0 * (double)called / BOOTS_TRIALS,
		       most);
		ck_assert_msg(called <= most, "R = %d: %zu of %d called, more than %zu", boots,
			      called, BOOTS_TRIALS, most);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("compare_boots");
	TCase *tc = tcase_create("compare_boots");

	tcase_set_timeout(tc, 100);
	tcase_add_test(tc, boot_effects_call_at_most_five_percent);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
