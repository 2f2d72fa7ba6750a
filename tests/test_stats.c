/* test_stats.c - median CI, Mann-Whitney U against textbook values and a
 * brute-force permutation test, bootstrap. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "evb_stats.h"
#include "testutil.h"

START_TEST(median_odd_even)
{
	double odd[] = { 1, 2, 3, 4, 100 }, even[] = { 1, 2, 3, 4 };

	ck_assert(evb_median_sorted(odd, 5) == 3.0);
	ck_assert(evb_median_sorted(even, 4) == 2.5);
}
END_TEST

START_TEST(median_ci_order_statistics)
{
	double v[20];
	double lo, hi, level;

	for (int i = 0; i < 20; i++)
		v[i] = i + 1;
	/* n = 20: the 95% interval is [x(6), x(15)], coverage 0.9586. */
	ck_assert_int_eq(evb_median_ci(v, 20, 0.95, &lo, &hi, &level), 0);
	ck_assert(lo == 6.0 && hi == 15.0);
	ck_assert(fabs(level - 0.958610) < 1e-5);
	/* n = 5 cannot reach 95%: [min, max] with coverage 1 - 2/32. */
	ck_assert_int_eq(evb_median_ci(v, 5, 0.95, &lo, &hi, &level), 0);
	ck_assert(lo == 1.0 && hi == 5.0);
	ck_assert(fabs(level - 0.9375) < 1e-9);
	/* n = 6: [x(1), x(6)] reaches 0.96875. */
	ck_assert_int_eq(evb_median_ci(v, 6, 0.95, &lo, &hi, &level), 0);
	ck_assert(lo == 1.0 && hi == 6.0);
	ck_assert(fabs(level - 0.96875) < 1e-9);
}
END_TEST

START_TEST(mann_whitney_textbook_exact)
{
	/* Complete separation, 5 vs 5: U = 0, p = 2 / C(10,5) = 0.0079365. */
	double a[] = { 1, 2, 3, 4, 5 }, b[] = { 6, 7, 8, 9, 10 };
	double u, p;

	ck_assert_int_eq(evb_mann_whitney(a, 5, b, 5, &u, &p), 0);
	ck_assert(u == 0.0);
	ck_assert(fabs(p - 2.0 / 252.0) < 1e-9);
	/* Swapped: U = 25, same p. */
	ck_assert_int_eq(evb_mann_whitney(b, 5, a, 5, &u, &p), 0);
	ck_assert(u == 25.0);
	ck_assert(fabs(p - 2.0 / 252.0) < 1e-9);
}
END_TEST

/* Two-sided exact p by enumerating every split of the pooled values. */
static double brute_force_p(const double *a, int na, const double *b, int nb)
{
	int n = na + nb;
	double pool[32];
	double u_obs = 0;
	long extreme = 0, total = 0;

	memcpy(pool, a, na * sizeof(double));
	memcpy(pool + na, b, nb * sizeof(double));
	for (int i = 0; i < na; i++)
		for (int j = 0; j < nb; j++)
			u_obs += a[i] > b[j];
	double mean = na * nb / 2.0, dev = fabs(u_obs - mean);

	for (unsigned mask = 0; mask < (1u << n); mask++) {
		if (__builtin_popcount(mask) != na)
			continue;
		double u = 0;

		for (int i = 0; i < n; i++)
			for (int j = 0; j < n; j++)
				if ((mask & (1u << i)) && !(mask & (1u << j)))
					u += pool[i] > pool[j];
		total++;
		extreme += fabs(u - mean) >= dev - 1e-9;
	}
	return (double)extreme / (double)total;
}

START_TEST(mann_whitney_exact_matches_permutations)
{
	double a[] = { 12.1, 15.3, 9.8, 20.4, 11.0, 14.2 };
	double b[] = { 16.7, 18.2, 13.5, 22.9, 19.1, 17.4, 21.0 };
	double u, p;

	ck_assert_int_eq(evb_mann_whitney(a, 6, b, 7, &u, &p), 0);
	ck_assert(u == 7.0);
	ck_assert_msg(fabs(p - brute_force_p(a, 6, b, 7)) < 1e-9, "p %g vs %g", p,
		      brute_force_p(a, 6, b, 7));
}
END_TEST

START_TEST(mann_whitney_ties_normal_approximation)
{
	/* With ties: U = 1.5 here; tie-corrected normal approximation with
	 * continuity correction: z = (|3.5 - 12.5| - 0.5) / sqrt(var). */
	double a[] = { 1, 2, 2, 3, 4 }, b[] = { 3, 5, 6, 6, 7 };
	double u, p;

	ck_assert_int_eq(evb_mann_whitney(a, 5, b, 5, &u, &p), 0);
	ck_assert(u == 1.5);
	/* ties: {2,2}, {3,3}, {6,6} -> sum(t^3 - t) = 18;
	 * var = 25/12 * (11 - 18/90) = 22.5 */
	double z = (fabs(1.5 - 12.5) - 0.5) / sqrt(22.5);

	ck_assert(fabs(p - 2.0 * evb_normal_sf(z)) < 1e-12);
	ck_assert(fabs(p - 0.026857) < 1e-4);   /* scipy asymptotic, use_continuity */
}
END_TEST

START_TEST(mann_whitney_identical_samples)
{
	double a[] = { 5, 5, 5, 5 }, b[] = { 5, 5, 5, 5 };
	double u, p;

	ck_assert_int_eq(evb_mann_whitney(a, 4, b, 4, &u, &p), 0);
	ck_assert(p == 1.0);
	ck_assert_int_eq(evb_mann_whitney(a, 0, b, 4, &u, &p), -EINVAL);
}
END_TEST

START_TEST(bootstrap_ratio)
{
	double a[] = { 100, 101, 99, 102, 98, 100, 101 };
	double b[] = { 200, 202, 198, 204, 196, 200, 202 };
	double lo, hi, lo2, hi2;

	ck_assert_int_eq(evb_bootstrap_ratio_ci(a, 7, b, 7, 2000, 0.95, 1, &lo, &hi), 0);
	ck_assert(lo <= 2.0 && hi >= 2.0);
	ck_assert(lo > 1.9 && hi < 2.1);
	/* Same seed, same answer. */
	ck_assert_int_eq(evb_bootstrap_ratio_ci(a, 7, b, 7, 2000, 0.95, 1, &lo2, &hi2), 0);
	ck_assert(lo == lo2 && hi == hi2);
}
END_TEST

START_TEST(precision_and_bimodal)
{
	double v[] = { 100, 101, 102, 103, 104, 105, 106, 107, 108 };
	double two[] = { 100, 101, 102, 103, 200, 201, 202, 203, 204, 205 };
	double near[] = { 100, 101, 102, 103, 104, 105, 106, 107, 108, 109 };
	struct evb_precision p;
	size_t split = 0;

	ck_assert_int_eq(evb_median_precision(v, 9, 0.95, &p), 0);
	ck_assert(p.median == 104 && p.lo == 101 && p.hi == 107);
	ck_assert_double_eq_tol(p.level, 1.0 - 20.0 / 512.0, 1e-12);
	ck_assert_double_eq_tol(p.halfwidth_pct, 300.0 / 104.0, 1e-9);
	ck_assert_int_eq(evb_median_precision(NULL, 0, 0.95, &p), -EINVAL);
	ck_assert(evb_bimodal(two, 10, &split));
	ck_assert_uint_eq(split, 4);
	ck_assert(!evb_bimodal(near, 10, &split));
	ck_assert(!evb_bimodal(NULL, 0, NULL));
	ck_assert(!evb_bimodal(two, 3, NULL));
	/* Integer ns a unit apart are the figure's resolution, not two modes. */
	const double quantised[] = { 3, 3, 4, 4, 4 };

	ck_assert(!evb_bimodal(quantised, 5, &split));
	/* Empty and single inputs are fine everywhere. */
	evb_sort_doubles(NULL, 0);
	ck_assert(isnan(evb_median_sorted(NULL, 0)));
}
END_TEST

START_TEST(student_t_and_welch)
{
	/* Two-sided 5% critical values of Student's t. */
	ck_assert_double_eq_tol(evb_student_t_2sided(12.7062047, 1), 0.05, 1e-6);
	ck_assert_double_eq_tol(evb_student_t_2sided(2.776445105, 4), 0.05, 1e-8);
	ck_assert_double_eq_tol(evb_student_t_2sided(-2.228138852, 10), 0.05, 1e-8);
	ck_assert_double_eq_tol(evb_student_t_2sided(0.0, 7), 1.0, 1e-12);
	/* Upper 5% points of F (tables): F(1, 4) = 7.7086, F(3, 10) = 3.7083,
	 * F(2, 20) = 3.4928; F(1, d) is t squared. */
	ck_assert_double_eq_tol(evb_f_sf(7.70865, 1, 4), 0.05, 1e-5);
	ck_assert_double_eq_tol(evb_f_sf(3.70826, 3, 10), 0.05, 1e-5);
	ck_assert_double_eq_tol(evb_f_sf(3.49283, 2, 20), 0.05, 1e-5);
	ck_assert_double_eq_tol(evb_f_sf(2.5 * 2.5, 1, 9), evb_student_t_2sided(2.5, 9), 1e-12);
	ck_assert_double_eq_tol(evb_f_sf(0.0, 2, 5), 1.0, 1e-12);

	/* Welch on logs, checked against a numerical integration of the t density:
	 * t = 1.73135, df = 7.99684, p = 0.121647. */
	const double a[] = { 1, 2, 3, 4, 5 }, b[] = { 2, 4, 6, 8, 10.5 };
	double p;

	ck_assert_int_eq(evb_welch_log(a, 5, b, 5, &p), 0);
	ck_assert_double_eq_tol(p, 0.121647, 1e-5);
	/* A 1.5x change with 1% noise at 5 against 5: far below Mann-Whitney's 0.008. */
	const double x[] = { 100, 101, 99, 100.5, 99.5 }, y[] = { 150, 151.5, 148.5, 150.7, 149.2 };

	ck_assert_int_eq(evb_welch_log(x, 5, y, 5, &p), 0);
	ck_assert(p < 1e-8);
	ck_assert_int_eq(evb_welch_log(x, 5, x, 5, &p), 0);
	ck_assert_double_eq_tol(p, 1.0, 1e-12);
	const double zero[] = { 1, 0, 2 }, same[] = { 3, 3, 3 }, other[] = { 4, 4, 4 };

	ck_assert_int_eq(evb_welch_log(x, 1, y, 5, &p), -EINVAL);
	ck_assert_int_eq(evb_welch_log(zero, 3, y, 5, &p), -EINVAL);
	ck_assert_int_eq(evb_welch_log(same, 3, same, 3, &p), 0);
	ck_assert_double_eq(p, 1.0);
	ck_assert_int_eq(evb_welch_log(same, 3, other, 3, &p), 0);
	ck_assert_double_eq(p, 0.0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("stats");
	TCase *tc = tcase_create("stats");

	tcase_add_test(tc, median_odd_even);
	tcase_add_test(tc, median_ci_order_statistics);
	tcase_add_test(tc, mann_whitney_textbook_exact);
	tcase_add_test(tc, mann_whitney_exact_matches_permutations);
	tcase_add_test(tc, mann_whitney_ties_normal_approximation);
	tcase_add_test(tc, mann_whitney_identical_samples);
	tcase_add_test(tc, bootstrap_ratio);
	tcase_add_test(tc, precision_and_bimodal);
	tcase_add_test(tc, student_t_and_welch);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
