/*
 * summary.h - from results.csv (one row per driver run) to summary.csv (one
 * row per cell): medians over the ok repetitions with their confidence
 * intervals and spread.  Columns: see figures.h.
 */
#ifndef HARNESS_SUMMARY_H
#define HARNESS_SUMMARY_H

#include <stddef.h>

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

/*
 * Read results_path, write summary_path.  0, or -errno / -EINVAL with a
 * message naming file and line in error.
 */
int harness_summarize(const char *results_path, const char *summary_path, char *error,
		      size_t error_len);

#endif
