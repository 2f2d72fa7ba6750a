/*
 * rundir_read.h - reading a finished (or interrupted) run directory back:
 * results.csv, env.csv, and plan.csv and sentinel.csv when the run wrote
 * them, checked, for summarize, report and compare.
 *
 * What a reader accepts (docs/methodology.md, "Reading a run back"):
 *   - a results.csv (or sentinel.csv) whose last line was cut off by an
 *     interrupted run: that line is dropped with a warning naming file:line;
 *     damage anywhere else is refused with file:line;
 *   - a results.csv written by an older evbench without the columns added
 *     since (harness_newer_columns): they read as empty, with one warning;
 *     any other column missing is refused.
 */
#ifndef HARNESS_RUNDIR_READ_H
#define HARNESS_RUNDIR_READ_H

#include <stdbool.h>
#include <stddef.h>

#include "evb_csv.h"
#include "precision.h"

/* Columns of results.csv a file from an older evbench may lack. */
extern const char *const harness_newer_columns[];

struct harness_run {
	char dir[4096];
	struct evb_table results;
	struct evb_table env;
	struct evb_table plan;       /* plan.csv; nrows 0 and has_plan false when absent */
	struct evb_table sentinel;   /* sentinel.csv; same schema as results.csv */
	bool has_plan, has_sentinel;
	bool complete;           /* env.csv run_state is "complete" */
	char state[256];         /* run_state as recorded ("unknown" when absent) */
};

/*
 * Load a results.csv-schema file as above.  warning gets what was accepted
 * (cut-off last line, older columns missing; "" when nothing), error what
 * was refused.  0, or -errno / -EINVAL.
 */
int harness_results_load(struct evb_table *t, const char *path, char *warning,
			 size_t warning_len, char *error, size_t error_len);

/*
 * Load dir/results.csv, dir/env.csv, and dir/plan.csv and dir/sentinel.csv
 * when present.  Warnings go to stderr, one line each.  A missing env.csv
 * is tolerated (state "unknown").  0, or -errno / -EINVAL with error set.
 */
int harness_run_load(struct harness_run *run, const char *dir, char *error, size_t error_len);
void harness_run_free(struct harness_run *run);

/* Value of key in the run's env.csv, or "unavailable". */
const char *harness_run_env(const struct harness_run *run, const char *key);
/* Same for a loaded env.csv (key,value columns). */
const char *harness_env_value(const struct evb_table *env, const char *key);

/*
 * The precision target a run worked to, from its env.csv keys (written by
 * `evbench run`): run_precision_pct (absent or 0: no target), run_max_reps
 * (absent: no limit).  Why the run stopped adding repetitions
 * (run_adaptive_stop: all met, max reps, budget, interrupted) needs no
 * reading: a finished run takes no more, so stopped is always true and
 * harness_precision_judge tells max reps from time budget by the count.
 */
struct harness_target {
	double pct;
	size_t max_reps;
	bool stopped;
};
void harness_env_target(const struct evb_table *env, struct harness_target *target);

#endif
