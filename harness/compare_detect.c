/*
 * compare_detect.c - what compare could not have seen.  Per cell,
 * detectable_ratio: the smallest slowdown k (time per op x k, throughput
 * / k) of run B, applied to every cell at once as a slower build or
 * kernel would, at which compare would call this cell slower, at its
 * false-discovery level and --min-change.  A "~" carries it ("~: a change
 * under 1.23x would not show"), and the spread per family is printed under
 * the table.
 *
 * It is found by trial with compare's own rule, not a formula beside it.
 * For each k on a grid (steps of DETECT_STEP from 1 to CMP_DETECT_MAX),
 * every cell's B repetitions are rescaled into a made-up run B(k):
 *   1. centred on A (B's geometric mean moved onto A's), so that the shift
 *      this B happened to show does not count: the promise is about a new
 *      run, whose shift is noise of its own;
 *   2. slowed by k;
 *   3. set back by DETECT_Z standard errors of the log ratio, taken with
 *      the larger of the two sides' spreads on both (a new run may be as
 *      noisy as the noisier side), or for a cell tested within rounds the
 *      standard error of that test (the rounds' own spread): a new run
 *      that falls that far short of its true shift, about one in
 *      DETECT_MISS_IN, is still called.
 * Then the whole table is judged as measure() and decide() judge it:
 * Welch's t on logs per cell (within rounds: compare_blocked.c's test, with
 * its R - 1 degrees of freedom), one Benjamini-Hochberg correction over every
 * p-value of the comparison (cells that cannot be rescaled keep theirs),
 * q < alpha and the ratio of medians beyond 1 + min-change.  The cell's
 * detectable_ratio is the grid's k from which on it is called slower at
 * every larger step, so it never claims less than the rule needs.  A cell
 * changing alone faces a stricter bar (BH lets fewer through when fewer
 * cells move), so a change in one cell only may need more.  Cells whose p
 * is Mann-Whitney's (a value <= 0), or that have no p, get none (NAN); no
 * k up to the maximum: INFINITY.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "evb_stats.h"

#define DETECT_Z 0.8416        /* one-sided normal quantile of 0.8 */
#define DETECT_MISS_IN 5
#define DETECT_STEP 1.01

const double cmp_spread_marks[3] = { 1.1, 1.2, 1.5 };

/* One cell's part in the trials. */
struct trial {
	const struct cmp *c;
	struct cmp_cell *cell;
	double centre, margin;  /* B's factor before k: centring, set-back */
	double ratio;           /* B(k)'s ratio of medians at this step */
	long from;              /* first step of the run of calls up to now, -1 */
	bool rescaled;
};

static void log_mean_var(const double *v, size_t n, double *mean, double *var)
{
	double sum = 0.0, sq = 0.0;

	for (size_t i = 0; i < n; i++)
		sum += log(v[i]);
	*mean = sum / (double)n;
	for (size_t i = 0; i < n; i++)
		sq += (log(v[i]) - *mean) * (log(v[i]) - *mean);
	*var = n > 1 ? sq / (double)(n - 1) : 0.0;
}

static void trial_init(struct trial *t, const struct cmp *c, struct cmp_cell *cell)
{
	const struct cmp_side *a = &cell->side[0], *b = &cell->side[1];
	double ma, va, mb, vb;

	*t = (struct trial){ .c = c, .cell = cell, .from = -1 };
	cell->detect = NAN;
	t->rescaled = cell->cls != CMP_REFUSED && isfinite(cell->p) && !cell->p_is_mwu &&
		      cell->med[0] > 0.0;
	if (!t->rescaled)
		return;
	log_mean_var(a->values, a->n, &ma, &va);
	log_mean_var(b->values, b->n, &mb, &vb);

	double spread = va > vb ? va : vb, p, se;

	t->centre = exp(ma - mb);
	if (cell->blocked && cmp_blocked_p(a, a->values, b, b->values, &p, &se))
		t->margin = exp(DETECT_Z * se);   /* the rounds' spread: the same test's error */
	else
		t->margin = exp(DETECT_Z * sqrt(spread * (1.0 / (double)a->n +
							  1.0 / (double)b->n)));
}

/* The p of B(k) against A; t->ratio set.  bk: room for B's values. */
static double trial_p(struct trial *t, double k, double *bk)
{
	const struct cmp_side *a = &t->cell->side[0], *b = &t->cell->side[1];
	double slow = k / t->margin, p;
	double factor = t->cell->higher_is_better ? t->centre / slow : t->centre * slow;

	for (size_t i = 0; i < b->n; i++)
		bk[i] = b->values[i] * factor;
	t->ratio = evb_median_sorted(bk, b->n) / t->cell->med[0];
	if (t->cell->blocked)
		return cmp_blocked_p(a, a->values, b, bk, &p, NULL) ? p : NAN;
	return evb_welch_log(a->values, a->n, bk, b->n, &p) ? NAN : p;
}

/* One step: every cell at k, one BH, the run of calls per cell updated. */
static int trial_step(struct trial *t, size_t m, double k, long step, double *p, double *q,
		      double *bk)
{
	int ret;

	for (size_t i = 0; i < m; i++)
		p[i] = t[i].rescaled ? trial_p(&t[i], k, bk) : t[i].cell->p;
	ret = evb_bh_adjust(p, m, q);
	for (size_t i = 0; !ret && i < m; i++) {
		bool called = q[i] < CMP_ALPHA &&
			      cmp_band_class(t[i].c, t[i].ratio, t[i].cell->higher_is_better) ==
				      CMP_SLOWER;

		if (!called)
			t[i].from = -1;
		else if (t[i].from < 0)
			t[i].from = step;
	}
	return ret;
}

/* Every cell's detect from the trials, over the grid. */
static int run_trials(struct trial *t, size_t m, size_t most)
{
	double *p = malloc(m * sizeof(double)), *q = malloc(m * sizeof(double));
	double *bk = malloc((most ? most : 1) * sizeof(double));
	long steps = (long)ceil(log(CMP_DETECT_MAX) / log(DETECT_STEP));
	int ret = -ENOMEM;

	if (!p || !q || !bk)
		goto out_free;
	ret = 0;
	for (long s = 1; !ret && s <= steps; s++)
		ret = trial_step(t, m, fmin(pow(DETECT_STEP, (double)s), CMP_DETECT_MAX), s, p, q,
				 bk);
	for (size_t i = 0; !ret && i < m; i++)
		if (t[i].rescaled)
			t[i].cell->detect = t[i].from < 0 ? INFINITY :
					    fmin(pow(DETECT_STEP, (double)t[i].from), CMP_DETECT_MAX);
out_free:
	free(p);
	free(q);
	free(bk);
	return ret;
}

static void detect_verdict(struct cmp_cell *cell)
{
	size_t used = strlen(cell->verdict);

	if (cell->cls != CMP_SAME || isnan(cell->detect) || used >= sizeof(cell->verdict))
		return;
	if (isinf(cell->detect))
		snprintf(cell->verdict + used, sizeof(cell->verdict) - used,
			 ": no change up to %gx would show", CMP_DETECT_MAX);
	else
		snprintf(cell->verdict + used, sizeof(cell->verdict) - used,
			 ": a change under %.3gx would not show", cell->detect);
}

int cmp_detect_all(struct cmp *const *pairs, size_t npairs)
{
	size_t m = 0, most = 0, i = 0;
	struct trial *t;
	int ret;

	for (size_t p = 0; p < npairs; p++)
		m += pairs[p]->ncells;
	if (!m)
		return 0;
	t = malloc(m * sizeof(*t));
	if (!t)
		return -ENOMEM;
	for (size_t p = 0; p < npairs; p++)
		for (size_t k = 0; k < pairs[p]->ncells; k++, i++) {
			trial_init(&t[i], pairs[p], pairs[p]->cells[k]);
			most = t[i].cell->side[1].n > most ? t[i].cell->side[1].n : most;
		}
	ret = run_trials(t, m, most);
	for (i = 0; !ret && i < m; i++)
		detect_verdict(t[i].cell);
	free(t);
	return ret;
}

/* The value at nearest rank p of sorted v. */
static double rank_at(const double *v, size_t n, double p)
{
	size_t r = (size_t)ceil(p * (double)n);

	return v[r ? r - 1 : 0];
}

void cmp_spread_of(double *v, size_t n, struct cmp_spread *s)
{
	memset(s, 0, sizeof(*s));
	s->n = n;
	s->median = s->q1 = s->q3 = NAN;
	if (!n)
		return;
	evb_sort_doubles(v, n);
	s->median = evb_median_sorted(v, n);
	s->q1 = rank_at(v, n, 0.25);
	s->q3 = rank_at(v, n, 0.75);
	for (size_t i = 0; i < n; i++) {
		s->none += isinf(v[i]);
		for (int m = 0; m < 3; m++)
			s->within[m] += v[i] <= cmp_spread_marks[m] * (1.0 + 1e-9);
	}
	for (int m = 0; m < 3; m++)
		s->within[m] /= (double)n;
}

static void ratio_text(double v, char *buf, size_t len)
{
	if (isinf(v))
		snprintf(buf, len, "none up to %gx", CMP_DETECT_MAX);
	else
		snprintf(buf, len, "%.3gx", v);
}

void cmp_spread_text(const struct cmp_spread *s, char *buf, size_t len)
{
	char med[32], q1[32], q3[32];

	ratio_text(s->median, med, sizeof(med));
	ratio_text(s->q1, q1, sizeof(q1));
	ratio_text(s->q3, q3, sizeof(q3));
	snprintf(buf, len, "%zu cells, median %s (quartiles %s .. %s); changes above %.0f%% "
		 "would have been seen in %.0f%% of cells, above %.0f%% in %.0f%%, above "
		 "%.0f%% in %.0f%%%s", s->n, med, q1, q3, 100.0 * (cmp_spread_marks[0] - 1.0),
		 100.0 * s->within[0], 100.0 * (cmp_spread_marks[1] - 1.0), 100.0 * s->within[1],
		 100.0 * (cmp_spread_marks[2] - 1.0), 100.0 * s->within[2],
		 s->none ? "; some cells: no change up to the maximum would show" : "");
}

/* The detectable ratios of one family in one pair, into v; their count. */
static size_t family_values(const struct cmp *c, const char *family, double *v)
{
	size_t n = 0;

	for (size_t i = 0; i < c->ncells; i++)
		if (!isnan(c->cells[i]->detect) && !strcmp(cmp_cell_axis(c, c->cells[i], 0), family))
			v[n++] = c->cells[i]->detect;
	return n;
}

void cmp_detect_print(const struct cmp *const *pairs, size_t npairs, FILE *out)
{
	const char *families[32];
	size_t nfam = 0, most = 0;

	for (size_t p = 0; p < npairs; p++) {
		most = pairs[p]->ncells > most ? pairs[p]->ncells : most;
		for (size_t i = 0; i < pairs[p]->ncells; i++) {
			const char *family = cmp_cell_axis(pairs[p], pairs[p]->cells[i], 0);
			size_t f = 0;

			while (f < nfam && strcmp(families[f], family))
				f++;
			if (f == nfam && nfam < 32)
				families[nfam++] = family;
		}
	}
	double *v = malloc((most ? most : 1) * sizeof(double));

	if (!v)
		return;
	fprintf(out, "\nwhat compare could not have seen: detectable ratio (the smallest "
		"slowdown a new run would be called slower at, ~%d%% of the time) per family\n",
		100 - 100 / DETECT_MISS_IN);
	for (size_t f = 0; f < nfam; f++)
		for (size_t p = 0; p < npairs; p++) {
			struct cmp_spread s;
			char text[400];

			cmp_spread_of(v, family_values(pairs[p], families[f], v), &s);
			if (!s.n)
				continue;
			cmp_spread_text(&s, text, sizeof(text));
			if (npairs > 1)
				fprintf(out, "  %-8s run %zu: %s\n", families[f], p + 2, text);
			else
				fprintf(out, "  %-8s %s\n", families[f], text);
		}
	free(v);
}
