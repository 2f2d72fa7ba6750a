/*
 * runread.h - reading a finished (or interrupted) run directory back:
 * results.csv, summary.csv and env.csv, checked, for report and compare.
 */
#ifndef HARNESS_RUNREAD_H
#define HARNESS_RUNREAD_H

#include <stdbool.h>
#include <stddef.h>

#include "evb_csv.h"

struct harness_run {
	char dir[4096];
	struct evb_table results;
	struct evb_table env;
	bool complete;           /* env.csv run_state is "complete" */
	char state[256];         /* run_state as recorded ("unknown" when absent) */
};

/*
 * Load dir/results.csv and dir/env.csv.  results.csv must carry every
 * column of the schema; a malformed or truncated file is an error naming
 * file and line.  A missing env.csv is tolerated (state "unknown").
 * Returns 0, or -errno / -EINVAL with error set.
 */
int harness_run_load(struct harness_run *run, const char *dir, char *error, size_t error_len);
void harness_run_free(struct harness_run *run);

/* Value of key in the run's env.csv, or "unavailable". */
const char *harness_run_env(const struct harness_run *run, const char *key);

#endif
