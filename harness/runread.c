/* runread.c - loading a run directory back; see runread.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "evb_row.h"
#include "runread.h"

int harness_run_load(struct harness_run *run, const char *dir, char *error, size_t error_len)
{
	char path[4200];
	int ret;

	memset(run, 0, sizeof(*run));
	snprintf(run->dir, sizeof(run->dir), "%s", dir);
	snprintf(path, sizeof(path), "%s/results.csv", dir);
	if (access(path, R_OK)) {
		ret = -errno;
		snprintf(error, error_len, "%s is not a run directory (%s: %s)", dir, path,
			 strerror(errno));
		return ret;
	}
	ret = evb_table_load(&run->results, path);
	if (ret) {
		snprintf(error, error_len, "%s", run->results.error);
		return ret;
	}
	for (int i = 0; evb_row_column_names[i]; i++) {
		if (evb_table_col(&run->results, evb_row_column_names[i]) < 0) {
			snprintf(error, error_len, "%s:1: column '%s' missing from the header",
				 path, evb_row_column_names[i]);
			evb_table_free(&run->results);
			return -EINVAL;
		}
	}
	snprintf(path, sizeof(path), "%s/env.csv", dir);
	if (access(path, R_OK) == 0) {
		ret = evb_table_load(&run->env, path);
		if (ret) {
			snprintf(error, error_len, "%s", run->env.error);
			evb_table_free(&run->results);
			return ret;
		}
	}
	snprintf(run->state, sizeof(run->state), "%s", harness_run_env(run, "run_state"));
	if (!strcmp(run->state, "unavailable"))
		snprintf(run->state, sizeof(run->state), "unknown (no run_state in env.csv)");
	run->complete = strcmp(run->state, "complete") == 0;
	return 0;
}

void harness_run_free(struct harness_run *run)
{
	evb_table_free(&run->results);
	evb_table_free(&run->env);
}

const char *harness_run_env(const struct harness_run *run, const char *key)
{
	int k = evb_table_col(&run->env, "key"), v = evb_table_col(&run->env, "value");

	for (size_t r = 0; k >= 0 && v >= 0 && r < run->env.nrows; r++)
		if (!strcmp(evb_table_get(&run->env, r, k), key))
			return evb_table_get(&run->env, r, v);
	return "unavailable";
}
