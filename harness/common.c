/* common.c - locating drivers and scripts, listing mechanisms, figures. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evb_config.h"
#include "evb_csv.h"
#include "evb_spawn.h"
#include "evb_sys.h"
#include "figures.h"
#include "harness.h"
#include "rundir.h"

/* buf = $var when it is set and not empty: true; else false. */
static bool dir_from_env(const char *var, char *buf, size_t len)
{
	const char *env = getenv(var);

	if (!env || !*env)
		return false;
	if (evb_fmt(buf, len, "%s", env)) {
		fprintf(stderr, "%s: %s is longer than a path may be (%zu bytes)\n", HARNESS_PROG,
			var, len - 1);
		exit(2);
	}
	return true;
}

void harness_bin_dir(char *buf, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n;

	if (dir_from_env("EVB_DRIVER_DIR", buf, len))
		return;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0) {
		snprintf(buf, len, ".");
		return;
	}
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');

	if (slash)
		*slash = '\0';
	snprintf(buf, len, "%s", exe);
}

void harness_plots_dir(char *buf, size_t len)
{
	if (!dir_from_env("EVB_PLOTS_DIR", buf, len))
		snprintf(buf, len, "%s/plots", EVB_SOURCE_DIR);
}

void harness_scripts_dir(char *buf, size_t len)
{
	if (!dir_from_env("EVB_SCRIPTS_DIR", buf, len))
		snprintf(buf, len, "%s/scripts", EVB_SOURCE_DIR);
}

void harness_pack_dir(char *buf, size_t len)
{
	if (!dir_from_env("EVB_BUNDLE_ROOT", buf, len))
		harness_bin_dir(buf, len);
}

int harness_driver_path(const struct harness_family *family, char *buf, size_t len)
{
	char dir[PATH_MAX];

	harness_bin_dir(dir, sizeof(dir));
	if (evb_fmt(buf, len, "%s/%s", dir, family->driver))
		return -ENAMETOOLONG;
	return access(buf, X_OK) == 0 ? 0 : -ENOENT;
}

const struct harness_family *harness_family_find(const char *name)
{
	for (size_t i = 0; i < harness_nfamilies; i++)
		if (strcmp(harness_families[i]->name, name) == 0)
			return harness_families[i];
	return NULL;
}

int harness_list_mechs(const char *driver, struct harness_mech **mechs, size_t *n,
		       char *error, size_t error_len)
{
	char *argv[] = { (char *)driver, "--list", NULL };
	struct evb_spawn_opts opts = { .timeout_ns = 20 * 1000000000LL, .cancel_fd = -1 };
	struct evb_spawn_result res;
	struct evb_csv_record rec = { 0 };
	size_t cap = 0;
	int ret = evb_spawn(argv, &opts, &res);
	char *line, *next;

	*mechs = NULL;
	*n = 0;
	if (ret) {
		snprintf(error, error_len, "%s", res.last_err);
		return ret;
	}
	if (res.end != EVB_SPAWN_EXITED || res.exit_status != 0) {
		snprintf(error, error_len, "%s --list failed: %s", driver, res.last_err);
		ret = -EIO;
		goto out;
	}
	line = strchr(res.out, '\n');   /* skip the header */
	for (line = line ? line + 1 : NULL; line && *line; line = next) {
		char err[256];

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		/* Five columns, or six with traits last. */
		if (evb_csv_parse_line(line, &rec, err, sizeof(err)) != 1 ||
		    (rec.nfields != 5 && rec.nfields != 6)) {
			snprintf(error, error_len, "%s --list: malformed line '%s'", driver, line);
			ret = -EINVAL;
			goto out;
		}
		if (*n == cap) {
			size_t ncap = cap ? cap * 2 : 32;
			struct harness_mech *m = realloc(*mechs, ncap * sizeof(*m));

			if (!m) {
				ret = -ENOMEM;
				goto out;
			}
			*mechs = m;
			cap = ncap;
		}
		struct harness_mech *m = &(*mechs)[(*n)++];

		evb_strlcpy(m->mechanism, rec.fields[0], sizeof(m->mechanism));
		evb_strlcpy(m->variant, rec.fields[1], sizeof(m->variant));
		m->supported = strcmp(rec.fields[2], "yes") == 0;
		evb_strlcpy(m->reason, rec.fields[3], sizeof(m->reason));
		evb_strlcpy(m->traits, rec.nfields == 6 ? rec.fields[5] : "", sizeof(m->traits));
	}
out:
	if (ret) {
		free(*mechs);
		*mechs = NULL;
		*n = 0;
	}
	evb_csv_record_free(&rec);
	evb_spawn_result_free(&res);
	return ret;
}

int harness_plan_family(struct harness_plan *plan, const struct harness_family *family,
			const struct harness_plan_req *req)
{
	char driver[PATH_MAX], error[512];
	struct harness_mech *mechs;
	size_t nmechs;
	int ret;

	ret = harness_driver_path(family, driver, sizeof(driver));
	if (ret) {
		fprintf(stderr, "%s: %s is not built (%s%s): family %s skipped\n", HARNESS_PROG,
			family->driver, driver, ret == -ENAMETOOLONG ? "...: path too long" : "",
			family->name);
		return -ENOENT;
	}
	ret = harness_list_mechs(driver, &mechs, &nmechs, error, sizeof(error));
	if (ret) {
		fprintf(stderr, "%s: %s\n", HARNESS_PROG, error);
		return ret;
	}
	ret = family->plan(plan, req, mechs, nmechs);
	free(mechs);
	return ret;
}

int harness_render_figures(const char *run_dir, FILE *log, int cancel_fd)
{
	char summary_path[PATH_MAX], results_path[PATH_MAX], plots[PATH_MAX];
	struct evb_table summary, results;
	int ret = 0;

	harness_run_path(summary_path, sizeof(summary_path), run_dir, "summary.csv");
	harness_run_path(results_path, sizeof(results_path), run_dir, "results.csv");
	harness_plots_dir(plots, sizeof(plots));
	if (evb_table_load(&summary, summary_path)) {
		fprintf(stderr, "%s: %s\n", HARNESS_PROG, summary.error);
		return -EINVAL;
	}
	if (evb_table_load(&results, results_path)) {
		fprintf(stderr, "%s: %s\n", HARNESS_PROG, results.error);
		evb_table_free(&summary);
		return -EINVAL;
	}

	struct harness_figctx ctx = {
		.run_dir = run_dir,
		.plots_dir = plots,
		.summary = &summary,
		.results = &results,
		.log = log,
		.cancel_fd = cancel_fd,
	};

	for (size_t i = 0; i < harness_nfamilies; i++) {
		const struct harness_family *family = harness_families[i];
		int r;

		if (!family->figures)
			continue;
		r = family->figures(&ctx);
		if (r == -ENOENT) {
			fprintf(stderr, "%s: gnuplot not found: figures skipped (the CSV is "
				"complete; apt-get install gnuplot-nox)\n", HARNESS_PROG);
			if (log)
				fprintf(log, "figures skipped: gnuplot not found\n");
			ret = r;
			break;
		}
		if (r == -EINTR) {   /* interrupted: the caller's stage check says so */
			ret = r;
			break;
		}
		if (r && !ret)
			ret = r;
	}
	evb_table_free(&summary);
	evb_table_free(&results);
	return ret;
}
