/*
 * evb_hist.h - fixed-memory log-linear histogram of int64 nanosecond samples.
 *
 * HdrHistogram's layout with 7 bits of sub-bucket precision: values 0..255
 * each have their own bucket; above that, every power-of-two range
 * [2^e, 2^(e+1)) is cut into 128 equal buckets, so a bucket is at most 1/128
 * of its value wide.  A percentile is reported as the middle of its bucket,
 * hence within 0.4% (< 1%) of the exact order statistic.  Memory is fixed
 * (about 58 KiB) whatever the sample count, so the struct can live in shared
 * memory between processes.  Exact min and max, and Welford's running mean
 * and variance, are kept beside the buckets.
 *
 * Negative samples (a clock that went backwards, a timer that fired early)
 * are counted in bucket 0 and in below_zero, and min keeps the real value.
 * A caller that needs their percentiles keeps a second histogram of their
 * magnitudes and reads quantiles through evb_hist_quantile_early().
 */
#ifndef EVB_HIST_H
#define EVB_HIST_H

#include <stdint.h>
#include <stdio.h>

#define EVB_HIST_SUB_BITS 7
#define EVB_HIST_SUB (1 << EVB_HIST_SUB_BITS)          /* 128 */
#define EVB_HIST_LINEAR (2 * EVB_HIST_SUB)             /* 0..255 exact */
#define EVB_HIST_NBUCKETS (EVB_HIST_LINEAR + (62 - EVB_HIST_SUB_BITS) * EVB_HIST_SUB)

struct evb_hist {
	uint64_t count;
	uint64_t below_zero;
	int64_t min;
	int64_t max;
	double mean;      /* Welford */
	double m2;        /* sum of squared deviations */
	uint64_t buckets[EVB_HIST_NBUCKETS];
};

void evb_hist_init(struct evb_hist *h);
void evb_hist_record(struct evb_hist *h, int64_t value);
void evb_hist_merge(struct evb_hist *into, const struct evb_hist *from);

/* Value at quantile q in [0,1] by nearest rank; 0 when empty. */
int64_t evb_hist_quantile(const struct evb_hist *h, double q);
double evb_hist_stddev(const struct evb_hist *h);
/* Value of the rank-th smallest sample (1-based, clamped to 1..count). */
int64_t evb_hist_at_rank(const struct evb_hist *h, uint64_t rank);

/*
 * Quantile q over samples that may be negative: all holds every sample (the
 * negative ones in bucket 0, counted in below_zero), early holds the
 * magnitude -v of each negative sample v.  Ranks up to early->count are
 * negative values read from early in reverse order, the rest come from all's
 * non-negative buckets.  With early empty this is evb_hist_quantile(all, q).
 */
int64_t evb_hist_quantile_early(const struct evb_hist *all, const struct evb_hist *early,
				double q);

/* Bucket geometry, exposed for tests and the histogram file. */
int evb_hist_index(int64_t value);
int64_t evb_hist_bucket_low(int index);
int64_t evb_hist_bucket_high(int index);   /* inclusive */

/*
 * Write the non-empty buckets as CSV: low_ns,high_ns,count,cum_fraction.
 * Returns 0 or -errno.
 */
int evb_hist_write_csv(const struct evb_hist *h, FILE *out);

/*
 * Read such a file back (bucket counts only: min and max become the bounds
 * of the outermost buckets, mean and stddev are unknown).  0, or -EINVAL for
 * a line that is not a bucket of this layout.
 */
int evb_hist_read_csv(struct evb_hist *h, FILE *in);

#endif
