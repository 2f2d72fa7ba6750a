/*
 * claims.c - the claims engine (see claims.h): the cells of a test read
 * from results.csv, the ratio (or level) with its order-statistic interval,
 * the verdict that interval decides, and how a claim's tests combine.  The
 * report's table is claims_table.c; the claims live in claims_<family>.c;
 * nothing here knows a mechanism.
 */
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claims.h"
#include "evb_stats.h"
#include "figures.h"

const char *const claim_verdict_names[] = {
	[CLAIM_HOLDS] = "holds",
	[CLAIM_FAILS] = "does not hold",
	[CLAIM_INCONCLUSIVE] = "inconclusive",
	[CLAIM_NOT_MEASURED] = "not measured",
	[CLAIM_INFO] = "for context",
	NULL,
};

/* Where struct claim_cell keeps each axis, in evb_axes.h's order. */
#define AXIS_OFFSET(kind, name, flag, slug, label) offsetof(struct claim_cell, name),
static const size_t axis_offsets[] = { EVB_AXES(AXIS_OFFSET) };
#undef AXIS_OFFSET

static const char *axis_value(const struct claim_cell *c, size_t i)
{
	const char *v = *(const char *const *)((const char *)c + axis_offsets[i]);

	return v ? v : "";
}

/* "notify signalfd/std pingpong thread same-cpu", numbers with their names. */
static void cell_label(const struct claim_cell *c, char *buf, size_t len)
{
	const char *values[EVB_NAXES];

	for (size_t i = 0; i < EVB_NAXES; i++)
		values[i] = axis_value(c, i);
	evb_axes_label(values, buf, len);
}

/* One repetition's figure (claims.h lists the derived ones); ok: the row's
 * status is ok, why: its reason. */
static double figure_value(const struct evb_table *t, size_t r, const struct claim_test *test,
			   bool ok, const char *why)
{
	const char *figure = test->figure;

	if (!strcmp(figure, "refused"))
		return ok ? 0.0 : test->refusal && strstr(why, test->refusal) ? 1.0 : NAN;
	if (!strcmp(figure, "mem_bytes_per_fd"))
		return harness_num(t, r, "rss_bytes_per_fd") + harness_num(t, r, "slab_bytes_per_fd");
	if (!strcmp(figure, "rss_bytes"))
		return harness_num(t, r, "rss_bytes_per_fd") * harness_num(t, r, "nfds");
	if (!strcmp(figure, "delivered_share")) {
		double sent = harness_num(t, r, "sent"), delivered = harness_num(t, r, "delivered");

		/* more delivered than sent: counts that contradict themselves */
		return sent > 0 && delivered <= sent ? delivered / sent : NAN;
	}
	return harness_row_value(t, r, figure);   /* a column, or cpu per op */
}

/* Repetitions whose reason starts with a test's prefix, and the first reason. */
struct marked {
	size_t n;
	char reason[160];
};

static void mark(struct marked *m, const char *prefix, const char *reason)
{
	if (prefix && !strncmp(reason, prefix, strlen(prefix)) && !m->n++)
		snprintf(m->reason, sizeof(m->reason), "%s", reason);
}

/* What results.csv holds for one cell. */
struct side {
	double *values;      /* the figure of each repetition read, sorted */
	size_t n, total;
	size_t read;         /* rows read: the ok ones, or every one (every_run) */
	struct marked unjudged, partial;
	struct marked not_ok;   /* every_run: rows not ok that gave a value */
	char reason[256];    /* of the first repetition that was not ok */
	char status[32];
	char label[300];
};

/* Does row r belong to cell c (cols: the axis columns)? */
static bool row_is_cell(const struct evb_table *t, size_t r, const int *cols,
			const struct claim_cell *c)
{
	for (size_t i = 0; i < EVB_NAXES; i++)
		if (strcmp(evb_table_get(t, r, cols[i]), axis_value(c, i)))
			return false;
	return true;
}

static int side_load(const struct evb_table *t, const struct claim_test *test,
		     const struct claim_cell *c, struct side *s)
{
	int cols[EVB_NAXES];
	int status_col = evb_table_col(t, "status");

	memset(s, 0, sizeof(*s));
	cell_label(c, s->label, sizeof(s->label));
	s->values = malloc((t->nrows ? t->nrows : 1) * sizeof(double));
	if (!s->values)
		return -1;
	for (size_t i = 0; i < EVB_NAXES; i++)
		cols[i] = evb_table_col(t, evb_axes[i].name);
	for (size_t r = 0; r < t->nrows; r++) {
		if (!row_is_cell(t, r, cols, c))
			continue;
		s->total++;

		const char *status = evb_table_get(t, r, status_col), *why = harness_str(t, r, "reason");
		bool ok = !strcmp(status, "ok");
		/* a skipped row is a run of a test that asks whether runs are refused */
		bool run = ok || (test->refusal && !strcmp(status, "skipped"));

		if (!ok && !s->status[0]) {
			snprintf(s->status, sizeof(s->status), "%s", status);
			snprintf(s->reason, sizeof(s->reason), "%s", why);
		}
		if (!run && !test->every_run)
			continue;
		s->read++;

		double v = figure_value(t, r, test, ok, why);

		if (!isfinite(v))
			continue;
		s->values[s->n++] = v;
		if (!run)
			mark(&s->not_ok, "", why);
		mark(&s->unjudged, test->unjudged, why);
		mark(&s->partial, test->partial, why);
	}
	evb_sort_doubles(s->values, s->n);
	return 0;
}

/* A side that cannot be used: say why in out->why; 1 when unusable. */
static int side_missing(const struct side *s, const struct claim_test *t,
			struct claim_outcome *out)
{
	if (!s->total)
		snprintf(out->why, sizeof(out->why), "not measured (cell %s did not run)", s->label);
	else if (!s->read)
		snprintf(out->why, sizeof(out->why), "not measured (cell %s not ok: %s%s%s)",
			 s->label, s->status, s->reason[0] ? ", " : "", s->reason);
	else if (!s->n && s->status[0] && t->every_run)
		snprintf(out->why, sizeof(out->why), "not measured (cell %s: no run recorded %s; "
			 "not ok: %s%s%s)", s->label, t->figure, s->status, s->reason[0] ? ", " : "",
			 s->reason);
	else if (!s->n)
		snprintf(out->why, sizeof(out->why), "not measured (cell %s recorded no %s%s%s)",
			 s->label, t->figure, t->if_empty ? ": " : "", t->if_empty ? t->if_empty : "");
	else
		return 0;
	out->verdict = CLAIM_NOT_MEASURED;
	return 1;
}

/* CLAIM_WITHIN's band. */
static double band_lo(const struct claim_test *t)
{
	return t->threshold / t->factor;
}

static double band_hi(const struct claim_test *t)
{
	return t->threshold * t->factor;
}

static enum claim_verdict judge(const struct claim_test *t, double lo, double hi)
{
	if (t->side == CLAIM_NO_THRESHOLD)
		return CLAIM_INFO;
	if (t->side == CLAIM_WITHIN)
		return lo >= band_lo(t) && hi <= band_hi(t) ? CLAIM_HOLDS
		       : hi < band_lo(t) || lo > band_hi(t) ? CLAIM_FAILS : CLAIM_INCONCLUSIVE;
	if (t->side == CLAIM_AT_LEAST)
		return lo >= t->threshold ? CLAIM_HOLDS : hi < t->threshold ? CLAIM_FAILS
									 : CLAIM_INCONCLUSIVE;
	return hi <= t->threshold ? CLAIM_HOLDS : lo > t->threshold ? CLAIM_FAILS
								 : CLAIM_INCONCLUSIVE;
}

/* The interval of the ratio or level; 0, or -1 when it cannot be had. */
static int interval(const struct claim_test *t, const struct side *num, const struct side *den,
		    struct claim_outcome *out)
{
	if (!t->den.family) {
		struct evb_precision p;

		if (evb_median_precision(num->values, num->n, CLAIM_CONF, &p))
			return -1;
		out->value = p.median;
		out->lo = p.lo;
		out->hi = p.hi;
		out->level = p.level;
		out->tail = (1.0 - p.level) / 2.0;
		return 0;
	}

	struct evb_ratio_ci ci;

	if (!(out->den_median > 0) ||
	    evb_ratio_median_ci(den->values, den->n, num->values, num->n, CLAIM_CONF, &ci))
		return -1;
	out->value = out->num_median / out->den_median;
	out->lo = ci.lo;
	out->hi = ci.hi;
	out->level = ci.level;
	out->tail = ci.tail;
	return 0;
}

/*
 * A partial figure is below the true one.  On the numerator alone the
 * true value is at least the measured one: a verdict that says the value
 * is at least something (a floor) stands, one that says it is at most
 * something (a ceiling) does not; on the denominator alone the other way
 * round; on both, nothing stands.  Holding within a band says both.
 */
static bool bias_could_decide(const struct claim_test *t, const struct side *num,
			      const struct side *den, const struct claim_outcome *out)
{
	bool up = num->partial.n, down = t->den.family && den->partial.n;
	bool holds = out->verdict == CLAIM_HOLDS, floor, ceiling;

	if ((!up && !down) || out->verdict == CLAIM_INCONCLUSIVE)
		return false;
	if (t->side == CLAIM_WITHIN) {
		floor = holds || out->lo > band_hi(t);
		ceiling = holds || out->hi < band_lo(t);
	} else {
		floor = holds == (t->side == CLAIM_AT_LEAST);
		ceiling = !floor;
	}
	return (up && ceiling) || (down && floor);
}

static void cannot_decide(struct claim_outcome *out, const struct side *s, const struct marked *m,
			  const char *what)
{
	out->verdict = CLAIM_INCONCLUSIVE;
	snprintf(out->why, sizeof(out->why), "inconclusive (%zu of %zu repetitions of %s %s: "
		 "%s)", m->n, s->n, s->label, what, m->reason);
}

/*
 * Holds, does not hold or inconclusive, from the interval and the marks.
 * A test that could not have failed (too few repetitions, a repetition not
 * judged) adds nothing to claim_false_fail: its tail is cleared.
 */
static void decide(const struct claim_test *t, const struct side *num, const struct side *den,
		   struct claim_outcome *out)
{
	bool ratio = t->den.family != NULL;

	if (num->unjudged.n || (ratio && den->unjudged.n)) {
		const struct side *s = num->unjudged.n ? num : den;

		cannot_decide(out, s, &s->unjudged, "not judged");
		out->tail = 0.0;
	} else if (num->n < CLAIM_MIN_REPS || (ratio && den->n < CLAIM_MIN_REPS)) {
		out->verdict = CLAIM_INCONCLUSIVE;
		snprintf(out->why, sizeof(out->why), "inconclusive (a verdict needs %d "
			 "repetitions per cell)", CLAIM_MIN_REPS);
		out->tail = 0.0;
	} else if (bias_could_decide(t, num, den, out)) {
		const struct side *s = num->partial.n ? num : den;

		cannot_decide(out, s, &s->partial, "counted only part of the figure (a "
			      "lower bound, which could have made this verdict)");
	} else if (num->not_ok.n || (ratio && den->not_ok.n)) {
		const struct side *s = num->not_ok.n ? num : den;

		snprintf(out->why, sizeof(out->why), "%s (every run counted; %zu of %zu of %s "
			 "not ok elsewhere: %s)", claim_verdict_names[out->verdict], s->not_ok.n,
			 s->n, s->label, s->not_ok.reason);
	}
}

static void evaluate_sides(const struct claim_test *t, const struct side *num,
			   const struct side *den, struct claim_outcome *out)
{
	if (side_missing(num, t, out) || (t->den.family && side_missing(den, t, out)))
		return;
	out->num_reps = num->n;
	out->not_ok = num->not_ok.n + (t->den.family ? den->not_ok.n : 0);
	out->num_median = evb_median_sorted(num->values, num->n);
	if (t->den.family) {
		out->den_reps = den->n;
		out->den_median = evb_median_sorted(den->values, den->n);
	}
	if (interval(t, num, den, out)) {
		out->verdict = CLAIM_INCONCLUSIVE;
		snprintf(out->why, sizeof(out->why), "inconclusive (no interval: a median, or "
			 "the denominator's interval, at 0 or below)");
		return;
	}
	if (t->side == CLAIM_WITHIN)   /* either end can miss the band */
		out->tail = fmin(1.0, 2.0 * out->tail);
	if (t->side != CLAIM_NO_THRESHOLD && t->threshold > 0)
		out->margin = out->value / t->threshold;
	out->verdict = judge(t, out->lo, out->hi);
	if (out->verdict != CLAIM_INFO)
		decide(t, num, den, out);
}

void claim_evaluate(const struct evb_table *results, const struct claim_test *t,
		    struct claim_outcome *out)
{
	struct side num, den = { 0 };

	memset(out, 0, sizeof(*out));
	out->judged = t->side != CLAIM_NO_THRESHOLD;
	out->value = out->lo = out->hi = out->level = out->tail = out->margin = NAN;
	out->num_median = out->den_median = NAN;
	out->verdict = CLAIM_NOT_MEASURED;
	snprintf(out->why, sizeof(out->why), "not measured (out of memory)");
	if (side_load(results, t, &t->num, &num))
		return;
	if (t->den.family && side_load(results, t, &t->den, &den))
		goto out_num;
	out->why[0] = '\0';
	evaluate_sides(t, &num, &den, out);
	free(den.values);
out_num:
	free(num.values);
}

enum claim_verdict claim_combine(const struct claim_outcome *o, size_t n)
{
	int seen[CLAIM_INFO + 1] = { 0 };

	for (size_t i = 0; i < n; i++)
		if (o[i].judged)
			seen[o[i].verdict]++;
	if (seen[CLAIM_FAILS])
		return CLAIM_FAILS;
	if (seen[CLAIM_NOT_MEASURED])
		return CLAIM_NOT_MEASURED;
	if (seen[CLAIM_INCONCLUSIVE])
		return CLAIM_INCONCLUSIVE;
	return seen[CLAIM_HOLDS] ? CLAIM_HOLDS : CLAIM_INFO;
}

double claim_false_fail(const struct claim_outcome *o, size_t n, size_t group)
{
	double worst = NAN;

	if (!group)
		group = n ? n : 1;
	for (size_t g = 0; g < n; g += group) {
		double sum = 0.0;
		bool any = false;

		for (size_t i = g; i < g + group && i < n; i++)
			if (o[i].judged && isfinite(o[i].tail)) {
				sum += o[i].tail;
				any = true;
			}
		if (any && !(sum <= worst))
			worst = sum;
	}
	return worst > 1.0 ? 1.0 : worst;
}
