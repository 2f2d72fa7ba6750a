/*
 * run_plan.c - what a new run measures: each family's driver lists its
 * mechanisms, the family's plan function expands the profile (or preset)
 * into cells, --mechanism and --max-timeout narrow them.  A resumed run
 * reads its plan back from plan.csv instead (run_resume.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "run.h"

static int plan_family(struct run_state *st, const struct harness_family *family,
		       const struct harness_plan_req *req, bool *known_preset)
{
	size_t before = st->plan.ncells, kept = before;
	int ret;

	for (int i = 0; req->preset && family->presets && family->presets[i]; i++)
		if (strcmp(family->presets[i], req->preset) == 0)
			*known_preset = true;
	ret = harness_plan_family(&st->plan, family, req);
	if (ret == -ENOENT)
		return st->opts->family ? -ENOENT : 0;
	if (ret)
		return ret;
	/* --mechanism keeps only that mechanism's cells. */
	for (size_t i = before; i < st->plan.ncells; i++)
		if (!st->opts->mechanism ||
		    strcmp(st->plan.cells[i].axes.mechanism, st->opts->mechanism) == 0)
			st->plan.cells[kept++] = st->plan.cells[i];
	st->plan.ncells = kept;
	return 0;
}

void run_cell_timeout(const struct run_opts *o, struct harness_cell *cell)
{
	cell->timeout_ns *= o->timeout_scale;
	if (o->max_timeout_ns && cell->timeout_ns > o->max_timeout_ns)
		cell->timeout_ns = o->max_timeout_ns;
}

int run_make_plan(struct run_state *st)
{
	const struct run_opts *o = st->opts;
	struct harness_plan_req req = { .profile = o->profile, .preset = o->preset };
	bool known_preset = false;

	for (size_t f = 0; f < harness_nfamilies; f++) {
		const struct harness_family *family = harness_families[f];
		int ret;

		if (o->family && strcmp(o->family, family->name) != 0)
			continue;
		ret = plan_family(st, family, &req, &known_preset);
		if (ret)
			return ret;
	}
	if (o->preset && !known_preset) {
		fprintf(stderr, "%s run: --preset '%s' is not a preset of %s (see `evbench list`)\n",
			HARNESS_PROG, o->preset, o->family ? o->family : "any family");
		return -EINVAL;
	}
	for (size_t i = 0; i < st->plan.ncells; i++)
		run_cell_timeout(o, &st->plan.cells[i]);
	if (st->plan.ncells == 0) {
		fprintf(stderr, "%s run: nothing to run%s%s\n", HARNESS_PROG,
			o->mechanism ? ": no cell has --mechanism " : "",
			o->mechanism ? o->mechanism : "");
		return -EINVAL;
	}
	return run_family_table(st);
}

/*
 * The family of every cell, from its family axis, and its slug checked: the
 * names of its files must fit (HARNESS_SLUG_MAX).  0, -EINVAL, -ENOMEM.
 */
int run_family_table(struct run_state *st)
{
	st->cell_family = calloc(st->plan.ncells + 1, sizeof(*st->cell_family));
	if (!st->cell_family)
		return -ENOMEM;
	for (size_t i = 0; i < st->plan.ncells; i++) {
		char slug[HARNESS_SLUG_MAX + 1];

		if (harness_cell_slug(&st->plan.cells[i].axes, slug, sizeof(slug))) {
			fprintf(stderr, "%s run: cell %zu: its name %s... is longer than the %d "
				"characters a cell's file names allow\n", HARNESS_PROG, i + 1, slug,
				HARNESS_SLUG_MAX);
			return -EINVAL;
		}
		st->cell_family[i] = harness_family_find(st->plan.cells[i].axes.family);
		if (!st->cell_family[i]) {
			fprintf(stderr, "%s run: cell %zu: no family '%s'\n", HARNESS_PROG, i + 1,
				st->plan.cells[i].axes.family);
			return -EINVAL;
		}
	}
	return 0;
}

/* Per-cell state and the (cell, rep) table.  0 or -ENOMEM. */
int run_alloc_cells(struct run_state *st)
{
	size_t n = st->plan.ncells;

	st->cells = calloc(n + 1, sizeof(*st->cells));
	st->pairs = calloc((n + 1) * (size_t)(st->max_reps + 1), 1);
	if (!st->cells || !st->pairs)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		st->cells[i].values = calloc((size_t)st->max_reps + 1, sizeof(double));
		if (!st->cells[i].values)
			return -ENOMEM;
	}
	return 0;
}

/*
 * "# memory: ..." names the cell whose descriptors take the most memory (the
 * plan's estimate): evbench vm sizes a guest from it.
 */
static void print_memory(const struct harness_plan *plan)
{
	size_t big = 0;
	char slug[HARNESS_SLUG_MAX + 1];

	for (size_t i = 1; i < plan->ncells; i++)
		if (plan->cells[i].mem_bytes > plan->cells[big].mem_bytes)
			big = i;
	if (!plan->ncells || plan->cells[big].mem_bytes < 1024 * 1024)
		return;
	harness_cell_slug(&plan->cells[big].axes, slug, sizeof(slug));
	printf("# memory: %lld MiB for the largest cell's descriptors (estimated): %s\n",
	       (long long)((plan->cells[big].mem_bytes + (1 << 20) - 1) >> 20), slug);
}

void run_print_plan(const struct run_state *st)
{
	printf("# %zu cells x %d reps = %zu driver runs", st->plan.ncells, st->min_reps,
	       st->plan.ncells * (size_t)st->min_reps);
	if (st->opts->rounds)
		printf(" (round %d of %d: %zu of them here)", st->opts->round, st->opts->rounds,
		       st->total);
	if (st->precision_pct > 0)
		printf(" (then up to %d reps per cell until the median is within +-%g%%)",
		       st->max_reps, st->precision_pct);
	putchar('\n');
	print_memory(&st->plan);
	for (size_t i = 0; i < st->plan.ncells; i++) {
		char driver[PATH_MAX];
		char *line;

		harness_driver_path(st->cell_family[i], driver, sizeof(driver));
		line = harness_cell_command(driver, &st->plan.cells[i], "ID", 1);
		printf("%s\n", line ? line : "# no memory for this cell's command line");
		free(line);
	}
}
