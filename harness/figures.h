/*
 * figures.h - turning a run's CSV into figures with gnuplot.
 *
 * A family's figure function (figures_<family>.c) reads the loaded
 * summary.csv / results.csv, writes small tab-separated data files into the
 * run's figures/ directory (harness_fig_data), and renders each with a
 * script from plots/ (harness_gnuplot), which produces <out>.svg and
 * <out>.png.  gnuplot is fork/exec'd (never through a shell) as
 * `gnuplot -c script ARG1 ARG2 ...`, and its stderr goes to run.log:
 *   ARG1   data, path of the data file
 *   ARG2   out, output path without extension
 *   ARG3   fmt, 'svg' or 'png' (the script sets the terminal from it)
 *   ARG4.. what the script's header names (titles, counts, ...).
 * Everything read from a run directory (labels, a run_id) reaches gnuplot
 * as a string value, an argument or a field of a data file, and is never
 * parsed as gnuplot code; scripts draw such strings noenhanced.  Without
 * gnuplot, figures are skipped with one line in run.log and on stderr; the
 * CSV is complete either way.
 *
 * summary.csv, one row per cell (what figure code reads; docs/methodology.md, "summary.csv,
 * and how the interval is computed"):
 *   the axis columns of results.csv (family .. load), metric, unit,
 *   reps_total, reps_ok, reps_not_ok,
 *   status (ok | partial | skipped | failed | timeout),
 *   reason (of the first repetition that was not ok),
 *   for X in p50, p99, ops_per_s: X_median, X_ci_lo, X_ci_hi, X_cv
 *     (median over the ok repetitions, its order-statistic CI, and the
 *     coefficient of variation across repetitions),
 *   ci_level (coverage the headline's CI actually achieves: at its n, below
 *     0.95 for < 6 reps, or with a precision target over the run's looks,
 *     precision.h), figure (the headline: p50 or ops_per_s), halfwidth_pct,
 *   precision (met | max reps | time budget | bimodal | no data | no target),
 *   bimodal (0/1), low_mode, high_mode, low_reps, high_reps,
 *   medians over ok repetitions: min_median p90_median p999_median
 *     max_median mean_median sent_median delivered_median lost_median
 *     spurious_median wakeups_median overruns_median cpu_ns_per_op_median
 *     rss_bytes_per_fd_median slab_bytes_per_fd_median wall_ns_median
 *     early_median machine_cpu_ns_per_op_median vcsw_a_per_op_median
 *     ivcsw_a_per_op_median vcsw_b_per_op_median ivcsw_b_per_op_median
 *     offered_per_s_median server_cpu_ns_per_op_median
 *     client_cpu_ns_per_op_median wakeups_per_op_median,
 *   samples_pooled p90_pooled p99_pooled p999_pooled (the merged histogram's)
 * Empty means not applicable or no ok repetition.
 */
#ifndef HARNESS_FIGURES_H
#define HARNESS_FIGURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "evb_csv.h"

struct harness_figctx {
	const char *run_dir;
	const char *plots_dir;              /* where the .gp scripts are */
	const struct evb_table *summary;    /* summary.csv */
	const struct evb_table *results;    /* results.csv */
	FILE *log;                          /* run.log, may be NULL */
	int cancel_fd;                      /* readable: stop (a run's signalfd); -1: none */
	/* set by harness_fig_begin: */
	int fig_fd;                         /* run_dir/figures */
	int work_fd;                        /* figures/.work.XXXXXX, this process's own */
	char work_name[32];
	char work_path[48];                 /* /proc/self/fd/<work_fd> */
};

/*
 * Figures are drawn in a directory of evbench's own, never through a name
 * someone else can change: harness_fig_begin makes figures/ (mkdirat,
 * opened O_NOFOLLOW) and in it .work.XXXXXX (mode 0700, checked to be this
 * user's), which data files and gnuplot's outputs reach as
 * /proc/self/fd/N/<name> (gnuplot inherits N); harness_fig_end renames
 * each into figures/, over whatever (a link, a file) held that name, and
 * removes the work directory.  0, -ENOTDIR when figures/ is a link or no
 * directory (refused: the run directory's fault), or -EIO, with a message
 * on stderr.
 */
int harness_fig_begin(struct harness_figctx *ctx);
void harness_fig_end(struct harness_figctx *ctx);

/*
 * Open <name>.dat for writing in the work directory (harness_fig_begin; it
 * reaches figures/ at harness_fig_end); path gets the name gnuplot reads it
 * by (/proc/self/fd/N/<name>.dat).  NULL with a message on failure.
 */
FILE *harness_fig_data(const struct harness_figctx *ctx, const char *name, char *path,
		       size_t len);

/*
 * Render plots_dir/script with data (a path from harness_fig_data) into
 * figures/<out>.svg and .png.  args: NULL-terminated values for the
 * script's ARG4 onwards (at most six), may be NULL.  Returns 0, -E2BIG
 * with more args, -EINVAL when data is not such a path, -ENOENT when gnuplot is not installed, -EINTR when ctx's
 * cancel_fd became readable (gnuplot is killed), or -errno / -EIO when
 * gnuplot failed (its message goes to the log).
 */
int harness_gnuplot(const struct harness_figctx *ctx, const char *script, const char *data,
		    const char *out, const char *const *args);

/*
 * A label as a field of a figure's tab-separated data file: control
 * characters (tab, line breaks) become spaces and '"' becomes '\'', so a
 * label stays one field of one line, and can stand between quotes.
 */
void harness_fig_label(FILE *f, const char *label);

/*
 * Append label to buf (used bytes so far) as one word of a space-separated
 * list for gnuplot's word(): blanks, quotes and control characters become
 * '_'.  Returns the new length (at most len - 1; buf stays terminated).
 */
size_t harness_fig_word(char *buf, size_t len, size_t used, const char *label);

/* One value of a figure's data line: "\t%.6g", or "\t-" (gnuplot's missing
 * value) when v is not finite. */
void harness_fig_put(FILE *f, double v);

/* A numeric column of a table row; NAN when empty, unparsable or absent. */
double harness_num(const struct evb_table *t, size_t row, const char *col);
/* A string column of a table row; "" when absent. */
const char *harness_str(const struct evb_table *t, size_t row, const char *col);
/*
 * A row's mechanism as figures and tables name it: "epoll/lt",
 * "io_uring/multishot", and an io_uring setup other than the default after
 * it ("io_uring/multishot/defer").  No spaces (gnuplot titles).
 */
void harness_mech_label(const struct evb_table *t, size_t row, char *buf, size_t len);
/*
 * A figure of one results.csv row: a column, or a per-operation figure
 * derived from the row (cpu_ns_per_op: the driver's user + system CPU,
 * machine_cpu_ns_per_op: machine_cpu_ns; per delivered, else per sample;
 * serve's server_cpu_ns_per_op, client_cpu_ns_per_op and wakeups_per_op:
 * server_cpu_ns, client_cpu_ns, wakeups per sample, a measured request).
 * NAN when empty or not derivable.
 */
double harness_row_value(const struct evb_table *t, size_t row, const char *name);

/*
 * The finite values of column col in the rows of t whose status is ok, in
 * row order, into *values (malloc'd; free() it).  Returns how many; 0 with
 * *values NULL when memory runs out.
 */
size_t harness_ok_values(const struct evb_table *t, const char *col, double **values);

/*
 * First row of t whose columns equal the given values: kv is a
 * NULL-terminated list of column, value pairs.  -1 when none matches.
 */
long harness_find_row(const struct evb_table *t, const char *const *kv);
/* The first row matching kv whose mechanism label is label: "mechanism/
 * variant", with its io_uring setup when with_setup (harness_mech_label),
 * made in a buffer of label_len bytes as the caller's label was (a long
 * name is cut alike); -1 when none. */
long harness_find_labelled(const struct evb_table *t, const char *const *kv, const char *label,
			   size_t label_len, bool with_setup);
/* Does row match every key-value pair of kv (as harness_find_row)? */
bool harness_row_matches(const struct evb_table *t, size_t row, const char *const *kv);

#endif
