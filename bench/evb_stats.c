/* evb_stats.c - median, its CI and precision, the CI of a ratio of medians,
 * bimodality, bootstrap; see evb_stats.h (the tests of a difference are in
 * evb_hypothesis.c). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "evb_stats.h"

int evb_cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

int evb_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

void evb_sort_doubles(double *v, size_t n)
{
	if (n > 1)
		qsort(v, n, sizeof(*v), evb_cmp_double);
}

double evb_median_sorted(const double *v, size_t n)
{
	if (n == 0)
		return NAN;
	if (n % 2)
		return v[n / 2];
	return (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

void evb_mean_stddev(const double *v, size_t n, double *mean, double *stddev)
{
	double m = 0.0, m2 = 0.0;

	for (size_t i = 0; i < n; i++) {
		double delta = v[i] - m;

		m += delta / (double)(i + 1);
		m2 += delta * (v[i] - m);
	}
	*mean = n ? m : NAN;
	*stddev = n > 1 ? sqrt(m2 / (double)(n - 1)) : 0.0;
}

/* P(X <= k) for X ~ Binomial(n, 1/2), summed in log space to stay exact-ish. */
static double binom_half_cdf(size_t n, size_t k)
{
	double sum = 0.0;

	for (size_t i = 0; i <= k && i <= n; i++)
		sum += exp(lgamma((double)n + 1) - lgamma((double)i + 1)
			   - lgamma((double)(n - i) + 1) - (double)n * log(2.0));
	return sum;
}

/* Coverage of [x(l), x(n+1-l)]: 1 - 2 P(X <= l-1), X ~ Binomial(n, 1/2). */
double evb_median_ci_level(size_t n, size_t l)
{
	return l == 0 || 2 * l > n + 1 ? 0.0 : 1.0 - 2.0 * binom_half_cdf(n, l - 1);
}

/* Widest-first: the largest l that still reaches conf, else 1 ([min, max]). */
static size_t ci_trim(size_t n, double conf)
{
	size_t best = 1;

	for (size_t l = 2; l <= (n + 1) / 2; l++) {
		if (evb_median_ci_level(n, l) + 1e-12 < conf)
			break;
		best = l;
	}
	return best;
}

int evb_median_ci(const double *v, size_t n, double conf,
		  double *lo, double *hi, double *level)
{
	size_t l;

	if (n == 0)
		return -EINVAL;
	l = ci_trim(n, conf);
	*lo = v[l - 1];
	*hi = v[n - l];
	*level = evb_median_ci_level(n, l);
	return 0;
}

void evb_rng_seed(struct evb_rng *r, uint64_t seed)
{
	r->state = seed ? seed : 0x9e3779b97f4a7c15ULL;
}

uint64_t evb_rng_next(struct evb_rng *r)
{
	uint64_t x = r->state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	r->state = x;
	return x * 0x2545f4914f6cdd1dULL;
}

size_t evb_rng_below(struct evb_rng *r, size_t n)
{
	return (size_t)(evb_rng_next(r) % n);
}

static double resample_median(const double *v, size_t n, double *scratch,
			      struct evb_rng *rng)
{
	for (size_t i = 0; i < n; i++)
		scratch[i] = v[evb_rng_below(rng, n)];
	evb_sort_doubles(scratch, n);
	return evb_median_sorted(scratch, n);
}

int evb_bootstrap_ratio_ci(const double *a, size_t na, const double *b, size_t nb,
			   unsigned rounds, double conf, uint64_t seed,
			   double *lo, double *hi)
{
	if (na == 0 || nb == 0 || rounds == 0)
		return -EINVAL;

	double *ratios = malloc(rounds * sizeof(double));
	double *scratch = malloc((na > nb ? na : nb) * sizeof(double));
	struct evb_rng rng;
	int ret = 0;

	if (!ratios || !scratch) {
		ret = -ENOMEM;
		goto out_free;
	}
	evb_rng_seed(&rng, seed);
	for (unsigned r = 0; r < rounds; r++) {
		double ma = resample_median(a, na, scratch, &rng);
		double mb = resample_median(b, nb, scratch, &rng);

		if (ma == 0.0) {
			ret = -EINVAL;
			goto out_free;
		}
		ratios[r] = mb / ma;
	}
	evb_sort_doubles(ratios, rounds);
	double alpha = (1.0 - conf) / 2.0;
	size_t ilo = (size_t)floor(alpha * (rounds - 1));
	size_t ihi = (size_t)ceil((1.0 - alpha) * (rounds - 1));

	*lo = ratios[ilo];
	*hi = ratios[ihi];
out_free:
	free(scratch);
	free(ratios);
	return ret;
}

int evb_ratio_median_ci(const double *a, size_t na, const double *b, size_t nb, double conf,
			struct evb_ratio_ci *ci)
{
	double la, ua, lb, ub, level_a, level_b, side = sqrt(conf);

	if (evb_median_ci(a, na, side, &la, &ua, &level_a) ||
	    evb_median_ci(b, nb, side, &lb, &ub, &level_b))
		return -EINVAL;
	if (!(la > 0.0))
		return -EDOM;
	ci->lo = lb >= 0.0 ? lb / ua : lb / la;
	ci->hi = ub >= 0.0 ? ub / la : ub / ua;
	ci->level = level_a * level_b;
	ci->tail = 1.0 - (1.0 - (1.0 - level_a) / 2.0) * (1.0 - (1.0 - level_b) / 2.0);
	return 0;
}

int evb_median_precision_trim(const double *v, size_t n, size_t trim, struct evb_precision *p)
{
	if (n == 0 || trim == 0 || 2 * trim > n + 1)
		return -EINVAL;
	p->lo = v[trim - 1];
	p->hi = v[n - trim];
	p->level = evb_median_ci_level(n, trim);
	p->median = evb_median_sorted(v, n);
	if (p->median == 0.0 || !isfinite(p->median))
		p->halfwidth_pct = NAN;
	else
		p->halfwidth_pct = 100.0 * fmax(p->median - p->lo, p->hi - p->median)
				   / fabs(p->median);
	return 0;
}

int evb_median_precision(const double *v, size_t n, double conf, struct evb_precision *p)
{
	return n ? evb_median_precision_trim(v, n, ci_trim(n, conf), p) : -EINVAL;
}

bool evb_bimodal(const double *v, size_t n, size_t *split)
{
	size_t min_group = (size_t)ceil(0.2 * (double)n), best = 0;
	double widest = 0.0, median = evb_median_sorted(v, n);

	if (min_group < 2)
		min_group = 2;
	if (n < 2 * min_group)
		return false;
	for (size_t i = min_group; i + min_group <= n; i++)
		if (v[i] - v[i - 1] > widest) {
			widest = v[i] - v[i - 1];
			best = i;
		}
	if (best == 0)
		return false;
	double inner = fmax(v[best - 1] - v[0], v[n - 1] - v[best]);

	/* more than 1: integer figures (ns) that differ by one unit are its
	 * resolution, not two behaviours */
	if (widest <= 0.10 * fabs(median) || widest <= 3.0 * inner || widest <= 1.0)
		return false;
	if (split)
		*split = best;
	return true;
}
