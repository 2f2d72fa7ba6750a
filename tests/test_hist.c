/*
 * test_hist.c - histogram geometry and percentiles against exact ones,
 * negative samples, and the row filled from histograms and counts.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <unistd.h>

#include "evb_hist.h"
#include "evb_row.h"
#include "evb_stats.h"
#include "testutil.h"

static struct evb_hist hist;

START_TEST(bucket_geometry_is_contiguous)
{
	/* Every bucket starts right after the previous one ends, and a value
	 * maps to the bucket that contains it. */
	for (int i = 1; i < EVB_HIST_NBUCKETS; i++)
		ck_assert_int_eq(evb_hist_bucket_low(i), evb_hist_bucket_high(i - 1) + 1);
	for (int64_t v = 0; v < 5000000; v += 997) {
		int i = evb_hist_index(v);

		ck_assert_int_le(evb_hist_bucket_low(i), v);
		ck_assert_int_ge(evb_hist_bucket_high(i), v);
	}
	ck_assert_int_eq(evb_hist_index(INT64_MAX), EVB_HIST_NBUCKETS - 1);
}
END_TEST

START_TEST(bucket_width_is_under_one_percent)
{
	for (int i = EVB_HIST_LINEAR; i < EVB_HIST_NBUCKETS; i++) {
		double low = (double)evb_hist_bucket_low(i);
		double width = (double)(evb_hist_bucket_high(i) - evb_hist_bucket_low(i) + 1);

		ck_assert_msg(width / low <= 1.0 / 128 + 1e-12, "bucket %d too wide", i);
	}
}
END_TEST

/* Exact nearest-rank percentile of sorted values. */
static double exact_quantile(const double *sorted, size_t n, double q)
{
	size_t rank = (size_t)ceil(q * (double)n);

	return sorted[rank ? rank - 1 : 0];
}

static void check_against_exact(const double *values, size_t n)
{
	static const double qs[] = { 0.5, 0.9, 0.99, 0.999 };
	double *sorted = malloc(n * sizeof(double));
	double sum = 0;

	evb_hist_init(&hist);
	for (size_t i = 0; i < n; i++) {
		evb_hist_record(&hist, (int64_t)values[i]);
		sorted[i] = values[i];
		sum += values[i];
	}
	evb_sort_doubles(sorted, n);
	for (size_t k = 0; k < sizeof(qs) / sizeof(qs[0]); k++) {
		double exact = exact_quantile(sorted, n, qs[k]);
		double got = (double)evb_hist_quantile(&hist, qs[k]);

		ck_assert_msg(fabs(got - exact) <= 0.01 * exact + 0.5,
			      "q=%g: histogram %g, exact %g", qs[k], got, exact);
	}
	ck_assert_int_eq(hist.min, (int64_t)sorted[0]);
	ck_assert_int_eq(hist.max, (int64_t)sorted[n - 1]);
	ck_assert_int_eq(hist.count, n);
	ck_assert(fabs(hist.mean - sum / (double)n) < 1e-6 * (sum / (double)n));
	free(sorted);
}

START_TEST(percentiles_uniform)
{
	size_t n = 100000;
	double *v = malloc(n * sizeof(double));
	struct evb_rng rng;

	evb_rng_seed(&rng, 42);
	for (size_t i = 0; i < n; i++)
		v[i] = (double)(1000 + evb_rng_below(&rng, 1000000));
	check_against_exact(v, n);
	free(v);
}
END_TEST

START_TEST(percentiles_heavy_tail)
{
	/* Latency-like: most samples near 5 us, a long tail up to seconds. */
	size_t n = 50000;
	double *v = malloc(n * sizeof(double));
	struct evb_rng rng;

	evb_rng_seed(&rng, 7);
	for (size_t i = 0; i < n; i++) {
		double u = (double)(evb_rng_next(&rng) >> 11) / 9007199254740992.0;

		v[i] = floor(5000.0 / pow(1.0 - u * 0.9999, 0.8));
	}
	check_against_exact(v, n);
	free(v);
}
END_TEST

START_TEST(small_values_are_exact)
{
	double v[] = { 3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5 };

	check_against_exact(v, sizeof(v) / sizeof(v[0]));
	ck_assert_int_eq(evb_hist_quantile(&hist, 0.5), 4);
}
END_TEST

START_TEST(stddev_and_merge)
{
	struct evb_hist *a = malloc(sizeof(*a)), *b = malloc(sizeof(*b));

	evb_hist_init(a);
	evb_hist_init(b);
	for (int i = 1; i <= 100; i++)
		evb_hist_record(i <= 50 ? a : b, i * 10);
	evb_hist_merge(a, b);
	ck_assert_int_eq(a->count, 100);
	ck_assert_int_eq(a->min, 10);
	ck_assert_int_eq(a->max, 1000);
	ck_assert(fabs(a->mean - 505.0) < 1e-9);
	/* sample stddev of 10..1000 step 10 = 10 * sqrt(100*101/12) */
	ck_assert(fabs(evb_hist_stddev(a) - 10.0 * sqrt(100.0 * 101.0 / 12.0)) < 1e-6);
	free(a);
	free(b);
}
END_TEST

START_TEST(negative_values_are_counted)
{
	evb_hist_init(&hist);
	evb_hist_record(&hist, -5);
	evb_hist_record(&hist, 10);
	ck_assert_int_eq(hist.below_zero, 1);
	ck_assert_int_eq(hist.min, -5);
	ck_assert_int_eq(evb_hist_quantile(&hist, 0.0), -5);
}
END_TEST

/* Exact quantile by nearest rank of a sorted int array. */
static int64_t exact_rank(const int64_t *sorted, size_t n, double q)
{
	size_t rank = (size_t)ceil(q * (double)n);

	return sorted[(rank < 1 ? 1 : rank) - 1];
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

START_TEST(early_samples_enter_the_percentiles)
{
	static struct evb_hist early;
	static int64_t values[2000];
	static const double qs[] = { 0.01, 0.1, 0.3, 0.5, 0.9, 0.99 };
	size_t n = 0;

	evb_hist_init(&hist);
	evb_hist_init(&early);
	for (int i = 0; i < 600; i++)          /* 30% early, -1 .. -6000 ns */
		values[n++] = -1 - i * 10;
	for (int i = 0; i < 1400; i++)
		values[n++] = 500 + i * 7;
	for (size_t i = 0; i < n; i++) {
		evb_hist_record(&hist, values[i]);
		if (values[i] < 0)
			evb_hist_record(&early, -values[i]);
	}
	qsort(values, n, sizeof(values[0]), cmp_i64);
	for (size_t k = 0; k < sizeof(qs) / sizeof(qs[0]); k++) {
		double exact = (double)exact_rank(values, n, qs[k]);
		double got = (double)evb_hist_quantile_early(&hist, &early, qs[k]);

		ck_assert_msg(fabs(got - exact) <= fabs(exact) * 0.01 + 1,
			      "q %.2f: %.0f, exact %.0f", qs[k], got, exact);
	}
	/* folded into zero, the old way, the 10th percentile would read 0 */
	ck_assert_int_lt(evb_hist_quantile_early(&hist, &early, 0.1), -3000);

	struct evb_row row;

	evb_row_init(&row);
	evb_row_set_hist_early(&row, &hist, &early);
	ck_assert_int_eq(row.early, 600);
	ck_assert_int_eq(row.min, -5991);
	ck_assert_int_eq(row.samples, 2000);
	ck_assert_int_lt(row.p50, row.p90);
	ck_assert_int_eq(row.p999, EVB_NA);     /* 2000 < 10000 samples */
	ck_assert_int_ne(row.p99, EVB_NA);
}
END_TEST

START_TEST(percentiles_only_where_samples_support_them)
{
	struct evb_row row;

	evb_hist_init(&hist);
	for (int i = 0; i < 99; i++)
		evb_hist_record(&hist, 1000 + i);
	evb_row_init(&row);
	evb_row_set_hist(&row, &hist);
	ck_assert_int_ne(row.p50, EVB_NA);
	ck_assert_int_eq(row.p90, EVB_NA);       /* 99 < 100 */
	ck_assert_int_eq(row.p99, EVB_NA);
	ck_assert_int_eq(row.min, 1000);
	ck_assert_int_eq(row.max, 1098);
}
END_TEST

static void counted_row(struct evb_row *row, int64_t sent, int64_t delivered)
{
	evb_row_init(row);
	evb_row_set(row, status, EVB_STATUS_OK);
	row->sent = sent;
	row->delivered = delivered;
	row->lost = sent - delivered;
}

START_TEST(counts_decide_the_status)
{
	struct evb_row row;

	counted_row(&row, 100000, 100000);
	ck_assert_int_eq(evb_row_check_counts(&row, 0), 0);
	ck_assert_str_eq(row.status, "ok");

	counted_row(&row, 100000, 99997);
	ck_assert_int_eq(evb_row_check_counts(&row, 0), -EPROTO);
	ck_assert_str_eq(row.status, "failed");
	ck_assert_msg(tu_contains(row.reason, "lost 3 of 100000"), "%s", row.reason);

	counted_row(&row, 100000, 99997);       /* merging: the loss is data */
	ck_assert_int_eq(evb_row_check_counts(&row, EVB_MAY_LOSE), 0);
	ck_assert_str_eq(row.status, "ok");

	counted_row(&row, 10, 12);
	ck_assert_int_eq(evb_row_check_counts(&row, EVB_MAY_LOSE), -EPROTO);
	ck_assert_msg(tu_contains(row.reason, "delivered 12"), "%s", row.reason);

	counted_row(&row, 10, 10);
	row.spurious = 2;
	ck_assert_int_eq(evb_row_check_counts(&row, 0), -EPROTO);
	ck_assert_msg(tu_contains(row.reason, "spurious 2"), "%s", row.reason);
	counted_row(&row, 10, 10);
	row.spurious = 2;
	ck_assert_int_eq(evb_row_check_counts(&row, EVB_MAY_SPURIOUS), 0);

	/* the first wrong count is the one named */
	counted_row(&row, 10, 10);
	evb_row_count_fail(&row, "acks %d of %d", 9, 10);
	evb_row_count_fail(&row, "something later");
	ck_assert_str_eq(row.reason, "acks 9 of 10");
}
END_TEST

START_TEST(csv_round_trip)
{
	char path[] = "/tmp/evbhist.XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w+");
	struct evb_hist *back = malloc(sizeof(*back));

	evb_hist_init(&hist);
	for (int i = 0; i < 1000; i++)
		evb_hist_record(&hist, 100 + i * 37);
	ck_assert_int_eq(evb_hist_write_csv(&hist, f), 0);
	rewind(f);
	ck_assert_int_eq(evb_hist_read_csv(back, f), 0);
	ck_assert_int_eq(back->count, hist.count);
	for (int i = 0; i < EVB_HIST_NBUCKETS; i++)
		ck_assert_int_eq(back->buckets[i], hist.buckets[i]);
	ck_assert_int_eq(evb_hist_quantile(back, 0.5), evb_hist_quantile(&hist, 0.5));
	fclose(f);
	unlink(path);
	free(back);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("hist");
	TCase *tc = tcase_create("hist");

	tcase_add_test(tc, bucket_geometry_is_contiguous);
	tcase_add_test(tc, bucket_width_is_under_one_percent);
	tcase_add_test(tc, percentiles_uniform);
	tcase_add_test(tc, percentiles_heavy_tail);
	tcase_add_test(tc, small_values_are_exact);
	tcase_add_test(tc, stddev_and_merge);
	tcase_add_test(tc, negative_values_are_counted);
	tcase_add_test(tc, csv_round_trip);
	tcase_add_test(tc, early_samples_enter_the_percentiles);
	tcase_add_test(tc, percentiles_only_where_samples_support_them);
	tcase_add_test(tc, counts_decide_the_status);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
