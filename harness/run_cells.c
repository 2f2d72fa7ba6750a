/*
 * run_cells.c - the rounds of a run.
 *
 *   minimum   for rep in 1..--reps: for cell in cells: one driver run
 *             (repetitions interleaved, so a slow drift of the machine
 *             spreads over every cell instead of biasing one); a resumed
 *             run skips the (cell, rep) pairs results.csv already has
 *   adaptive  with --precision P: while some cell's headline figure (the
 *             median over its ok repetitions, precision.h) has a 95%
 *             interval wider than +-P% and fewer than --max-reps
 *             repetitions, a batch of those cells, nearest the target
 *             first, each taken to its next look (5 -> 8 -> 11 -> 13 ->
 *             15: harness_precision_goal, whose looks keep the interval a
 *             cell stops with at its stated coverage) in interleaved
 *             rounds, as many cells as the time budget left covers (each
 *             cell's mean driver time so far)
 *
 * The sentinel (run_sentinel.c) is measured at the start of every round
 * and every ~30 s.  The loop stops early when interrupted or when a write
 * fails; env.csv's run_adaptive_stop says why the adaptive loop stopped.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evb_clock.h"
#include "evb_sb.h"
#include "harness.h"
#include "run.h"

void run_fmt_duration(char *buf, size_t len, double seconds)
{
	long s = (long)(seconds + 0.5);

	if (s >= 3600)
		snprintf(buf, len, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
	else
		snprintf(buf, len, "%ld:%02ld", s / 60, s % 60);
}

static void progress(struct run_state *st, const struct harness_cell *c, int rep)
{
	int64_t now = evb_now_ns();
	double elapsed = (double)(now - st->start_ns) / 1e9;
	size_t done_here = st->done - st->resumed_rows;
	double eta = done_here ? elapsed / (double)done_here * (double)(st->total - st->done) : 0;
	char e[32], r[32], label[256], sentinel[48] = "";

	if (!st->tty && st->done != st->total && now - st->last_progress_ns < 15 * EVB_NSEC_PER_SEC)
		return;
	st->last_progress_ns = now;
	run_fmt_duration(e, sizeof(e), elapsed);
	run_fmt_duration(r, sizeof(r), eta);
	evb_sb_fmt(label, sizeof(label), "%s %s%s%s %s", c->axes.family, c->axes.mechanism,
		   c->axes.variant[0] ? "/" : "", c->axes.variant, c->axes.mode);
	if (st->sentinel.seq > 0 && !isnan(st->sentinel.last_value))
		evb_sb_fmt(sentinel, sizeof(sentinel), "  sentinel %.1f us",
			   st->sentinel.last_value / 1e3);
	/* stderr turns control characters into '?' (evb_printable_stdio): the
	 * carriage return that redraws the line is written past it. */
	if (st->tty && write(STDERR_FILENO, "\r", 1) < 0)
		st->tty = false;
	fprintf(stderr, "[%*zu/%zu] %s elapsed, ETA %s, rep %d  %-40.40s%s%s",
		(int)snprintf(NULL, 0, "%zu", st->total), st->done,
		st->total, e, r, rep, label, sentinel, st->tty ? "" : "\n");
	fflush(stderr);
}

static bool stopping(const struct run_state *st)
{
	return st->interrupted || st->failed;
}

/* One driver run of a pair, the sentinel first when it is due. */
static void run_one_pair(struct run_state *st, size_t cell, int rep)
{
	if (run_check_cancel(st) || run_sentinel_tick(st, false) || stopping(st))
		return;
	if (run_cell_rep(st, cell, rep) == 0)
		progress(st, &st->plan.cells[cell], rep);
}

bool run_rep_is_ours(const struct run_state *st, int rep)
{
	const struct run_opts *o = st->opts;

	return o->rounds <= 1 || (rep - 1) % o->rounds == o->round - 1;
}

size_t run_planned_total(const struct run_state *st)
{
	size_t reps = 0;

	for (int rep = 1; rep <= st->min_reps; rep++)
		reps += run_rep_is_ours(st, rep);
	return st->plan.ncells * reps;
}

size_t run_missing_pairs(struct run_state *st, bool every_round)
{
	size_t n = 0;

	for (int rep = 1; rep <= st->min_reps; rep++)
		for (size_t i = 0; i < st->plan.ncells && (every_round || run_rep_is_ours(st, rep));
		     i++)
			n += *run_pair(st, i, rep) == RUN_PAIR_NONE;
	return n;
}

static void minimum_rounds(struct run_state *st)
{
	for (int rep = 1; rep <= st->min_reps && !stopping(st); rep++) {
		bool any = false;

		if (!run_rep_is_ours(st, rep))
			continue;

		for (size_t i = 0; i < st->plan.ncells && !any; i++)
			any = *run_pair(st, i, rep) == RUN_PAIR_NONE;
		if (!any || run_sentinel_tick(st, true))
			continue;
		for (size_t i = 0; i < st->plan.ncells && !stopping(st); i++)
			if (*run_pair(st, i, rep) == RUN_PAIR_NONE)
				run_one_pair(st, i, rep);
	}
}

/*
 * Nearest the target first: a budget that cannot serve every cell serves
 * those that one or two more repetitions may bring within the target,
 * before cells whose interval is many times too wide (a cross-CPU wakeup on
 * a VM that moves between host modes) and would take every repetition left
 * without getting there.
 */
static int by_width(const void *a, const void *b, void *arg)
{
	const struct run_state *st = arg;
	double wa = st->cells[*(const size_t *)a].prec.ci.halfwidth_pct;
	double wb = st->cells[*(const size_t *)b].prec.ci.halfwidth_pct;

	return (wa > wb) - (wa < wb);
}

/*
 * The cells that need another repetition, nearest the target first.  *some_capped
 * says whether a cell missed the target for good (max reps, bimodal).
 */
static size_t candidates(struct run_state *st, size_t *list, bool *some_capped)
{
	size_t n = 0;

	*some_capped = false;
	for (size_t i = 0; i < st->plan.ncells; i++) {
		struct run_cell *rc = &st->cells[i];

		harness_precision_judge(rc->values, rc->nvalues, st->precision_pct,
					(size_t)st->max_reps, rc->reps >= st->max_reps, &rc->prec);
		if (harness_precision_goal(&rc->prec, (size_t)rc->reps, (size_t)st->max_reps))
			list[n++] = i;
		else if (rc->prec.state == HARNESS_PREC_MAX_REPS ||
			 rc->prec.state == HARNESS_PREC_BIMODAL)
			*some_capped = true;
	}
	qsort_r(list, n, sizeof(*list), by_width, st);
	return n;
}

/* What one more run of cell is expected to cost: its mean so far. */
static int64_t run_estimate(const struct run_state *st, size_t cell)
{
	const struct run_cell *rc = &st->cells[cell];

	return rc->runs ? rc->wall_ns / rc->runs : st->plan.cells[cell].timeout_ns;
}

/*
 * Choose this pass's cells from the candidates (nearest the target first):
 * each goes to its next look (harness_precision_goal), and only while the budget
 * left covers all of that.  goal[cell] gets the count; returns how many were
 * chosen (moved to the front of list).
 */
static size_t choose_batch(struct run_state *st, size_t *list, size_t n, int *goal,
			   size_t *runs)
{
	int64_t left = st->budget_ns - (evb_now_ns() - st->start_ns);
	size_t chosen = 0;

	*runs = 0;
	for (size_t k = 0; k < n; k++) {
		size_t c = list[k];
		int reps = st->cells[c].reps;
		int to = (int)harness_precision_goal(&st->cells[c].prec, (size_t)reps,
						     (size_t)st->max_reps);
		int64_t cost = (int64_t)(to - reps) * run_estimate(st, c);

		if (st->budget_ns > 0 && cost > left)
			continue;
		left -= cost;
		goal[c] = to;
		*runs += (size_t)(to - reps);
		list[chosen++] = c;
	}
	return chosen;
}

static void adaptive_rounds(struct run_state *st)
{
	size_t *list = calloc(st->plan.ncells + 1, sizeof(*list));
	int *goal = calloc(st->plan.ncells + 1, sizeof(*goal));
	bool some_capped;

	if (!list || !goal) {
		run_fail(st, "out of memory planning adaptive repetitions");
		goto out;
	}
	while (!stopping(st)) {
		size_t runs, n = candidates(st, list, &some_capped);

		if (n == 0) {
			st->adaptive_stop = some_capped ? "max reps" : "all met";
			break;
		}
		n = choose_batch(st, list, n, goal, &runs);
		if (n == 0) {
			st->adaptive_stop = "budget";
			break;
		}
		st->total += runs;
		/* Interleaved rounds over the batch until each cell has its goal. */
		for (bool any = true; any && !stopping(st);) {
			any = false;
			if (run_sentinel_tick(st, true))
				break;
			for (size_t k = 0; k < n && !stopping(st); k++) {
				struct run_cell *rc = &st->cells[list[k]];

				if (rc->reps >= goal[list[k]])
					continue;
				any = true;
				run_one_pair(st, list[k], rc->reps + 1);
			}
		}
	}
out:
	free(list);
	free(goal);
}

void run_rounds(struct run_state *st)
{
	st->stage = "cells";
	st->adaptive_stop = st->precision_pct > 0 ? "interrupted" : "off";
	minimum_rounds(st);
	if (st->precision_pct > 0 && !stopping(st))
		adaptive_rounds(st);
	if (st->interrupted && st->precision_pct > 0)
		st->adaptive_stop = "interrupted";
	if (st->tty)
		fputc('\n', stderr);
}
