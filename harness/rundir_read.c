/* rundir_read.c - loading a run directory back; see rundir_read.h. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evb_cli.h"
#include "evb_row.h"
#include "evb_sb.h"
#include "harness.h"
#include "rundir.h"
#include "rundir_read.h"

const char *const harness_newer_columns[] = {
	"early", "machine_cpu_ns", "vcsw_a_per_op", "ivcsw_a_per_op", "vcsw_b_per_op",
	"ivcsw_b_per_op", "cpus", "closed_rtt_ns", "cpu_distance", "uring_flags", NULL,
};

static bool is_newer_column(const char *name)
{
	for (size_t i = 0; harness_newer_columns[i]; i++)
		if (!strcmp(harness_newer_columns[i], name))
			return true;
	return false;
}

/*
 * Every round empty or 0 (no rounds) or 1 to HARNESS_MAX_ROUNDS, as evbench
 * writes it: compare groups repetitions by round, and a round such as
 * 1000000 is not a boot of any run.  0, or -EINVAL with error naming the
 * line.
 */
static int check_rounds(const struct evb_table *t, const char *path, char *error,
			size_t error_len)
{
	int col = evb_table_col(t, "round");
	int64_t round;

	for (size_t r = 0; r < t->nrows; r++) {
		const char *text = evb_table_get(t, r, col);

		if (*text && evb_parse_i64(text, EVB_UNIT_NONE, 0, HARNESS_MAX_ROUNDS, &round)) {
			snprintf(error, error_len,
				 "%s:%ld: round '%.32s' is not 0 to %d (evbench run --round K/R)",
				 path, t->rows[r].line, text, HARNESS_MAX_ROUNDS);
			return -EINVAL;
		}
	}
	return 0;
}

int harness_results_load(struct evb_table *t, const char *path, char *warning,
			 size_t warning_len, char *error, size_t error_len)
{
	char missing[256];
	size_t nmissing = 0;
	struct evb_sb sb;
	int ret = evb_table_load_cut(t, path);

	evb_sb_init(&sb, missing, sizeof(missing));
	warning[0] = '\0';
	if (ret) {
		snprintf(error, error_len, "%s", t->error);
		return ret;
	}
	for (size_t i = 0; evb_row_column_names[i]; i++) {
		const char *name = evb_row_column_names[i];

		if (evb_table_col(t, name) >= 0)
			continue;
		if (!is_newer_column(name)) {
			snprintf(error, error_len, "%s:1: column '%s' missing from the header",
				 path, name);
			evb_table_free(t);
			return -EINVAL;
		}
		evb_sb_printf(&sb, "%s%s", nmissing ? ", " : "", name);
		nmissing++;
	}
	if (check_rounds(t, path, error, error_len)) {
		evb_table_free(t);
		return -EINVAL;
	}
	if (t->cut_line)
		snprintf(warning, warning_len, "%s", t->warning);
	if (nmissing) {
		size_t len = strlen(warning);

		snprintf(warning + len, warning_len - len,
			 "%s%s:1: written by an older evbench, without %s (read as empty)",
			 len ? "\n" : "", path, missing);
	}
	return 0;
}

static void print_warning(const char *warning)
{
	char copy[1024];
	char *save = NULL;

	snprintf(copy, sizeof(copy), "%s", warning);
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		fprintf(stderr, "%s: warning: %s\n", HARNESS_PROG, line);
}

/* dir/name as a results.csv-schema table when it exists: 0, 1 absent, -errno. */
static int load_optional_results(struct evb_table *t, const char *dir, const char *name,
				 char *error, size_t error_len)
{
	char path[4200], warning[1024];
	int ret;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (access(path, F_OK))
		return 1;
	ret = harness_results_load(t, path, warning, sizeof(warning), error, error_len);
	if (!ret)
		print_warning(warning);
	return ret;
}

/* dir/name as a plain table when it exists (cut-off last line accepted). */
static int load_optional(struct evb_table *t, const char *dir, const char *name, char *error,
			 size_t error_len)
{
	char path[4200];
	int ret;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (access(path, F_OK))
		return 1;
	ret = evb_table_load_cut(t, path);
	if (ret) {
		snprintf(error, error_len, "%s", t->error);
		return ret;
	}
	if (t->cut_line)
		print_warning(t->warning);
	return 0;
}

int harness_run_load(struct harness_run *run, const char *dir, char *error, size_t error_len)
{
	char path[4200], warning[1024];
	int ret;

	memset(run, 0, sizeof(*run));
	ret = harness_run_dir_check("run directory", dir, error, error_len);
	if (ret)
		return ret;
	snprintf(run->dir, sizeof(run->dir), "%s", dir);
	snprintf(path, sizeof(path), "%s/results.csv", dir);
	if (access(path, R_OK)) {
		ret = -errno;
		evb_sb_fmt(error, error_len, "%s is not a run directory (%s: %s)", dir, path,
			   strerror(errno));
		return ret;
	}
	ret = harness_results_load(&run->results, path, warning, sizeof(warning), error,
				   error_len);
	if (ret)
		return ret;
	print_warning(warning);
	ret = load_optional(&run->env, dir, "env.csv", error, error_len);
	if (ret < 0)
		goto err_free;
	ret = load_optional(&run->plan, dir, "plan.csv", error, error_len);
	if (ret < 0)
		goto err_free;
	run->has_plan = ret == 0;
	ret = load_optional_results(&run->sentinel, dir, "sentinel.csv", error, error_len);
	if (ret < 0)
		goto err_free;
	run->has_sentinel = ret == 0;
	snprintf(run->state, sizeof(run->state), "%s", harness_run_env(run, "run_state"));
	if (!strcmp(run->state, "unavailable"))
		snprintf(run->state, sizeof(run->state), "unknown (no run_state in env.csv)");
	run->complete = strcmp(run->state, "complete") == 0;
	return 0;

err_free:
	harness_run_free(run);
	return ret;
}

void harness_run_free(struct harness_run *run)
{
	evb_table_free(&run->results);
	evb_table_free(&run->env);
	evb_table_free(&run->plan);
	evb_table_free(&run->sentinel);
}

const char *harness_env_value(const struct evb_table *env, const char *key)
{
	int k = evb_table_col(env, "key"), v = evb_table_col(env, "value");

	for (size_t r = 0; k >= 0 && v >= 0 && r < env->nrows; r++)
		if (!strcmp(evb_table_get(env, r, k), key))
			return evb_table_get(env, r, v);
	return "unavailable";
}

const char *harness_run_env(const struct harness_run *run, const char *key)
{
	return harness_env_value(&run->env, key);
}

void harness_env_target(const struct evb_table *env, struct harness_target *target)
{
	const char *pct = harness_env_value(env, "run_precision_pct");
	const char *max_reps = harness_env_value(env, "run_max_reps");
	char *end;
	double value;
	long long reps;

	*target = (struct harness_target){ .pct = 0.0, .max_reps = SIZE_MAX, .stopped = true };
	value = strtod(pct, &end);
	if (end != pct && !*end && value > 0 && value < 1e6)
		target->pct = value;
	reps = strtoll(max_reps, &end, 10);
	if (end != max_reps && !*end && reps > 0)
		target->max_reps = (size_t)reps;
	/* Every stop reason (all met, max reps, budget, interrupted) ends the
	 * repetitions; a run without the key has ended too. */
}
