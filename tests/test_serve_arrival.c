/*
 * test_serve_arrival.c - the open loop's schedule (drivers/serve/arrival.c)
 * draws what it says: Poisson inter-arrival times with mean within 2% of
 * 1/rate, a coefficient of variation within 5% of 1, and a one-sample
 * Kolmogorov-Smirnov statistic against the exponential of mean 1/rate
 * below its 1% critical value (1.628 / sqrt(n)), for several seeds; nearby
 * seeds give different schedules; uniform spacing is exact.
 */
#include <math.h>
#include <stdlib.h>

#include "serve.h"
#include "testutil.h"

#define N 20000
#define RATE 10000.0

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The gaps of a Poisson schedule of N + 1 due times, ns. */
static double *gaps_of(uint64_t seed)
{
	int64_t *due = calloc(N + 1, sizeof(*due));
	double *gap = calloc(N, sizeof(*gap));

	ck_assert_ptr_nonnull(due);
	ck_assert_ptr_nonnull(gap);
	serve_arrival_fill(due, N + 1, RATE, SERVE_POISSON, seed);
	ck_assert_int_eq(due[0], 0);
	for (int i = 0; i < N; i++) {
		ck_assert_int_ge(due[i + 1], due[i]);
		gap[i] = (double)(due[i + 1] - due[i]);
	}
	free(due);
	return gap;
}

START_TEST(poisson_gaps)
{
	uint64_t seed = (uint64_t)_i + 1;
	double *gap = gaps_of(seed), mean_ns = 1e9 / RATE, sum = 0, sq = 0, d = 0;

	for (int i = 0; i < N; i++)
		sum += gap[i];
	double mean = sum / N;

	for (int i = 0; i < N; i++)
		sq += (gap[i] - mean) * (gap[i] - mean);
	double cv = sqrt(sq / (N - 1)) / mean;

	qsort(gap, N, sizeof(*gap), cmp_double);
	for (int i = 0; i < N; i++) {
		double f = 1 - exp(-gap[i] / mean_ns);

		d = fmax(d, fmax(fabs((double)(i + 1) / N - f), fabs(f - (double)i / N)));
	}
	ck_assert_msg(fabs(mean / mean_ns - 1) <= 0.02, "seed %llu: mean gap %.1f ns, want %.1f +- 2%%",
		      (unsigned long long)seed, mean, mean_ns);
	ck_assert_msg(fabs(cv - 1) <= 0.05, "seed %llu: CV %.4f, want 1 +- 5%%",
		      (unsigned long long)seed, cv);
	ck_assert_msg(d < 1.628 / sqrt(N), "seed %llu: KS D %.5f, 1%% critical %.5f",
		      (unsigned long long)seed, d, 1.628 / sqrt(N));
	free(gap);
}
END_TEST

START_TEST(seeds_differ)
{
	double *a = gaps_of(1), *b = gaps_of(2);
	int same = 0;

	for (int i = 0; i < N; i++)
		same += a[i] == b[i];
	ck_assert_msg(same < N / 100, "seeds 1 and 2 share %d of %d gaps", same, N);
	free(a);
	free(b);
}
END_TEST

START_TEST(uniform_exact)
{
	int64_t due[100];

	serve_arrival_fill(due, 100, 4000.0, SERVE_UNIFORM, 1);
	for (int i = 0; i < 100; i++)
		ck_assert_int_eq(due[i], (int64_t)i * 250000);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("serve_arrival");
	TCase *tc = tcase_create("schedule");

	tcase_add_loop_test(tc, poisson_gaps, 0, 5);
	tcase_add_test(tc, seeds_differ);
	tcase_add_test(tc, uniform_exact);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
