/*
 * compare_header.c - what a comparison rests on, printed above its table:
 * where A and B differ in the recorded environment, how much the machine
 * itself moved between them (compare_sentinel.c), and whether the two runs measured
 * their cells with the same plan (plan.csv: iterations, warm-up, timeout,
 * histogram, extra driver arguments per cell).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "evb_sb.h"
#include "evb_stats.h"
#include "figures.h"
#include "summary.h"

const char *const cmp_env_keys[] = {
	"kernel_release", "kernel_version", "kernel_cmdline", "preempt_model", "cpu_model",
	"cpus_online", "smt_active", "cpu_topology", "virtualization", "clocksource", "governor",
	"cpuidle_driver", "mitigations", "cpu_dma_latency_us", "tuning_cpu_dma_latency",
	"timer_slack_ns", "thp", "io_uring_disabled", "rlimit_nofile_hard", "compiler", "cflags",
	"liburing", "evbench_commit", "run_profile", "run_reps", "run_precision_pct",
	"run_min_reps", "run_max_reps", "run_rounds", "vm_accel", "vm_cpus", "vm_memory_mb",
	"vm_kernel_package", "vm_kernel_package_version", "vm_kernel_debian", "vm_append", NULL,
};

bool cmp_run_emulated(const struct harness_run *run)
{
	return !strcmp(harness_run_env(run, "vm_accel"), "tcg");
}

/* The plan columns that decide how a cell is measured. */
static const char *const plan_columns[] = {
	"iterations", "warmup", "timeout_ns", "hist", "extra", NULL,
};

/* Keys of every plan row, built like the cells' keys. */
static char **plan_keys(const struct evb_table *plan)
{
	int cols[32];
	char **keys = calloc(plan->nrows ? plan->nrows : 1, sizeof(*keys));

	if (!keys)
		return NULL;
	harness_axis_cols(plan, cols);
	for (size_t r = 0; r < plan->nrows; r++) {
		keys[r] = malloc(1024);
		if (!keys[r])
			continue;
		harness_row_key(plan, r, cols, keys[r], 1024);
	}
	return keys;
}

static long plan_row(char **keys, size_t n, const char *key)
{
	for (size_t r = 0; keys && r < n; r++)
		if (keys[r] && !strcmp(keys[r], key))
			return (long)r;
	return -1;
}

/* The cell's plan columns that differ, as "iterations 2000 -> 5000; ...". */
static void plan_diff(const struct cmp *c, struct cmp_cell *cell, long ra, long rb)
{
	struct evb_sb sb;

	evb_sb_init(&sb, cell->warning, sizeof(cell->warning));
	for (size_t i = 0; plan_columns[i]; i++) {
		const struct evb_table *pa = &c->run[0].plan, *pb = &c->run[1].plan;
		const char *va = evb_table_get(pa, (size_t)ra, evb_table_col(pa, plan_columns[i]));
		const char *vb = evb_table_get(pb, (size_t)rb, evb_table_col(pb, plan_columns[i]));

		if (strcmp(va, vb))
			evb_sb_printf(&sb, "%splan %s %s -> %s", sb.used ? "; " : "",
				      plan_columns[i], va[0] ? va : "(none)", vb[0] ? vb : "(none)");
	}
}

static void free_keys(char **keys, size_t n)
{
	for (size_t r = 0; keys && r < n; r++)
		free(keys[r]);
	free(keys);
}

void cmp_plans(struct cmp *c)
{
	const struct harness_run *a = &c->run[0], *b = &c->run[1];

	c->plan_diffs = 0;
	if (!a->has_plan || !b->has_plan) {
		snprintf(c->plan_note, sizeof(c->plan_note), "plan unknown (no plan.csv in %s)",
			 !a->has_plan && !b->has_plan ? "A or B" : !a->has_plan ? "A" : "B");
		return;
	}
	char **ka = plan_keys(&a->plan), **kb = plan_keys(&b->plan);
	size_t matched = 0;

	for (size_t i = 0; ka && kb && i < c->ncells; i++) {
		struct cmp_cell *cell = c->cells[i];
		long ra = plan_row(ka, a->plan.nrows, cell->key);
		long rb = plan_row(kb, b->plan.nrows, cell->key);

		if (ra < 0 || rb < 0)
			continue;
		matched++;
		plan_diff(c, cell, ra, rb);
		c->plan_diffs += cell->warning[0] != '\0';
	}
	free_keys(ka, a->plan.nrows);
	free_keys(kb, b->plan.nrows);
	if (!matched && c->ncells)
		snprintf(c->plan_note, sizeof(c->plan_note),
			 "plan unknown (no compared cell found in both plan.csv files)");
	else if (c->plan_diffs)
		snprintf(c->plan_note, sizeof(c->plan_note),
			 "plan: A and B measured %zu cells with different iterations, warm-up, "
			 "timeout, histogram or arguments (warnings below)", c->plan_diffs);
	else
		snprintf(c->plan_note, sizeof(c->plan_note),
			 "plan: the same for every cell in both runs");
}

void cmp_print_header(const struct cmp *c, FILE *out)
{
	int diffs = 0;

	for (int s = 0; s < 2; s++) {
		const struct harness_run *r = &c->run[s];

		fprintf(out, "%c: %s\n   kernel %s on %s, profile %s, %s\n", 'A' + s, r->dir,
			harness_run_env(r, "kernel_release"), harness_run_env(r, "hostname"),
			harness_run_env(r, "run_profile"), r->complete ? "complete" : r->state);
	}
	for (int i = 0; cmp_env_keys[i]; i++) {
		const char *a = harness_run_env(&c->run[0], cmp_env_keys[i]);
		const char *b = harness_run_env(&c->run[1], cmp_env_keys[i]);

		if (!strcmp(a, b))
			continue;
		if (!diffs++)
			fprintf(out, "environment differences that could explain a change:\n");
		fprintf(out, "  %-22s A: %.60s\n  %-22s B: %.60s\n", cmp_env_keys[i], a, "", b);
	}
	if (!diffs)
		fprintf(out, "environment: no difference in the recorded keys\n");
	cmp_print_sentinels(c, out, "");
	if (c->accel_mismatch)
		fprintf(out, "no faster/slower: %s ran emulated (vm_accel=tcg), %s on hardware; "
			"emulation changes every cost, so compare TCG runs only with TCG runs\n",
			cmp_run_emulated(&c->run[0]) ? "A" : "B",
			cmp_run_emulated(&c->run[0]) ? "B" : "A");
	fprintf(out, "%s\n", c->plan_note);
	fprintf(out, "verdict: faster/slower when q (Benjamini-Hochberg over Welch's t on logs) "
		"< %.2f and B/A lies beyond 1 +- %.3g%%\n", CMP_ALPHA, 100.0 * c->min_change);
	cmp_print_interval_note(out);
	if (c->blocked)
		fprintf(out, "rounds: %zu cells came in interleaved rounds on both sides: %s\n",
			c->blocked, cmp_rounds_note);
}

const char cmp_rounds_note[] = "their t is stratified by round (host drift shared by a "
			       "round cancels) and its error is the rounds' own disagreement, "
			       "with rounds - 1 degrees of freedom (a boot's own effect is not "
			       "taken for a change; compare_blocked.c)";

void cmp_coverage_text(char *buf, size_t len)
{
	evb_sb_fmt(buf, len, "at least %.1f%% at 4 repetitions a side, %.1f%% at 5, 95%% from 7",
		   100.0 * evb_median_ci_level(4, 1) * evb_median_ci_level(4, 1),
		   100.0 * evb_median_ci_level(5, 1) * evb_median_ci_level(5, 1));
}

void cmp_print_interval_note(FILE *out)
{
	char levels[128];

	cmp_coverage_text(levels, sizeof(levels));
	fprintf(out, "interval: the ratio's order-statistic interval (each side's median "
		"interval, ends divided) covers the true ratio with the coverage shown, for "
		"any distributions: %s\n", levels);
}
