/*
 * evb_hypothesis.c - hypothesis tests of a difference between two samples
 * and their correction for many cells: Mann-Whitney U, Welch's t on logs (with the
 * Student t distribution), Benjamini-Hochberg; see evb_stats.h.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "evb_stats.h"

double evb_normal_sf(double z)
{
	return 0.5 * erfc(z / sqrt(2.0));
}

struct ranked {
	double value;
	int group;    /* 0 = a, 1 = b */
};

static int cmp_ranked(const void *a, const void *b)
{
	return evb_cmp_double(&((const struct ranked *)a)->value,
			  &((const struct ranked *)b)->value);
}

/*
 * Exact two-sided p of U (no ties): count the arrangements of na "a" among
 * na + nb positions by their U, with the classic recurrence
 * f(m, n, u) = f(m-1, n, u-n) + f(m, n-1, u), in doubles.
 */
static int mwu_exact_p(size_t na, size_t nb, double u, double *p)
{
	size_t umax = na * nb;
	/* cnt[m][u] for the current n, rolled over n. */
	double *prev = calloc((na + 1) * (umax + 1), sizeof(double));
	double *cur = calloc((na + 1) * (umax + 1), sizeof(double));

	if (!prev || !cur) {
		free(prev);
		free(cur);
		return -ENOMEM;
	}
#define AT(t, m, k) ((t)[(m) * (umax + 1) + (k)])
	/* n = 0: only U = 0 possible for any m. */
	for (size_t m = 0; m <= na; m++)
		AT(prev, m, 0) = 1.0;
	for (size_t n = 1; n <= nb; n++) {
		memset(cur, 0, (na + 1) * (umax + 1) * sizeof(double));
		AT(cur, 0, 0) = 1.0;
		for (size_t m = 1; m <= na; m++)
			for (size_t k = 0; k <= m * n; k++)
				AT(cur, m, k) = (k >= n ? AT(cur, m - 1, k - n) : 0.0)
						+ AT(prev, m, k);
		double *swap = prev;
		prev = cur;
		cur = swap;
	}
	double total = 0.0, tail = 0.0;
	double lower = fmin(u, (double)umax - u);

	for (size_t k = 0; k <= umax; k++) {
		total += AT(prev, na, k);
		if ((double)k <= lower + 1e-9)
			tail += AT(prev, na, k);
	}
#undef AT
	*p = fmin(1.0, 2.0 * tail / total);
	free(prev);
	free(cur);
	return 0;
}

int evb_mann_whitney(const double *a, size_t na, const double *b, size_t nb,
		     double *u, double *p)
{
	size_t n = na + nb;
	struct ranked *all;

	if (na == 0 || nb == 0)
		return -EINVAL;
	all = malloc(n * sizeof(*all));
	if (!all)
		return -ENOMEM;
	for (size_t i = 0; i < na; i++)
		all[i] = (struct ranked){ .value = a[i], .group = 0 };
	for (size_t i = 0; i < nb; i++)
		all[na + i] = (struct ranked){ .value = b[i], .group = 1 };
	qsort(all, n, sizeof(*all), cmp_ranked);

	/* Mid-ranks; accumulate the tie term sum(t^3 - t). */
	double rank_sum_a = 0.0, tie_term = 0.0;
	size_t i = 0;

	while (i < n) {
		size_t j = i;

		while (j + 1 < n && all[j + 1].value == all[i].value)
			j++;
		double mid = ((double)i + (double)j) / 2.0 + 1.0;
		double t = (double)(j - i + 1);

		for (size_t k = i; k <= j; k++)
			if (all[k].group == 0)
				rank_sum_a += mid;
		tie_term += t * t * t - t;
		i = j + 1;
	}
	free(all);

	*u = rank_sum_a - (double)na * ((double)na + 1.0) / 2.0;
	if (tie_term == 0.0 && n <= EVB_MWU_EXACT_MAX)
		return mwu_exact_p(na, nb, *u, p);

	double mean_u = (double)na * (double)nb / 2.0;
	double var_u = (double)na * (double)nb / 12.0
		       * (((double)n + 1.0) - tie_term / ((double)n * ((double)n - 1.0)));

	if (var_u <= 0.0) {        /* every value equal */
		*p = 1.0;
		return 0;
	}
	double z = (fabs(*u - mean_u) - 0.5) / sqrt(var_u);

	*p = fmin(1.0, 2.0 * evb_normal_sf(z < 0 ? 0 : z));
	return 0;
}

struct indexed_p {
	double p;
	size_t index;
};

static int cmp_indexed_p(const void *a, const void *b)
{
	return evb_cmp_double(&((const struct indexed_p *)a)->p, &((const struct indexed_p *)b)->p);
}

int evb_bh_adjust(const double *p, size_t n, double *q)
{
	struct indexed_p *sorted = malloc((n ? n : 1) * sizeof(*sorted));
	size_t m = 0;

	if (!sorted)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		q[i] = NAN;
		if (isfinite(p[i]))
			sorted[m++] = (struct indexed_p){ .p = p[i], .index = i };
	}
	if (m > 1)
		qsort(sorted, m, sizeof(*sorted), cmp_indexed_p);
	/* q(k) = min over j >= k of p(j) m / j, capped at 1. */
	double running = 1.0;

	for (size_t k = m; k-- > 0;) {
		double adjusted = sorted[k].p * (double)m / (double)(k + 1);

		if (adjusted < running)
			running = adjusted;
		q[sorted[k].index] = running;
	}
	free(sorted);
	return 0;
}

/* Continued fraction of the incomplete beta function (modified Lentz). */
static double beta_cf(double a, double b, double x)
{
	const double tiny = 1e-300;
	double c = 1.0, d = 1.0 - (a + b) * x / (a + 1.0), h;

	if (fabs(d) < tiny)
		d = tiny;
	d = 1.0 / d;
	h = d;
	for (int m = 1; m <= 300; m++) {
		double m2 = 2.0 * m;
		double num = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));

		d = 1.0 + num * d;
		d = fabs(d) < tiny ? 1.0 / tiny : 1.0 / d;
		c = 1.0 + num / c;
		if (fabs(c) < tiny)
			c = tiny;
		h *= d * c;
		num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0));
		d = 1.0 + num * d;
		d = fabs(d) < tiny ? 1.0 / tiny : 1.0 / d;
		c = 1.0 + num / c;
		if (fabs(c) < tiny)
			c = tiny;
		double delta = d * c;

		h *= delta;
		if (fabs(delta - 1.0) < 1e-15)
			break;
	}
	return h;
}

/* Regularized incomplete beta I_x(a, b). */
static double beta_inc(double a, double b, double x)
{
	if (x <= 0.0)
		return 0.0;
	if (x >= 1.0)
		return 1.0;
	double front = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) +
			   b * log1p(-x));

	if (x < (a + 1.0) / (a + b + 2.0))
		return front * beta_cf(a, b, x) / a;
	return 1.0 - front * beta_cf(b, a, 1.0 - x) / b;
}

double evb_student_t_2sided(double t, double df)
{
	if (!isfinite(t))
		return isnan(t) ? NAN : 0.0;
	return beta_inc(df / 2.0, 0.5, df / (df + t * t));
}

double evb_f_sf(double f, double d1, double d2)
{
	if (isnan(f) || !(d1 > 0) || !(d2 > 0))
		return NAN;
	if (f <= 0.0)
		return 1.0;
	if (isinf(f))
		return 0.0;
	return beta_inc(d2 / 2.0, d1 / 2.0, d2 / (d2 + d1 * f));
}

static int log_mean_var(const double *v, size_t n, double *mean, double *var)
{
	double m = 0.0, m2 = 0.0;

	for (size_t i = 0; i < n; i++) {
		if (!(v[i] > 0.0))
			return -EINVAL;
		double x = log(v[i]), delta = x - m;

		m += delta / (double)(i + 1);
		m2 += delta * (x - m);
	}
	*mean = m;
	*var = m2 / (double)(n - 1);
	return 0;
}

int evb_welch_log(const double *a, size_t na, const double *b, size_t nb, double *p)
{
	double ma, va, mb, vb;

	if (na < 2 || nb < 2 || log_mean_var(a, na, &ma, &va) || log_mean_var(b, nb, &mb, &vb))
		return -EINVAL;
	double sa = va / (double)na, sb = vb / (double)nb, se2 = sa + sb;

	if (se2 <= 0.0) {
		*p = ma == mb ? 1.0 : 0.0;
		return 0;
	}
	double df = se2 * se2 / (sa * sa / (double)(na - 1) + sb * sb / (double)(nb - 1));

	*p = evb_student_t_2sided((mb - ma) / sqrt(se2), df);
	return 0;
}
