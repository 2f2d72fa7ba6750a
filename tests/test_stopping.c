/*
 * test_stopping.c - optional stopping, measured.  The run's adaptive rule
 * (harness_precision_judge, then harness_precision_goal, as run_cells.c
 * drives them) runs on synthetic repetitions, many thousand simulated cells
 * per case, and the fraction of cells whose final interval contains the
 * distribution's true median must reach the level those cells state (their
 * mean ci_level), and 95%, less a Monte-Carlo margin of three standard
 * errors.  Fixed seeds: the same numbers every run.
 *
 * The cases: a two-mode mixture (80% around 1.0, 20% around 1.5) and
 * lognormals, at the standard profile's settings (5 repetitions, +-3%, at
 * most 15), the full profile's minimum (10), and targets the noise meets at
 * some looks and not others.  A last test stops each cell at the first look
 * whose interval misses (the worst any rule could do): its coverage is the
 * stated level itself, so the level is exact, not only a bound.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "evb_sb.h"
#include "evb_stats.h"
#include "precision.h"
#include "testutil.h"

/* Fewer cells under the sanitizers (tests/summary_compare.cmake sets it). */
#ifndef STOPPING_CELLS
#define STOPPING_CELLS 20000
#endif
#define MAX_N 64

enum shape { MIXTURE, LOGNORMAL };

struct scenario {
	const char *name;
	enum shape shape;
	double spread;      /* the mixture's jitter (sd of each mode), the lognormal's sigma */
	size_t min_reps, max_reps;
	double target_pct;
};

struct outcome {
	double coverage, stated, stated_min;
	size_t stops[MAX_N + 1];
};

static double uniform(struct evb_rng *r)
{
	return ((double)(evb_rng_next(r) >> 11) + 0.5) / 9007199254740992.0;
}

static double gaussian(struct evb_rng *r)
{
	return sqrt(-2.0 * log(uniform(r))) * cos(2.0 * M_PI * uniform(r));
}

static double draw(const struct scenario *s, struct evb_rng *r)
{
	if (s->shape == LOGNORMAL)
		return exp(s->spread * gaussian(r));
	return (uniform(r) < 0.8 ? 1.0 : 1.5) + s->spread * gaussian(r);
}

static double normal_cdf(double x, double mean, double sd)
{
	return 0.5 * erfc(-(x - mean) / (sd * sqrt(2.0)));
}

/* The distribution's true median (1 for the lognormal; the mixture's by
 * bisection on its distribution function). */
static double true_median(const struct scenario *s)
{
	double lo = 0.5, hi = 2.0;

	if (s->shape == LOGNORMAL)
		return 1.0;
	for (int i = 0; i < 200; i++) {
		double m = (lo + hi) / 2;

		if (0.8 * normal_cdf(m, 1.0, s->spread) + 0.2 * normal_cdf(m, 1.5, s->spread) < 0.5)
			lo = m;
		else
			hi = m;
	}
	return (lo + hi) / 2;
}

/* Judge the first n of v (in drawing order) as the run does; is n a look? */
static bool judge(const struct scenario *s, const double *v, size_t n,
		  struct harness_precision *p)
{
	double sorted[MAX_N];
	struct evb_precision ci;
	bool look = false;

	memcpy(sorted, v, n * sizeof(*v));
	evb_sort_doubles(sorted, n);
	harness_precision_judge(sorted, n, s->target_pct, s->max_reps, n >= s->max_reps, p);
	ck_assert_int_eq(harness_looks_interval(sorted, n, s->max_reps, &ci, &look), 0);
	return look;
}

/*
 * One cell: the minimum repetitions, then as run_cells.c takes it, to each
 * next goal until there is none.  oracle: stop at the first look whose
 * interval misses the median instead (the minimum, 5, is no look).  Returns the count it stopped at.
 */
static size_t simulate_cell(const struct scenario *s, struct evb_rng *r, double median,
			    bool oracle, struct harness_precision *p)
{
	double v[MAX_N];
	size_t n = s->min_reps, goal;

	for (size_t i = 0; i < n; i++)
		v[i] = draw(s, r);
	for (;;) {
		bool look = judge(s, v, n, p);

		if (oracle)
			goal = n >= s->max_reps || (look && !(p->ci.lo <= median && median <= p->ci.hi)) ?
			       0 : harness_next_useful_reps(n, s->max_reps);
		else
			goal = harness_precision_goal(p, n, s->max_reps);
		if (!goal)
			return n;
		ck_assert_uint_le(goal, MAX_N);
		for (; n < goal; n++)
			v[n] = draw(s, r);
	}
}

static void simulate(const struct scenario *s, bool oracle, struct outcome *o)
{
	struct evb_rng r;
	double median = true_median(s);
	size_t covered = 0;

	memset(o, 0, sizeof(*o));
	o->stated_min = 1.0;
	evb_rng_seed(&r, 20261202);
	for (size_t c = 0; c < STOPPING_CELLS; c++) {
		struct harness_precision p;
		size_t n = simulate_cell(s, &r, median, oracle, &p);

		o->stops[n]++;
		covered += p.ci.lo <= median && median <= p.ci.hi;
		o->stated += p.ci.level;
		o->stated_min = fmin(o->stated_min, p.ci.level);
	}
	o->coverage = (double)covered / STOPPING_CELLS;
	o->stated /= STOPPING_CELLS;
}

/* Three standard errors of a coverage of level over the simulated cells. */
static double margin(double level)
{
	return 3.0 * sqrt(level * (1.0 - level) / STOPPING_CELLS);
}

static void print(const struct scenario *s, const struct outcome *o)
{
	char stops[256];
	struct evb_sb sb;

	evb_sb_init(&sb, stops, sizeof(stops));
	for (size_t n = 0; n <= MAX_N; n++)
		if (o->stops[n])
			evb_sb_printf(&sb, " %zu:%.1f%%", n,
				      100.0 * (double)o->stops[n] / STOPPING_CELLS);
	printf("%-34s reps %2zu, +-%4.1f%%, max %zu: coverage %.2f%% of %d cells, stated "
	       "%.2f%% (lowest %.2f%%); stopped at%s\n", s->name, s->min_reps, s->target_pct,
	       s->max_reps, 100.0 * o->coverage, STOPPING_CELLS, 100.0 * o->stated,
	       100.0 * o->stated_min, stops);
	fflush(stdout);
}

static const struct scenario scenarios[] = {
	{ "mixture 80/20 1.0|1.5, jitter 1%", MIXTURE, 0.01, 5, 15, 3 },
	{ "mixture 80/20 1.0|1.5, jitter 2%", MIXTURE, 0.02, 5, 15, 3 },
	{ "mixture 80/20 1.0|1.5, jitter 1%", MIXTURE, 0.01, 10, 15, 3 },
	{ "lognormal sigma 0.3", LOGNORMAL, 0.3, 5, 15, 3 },
	{ "lognormal sigma 0.3", LOGNORMAL, 0.3, 5, 15, 25 },
	{ "lognormal sigma 0.03", LOGNORMAL, 0.03, 5, 15, 3 },
	{ "lognormal sigma 0.03", LOGNORMAL, 0.03, 5, 30, 3 },
};

START_TEST(adaptive_coverage)
{
	const struct scenario *s = &scenarios[_i];
	struct outcome o;

	simulate(s, false, &o);
	print(s, &o);
	ck_assert_msg(o.coverage >= o.stated - margin(o.stated),
		      "%s at +-%g%%: coverage %.4f below the stated %.4f", s->name, s->target_pct,
		      o.coverage, o.stated);
	ck_assert_msg(o.coverage >= HARNESS_CI_CONF - margin(HARNESS_CI_CONF),
		      "%s at +-%g%%: coverage %.4f below %.2f", s->name, s->target_pct,
		      o.coverage, HARNESS_CI_CONF);
	/* every cell stopped at a look states at least 95% */
	ck_assert_double_ge(o.stated_min, HARNESS_CI_CONF);
}
END_TEST

START_TEST(worst_stopping_is_the_stated_level)
{
	const struct scenario s = { "lognormal, stop at the first miss", LOGNORMAL, 0.3, 5, 15, 3 };
	struct outcome o;

	simulate(&s, true, &o);
	print(&s, &o);
	ck_assert_double_ge(o.stated_min, HARNESS_CI_CONF);
	ck_assert_double_eq_tol(o.coverage, o.stated, margin(o.stated));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("stopping");
	TCase *tc = tcase_create("stopping");

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, adaptive_coverage, 0, (int)(sizeof(scenarios) / sizeof(scenarios[0])));
	tcase_add_test(tc, worst_stopping_is_the_stated_level);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
