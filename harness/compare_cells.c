/*
 * compare_cells.c - the cells of A and B joined on their axes, and a verdict
 * for each.
 *
 * For each cell in both runs, over the repetitions that were ok on each side:
 *   median A, median B   of the compared figure (the headline figure: p50 of
 *                        latency cells, ops_per_s of throughput cells; p99
 *                        with --metric p99)
 *   ratio B/A            with the claims' order-statistic interval of a
 *                        ratio of medians (evb_ratio_median_ci: each side's
 *                        median interval at sqrt(95%), ends divided) and
 *                        the coverage it reaches at the repetitions it has,
 *                        a bound for any distributions (level: >= 76.6%
 *                        at 4 a side, >= 87.9% at 5, >= 95% from 7)
 *   p                    two-sided Welch t-test on the logs of the per-rep
 *                        values (evb_welch_log: a ratio on logs is a
 *                        difference; Mann-Whitney's p cannot go below 0.008
 *                        at 5 against 5 repetitions, which no correction over
 *                        hundreds of cells lets through); Mann-Whitney's p
 *                        is kept beside it (p_mwu) and stands in for p when a
 *                        value is <= 0
 *   q                    p adjusted by Benjamini-Hochberg over every cell
 *                        that has a p, so that among the cells called faster
 *                        or slower at most 5% are expected to be false alarms
 *   verdict              faster / slower only when q < 0.05 and the ratio
 *                        is beyond 1 + min-change or 1 / (1 + min-change)
 *                        (docs/compare.md, "Comparing two runs", says why the ratio
 *                        and not the whole CI); "~" otherwise; "insufficient" with
 *                        fewer than CMP_MIN_REPS ok repetitions on a side;
 *                        "skipped" when neither run could measure the cell.
 *                        A side whose figure missed its precision target
 *                        (max reps, time budget, bimodal) is named:
 *                        "slower (A imprecise)".  Between a run emulated
 *                        by QEMU's TCG (env.csv vm_accel=tcg) and one on
 *                        hardware (no vm_accel, or kvm) no cell is called
 *                        faster or slower: "no verdict: emulated vs
 *                        hardware", since emulation changes every cost.
 * "faster" means better for the figure: lower latency, higher throughput.
 * Cells present in one run only are listed, never dropped.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "evb_cli.h"
#include "evb_stats.h"
#include "evb_sys.h"
#include "evb_text.h"
#include "figures.h"
#include "harness.h"
#include "summary.h"

const char *const cmp_class_names[] = {
	[CMP_FASTER] = "faster", [CMP_SLOWER] = "slower", [CMP_SAME] = "~",
	[CMP_INSUFFICIENT] = "insufficient", [CMP_SKIPPED] = "skipped",
	[CMP_ONLY_A] = "only in A", [CMP_ONLY_B] = "only in B",
	[CMP_REFUSED] = "no verdict: emulated vs hardware", NULL,
};

struct cmp_cell *cmp_cell_find(const struct cmp *c, const char *key)
{
	return evb_index_get(&c->index, key);
}

static struct cmp_cell *cell_get(struct cmp *c, const char *key)
{
	struct cmp_cell *cell = cmp_cell_find(c, key);

	if (cell)
		return cell;
	if (c->ncells == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 256;
		struct cmp_cell **cells = realloc(c->cells, cap * sizeof(*cells));

		if (!cells)
			return NULL;
		c->cells = cells;
		c->cap = cap;
	}
	cell = calloc(1, sizeof(*cell));
	if (!cell)
		return NULL;
	evb_strlcpy(cell->key, key, sizeof(cell->key));
	if (evb_index_put(&c->index, cell->key, cell)) {
		free(cell);
		return NULL;
	}
	c->cells[c->ncells++] = cell;
	return cell;
}

/* Which figure a row's cell is compared on. */
static const char *figure_of(const struct evb_table *t, size_t row, enum cmp_metric metric,
			     bool *higher_is_better)
{
	const char *figure = harness_headline_column(harness_str(t, row, "unit"));

	if (metric == CMP_OPS || !strcmp(figure, "ops_per_s")) {
		*higher_is_better = true;
		return "ops_per_s";
	}
	*higher_is_better = false;
	return metric == CMP_P99 ? "p99" : "p50";
}

static int add_value(struct cmp_side *side, double v, int round)
{
	double *values = realloc(side->values, (side->n + 1) * sizeof(double));
	int *rounds;

	if (!values)
		return -ENOMEM;
	side->values = values;
	rounds = realloc(side->rounds, (side->n + 1) * sizeof(int));
	if (!rounds)
		return -ENOMEM;
	side->rounds = rounds;
	side->values[side->n] = v;
	side->rounds[side->n++] = round;
	return 0;
}

struct value_round {
	double v;
	int round;
};

static int by_value(const void *a, const void *b)
{
	double x = ((const struct value_round *)a)->v, y = ((const struct value_round *)b)->v;

	return (x > y) - (x < y);
}

/* Sort a side's values, each keeping its round. */
static void sort_side(struct cmp_side *side)
{
	struct value_round *vr = malloc((side->n ? side->n : 1) * sizeof(*vr));

	if (!vr || !side->rounds) {     /* no memory: rounds dropped, the test unblocked */
		free(vr);
		free(side->rounds);
		side->rounds = NULL;
		evb_sort_doubles(side->values, side->n);
		return;
	}
	for (size_t i = 0; i < side->n; i++)
		vr[i] = (struct value_round){ side->values[i], side->rounds[i] };
	qsort(vr, side->n, sizeof(*vr), by_value);
	for (size_t i = 0; i < side->n; i++) {
		side->values[i] = vr[i].v;
		side->rounds[i] = vr[i].round;
	}
	free(vr);
}

int cmp_add_side(struct cmp *c, int s)
{
	const struct evb_table *t = &c->run[s].results;

	harness_axis_cols(t, c->axis_cols[s]);
	for (size_t r = 0; r < t->nrows; r++) {
		char key[1024];

		harness_row_key(t, r, c->axis_cols[s], key, sizeof(key));
		struct cmp_cell *cell = cell_get(c, key);

		if (!cell)
			return -ENOMEM;
		struct cmp_side *side = &cell->side[s];

		if (!side->present) {
			side->present = true;
			side->first_row = r;
		}
		side->total++;
		side->skipped += !strcmp(harness_str(t, r, "status"), "skipped");
		if (strcmp(harness_str(t, r, "status"), "ok"))
			continue;
		if (!cell->figure)
			cell->figure = figure_of(t, r, c->metric, &cell->higher_is_better);
		double v = harness_num(t, r, cell->figure);
		double round = harness_num(t, r, "round");

		if (isfinite(v) && add_value(side, v, round >= 1 && round <= HARNESS_MAX_ROUNDS ? (int)round : 0))
			return -ENOMEM;
	}
	return 0;
}

static bool imprecise(const struct harness_precision *p)
{
	return p->state == HARNESS_PREC_MAX_REPS || p->state == HARNESS_PREC_BUDGET ||
	       p->state == HARNESS_PREC_BIMODAL;
}

/* Medians, ratio, precision per side, p and the CI; the class where the
 * cell cannot be compared (the rest is decided after BH). */
static void measure(struct cmp *c, struct cmp_cell *cell)
{
	struct cmp_side *a = &cell->side[0], *b = &cell->side[1];

	cell->detect = NAN;
	cell->moved = false;
	cell->med[0] = cell->med[1] = cell->ratio = NAN;
	cell->lo = cell->hi = cell->level = cell->p = cell->q = cell->p_mwu = NAN;
	cell->p_is_mwu = false;
	cell->blocked = false;
	cell->cls = CMP_SAME;
	for (int s = 0; s < 2; s++) {
		struct cmp_side *side = &cell->side[s];

		sort_side(side);
		cell->med[s] = evb_median_sorted(side->values, side->n);
		harness_precision_judge(side->values, side->n, c->target[s].pct,
					c->target[s].max_reps, c->target[s].stopped,
					&side->precision);
	}
	if (!a->present || !b->present) {
		cell->cls = a->present ? CMP_ONLY_A : CMP_ONLY_B;
		return;
	}
	if (a->n > 0 && b->n > 0 && cell->med[0] != 0.0)
		cell->ratio = cell->med[1] / cell->med[0];
	if (a->n == 0 && b->n == 0 && a->skipped == a->total && b->skipped == b->total) {
		cell->cls = CMP_SKIPPED;
		return;
	}
	if (a->n < CMP_MIN_REPS || b->n < CMP_MIN_REPS) {
		cell->cls = CMP_INSUFFICIENT;
		return;
	}
	cmp_test_p(a->values, a->n, b->values, b->n, &cell->p, &cell->p_mwu, &cell->p_is_mwu);
	if (!cell->p_is_mwu)
		cell->blocked = cmp_blocked_p(a, a->values, b, b->values, &cell->p, NULL);
	cmp_ratio_ci(a->values, a->n, b->values, b->n, &cell->lo, &cell->hi, &cell->level);
}

void cmp_ratio_ci(const double *a, size_t na, const double *b, size_t nb, double *lo,
		  double *hi, double *level)
{
	struct evb_ratio_ci ci;

	if (evb_ratio_median_ci(a, na, b, nb, CMP_CI_CONF, &ci)) {
		*lo = *hi = *level = NAN;
		return;
	}
	*lo = ci.lo;
	*hi = ci.hi;
	*level = ci.level;
}

void cmp_test_p(const double *a, size_t na, const double *b, size_t nb, double *p,
		double *p_mwu, bool *is_mwu)
{
	double u, mwu;

	if (evb_mann_whitney(a, na, b, nb, &u, &mwu))
		mwu = NAN;
	if (p_mwu)
		*p_mwu = mwu;
	*is_mwu = evb_welch_log(a, na, b, nb, p) != 0;
	if (*is_mwu)
		*p = mwu;
}

enum cmp_class cmp_band_class(const struct cmp *c, double ratio, bool higher_is_better)
{
	bool b_higher;

	if (!isfinite(ratio))
		return CMP_SAME;
	if (ratio >= 1.0 + c->min_change)
		b_higher = true;
	else if (ratio <= 1.0 / (1.0 + c->min_change))
		b_higher = false;
	else
		return CMP_SAME;
	return b_higher == higher_is_better ? CMP_FASTER : CMP_SLOWER;
}

/* After BH: faster / slower when q < alpha and the ratio is beyond the band. */
static enum cmp_class significant_class(const struct cmp *c, const struct cmp_cell *cell)
{
	if (!(cell->q < CMP_ALPHA))
		return CMP_SAME;
	return cmp_band_class(c, cell->ratio, cell->higher_is_better);
}

static void decide(const struct cmp *c, struct cmp_cell *cell)
{
	if (cell->cls == CMP_SAME)
		cell->cls = c->accel_mismatch ? CMP_REFUSED : significant_class(c, cell);
	cell->moved = cmp_machine_moved(c, cell);
	snprintf(cell->verdict, sizeof(cell->verdict), "%s%s", cmp_class_names[cell->cls],
		 cell->moved ? " (machine moved)" : "");
	if (cell->cls > CMP_SAME && cell->cls != CMP_REFUSED)
		return;
	bool ia = imprecise(&cell->side[0].precision);
	bool ib = imprecise(&cell->side[1].precision);

	if (ia || ib)
		snprintf(cell->verdict, sizeof(cell->verdict), "%s (%s imprecise)",
			 cmp_class_names[cell->cls], ia && ib ? "A, B" : ia ? "A" : "B");
}

void cmp_measure_all(struct cmp *c)
{
	for (size_t i = 0; i < c->ncells; i++)
		measure(c, c->cells[i]);
}

void cmp_decide_all(struct cmp *c)
{
	memset(c->counts, 0, sizeof(c->counts));
	c->moved = 0;
	c->blocked = 0;
	for (size_t i = 0; i < c->ncells; i++) {
		decide(c, c->cells[i]);
		c->blocked += c->cells[i]->blocked;
		c->counts[c->cells[i]->cls]++;
		c->moved += c->cells[i]->moved;
	}
}

int cmp_judge_all(struct cmp *c)
{
	double *p = malloc((c->ncells ? c->ncells : 1) * sizeof(double));
	double *q = malloc((c->ncells ? c->ncells : 1) * sizeof(double));
	int ret = -ENOMEM;

	if (!p || !q)
		goto out_free;
	cmp_measure_all(c);
	for (size_t i = 0; i < c->ncells; i++)
		p[i] = c->cells[i]->p;
	ret = evb_bh_adjust(p, c->ncells, q);
	if (ret)
		goto out_free;
	for (size_t i = 0; i < c->ncells; i++)
		c->cells[i]->q = q[i];
	cmp_decide_all(c);
	ret = cmp_detect_all(&c, 1);
out_free:
	free(p);
	free(q);
	return ret;
}

double cmp_slowdown_pct(const struct cmp_cell *cell)
{
	if (!isfinite(cell->ratio) || cell->ratio <= 0.0)
		return NAN;
	return 100.0 * ((cell->higher_is_better ? 1.0 / cell->ratio : cell->ratio) - 1.0);
}

void cmp_free_cells(struct cmp *c)
{
	for (size_t i = 0; i < c->ncells; i++) {
		for (int s = 0; s < 2; s++) {
			free(c->cells[i]->side[s].values);
			free(c->cells[i]->side[s].rounds);
		}
		free(c->cells[i]);
	}
	free(c->cells);
	c->cells = NULL;
	c->ncells = 0;
	evb_index_free(&c->index);
}

const char *cmp_cell_axis(const struct cmp *c, const struct cmp_cell *cell, size_t axis)
{
	int s = cell->side[0].present ? 0 : 1;

	return evb_table_get(&c->run[s].results, cell->side[s].first_row, c->axis_cols[s][axis]);
}

void cmp_cell_label(const struct cmp *c, const struct cmp_cell *cell, char *buf, size_t len)
{
	const char *values[EVB_NAXES];

	for (size_t i = 0; i < EVB_NAXES; i++)
		values[i] = cmp_cell_axis(c, cell, i);
	evb_axes_label(values, buf, len);
	evb_printable(buf);   /* labels come from run directories: data, shown */
}
