/*
 * precision_looks.c - the looks of adaptive repetitions and the interval a
 * cell reports after them; see precision.h.
 *
 * A run with a target looks at a cell's interval after the minimum
 * repetitions and again at each count the run takes it to, and stops when
 * it is narrow: an interval that covers 95% at a fixed n covers less when
 * the count is chosen by looking (the looks that come out narrow are not a
 * fair sample).  So the looks are planned with their coverage together:
 * whatever the distribution, the chance that the interval of *some* look
 * misses the true median is computed exactly (below), and the trims are
 * chosen so that this stays within 1 - HARNESS_CI_CONF.  Then the interval
 * a cell ends with, at whichever look it stopped, covers at least that
 * much: the level every such cell states.
 */
#include <errno.h>
#include <stdlib.h>

#include "precision.h"

/*
 * The looks of a run with a target, walked as the count B of values below
 * the true median: over repetitions B is a Binomial(m, 1/2) random walk
 * whatever the distribution, and the interval [x(l), x(m+1-l)] misses
 * exactly when B <= l-1 or B >= m+1-l.  mass[b] is the chance of B = b with
 * no look missed so far; missed is the chance that some look has missed.
 */
struct walk {
	double *mass;
	double missed;
	size_t trim;       /* the last look's, 0 before the first */
};

/* The chance that the interval of trim at m misses and no look had; clear:
 * drop those paths (m is a look). */
static double walk_tail(struct walk *w, size_t m, size_t trim, bool clear)
{
	double sum = 0;

	for (size_t b = 0; b <= m; b++)
		if (b + 1 <= trim || b + trim >= m + 1) {
			sum += w->mass[b];
			if (clear)
				w->mass[b] = 0;
		}
	return sum;
}

/*
 * Is m a look, and with which trim?  Before the last, m is one when the next
 * trim keeps the chance of any miss within the spending (alpha (m/last)^2:
 * early looks spend little, so the last one keeps the fixed-n interval);
 * the last is one always, with the largest trim up to one more that keeps
 * it within alpha, else [min, max].  0: not a look.
 */
static size_t look_trim(struct walk *w, size_t m, size_t last)
{
	double alpha = 1.0 - HARNESS_CI_CONF, share = (double)m / (double)last;
	size_t t = w->trim + 1;

	if (m < last)
		return 2 * t <= m && w->missed + walk_tail(w, m, t, false) <=
					  alpha * share * share + 1e-12 ? t : 0;
	for (; t > 1; t--)
		if (2 * t <= m && w->missed + walk_tail(w, m, t, false) <= alpha + 1e-12)
			return t;
	return 1;
}

/*
 * Walk the looks up to last (trim_at[m]: the trim of the look at m, 0 when m
 * is none; may be NULL) and on to n when n > 0: *plan gets n's trim (the
 * last look's at or before n, at least 1), whether n is a look, and the
 * chance that every look and n itself cover.
 */
struct look_plan {
	size_t trim;
	bool look;
	double level;
};

static int walk_looks(size_t last, size_t n, size_t *trim_at, struct look_plan *plan)
{
	size_t end = n > last ? n : last;
	struct walk w = { .mass = calloc(end + 1, sizeof(double)) };
	double extra = 0;

	if (!w.mass)
		return -ENOMEM;
	w.mass[0] = 1;
	for (size_t m = 1; m <= end; m++) {
		size_t t = 0;

		for (size_t b = m; b >= 1; b--)
			w.mass[b] = 0.5 * (w.mass[b] + w.mass[b - 1]);
		w.mass[0] *= 0.5;
		if (m <= last && (t = look_trim(&w, m, last))) {
			w.missed += walk_tail(&w, m, t, true);
			w.trim = t;
		}
		if (trim_at && m <= last)
			trim_at[m] = t;
		if (plan && m == n) {
			plan->trim = w.trim ? w.trim : 1;
			plan->look = t != 0;
			if (!plan->look)
				extra = walk_tail(&w, m, plan->trim, false);
		}
	}
	if (plan)
		plan->level = 1.0 - w.missed - extra;
	free(w.mass);
	return 0;
}

/* The run's last look: its --max-reps, or n when that is unknown. */
static size_t last_look(size_t n, size_t max_reps)
{
	return max_reps > HARNESS_LOOKS_MAX_REPS || max_reps == 0 ? n : max_reps;
}

int harness_looks_interval(const double *sorted, size_t n, size_t max_reps,
			   struct evb_precision *ci, bool *look)
{
	struct look_plan plan;
	int ret = walk_looks(last_look(n, max_reps), n, NULL, &plan);

	if (ret || (ret = evb_median_precision_trim(sorted, n, plan.trim, ci)))
		return ret;
	ci->level = plan.level;
	*look = plan.look;
	return 0;
}

size_t harness_next_useful_reps(size_t n, size_t max_reps)
{
	size_t last = last_look(n, max_reps), *trim_at = calloc(last + 1, sizeof(*trim_at));
	size_t next = max_reps > n ? max_reps : n;

	if (trim_at && !walk_looks(last, 0, trim_at, NULL))
		for (size_t m = n + 1; m < last && m < next; m++)
			if (trim_at[m]) {
				next = m;
				break;
			}
	free(trim_at);
	return next;
}

