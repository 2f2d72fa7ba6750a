/*
 * test_ratio_ci.c - the claims' interval of a ratio of medians
 * (evb_ratio_median_ci): its order statistics and labels at 5 and 7 per
 * side, its refusals, and by simulation that it covers the true ratio at
 * least as often as its label says, and misses on each side at most as
 * often as its tail says, for sides of different shapes (a lognormal, an
 * 80/20 two-mode mixture, an exponential).  The percentile bootstrap the
 * claims used before is measured beside it and printed.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>

#include "evb_stats.h"
#include "testutil.h"

START_TEST(order_statistics_at_five_and_seven)
{
	double a[] = { 10, 11, 12, 13, 14, 15, 16 }, b[] = { 20, 22, 24, 26, 28, 30, 32 };
	struct evb_ratio_ci ci;

	/* 5 per side: [min, max] each, 93.75% each */
	ck_assert_int_eq(evb_ratio_median_ci(a, 5, b, 5, 0.95, &ci), 0);
	ck_assert(fabs(ci.lo - 20.0 / 14.0) < 1e-12 && fabs(ci.hi - 28.0 / 10.0) < 1e-12);
	ck_assert(fabs(ci.level - 0.9375 * 0.9375) < 1e-12);
	ck_assert(fabs(ci.tail - (1.0 - (31.0 / 32.0) * (31.0 / 32.0))) < 1e-12);
	/* 7 per side: still [min, max] (x(2) .. x(6) covers 87.5% < sqrt(95%)) */
	ck_assert_int_eq(evb_ratio_median_ci(a, 7, b, 7, 0.95, &ci), 0);
	ck_assert(fabs(ci.lo - 20.0 / 16.0) < 1e-12 && fabs(ci.hi - 32.0 / 10.0) < 1e-12);
	ck_assert(fabs(ci.level - (1.0 - 2.0 / 128) * (1.0 - 2.0 / 128)) < 1e-12);
	ck_assert(ci.level >= 0.95);
}
END_TEST

START_TEST(refusals)
{
	double zero[] = { 0, 1, 2, 3, 4 }, b[] = { 1, 2, 3, 4, 5 }, neg[] = { -2, -1, 0, 1, 2 };
	struct evb_ratio_ci ci;

	ck_assert_int_eq(evb_ratio_median_ci(zero, 5, b, 5, 0.95, &ci), -EDOM);
	ck_assert_int_eq(evb_ratio_median_ci(b, 0, b, 5, 0.95, &ci), -EINVAL);
	/* a numerator reaching below 0 still gives an interval */
	ck_assert_int_eq(evb_ratio_median_ci(b, 5, neg, 5, 0.95, &ci), 0);
	ck_assert(ci.lo == -2.0 && ci.hi == 2.0);
}
END_TEST

static double uniform(struct evb_rng *r)
{
	return (double)(evb_rng_next(r) >> 11) * 0x1.0p-53;
}

enum shape { LOGNORMAL, MIXTURE, EXPONENTIAL };

/* One draw of a shape with median 1 (times scale). */
static double draw(struct evb_rng *r, enum shape s, double scale)
{
	double u = uniform(r);

	if (s == LOGNORMAL) {   /* sigma 0.5, Box-Muller */
		double z = sqrt(-2.0 * log(1.0 - u)) * cos(2.0 * M_PI * uniform(r));

		return scale * exp(0.5 * z);
	}
	if (s == MIXTURE) {     /* 80% U(100, 110), 20% U(150, 160): median 106.25 */
		double x = u < 0.8 ? 100.0 + 10.0 * uniform(r) : 150.0 + 10.0 * uniform(r);

		return scale * x / 106.25;
	}
	return scale * -log(1.0 - u) / log(2.0);
}

struct coverage {
	double covered, above, below, level, tail, boot;
};

/* trials intervals of med(b) / med(a) = 2, a of shape sa, b of shape sb. */
static struct coverage simulate(enum shape sa, enum shape sb, size_t n, int trials)
{
	struct coverage c = { 0 };
	struct evb_rng rng;
	double a[16], b[16];

	evb_rng_seed(&rng, 42 + n);
	for (int t = 0; t < trials; t++) {
		struct evb_ratio_ci ci;
		double lo, hi;

		for (size_t i = 0; i < n; i++) {
			a[i] = draw(&rng, sa, 1.0);
			b[i] = draw(&rng, sb, 2.0);
		}
		evb_sort_doubles(a, n);
		evb_sort_doubles(b, n);
		ck_assert_int_eq(evb_ratio_median_ci(a, n, b, n, 0.95, &ci), 0);
		c.covered += ci.lo <= 2.0 && 2.0 <= ci.hi;
		c.above += ci.lo > 2.0;
		c.below += ci.hi < 2.0;
		c.level = ci.level;
		c.tail = ci.tail;
		if (t < trials / 20 &&
		    !evb_bootstrap_ratio_ci(a, n, b, n, 400, 0.95, (uint64_t)t + 1, &lo, &hi))
			c.boot += lo <= 2.0 && 2.0 <= hi;
	}
	c.covered /= trials;
	c.above /= trials;
	c.below /= trials;
	c.boot /= trials / 20;
	return c;
}

START_TEST(coverage_at_least_its_label)
{
	static const char *const names[] = { "lognormal", "80/20 mixture", "exponential" };
	const enum shape pairs[][2] = {
		{ LOGNORMAL, LOGNORMAL }, { MIXTURE, LOGNORMAL }, { EXPONENTIAL, MIXTURE },
	};
	const size_t ns[] = { 3, 5, 7 };

	for (size_t p = 0; p < 3; p++)
		for (size_t k = 0; k < 3; k++) {
			struct coverage c = simulate(pairs[p][0], pairs[p][1], ns[k], 20000);

			printf("n=%zu %s / %s: order statistics cover %.1f%% (label %.1f%%; "
			       "above %.2f%%, below %.2f%%, tail %.2f%%); 95%% bootstrap covers "
			       "%.1f%%\n", ns[k], names[pairs[p][1]], names[pairs[p][0]],
			       100 * c.covered, 100 * c.level, 100 * c.above, 100 * c.below,
			       100 * c.tail, 100 * c.boot);
			/* 20,000 trials: a standard error of 0.25% at most */
			ck_assert(c.covered >= c.level - 0.01);
			ck_assert(c.above <= c.tail + 0.005 && c.below <= c.tail + 0.005);
		}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ratio_ci");
	TCase *tc = tcase_create("ratio_ci");

	tcase_add_test(tc, order_statistics_at_five_and_seven);
	tcase_add_test(tc, refusals);
	tcase_add_test(tc, coverage_at_least_its_label);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
