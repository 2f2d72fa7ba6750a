/*
 * summary.c - summary.csv from results.csv: rows grouped into cells (every
 * axis column equal), one summary row each (summary_cell.c), written to a
 * temporary file and renamed into place.
 */
#include <limits.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "evb_axes.h"
#include "evb_csv.h"
#include "evb_sb.h"
#include "evb_index.h"
#include "evb_sys.h"
#include "harness.h"
#include "rundir_read.h"
#include "summary.h"
#include "rundir.h"
#include "rundir_fs.h"

#define AXIS_NAME(kind, name, flag, slug, label) #name,
const char *const harness_axis_columns[] = { EVB_AXES(AXIS_NAME) NULL };
#undef AXIS_NAME

size_t harness_naxes(void)
{
	size_t n = 0;

	while (harness_axis_columns[n])
		n++;
	return n;
}

void harness_axis_cols(const struct evb_table *t, int *cols)
{
	for (size_t i = 0; harness_axis_columns[i]; i++)
		cols[i] = evb_table_col(t, harness_axis_columns[i]);
}

void harness_row_key(const struct evb_table *t, size_t row, const int *axis_cols, char *key,
		     size_t len)
{
	struct evb_sb sb;

	evb_sb_init(&sb, key, len);
	for (size_t i = 0; harness_axis_columns[i]; i++)
		evb_sb_printf(&sb, "%s%s", i ? "\x1f" : "", evb_table_get(t, row, axis_cols[i]));
}

struct cell {
	char key[1024];
	size_t *rows;
	size_t nrows, cap;
};

struct grouping {
	struct evb_index index;     /* key -> cell */
	struct cell **order;
	size_t ncells, cap;
};

static struct cell *cell_find_or_add(struct grouping *g, const char *key)
{
	struct cell *c = evb_index_get(&g->index, key);

	if (c)
		return c;
	if (g->ncells == g->cap) {
		size_t ncap = g->cap ? g->cap * 2 : 256;
		struct cell **norder = realloc(g->order, ncap * sizeof(*norder));

		if (!norder)
			return NULL;
		g->order = norder;
		g->cap = ncap;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	evb_strlcpy(c->key, key, sizeof(c->key));
	if (evb_index_put(&g->index, c->key, c)) {
		free(c);
		return NULL;
	}
	g->order[g->ncells++] = c;
	return c;
}

/* Cells in order of first appearance, each with its rows. */
static int group_rows(struct grouping *g, const struct evb_table *t, const int *axis_cols)
{
	for (size_t r = 0; r < t->nrows; r++) {
		char key[1024];
		struct cell *c;

		harness_row_key(t, r, axis_cols, key, sizeof(key));
		c = cell_find_or_add(g, key);
		if (!c)
			return -ENOMEM;
		if (c->nrows == c->cap) {
			size_t ncap = c->cap ? c->cap * 2 : 8;
			size_t *rows = realloc(c->rows, ncap * sizeof(*rows));

			if (!rows)
				return -ENOMEM;
			c->rows = rows;
			c->cap = ncap;
		}
		c->rows[c->nrows++] = r;
	}
	return 0;
}

static void grouping_free(struct grouping *g)
{
	for (size_t i = 0; i < g->ncells; i++) {
		free(g->order[i]->rows);
		free(g->order[i]);
	}
	free(g->order);
	evb_index_free(&g->index);
	free(g);
}

/* The precision target from env.csv beside results.csv (none without it). */
static void load_target(const char *results_path, struct harness_target *target)
{
	char path[4200];
	const char *slash = strrchr(results_path, '/');
	struct evb_table env = { 0 };

	if (evb_fmt(path, sizeof(path), "%.*s%senv.csv", slash ? (int)(slash - results_path) : 0,
		    results_path, slash ? "/" : "") ||
	    evb_table_load_cut(&env, path))
		memset(&env, 0, sizeof(env));
	harness_env_target(&env, target);
	evb_table_free(&env);
}

static int write_summary(const char *path, const struct evb_table *t, const struct grouping *g,
			 const int *axis_cols, const struct harness_target *target,
			 const char *hist_dir, struct harness_summary_info *info, char *error,
			 size_t error_len)
{
	struct harness_tmp tmp;
	FILE *out;
	int ret = harness_rundir_create_tmp_at(&tmp, path, error, error_len);

	if (ret)
		return ret;
	out = tmp.f;
	harness_summary_header(out);
	for (size_t i = 0; i < g->ncells && !ret; i++) {
		struct harness_summary_cell cell = { .rows = g->order[i]->rows,
						     .nrows = g->order[i]->nrows,
						     .hist_dir = hist_dir };

		ret = harness_summary_row(out, t, &cell, axis_cols, target, info);
	}
	if (ret) {
		snprintf(error, error_len, "%s: %s", path, strerror(-ret));
		harness_rundir_discard(&tmp);
		return ret;
	}
	ret = harness_rundir_commit(&tmp, error, error_len);
	if (ret)
		snprintf(error, error_len, "%s: %s", path, strerror(-ret));
	return ret;
}

int harness_summarize_info(const char *results_path, const char *summary_path,
			   struct harness_summary_info *info, char *error, size_t error_len)
{
	struct harness_summary_info scratch;
	struct harness_target target;
	struct evb_table t;
	struct grouping *g;
	int axis_cols[32];
	int ret;

	if (!info)
		info = &scratch;
	memset(info, 0, sizeof(*info));
	ret = harness_results_load(&t, results_path, info->warning, sizeof(info->warning),
				   error, error_len);
	if (ret)
		return ret;
	g = calloc(1, sizeof(*g));
	if (!g) {
		ret = -ENOMEM;
		snprintf(error, error_len, "%s: %s", results_path, strerror(ENOMEM));
		goto out_table;
	}
	harness_axis_cols(&t, axis_cols);
	ret = group_rows(g, &t, axis_cols);
	if (ret) {
		snprintf(error, error_len, "%s: %s", results_path, strerror(-ret));
		goto out_free;
	}
	load_target(results_path, &target);
	info->rows = t.nrows;
	info->cells = g->ncells;
	char hist_dir[4200];
	const char *slash = strrchr(results_path, '/');

	if (evb_fmt(hist_dir, sizeof(hist_dir), "%.*s%shist",
		    slash ? (int)(slash - results_path) : 0, results_path, slash ? "/" : "")) {
		evb_sb_fmt(error, error_len, "%s: too long a path for its hist/", results_path);
		ret = -ENAMETOOLONG;
		goto out_free;
	}
	ret = write_summary(summary_path, &t, g, axis_cols, &target, hist_dir, info, error,
			    error_len);
out_free:
	grouping_free(g);
out_table:
	evb_table_free(&t);
	return ret;
}

int harness_summarize(const char *results_path, const char *summary_path, char *error,
		      size_t error_len)
{
	struct harness_summary_info info;
	char *save = NULL;
	int ret = harness_summarize_info(results_path, summary_path, &info, error, error_len);

	if (ret)
		return ret;
	for (char *line = strtok_r(info.warning, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		fprintf(stderr, "%s: warning: %s\n", HARNESS_PROG, line);
	if (info.rows_not_ok)
		fprintf(stderr, "%s: summary: %zu of %zu rows not ok (%zu skipped: cannot run here; "
			"%zu failed or timed out); every figure comes from ok rows only\n",
			HARNESS_PROG, info.rows_not_ok, info.rows, info.rows_skipped,
			info.rows_not_ok - info.rows_skipped);
	return 0;
}

/* `evbench summarize RUN`. */
int harness_cmd_summarize(int argc, char **argv)
{
	const char *run = harness_run_arg(argc, argv, HARNESS_PROG " summarize",
				  "Usage: evbench summarize RUN\n\nRebuilds RUN/summary.csv "
				  "from RUN/results.csv.\n");
	char results[PATH_MAX], summary[PATH_MAX], error[600];

	harness_run_path(results, sizeof(results), run, "results.csv");
	harness_run_path(summary, sizeof(summary), run, "summary.csv");
	if (harness_summarize(results, summary, error, sizeof(error))) {
		fprintf(stderr, "%s summarize: %s\n", HARNESS_PROG, error);
		return 2;
	}
	return 0;
}
