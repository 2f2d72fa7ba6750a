/*
 * summary.h - from results.csv (one row per driver run) to summary.csv (one
 * row per cell): medians over the ok repetitions with their confidence
 * intervals, precision and spread.  Columns: see figures.h.
 */
#ifndef HARNESS_SUMMARY_H
#define HARNESS_SUMMARY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The axis columns that identify a cell (everything before rep). */
extern const char *const harness_axis_columns[];

/*
 * Build a cell key from the axis columns of a loaded table row: the values
 * joined by '\x1f'.  Used for grouping and for joining two runs.
 */
struct evb_table;
void harness_row_key(const struct evb_table *t, size_t row, const int *axis_cols,
		     char *key, size_t len);
/* Column indexes of harness_axis_columns in t (-1 where absent). */
void harness_axis_cols(const struct evb_table *t, int *cols);
size_t harness_naxes(void);

/* What a summary found, for the caller to print. */
struct harness_summary_info {
	size_t rows, rows_not_ok;          /* results.csv rows, and those not ok */
	size_t rows_skipped;               /* of those, skipped (could not run here) */
	size_t cells, cells_bimodal;
	size_t cells_missed;               /* precision max reps / time budget / bimodal */
	char warning[1100];                /* cut-off last line, older schema ("" if none) */
};

/*
 * Read results_path (and env.csv beside it for the precision target), write
 * summary_path.  0, or -errno / -EINVAL with a message naming file and line
 * in error.  info may be NULL.
 */
int harness_summarize_info(const char *results_path, const char *summary_path,
			   struct harness_summary_info *info, char *error, size_t error_len);

/* The same, saying on stderr what it accepted (warnings) and how many rows
 * were not ok. */
int harness_summarize(const char *results_path, const char *summary_path, char *error,
		      size_t error_len);

/* One cell for summary_cell.c: its rows in results.csv order. */
struct harness_target;
struct harness_summary_cell {
	const size_t *rows;
	size_t nrows;
	const char *hist_dir;   /* the run's hist/, for the pooled tail; may be NULL */
};

/* The tail of every ok sample of a cell (summary_pooled.c). */
struct harness_pooled {
	int64_t samples;        /* 0: no merged histogram */
	double p90, p99, p999;  /* NAN where the pooled samples do not support it */
};
void harness_pooled_tail(const char *hist_dir, const struct evb_table *t, size_t row,
			 struct harness_pooled *out);
/* The merged histogram hist_dir/<cell>.csv of the cell of row t (results.csv
 * or summary.csv: its axis columns name the cell); malloc'd, or NULL when
 * there is none or it is empty or unreadable. */
struct evb_hist;
struct evb_hist *harness_cell_hist_load(const char *hist_dir, const struct evb_table *t,
					size_t row);
void harness_summary_header(FILE *out);
/* 0 or -ENOMEM; adds the cell's counts to info. */
int harness_summary_row(FILE *out, const struct evb_table *t,
			const struct harness_summary_cell *cell, const int *axis_cols,
			const struct harness_target *target, struct harness_summary_info *info);

#endif
