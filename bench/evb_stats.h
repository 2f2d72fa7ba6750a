/*
 * evb_stats.h - statistics over repetitions, for summary and compare.
 *
 * All functions are pure: they read arrays of doubles and return numbers.
 * Functions that need sorted input say so and never sort behind your back.
 */
#ifndef EVB_STATS_H
#define EVB_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* qsort comparator for doubles, ascending. */
int evb_cmp_double(const void *a, const void *b);
/* qsort's comparison of int64_t. */
int evb_cmp_i64(const void *a, const void *b);
void evb_sort_doubles(double *v, size_t n);

/* Median of sorted v (mean of the two middle values for even n). */
double evb_median_sorted(const double *v, size_t n);

/* Mean and sample standard deviation; stddev 0 for n < 2. */
void evb_mean_stddev(const double *v, size_t n, double *mean, double *stddev);

/*
 * Distribution-free confidence interval of the median from order statistics
 * (binomial with p = 1/2).  *lo, *hi are elements of sorted v.  *level gets
 * the coverage actually achieved: it is below `conf` when n is too small for
 * any interval to reach it (n <= 5 for 95%), in which case [min, max] is
 * returned.  Returns 0, or -EINVAL for n == 0.
 */
int evb_median_ci(const double *v, size_t n, double conf,
		  double *lo, double *hi, double *level);
/* The coverage of [x(l), x(n+1-l)] of n values: 1 - 2 P(Bin(n, 1/2) <= l-1);
 * 0 for l == 0 or an l past the middle. */
double evb_median_ci_level(size_t n, size_t l);

/*
 * Two-sided Mann-Whitney U test of a against b.  *u is U of sample a.
 * The p-value is exact (enumerated null distribution) when there are no
 * ties and na + nb <= EVB_MWU_EXACT_MAX; otherwise the normal approximation
 * with tie correction and continuity correction.  Returns 0, or -EINVAL
 * when a side is empty, -ENOMEM.
 */
#define EVB_MWU_EXACT_MAX 50
int evb_mann_whitney(const double *a, size_t na, const double *b, size_t nb,
		     double *u, double *p);

/*
 * Welch's two-sample t-test on the logarithms of a and b (all values must
 * be > 0): the two-sided p of "same geometric mean", with Welch-Satterthwaite
 * degrees of freedom.  On logs, a ratio is a difference, and a test with a
 * parametric null gives p-values far below Mann-Whitney's floor at small n
 * (2/252 = 0.008 at 5 against 5), so a false-discovery correction over
 * hundreds of cells can still call one cell that really changed.  Returns
 * 0; -EINVAL when a side has fewer than 2 values or a value <= 0.  Both
 * sides constant: p = 1 when equal, 0 otherwise.
 */
int evb_welch_log(const double *a, size_t na, const double *b, size_t nb, double *p);

/* Student t with df degrees of freedom: two-sided P(|T| > |t|). */
double evb_student_t_2sided(double t, double df);

/* Fisher's F with d1, d2 degrees of freedom: upper tail P(F > f). */
double evb_f_sf(double f, double d1, double d2);

/* Standard normal upper tail P(Z > z). */
double evb_normal_sf(double z);

/* Small deterministic PRNG (xorshift64*), so bootstraps are reproducible. */
struct evb_rng {
	uint64_t state;
};
void evb_rng_seed(struct evb_rng *r, uint64_t seed);
uint64_t evb_rng_next(struct evb_rng *r);
/* Uniform in [0, n). */
size_t evb_rng_below(struct evb_rng *r, size_t n);

/*
 * Percentile-bootstrap confidence interval of median(b) / median(a),
 * resampling each side independently `rounds` times.  Returns 0, -EINVAL
 * for an empty side or a zero median in a resample, -ENOMEM.
 */
int evb_bootstrap_ratio_ci(const double *a, size_t na, const double *b, size_t nb,
			   unsigned rounds, double conf, uint64_t seed,
			   double *lo, double *hi);

/*
 * Distribution-free interval of median(b) / median(a) from order statistics,
 * for the claims: each side's median interval (evb_median_ci) at sqrt(conf),
 * combined into the range of b / a over the two (a's interval must lie
 * above 0).  When both sides' intervals cover their medians the ratio
 * interval covers the ratio of medians, and the sides are independent, so
 * ci->level = level_a * level_b is a lower bound on its coverage for any
 * distributions, ties included (5 per side: [min, max] each, 0.9375^2 =
 * 87.9%); ci->tail bounds the chance that the interval lies wholly above
 * the ratio (and, alike, wholly below): 1 - (1 - ta)(1 - tb), t = (1 -
 * level) / 2 per side.  a and b sorted.  0, -EINVAL for an empty side,
 * -EDOM when a's interval reaches 0 or below.
 */
struct evb_ratio_ci {
	double lo, hi, level, tail;
};
int evb_ratio_median_ci(const double *a, size_t na, const double *b, size_t nb, double conf,
			struct evb_ratio_ci *ci);

/*
 * Precision of a median over repetitions, as the harness judges it: the
 * order-statistic CI at conf (evb_median_ci), and its half-width, the
 * larger of median - lo and hi - median, in percent of the median (NAN
 * when the median is 0).  v sorted.  0 or -EINVAL for n == 0.
 */
struct evb_precision {
	double median, lo, hi, level;
	double halfwidth_pct;
};
int evb_median_precision(const double *v, size_t n, double conf, struct evb_precision *p);
/* The same for a given interval [x(trim), x(n+1-trim)] (trim from 1, at most
 * (n+1)/2), its level evb_median_ci_level; -EINVAL for n == 0 or a bad trim. */
int evb_median_precision_trim(const double *v, size_t n, size_t trim, struct evb_precision *p);

/*
 * Are sorted v two clusters far apart?  True when the widest gap between
 * neighbours splits v into two groups of at least 2 values and 20% of n
 * each, and that gap is more than 10% of the median and more than three
 * times the widest range inside either group.  *split gets the index of the
 * first value of the upper group.  A gap of 1 or less is never bimodal: the
 * figures are integers (ns), and one unit is their resolution.
 */
bool evb_bimodal(const double *v, size_t n, size_t *split);

/*
 * Benjamini-Hochberg: q[i] gets the adjusted p-value (the smallest FDR at
 * which p[i] would be rejected); NAN p-values stay NAN and do not count
 * towards m.  0 or -ENOMEM.
 */
int evb_bh_adjust(const double *p, size_t n, double *q);

#endif
