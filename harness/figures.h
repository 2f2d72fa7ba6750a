/*
 * figures.h - turning a run's CSV into figures with gnuplot.
 *
 * A family's figure function (figures_<family>.c) reads the loaded
 * summary.csv / results.csv, writes small tab-separated data files into the
 * run's figures/ directory (harness_fig_data), and renders each with a
 * script from plots/ (harness_gnuplot), which produces <out>.svg and
 * <out>.png.  Scripts receive their inputs as gnuplot -e variables:
 *   data   path of the data file
 *   out    output path without extension
 *   fmt    'svg' or 'png' (the script sets the terminal from it)
 * plus any "name='value'" pairs the caller adds.  Without gnuplot, figures
 * are skipped with one line in run.log and on stderr; the CSV is complete
 * either way.
 */
#ifndef HARNESS_FIGURES_H
#define HARNESS_FIGURES_H

#include <stddef.h>
#include <stdio.h>

#include "evb_csv.h"

struct harness_figctx {
	const char *run_dir;
	const char *plots_dir;              /* where the .gp scripts are */
	const struct evb_table *summary;    /* summary.csv */
	const struct evb_table *results;    /* results.csv */
	FILE *log;                          /* run.log, may be NULL */
};

/*
 * Open figures/<name>.dat for writing; path gets its full path.  NULL with
 * a message on failure.
 */
FILE *harness_fig_data(const struct harness_figctx *ctx, const char *name, char *path,
		       size_t len);

/*
 * Render plots_dir/script with data into figures/<out>.svg and .png.
 * vars: NULL-terminated extra "name='value'" assignments, may be NULL.
 * Returns 0, -ENOENT when gnuplot is not installed, or -errno / -EIO when
 * gnuplot failed (its message goes to the log).
 */
int harness_gnuplot(const struct harness_figctx *ctx, const char *script, const char *data,
		    const char *out, const char *const *vars);

/* Per family, in figures_<family>.c. */
int figures_notify(const struct harness_figctx *ctx);
int figures_mux(const struct harness_figctx *ctx);
int figures_timer(const struct harness_figctx *ctx);

#endif
